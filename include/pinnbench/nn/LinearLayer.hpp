#pragma once
// A Linear layer's place in the parameter vector: QRes, ProPINN and PINNsFormer
// lay out each Linear as PyTorch does (weight [outputs][inputs], then bias).
#include <cstddef>
#include <cstdint>
#include <pinnbench/jet/Tape.hpp>
#include <pinnbench/nn/ParameterLayout.hpp>
#include <string>

namespace pinnbench::nn {

struct LinearLayer
{
  std::size_t weight = 0;
  std::size_t bias = 0;
  int outputs = 0;
};

/// Appends `prefix.weight` and `prefix.bias` to `layout`.
inline LinearLayer add_linear(ParameterLayout& layout, const std::string& prefix, int inputs,
                              int outputs)
{
  LinearLayer layer;
  layer.weight = layout.add(prefix + ".weight",
                            {static_cast<std::size_t>(outputs), static_cast<std::size_t>(inputs)});
  layer.bias = layout.add(prefix + ".bias", {static_cast<std::size_t>(outputs)});
  layer.outputs = outputs;
  return layer;
}

/// The layer on tape node `input` (W h + b).
template <class Real>
int apply_linear(jet::Tape<Real>& tape, int input, const LinearLayer& layer)
{
  return tape.linear(input, layer.weight, layer.outputs, static_cast<std::int64_t>(layer.bias));
}

} // namespace pinnbench::nn
