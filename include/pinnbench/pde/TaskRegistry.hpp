#pragma once
// The task registry: every task name this build knows, its keys, its loss terms
// and its factory. The suite schema (keys, defaults, ranges, docs), `--help` and
// the runner all read it; nothing else lists tasks.
//
// Adding a task = its source file + one line in the list in src/pde/TaskRegistry.cpp
// (and its declaration just above the list). The file defines a function in
// namespace pinnbench::pde::tasks that returns the task's entry, for example:
//
//   namespace tasks {
//   TaskEntry convection()
//   {
//     TaskEntry e;
//     e.name = "convection";
//     e.description = "u_t + beta u_x = 0 on [0, 2 pi] x [0, 1], periodic";
//     e.keys = {suite::real_key("beta", "50", suite::any_real(), "convection speed")};
//     e.terms = {"residual", "initial", "boundary"};          // loss order
//     e.make = [](const TaskInputs& in) {
//       return std::make_unique<ConvectionTask>(in.config["beta"].as<double>(), ...);
//     };
//     return e;
//   }
//   } // namespace tasks
//
// Keys are built with suite/KeyBuilders.hpp. The factory receives the run's
// resolved `task:` mapping (every key present, defaults filled in and
// range-checked) and may assume it is valid. A name registered with
// planned_task() (no factory) is known but not implemented yet: suites naming it
// load and list; running it throws NotImplementedError.
//
// Tasks that read data files list them in `data_files` (paths relative to the
// data directory, e.g. "ref/poisson_3d.dat") and the command that downloads
// them; the runner checks that they all exist before any run starts
// (require_data_files()).
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <pinnbench/pde/Task.hpp>
#include <pinnbench/suite/Schema.hpp>
#include <string>
#include <vector>
#include <yaml-cpp/yaml.h>

namespace pinnbench::pde {

/// What a task factory is given.
struct TaskInputs
{
  YAML::Node config;              ///< the resolved `task:` mapping of the run
  std::uint64_t seed = 0;         ///< the run's seed (random point sets)
  std::filesystem::path data_dir; ///< --data-dir / $PINNBENCH_DATA (empty: none)
};

using TaskFactory = std::function<std::unique_ptr<Task>(const TaskInputs&)>;
/// The data files a configuration reads, relative to the data directory.
using TaskDataFiles = std::function<std::vector<std::string>(const YAML::Node& config)>;

struct TaskEntry
{
  std::string name;
  std::string description;          ///< one line: the PDE and its domain
  std::vector<suite::KeySpec> keys; ///< the task's own keys (`weights` is shared by all)
  std::vector<std::string> terms;   ///< loss-term names in loss order (the `weights` keys)
  TaskFactory make;                 ///< empty: not implemented yet
  TaskDataFiles data_files;         ///< empty: reads no files
  /// The command that downloads the data files, DIR standing for the data directory.
  std::string data_download;
  /// The network's input count for a resolved `task:` mapping (known before the
  /// task is built: the suite checks per-input keys such as vpinn.elements).
  std::function<int(const YAML::Node& config)> inputs;

  bool implemented() const { return static_cast<bool>(make); }
};

/// TaskEntry::inputs of a task with a fixed input count.
std::function<int(const YAML::Node& config)> fixed_inputs(int count);

/// A known task name that fails `not implemented yet`.
TaskEntry planned_task(std::string name, std::string description);

/// Every task, in the order the schema, --help and the docs list them.
const std::vector<TaskEntry>& task_registry();
/// The entry named `name`, or null.
const TaskEntry* find_task(const std::string& name);

/// Builds the task of a resolved `task:` mapping. Throws NotImplementedError for
/// known names this build does not implement, LogicError for unknown names.
std::unique_ptr<Task> make_task(const TaskInputs& inputs);
std::unique_ptr<Task> make_task(const YAML::Node& config, std::uint64_t seed);

/// The data files of a resolved `task:` mapping that are not found below
/// `data_dir` (full paths as they were looked for). Empty when all are there.
std::vector<std::filesystem::path> missing_data_files(const YAML::Node& config,
                                                      const std::filesystem::path& data_dir);
/// Throws ConfigError naming the first missing data file, the task and the
/// command that downloads the files; `run` names the run for the message.
void require_data_files(const YAML::Node& config, const std::filesystem::path& data_dir,
                        const std::string& run);

} // namespace pinnbench::pde
