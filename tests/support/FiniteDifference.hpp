#pragma once
// Independent truths for derivative tests.
//
// partial_derivative(): d^alpha g(z) by nested central differences in long
// double, extrapolated (Richardson, ratio 2) to O(h^8). Each 1-D k-th difference
// sum_i (-1)^i C(k, i) g(z + (k/2 - i) h e_j) / h^k has an error expansion in
// even powers of h, and so has their tensor product.
//
// AnalyticField: q_f(z) = offset_f + Im(A_f exp(c_f . z)) with complex A, c; its
// derivatives are Im(A prod_j c_j^{alpha_j} exp(c . z)) exactly, any order.
#include <algorithm>
#include <cmath>
#include <complex>
#include <functional>
#include <pinnbench/jet/MultiIndex.hpp>
#include <random>
#include <vector>

namespace pinnbench::test {

using Point = std::vector<long double>;
using ScalarFunction = std::function<long double(const Point&)>;

inline long double binomial(int k, int i)
{
  long double r = 1;
  for (int m = 1; m <= i; ++m)
    r = r * (k - i + m) / m;
  return r;
}

// Tensor-product central difference with step h.
inline long double central_difference(const ScalarFunction& g, const Point& z,
                                      const jet::MultiIndex& alpha, long double h,
                                      std::size_t coordinate = 0)
{
  if (coordinate == z.size())
    return g(z);
  const int k = alpha[static_cast<int>(coordinate)];
  if (k == 0)
    return central_difference(g, z, alpha, h, coordinate + 1);
  long double sum = 0;
  for (int i = 0; i <= k; ++i) {
    Point shifted = z;
    shifted[coordinate] += (static_cast<long double>(k) / 2 - i) * h;
    const long double sign = (i % 2 == 0) ? 1 : -1;
    sum += sign * binomial(k, i) * central_difference(g, shifted, alpha, h, coordinate + 1);
  }
  return sum / std::pow(h, static_cast<long double>(k));
}

inline long double partial_derivative(const ScalarFunction& g, const Point& z,
                                      const jet::MultiIndex& alpha, long double h = -1)
{
  if (alpha.is_zero())
    return g(z);
  if (h < 0)
    h = alpha.order() <= 2 ? 0.02L : 0.04L; // balances O(h^8) truncation and rounding
  // Richardson table over h, h/2, h/4, h/8 removing h^2, h^4, h^6.
  long double table[4];
  for (int level = 0; level < 4; ++level)
    table[level] = central_difference(g, z, alpha, h / std::pow(2.0L, level));
  for (int order = 1; order < 4; ++order) {
    const long double factor = std::pow(4.0L, order);
    for (int level = 3; level >= order; --level)
      table[level] = (factor * table[level] - table[level - 1]) / (factor - 1);
  }
  return table[3];
}

struct AnalyticField
{
  using Complex = std::complex<long double>;
  long double offset = 0;
  Complex amplitude{1, 0};
  std::vector<Complex> rates;

  long double value(const Point& z) const { return derivative(z, jet::MultiIndex{}); }

  long double derivative(const Point& z, const jet::MultiIndex& alpha) const
  {
    Complex exponent = 0;
    Complex factor = amplitude;
    for (std::size_t j = 0; j < rates.size(); ++j) {
      exponent += rates[j] * z[j];
      for (int k = 0; k < alpha[static_cast<int>(j)]; ++k)
        factor *= rates[j];
    }
    const long double im = std::imag(factor * std::exp(exponent));
    return alpha.is_zero() ? offset + im : im;
  }

  static AnalyticField random(std::mt19937& rng, int dimension, long double offset,
                              long double amplitude_scale = 0.6L)
  {
    std::uniform_real_distribution<double> u(-1.0, 1.0);
    AnalyticField field;
    field.offset = offset;
    field.amplitude = Complex(amplitude_scale * (0.5L + 0.5L * std::abs(u(rng))),
                              amplitude_scale * 0.5L * u(rng));
    // Rates bounded away from 0 so no derivative is tiny next to the value
    // (which would make the finite-difference oracle's rounding dominate).
    auto away_from_zero = [&](long double scale) {
      const double v = u(rng);
      return scale * (v < 0 ? -1 : 1) * (0.4L + 0.6L * std::fabs(v));
    };
    for (int j = 0; j < dimension; ++j)
      field.rates.emplace_back(away_from_zero(0.8L), away_from_zero(1.2L));
    return field;
  }
};

/// max_i |a_i - b_i| / max_i |b_i|: relative error of a whole series.
inline double relative_error(const std::vector<double>& actual,
                             const std::vector<long double>& expected)
{
  long double scale = 0, diff = 0;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    scale = std::max(scale, std::fabs(expected[i]));
    diff = std::max(diff, std::fabs(static_cast<long double>(actual[i]) - expected[i]));
  }
  return static_cast<double>(scale > 0 ? diff / scale : diff);
}

} // namespace pinnbench::test
