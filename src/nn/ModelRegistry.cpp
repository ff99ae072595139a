#include <algorithm>
#include <pinnbench/core/Error.hpp>
#include <pinnbench/nn/ModelRegistry.hpp>
#include <pinnbench/suite/KeyBuilders.hpp>

namespace pinnbench::nn {

// Each model's file defines its entry function.
namespace models {
ModelEntry pinn();
ModelEntry fls();
ModelEntry qres();
ModelEntry kan();
ModelEntry propinn();
} // namespace models

const std::vector<ModelEntry>& model_registry()
{
  static const std::vector<ModelEntry> entries = {
      models::pinn(), models::fls(),
      models::qres(), planned_model("pinnsformer", "transformer on pseudo-sequences"),
      models::kan(),  models::propinn(),
  };
  return entries;
}

const std::vector<suite::KeySpec>& shared_model_keys()
{
  static const std::vector<suite::KeySpec> keys = {
      // Every model can start from stored parameters instead of its initialiser.
      suite::text_key("initial_parameters",
                      "HDF5 file whose /run/parameters to start from (a result file or "
                      "scripts/import-state-dict.py output); empty: initialise from the seed"),
      suite::bool_key("normalize_inputs", "false",
                      "map the task's box to [-1, 1] before the network (derivatives stay "
                      "physical)")};
  return keys;
}

ModelEntry planned_model(std::string name, std::string description)
{
  ModelEntry entry;
  entry.name = std::move(name);
  entry.description = std::move(description);
  return entry;
}

const ModelEntry* find_model(const std::string& name)
{
  const auto& entries = model_registry();
  const auto it = std::find_if(entries.begin(), entries.end(),
                               [&](const ModelEntry& e) { return e.name == name; });
  return it == entries.end() ? nullptr : &*it;
}

template <class Real>
std::unique_ptr<Model<Real>> make_model(const YAML::Node& config, int inputs, int outputs)
{
  const auto name = config["name"].as<std::string>();
  const ModelEntry* entry = find_model(name);
  if (!entry)
    throw LogicError("no model named '" + name + "' is registered");
  if (!entry->implemented())
    throw NotImplementedError("model '" + name + "'");
  ModelInputs in;
  in.config = config;
  in.inputs = inputs;
  in.outputs = outputs;
  if constexpr (std::is_same_v<Real, float>)
    return entry->make_fp32(in);
  else
    return entry->make_fp64(in);
}

template std::unique_ptr<Model<float>> make_model<float>(const YAML::Node&, int, int);
template std::unique_ptr<Model<double>> make_model<double>(const YAML::Node&, int, int);

} // namespace pinnbench::nn
