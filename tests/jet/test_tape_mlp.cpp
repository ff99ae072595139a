// The MLP through the tape against independent truths:
// - u_x, u_t, u_xx, u_xt, u_xxx, ... at random points against long-double finite
//   differences of a separate long-double implementation of the same network;
// - parameter gradients of PINN losses (wave residual, gPINN-wave, a periodic
//   boundary term across two evaluations, an initial condition with a function
//   of the coordinates) against central differences of the loss (the loss
//   machinery is the model tests', nn/ModelChecks.hpp).
#include "nn/ModelChecks.hpp"
#include "support/FiniteDifference.hpp"

#include <cmath>
#include <gtest/gtest.h>
#include <pinnbench/core/Error.hpp>
#include <pinnbench/jet/Expression.hpp>
#include <pinnbench/nn/Mlp.hpp>
#include <pinnbench/nn/NormalizedInputs.hpp>
#include <random>

using namespace pinnbench;
using namespace pinnbench::jet;

namespace {

constexpr int X = 0;
constexpr int T = 1;

nn::MlpShape small_shape()
{
  nn::MlpShape shape;
  shape.inputs = 2;
  shape.outputs = 1;
  shape.width = 12;
  shape.hidden_layers = 3;
  shape.bias_init = 0.05;
  return shape;
}

/// The same network evaluated in long double, written independently of the jets.
struct ReferenceMlp
{
  std::vector<std::vector<std::vector<long double>>> weights;
  std::vector<std::vector<long double>> biases;

  template <class Real>
  static ReferenceMlp from(const nn::Mlp<Real>& mlp, const Vector<Real>& parameters)
  {
    auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), parameters);
    ReferenceMlp ref;
    for (const auto& tensor : mlp.layout().tensors()) {
      if (tensor.shape.size() == 2) {
        std::vector<std::vector<long double>> w(tensor.shape[0],
                                                std::vector<long double>(tensor.shape[1]));
        for (std::size_t o = 0; o < tensor.shape[0]; ++o)
          for (std::size_t i = 0; i < tensor.shape[1]; ++i)
            w[o][i] = host(tensor.offset + o * tensor.shape[1] + i);
        ref.weights.push_back(w);
      } else {
        std::vector<long double> b(tensor.shape[0]);
        for (std::size_t o = 0; o < tensor.shape[0]; ++o)
          b[o] = host(tensor.offset + o);
        ref.biases.push_back(b);
      }
    }
    return ref;
  }

  long double operator()(const test::Point& z) const
  {
    std::vector<long double> h = z;
    for (std::size_t layer = 0; layer < weights.size(); ++layer) {
      std::vector<long double> next(weights[layer].size());
      for (std::size_t o = 0; o < next.size(); ++o) {
        long double sum = biases[layer][o];
        for (std::size_t i = 0; i < h.size(); ++i)
          sum += weights[layer][o][i] * h[i];
        next[o] = layer + 1 < weights.size() ? std::tanh(sum) : sum;
      }
      h = next;
    }
    return h[0];
  }
};

using test::component_errors_against_finite_differences;
using test::evaluate;
using test::gradient_mismatch;
using test::LossBuilder;
using test::make_points;
using test::PointsView;
using test::tape_gradient_mismatch;

// Losses (mean squares over the points) -----------------------------------------------

template <class Real>
LossBuilder<Real> wave_residual_loss(PointsView<Real> points, const DerivativeSetPtr& set,
                                     bool gradient_enhanced)
{
  return [points, set, gradient_enhanced](Tape<Real>& tape, const nn::Model<Real>& mlp) {
    Var<Real> z(tape, tape.coordinates(points, set));
    Var<Real> u = mlp.forward(z);
    Var<Real> r = d(d(u, T), T) - Real(4) * d(d(u, X), X);
    const double inverse = 1.0 / static_cast<double>(points.extent(0));
    std::vector<std::pair<int, double>> seeds{{tape.sum_squares(r.id()), inverse}};
    if (gradient_enhanced) {
      seeds.push_back({tape.sum_squares(d(r, X).id()), inverse});
      seeds.push_back({tape.sum_squares(d(r, T).id()), inverse});
    }
    return seeds;
  };
}

/// The small test MLP with parameters initialised from `seed` and a gradient buffer.
template <class Real>
struct SmallMlp
{
  nn::Mlp<Real> mlp{small_shape()};
  Vector<Real> parameters{"parameters", mlp.layout().size()};
  Vector<Real> gradient{"gradient", mlp.layout().size()};
  explicit SmallMlp(std::uint64_t seed) { mlp.initialize(parameters, seed); }
};

} // namespace

TEST(TapeMlp, NetworkDerivativesMatchFiniteDifferencesInDouble)
{
  std::mt19937 rng(1);
  SmallMlp<double> fixture(42);
  auto& [mlp, parameters, gradient] = fixture;
  const auto points = test::random_points(rng, 6, -1.0, 1.0);
  const auto set = DerivativeSet::full(2, 4);
  const auto errors = component_errors_against_finite_differences<double>(
      mlp, parameters, points, ReferenceMlp::from(mlp, parameters), set);
  double worst_low = 0, worst_high = 0;
  for (int c = 0; c < set->size(); ++c) {
    const double error = errors[static_cast<std::size_t>(c)];
    ((*set)[c].order() <= 2 ? worst_low : worst_high) =
        std::max((*set)[c].order() <= 2 ? worst_low : worst_high, error);
    EXPECT_LE(error, (*set)[c].order() <= 2 ? 1e-7 : 1e-5)
        << "component " << (*set)[c].to_string({"x", "t"});
  }
  RecordProperty("worst_relative_error_orders_1_2", std::to_string(worst_low));
  RecordProperty("worst_relative_error_orders_3_4", std::to_string(worst_high));
}

TEST(TapeMlp, NetworkDerivativesInFloat)
{
  std::mt19937 rng(2);
  SmallMlp<float> fixture(42);
  auto& [mlp, parameters, gradient] = fixture;
  const auto points = test::random_points(rng, 6, -1.0, 1.0);
  // u_x, u_t, u_xx, u_xt, u_xxx.
  const auto set = DerivativeSet::closure_of(
      2, {MultiIndex::from({3, 0}), MultiIndex::from({1, 1}), MultiIndex::from({0, 1})});
  const auto errors = component_errors_against_finite_differences<float>(
      mlp, parameters, points, ReferenceMlp::from(mlp, parameters), set);
  for (int c = 0; c < set->size(); ++c) {
    // Single precision: a few ulp per layer and component.
    EXPECT_LE(errors[static_cast<std::size_t>(c)], (*set)[c].order() <= 2 ? 2e-5 : 1e-4)
        << "component " << (*set)[c].to_string({"x", "t"});
  }
}

TEST(TapeMlp, WaveResidualGradientMatchesFiniteDifferences)
{
  std::mt19937 rng(3);
  SmallMlp<double> fixture(7);
  auto& [mlp, parameters, gradient] = fixture;
  const auto points = make_points<double>(test::random_points(rng, 9, -1.0, 1.0));
  const auto set =
      DerivativeSet::closure_of(2, {MultiIndex::from({2, 0}), MultiIndex::from({0, 2})});
  const auto build = wave_residual_loss<double>(points, set, false);
  Tape<double> tape;
  EXPECT_LE(tape_gradient_mismatch<double>(tape, mlp, parameters, gradient, build), 1e-6);
}

TEST(TapeMlp, GpinnWaveGradientMatchesFiniteDifferences)
{
  std::mt19937 rng(4);
  SmallMlp<double> fixture(8);
  auto& [mlp, parameters, gradient] = fixture;
  const auto points = make_points<double>(test::random_points(rng, 9, -1.0, 1.0));
  const auto set = DerivativeSet::full(2, 3);
  const auto build = wave_residual_loss<double>(points, set, true);
  Tape<double> tape;
  EXPECT_LE(tape_gradient_mismatch<double>(tape, mlp, parameters, gradient, build), 1e-6);
}

TEST(TapeMlp, ConditionTermsAcrossTwoEvaluationsMatchFiniteDifferences)
{
  // Periodic boundary in double-PINN form: r = u(x_lo, t) - u(x_hi, t) on the
  // combined coordinates (x_lo, t_lo, x_hi, t_hi), penalised with
  // sum_j (d_j r^2)^2, plus an initial condition u(x, 0) - sin(pi x) with its
  // x-derivative: exercises embed, mul, unary on coordinates, add_constant.
  std::mt19937 rng(5);
  SmallMlp<double> fixture(9);
  auto& [mlp, parameters, gradient] = fixture;
  std::vector<test::Point> lower, upper;
  std::uniform_real_distribution<double> u01(0.0, 1.0);
  for (int n = 0; n < 7; ++n) {
    const double t = u01(rng);
    lower.push_back({-1.0, t});
    upper.push_back({1.0, t});
  }
  const auto lower_points = make_points<double>(lower);
  const auto upper_points = make_points<double>(upper);
  const auto initial_points = make_points<double>(test::random_points(rng, 8, -1.0, 1.0));
  const auto first_order = DerivativeSet::full(2, 1);
  const LossBuilder<double> build = [&](Tape<double>& tape, const nn::Model<double>& net) {
    Var<double> u_lo = net.forward(Var<double>(tape, tape.coordinates(lower_points, first_order)));
    Var<double> u_hi = net.forward(Var<double>(tape, tape.coordinates(upper_points, first_order)));
    const auto combined =
        DerivativeSet::union_of(*first_order->embedded(4, 0), *first_order->embedded(4, 2));
    Var<double> lo(tape, tape.embed(u_lo.id(), combined, 0));
    Var<double> hi(tape, tape.embed(u_hi.id(), combined, 2));
    Var<double> r = lo - hi;
    Var<double> r2 = r * r;
    std::vector<std::pair<int, double>> seeds{{tape.sum_squares(r.id()), 1.0 / 7}};
    for (int j = 0; j < 4; ++j)
      seeds.push_back({tape.sum_squares(d(r2, j).id()), 0.3 / 7});
    Var<double> z(tape, tape.coordinates(initial_points, first_order));
    Var<double> x = feature(z, X);
    Var<double> ic = net.forward(z) - sin(3.14159 * x) + 0.25;
    seeds.push_back({tape.sum_squares(ic.id()), 1.0 / 8});
    seeds.push_back({tape.sum_squares(d(ic, X).id()), 0.5 / 8});
    return seeds;
  };
  Tape<double> tape;
  double loss = 0;
  EXPECT_LE(tape_gradient_mismatch<double>(tape, mlp, parameters, gradient, build, &loss), 1e-6);
  EXPECT_GT(loss, 0.0);
}

TEST(TapeMlp, RewoundTapeReusesBuffersAndRepeatsBitwise)
{
  std::mt19937 rng(6);
  SmallMlp<double> fixture(10);
  auto& [mlp, parameters, gradient] = fixture;
  const auto points = make_points<double>(test::random_points(rng, 9, -1.0, 1.0));
  const auto build = wave_residual_loss<double>(points, DerivativeSet::full(2, 3), true);
  Tape<double> tape;
  const double first = evaluate(tape, mlp, parameters, gradient, build, true);
  auto first_gradient = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), gradient);
  const std::size_t bytes = tape.bytes();
  const int nodes = tape.size();
  const double second = evaluate(tape, mlp, parameters, gradient, build, true);
  auto second_gradient = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), gradient);
  EXPECT_EQ(first, second);
  EXPECT_EQ(tape.bytes(), bytes);
  EXPECT_EQ(tape.size(), nodes);
  for (std::size_t p = 0; p < first_gradient.size(); ++p)
    ASSERT_EQ(first_gradient(p), second_gradient(p));
}

TEST(TapeMlp, FloatGradientAgreesWithDouble)
{
  std::mt19937 rng(7);
  nn::Mlp<double> mlp64(small_shape());
  nn::Mlp<float> mlp32(small_shape());
  Vector<double> p64("p64", mlp64.layout().size()), g64("g64", mlp64.layout().size());
  Vector<float> p32("p32", mlp32.layout().size()), g32("g32", mlp32.layout().size());
  mlp64.initialize(p64, 11);
  mlp32.initialize(p32, 11);
  const auto points = test::random_points(rng, 16, -1.0, 1.0);
  const auto set = DerivativeSet::full(2, 3);
  Tape<double> tape64;
  Tape<float> tape32;
  evaluate(tape64, mlp64, p64, g64,
           wave_residual_loss<double>(make_points<double>(points), set, true), true);
  evaluate(tape32, mlp32, p32, g32,
           wave_residual_loss<float>(make_points<float>(points), set, true), true);
  auto h64 = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), g64);
  std::vector<double> expected(h64.data(), h64.data() + h64.size());
  EXPECT_LE(gradient_mismatch(expected, g32), 1e-4);
}

TEST(Initialization, XavierUniformBoundsAndDeterminism)
{
  nn::Mlp<double> mlp(small_shape());
  Vector<double> a("a", mlp.layout().size()), b("b", mlp.layout().size());
  mlp.initialize(a, 123);
  mlp.initialize(b, 123);
  auto ha = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), a);
  auto hb = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), b);
  for (const auto& tensor : mlp.layout().tensors()) {
    if (tensor.shape.size() == 2) {
      const double bound = std::sqrt(6.0 / static_cast<double>(tensor.shape[0] + tensor.shape[1]));
      double sum_sq = 0;
      for (std::size_t e = 0; e < tensor.size; ++e) {
        const double w = ha(tensor.offset + e);
        EXPECT_LE(std::fabs(w), bound);
        sum_sq += w * w;
        EXPECT_EQ(w, hb(tensor.offset + e));
      }
      // Var of U(-a, a) is a^2 / 3.
      if (tensor.size >= 100) {
        EXPECT_NEAR(sum_sq / static_cast<double>(tensor.size), bound * bound / 3,
                    0.25 * bound * bound / 3);
      }
    } else {
      for (std::size_t e = 0; e < tensor.size; ++e)
        EXPECT_EQ(ha(tensor.offset + e), 0.05);
    }
  }
  EXPECT_EQ(mlp.layout().tensors().front().name, "linear.0.weight");
  EXPECT_EQ(mlp.layout().size(), 2u * 12 + 12 + 2 * (12 * 12 + 12) + 12 + 1);
}

TEST(Initialization, ReferencePinnHas527361Parameters)
{
  nn::MlpShape shape;
  EXPECT_EQ(nn::Mlp<float>(shape).layout().size(), 527361u); // spec/ropinn.md §4.2
}

// Input normalisation: the network sees z = (2 x - lo - hi) / (hi - lo), the
// derivatives are with respect to the physical x (chain rule through the tape's
// affine op), checked against finite differences in x of the long-double
// reference network composed with the same map.
TEST(NormalizedInputs, DerivativesAreInPhysicalCoordinates)
{
  std::mt19937 rng(12);
  SmallMlp<double> fixture(13);
  auto& [mlp, parameters, gradient] = fixture;
  const std::vector<std::pair<double, double>> box = {{0.0, 2.0 * M_PI}, {0.0, 1.0}};
  const nn::NormalizedInputs<double> normalized(std::make_unique<nn::Mlp<double>>(small_shape()),
                                                box);
  std::uniform_real_distribution<double> ux(0.0, 2.0 * M_PI), ut(0.0, 1.0);
  std::vector<test::Point> points;
  for (int n = 0; n < 6; ++n)
    points.push_back({ux(rng), ut(rng)});
  const auto set = DerivativeSet::full(2, 3);
  const ReferenceMlp reference = ReferenceMlp::from(mlp, parameters);
  const auto physical = [&reference, &box](const test::Point& x) {
    test::Point z(x.size());
    for (std::size_t j = 0; j < x.size(); ++j)
      z[j] = (2.0L * x[j] - box[j].first - box[j].second) / (box[j].second - box[j].first);
    return reference(z);
  };
  const auto errors = component_errors_against_finite_differences<double>(normalized, parameters,
                                                                          points, physical, set);
  for (int c = 0; c < set->size(); ++c) {
    EXPECT_LE(errors[static_cast<std::size_t>(c)], (*set)[c].order() <= 2 ? 1e-7 : 1e-5)
        << "component " << (*set)[c].to_string({"x", "t"});
  }
  // The map itself: scale 2 / (hi - lo), shift -(hi + lo) / (hi - lo).
  EXPECT_DOUBLE_EQ(normalized.scale()[0], 1.0 / M_PI);
  EXPECT_DOUBLE_EQ(normalized.shift()[0], -1.0);
  EXPECT_DOUBLE_EQ(normalized.scale()[1], 2.0);
  EXPECT_DOUBLE_EQ(normalized.shift()[1], -1.0);
}

TEST(NormalizedInputs, AffineOpGradientMatchesFiniteDifferences)
{
  // The affine op on a jet that depends on the parameters (its VJP scales the
  // adjoint of every derivative component).
  std::mt19937 rng(14);
  SmallMlp<double> fixture(15);
  auto& [mlp, parameters, gradient] = fixture;
  const auto points = make_points<double>(test::random_points(rng, 5, -1.0, 1.0));
  const auto set = DerivativeSet::full(2, 2);
  const LossBuilder<double> build = [&](Tape<double>& tape, const nn::Model<double>& net) {
    Var<double> u = net.forward(Var<double>(tape, tape.coordinates(points, set)));
    Var<double> v(tape, tape.affine(u.id(), {3.0}, {0.5}));
    Var<double> r = d(d(v, X), X) + v * d(v, T);
    return std::vector<std::pair<int, double>>{{tape.sum_squares(r.id()), 0.2}};
  };
  Tape<double> tape;
  EXPECT_LE(tape_gradient_mismatch<double>(tape, mlp, parameters, gradient, build), 1e-6);
  EXPECT_THROW(tape.affine(0, {1.0, 2.0, 3.0}, {0.0, 0.0, 0.0}), LogicError);
}
