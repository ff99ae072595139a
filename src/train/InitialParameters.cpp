#include <filesystem>
#include <pinnbench/core/Error.hpp>
#include <pinnbench/io/Hdf5.hpp>
#include <pinnbench/nn/ModelRegistry.hpp>
#include <pinnbench/pde/TaskRegistry.hpp>
#include <pinnbench/train/InitialParameters.hpp>

namespace pinnbench::train {

namespace {

std::string shape_text(const std::vector<std::size_t>& shape)
{
  std::string text = "[";
  for (std::size_t k = 0; k < shape.size(); ++k)
    text += (k ? ", " : "") + std::to_string(shape[k]);
  return text + "]";
}

std::vector<std::string> split_commas(const std::string& text)
{
  std::vector<std::string> parts;
  std::size_t begin = 0;
  while (begin <= text.size() && !text.empty()) {
    const std::size_t end = text.find(',', begin);
    parts.push_back(text.substr(begin, end == std::string::npos ? std::string::npos : end - begin));
    if (end == std::string::npos)
      break;
    begin = end + 1;
  }
  return parts;
}

} // namespace

std::vector<double> load_initial_parameters(const std::string& file,
                                            const nn::ParameterLayout& layout)
{
  const std::string where = std::string(initial_parameters_key) + ": '" + file + "': ";
  if (!std::filesystem::is_regular_file(file))
    throw ConfigError(where + "no such file");
  std::vector<double> values(layout.size());
  try {
    const io::File h5 = io::File::open_read_only(file);
    if (!h5.has_child("run") || !h5.open_group("run").has_child("parameters"))
      throw ConfigError(where + "no /run/parameters group (expected a pinnbench result or "
                                "parameter file)");
    const io::Group group = h5.open_group("run").open_group("parameters");
    const std::vector<std::string> names = group.has_attribute("order")
                                               ? split_commas(group.read_string_attribute("order"))
                                               : group.child_names();
    const auto& tensors = layout.tensors();
    std::size_t stored = 0;
    for (const auto& name : names) {
      const io::Dataset dataset = group.open_dataset(name);
      stored += dataset.dataspace().element_count();
    }
    if (names.size() != tensors.size() || stored != layout.size())
      throw ConfigError(where + "holds " + std::to_string(names.size()) + " tensors with " +
                        std::to_string(stored) + " parameters, the model has " +
                        std::to_string(tensors.size()) + " tensors with " +
                        std::to_string(layout.size()));
    for (std::size_t k = 0; k < tensors.size(); ++k) {
      const auto& tensor = tensors[k];
      if (names[k] != tensor.name)
        throw ConfigError(where + "tensor " + std::to_string(k) + " is '" + names[k] +
                          "', the model expects '" + tensor.name + "'");
      const io::Dataset dataset = group.open_dataset(names[k]);
      const auto shape = dataset.shape();
      if (shape != tensor.shape)
        throw ConfigError(where + "tensor '" + tensor.name + "' has shape " + shape_text(shape) +
                          ", the model expects " + shape_text(tensor.shape));
      const auto data = dataset.read_doubles();
      std::copy(data.begin(), data.end(),
                values.begin() + static_cast<std::ptrdiff_t>(tensor.offset));
    }
  } catch (const io::Hdf5Error& e) {
    throw ConfigError(where + "cannot read it: " + e.what());
  }
  return values;
}

void check_initial_parameters(const std::vector<suite::RunSpec>& runs,
                              const std::filesystem::path& data_dir)
{
  for (const auto& compact_run : runs) {
    suite::RunSpec run = compact_run;
    run.materialize();
    const YAML::Node model = run.config["model"];
    const std::string file = model["initial_parameters"].as<std::string>("");
    if (file.empty())
      continue;
    try {
      pde::TaskInputs task_inputs;
      task_inputs.config = run.config["task"];
      task_inputs.seed = run.seed;
      task_inputs.data_dir = data_dir;
      const auto task = pde::make_task(task_inputs);
      const auto network = nn::make_model<double>(model, task->dimension(), task->outputs());
      load_initial_parameters(file, network->layout());
    } catch (const NotImplementedError&) {
      continue; // reported as "not implemented" when the run comes up
    } catch (const ConfigError& e) {
      throw ConfigError("run " + run.run_id + ": " + e.what());
    }
  }
}

} // namespace pinnbench::train
