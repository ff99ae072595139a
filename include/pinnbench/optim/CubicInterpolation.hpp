#pragma once
// The minimiser of the cubic through two points (x, f, f') on a line, clamped
// to a bound interval: the step-size proposal of PyTorch's strong-Wolfe line
// search (_cubic_interpolate, after Schmidt's minFunc polyinterp), reproduced
// operation for operation so L-BFGS trajectories match torch's.
#include <cmath>

namespace pinnbench::optim {

/// Python's max(a, b) and min(a, b): the first argument unless the second
/// compares strictly greater (smaller). With a NaN the result is the first
/// argument, which std::max/std::fmax do not promise.
template <class Real>
Real python_max(Real a, Real b)
{
  return b > a ? b : a;
}
template <class Real>
Real python_min(Real a, Real b)
{
  return b < a ? b : a;
}

/// Minimiser of the cubic interpolating (x1, f1, g1) and (x2, f2, g2), clamped
/// to [lower, upper]; the midpoint of the bounds when the cubic has no minimum.
template <class Real>
Real cubic_interpolate(Real x1, Real f1, Real g1, Real x2, Real f2, Real g2, Real lower, Real upper)
{
  const Real d1 = g1 + g2 - Real(3) * (f1 - f2) / (x1 - x2);
  const Real d2_square = d1 * d1 - g1 * g2;
  // Written as torch writes it: a NaN d2_square takes the midpoint branch.
  if (d2_square >= Real(0)) {
    const Real d2 = std::sqrt(d2_square);
    const Real minimum = x1 <= x2 ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + Real(2) * d2))
                                  : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + Real(2) * d2));
    return python_min(python_max(minimum, lower), upper);
  }
  return (lower + upper) / Real(2);
}

/// The same, bounded by the two points themselves.
template <class Real>
Real cubic_interpolate(Real x1, Real f1, Real g1, Real x2, Real f2, Real g2)
{
  const bool ordered = x1 <= x2;
  return cubic_interpolate(x1, f1, g1, x2, f2, g2, ordered ? x1 : x2, ordered ? x2 : x1);
}

} // namespace pinnbench::optim
