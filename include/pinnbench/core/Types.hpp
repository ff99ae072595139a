#pragma once
// Execution and memory spaces every kernel runs in, and the precision names
// used throughout (runs are compiled for float and double).
#include <Kokkos_Core.hpp>
#include <string>

namespace pinnbench {

using ExecutionSpace = Kokkos::DefaultExecutionSpace;
using MemorySpace = ExecutionSpace::memory_space;
using HostSpace = Kokkos::HostSpace;

/// A contiguous device vector (parameters, gradients, optimiser state).
template <class Real>
using Vector = Kokkos::View<Real*, Kokkos::LayoutRight, MemorySpace>;

/// A row-major device matrix (points x coordinates, weights [out][in]).
template <class Real>
using Matrix = Kokkos::View<Real**, Kokkos::LayoutRight, MemorySpace>;

template <class View>
using Unmanaged = Kokkos::View<typename View::data_type, typename View::array_layout,
                               typename View::device_type, Kokkos::MemoryTraits<Kokkos::Unmanaged>>;

enum class Precision
{
  fp32,
  fp64
};

inline std::string to_string(Precision p)
{
  return p == Precision::fp32 ? "fp32" : "fp64";
}

template <class Real>
constexpr Precision precision_of()
{
  static_assert(std::is_same_v<Real, float> || std::is_same_v<Real, double>,
                "pinnbench runs in float or double");
  return std::is_same_v<Real, float> ? Precision::fp32 : Precision::fp64;
}

} // namespace pinnbench
