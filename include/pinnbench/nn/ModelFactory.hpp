#pragma once
// Builds a network from its resolved configuration (the `model:` mapping).
#include <memory>
#include <pinnbench/nn/Model.hpp>
#include <yaml-cpp/yaml.h>

namespace pinnbench::nn {

/// Throws NotImplementedError for known names this build does not implement.
template <class Real>
std::unique_ptr<Model<Real>> make_model(const YAML::Node& config, int inputs, int outputs);

} // namespace pinnbench::nn
