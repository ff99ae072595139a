#include "ResultSchema.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <fcntl.h>
#include <pinnbench/core/Error.hpp>
#include <pinnbench/io/Hdf5.hpp>
#include <pinnbench/io/ResultWriter.hpp>
#include <set>
#include <system_error>
#include <unistd.h>

namespace pinnbench::io {

namespace fs = std::filesystem;

// --- validation --------------------------------------------------------------

namespace {

/// The /run/test datasets in the order they are written.
std::array<std::pair<std::string, const Tensor*>, 4> test_tensors(const TestSet& test)
{
  return {{{schema::test_x, &test.x},
           {schema::test_u_pred, &test.u_pred},
           {schema::test_u_ref, &test.u_ref},
           {schema::test_residual, &test.residual}}};
}

class Validator
{
public:
  explicit Validator(const RunResult& result) : result_(result) {}

  void run() const
  {
    require_text(result_.run_id, "run_id");
    require_text(result_.suite, "suite");
    require_text(result_.config_yaml, "config_yaml");
    require_text(result_.metadata.created_utc, "metadata.created_utc");
    require_text(result_.finished_utc, "finished_utc");
    if (result_.metadata.world_size < 1) {
      fail("metadata.world_size is " + std::to_string(result_.metadata.world_size) +
           ", expected >= 1");
    }
    check_status();
    check_attribute_names(result_.run, "/run");
    check_history();
    check_parameters();
    check_test_set();
  }

private:
  [[noreturn]] void fail(const std::string& problem) const
  {
    throw LogicError("invalid result '" + result_.run_id + "': " + problem);
  }

  void require_text(const std::string& value, const std::string& field) const
  {
    if (value.empty()) {
      fail(field + " is empty");
    }
  }

  void check_status() const
  {
    const std::string* status = result_.run.get<std::string>(schema::status);
    if (status == nullptr) {
      fail("/run attribute '" + schema::status + "' is missing or not a string");
    }
    const auto& known = schema::statuses;
    if (std::find(known.begin(), known.end(), *status) == known.end()) {
      fail("/run status '" + *status + "' is not one of ok, diverged, failed");
    }
  }

  void check_attribute_names(const AttributeList& attributes, const std::string& where) const
  {
    for (const NamedAttribute& attribute : attributes.entries()) {
      if (attribute.name.empty()) {
        fail(where + " has an attribute with an empty name");
      }
    }
  }

  /// Dataset names become HDF5 link names: no path separators, no ".".
  void check_dataset_name(const std::string& name, const std::string& where,
                          std::set<std::string>& seen) const
  {
    if (name.empty() || name == "." || name.find('/') != std::string::npos) {
      fail(where + " dataset name '" + name + "' is empty or not a plain name");
    }
    if (!seen.insert(name).second) {
      fail(where + " has two datasets named '" + name + "'");
    }
  }

  void check_tensor(const Tensor& tensor, const std::string& where, std::size_t min_rank,
                    std::size_t max_rank) const
  {
    const std::size_t rank = tensor.shape.size();
    if (rank < min_rank || rank > max_rank) {
      fail(where + " has " + std::to_string(rank) + " dimensions, expected " +
           (min_rank == max_rank ? std::to_string(min_rank)
                                 : std::to_string(min_rank) + " to " + std::to_string(max_rank)));
    }
    if (tensor.values.size() != tensor.element_count()) {
      fail(where + " holds " + std::to_string(tensor.values.size()) + " values, its shape needs " +
           std::to_string(tensor.element_count()));
    }
  }

  void check_history() const
  {
    std::set<std::string> seen;
    for (const HistorySeries& series : result_.history) {
      check_dataset_name(series.name, "/run/history", seen);
      const HistorySeries& first = result_.history.front();
      if (series.size() != first.size()) {
        fail("history series '" + series.name + "' has " + std::to_string(series.size()) +
             " entries, '" + first.name + "' has " + std::to_string(first.size()));
      }
    }
  }

  void check_parameters() const
  {
    // Parameters are stored "in the run's precision" (docs/results.md).
    const std::string* precision = result_.run.get<std::string>("precision");
    std::set<std::string> seen;
    for (const NamedTensor& parameter : result_.parameters) {
      if (precision != nullptr && parameter.tensor.single_precision != (*precision == "fp32")) {
        fail("parameter '" + parameter.name + "' is stored as " +
             (parameter.tensor.single_precision ? "fp32" : "fp64") + " in an " + *precision +
             " run");
      }
      check_dataset_name(parameter.name, "/run/parameters", seen);
      // The group's `order` attribute joins the names with commas.
      if (parameter.name.find(',') != std::string::npos) {
        fail("parameter name '" + parameter.name + "' contains a comma");
      }
      // Up to 4 dimensions: KAN's symbolic affine is [out][in][4].
      check_tensor(parameter.tensor, "parameter '" + parameter.name + "'", 1, 4);
    }
  }

  void check_test_set() const
  {
    const TestSet& test = result_.test;
    check_attribute_names(test.attributes, "/run/test");
    std::size_t rows = 0;
    std::string first_name;
    for (const auto& [name, tensor] : test_tensors(test)) {
      if (!tensor->present()) {
        continue;
      }
      check_tensor(*tensor, "test tensor '" + name + "'", 2, 2);
      if (first_name.empty()) {
        first_name = name;
        rows = tensor->shape[0];
      } else if (tensor->shape[0] != rows) {
        fail("test tensor '" + name + "' has " + std::to_string(tensor->shape[0]) + " rows, '" +
             first_name + "' has " + std::to_string(rows));
      }
    }
  }

  const RunResult& result_;
};

} // namespace

void validate_result(const RunResult& result)
{
  Validator(result).run();
}

// --- writing -----------------------------------------------------------------

namespace {

void write_attributes(Object& object, const AttributeList& attributes)
{
  for (const NamedAttribute& attribute : attributes.entries()) {
    std::visit(
        [&](const auto& value) {
          using T = std::decay_t<decltype(value)>;
          if constexpr (std::is_same_v<T, std::string>) {
            object.write_string_attribute(attribute.name, value);
          } else if constexpr (std::is_same_v<T, std::int64_t>) {
            object.write_int_attribute(attribute.name, value);
          } else if constexpr (std::is_same_v<T, double>) {
            object.write_double_attribute(attribute.name, value);
          } else if constexpr (std::is_same_v<T, std::vector<std::int64_t>>) {
            object.write_int_array_attribute(attribute.name, value);
          } else {
            object.write_double_array_attribute(attribute.name, value);
          }
        },
        attribute.value);
  }
}

Dataset write_tensor(Group& group, const std::string& name, const Tensor& tensor)
{
  if (tensor.single_precision) {
    const std::vector<float> narrowed(tensor.values.begin(), tensor.values.end());
    return group.write_dataset(name, tensor.shape, narrowed.data());
  }
  return group.write_dataset(name, tensor.shape, tensor.values.data());
}

class ContentWriter
{
public:
  ContentWriter(const RunResult& result, const WriteOptions& options)
      : result_(result), options_(options)
  {}

  void write(const fs::path& path) const
  {
    File file = File::create(path);
    write_root_attributes(file);
    {
      Group run = file.create_group(schema::run_group);
      write_attributes(run, result_.run);
      write_history(run);
      write_parameters(run);
      write_test_set(run);
    }
    // Last, so a file that has it is complete even if it was copied away
    // from a temporary before the rename.
    file.write_string_attribute(schema::finished_utc, result_.finished_utc);
    file.flush();
    file.close();
  }

private:
  void written(const Dataset& dataset) const
  {
    if (options_.after_dataset) {
      options_.after_dataset(dataset.name());
    }
  }

  void write_root_attributes(File& file) const
  {
    for (const schema::MetadataField& field : schema::metadata_fields) {
      if (field.text != nullptr) {
        file.write_string_attribute(field.name, result_.metadata.*field.text);
      } else {
        file.write_int_attribute(field.name, result_.metadata.*field.number);
      }
    }
    file.write_string_attribute(schema::config_yaml, result_.config_yaml);
    file.write_string_attribute(schema::suite, result_.suite);
    file.write_string_attribute(schema::run_id, result_.run_id);
  }

  void write_history(Group& run) const
  {
    Group history = run.create_group(schema::history_group);
    for (const HistorySeries& series : result_.history) {
      std::visit(
          [&](const auto& values) {
            written(history.write_dataset(series.name, {values.size()}, values.data()));
          },
          series.values);
    }
  }

  void write_parameters(Group& run) const
  {
    Group parameters = run.create_group(schema::parameters_group);
    std::string order;
    for (const NamedTensor& parameter : result_.parameters) {
      order += order.empty() ? parameter.name : "," + parameter.name;
    }
    parameters.write_string_attribute(schema::parameters_order, order);
    for (const NamedTensor& parameter : result_.parameters) {
      written(write_tensor(parameters, parameter.name, parameter.tensor));
    }
  }

  void write_test_set(Group& run) const
  {
    Group test = run.create_group(schema::test_group);
    write_attributes(test, result_.test.attributes);
    for (const auto& [name, tensor] : test_tensors(result_.test)) {
      if (tensor->present()) {
        written(write_tensor(test, name, *tensor));
      }
    }
  }

  const RunResult& result_;
  const WriteOptions& options_;
};

std::string temporary_prefix(const fs::path& final_path)
{
  return "." + final_path.filename().string() + ".tmp-";
}

/// Temporaries of killed writers; a live writer of the same result (two jobs
/// writing one run id) loses its temporary too and fails at its rename.
void remove_stale_temporaries(const fs::path& final_path)
{
  const fs::path directory = final_path.parent_path().empty() ? "." : final_path.parent_path();
  const std::string prefix = temporary_prefix(final_path);
  std::error_code error;
  for (fs::directory_iterator it(directory, error), end; !error && it != end; it.increment(error)) {
    const std::string name = it->path().filename().string();
    if (name.compare(0, prefix.size(), prefix) == 0) {
      std::error_code ignored;
      fs::remove(it->path(), ignored);
    }
  }
}

/// Makes the bytes durable before the rename publishes the name, so a crash
/// of the machine cannot leave a complete-looking name on an empty file.
void sync_to_disk(const fs::path& path, bool is_directory)
{
  const int fd = ::open(path.c_str(), (is_directory ? O_DIRECTORY : 0) | O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    throw std::system_error(errno, std::generic_category(), "cannot open " + path.string());
  }
  const int status = ::fsync(fd);
  const int sync_errno = errno;
  ::close(fd);
  if (status != 0) {
    throw std::system_error(sync_errno, std::generic_category(), "cannot sync " + path.string());
  }
}

} // namespace

fs::path temporary_result_path(const fs::path& final_path, long pid)
{
  return final_path.parent_path() / (temporary_prefix(final_path) + std::to_string(pid));
}

void write_result_file(const fs::path& final_path, const RunResult& result,
                       const WriteOptions& options)
{
  validate_result(result);
  const fs::path directory = final_path.parent_path().empty() ? "." : final_path.parent_path();
  fs::create_directories(directory);
  remove_stale_temporaries(final_path);

  const fs::path temporary = temporary_result_path(final_path, static_cast<long>(::getpid()));
  try {
    ContentWriter(result, options).write(temporary);
    sync_to_disk(temporary, false);
    fs::rename(temporary, final_path);
  } catch (...) {
    std::error_code ignored;
    fs::remove(temporary, ignored);
    throw;
  }
  // The rename itself is durable once the directory is synced; failing that
  // only risks losing a file that is already complete, so it is not an error.
  try {
    sync_to_disk(directory, true);
  } catch (const std::system_error&) {
  }
}

} // namespace pinnbench::io
