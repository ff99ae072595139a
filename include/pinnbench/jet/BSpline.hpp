#pragma once
// B-spline bases on a uniform grid, as pykan (and RoPINN's copy of it)
// evaluates them: knots linspace(lo, hi, intervals + 1) extended by `order`
// knots of spacing h = (hi - lo) / intervals on each side, then the Cox-de Boor
// recursion from the half-open order-0 indicators t_i <= x < t_{i+1}. There are
// intervals + order bases, piecewise polynomials that vanish outside
// [t_0, t_last); at a knot the right-hand piece applies (what autograd through
// the indicators gives).
#include <pinnbench/core/Error.hpp>
#include <pinnbench/jet/UnaryFunction.hpp>

namespace pinnbench::jet {

inline constexpr int kMaxBSplineOrder = 3;
inline constexpr int kMaxBSplineBases = 16;
inline constexpr int kMaxBSplineKnots = kMaxBSplineBases + kMaxBSplineOrder + 1;

template <class Real>
struct BSplineGrid
{
  int order = 3;
  int knot_count = 0;
  Real knots[kMaxBSplineKnots] = {};

  KOKKOS_INLINE_FUNCTION int bases() const { return knot_count - order - 1; }
};

/// The extended knots as pykan computes them in precision Real: torch.linspace
/// (first half from lo, second half from hi), then h subtracted from the first
/// and added to the last knot `order` times.
template <class Real>
BSplineGrid<Real> make_bspline_grid(double lo, double hi, int intervals, int order)
{
  if (order < 0 || order > kMaxBSplineOrder)
    throw ConfigError("B-spline order must be 0 .. " + std::to_string(kMaxBSplineOrder));
  if (intervals < 1 || intervals + order > kMaxBSplineBases)
    throw ConfigError("B-spline grid needs 1 .. " + std::to_string(kMaxBSplineBases - order) +
                      " intervals");
  if (!(hi > lo))
    throw ConfigError("B-spline grid range needs lo < hi");
  BSplineGrid<Real> grid;
  grid.order = order;
  grid.knot_count = intervals + 1 + 2 * order;
  const int steps = intervals + 1;
  const Real start = static_cast<Real>(lo);
  const Real end = static_cast<Real>(hi);
  const Real step = (end - start) / static_cast<Real>(steps - 1);
  Real uniform[kMaxBSplineKnots];
  for (int i = 0; i < steps; ++i)
    uniform[i] = i < steps / 2 ? start + step * static_cast<Real>(i)
                               : end - step * static_cast<Real>(steps - i - 1);
  const Real h = (uniform[steps - 1] - uniform[0]) / static_cast<Real>(steps - 1);
  Real first = uniform[0], last = uniform[steps - 1];
  Real left[kMaxBSplineOrder + 1], right[kMaxBSplineOrder + 1];
  for (int i = 0; i < order; ++i) {
    first = first - h;
    last = last + h;
    left[i] = first;
    right[i] = last;
  }
  int k = 0;
  for (int i = order - 1; i >= 0; --i)
    grid.knots[k++] = left[i];
  for (int i = 0; i < steps; ++i)
    grid.knots[k++] = uniform[i];
  for (int i = 0; i < order; ++i)
    grid.knots[k++] = right[i];
  return grid;
}

/// d[m * (kMaxDerivative + 1) + r] = d^r B_m(z) for every basis m and r = 0 .. highest.
/// Derivatives come from the same recursion: (B_{j,p})' = p (B_{j,p-1} / (t_{j+p} - t_j)
/// - B_{j+1,p-1} / (t_{j+p+1} - t_{j+1})); above the polynomial order they are 0.
template <class Real>
KOKKOS_INLINE_FUNCTION void bspline_derivatives(const BSplineGrid<Real>& grid, Real z, int highest,
                                                Real* d)
{
  const Real* t = grid.knots;
  const int p_max = grid.order;
  const int bases = grid.bases();
  // w[p][j]: B_{j,p}(z), then, after pass r, its r-th derivative (for p >= r).
  Real w[kMaxBSplineOrder + 1][kMaxBSplineKnots];
  for (int j = 0; j + 1 < grid.knot_count; ++j)
    w[0][j] = (z >= t[j] && z < t[j + 1]) ? Real(1) : Real(0);
  for (int p = 1; p <= p_max; ++p)
    for (int j = 0; j + p + 1 < grid.knot_count; ++j)
      w[p][j] = (z - t[j]) / (t[j + p] - t[j]) * w[p - 1][j] +
                (t[j + p + 1] - z) / (t[j + p + 1] - t[j + 1]) * w[p - 1][j + 1];
  constexpr int stride = kMaxDerivative + 1;
  for (int m = 0; m < bases; ++m) {
    d[m * stride] = w[p_max][m];
    for (int r = 1; r <= highest; ++r)
      d[m * stride + r] = Real(0);
  }
  for (int r = 1; r <= highest && r <= p_max; ++r) {
    for (int p = p_max; p >= r; --p)
      for (int j = 0; j + p + 1 < grid.knot_count; ++j)
        w[p][j] = static_cast<Real>(p) *
                  (w[p - 1][j] / (t[j + p] - t[j]) - w[p - 1][j + 1] / (t[j + p + 1] - t[j + 1]));
    for (int m = 0; m < bases; ++m)
      d[m * stride + r] = w[p_max][m];
  }
}

} // namespace pinnbench::jet
