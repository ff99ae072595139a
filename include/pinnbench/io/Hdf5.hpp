#pragma once
// Small RAII layer over the HDF5 C API: exactly what result files need (scalar
// and 1-D attributes, 1-D/2-D numeric datasets, groups), nothing more. Every
// failure becomes an Hdf5Error naming the file and the object; HDF5's own
// error-stack printing is silenced because the exception carries its message.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <hdf5.h>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace pinnbench::io {

/// Any failed HDF5 call: "FILE:OBJECT: what we tried: what HDF5 said".
class Hdf5Error : public std::runtime_error
{
public:
  using std::runtime_error::runtime_error;
};

/// Owns one HDF5 identifier and releases it with the matching H5?close.
class Handle
{
public:
  using Closer = herr_t (*)(hid_t);

  Handle() noexcept = default;
  Handle(hid_t id, Closer closer) noexcept : id_(id), closer_(closer) {}
  Handle(Handle&& other) noexcept;
  Handle& operator=(Handle&& other) noexcept;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle();

  hid_t get() const noexcept { return id_; }
  bool valid() const noexcept { return id_ >= 0; }
  /// Releases the identifier now; returns HDF5's status (negative on failure).
  herr_t close() noexcept;

private:
  hid_t id_ = H5I_INVALID_HID;
  Closer closer_ = nullptr;
};

/// The shape of a dataset or attribute (H5S).
class Dataspace
{
public:
  static Dataspace scalar();
  static Dataspace simple(const std::vector<std::size_t>& dims);
  /// Takes ownership of an identifier returned by H5Aget_space/H5Dget_space.
  explicit Dataspace(hid_t id);

  hid_t id() const noexcept { return handle_.get(); }
  bool is_scalar() const;
  std::vector<std::size_t> dims() const;
  std::size_t element_count() const;

private:
  Handle handle_;
};

/// An owned element type (H5T): a stored type, or a string type we built.
class Datatype
{
public:
  /// Variable-length, NUL-terminated UTF-8 string: what result files store.
  static Datatype variable_string();
  /// Takes ownership of an identifier returned by H5Aget_type/H5Dget_type/H5Tcopy.
  explicit Datatype(hid_t id);

  hid_t id() const noexcept { return handle_.get(); }
  H5T_class_t type_class() const;
  std::size_t size() const;
  bool is_variable_string() const;

private:
  Handle handle_;
};

/// Stored element kinds readers care about.
enum class ElementKind
{
  string,
  integer,
  floating,
  other
};

/// One open attribute; `where` is "FILE:OBJECT/@NAME" for messages.
class Attribute
{
public:
  Attribute(hid_t id, std::string where);

  const std::string& where() const noexcept { return where_; }
  Dataspace dataspace() const;
  Datatype datatype() const;
  ElementKind kind() const;
  bool is_scalar() const;

  /// A scalar string, fixed or variable length (padding and NULs trimmed).
  std::string read_string() const;
  /// Every element, converted to the requested native type; the stored class
  /// must match (integer for int64, floating point for double).
  std::vector<std::int64_t> read_int64s() const;
  std::vector<double> read_doubles() const;

private:
  Handle handle_;
  std::string where_;
};

/// Anything that carries attributes: the file's root group, a group, a dataset.
class Object
{
public:
  hid_t id() const noexcept { return handle_.get(); }
  const std::string& file_path() const noexcept { return file_path_; }
  /// Absolute HDF5 path, "/" for the root group.
  const std::string& name() const noexcept { return name_; }
  /// "FILE:NAME", the prefix of every error message about this object.
  std::string where() const;

  void write_string_attribute(const std::string& attr, const std::string& value);
  void write_int_attribute(const std::string& attr, std::int64_t value);
  void write_double_attribute(const std::string& attr, double value);
  void write_int_array_attribute(const std::string& attr, const std::vector<std::int64_t>& values);
  void write_double_array_attribute(const std::string& attr, const std::vector<double>& values);

  bool has_attribute(const std::string& attr) const;
  Attribute open_attribute(const std::string& attr) const;
  /// Attribute names in creation order when the file tracks it (ours do);
  /// otherwise in HDF5's storage order, or by name where it has no other.
  std::vector<std::string> attribute_names() const;

  std::string read_string_attribute(const std::string& attr) const;
  std::int64_t read_int_attribute(const std::string& attr) const;
  double read_double_attribute(const std::string& attr) const;
  std::vector<std::int64_t> read_int_array_attribute(const std::string& attr) const;
  std::vector<double> read_double_array_attribute(const std::string& attr) const;

protected:
  Object(Handle handle, std::string file_path, std::string name);
  std::string child_name(const std::string& child) const;

  Handle handle_;
  std::string file_path_;
  std::string name_;
};

/// A numeric dataset (row-major; non-empty ones chunked with a Fletcher-32 checksum).
class Dataset : public Object
{
public:
  Dataset(Handle handle, std::string file_path, std::string name);

  Dataspace dataspace() const;
  Datatype datatype() const;
  ElementKind kind() const;
  /// Size in bytes of one stored element (4 for float, 8 for double/int64).
  std::size_t element_size() const;
  std::vector<std::size_t> shape() const;
  /// Every element in row-major order; the stored class must match.
  std::vector<double> read_doubles() const;
  std::vector<std::int64_t> read_int64s() const;
};

/// A group; the file's root group is a Group too (see File).
class Group : public Object
{
public:
  Group(Handle handle, std::string file_path, std::string name);

  Group create_group(const std::string& child);
  Group open_group(const std::string& child) const;
  /// True when a link of that name exists in this group.
  bool has_child(const std::string& child) const;
  /// Child names in creation order when the file tracks it (ours do);
  /// otherwise by name.
  std::vector<std::string> child_names() const;

  /// `shape` gives the dataset's dims; `data` holds their product of values, row-major.
  Dataset write_dataset(const std::string& child, const std::vector<std::size_t>& shape,
                        const float* data);
  Dataset write_dataset(const std::string& child, const std::vector<std::size_t>& shape,
                        const double* data);
  Dataset write_dataset(const std::string& child, const std::vector<std::size_t>& shape,
                        const std::int64_t* data);
  Dataset open_dataset(const std::string& child) const;
};

/// An HDF5 file; as a Group it is the root group "/".
///
/// A created file is built in memory (HDF5's core driver) and written to its
/// path by close() with plain POSIX writes and an fsync. HDF5 itself therefore
/// never writes to disk: a full disk (ENOSPC) or a quota fails close() with the
/// system's message, and no HDF5 close can fail half-way, which in HDF5 1.10
/// leaves a dangling file that crashes the library at exit (H5F__close_cb).
class File : public Group
{
public:
  /// Creates (truncating) a file whose groups and attributes keep creation order.
  static File create(const std::filesystem::path& path);
  static File open_read_only(const std::filesystem::path& path);

  File(File&&) noexcept = default;
  File& operator=(File&&) noexcept = default;
  ~File();

  /// Writes every buffered byte into the file's image (or to the operating system).
  void flush();
  /// Closes the file and every object still open in it, then (for a created
  /// file) writes it to disk; throws Hdf5Error when that fails, with every HDF5
  /// resource already released and no partial file left. The destructor of a
  /// file that was not closed does the same, silently.
  void close();

  /// Tests only: the next close() of a created file fails as a full disk
  /// would (ENOSPC after part of the bytes), exercising the real error path.
  void fail_next_write_as_full_disk() { fail_as_full_disk_ = true; }

  struct ImageSink; ///< the in-memory image HDF5 hands over at close

private:
  File(Handle handle, std::string path, std::unique_ptr<ImageSink> sink);

  std::unique_ptr<ImageSink> sink_; ///< created files only
  bool fail_as_full_disk_ = false;
};

/// Runtime HDF5 library version, e.g. "1.10.8".
std::string hdf5_library_version();

} // namespace pinnbench::io
