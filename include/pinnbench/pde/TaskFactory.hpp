#pragma once
// Builds a task from its resolved configuration (the `task:` mapping of a run).
#include <memory>
#include <pinnbench/pde/Task.hpp>
#include <yaml-cpp/yaml.h>

namespace pinnbench::pde {

/// Throws NotImplementedError for known names this build does not implement.
std::unique_ptr<Task> make_task(const YAML::Node& config, std::uint64_t seed);

} // namespace pinnbench::pde
