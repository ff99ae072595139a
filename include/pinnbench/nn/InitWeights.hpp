#pragma once
// RoPINN's init_weights, which the reference scripts apply to every model built
// from Linear layers: each weight matrix drawn afresh by `initial_weights`
// (keyed by its tensor index in the layout), every other tensor a constant.
#include <cstdint>
#include <pinnbench/core/Error.hpp>
#include <pinnbench/core/Types.hpp>
#include <pinnbench/nn/Initialization.hpp>
#include <pinnbench/nn/ParameterLayout.hpp>
#include <string>

namespace pinnbench::nn {

/// Fills `parameters` (laid out as `layout`); `constant_of(tensor)` is the value
/// of every entry of a tensor that is not a matrix. `model` names the layout in
/// the error thrown when the sizes differ.
template <class Real, class ConstantOf>
void init_weights(const ParameterLayout& layout, const Vector<Real>& parameters, WeightInit init,
                  std::uint64_t seed, const ConstantOf& constant_of, const std::string& model)
{
  if (parameters.extent(0) != layout.size())
    throw LogicError("parameter vector does not match the " + model + " layout");
  auto host = Kokkos::create_mirror_view(parameters);
  std::uint32_t tensor_index = 0;
  for (const auto& tensor : layout.tensors()) {
    if (tensor.shape.size() == 2) {
      const auto values =
          initial_weights(init, tensor.shape[0], tensor.shape[1], seed, tensor_index);
      for (std::size_t e = 0; e < values.size(); ++e)
        host(tensor.offset + e) = static_cast<Real>(values[e]);
    } else {
      const double value = constant_of(tensor);
      for (std::size_t e = 0; e < tensor.size; ++e)
        host(tensor.offset + e) = static_cast<Real>(value);
    }
    ++tensor_index;
  }
  Kokkos::deep_copy(parameters, host);
}

} // namespace pinnbench::nn
