#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <pinnbench/io/Hdf5.hpp>
#include <unistd.h>
#include <utility>

namespace pinnbench::io {

namespace {

/// Turns off HDF5's automatic error-stack printing for one scope: our callers
/// get the message in an exception instead of a stderr dump.
class QuietErrors
{
public:
  QuietErrors()
  {
    H5Eget_auto2(H5E_DEFAULT, &saved_function_, &saved_data_);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  ~QuietErrors() { H5Eset_auto2(H5E_DEFAULT, saved_function_, saved_data_); }
  QuietErrors(const QuietErrors&) = delete;
  QuietErrors& operator=(const QuietErrors&) = delete;

private:
  H5E_auto2_t saved_function_ = nullptr;
  void* saved_data_ = nullptr;
};

herr_t keep_innermost_description(unsigned n, const H5E_error2_t* error, void* out)
{
  if (n == 0 && error->desc != nullptr) {
    *static_cast<std::string*>(out) = error->desc;
  }
  return 0;
}

/// The most specific description on HDF5's error stack (e.g. "can't locate
/// attribute"), then clears the stack.
std::string take_hdf5_message()
{
  std::string message;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, keep_innermost_description, &message);
  H5Eclear2(H5E_DEFAULT);
  return message.empty() ? std::string("unknown HDF5 error") : message;
}

/// Runs one HDF5 call with printing silenced; a negative result (every HDF5
/// status and identifier type signals failure that way) becomes an Hdf5Error.
template <class Call>
auto checked(const std::string& where, const std::string& what, Call&& call)
{
  const QuietErrors quiet;
  const auto result = call();
  if (result < 0) {
    throw Hdf5Error(where + ": " + what + ": " + take_hdf5_message());
  }
  return result;
}

std::string quoted(const std::string& name)
{
  return "'" + name + "'";
}

ElementKind kind_of(H5T_class_t type_class)
{
  switch (type_class) {
  case H5T_STRING:
    return ElementKind::string;
  case H5T_INTEGER:
    return ElementKind::integer;
  case H5T_FLOAT:
    return ElementKind::floating;
  default:
    return ElementKind::other;
  }
}

const char* describe(ElementKind kind)
{
  switch (kind) {
  case ElementKind::string:
    return "string";
  case ElementKind::integer:
    return "integer";
  case ElementKind::floating:
    return "floating point";
  default:
    return "non-numeric";
  }
}

void require_kind(ElementKind actual, ElementKind expected, const std::string& where)
{
  if (actual != expected) {
    throw Hdf5Error(where + ": stored as " + describe(actual) + ", expected " + describe(expected));
  }
}

/// Link and attribute creation order tracked, so readers (h5py included)
/// list series and attributes in the order the writer chose.
Handle creation_order_plist(hid_t plist_class, const std::string& where)
{
  Handle plist(
      checked(where, "cannot create property list", [&] { return H5Pcreate(plist_class); }),
      H5Pclose);
  const unsigned flags = H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED;
  checked(where, "cannot track link creation order",
          [&] { return H5Pset_link_creation_order(plist.get(), flags); });
  checked(where, "cannot track attribute creation order",
          [&] { return H5Pset_attr_creation_order(plist.get(), flags); });
  return plist;
}

Handle file_access_plist(H5F_close_degree_t close_degree, const std::string& where)
{
  Handle fapl(
      checked(where, "cannot create property list", [] { return H5Pcreate(H5P_FILE_ACCESS); }),
      H5Pclose);
  checked(where, "cannot set close degree",
          [&] { return H5Pset_fclose_degree(fapl.get(), close_degree); });
#if H5_VERSION_GE(1, 10, 7)
  // Lock where the file system supports it, carry on where it does not (Lustre,
  // some NFS mounts) instead of failing every result write.
  checked(where, "cannot set file locking",
          [&] { return H5Pset_file_locking(fapl.get(), true, true); });
#endif
  return fapl;
}

/// Iteration callbacks run inside HDF5's C code: no exception may cross it,
/// so a failed allocation stops the iteration with an error instead.
herr_t append_name(const char* name, void* names) noexcept
{
  try {
    static_cast<std::vector<std::string>*>(names)->emplace_back(name);
    return 0;
  } catch (...) {
    return -1;
  }
}

herr_t collect_attribute_name(hid_t, const char* name, const H5A_info_t*, void* names)
{
  return append_name(name, names);
}

herr_t collect_link_name(hid_t, const char* name, const H5L_info_t*, void* names)
{
  return append_name(name, names);
}

/// Iterates by creation order, falling back to name order for files written
/// without creation-order tracking (e.g. by other tools).
template <class Iterate>
std::vector<std::string> names_in_creation_order(const std::string& where, const std::string& what,
                                                 Iterate&& iterate)
{
  std::vector<std::string> names;
  {
    const QuietErrors quiet;
    hsize_t index = 0;
    if (iterate(H5_INDEX_CRT_ORDER, &index, &names) >= 0) {
      return names;
    }
    H5Eclear2(H5E_DEFAULT);
  }
  names.clear();
  hsize_t index = 0;
  checked(where, what, [&] { return iterate(H5_INDEX_NAME, &index, &names); });
  return names;
}

} // namespace

// --- Handle ------------------------------------------------------------------

Handle::Handle(Handle&& other) noexcept
    : id_(std::exchange(other.id_, H5I_INVALID_HID)), closer_(other.closer_)
{}

Handle& Handle::operator=(Handle&& other) noexcept
{
  if (this != &other) {
    Handle discarded(std::move(*this));
    id_ = std::exchange(other.id_, H5I_INVALID_HID);
    closer_ = other.closer_;
  }
  return *this;
}

Handle::~Handle()
{
  // A destructor cannot report a failed close (e.g. an object already closed
  // by a strong file close), so it must not print one either.
  if (valid()) {
    const QuietErrors quiet;
    close();
    H5Eclear2(H5E_DEFAULT);
  }
}

herr_t Handle::close() noexcept
{
  if (!valid() || closer_ == nullptr) {
    return 0;
  }
  // Not silenced here: callers that check the status (File::close) wrap this
  // in checked(), which silences printing and reads the error stack.
  return closer_(std::exchange(id_, H5I_INVALID_HID));
}

// --- Dataspace ---------------------------------------------------------------

namespace {
const std::string dataspace_where = "HDF5 dataspace";
const std::string datatype_where = "HDF5 datatype";
} // namespace

Dataspace::Dataspace(hid_t id) : handle_(id, H5Sclose)
{}

Dataspace Dataspace::scalar()
{
  return Dataspace(checked(dataspace_where, "cannot create scalar dataspace",
                           [] { return H5Screate(H5S_SCALAR); }));
}

Dataspace Dataspace::simple(const std::vector<std::size_t>& dims)
{
  std::vector<hsize_t> extent(dims.begin(), dims.end());
  return Dataspace(checked(dataspace_where, "cannot create dataspace", [&] {
    return H5Screate_simple(static_cast<int>(extent.size()), extent.data(), nullptr);
  }));
}

bool Dataspace::is_scalar() const
{
  return checked(dataspace_where, "cannot query dataspace",
                 [&] { return H5Sget_simple_extent_type(id()); }) == H5S_SCALAR;
}

std::vector<std::size_t> Dataspace::dims() const
{
  const int rank = checked(dataspace_where, "cannot query dataspace rank",
                           [&] { return H5Sget_simple_extent_ndims(id()); });
  std::vector<hsize_t> extent(static_cast<std::size_t>(rank));
  checked(dataspace_where, "cannot query dataspace dims",
          [&] { return H5Sget_simple_extent_dims(id(), extent.data(), nullptr); });
  return std::vector<std::size_t>(extent.begin(), extent.end());
}

std::size_t Dataspace::element_count() const
{
  return static_cast<std::size_t>(checked(dataspace_where, "cannot count dataspace elements",
                                          [&] { return H5Sget_simple_extent_npoints(id()); }));
}

// --- Datatype ----------------------------------------------------------------

Datatype::Datatype(hid_t id) : handle_(id, H5Tclose)
{}

Datatype Datatype::variable_string()
{
  Datatype type(
      checked(datatype_where, "cannot copy string type", [] { return H5Tcopy(H5T_C_S1); }));
  checked(datatype_where, "cannot make string type variable-length",
          [&] { return H5Tset_size(type.id(), H5T_VARIABLE); });
  checked(datatype_where, "cannot set string type to UTF-8",
          [&] { return H5Tset_cset(type.id(), H5T_CSET_UTF8); });
  return type;
}

H5T_class_t Datatype::type_class() const
{
  return checked(datatype_where, "cannot query type class", [&] { return H5Tget_class(id()); });
}

std::size_t Datatype::size() const
{
  // H5Tget_size signals failure with 0, not a negative value.
  const QuietErrors quiet;
  const std::size_t bytes = H5Tget_size(id());
  if (bytes == 0) {
    throw Hdf5Error(datatype_where + ": cannot query type size: " + take_hdf5_message());
  }
  return bytes;
}

bool Datatype::is_variable_string() const
{
  return checked(datatype_where, "cannot query string type",
                 [&] { return H5Tis_variable_str(id()); }) > 0;
}

// --- Attribute ---------------------------------------------------------------

Attribute::Attribute(hid_t id, std::string where) : handle_(id, H5Aclose), where_(std::move(where))
{}

Dataspace Attribute::dataspace() const
{
  return Dataspace(checked(where_, "cannot get attribute dataspace",
                           [&] { return H5Aget_space(handle_.get()); }));
}

Datatype Attribute::datatype() const
{
  return Datatype(
      checked(where_, "cannot get attribute type", [&] { return H5Aget_type(handle_.get()); }));
}

ElementKind Attribute::kind() const
{
  return kind_of(datatype().type_class());
}

bool Attribute::is_scalar() const
{
  return dataspace().is_scalar();
}

std::string Attribute::read_string() const
{
  const Datatype stored = datatype();
  require_kind(kind_of(stored.type_class()), ElementKind::string, where_);
  if (dataspace().element_count() != 1) {
    throw Hdf5Error(where_ + ": expected a single string");
  }

  if (stored.is_variable_string()) {
    // Read into a native variable-length type of the same character set:
    // HDF5 does not convert between ASCII and UTF-8.
    Datatype memory = Datatype::variable_string();
    const H5T_cset_t cset =
        checked(where_, "cannot query character set", [&] { return H5Tget_cset(stored.id()); });
    checked(where_, "cannot set character set", [&] { return H5Tset_cset(memory.id(), cset); });
    char* raw = nullptr;
    checked(where_, "cannot read attribute",
            [&] { return H5Aread(handle_.get(), memory.id(), &raw); });
    const std::unique_ptr<char, herr_t (*)(void*)> owned(raw, H5free_memory);
    return raw == nullptr ? std::string() : std::string(raw);
  }

  std::string value(stored.size(), '\0');
  checked(where_, "cannot read attribute",
          [&] { return H5Aread(handle_.get(), stored.id(), value.data()); });
  // Fixed-length strings are NUL-terminated, NUL-padded or space-padded.
  value.erase(std::find(value.begin(), value.end(), '\0'), value.end());
  const H5T_str_t padding =
      checked(where_, "cannot query string padding", [&] { return H5Tget_strpad(stored.id()); });
  if (padding == H5T_STR_SPACEPAD) {
    value.erase(value.find_last_not_of(' ') + 1);
  }
  return value;
}

std::vector<std::int64_t> Attribute::read_int64s() const
{
  require_kind(kind(), ElementKind::integer, where_);
  std::vector<std::int64_t> values(dataspace().element_count());
  if (!values.empty()) {
    checked(where_, "cannot read attribute",
            [&] { return H5Aread(handle_.get(), H5T_NATIVE_INT64, values.data()); });
  }
  return values;
}

std::vector<double> Attribute::read_doubles() const
{
  require_kind(kind(), ElementKind::floating, where_);
  std::vector<double> values(dataspace().element_count());
  if (!values.empty()) {
    checked(where_, "cannot read attribute",
            [&] { return H5Aread(handle_.get(), H5T_NATIVE_DOUBLE, values.data()); });
  }
  return values;
}

// --- Object ------------------------------------------------------------------

Object::Object(Handle handle, std::string file_path, std::string name)
    : handle_(std::move(handle)), file_path_(std::move(file_path)), name_(std::move(name))
{}

std::string Object::where() const
{
  return file_path_ + ":" + name_;
}

std::string Object::child_name(const std::string& child) const
{
  return name_ == "/" ? "/" + child : name_ + "/" + child;
}

namespace {

void write_attribute(const Object& object, const std::string& attr, hid_t file_type,
                     const Dataspace& space, hid_t memory_type, const void* data)
{
  const std::string where = object.where();
  Handle handle(checked(where, "cannot create attribute " + quoted(attr),
                        [&] {
                          return H5Acreate2(object.id(), attr.c_str(), file_type, space.id(),
                                            H5P_DEFAULT, H5P_DEFAULT);
                        }),
                H5Aclose);
  if (space.element_count() > 0) {
    checked(where, "cannot write attribute " + quoted(attr),
            [&] { return H5Awrite(handle.get(), memory_type, data); });
  }
  checked(where, "cannot close attribute " + quoted(attr), [&] { return handle.close(); });
}

} // namespace

void Object::write_string_attribute(const std::string& attr, const std::string& value)
{
  const Datatype type = Datatype::variable_string();
  const char* text = value.c_str();
  write_attribute(*this, attr, type.id(), Dataspace::scalar(), type.id(), &text);
}

void Object::write_int_attribute(const std::string& attr, std::int64_t value)
{
  write_attribute(*this, attr, H5T_STD_I64LE, Dataspace::scalar(), H5T_NATIVE_INT64, &value);
}

void Object::write_double_attribute(const std::string& attr, double value)
{
  write_attribute(*this, attr, H5T_IEEE_F64LE, Dataspace::scalar(), H5T_NATIVE_DOUBLE, &value);
}

void Object::write_int_array_attribute(const std::string& attr,
                                       const std::vector<std::int64_t>& values)
{
  write_attribute(*this, attr, H5T_STD_I64LE, Dataspace::simple({values.size()}), H5T_NATIVE_INT64,
                  values.data());
}

void Object::write_double_array_attribute(const std::string& attr,
                                          const std::vector<double>& values)
{
  write_attribute(*this, attr, H5T_IEEE_F64LE, Dataspace::simple({values.size()}),
                  H5T_NATIVE_DOUBLE, values.data());
}

bool Object::has_attribute(const std::string& attr) const
{
  return checked(where(), "cannot look up attribute " + quoted(attr),
                 [&] { return H5Aexists(id(), attr.c_str()); }) > 0;
}

Attribute Object::open_attribute(const std::string& attr) const
{
  const hid_t attr_id = checked(where(), "cannot open attribute " + quoted(attr),
                                [&] { return H5Aopen(id(), attr.c_str(), H5P_DEFAULT); });
  return Attribute(attr_id, where() + "/@" + attr);
}

std::vector<std::string> Object::attribute_names() const
{
  return names_in_creation_order(
      where(), "cannot list attributes",
      [&](H5_index_t index_type, hsize_t* index, std::vector<std::string>* names) {
        return H5Aiterate2(id(), index_type, H5_ITER_INC, index, collect_attribute_name, names);
      });
}

std::string Object::read_string_attribute(const std::string& attr) const
{
  return open_attribute(attr).read_string();
}

namespace {

template <class T>
T single_value(const std::vector<T>& values, const std::string& where)
{
  if (values.size() != 1) {
    throw Hdf5Error(where + ": expected a single value, found " + std::to_string(values.size()));
  }
  return values.front();
}

} // namespace

std::int64_t Object::read_int_attribute(const std::string& attr) const
{
  const Attribute attribute = open_attribute(attr);
  return single_value(attribute.read_int64s(), attribute.where());
}

double Object::read_double_attribute(const std::string& attr) const
{
  const Attribute attribute = open_attribute(attr);
  return single_value(attribute.read_doubles(), attribute.where());
}

std::vector<std::int64_t> Object::read_int_array_attribute(const std::string& attr) const
{
  return open_attribute(attr).read_int64s();
}

std::vector<double> Object::read_double_array_attribute(const std::string& attr) const
{
  return open_attribute(attr).read_doubles();
}

// --- Dataset -----------------------------------------------------------------

Dataset::Dataset(Handle handle, std::string file_path, std::string name)
    : Object(std::move(handle), std::move(file_path), std::move(name))
{}

Dataspace Dataset::dataspace() const
{
  return Dataspace(
      checked(where(), "cannot get dataset dataspace", [&] { return H5Dget_space(id()); }));
}

Datatype Dataset::datatype() const
{
  return Datatype(checked(where(), "cannot get dataset type", [&] { return H5Dget_type(id()); }));
}

ElementKind Dataset::kind() const
{
  return kind_of(datatype().type_class());
}

std::size_t Dataset::element_size() const
{
  return datatype().size();
}

std::vector<std::size_t> Dataset::shape() const
{
  return dataspace().dims();
}

namespace {

template <class T>
std::vector<T> read_all(const Dataset& dataset, ElementKind expected, hid_t memory_type)
{
  require_kind(dataset.kind(), expected, dataset.where());
  std::vector<T> values(dataset.dataspace().element_count());
  if (!values.empty()) {
    checked(dataset.where(), "cannot read dataset", [&] {
      return H5Dread(dataset.id(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
    });
  }
  return values;
}

} // namespace

std::vector<double> Dataset::read_doubles() const
{
  return read_all<double>(*this, ElementKind::floating, H5T_NATIVE_DOUBLE);
}

std::vector<std::int64_t> Dataset::read_int64s() const
{
  return read_all<std::int64_t>(*this, ElementKind::integer, H5T_NATIVE_INT64);
}

// --- Group -------------------------------------------------------------------

Group::Group(Handle handle, std::string file_path, std::string name)
    : Object(std::move(handle), std::move(file_path), std::move(name))
{}

Group Group::create_group(const std::string& child)
{
  const std::string child_path = child_name(child);
  const Handle gcpl = creation_order_plist(H5P_GROUP_CREATE, where());
  const hid_t group_id = checked(where(), "cannot create group " + quoted(child), [&] {
    return H5Gcreate2(id(), child.c_str(), H5P_DEFAULT, gcpl.get(), H5P_DEFAULT);
  });
  return Group(Handle(group_id, H5Gclose), file_path_, child_path);
}

Group Group::open_group(const std::string& child) const
{
  const hid_t group_id = checked(where(), "cannot open group " + quoted(child),
                                 [&] { return H5Gopen2(id(), child.c_str(), H5P_DEFAULT); });
  return Group(Handle(group_id, H5Gclose), file_path_, child_name(child));
}

bool Group::has_child(const std::string& child) const
{
  return checked(where(), "cannot look up " + quoted(child),
                 [&] { return H5Lexists(id(), child.c_str(), H5P_DEFAULT); }) > 0;
}

std::vector<std::string> Group::child_names() const
{
  return names_in_creation_order(
      where(), "cannot list group members",
      [&](H5_index_t index_type, hsize_t* index, std::vector<std::string>* names) {
        return H5Literate(id(), index_type, H5_ITER_INC, index, collect_link_name, names);
      });
}

namespace {

template <class T>
Dataset create_and_write(Group& group, const std::string& child, const std::string& child_path,
                         const std::vector<std::size_t>& shape, const T* data, hid_t file_type,
                         hid_t memory_type)
{
  const Dataspace space = Dataspace::simple(shape);
  // Every non-empty dataset carries HDF5's Fletcher-32 checksum (per chunk), which
  // every HDF5 reader verifies on every read: damaged data fails to read instead
  // of being returned. The filter needs chunks: up to 2^20 elements each.
  Handle dcpl(checked(group.where(), "cannot create property list",
                      [] { return H5Pcreate(H5P_DATASET_CREATE); }),
              H5Pclose);
  if (space.element_count() > 0) {
    std::vector<hsize_t> chunk(shape.begin(), shape.end());
    hsize_t inner = 1;
    for (std::size_t d = 1; d < chunk.size(); ++d) {
      inner *= std::max<hsize_t>(1, chunk[d]);
    }
    chunk[0] = std::max<hsize_t>(1, std::min<hsize_t>(chunk[0], (hsize_t(1) << 20) / inner));
    checked(group.where(), "cannot set chunking for " + quoted(child),
            [&] { return H5Pset_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data()); });
    checked(group.where(), "cannot add a checksum to " + quoted(child),
            [&] { return H5Pset_fletcher32(dcpl.get()); });
  }
  const hid_t dataset_id = checked(group.where(), "cannot create dataset " + quoted(child), [&] {
    return H5Dcreate2(group.id(), child.c_str(), file_type, space.id(), H5P_DEFAULT, dcpl.get(),
                      H5P_DEFAULT);
  });
  Dataset dataset(Handle(dataset_id, H5Dclose), group.file_path(), child_path);
  if (space.element_count() > 0) {
    checked(dataset.where(), "cannot write dataset", [&] {
      return H5Dwrite(dataset.id(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data);
    });
  }
  return dataset;
}

} // namespace

Dataset Group::write_dataset(const std::string& child, const std::vector<std::size_t>& shape,
                             const float* data)
{
  return create_and_write(*this, child, child_name(child), shape, data, H5T_IEEE_F32LE,
                          H5T_NATIVE_FLOAT);
}

Dataset Group::write_dataset(const std::string& child, const std::vector<std::size_t>& shape,
                             const double* data)
{
  return create_and_write(*this, child, child_name(child), shape, data, H5T_IEEE_F64LE,
                          H5T_NATIVE_DOUBLE);
}

Dataset Group::write_dataset(const std::string& child, const std::vector<std::size_t>& shape,
                             const std::int64_t* data)
{
  return create_and_write(*this, child, child_name(child), shape, data, H5T_STD_I64LE,
                          H5T_NATIVE_INT64);
}

Dataset Group::open_dataset(const std::string& child) const
{
  const hid_t dataset_id = checked(where(), "cannot open dataset " + quoted(child),
                                   [&] { return H5Dopen2(id(), child.c_str(), H5P_DEFAULT); });
  return Dataset(Handle(dataset_id, H5Dclose), file_path_, child_name(child));
}

// --- File --------------------------------------------------------------------

/// The core driver's buffer: HDF5 allocates it through these callbacks and, at
/// close, hands it to image_free, which keeps it instead of freeing it.
struct File::ImageSink
{
  void* buffer = nullptr;
  std::size_t size = 0; ///< bytes of the image (its EOF) measured before the close
  ~ImageSink() { std::free(buffer); }
};

namespace {

void* image_malloc(std::size_t size, H5FD_file_image_op_t, void*)
{
  return std::malloc(size);
}

void* image_memcpy(void* destination, const void* source, std::size_t size, H5FD_file_image_op_t,
                   void*)
{
  return std::memcpy(destination, source, size);
}

void* image_realloc(void* pointer, std::size_t size, H5FD_file_image_op_t, void*)
{
  return std::realloc(pointer, size);
}

herr_t image_free(void* pointer, H5FD_file_image_op_t operation, void* udata)
{
  auto* sink = static_cast<File::ImageSink*>(udata);
  if (operation == H5FD_FILE_IMAGE_OP_FILE_CLOSE && sink != nullptr && sink->buffer == nullptr) {
    sink->buffer = pointer;
  } else {
    std::free(pointer);
  }
  return 0;
}

// The sink outlives every copy of the property list: no copying, no freeing.
void* udata_copy(void* udata)
{
  return udata;
}

herr_t udata_free(void*)
{
  return 0;
}

/// Writes `size` bytes to a new file at `path` and syncs it; on failure the
/// partial file is removed and Hdf5Error carries the system's message.
void write_to_disk(const std::string& path, const void* data, std::size_t size,
                   bool fail_as_full_disk)
{
  const auto failed = [&](const char* what, int error) {
    ::unlink(path.c_str());
    throw Hdf5Error(path + ": " + what + ": " + std::strerror(error));
  };
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    throw Hdf5Error(path + ": cannot create file: " + std::strerror(errno));
  }
  const char* bytes = static_cast<const char*>(data);
  std::size_t written = 0;
  while (written < size) {
    std::size_t chunk = std::min<std::size_t>(size - written, std::size_t(1) << 26);
    if (fail_as_full_disk) {
      // A full disk: part of the bytes land, then write() fails with ENOSPC.
      chunk = std::min<std::size_t>(chunk, size / 2);
      if (written > 0 || chunk == 0) {
        ::close(fd);
        failed("cannot write file", ENOSPC);
      }
    }
    const ssize_t n = ::write(fd, bytes + written, chunk);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      const int error = n < 0 ? errno : ENOSPC;
      ::close(fd);
      failed("cannot write file", error);
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    const int error = errno;
    ::close(fd);
    failed("cannot sync file", error);
  }
  if (::close(fd) != 0) {
    failed("cannot close file", errno);
  }
}

} // namespace

File::File(Handle handle, std::string path, std::unique_ptr<ImageSink> sink)
    : Group(std::move(handle), std::move(path), "/"), sink_(std::move(sink))
{}

File::~File()
{
  if (handle_.valid()) {
    try {
      close();
    } catch (const std::exception&) {
      // Silent by contract: close() left nothing open and no partial file.
    }
  }
}

File File::create(const std::filesystem::path& path)
{
  const std::string where = path.string();
  const Handle fcpl = creation_order_plist(H5P_FILE_CREATE, where);
  // Strong close: closing the file closes everything in it.
  const Handle fapl = file_access_plist(H5F_CLOSE_STRONG, where);
  auto sink = std::make_unique<ImageSink>();
  // The 1.10 format indexes a dataset held in one chunk without a B-tree: the
  // checksummed (chunked) datasets cost a few bytes instead of ~2 KB each.
  checked(where, "cannot set the file format version",
          [&] { return H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_V110, H5F_LIBVER_LATEST); });
  checked(where, "cannot select the in-memory driver",
          [&] { return H5Pset_fapl_core(fapl.get(), std::size_t(1) << 20, false); });
  H5FD_file_image_callbacks_t callbacks = {image_malloc, image_memcpy, image_realloc, image_free,
                                           udata_copy,   udata_free,   sink.get()};
  checked(where, "cannot set file image callbacks",
          [&] { return H5Pset_file_image_callbacks(fapl.get(), &callbacks); });
  const hid_t file_id = checked(where, "cannot create HDF5 file", [&] {
    return H5Fcreate(path.c_str(), H5F_ACC_TRUNC, fcpl.get(), fapl.get());
  });
  return File(Handle(file_id, H5Fclose), where, std::move(sink));
}

File File::open_read_only(const std::filesystem::path& path)
{
  const std::string where = path.string();
  const Handle fapl = file_access_plist(H5F_CLOSE_WEAK, where);
  const hid_t file_id = checked(where, "cannot open HDF5 file",
                                [&] { return H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl.get()); });
  return File(Handle(file_id, H5Fclose), where, nullptr);
}

void File::flush()
{
  checked(file_path_, "cannot flush HDF5 file", [&] { return H5Fflush(id(), H5F_SCOPE_GLOBAL); });
}

void File::close()
{
  if (!sink_) {
    checked(file_path_, "cannot close HDF5 file", [&] { return handle_.close(); });
    return;
  }
  if (!handle_.valid()) {
    return;
  }
  // Everything into the image first, so its size is final; memory only, so a
  // failure here is HDF5's own (and the close below still releases the file).
  std::string error;
  try {
    flush();
    sink_->size =
        static_cast<std::size_t>(checked(file_path_, "cannot measure the file image",
                                         [&] { return H5Fget_file_image(id(), nullptr, 0); }));
  } catch (const Hdf5Error& e) {
    error = e.what();
  }
  checked(file_path_, "cannot close HDF5 file", [&] { return handle_.close(); });
  if (!error.empty()) {
    throw Hdf5Error(error);
  }
  if (sink_->buffer == nullptr && sink_->size > 0) {
    throw Hdf5Error(file_path_ + ": HDF5 kept the file image");
  }
  const std::unique_ptr<ImageSink> image = std::move(sink_);
  write_to_disk(file_path_, image->buffer, image->size, fail_as_full_disk_);
}

std::string hdf5_library_version()
{
  unsigned major = 0;
  unsigned minor = 0;
  unsigned release = 0;
  checked("HDF5", "cannot query library version",
          [&] { return H5get_libversion(&major, &minor, &release); });
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(release);
}

} // namespace pinnbench::io
