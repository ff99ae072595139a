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
TaskEntry poisson2d_classic();
TaskEntry poisson_boltzmann2d();
TaskEntry poisson3d_complex_geometry();
TaskEntry poisson2d_many_area();
TaskEntry ns2d_lid_driven();
TaskEntry ns2d_back_step();
TaskEntry wave1d();
TaskEntry poisson_nd();
TaskEntry burgers1d();
TaskEntry heat2d_multiscale();
TaskEntry burgers2d();
TaskEntry heat2d_varying_coef();
TaskEntry heat_nd();
TaskEntry heat2d_complex_geometry();
TaskEntry wave2d_heterogeneous();
TaskEntry gray_scott();
} // namespace tasks

const std::vector<TaskEntry>& task_registry()
{
  static const std::vector<TaskEntry> entries = {
      tasks::convection(),
      tasks::reaction(),
      tasks::wave(),
      tasks::allen_cahn(),
      // PINNacle (spec/pinnacle.md), in the paper's order.
      tasks::burgers1d(),
      tasks::burgers2d(),
      tasks::poisson2d_classic(),
      tasks::poisson_boltzmann2d(),
      tasks::poisson3d_complex_geometry(),
      tasks::poisson2d_many_area(),
      tasks::heat2d_varying_coef(),
      tasks::heat2d_multiscale(),
      tasks::heat2d_complex_geometry(),
      tasks::ns2d_lid_driven(),
      tasks::ns2d_back_step(),
      tasks::wave1d(),
      tasks::wave2d_heterogeneous(),
      tasks::gray_scott(),
      tasks::poisson_nd(),
      tasks::heat_nd(),
  };
  return entries;
}

std::function<int(const YAML::Node& config)> fixed_inputs(int count)
{
  return [count](const YAML::Node&) { return count; };
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
