#pragma once
// Builds an objective from its resolved configuration (the `objective:` mapping).
#include <memory>
#include <pinnbench/nn/ParameterLayout.hpp>
#include <pinnbench/objective/Objective.hpp>
#include <pinnbench/pde/Task.hpp>
#include <yaml-cpp/yaml.h>

namespace pinnbench::objective {

/// Objectives that need nothing of the task (every one but vPINN).
template <class Real>
std::unique_ptr<Objective<Real>>
make_objective(const YAML::Node& config, const nn::ParameterLayout& layout, std::uint64_t seed);
/// Any objective; vPINN lays its elements over the task's domain.
template <class Real>
std::unique_ptr<Objective<Real>> make_objective(const YAML::Node& config,
                                                const nn::ParameterLayout& layout,
                                                std::uint64_t seed, const pde::Task& task);

} // namespace pinnbench::objective
