#pragma once
// Copies between device vectors and the double arrays of an OptimizerState
// (internal to src/optim). float -> double -> float is exact, so a saved and
// reloaded FP32 state is bitwise the same.
#include <pinnbench/core/Types.hpp>
#include <vector>

namespace pinnbench::optim {

template <class Real>
std::vector<double> to_state_array(const Vector<Real>& values)
{
  const auto host = Kokkos::create_mirror_view_and_copy(HostSpace(), values);
  std::vector<double> out(host.extent(0));
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = static_cast<double>(host(i));
  return out;
}

/// `values` must already have the vector's size (load_state checks first).
template <class Real>
void from_state_array(const std::vector<double>& values, const Vector<Real>& out)
{
  auto host = Kokkos::create_mirror_view(out);
  for (std::size_t i = 0; i < values.size(); ++i)
    host(i) = static_cast<Real>(values[i]);
  Kokkos::deep_copy(out, host);
}

} // namespace pinnbench::optim
