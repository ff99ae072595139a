#include <algorithm>
#include <pinnbench/core/Error.hpp>
#include <pinnbench/pde/TaskRegistry.hpp>
#include <string>

namespace pinnbench::pde {

// Each task's file defines its entry function.
namespace tasks {
TaskEntry convection();
TaskEntry reaction();
TaskEntry wave();
TaskEntry allen_cahn();
} // namespace tasks

const std::vector<TaskEntry>& task_registry()
{
  static const std::vector<TaskEntry> entries = {
      tasks::convection(),
      tasks::reaction(),
      tasks::wave(),
      tasks::allen_cahn(),
      // PINNacle (spec/pinnacle.md), in the paper's order.
      planned_task("burgers1d", "PINNacle Burgers 1d-C"),
      planned_task("burgers2d", "PINNacle Burgers 2d-C"),
      planned_task("poisson2d_classic", "PINNacle Poisson 2d-C"),
      planned_task("poisson_boltzmann2d", "PINNacle Poisson 2d-CG"),
      planned_task("poisson3d_complex_geometry", "PINNacle Poisson 3d-CG"),
      planned_task("poisson2d_many_area", "PINNacle Poisson 2d-MS"),
      planned_task("heat2d_varying_coef", "PINNacle Heat 2d-VC"),
      planned_task("heat2d_multiscale", "PINNacle Heat 2d-MS"),
      planned_task("heat2d_complex_geometry", "PINNacle Heat 2d-CG"),
      planned_task("ns2d_lid_driven", "PINNacle NS 2d-C"),
      planned_task("ns2d_back_step", "PINNacle NS 2d-CG"),
      planned_task("wave1d", "PINNacle Wave 1d-C"),
      planned_task("wave2d_heterogeneous", "PINNacle Wave 2d-CG"),
      planned_task("gray_scott", "PINNacle Chaotic GS"),
      planned_task("poisson_nd", "PINNacle high-dim PNd"),
      planned_task("heat_nd", "PINNacle high-dim HNd"),
  };
  return entries;
}

TaskEntry planned_task(std::string name, std::string description)
{
  TaskEntry entry;
  entry.name = std::move(name);
  entry.description = std::move(description);
  return entry;
}

const TaskEntry* find_task(const std::string& name)
{
  const auto& entries = task_registry();
  const auto it = std::find_if(entries.begin(), entries.end(),
                               [&](const TaskEntry& e) { return e.name == name; });
  return it == entries.end() ? nullptr : &*it;
}

namespace {
const TaskEntry& entry_of(const YAML::Node& config)
{
  const auto name = config["name"].as<std::string>();
  const TaskEntry* entry = find_task(name);
  if (!entry)
    throw LogicError("no task named '" + name + "' is registered");
  return *entry;
}
} // namespace

std::unique_ptr<Task> make_task(const TaskInputs& inputs)
{
  const TaskEntry& entry = entry_of(inputs.config);
  if (!entry.implemented())
    throw NotImplementedError("task '" + entry.name + "'");
  return entry.make(inputs);
}

std::unique_ptr<Task> make_task(const YAML::Node& config, std::uint64_t seed)
{
  TaskInputs inputs;
  inputs.config = config;
  inputs.seed = seed;
  return make_task(inputs);
}

std::vector<std::filesystem::path> missing_data_files(const YAML::Node& config,
                                                      const std::filesystem::path& data_dir)
{
  const TaskEntry& entry = entry_of(config);
  std::vector<std::filesystem::path> missing;
  if (!entry.implemented() || !entry.data_files)
    return missing;
  for (const auto& file : entry.data_files(config)) {
    const auto path = data_dir / file;
    if (data_dir.empty() || !std::filesystem::is_regular_file(path))
      missing.push_back(path);
  }
  return missing;
}

void require_data_files(const YAML::Node& config, const std::filesystem::path& data_dir,
                        const std::string& run)
{
  const auto missing = missing_data_files(config, data_dir);
  if (missing.empty())
    return;
  const TaskEntry& entry = entry_of(config);
  const std::string dir = data_dir.empty() ? std::string("DIR") : data_dir.string();
  std::string download = entry.data_download;
  if (const auto at = download.find("DIR"); at != std::string::npos)
    download.replace(at, 3, dir);
  std::string message = "task '" + entry.name + "' (run " + run + ") needs the data file '" +
                        missing.front().generic_string() + "'";
  if (data_dir.empty())
    message += ", but no data directory is set (--data-dir DIR or $PINNBENCH_DATA)";
  else
    message += ", which is missing";
  if (missing.size() > 1)
    message += " (and " + std::to_string(missing.size() - 1) + " more)";
  if (!download.empty())
    message += "; download the files with: " + download;
  throw ConfigError(message);
}

} // namespace pinnbench::pde
