#include <pinnbench/core/Error.hpp>
#include <pinnbench/nn/Mlp.hpp>
#include <pinnbench/nn/ModelFactory.hpp>
#include <pinnbench/nn/ProPinn.hpp>

namespace pinnbench::nn {

template <class Real>
std::unique_ptr<Model<Real>> make_model(const YAML::Node& config, int inputs, int outputs)
{
  const auto name = config["name"].as<std::string>();
  if (name == "propinn") {
    ProPinnShape shape;
    shape.inputs = inputs;
    shape.outputs = outputs;
    shape.hidden_dim = config["hidden_dim"].as<int>();
    shape.head_width = config["head_width"].as<int>();
    shape.head_layers = config["head_layers"].as<int>();
    shape.input_scale = config["input_scale"].as<double>();
    shape.weight_init = weight_init_from_string(config["init"].as<std::string>());
    shape.bias_init = config["bias_init"].as<double>();
    return std::make_unique<ProPinn<Real>>(shape);
  }
  if (name != "pinn" && name != "fls")
    throw NotImplementedError("model '" + name + "'");
  MlpShape shape;
  shape.inputs = inputs;
  shape.outputs = outputs;
  shape.width = config["width"].as<int>();
  shape.hidden_layers = config["hidden_layers"].as<int>();
  shape.activation = jet::unary_kind_from_string(config["activation"].as<std::string>());
  // FLS (RoPINN's first-layer-sine network) is the MLP with sin after the first layer.
  shape.first_activation = name == "fls" ? jet::UnaryKind::sin : shape.activation;
  shape.weight_init = weight_init_from_string(config["init"].as<std::string>());
  shape.bias_init = config["bias_init"].as<double>();
  return std::make_unique<Mlp<Real>>(shape, name);
}

template std::unique_ptr<Model<float>> make_model<float>(const YAML::Node&, int, int);
template std::unique_ptr<Model<double>> make_model<double>(const YAML::Node&, int, int);

} // namespace pinnbench::nn
