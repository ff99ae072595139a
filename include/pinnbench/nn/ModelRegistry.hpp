#pragma once
// The model registry: every model name this build knows, its keys and its
// factories (one per precision). The suite schema, `--help` and the runner read
// it; nothing else lists models.
//
// Adding a model = its source file + one line in the list in src/nn/ModelRegistry.cpp
// (and its declaration just above the list). The file defines a function in
// namespace pinnbench::nn::models that returns the model's entry, for example:
//
//   template <class Real>
//   std::unique_ptr<Model<Real>> make_qres(const ModelInputs& in)
//   {
//     return std::make_unique<Qres<Real>>(in.inputs, in.outputs,
//                                         in.config["width"].as<int>(), ...);
//   }
//
//   namespace models {
//   ModelEntry qres()
//   {
//     ModelEntry e;
//     e.name = "qres";
//     e.description = "quadratic residual network";
//     e.keys = {suite::int_key("width", "512", 1, "neurons per hidden layer"), ...};
//     e.make_fp32 = make_qres<float>;
//     e.make_fp64 = make_qres<double>;
//     return e;
//   }
//   } // namespace models
//
// Keys are built with suite/KeyBuilders.hpp; the factory receives the run's
// resolved `model:` mapping (every key present, defaults filled in and
// range-checked). A name registered with planned_model() (no factories) is known
// but not implemented yet: suites naming it load; running it throws
// NotImplementedError.
#include <functional>
#include <memory>
#include <pinnbench/nn/Model.hpp>
#include <pinnbench/suite/Schema.hpp>
#include <string>
#include <vector>
#include <yaml-cpp/yaml.h>

namespace pinnbench::nn {

/// What a model factory is given.
struct ModelInputs
{
  YAML::Node config; ///< the resolved `model:` mapping of the run
  int inputs = 0;    ///< the task's input coordinates
  int outputs = 0;   ///< the task's outputs
};

template <class Real>
using ModelFactory = std::function<std::unique_ptr<Model<Real>>(const ModelInputs&)>;

struct ModelEntry
{
  std::string name;
  std::string description;          ///< one line
  std::vector<suite::KeySpec> keys; ///< the model's keys
  ModelFactory<float> make_fp32;    ///< empty (both): not implemented yet
  ModelFactory<double> make_fp64;

  bool implemented() const { return make_fp32 && make_fp64; }
};

/// A known model name that fails `not implemented yet`.
ModelEntry planned_model(std::string name, std::string description);

/// Keys every model takes, applied by the runner around whichever model is
/// built: `normalize_inputs` (the task's box mapped to [-1, 1], NormalizedInputs.hpp).
const std::vector<suite::KeySpec>& shared_model_keys();

/// Every model, in the order the schema, --help and the docs list them.
const std::vector<ModelEntry>& model_registry();
/// The entry named `name`, or null.
const ModelEntry* find_model(const std::string& name);

/// Builds the model of a resolved `model:` mapping. Throws NotImplementedError
/// for known names this build does not implement, LogicError for unknown names.
template <class Real>
std::unique_ptr<Model<Real>> make_model(const YAML::Node& config, int inputs, int outputs);

} // namespace pinnbench::nn
