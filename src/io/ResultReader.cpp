#include "ResultSchema.hpp"

#include <ctime>
#include <pinnbench/io/Hdf5.hpp>
#include <pinnbench/io/ResultReader.hpp>
#include <system_error>
#include <unistd.h>

namespace pinnbench::io {

namespace fs = std::filesystem;

namespace {

/// An object's attributes in file order. Kinds result files never use
/// (compound, string arrays, ...) are skipped rather than rejected.
AttributeList read_attributes(const Object& object, bool scalars_only)
{
  AttributeList attributes;
  for (const std::string& name : object.attribute_names()) {
    const Attribute attribute = object.open_attribute(name);
    const bool scalar = attribute.is_scalar();
    if (scalars_only && !scalar) {
      continue;
    }
    switch (attribute.kind()) {
    case ElementKind::string:
      if (attribute.dataspace().element_count() == 1) {
        attributes.set_string(name, attribute.read_string());
      }
      break;
    case ElementKind::integer:
      if (scalar) {
        attributes.set_int(name, attribute.read_int64s().at(0));
      } else {
        attributes.set_int_array(name, attribute.read_int64s());
      }
      break;
    case ElementKind::floating:
      if (scalar) {
        attributes.set_double(name, attribute.read_doubles().at(0));
      } else {
        attributes.set_double_array(name, attribute.read_doubles());
      }
      break;
    case ElementKind::other:
      break;
    }
  }
  return attributes;
}

Tensor read_tensor(const Dataset& dataset)
{
  Tensor tensor;
  tensor.shape = dataset.shape();
  tensor.values = dataset.read_doubles();
  tensor.single_precision = dataset.element_size() == sizeof(float);
  return tensor;
}

HistorySeries read_series(const Dataset& dataset)
{
  HistorySeries series;
  series.name = dataset.name().substr(dataset.name().rfind('/') + 1);
  if (dataset.kind() == ElementKind::integer) {
    series.values = dataset.read_int64s();
  } else {
    series.values = dataset.read_doubles();
  }
  return series;
}

std::vector<std::string> split_commas(const std::string& text)
{
  std::vector<std::string> parts;
  if (text.empty()) {
    return parts;
  }
  std::size_t begin = 0;
  while (true) {
    const std::size_t comma = text.find(',', begin);
    parts.push_back(text.substr(begin, comma - begin));
    if (comma == std::string::npos) {
      return parts;
    }
    begin = comma + 1;
  }
}

RunMetadata read_metadata(const File& file)
{
  RunMetadata metadata;
  for (const schema::MetadataField& field : schema::metadata_fields) {
    if (field.text != nullptr) {
      metadata.*field.text = file.read_string_attribute(field.name);
    } else {
      metadata.*field.number = file.read_int_attribute(field.name);
    }
  }
  return metadata;
}

} // namespace

std::optional<ResultSummary> read_result_summary(const fs::path& path)
{
  std::error_code error;
  if (!fs::is_regular_file(path, error)) {
    return std::nullopt;
  }
  try {
    const File file = File::open_read_only(path);
    // A killed writer never reaches finished_utc (written last), and its
    // temporary never gets the final name; either check alone would do.
    if (!file.has_attribute(schema::finished_utc) || !file.has_child(schema::run_group)) {
      return std::nullopt;
    }
    const Group run = file.open_group(schema::run_group);
    if (!run.has_attribute(schema::status)) {
      return std::nullopt;
    }
    ResultSummary summary;
    summary.run_id = file.read_string_attribute(schema::run_id);
    summary.suite = file.read_string_attribute(schema::suite);
    summary.config_yaml = file.read_string_attribute(schema::config_yaml);
    summary.created_utc = file.read_string_attribute("created_utc");
    summary.finished_utc = file.read_string_attribute(schema::finished_utc);
    summary.status = run.read_string_attribute(schema::status);
    if (run.has_attribute(schema::status_message)) {
      summary.status_message = run.read_string_attribute(schema::status_message);
    }
    summary.run = read_attributes(run, true);
    return summary;
  } catch (const std::exception&) {
    // Damaged, truncated, or not ours: not a complete result.
    return std::nullopt;
  }
}

bool is_complete_result(const fs::path& path, const std::string& expected_config_yaml)
{
  const std::optional<ResultSummary> summary = read_result_summary(path);
  return summary && summary->config_yaml == expected_config_yaml;
}

RunResult read_result_file(const fs::path& path)
{
  const File file = File::open_read_only(path);
  RunResult result;
  result.metadata = read_metadata(file);
  result.config_yaml = file.read_string_attribute(schema::config_yaml);
  result.suite = file.read_string_attribute(schema::suite);
  result.run_id = file.read_string_attribute(schema::run_id);
  result.finished_utc = file.read_string_attribute(schema::finished_utc);

  const Group run = file.open_group(schema::run_group);
  result.run = read_attributes(run, false);

  const Group history = run.open_group(schema::history_group);
  for (const std::string& name : history.child_names()) {
    result.history.push_back(read_series(history.open_dataset(name)));
  }

  const Group parameters = run.open_group(schema::parameters_group);
  const std::vector<std::string> order =
      parameters.has_attribute(schema::parameters_order)
          ? split_commas(parameters.read_string_attribute(schema::parameters_order))
          : parameters.child_names();
  for (const std::string& name : order) {
    result.parameters.push_back({name, read_tensor(parameters.open_dataset(name))});
  }

  const Group test = run.open_group(schema::test_group);
  result.test.attributes = read_attributes(test, false);
  const std::pair<const std::string&, Tensor&> test_tensors[] = {
      {schema::test_x, result.test.x},
      {schema::test_u_pred, result.test.u_pred},
      {schema::test_u_ref, result.test.u_ref},
      {schema::test_residual, result.test.residual}};
  for (const auto& [name, tensor] : test_tensors) {
    if (test.has_child(name)) {
      tensor = read_tensor(test.open_dataset(name));
    }
  }
  return result;
}

std::optional<std::string> verify_result_file(const fs::path& path)
{
  try {
    read_result_file(path);
    return std::nullopt;
  } catch (const std::exception& e) {
    return std::string(e.what());
  }
}

fs::path set_aside(const fs::path& path)
{
  char stamp[32];
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &utc);
  fs::path aside = path;
  aside += ".corrupt-" + std::string(stamp) + "-" + std::to_string(::getpid());
  fs::rename(path, aside);
  return aside;
}

} // namespace pinnbench::io
