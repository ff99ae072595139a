#include <pinnbench/core/Error.hpp>
#include <pinnbench/nn/InitWeights.hpp>
#include <pinnbench/nn/Mlp.hpp>
#include <pinnbench/nn/ModelRegistry.hpp>
#include <pinnbench/suite/KeyBuilders.hpp>

namespace pinnbench::nn {

template <class Real>
Mlp<Real>::Mlp(MlpShape shape, std::string name) : shape_(shape), name_(std::move(name))
{
  if (shape_.inputs < 1 || shape_.outputs < 1 || shape_.width < 1 || shape_.hidden_layers < 0)
    throw ConfigError("MLP needs positive inputs, outputs and width and hidden_layers >= 0");
  int fan_in = shape_.inputs;
  for (int layer = 0; layer <= shape_.hidden_layers; ++layer) {
    const int fan_out = layer == shape_.hidden_layers ? shape_.outputs : shape_.width;
    // RoPINN's models/PINN.py and FLS.py: one nn.Sequential `linear`, an activation
    // module after every hidden Linear, so the Linears are its entries 0, 2, 4, ...
    layers_.push_back(add_linear(layout_, "linear." + std::to_string(2 * layer), fan_in, fan_out));
    fan_in = fan_out;
  }
}

template <class Real>
void Mlp<Real>::initialize(const Vector<Real>& parameters, std::uint64_t seed) const
{
  init_weights(
      layout_, parameters, shape_.weight_init, seed,
      [&](const ParameterTensor&) { return shape_.bias_init; }, "MLP");
}

template <class Real>
jet::Var<Real> Mlp<Real>::forward(const jet::Var<Real>& input) const
{
  auto& tape = input.tape();
  if (input.value().features() != shape_.inputs)
    throw LogicError("MLP expects " + std::to_string(shape_.inputs) + " input features");
  auto h = input.id();
  for (int layer = 0; layer <= shape_.hidden_layers; ++layer) {
    h = apply_linear(tape, h, layers_[static_cast<std::size_t>(layer)]);
    if (layer < shape_.hidden_layers)
      h = tape.unary(h, layer == 0 ? shape_.first_activation : shape_.activation);
  }
  return jet::Var<Real>(tape, h);
}

template class Mlp<float>;
template class Mlp<double>;

// --- registry entries ------------------------------------------------------------

namespace {

std::vector<suite::KeySpec> mlp_keys()
{
  using namespace suite;
  return {int_key("width", "512", 1, "neurons per hidden layer"),
          int_key("hidden_layers", "3", 1, "hidden layers (the reference's num_layer - 1)"),
          choice_key("activation", {"tanh", "sin", "cos", "sigmoid", "silu"},
                     "activation after every hidden layer"),
          choice_key("init", {"xavier_uniform", "glorot_normal"}, "weight initialisation"),
          real_key("bias_init", "0.01", any_real(), "initial value of every bias")};
}

/// The MLP of a `model:` mapping; FLS (RoPINN's first-layer-sine network) is
/// the MLP with sin after the first layer.
template <class Real, bool first_layer_sine>
std::unique_ptr<Model<Real>> make_mlp(const ModelInputs& in)
{
  MlpShape shape;
  shape.inputs = in.inputs;
  shape.outputs = in.outputs;
  shape.width = in.config["width"].as<int>();
  shape.hidden_layers = in.config["hidden_layers"].as<int>();
  shape.activation = jet::unary_kind_from_string(in.config["activation"].as<std::string>());
  shape.first_activation = first_layer_sine ? jet::UnaryKind::sin : shape.activation;
  shape.weight_init = weight_init_from_string(in.config["init"].as<std::string>());
  shape.bias_init = in.config["bias_init"].as<double>();
  return std::make_unique<Mlp<Real>>(shape, first_layer_sine ? "fls" : "pinn");
}

} // namespace

namespace models {
ModelEntry pinn()
{
  ModelEntry e;
  e.name = "pinn";
  e.description = "multilayer perceptron";
  e.keys = mlp_keys();
  e.make_fp32 = make_mlp<float, false>;
  e.make_fp64 = make_mlp<double, false>;
  return e;
}

ModelEntry fls()
{
  ModelEntry e;
  e.name = "fls";
  e.description = "MLP with sin after the first layer (first-layer sine)";
  e.keys = mlp_keys();
  e.make_fp32 = make_mlp<float, true>;
  e.make_fp64 = make_mlp<double, true>;
  return e;
}
} // namespace models

} // namespace pinnbench::nn
