#include <pinnbench/core/Error.hpp>
#include <pinnbench/nn/Mlp.hpp>

namespace pinnbench::nn {

template <class Real>
Mlp<Real>::Mlp(MlpShape shape, std::string name) : shape_(shape), name_(std::move(name))
{
  if (shape_.inputs < 1 || shape_.outputs < 1 || shape_.width < 1 || shape_.hidden_layers < 0)
    throw ConfigError("MLP needs positive inputs, outputs and width and hidden_layers >= 0");
  int fan_in = shape_.inputs;
  for (int layer = 0; layer <= shape_.hidden_layers; ++layer) {
    const int fan_out = layer == shape_.hidden_layers ? shape_.outputs : shape_.width;
    const std::string prefix = "layer" + std::to_string(layer);
    weight_offsets_.push_back(layout_.add(
        prefix + ".weight", {static_cast<std::size_t>(fan_out), static_cast<std::size_t>(fan_in)}));
    bias_offsets_.push_back(layout_.add(prefix + ".bias", {static_cast<std::size_t>(fan_out)}));
    layer_outputs_.push_back(fan_out);
    fan_in = fan_out;
  }
}

template <class Real>
void Mlp<Real>::initialize(const Vector<Real>& parameters, std::uint64_t seed) const
{
  if (parameters.extent(0) != layout_.size())
    throw LogicError("parameter vector does not match the MLP layout");
  auto host = Kokkos::create_mirror_view(parameters);
  std::uint32_t tensor_index = 0;
  for (const auto& tensor : layout_.tensors()) {
    if (tensor.shape.size() == 2) {
      const auto values =
          initial_weights(shape_.weight_init, tensor.shape[0], tensor.shape[1], seed, tensor_index);
      for (std::size_t e = 0; e < values.size(); ++e)
        host(tensor.offset + e) = static_cast<Real>(values[e]);
    } else {
      for (std::size_t e = 0; e < tensor.size; ++e)
        host(tensor.offset + e) = static_cast<Real>(shape_.bias_init);
    }
    ++tensor_index;
  }
  Kokkos::deep_copy(parameters, host);
}

template <class Real>
jet::Var<Real> Mlp<Real>::forward(const jet::Var<Real>& input) const
{
  auto& tape = input.tape();
  if (input.value().features() != shape_.inputs)
    throw LogicError("MLP expects " + std::to_string(shape_.inputs) + " input features");
  auto h = input.id();
  for (int layer = 0; layer <= shape_.hidden_layers; ++layer) {
    h = tape.linear(h, weight_offsets_[static_cast<std::size_t>(layer)],
                    layer_outputs_[static_cast<std::size_t>(layer)],
                    static_cast<std::int64_t>(bias_offsets_[static_cast<std::size_t>(layer)]));
    if (layer < shape_.hidden_layers)
      h = tape.unary(h, layer == 0 ? shape_.first_activation : shape_.activation);
  }
  return jet::Var<Real>(tape, h);
}

template class Mlp<float>;
template class Mlp<double>;

} // namespace pinnbench::nn
