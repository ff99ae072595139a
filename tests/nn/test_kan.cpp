// KAN through the tape against independent truths:
// - the B-spline basis jets against Cox-de Boor evaluated directly in long double
//   (values) and its finite differences (derivatives), zero outside the knots;
// - the network's jets to order 3 (mixed included) against long-double finite
//   differences of a separate long-double KAN read from the parameters by name
//   (points whose layer inputs sit near a knot are skipped: the third derivative
//   jumps there and a difference stencil across it measures nothing);
// - inputs outside the spline support: only the SiLU path;
// - the parameter gradient of a gPINN wave loss against central differences,
//   exactly zero on the frozen grid, the masks and the symbolic affine;
// - pykan's layout, counts and initialisation statistics (spec/ropinn.md §4.6).
#include "nn/ModelChecks.hpp"

#include <cmath>
#include <pinnbench/jet/Kernels.hpp>
#include <pinnbench/nn/Kan.hpp>

using namespace pinnbench;

namespace {

constexpr long double kKnotMargin = 0.06L;
constexpr long double kStep = 0.01L; // finite-difference step; stencils reach 1.5 h

/// Cox-de Boor, straight from the definition, on long-double knots.
long double cox_de_boor(const std::vector<long double>& t, int i, int p, long double x)
{
  if (p == 0)
    return (t[i] <= x && x < t[i + 1]) ? 1.0L : 0.0L;
  return (x - t[i]) / (t[i + p] - t[i]) * cox_de_boor(t, i, p - 1, x) +
         (t[i + p + 1] - x) / (t[i + p + 1] - t[i + 1]) * cox_de_boor(t, i + 1, p - 1, x);
}

/// pykan's extend_grid in long double.
std::vector<long double> extended_knots(std::vector<long double> grid, int k)
{
  const long double h = (grid.back() - grid.front()) / static_cast<long double>(grid.size() - 1);
  for (int i = 0; i < k; ++i) {
    grid.insert(grid.begin(), grid.front() - h);
    grid.push_back(grid.back() + h);
  }
  return grid;
}

std::vector<long double> default_knots()
{
  std::vector<long double> grid;
  for (int g = 0; g <= 5; ++g)
    grid.push_back(-1.0L + 0.4L * g);
  return extended_knots(grid, 3);
}

long double distance_to_knot(long double x, const std::vector<long double>& knots)
{
  long double best = 1e30L;
  for (long double t : knots)
    best = std::min(best, std::fabs(x - t));
  return best;
}

long double silu(long double x)
{
  return x / (1 + std::exp(-x));
}

/// KAN in long double from the named parameters (grid and masks included).
struct ReferenceKan
{
  nn::ParameterLayout layout;
  std::vector<long double> p;
  std::vector<int> width;
  int k = 3;
  /// The inputs of every layer at the last evaluation.
  mutable std::vector<std::vector<long double>> layer_inputs;

  std::vector<long double> layer(std::size_t l, const std::vector<long double>& x) const
  {
    const std::string prefix = "act_fun." + std::to_string(l) + ".";
    const auto& grid = layout.tensor(prefix + "grid");
    const auto& coef = layout.tensor(prefix + "coef");
    const auto& bias = layout.tensor("biases." + std::to_string(l) + ".weight");
    const int in = width[l], out = width[l + 1];
    std::vector<long double> y(static_cast<std::size_t>(out));
    for (int j = 0; j < out; ++j) {
      long double sum = p[bias.offset + static_cast<std::size_t>(j)];
      for (int i = 0; i < in; ++i) {
        const std::size_t e = static_cast<std::size_t>(j * in + i);
        std::vector<long double> g(p.begin() + static_cast<long>(grid.offset + e * grid.shape[1]),
                                   p.begin() +
                                       static_cast<long>(grid.offset + (e + 1) * grid.shape[1]));
        const auto knots = extended_knots(g, k);
        long double spline = 0;
        for (std::size_t m = 0; m < coef.shape[1]; ++m)
          spline += p[coef.offset + e * coef.shape[1] + m] *
                    cox_de_boor(knots, static_cast<int>(m), k, x[static_cast<std::size_t>(i)]);
        const long double phi = p[layout.tensor(prefix + "scale_base").offset + e] *
                                    silu(x[static_cast<std::size_t>(i)]) +
                                p[layout.tensor(prefix + "scale_sp").offset + e] * spline;
        sum += p[layout.tensor(prefix + "mask").offset + e] * phi;
      }
      y[static_cast<std::size_t>(j)] = sum;
    }
    return y;
  }

  long double operator()(const test::Point& z) const
  {
    layer_inputs.clear();
    std::vector<long double> h = z;
    for (std::size_t l = 0; l + 1 < width.size(); ++l) {
      layer_inputs.push_back(h);
      h = layer(l, h);
    }
    return h[0];
  }

  /// Whether every layer input at z is clear of the knots by the margin.
  bool clear_of_knots(const test::Point& z) const
  {
    (*this)(z);
    const auto knots = default_knots();
    for (const auto& inputs : layer_inputs)
      for (long double v : inputs)
        if (distance_to_knot(v, knots) < kKnotMargin)
          return false;
    return true;
  }
};

nn::KanShape shape_of(std::vector<int> width)
{
  nn::KanShape shape;
  shape.width = std::move(width);
  return shape;
}

template <class Real>
struct TestKan
{
  nn::Kan<Real> model;
  Vector<Real> parameters{"parameters", model.layout().size()};
  Vector<Real> gradient{"gradient", model.layout().size()};
  TestKan(std::vector<int> width, std::uint64_t seed) : model(shape_of(std::move(width)))
  {
    model.initialize(parameters, seed);
  }
  ReferenceKan reference() const
  {
    return {model.layout(), test::host_parameters(parameters), model.shape().width, 3, {}};
  }
};

/// Random points in [lo, hi]^2 (t in [t_lo, t_hi]) whose layer inputs avoid the knots.
std::vector<test::Point> points_clear_of_knots(const ReferenceKan& reference, std::mt19937& rng,
                                               int count, double lo, double hi, double t_lo,
                                               double t_hi)
{
  std::uniform_real_distribution<double> ux(lo, hi), ut(t_lo, t_hi);
  std::vector<test::Point> points;
  for (int tries = 0; tries < 200000 && static_cast<int>(points.size()) < count; ++tries) {
    test::Point z{ux(rng), ut(rng)};
    if (reference.clear_of_knots(z))
      points.push_back(z);
  }
  EXPECT_EQ(static_cast<int>(points.size()), count) << "not enough points clear of the knots";
  return points;
}

} // namespace

TEST(BSpline, BasesAndDerivativesMatchCoxDeBoorInLongDouble)
{
  const auto grid = jet::make_bspline_grid<double>(-1.0, 1.0, 5, 3);
  const auto knots = default_knots();
  ASSERT_EQ(grid.knot_count, 12);
  ASSERT_EQ(grid.bases(), 8);
  for (int j = 0; j < 12; ++j)
    EXPECT_NEAR(grid.knots[j], static_cast<double>(knots[static_cast<std::size_t>(j)]), 1e-15);
  constexpr int stride = jet::kMaxDerivative + 1;
  double d[jet::kMaxBSplineBases * stride];
  std::mt19937 rng(11);
  std::uniform_real_distribution<double> u(-2.6, 2.6);
  double worst[5] = {0, 0, 0, 0, 0};
  for (int trial = 0; trial < 400; ++trial) {
    const double x = u(rng);
    jet::bspline_derivatives(grid, x, jet::kMaxDerivative, d);
    const bool smooth_here = distance_to_knot(x, knots) > 0.03L;
    double partition = 0;
    for (int m = 0; m < 8; ++m) {
      const long double value = cox_de_boor(knots, m, 3, x);
      worst[0] = std::max(worst[0], static_cast<double>(std::fabs(d[m * stride] - value)));
      partition += d[m * stride];
      if (!smooth_here)
        continue;
      const test::ScalarFunction basis = [&](const test::Point& z) {
        return cox_de_boor(knots, m, 3, z[0]);
      };
      for (int r = 1; r <= 3; ++r) {
        const long double fd =
            test::partial_derivative(basis, {x}, jet::MultiIndex::from({r}), 0.004L);
        worst[r] = std::max(worst[r], static_cast<double>(std::fabs(d[m * stride + r] - fd)));
      }
      // Cubic pieces: the fourth and fifth derivatives vanish.
      EXPECT_EQ(d[m * stride + 4], 0.0);
      EXPECT_EQ(d[m * stride + 5], 0.0);
    }
    if (x >= -1.0 && x < 1.0) {
      EXPECT_NEAR(partition, 1.0, 1e-14) << x; // partition of unity inside the grid
    }
    if (x < -2.2 || x >= 2.2) {
      EXPECT_EQ(partition, 0.0) << x; // every basis vanishes outside the knots
    }
  }
  EXPECT_LE(worst[0], 1e-15);
  // B'' is at most 1/h^2 = 6.25, B''' 1/h^3 = 15.6: absolute errors of FD in long double.
  EXPECT_LE(worst[1], 1e-9);
  EXPECT_LE(worst[2], 1e-8);
  EXPECT_LE(worst[3], 1e-6);
}

TEST(BSpline, TapeOpGivesBasisDerivativesOfTheCoordinatesInBothVariants)
{
  // On the coordinate jet, d^(a,b) B_m(x) is B_m^(a)(x) when b = 0 and 0 otherwise.
  const auto grid = jet::make_bspline_grid<double>(-1.0, 1.0, 5, 3);
  const auto knots = default_knots();
  std::mt19937 rng(12);
  const auto points = test::random_points(rng, 40, -3.0, 3.0);
  const auto set = jet::DerivativeSet::full(2, 3);
  for (auto variant : {jet::KernelVariant::host_blocked, jet::KernelVariant::flat}) {
    jet::Tape<double> tape(variant);
    Vector<double> none("none", 1), none_gradient("none_gradient", 1);
    tape.bind_parameters(none, none_gradient);
    const auto z = tape.coordinates(test::make_points<double>(points), set);
    const auto b = tape.bspline(z, grid);
    auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), tape.value(b).values);
    ASSERT_EQ(host.extent(2), 16u);
    for (std::size_t n = 0; n < points.size(); ++n) {
      for (int i = 0; i < 2; ++i) {
        const long double x = points[n][static_cast<std::size_t>(i)];
        for (int c = 0; c < set->size(); ++c) {
          const auto& alpha = (*set)[c];
          const int own = alpha[i], other = alpha[1 - i];
          for (int m = 0; m < 8; ++m) {
            const double actual = host(c, n, i * 8 + m);
            if (other != 0 || x < -2.2L || x >= 2.2L) {
              EXPECT_EQ(actual, 0.0);
              continue;
            }
            if (own == 0) {
              EXPECT_NEAR(actual, static_cast<double>(cox_de_boor(knots, m, 3, x)), 1e-15);
            } else if (distance_to_knot(x, knots) > 0.03L) {
              const test::ScalarFunction basis = [&](const test::Point& p) {
                return cox_de_boor(knots, m, 3, p[0]);
              };
              const long double fd =
                  test::partial_derivative(basis, {x}, jet::MultiIndex::from({own}), 0.004L);
              EXPECT_NEAR(actual, static_cast<double>(fd), 1e-6);
            }
          }
        }
      }
    }
  }
}

TEST(Kan, LayoutIsPykansStateDict)
{
  EXPECT_EQ(nn::Kan<float>(shape_of({2, 5, 1})).layout().size(), 336u);    // get_n_params
  EXPECT_EQ(nn::Kan<float>(shape_of({2, 5, 5, 1})).layout().size(), 891u); // spec §4.6
  // RoPINN's sigma vector: frozen grid and masks count one 0 entry each.
  EXPECT_EQ(nn::Kan<float>(shape_of({2, 5, 1})).layout().gradient_entries(), 222u);
  EXPECT_EQ(nn::Kan<float>(shape_of({2, 5, 5, 1})).layout().gradient_entries(), 580u);
  const nn::Kan<double> kan(shape_of({2, 5, 1}));
  std::vector<std::string> names;
  for (const auto& tensor : kan.layout().tensors())
    names.push_back(tensor.name);
  const std::vector<std::string> expected{
      "biases.0.weight",      "biases.1.weight",       "act_fun.0.grid",
      "act_fun.0.coef",       "act_fun.0.scale_base",  "act_fun.0.scale_sp",
      "act_fun.0.mask",       "act_fun.1.grid",        "act_fun.1.coef",
      "act_fun.1.scale_base", "act_fun.1.scale_sp",    "act_fun.1.mask",
      "symbolic_fun.0.mask",  "symbolic_fun.0.affine", "symbolic_fun.1.mask",
      "symbolic_fun.1.affine"};
  EXPECT_EQ(names, expected);
  EXPECT_EQ(kan.layout().tensor("biases.0.weight").shape, (std::vector<std::size_t>{1, 5}));
  EXPECT_EQ(kan.layout().tensor("act_fun.0.grid").shape, (std::vector<std::size_t>{10, 6}));
  EXPECT_EQ(kan.layout().tensor("act_fun.0.coef").shape, (std::vector<std::size_t>{10, 8}));
  EXPECT_EQ(kan.layout().tensor("symbolic_fun.1.affine").shape,
            (std::vector<std::size_t>{1, 5, 4}));
}

TEST(Kan, InitialisationFollowsPykansStatistics)
{
  TestKan<double> kan({2, 40, 40, 1}, 5), again({2, 40, 40, 1}, 5);
  const auto p = test::host_parameters(kan.parameters);
  EXPECT_EQ(p, test::host_parameters(again.parameters));
  const auto& layout = kan.model.layout();
  const auto knots = default_knots();
  for (int l = 0; l < 3; ++l) {
    const std::string prefix = "act_fun." + std::to_string(l) + ".";
    const auto& base = layout.tensor(prefix + "scale_base");
    const double in = l == 0 ? 2 : (l == 1 ? 40 : 40);
    double sum = 0, sum_sq = 0;
    for (std::size_t e = 0; e < base.size; ++e) {
      sum += static_cast<double>(p[base.offset + e]);
      sum_sq += static_cast<double>(p[base.offset + e] * p[base.offset + e]);
    }
    const double n = static_cast<double>(base.size);
    const double mean = sum / n, variance = sum_sq / n - mean * mean;
    // 1/sqrt(in) + 0.25 (2 N(0, 1) - 1): mean 1/sqrt(in) - 0.25, standard deviation 0.5.
    if (base.size >= 1000) {
      EXPECT_NEAR(mean, 1 / std::sqrt(in) - 0.25, 4 * 0.5 / std::sqrt(n)) << l;
      EXPECT_NEAR(std::sqrt(variance), 0.5, 0.05) << l;
    }
    // coef: the spline through U(-0.01, 0.01) noise at the 6 grid points.
    const auto& coef = layout.tensor(prefix + "coef");
    const auto& grid = layout.tensor(prefix + "grid");
    double noise_sq = 0;
    for (std::size_t e = 0; e < coef.shape[0]; ++e) {
      for (int g = 0; g < 6; ++g) {
        EXPECT_NEAR(static_cast<double>(p[grid.offset + e * 6 + static_cast<std::size_t>(g)]),
                    static_cast<double>(-1.0L + 0.4L * g), 1e-15)
            << "grid point " << g;
        long double value = 0;
        for (int m = 0; m < 8; ++m)
          value += p[coef.offset + e * 8 + static_cast<std::size_t>(m)] *
                   cox_de_boor(knots, m, 3, -1.0L + 0.4L * g + (g == 5 ? -1e-12L : 0.0L));
        EXPECT_LE(std::fabs(value), 0.01L + 1e-12L);
        noise_sq += static_cast<double>(value * value);
      }
    }
    if (coef.shape[0] >= 1000) {
      EXPECT_NEAR(noise_sq / (6.0 * static_cast<double>(coef.shape[0])), 1e-4 / 3, 0.1e-4 / 3);
    }
    for (const char* name : {"scale_sp", "mask"}) {
      const auto& tensor = layout.tensor(prefix + name);
      for (std::size_t e = 0; e < tensor.size; ++e)
        EXPECT_EQ(p[tensor.offset + e], 1.0L);
    }
  }
  for (const auto& tensor : layout.tensors())
    if (tensor.name.rfind("biases", 0) == 0 || tensor.name.rfind("symbolic_fun", 0) == 0) {
      for (std::size_t e = 0; e < tensor.size; ++e) {
        EXPECT_EQ(p[tensor.offset + e], 0.0L) << tensor.name;
      }
    }
}

TEST(Kan, OutputJetToOrderThreeMatchesFiniteDifferences)
{
  for (const std::vector<int>& width : {std::vector<int>{2, 5, 1}, std::vector<int>{2, 5, 5, 1}}) {
    TestKan<double> kan(width, 21);
    // Give the layers nonzero biases so the second layer sees shifted inputs.
    auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), kan.parameters);
    for (const auto& tensor : kan.model.layout().tensors())
      if (tensor.name.rfind("biases", 0) == 0)
        for (std::size_t e = 0; e < tensor.size; ++e)
          host(tensor.offset + e) = 0.1 * static_cast<double>(e + 1);
    Kokkos::deep_copy(kan.parameters, host);
    const auto reference = kan.reference();
    std::mt19937 rng(width.size());
    // Inside the grid, and on the reaction/convection domain where x > 2.2 leaves SiLU only.
    auto points = points_clear_of_knots(reference, rng, 5, -1.6, 1.6, -1.6, 1.6);
    const auto far = points_clear_of_knots(reference, rng, 4, 0.0, 6.283, 0.0, 1.0);
    points.insert(points.end(), far.begin(), far.end());
    for (auto variant : {jet::KernelVariant::host_blocked, jet::KernelVariant::flat}) {
      const auto worst = test::jet_errors_against_finite_differences<double>(
          kan.model, kan.parameters, points, reference, 3, kStep, variant);
      EXPECT_LE(worst[0], 1e-14);
      EXPECT_LE(worst[1], 1e-9);
      EXPECT_LE(worst[2], 1e-8);
      EXPECT_LE(worst[3], 1e-6);
    }
  }
}

TEST(Kan, OutputJetInFloat)
{
  TestKan<float> kan({2, 5, 5, 1}, 22);
  const auto reference = kan.reference();
  std::mt19937 rng(3);
  const auto points = points_clear_of_knots(reference, rng, 6, -1.6, 1.6, -1.6, 1.6);
  const auto worst = test::jet_errors_against_finite_differences<float>(
      kan.model, kan.parameters, points, reference, 3, kStep);
  EXPECT_LE(worst[0], 1e-5);
  EXPECT_LE(worst[2], 1e-4);
  EXPECT_LE(worst[3], 1e-4);
}

TEST(Kan, InputsOutsideTheSupportTakeTheSiluPathOnly)
{
  TestKan<double> kan({2, 3}, 23);
  const auto reference = kan.reference();
  const auto& p = reference.p;
  const auto& layout = kan.model.layout();
  const std::vector<test::Point> points{{2.5, -3.0}, {-2.2000001, 7.0}, {2.2, 2.2}};
  jet::Tape<double> tape;
  tape.bind_parameters(kan.parameters, kan.gradient);
  const auto set = jet::DerivativeSet::full(2, 3);
  jet::Var<double> u = kan.model.forward(
      jet::Var<double>(tape, tape.coordinates(test::make_points<double>(points), set)));
  auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), u.value().values);
  for (std::size_t n = 0; n < points.size(); ++n) {
    for (int j = 0; j < 3; ++j) {
      long double expected = p[layout.tensor("biases.0.weight").offset + j];
      for (int i = 0; i < 2; ++i)
        expected += p[layout.tensor("act_fun.0.scale_base").offset + j * 2 + i] *
                    silu(points[n][static_cast<std::size_t>(i)]);
      EXPECT_NEAR(host(0, n, j), static_cast<double>(expected),
                  1e-14 * std::fabs(static_cast<double>(expected)));
      // One layer is a sum of one-variable edge functions: no mixed derivative.
      EXPECT_NEAR(host(set->find(jet::MultiIndex::from({1, 1})), n, j), 0.0, 0.0);
    }
  }
}

TEST(Kan, GpinnWaveLossGradientMatchesFiniteDifferences)
{
  TestKan<double> kan({2, 5, 5, 1}, 24);
  const auto reference = kan.reference();
  std::mt19937 rng(4);
  const auto points =
      test::make_points<double>(points_clear_of_knots(reference, rng, 9, -1.6, 1.6, -1.6, 1.6));
  for (bool gradient_enhanced : {false, true}) {
    const auto build = test::wave_loss<double>(points, gradient_enhanced);
    jet::Tape<double> tape;
    EXPECT_LE(
        test::tape_gradient_mismatch<double>(tape, kan.model, kan.parameters, kan.gradient, build),
        1e-6)
        << gradient_enhanced;
    auto gradient = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), kan.gradient);
    for (const auto& tensor : kan.model.layout().tensors()) {
      const bool frozen = tensor.name.find(".grid") != std::string::npos ||
                          tensor.name.find("mask") != std::string::npos ||
                          tensor.name.find("affine") != std::string::npos;
      double norm = 0;
      for (std::size_t e = 0; e < tensor.size; ++e)
        norm += std::fabs(gradient(tensor.offset + e));
      if (frozen)
        EXPECT_EQ(norm, 0.0) << tensor.name;
      else
        EXPECT_GT(norm, 0.0) << tensor.name;
    }
  }
}
