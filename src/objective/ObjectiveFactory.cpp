#include <pinnbench/core/Error.hpp>
#include <pinnbench/objective/DoublePinn.hpp>
#include <pinnbench/objective/Gpinn.hpp>
#include <pinnbench/objective/ObjectiveFactory.hpp>
#include <pinnbench/objective/Ropinn.hpp>
#include <pinnbench/objective/Vanilla.hpp>
#include <pinnbench/objective/Vpinn.hpp>
#include <pinnbench/objective/WeightPenalty.hpp>

namespace pinnbench::objective {

template <class Real>
std::unique_ptr<Objective<Real>>
make_objective(const YAML::Node& config, const nn::ParameterLayout& layout, std::uint64_t seed)
{
  const auto name = config["name"].as<std::string>();
  if (name == "vanilla")
    return std::make_unique<Vanilla<Real>>();
  if (name == "gpinn")
    return std::make_unique<Gpinn<Real>>(config["weight"].as<double>());
  if (name == "double_pinn") {
    DoublePinnSettings settings;
    settings.lambda = config["lambda"].as<double>();
    settings.squared_residual = config["form"].as<std::string>() == "grad_sq_residual";
    settings.all_coordinates = config["coordinates"].as<std::string>() == "all_network_inputs";
    settings.batch_gradient = config["reduction"].as<std::string>() == "batch_grad";
    return std::make_unique<DoublePinn<Real>>(settings);
  }
  if (name == "l1" || name == "l2") {
    const bool biases = config["include_biases"].as<bool>();
    std::vector<std::pair<std::size_t, std::size_t>> ranges;
    for (const auto& tensor : layout.tensors())
      if (biases || tensor.shape.size() != 1)
        ranges.emplace_back(tensor.offset, tensor.size);
    return std::make_unique<WeightPenalty<Real>>(name == "l1" ? PenaltyNorm::l1 : PenaltyNorm::l2,
                                                 config["lambda"].as<double>(), ranges);
  }
  if (name == "ropinn") {
    RopinnSettings settings;
    settings.initial_region = config["initial_region"].as<double>();
    settings.max_region = config["max_region"].as<double>();
    settings.samples = config["samples"].as<int>();
    settings.past_iterations = config["past_iterations"].as<int>();
    settings.perturb_conditions = config["perturb_conditions"].as<bool>();
    settings.fixed_sigma = config["fixed_sigma"].as<bool>();
    settings.gradient_entries = layout.gradient_entries();
    return std::make_unique<Ropinn<Real>>(settings, layout.size(), seed);
  }
  throw NotImplementedError("objective '" + name + "'");
}

template <class Real>
std::unique_ptr<Objective<Real>> make_objective(const YAML::Node& config,
                                                const nn::ParameterLayout& layout,
                                                std::uint64_t seed, const pde::Task& task)
{
  if (config["name"].as<std::string>() == "vpinn") {
    VpinnSettings settings;
    settings.elements = config["elements"].as<std::vector<int>>();
    settings.quadrature_points = config["quadrature_points"].as<int>();
    settings.test_functions = config["test_functions"].as<int>();
    return std::make_unique<Vpinn<Real>>(settings, task);
  }
  return make_objective<Real>(config, layout, seed);
}

template std::unique_ptr<Objective<float>>
make_objective<float>(const YAML::Node&, const nn::ParameterLayout&, std::uint64_t);
template std::unique_ptr<Objective<double>>
make_objective<double>(const YAML::Node&, const nn::ParameterLayout&, std::uint64_t);
template std::unique_ptr<Objective<float>> make_objective<float>(const YAML::Node&,
                                                                 const nn::ParameterLayout&,
                                                                 std::uint64_t, const pde::Task&);
template std::unique_ptr<Objective<double>> make_objective<double>(const YAML::Node&,
                                                                   const nn::ParameterLayout&,
                                                                   std::uint64_t, const pde::Task&);

} // namespace pinnbench::objective
