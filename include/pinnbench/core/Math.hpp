#pragma once
// Kokkos math functions moved from Kokkos::Experimental (3.4) to Kokkos (3.7+,
// the Experimental aliases are gone in 4.3). Kernels call pinnbench::math::*.
#include <Kokkos_Core.hpp>

namespace pinnbench::math {

#if KOKKOS_VERSION >= 30700
using Kokkos::abs;
using Kokkos::cos;
using Kokkos::exp;
using Kokkos::fabs;
using Kokkos::isfinite;
using Kokkos::log;
using Kokkos::pow;
using Kokkos::sin;
using Kokkos::sqrt;
using Kokkos::tanh;
#else
using Kokkos::Experimental::cos;
using Kokkos::Experimental::exp;
using Kokkos::Experimental::fabs;
using Kokkos::Experimental::isfinite;
using Kokkos::Experimental::log;
using Kokkos::Experimental::pow;
using Kokkos::Experimental::sin;
using Kokkos::Experimental::sqrt;
using Kokkos::Experimental::tanh;
template <class T>
KOKKOS_INLINE_FUNCTION T abs(T x)
{
  return x < T(0) ? -x : x;
}
#endif

template <class T>
KOKKOS_INLINE_FUNCTION constexpr T max(T a, T b)
{
  return a < b ? b : a;
}
template <class T>
KOKKOS_INLINE_FUNCTION constexpr T min(T a, T b)
{
  return b < a ? b : a;
}

template <class T>
inline constexpr T pi = T(3.141592653589793238462643383279502884L);

} // namespace pinnbench::math
