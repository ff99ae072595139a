// Checks of the Allen-Cahn reference solver against truths it does not share
// code with: closed-form solutions of its linear and pointwise-reaction limits,
// the ETDRK4 convergence order, spectral convergence in x, and the published
// extremes of the jaxpi/Chebfun reference data (spec failure_modes.md 2.4).
#include "pinnbench/core/Error.hpp"
#include "pinnbench/reference/AllenCahnSpectral.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <gtest/gtest.h>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace {

using pinnbench::reference::allen_cahn_initial_condition;
using pinnbench::reference::AllenCahnParameters;
using pinnbench::reference::AllenCahnSpectralSolver;
using pinnbench::reference::SpectralSettings;

constexpr double pi = 3.141592653589793238462643383279502884;

std::vector<double> linspace(double first, double last, int count)
{
  std::vector<double> v(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i)
    v[static_cast<std::size_t>(i)] = first + (last - first) * i / (count - 1);
  return v;
}

double max_abs_difference(const std::vector<double>& a, const std::vector<double>& b)
{
  double largest = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i)
    largest = std::max(largest, std::fabs(a[i] - b[i]));
  return largest;
}

// The published reference grid: t = linspace(0, 1, 201), x = linspace(-1, 1, 512).
const std::vector<double>& published_x()
{
  static const std::vector<double> x = linspace(-1.0, 1.0, 512);
  return x;
}
const std::vector<double>& published_t()
{
  static const std::vector<double> t = linspace(0.0, 1.0, 201);
  return t;
}

// The default-resolution solve (N = 512, dt = 1e-5, 100000 steps) on the
// published grid, computed once for every test that needs it.
const std::vector<double>& default_solution()
{
  static const std::vector<double> u =
      AllenCahnSpectralSolver().evaluate_grid(published_x(), published_t());
  return u;
}

std::vector<double> default_row(std::size_t it)
{
  const std::size_t nx = published_x().size();
  const auto& u = default_solution();
  return {u.begin() + static_cast<std::ptrdiff_t>(it * nx),
          u.begin() + static_cast<std::ptrdiff_t>((it + 1) * nx)};
}

TEST(AllenCahnSpectral, PureDiffusionDecaysEachModeExactly)
{
  // R = 0 leaves u_t = D u_xx, so each Fourier mode decays as exp(-D k^2 t).
  // ETDRK4 integrates a linear diagonal problem exactly, whatever dt is.
  const double diffusion = 0.01;
  struct Mode
  {
    double amplitude;
    int m; // wavenumber k = pi m
    bool sine;
  };
  const std::vector<Mode> modes = {
      {0.1, 0, false}, {1.0, 1, false}, {0.5, 3, true}, {0.25, 8, false}, {-0.2, 13, true}};
  auto exact = [&](double x, double t) {
    double u = 0.0;
    for (const Mode& mode : modes) {
      const double k = pi * mode.m;
      const double phase = mode.sine ? std::sin(k * x) : std::cos(k * x);
      u += mode.amplitude * std::exp(-diffusion * k * k * t) * phase;
    }
    return u;
  };
  const double dt = 1e-3;
  const AllenCahnSpectralSolver solver({diffusion, 0.0}, {64, dt},
                                       [&](double x) { return exact(x, 0.0); });

  // Times on the step grid, at scattered x (not grid nodes) and outside [-1, 1].
  std::mt19937_64 random(7);
  std::uniform_real_distribution<double> any_x(-3.0, 3.0);
  std::vector<double> x, t;
  for (double time : {0.0, 0.001, 0.1, 0.37, 1.0, 2.5}) {
    for (int i = 0; i < 50; ++i) {
      x.push_back(any_x(random));
      t.push_back(time);
    }
  }
  const std::vector<double> u = solver.evaluate(x, t);
  double on_step_error = 0.0;
  for (std::size_t i = 0; i < u.size(); ++i)
    on_step_error = std::max(on_step_error, std::fabs(u[i] - exact(x[i], t[i])));
  EXPECT_LT(on_step_error, 1e-12);

  // Between steps u comes from cubic Hermite interpolation, whose error is at most
  // dt^4 / 384 * max |u_tttt| = dt^4 / 384 * sum |a| (D k^2)^4.
  double hermite_bound = 0.0;
  for (const Mode& mode : modes) {
    const double rate = diffusion * (pi * mode.m) * (pi * mode.m);
    hermite_bound += std::fabs(mode.amplitude) * std::pow(rate, 4);
  }
  hermite_bound *= std::pow(dt, 4) / 384.0;
  std::uniform_real_distribution<double> any_t(0.0, 0.2);
  std::vector<double> x_between, t_between;
  for (int i = 0; i < 300; ++i) {
    x_between.push_back(any_x(random));
    t_between.push_back(any_t(random));
  }
  const std::vector<double> u_between = solver.evaluate(x_between, t_between);
  double between_error = 0.0;
  for (std::size_t i = 0; i < u_between.size(); ++i)
    between_error =
        std::max(between_error, std::fabs(u_between[i] - exact(x_between[i], t_between[i])));
  EXPECT_LT(between_error, hermite_bound + 1e-12);
  EXPECT_GT(between_error, 1e-3 * hermite_bound); // the interpolation really is exercised
}

TEST(AllenCahnSpectral, PureReactionFollowsTheOdeAtEachNode)
{
  // D = 0 makes L = R a multiple of the identity, so in pseudo-spectral form each
  // grid node evolves on its own by u' = R (u - u^3), whose solution is
  //   u(t) = u0 e^{Rt} / sqrt(1 - u0^2 + u0^2 e^{2Rt}).
  // This exercises the nonlinear path (transforms, cubing, ETDRK4 stages).
  const double reaction = 5.0;
  const int n = 32;
  auto initial = [](double x) { return 0.9 * std::sin(pi * x) + 0.05; };
  auto exact = [&](double u0, double t) {
    const double growth = std::exp(reaction * t);
    return u0 * growth / std::sqrt(1.0 - u0 * u0 + u0 * u0 * growth * growth);
  };
  std::vector<double> nodes;
  for (int j = 0; j < n; ++j)
    nodes.push_back(-1.0 + 2.0 * j / n);
  const std::vector<double> times = {0.0, 0.2, 0.5, 1.0};

  const std::vector<double> u =
      AllenCahnSpectralSolver({0.0, reaction}, {n, 1e-4}, initial).evaluate_grid(nodes, times);
  double error = 0.0;
  for (std::size_t it = 0; it < times.size(); ++it)
    for (std::size_t j = 0; j < nodes.size(); ++j)
      error = std::max(error,
                       std::fabs(u[it * nodes.size() + j] - exact(initial(nodes[j]), times[it])));
  EXPECT_LT(error, 1e-12);
}

TEST(AllenCahnSpectral, InitialConditionIsReproducedAtTimeZero)
{
  // At t = 0 the interpolant passes through the sampled initial condition at the
  // solver's nodes x_j = -1 + 2j/N (and x = 1, which is x = -1 periodically).
  // Between nodes it cannot be exact: the periodic extension of x^2 cos(pi x)
  // has a kink at x = +-1, so on the published grid the t = 0 row is off by ~1e-5.
  const int n = 512;
  std::vector<double> nodes;
  for (int j = 0; j < n; ++j)
    nodes.push_back(-1.0 + 2.0 * j / n);
  nodes.push_back(1.0);
  const std::vector<double> u = AllenCahnSpectralSolver().evaluate_grid(nodes, {0.0});
  double error = 0.0;
  for (std::size_t j = 0; j < nodes.size(); ++j)
    error = std::max(error, std::fabs(u[j] - allen_cahn_initial_condition(nodes[j])));
  EXPECT_LT(error, 1e-13);

  double published_row_error = 0.0;
  const std::vector<double> row = default_row(0);
  for (std::size_t j = 0; j < row.size(); ++j)
    published_row_error = std::max(
        published_row_error, std::fabs(row[j] - allen_cahn_initial_condition(published_x()[j])));
  EXPECT_LT(published_row_error, 2e-5);
}

TEST(AllenCahnSpectral, MatchesThePublishedRangeOnThePublishedGrid)
{
  // jaxpi allen_cahn.mat (Chebfun spin, ETDRK4, dt = 1e-5) spans [-1.0, 0.99270].
  const auto& u = default_solution();
  ASSERT_EQ(u.size(), 201u * 512u);
  EXPECT_NEAR(*std::max_element(u.begin(), u.end()), 0.99270, 2e-4);
  EXPECT_NEAR(*std::min_element(u.begin(), u.end()), -1.0, 1e-3);
}

TEST(AllenCahnSpectral, TimeSteppingIsFourthOrder)
{
  // Errors at t = 0.5 against the dt = 1e-5 solve; step sizes sit in the
  // asymptotic range, well above the ~1e-12 round-off floor.
  const std::size_t half = 100; // published_t()[100] == 0.5
  ASSERT_EQ(published_t()[half], 0.5);
  const std::vector<double> reference = default_row(half);
  std::vector<double> errors;
  for (double dt : {1e-2, 5e-3, 2.5e-3}) {
    const AllenCahnSpectralSolver coarse({}, {512, dt});
    errors.push_back(max_abs_difference(coarse.evaluate_grid(published_x(), {0.5}), reference));
  }
  for (std::size_t i = 0; i + 1 < errors.size(); ++i) {
    const double order = std::log2(errors[i] / errors[i + 1]);
    EXPECT_GT(order, 3.5) << "dt halving " << i;
    EXPECT_LT(order, 4.5) << "dt halving " << i;
  }
}

TEST(AllenCahnSpectral, SmoothDataConvergeSpectrallyInSpace)
{
  // For smooth periodic data the Fourier error falls faster than any power of
  // 1/N: each doubling of N gains more than the one before.
  auto smooth = [](double x) { return 0.5 * std::sin(pi * x) + 0.3 * std::cos(3.0 * pi * x); };
  const std::vector<double> x = published_x();
  auto solve = [&](int n) {
    return AllenCahnSpectralSolver({}, {n, 1e-4}, smooth).evaluate_grid(x, {0.5});
  };
  const std::vector<double> reference = solve(512);
  const double error_64 = max_abs_difference(solve(64), reference);
  const double error_128 = max_abs_difference(solve(128), reference);
  const double error_256 = max_abs_difference(solve(256), reference);
  EXPECT_GT(error_64 / error_128, 5.0);
  EXPECT_GT(error_128 / error_256, 100.0);
  EXPECT_GT(error_128 / error_256, 5.0 * (error_64 / error_128));
  EXPECT_LT(error_256, 1e-4);
}

TEST(AllenCahnSpectral, PublishedProblemConvergesInSpaceOnceInterfacesAreResolved)
{
  // At t = 1 the interfaces (width ~ sqrt(D/R) = 0.0045) are under-resolved at
  // N = 128, marginal at N = 256 and resolved at N = 512. (Before t ~ 0.5 the
  // kink of x^2 cos(pi x) at x = +-1 limits every N to O(N^-2) instead.)
  const std::vector<double> reference = default_row(200);
  auto error_at = [&](int n) {
    return max_abs_difference(
        AllenCahnSpectralSolver({}, {n, 1e-4}).evaluate_grid(published_x(), {1.0}), reference);
  };
  const double error_128 = error_at(128);
  const double error_256 = error_at(256);
  EXPECT_GT(error_128, 1e-2);
  EXPECT_LT(error_256, error_128 / 10.0);
  EXPECT_LT(error_256, 1e-2);
}

TEST(AllenCahnSpectral, DealiasedSolutionConvergesToTheSameLimit)
{
  // The 2/3 rule changes the discretisation, not the PDE: with enough modes the
  // dealiased and plain solutions agree, while at N = 512 the truncation of u^3
  // to N/3 modes visibly blurs the t = 1 interfaces.
  auto solve_at_one = [](int n, bool dealias) {
    return AllenCahnSpectralSolver({}, {n, 1e-4, dealias}).evaluate_grid(published_x(), {1.0});
  };
  const std::vector<double> plain_1024 = solve_at_one(1024, false);
  EXPECT_LT(max_abs_difference(solve_at_one(768, true), plain_1024), 1e-5);
  EXPECT_GT(max_abs_difference(solve_at_one(512, true), plain_1024), 1e-4);
}

TEST(AllenCahnSpectral, PointAndGridEvaluationAgree)
{
  // evaluate() on shuffled, repeated points equals evaluate_grid() on the same
  // (x, t), off-step times included, and u is 2-periodic in x.
  const std::vector<double> x = {-1.0, -0.7, -0.123, 0.0, 0.31, 0.999};
  const std::vector<double> t = {0.3, 0.0, 0.012345, 0.3};
  const AllenCahnSpectralSolver solver({}, {128, 1e-4});
  const std::vector<double> grid = solver.evaluate_grid(x, t);

  std::vector<double> px, pt, expected;
  for (std::size_t it = t.size(); it-- > 0;) {
    for (std::size_t ix = 0; ix < x.size(); ++ix) {
      px.push_back(x[ix] + (ix % 2 == 0 ? 2.0 : -4.0)); // shifted by whole periods
      pt.push_back(t[it]);
      expected.push_back(grid[it * x.size() + ix]);
    }
  }
  EXPECT_LT(max_abs_difference(solver.evaluate(px, pt), expected), 1e-13);
  EXPECT_TRUE(solver.evaluate({}, {}).empty());
}

TEST(AllenCahnSpectral, RejectsBadSettingsAndPoints)
{
  using pinnbench::ConfigError;
  EXPECT_THROW(AllenCahnSpectralSolver({}, {511, 1e-5}), ConfigError);
  EXPECT_THROW(AllenCahnSpectralSolver({}, {14, 1e-5}), ConfigError);
  EXPECT_THROW(AllenCahnSpectralSolver({}, {0, 1e-5}), ConfigError);
  EXPECT_THROW(AllenCahnSpectralSolver({}, {512, 0.0}), ConfigError);
  EXPECT_THROW(AllenCahnSpectralSolver({}, {512, -1e-5}), ConfigError);
  EXPECT_THROW(AllenCahnSpectralSolver({}, {512, std::nan("")}), ConfigError);
  EXPECT_THROW(AllenCahnSpectralSolver({-1e-4, 5.0}, {}), ConfigError);
  EXPECT_THROW(AllenCahnSpectralSolver({1e-4, std::numeric_limits<double>::infinity()}, {}),
               ConfigError);
  EXPECT_THROW(AllenCahnSpectralSolver({}, {}, nullptr), ConfigError);
  try {
    AllenCahnSpectralSolver({}, {100 + 1, 1e-5});
    FAIL() << "odd fourier_points accepted";
  } catch (const ConfigError& error) {
    EXPECT_NE(std::string(error.what()).find("fourier_points"), std::string::npos);
  }

  const AllenCahnSpectralSolver solver({}, {16, 1e-3});
  EXPECT_THROW(solver.evaluate({0.0}, {-0.1}), ConfigError);
  EXPECT_THROW(solver.evaluate({0.0}, {std::nan("")}), ConfigError);
  EXPECT_THROW(solver.evaluate({std::numeric_limits<double>::infinity()}, {0.1}), ConfigError);
  EXPECT_THROW(solver.evaluate_grid({0.0}, {-1.0}), ConfigError);
  EXPECT_THROW(solver.evaluate({0.0, 0.5}, {0.1}), pinnbench::LogicError);
  EXPECT_THROW(AllenCahnSpectralSolver({}, {16, 1e-3}, [](double) { return std::nan(""); })
                   .evaluate({0.0}, {0.0}),
               ConfigError);
}

} // namespace
