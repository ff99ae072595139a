// f^(k)(z) tables of every unary function against long-double finite
// differences, and the vectorisable exp/tanh against the C library.
#include "support/FiniteDifference.hpp"
#include "support/UnaryReference.hpp"

#include <cmath>
#include <gtest/gtest.h>
#include <limits>
#include <pinnbench/jet/UnaryFunction.hpp>

using namespace pinnbench;
using namespace pinnbench::jet;

namespace {

class UnaryDerivatives : public ::testing::TestWithParam<UnaryKind>
{};

} // namespace

TEST_P(UnaryDerivatives, MatchFiniteDifferencesToOrderFive)
{
  const UnaryKind kind = GetParam();
  const bool positive_only = test::positive_domain(kind);
  const double points[] = {-2.1, -0.7, -0.05, 0.0, 0.13, 0.6, 1.9, 3.2};
  // Wider steps for higher orders keep the rounding error of the k-th difference small.
  const long double step[] = {-1, 0.05L, 0.05L, 0.08L, 0.12L, 0.16L};
  for (double z : points) {
    if (positive_only && z <= 1.5) // stencils (up to +-0.4 wide) must stay clear of z = 0
      continue;
    double d[kMaxDerivative + 1];
    unary_derivatives<double>(kind, z, kMaxDerivative, d, 0.7, -1.3);
    for (int k = 0; k <= kMaxDerivative; ++k) {
      const long double expected = test::partial_derivative(
          [kind](const test::Point& p) { return test::unary_reference(kind, p[0]); }, {z},
          MultiIndex::unit(0, k), step[k]);
      const long double scale = std::max(1.0L, std::fabs(expected));
      // The oracle itself is good to ~1e-12 up to order 2 and ~1e-8 at order 5.
      EXPECT_LE(std::fabs(d[k] - expected) / scale, k <= 2   ? 1e-11
                                                    : k <= 4 ? 1e-9
                                                             : 2e-8)
          << to_string(kind) << " derivative " << k << " at z = " << z;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(AllKinds, UnaryDerivatives,
                         ::testing::Values(UnaryKind::tanh, UnaryKind::sin, UnaryKind::cos,
                                           UnaryKind::sigmoid, UnaryKind::silu, UnaryKind::exp,
                                           UnaryKind::log, UnaryKind::reciprocal, UnaryKind::sqrt,
                                           UnaryKind::square, UnaryKind::wave),
                         [](const auto& parameter) { return to_string(parameter.param); });

TEST(FastMath, ExpAndTanhAgreeWithLibmToAFewUlp)
{
  double worst_exp = 0, worst_tanh = 0;
  for (int i = 0; i <= 200000; ++i) {
    const double x = -40.0 + 80.0 * i / 200000.0;
    const double scaled = (i % 3 == 0) ? x * 1e-4 : x;
    const long double e = std::exp(static_cast<long double>(scaled));
    worst_exp =
        std::max(worst_exp, static_cast<double>(std::fabs((math::fast_exp(scaled) - e) / e)));
    const long double t = std::tanh(static_cast<long double>(scaled));
    if (t != 0)
      worst_tanh =
          std::max(worst_tanh, static_cast<double>(std::fabs((math::fast_tanh(scaled) - t) / t)));
  }
  const double eps = std::numeric_limits<double>::epsilon();
  EXPECT_LE(worst_exp, 4 * eps);
  EXPECT_LE(worst_tanh, 4 * eps);
  float worst_tanh_float = 0;
  for (int i = 0; i <= 20000; ++i) {
    const float x = -12.0f + 24.0f * static_cast<float>(i) / 20000.0f;
    const double t = std::tanh(static_cast<double>(x));
    if (t != 0)
      worst_tanh_float =
          std::max(worst_tanh_float, static_cast<float>(std::fabs((math::fast_tanh(x) - t) / t)));
  }
  EXPECT_LE(worst_tanh_float, 4 * std::numeric_limits<float>::epsilon());
}

TEST(FastMath, SinCosAgreeWithLongDoubleToAFewUlp)
{
  // Absolute error against long-double libm (sin and cos are bounded by 1), over
  // small, PINN-sized and large arguments, and relative error near 0 for sin.
  double worst = 0, worst_relative = 0;
  for (int i = 0; i <= 200000; ++i) {
    const double u = -1.0 + 2.0 * i / 200000.0;
    for (const double x : {u * 1e-6, u * 4.0, u * 60.0, u * 1e5}) {
      double s = 0, c = 0;
      math::fast_sincos(x, s, c);
      const long double ls = std::sin(static_cast<long double>(x));
      const long double lc = std::cos(static_cast<long double>(x));
      worst = std::max(worst, static_cast<double>(std::max(std::fabs(s - ls), std::fabs(c - lc))));
      if (std::fabs(x) < 0.5 && ls != 0)
        worst_relative = std::max(worst_relative, static_cast<double>(std::fabs((s - ls) / ls)));
    }
  }
  const double eps = std::numeric_limits<double>::epsilon();
  EXPECT_LE(worst, 2 * eps);
  EXPECT_LE(worst_relative, 2 * eps);
  float worst_float = 0;
  for (int i = 0; i <= 20000; ++i) {
    const float x = -50.0f + 100.0f * static_cast<float>(i) / 20000.0f;
    float s = 0, c = 0;
    math::fast_sincos(x, s, c);
    const double xs = static_cast<double>(x);
    worst_float = std::max(worst_float, static_cast<float>(std::max(std::fabs(s - std::sin(xs)),
                                                                    std::fabs(c - std::cos(xs)))));
  }
  EXPECT_LE(worst_float, std::numeric_limits<float>::epsilon());
  double s = 0, c = 0;
  for (const double bad :
       {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(),
        -std::numeric_limits<double>::infinity()}) {
    math::fast_sincos(bad, s, c);
    EXPECT_TRUE(std::isnan(s) && std::isnan(c));
  }
  math::fast_sincos(1e300, s, c); // meaningless, but finite and bounded
  EXPECT_TRUE(std::fabs(s) <= 1.0 && std::fabs(c) <= 1.0);
}

TEST(FastMath, PropagatesNanAndSaturates)
{
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_TRUE(std::isnan(math::fast_exp(nan)));
  EXPECT_TRUE(std::isnan(math::fast_tanh(nan)));
  EXPECT_TRUE(std::isnan(math::fast_sigmoid(nan)));
  EXPECT_EQ(math::fast_tanh(1e6), 1.0);
  EXPECT_EQ(math::fast_tanh(-1e6), -1.0);
  EXPECT_EQ(math::fast_tanh(0.0), 0.0);
  EXPECT_TRUE(std::isfinite(math::fast_sigmoid(-1e6)));
  EXPECT_LT(math::fast_sigmoid(-1e6), 1e-300);
}
