// The HDF5 wrapper on its own: every attribute and dataset type the result
// files use, reading strings written by other tools, and error reporting.
#include "SyntheticResult.hpp"

#include <algorithm>
#include <cmath>
#include <gtest/gtest.h>
#include <limits>
#include <pinnbench/io/Hdf5.hpp>

namespace pinnbench::io {
namespace {

namespace fs = std::filesystem;

class Hdf5Test : public ::testing::Test
{
protected:
  test::ScratchDirectory scratch{"hdf5"};
  fs::path file_path = scratch.path() / "wrapper.h5";
};

TEST_F(Hdf5Test, ScalarAndArrayAttributesRoundTrip)
{
  const std::string long_text(200000, 'y'); // beyond the 64 KiB compact-attribute limit
  {
    File file = File::create(file_path);
    file.write_string_attribute("empty", "");
    file.write_string_attribute("unicode", "\xce\xb2 = 5, \xc2\xb5s");
    file.write_string_attribute("long", long_text);
    file.write_int_attribute("min", std::numeric_limits<std::int64_t>::min());
    file.write_int_attribute("max", std::numeric_limits<std::int64_t>::max());
    file.write_double_attribute("third", 1.0 / 3.0);
    file.write_double_attribute("nan", std::numeric_limits<double>::quiet_NaN());
    file.write_int_array_attribute("grid_shape", {101, 256});
    file.write_int_array_attribute("no_ints", {});
    file.write_double_array_attribute("doubles", {-0.0, 1e-310, 2.5});
    file.close();
  }
  const File file = File::open_read_only(file_path);
  EXPECT_EQ(file.read_string_attribute("empty"), "");
  EXPECT_EQ(file.read_string_attribute("unicode"), "\xce\xb2 = 5, \xc2\xb5s");
  EXPECT_EQ(file.read_string_attribute("long"), long_text);
  EXPECT_EQ(file.read_int_attribute("min"), std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(file.read_int_attribute("max"), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(file.read_double_attribute("third"), 1.0 / 3.0);
  EXPECT_TRUE(std::isnan(file.read_double_attribute("nan")));
  EXPECT_EQ(file.read_int_array_attribute("grid_shape"), (std::vector<std::int64_t>{101, 256}));
  EXPECT_TRUE(file.read_int_array_attribute("no_ints").empty());
  const std::vector<double> doubles = file.read_double_array_attribute("doubles");
  ASSERT_EQ(doubles.size(), 3u);
  EXPECT_TRUE(doubles[0] == 0.0 && std::signbit(doubles[0]));
  EXPECT_EQ(doubles[1], 1e-310);
  EXPECT_EQ(doubles[2], 2.5);

  EXPECT_TRUE(file.open_attribute("max").is_scalar());
  EXPECT_FALSE(file.open_attribute("grid_shape").is_scalar());
  EXPECT_EQ(file.open_attribute("grid_shape").kind(), ElementKind::integer);
  EXPECT_EQ(file.open_attribute("third").kind(), ElementKind::floating);
  EXPECT_EQ(file.open_attribute("unicode").kind(), ElementKind::string);
  EXPECT_TRUE(file.has_attribute("third"));
  EXPECT_FALSE(file.has_attribute("fourth"));
}

TEST_F(Hdf5Test, NamesKeepCreationOrder)
{
  {
    File file = File::create(file_path);
    for (const char* name : {"zeta", "alpha", "mid"}) {
      file.write_int_attribute(name, 1);
    }
    Group group = file.create_group("group");
    const double value = 1.0;
    for (const char* name : {"loss", "iteration", "b"}) {
      group.write_dataset(name, {1}, &value);
    }
    group.write_string_attribute("second", "");
    group.write_string_attribute("first", "");
  }
  const File file = File::open_read_only(file_path);
  EXPECT_EQ(file.attribute_names(), (std::vector<std::string>{"zeta", "alpha", "mid"}));
  EXPECT_EQ(file.child_names(), (std::vector<std::string>{"group"}));
  const Group group = file.open_group("group");
  EXPECT_EQ(group.name(), "/group");
  EXPECT_EQ(group.child_names(), (std::vector<std::string>{"loss", "iteration", "b"}));
  EXPECT_EQ(group.attribute_names(), (std::vector<std::string>{"second", "first"}));
  EXPECT_TRUE(group.has_child("loss"));
  EXPECT_FALSE(group.has_child("wall_time"));
}

TEST_F(Hdf5Test, DatasetsRoundTripWithShapeAndType)
{
  const std::vector<float> floats = {0.1f, -2.5f, 3.0e-38f, 4.0f, 5.5f, -6.0f};
  const std::vector<double> doubles = {0.1, 1e300, -1e-300};
  const std::vector<std::int64_t> ints = {std::numeric_limits<std::int64_t>::min(), -1, 0, 1};
  {
    File file = File::create(file_path);
    Group group = file.create_group("data");
    const Dataset f = group.write_dataset("floats", {2, 3}, floats.data());
    EXPECT_EQ(f.name(), "/data/floats");
    group.write_dataset("doubles", {3}, doubles.data());
    group.write_dataset("ints", {2, 2}, ints.data());
    group.write_dataset("nothing", {0}, static_cast<const double*>(nullptr));
    group.write_dataset("no_rows", {0, 4}, static_cast<const float*>(nullptr));
    file.close();
  }
  const File file = File::open_read_only(file_path);
  const Group group = file.open_group("data");

  const Dataset f = group.open_dataset("floats");
  EXPECT_EQ(f.shape(), (std::vector<std::size_t>{2, 3}));
  EXPECT_EQ(f.kind(), ElementKind::floating);
  EXPECT_EQ(f.element_size(), sizeof(float));
  const std::vector<double> widened = f.read_doubles();
  ASSERT_EQ(widened.size(), floats.size());
  for (std::size_t i = 0; i < floats.size(); ++i) {
    EXPECT_EQ(widened[i], static_cast<double>(floats[i])) << i;
  }

  const Dataset d = group.open_dataset("doubles");
  EXPECT_EQ(d.shape(), (std::vector<std::size_t>{3}));
  EXPECT_EQ(d.element_size(), sizeof(double));
  EXPECT_EQ(d.read_doubles(), doubles);

  const Dataset i = group.open_dataset("ints");
  EXPECT_EQ(i.shape(), (std::vector<std::size_t>{2, 2}));
  EXPECT_EQ(i.kind(), ElementKind::integer);
  EXPECT_EQ(i.read_int64s(), ints);

  EXPECT_EQ(group.open_dataset("nothing").shape(), (std::vector<std::size_t>{0}));
  EXPECT_TRUE(group.open_dataset("nothing").read_doubles().empty());
  EXPECT_EQ(group.open_dataset("no_rows").shape(), (std::vector<std::size_t>{0, 4}));
  EXPECT_TRUE(group.open_dataset("no_rows").read_doubles().empty());
}

/// Writes a scalar string attribute with the raw C API, the way tools other
/// than pinnbench (h5py with numpy bytes, h5py str as ASCII) store strings.
void write_foreign_string(hid_t object, const char* name, const std::string& stored,
                          std::size_t size, H5T_str_t padding)
{
  const hid_t type = H5Tcopy(H5T_C_S1);
  ASSERT_GE(H5Tset_size(type, size), 0);
  ASSERT_GE(H5Tset_strpad(type, padding), 0);
  const hid_t space = H5Screate(H5S_SCALAR);
  const hid_t attr = H5Acreate2(object, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
  ASSERT_GE(attr, 0);
  std::string buffer = stored;
  buffer.resize(size, padding == H5T_STR_SPACEPAD ? ' ' : '\0');
  ASSERT_GE(H5Awrite(attr, type, buffer.data()), 0);
  H5Aclose(attr);
  H5Sclose(space);
  H5Tclose(type);
}

TEST_F(Hdf5Test, ReadsFixedLengthAndAsciiStrings)
{
  const hid_t file = H5Fcreate(file_path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  ASSERT_GE(file, 0);
  write_foreign_string(file, "nullterm", "fp32", 8, H5T_STR_NULLTERM);
  write_foreign_string(file, "nullpad", "ok", 6, H5T_STR_NULLPAD);
  write_foreign_string(file, "spacepad", "x,t", 10, H5T_STR_SPACEPAD);
  write_foreign_string(file, "exact", "lbfgs", 5, H5T_STR_NULLPAD);
  {
    const hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, H5T_VARIABLE);
    H5Tset_cset(type, H5T_CSET_ASCII);
    const hid_t space = H5Screate(H5S_SCALAR);
    const hid_t attr = H5Acreate2(file, "ascii_vlen", type, space, H5P_DEFAULT, H5P_DEFAULT);
    const char* text = "diverged";
    ASSERT_GE(H5Awrite(attr, type, &text), 0);
    H5Aclose(attr);
    H5Sclose(space);
    H5Tclose(type);
  }
  H5Fclose(file);

  const File reopened = File::open_read_only(file_path);
  EXPECT_EQ(reopened.read_string_attribute("nullterm"), "fp32");
  EXPECT_EQ(reopened.read_string_attribute("nullpad"), "ok");
  EXPECT_EQ(reopened.read_string_attribute("spacepad"), "x,t");
  EXPECT_EQ(reopened.read_string_attribute("exact"), "lbfgs");
  EXPECT_EQ(reopened.read_string_attribute("ascii_vlen"), "diverged");
  // Files without creation-order tracking still list every name.
  std::vector<std::string> names = reopened.attribute_names();
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names,
            (std::vector<std::string>{"ascii_vlen", "exact", "nullpad", "nullterm", "spacepad"}));
}

/// The exception names the file, the object and what was asked for, and
/// HDF5 prints nothing to stderr on the way.
template <class Action>
std::string hdf5_error_message(Action&& action)
{
  ::testing::internal::CaptureStderr();
  std::string message;
  try {
    action();
  } catch (const Hdf5Error& error) {
    message = error.what();
  }
  const std::string printed = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(printed, "") << "HDF5 printed its error stack";
  EXPECT_FALSE(message.empty()) << "no Hdf5Error thrown";
  return message;
}

TEST_F(Hdf5Test, ErrorsNameFileAndObjectAndPrintNothing)
{
  const fs::path missing = scratch.path() / "missing.h5";
  const std::string open_error = hdf5_error_message([&] { File::open_read_only(missing); });
  EXPECT_NE(open_error.find(missing.string()), std::string::npos) << open_error;

  {
    File file = File::create(file_path);
    Group run = file.create_group("run");
    run.write_int_attribute("seed", 3);
    const double value = 1.0;
    run.write_dataset("loss", {1}, &value);
  }
  const File file = File::open_read_only(file_path);
  const Group run = file.open_group("run");

  const std::string no_attribute = hdf5_error_message([&] { run.read_string_attribute("status"); });
  EXPECT_NE(no_attribute.find(file_path.string() + ":/run"), std::string::npos) << no_attribute;
  EXPECT_NE(no_attribute.find("'status'"), std::string::npos) << no_attribute;

  const std::string wrong_type = hdf5_error_message([&] { run.read_string_attribute("seed"); });
  EXPECT_NE(wrong_type.find("/run/@seed"), std::string::npos) << wrong_type;
  EXPECT_NE(wrong_type.find("stored as integer, expected string"), std::string::npos) << wrong_type;

  const std::string no_group = hdf5_error_message([&] { file.open_group("history"); });
  EXPECT_NE(no_group.find("'history'"), std::string::npos) << no_group;

  const std::string int_as_double =
      hdf5_error_message([&] { run.open_dataset("loss").read_int64s(); });
  EXPECT_NE(int_as_double.find("/run/loss"), std::string::npos) << int_as_double;

  const std::string read_only_write =
      hdf5_error_message([&] { File::open_read_only(file_path).write_int_attribute("x", 1); });
  EXPECT_NE(read_only_write.find("'x'"), std::string::npos) << read_only_write;
}

TEST_F(Hdf5Test, LibraryVersionMatchesHeaders)
{
  EXPECT_EQ(hdf5_library_version(), std::to_string(H5_VERS_MAJOR) + "." +
                                        std::to_string(H5_VERS_MINOR) + "." +
                                        std::to_string(H5_VERS_RELEASE));
}

} // namespace
} // namespace pinnbench::io
