// Collapsed ("forward") Laplacian jets against independent truths:
// - the collapsed component of MLPs (tanh, sin, sigmoid, SiLU, cos; 2-D..5-D
//   inputs) and of products and compositions against the sum of the uncollapsed
//   jets' second derivatives (to rounding) and against long-double finite
//   differences of a separate implementation of the network;
// - the parameter gradient (VJP) of a loss built from the Laplacian against the
//   uncollapsed path and against central differences of the loss;
// - both kernel variants (host_blocked and flat);
// - automatic selection in the loss function: a 5-D Poisson-like term runs on 7
//   components (11 uncollapsed), with the same loss and gradient; gPINN falls back.
#include "support/FiniteDifference.hpp"
#include "support/PointsView.hpp"

#include <cmath>
#include <gtest/gtest.h>
#include <pinnbench/core/Error.hpp>
#include <pinnbench/jet/Expression.hpp>
#include <pinnbench/jet/Programs.hpp>
#include <pinnbench/nn/Mlp.hpp>
#include <pinnbench/objective/Gpinn.hpp>
#include <pinnbench/objective/Vanilla.hpp>
#include <pinnbench/pde/Task.hpp>
#include <pinnbench/train/LossFunction.hpp>
#include <random>

using namespace pinnbench;
using namespace pinnbench::jet;
using test::make_points;
using test::PointsView;

namespace {

std::vector<int> first_axes(int count)
{
  std::vector<int> axes;
  for (int d = 0; d < count; ++d)
    axes.push_back(d);
  return axes;
}

std::vector<test::Point> random_points(std::mt19937& rng, int count, int dimension)
{
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::vector<test::Point> points(static_cast<std::size_t>(count));
  for (auto& p : points)
    for (int j = 0; j < dimension; ++j)
      p.push_back(u(rng));
  return points;
}

long double activate(UnaryKind kind, long double z)
{
  switch (kind) {
  case UnaryKind::tanh:
    return std::tanh(z);
  case UnaryKind::sin:
    return std::sin(z);
  case UnaryKind::cos:
    return std::cos(z);
  case UnaryKind::sigmoid:
    return 1.0L / (1.0L + std::exp(-z));
  case UnaryKind::silu:
    return z / (1.0L + std::exp(-z));
  default:
    throw LogicError("activation without a long-double reference in this test");
  }
}

/// The network in long double, written independently of the jets.
struct ReferenceMlp
{
  nn::MlpShape shape;
  std::vector<long double> parameters;

  long double operator()(const test::Point& z) const
  {
    std::vector<long double> h = z;
    std::size_t offset = 0;
    for (int layer = 0; layer <= shape.hidden_layers; ++layer) {
      const std::size_t outputs =
          static_cast<std::size_t>(layer == shape.hidden_layers ? shape.outputs : shape.width);
      const std::size_t bias = offset + outputs * h.size();
      std::vector<long double> next(outputs);
      for (std::size_t o = 0; o < outputs; ++o) {
        long double sum = parameters[bias + o];
        for (std::size_t i = 0; i < h.size(); ++i)
          sum += parameters[offset + o * h.size() + i] * h[i];
        const UnaryKind kind = layer == 0 ? shape.first_activation : shape.activation;
        next[o] = layer < shape.hidden_layers ? activate(kind, sum) : sum;
      }
      offset = bias + outputs;
      h = next;
    }
    return h[0];
  }
};

template <class Real>
struct Network
{
  nn::MlpShape shape;
  nn::Mlp<Real> mlp;
  Vector<Real> parameters;
  Vector<Real> gradient;

  Network(int inputs, UnaryKind activation, std::uint64_t seed)
      : shape(make_shape(inputs, activation)), mlp(shape),
        parameters("parameters", mlp.layout().size()), gradient("gradient", mlp.layout().size())
  {
    mlp.initialize(parameters, seed);
  }

  static nn::MlpShape make_shape(int inputs, UnaryKind activation)
  {
    nn::MlpShape s;
    s.inputs = inputs;
    s.outputs = 1;
    s.width = 10;
    s.hidden_layers = 3;
    s.activation = activation;
    s.first_activation = activation;
    s.bias_init = 0.1;
    return s;
  }

  ReferenceMlp reference() const
  {
    auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), parameters);
    return ReferenceMlp{shape, std::vector<long double>(host.data(), host.data() + host.size())};
  }
};

std::vector<double> host_values(const Var<double>& v, int component = 0)
{
  auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), v.value().values);
  std::vector<double> out;
  for (std::size_t n = 0; n < host.extent(1); ++n)
    out.push_back(host(static_cast<std::size_t>(component), n, 0));
  return out;
}

std::vector<double> to_host(const Vector<double>& v)
{
  auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), v);
  return std::vector<double>(host.data(), host.data() + host.size());
}

double max_relative_difference(const std::vector<double>& a, const std::vector<double>& b)
{
  double diff = 0, scale = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff = std::max(diff, std::fabs(a[i] - b[i]));
    scale = std::max(scale, std::fabs(b[i]));
  }
  return diff / scale;
}

struct ActivationCase
{
  UnaryKind kind;
  int inputs;
  int laplacian_axes; ///< the Laplacian runs over coordinates 0 .. laplacian_axes - 1
};

const ActivationCase kCases[] = {
    {UnaryKind::tanh, 2, 2}, {UnaryKind::sin, 3, 3},  {UnaryKind::sigmoid, 4, 4},
    {UnaryKind::tanh, 5, 5}, {UnaryKind::silu, 3, 2}, {UnaryKind::cos, 4, 3},
    {UnaryKind::sin, 5, 5},
};

const KernelVariant kVariants[] = {KernelVariant::host_blocked, KernelVariant::flat};

/// w = u * sin(u) + x_0 u^2 - exp(x_1 / 2): products, compositions and functions
/// of the coordinates on top of the network.
Var<double> composite(const Var<double>& u, const Var<double>& z)
{
  const Var<double> x0 = feature(z, 0);
  const Var<double> x1 = feature(z, 1);
  return u * sin(u) + x0 * (u * u) - exp(0.5 * x1);
}

} // namespace

// --- derivative sets and programs ----------------------------------------------------

TEST(CollapsedLaplacian, FiveDimensionalPoissonNeedsSevenComponents)
{
  const auto collapsed = DerivativeSet::for_residual(5, {}, {axis_mask(first_axes(5), 5)}, 0, true);
  EXPECT_EQ(collapsed->size(), 7);
  EXPECT_EQ(collapsed->ordinary_size(), 6);
  EXPECT_EQ(collapsed->max_order(), 2);
  EXPECT_EQ(collapsed->find_laplacian(axis_mask(first_axes(5), 5)), 6);
  EXPECT_EQ(collapsed->to_string({"a", "b", "c", "d", "e"}), "{u, a, b, c, d, e, lap(a,b,c,d,e)}");
  const auto ordinary = DerivativeSet::for_residual(5, {}, {axis_mask(first_axes(5), 5)}, 0, false);
  EXPECT_EQ(ordinary->size(), 11);
  EXPECT_FALSE(ordinary->collapsed());
  // gPINN / double PINN raise the order: the uncollapsed set, raised.
  EXPECT_EQ(DerivativeSet::for_residual(5, {}, {axis_mask(first_axes(5), 5)}, 1, true),
            ordinary->raised(1));
}

TEST(CollapsedLaplacian, HeatOverSpatialAxesNeedsFiveComponents)
{
  // u_t - (u_xx + u_yy) on (x, y, t): value, three first derivatives, one Laplacian.
  const auto set =
      DerivativeSet::for_residual(3, {MultiIndex::unit(2)}, {axis_mask({0, 1}, 3)}, 0, true);
  EXPECT_EQ(set->to_string({"x", "y", "t"}), "{u, x, y, t, lap(x,y)}");
  EXPECT_EQ(DerivativeSet::for_residual(3, {MultiIndex::unit(2)}, {axis_mask({0, 1}, 3)}, 0, false)
                ->size(),
            6);
  // A Laplacian over one axis saves nothing: the ordinary set is kept.
  EXPECT_FALSE(
      DerivativeSet::for_residual(2, {MultiIndex::unit(1, 2)}, {axis_mask({0}, 2)}, 0, true)
          ->collapsed());
}

TEST(CollapsedLaplacian, SetOperationsKeepOrRefuseTheCollapsedComponent)
{
  const auto set = DerivativeSet::closure_of(3, {MultiIndex::unit(2)}, {axis_mask({0, 1}, 3)});
  const auto plain = DerivativeSet::full(3, 1);
  // Shifting drops the Laplacian: its d_j is not carried.
  const auto [shifted, source] = set->shifted(0);
  EXPECT_EQ(shifted->size(), 1);
  EXPECT_EQ(source, std::vector<int>{1});
  EXPECT_THROW(shifted->shifted(0), LogicError);
  EXPECT_EQ(DerivativeSet::intersection_of(*set, *plain), plain);
  EXPECT_EQ(DerivativeSet::union_of(*plain, *set), set);
  EXPECT_TRUE(plain->is_subset_of(*set));
  EXPECT_FALSE(set->is_subset_of(*plain));
  EXPECT_THROW(set->raised(1), LogicError);
  EXPECT_THROW((*set)[4], LogicError); // the Laplacian has no multi-index
  EXPECT_EQ((*set)[3], MultiIndex::unit(2));
  EXPECT_THROW(set->embedded(6, 3), LogicError);
  EXPECT_THROW(axis_mask({}, 3), LogicError);
  EXPECT_THROW(axis_mask({0, 0}, 3), LogicError);
  EXPECT_THROW(axis_mask({3}, 3), LogicError);
  // A collapsed component needs its first derivatives.
  EXPECT_THROW(DerivativeSet(2, {MultiIndex{}}, {axis_mask({0, 1}, 2)}), LogicError);
  try {
    // d(d(u, x), x) on a collapsed set: the error says how to read the Laplacian.
    set->shifted(0).first->shifted(0);
    ADD_FAILURE() << "no error";
  } catch (const LogicError& e) {
    EXPECT_NE(std::string(e.what()).find("laplacian()"), std::string::npos) << e.what();
  }
}

TEST(CollapsedLaplacian, ProgramsHoldTheForwardLaplacianRules)
{
  const auto set = DerivativeSet::closure_of(3, {}, {axis_mask({0, 2}, 3)});
  ASSERT_EQ(set->to_string({"x", "y", "z"}), "{u, x, z, lap(x,z)}");
  // y_L = f'(z0) z_L + f''(z0) (z_x^2 + z_z^2).
  std::vector<FaaDiBrunoTerm> laplacian_terms;
  for (const auto& term : faa_di_bruno_terms(*set))
    if (term.output == 3)
      laplacian_terms.push_back(term);
  ASSERT_EQ(laplacian_terms.size(), 3u);
  EXPECT_EQ(laplacian_terms[0].order, 1);
  EXPECT_EQ(laplacian_terms[0].factors[0], 3);
  for (int k : {1, 2}) {
    EXPECT_EQ(laplacian_terms[static_cast<std::size_t>(k)].order, 2);
    EXPECT_EQ(laplacian_terms[static_cast<std::size_t>(k)].coefficient, 1.0);
  }
  EXPECT_EQ(laplacian_terms[1].factors[0], 1);
  EXPECT_EQ(laplacian_terms[1].factors[1], 1);
  EXPECT_EQ(laplacian_terms[2].factors[0], 2);
  EXPECT_EQ(laplacian_terms[2].factors[1], 2);
  // (ab)_L = a0 b_L + a_L b0 + 2 (a_x b_x + a_z b_z).
  double weight = 0;
  int count = 0;
  for (const auto& term : leibniz_terms(*set, *set, *set))
    if (term.output == 3) {
      weight += term.coefficient;
      ++count;
    }
  EXPECT_EQ(count, 4);
  EXPECT_EQ(weight, 6.0);
}

// --- forward --------------------------------------------------------------------------

TEST(CollapsedLaplacian, NetworkLaplacianMatchesUncollapsedJetsAndFiniteDifferences)
{
  std::mt19937 rng(11);
  for (const auto& c : kCases) {
    SCOPED_TRACE(to_string(c.kind) + " on " + std::to_string(c.inputs) + "-D, Laplacian over " +
                 std::to_string(c.laplacian_axes) + " axes");
    Network<double> net(c.inputs, c.kind, 17);
    const auto points = random_points(rng, 5, c.inputs);
    const auto view = make_points<double>(points);
    const auto axes = first_axes(c.laplacian_axes);
    std::vector<MultiIndex> gradient;
    for (int d = 0; d < c.inputs; ++d)
      gradient.push_back(MultiIndex::unit(d));
    const auto collapsed =
        DerivativeSet::closure_of(c.inputs, gradient, {axis_mask(axes, c.inputs)});
    const auto ordinary =
        DerivativeSet::for_residual(c.inputs, gradient, {axis_mask(axes, c.inputs)}, 0, false);
    ASSERT_EQ(collapsed->size(), 2 + c.inputs);
    std::vector<double> expected_fd;
    const auto reference = net.reference();
    for (const auto& p : points) {
      long double sum = 0;
      for (int d : axes)
        sum += test::partial_derivative(reference, p, MultiIndex::unit(d, 2));
      expected_fd.push_back(static_cast<double>(sum));
    }
    Tape<double> plain_tape;
    plain_tape.bind_parameters(net.parameters, net.gradient);
    const auto u_plain =
        net.mlp.forward(Var<double>(plain_tape, plain_tape.coordinates(view, ordinary)));
    const auto expected = host_values(laplacian(u_plain, axes));
    for (KernelVariant variant : kVariants) {
      Tape<double> tape(variant);
      tape.bind_parameters(net.parameters, net.gradient);
      const auto u = net.mlp.forward(Var<double>(tape, tape.coordinates(view, collapsed)));
      ASSERT_EQ(u.set(), collapsed);
      const auto actual = host_values(laplacian(u, axes));
      EXPECT_LE(max_relative_difference(actual, expected), 1e-13);
      EXPECT_LE(max_relative_difference(actual, expected_fd), 1e-8);
      // The value and first derivatives are the ordinary jets'.
      for (int d = 0; d < c.inputs; ++d)
        EXPECT_LE(
            max_relative_difference(host_values(u, collapsed->find(MultiIndex::unit(d))),
                                    host_values(u_plain, ordinary->find(MultiIndex::unit(d)))),
            1e-14);
    }
  }
}

TEST(CollapsedLaplacian, ProductsAndCompositionsMatchUncollapsedJets)
{
  std::mt19937 rng(12);
  for (int inputs = 2; inputs <= 5; ++inputs) {
    SCOPED_TRACE(std::to_string(inputs) + "-D");
    Network<double> net(inputs, UnaryKind::tanh, 23 + static_cast<std::uint64_t>(inputs));
    const auto points = random_points(rng, 6, inputs);
    const auto view = make_points<double>(points);
    const auto axes = first_axes(inputs);
    const AxisMask mask = axis_mask(axes, inputs);
    Tape<double> plain_tape;
    plain_tape.bind_parameters(net.parameters, net.gradient);
    const Var<double> z_plain(
        plain_tape,
        plain_tape.coordinates(view, DerivativeSet::for_residual(inputs, {}, {mask}, 0, false)));
    const auto expected =
        host_values(laplacian(composite(net.mlp.forward(z_plain), z_plain), axes));
    // Truth: the Laplacian of the same expression of the long-double network.
    const auto reference = net.reference();
    const test::ScalarFunction w = [&](const test::Point& p) {
      const long double u = reference(p);
      return u * std::sin(u) + p[0] * u * u - std::exp(0.5L * p[1]);
    };
    std::vector<double> expected_fd;
    for (const auto& p : points) {
      long double sum = 0;
      for (int d : axes)
        sum += test::partial_derivative(w, p, MultiIndex::unit(d, 2));
      expected_fd.push_back(static_cast<double>(sum));
    }
    for (KernelVariant variant : kVariants) {
      Tape<double> tape(variant);
      tape.bind_parameters(net.parameters, net.gradient);
      const Var<double> z(tape,
                          tape.coordinates(view, DerivativeSet::closure_of(inputs, {}, {mask})));
      const auto wz = composite(net.mlp.forward(z), z);
      ASSERT_TRUE(wz.set()->collapsed());
      const auto actual = host_values(laplacian(wz, axes));
      EXPECT_LE(max_relative_difference(actual, expected), 1e-13);
      EXPECT_LE(max_relative_difference(actual, expected_fd), 1e-8);
    }
  }
}

TEST(CollapsedLaplacian, MixedSetsMatchUncollapsedJets)
{
  // u_tt - Δ_xy u on (x, y, t): an ordinary second derivative beside the collapsed
  // component, so the host kernels take their general path (no gradient-only fast
  // path); the loss reads both through products.
  std::mt19937 rng(15);
  Network<double> net(3, UnaryKind::tanh, 51);
  const auto view = make_points<double>(random_points(rng, 7, 3));
  const std::vector<int> axes{0, 1};
  const std::vector<MultiIndex> tt{MultiIndex::unit(2, 2)};
  const auto collapsed = DerivativeSet::closure_of(3, tt, {axis_mask(axes, 3)});
  ASSERT_EQ(collapsed->to_string({"x", "y", "t"}), "{u, x, y, t, tt, lap(x,y)}");
  ASSERT_FALSE(faa_di_bruno_program(collapsed).laplacian_fast_path);
  ASSERT_TRUE(faa_di_bruno_program(DerivativeSet::closure_of(3, {}, {axis_mask(axes, 3)}))
                  .laplacian_fast_path);
  const auto ordinary = DerivativeSet::for_residual(3, tt, {axis_mask(axes, 3)}, 0, false);
  auto run = [&](const DerivativeSetPtr& set, KernelVariant variant) {
    Tape<double> tape(variant);
    tape.bind_parameters(net.parameters, net.gradient);
    const Var<double> z(tape, tape.coordinates(view, set));
    const Var<double> u = net.mlp.forward(z);
    const Var<double> w = u * tanh(u);
    const Var<double> r = d(d(w, 2), 2) - laplacian(w, axes) * (1.0 + u);
    const int loss = tape.sum_squares(r.id());
    Kokkos::deep_copy(net.gradient, 0.0);
    tape.backward({{loss, 1.0}});
    return std::make_pair(host_values(r), to_host(net.gradient));
  };
  const auto expected = run(ordinary, KernelVariant::automatic);
  for (KernelVariant variant : kVariants) {
    const auto actual = run(collapsed, variant);
    EXPECT_LE(max_relative_difference(actual.first, expected.first), 1e-13);
    EXPECT_LE(max_relative_difference(actual.second, expected.second), 1e-12);
  }
}

TEST(CollapsedLaplacian, FloatLaplacianAgreesWithDouble)
{
  std::mt19937 rng(13);
  const auto points = random_points(rng, 16, 5);
  const auto axes = first_axes(5);
  const auto set = DerivativeSet::closure_of(5, {}, {axis_mask(axes, 5)});
  Network<double> net64(5, UnaryKind::tanh, 31);
  Network<float> net32(5, UnaryKind::tanh, 31);
  Tape<double> tape64;
  Tape<float> tape32;
  tape64.bind_parameters(net64.parameters, net64.gradient);
  tape32.bind_parameters(net32.parameters, net32.gradient);
  const auto l64 = laplacian(
      net64.mlp.forward(Var<double>(tape64, tape64.coordinates(make_points<double>(points), set))),
      axes);
  const auto l32 = laplacian(
      net32.mlp.forward(Var<float>(tape32, tape32.coordinates(make_points<float>(points), set))),
      axes);
  auto h32 = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), l32.value().values);
  std::vector<double> single;
  for (std::size_t n = 0; n < h32.extent(1); ++n)
    single.push_back(h32(0, n, 0));
  EXPECT_LE(max_relative_difference(single, host_values(l64)), 1e-4);
}

// --- parameter gradient (VJP) ------------------------------------------------------------

namespace {

/// loss = mean((Δw + u u_0 - x_0 x_1)^2) with w the composite expression: Laplacian,
/// products, first derivatives and coordinates all feed the gradient.
double laplacian_loss(const Network<double>& net, const Vector<double>& parameters,
                      const Vector<double>& gradient, const PointsView<double>& points,
                      const DerivativeSetPtr& set, const std::vector<int>& axes, bool with_gradient,
                      KernelVariant variant)
{
  Tape<double> tape(variant);
  tape.bind_parameters(parameters, gradient);
  const Var<double> z(tape, tape.coordinates(points, set));
  const Var<double> u = net.mlp.forward(z);
  const Var<double> r =
      laplacian(composite(u, z), axes) + u * d(u, 0) - feature(z, 0) * feature(z, 1);
  const double scale = 1.0 / static_cast<double>(points.extent(0));
  const std::vector<std::pair<int, double>> seeds{{tape.sum_squares(r.id()), scale}};
  if (with_gradient) {
    Kokkos::deep_copy(gradient, 0.0);
    tape.backward(seeds);
  }
  return scale * tape.scalar(seeds.front().first);
}

} // namespace

TEST(CollapsedLaplacian, ParameterGradientMatchesUncollapsedAndFiniteDifferences)
{
  std::mt19937 rng(14);
  for (int inputs : {2, 3, 5}) {
    SCOPED_TRACE(std::to_string(inputs) + "-D");
    Network<double> net(inputs, inputs == 3 ? UnaryKind::sin : UnaryKind::tanh,
                        40 + static_cast<std::uint64_t>(inputs));
    const auto points = make_points<double>(random_points(rng, 7, inputs));
    const auto axes = first_axes(inputs);
    const AxisMask mask = axis_mask(axes, inputs);
    const auto collapsed = DerivativeSet::closure_of(inputs, {}, {mask});
    const auto ordinary = DerivativeSet::for_residual(inputs, {}, {mask}, 0, false);
    const double plain_loss = laplacian_loss(net, net.parameters, net.gradient, points, ordinary,
                                             axes, true, KernelVariant::automatic);
    const auto plain_gradient = to_host(net.gradient);

    // Central differences of the collapsed loss along every parameter.
    Vector<double> shifted("shifted", net.parameters.extent(0));
    Vector<double> unused("unused", net.parameters.extent(0));
    const auto base = to_host(net.parameters);
    auto host = Kokkos::create_mirror_view(shifted);
    std::vector<double> fd(base.size());
    const double h = 1e-6;
    for (std::size_t p = 0; p < base.size(); ++p) {
      double values[2];
      for (int side = 0; side < 2; ++side) {
        for (std::size_t k = 0; k < base.size(); ++k)
          host(k) = base[k];
        host(p) += side == 0 ? h : -h;
        Kokkos::deep_copy(shifted, host);
        values[side] = laplacian_loss(net, shifted, unused, points, collapsed, axes, false,
                                      KernelVariant::automatic);
      }
      fd[p] = (values[0] - values[1]) / (2 * h);
    }

    for (KernelVariant variant : kVariants) {
      const double loss =
          laplacian_loss(net, net.parameters, net.gradient, points, collapsed, axes, true, variant);
      EXPECT_NEAR(loss, plain_loss, 1e-12 * plain_loss);
      const auto gradient = to_host(net.gradient);
      EXPECT_LE(max_relative_difference(gradient, plain_gradient), 1e-12);
      EXPECT_LE(max_relative_difference(gradient, fd), 1e-6);
    }
  }
}

TEST(CollapsedLaplacian, TermContextLaplacianOfEachEvaluation)
{
  // With two network evaluations the context sums second derivatives of each
  // evaluation's own jet; the values must be the Laplacian of that evaluation alone.
  std::mt19937 rng(16);
  Network<double> net(2, UnaryKind::tanh, 61);
  const auto first = make_points<double>(random_points(rng, 6, 2));
  const auto second = make_points<double>(random_points(rng, 6, 2));
  const std::vector<int> axes{0, 1};
  const auto set = DerivativeSet::for_residual(2, {}, {axis_mask(axes, 2)}, 0, false);
  Tape<double> tape;
  tape.bind_parameters(net.parameters, net.gradient);
  const Var<double> z0(tape, tape.coordinates(first, set));
  const Var<double> z1(tape, tape.coordinates(second, set));
  const Var<double> u0 = net.mlp.forward(z0);
  const Var<double> u1 = net.mlp.forward(z1);
  const auto alone0 = host_values(laplacian(u0, axes));
  const auto alone1 = host_values(laplacian(u1, axes));
  const pde::TermContext<double> context(2, {u0, u1}, {z0, z1});
  EXPECT_EQ(host_values(context.laplacian(context.u(0), axes, 0)), alone0);
  EXPECT_EQ(host_values(context.laplacian(context.u(1), axes, 1)), alone1);
  EXPECT_THROW(context.laplacian(context.u(1), {}, 1), LogicError);
}

// --- automatic selection in the loss function --------------------------------------------

namespace {

/// -Δu = f on 5-D points, the Laplacian declared (collapsible) or, as a
/// control, written out as second derivatives.
class PoissonLikeTask final : public pde::TaskWithResidual<PoissonLikeTask>
{
public:
  explicit PoissonLikeTask(bool declare_laplacian) : declare_laplacian_(declare_laplacian) {}
  std::string name() const override { return "poisson_like"; }
  int dimension() const override { return 5; }
  int outputs() const override { return 1; }
  std::vector<std::string> coordinate_names() const override { return {"a", "b", "c", "d", "e"}; }
  std::vector<std::pair<double, double>> domain() const override
  {
    return std::vector<std::pair<double, double>>(5, {0.0, 1.0});
  }
  std::vector<pde::Term> training_terms() const override
  {
    pde::Term term;
    term.name = "pde";
    term.evaluations = {pde::uniform_in_box(domain(), 40, 5, 0)};
    term.derivatives = {{}};
    if (declare_laplacian_)
      term.add_laplacian(first_axes(5));
    else
      for (int j = 0; j < 5; ++j)
        term.derivatives[0].push_back(MultiIndex::unit(j, 2));
    return {term};
  }
  std::vector<pde::Term> test_terms() const override { return training_terms(); }
  pde::PointCloud test_points() const override { return training_terms()[0].evaluations[0]; }
  std::vector<double> reference(const pde::PointCloud& points) const override
  {
    return std::vector<double>(static_cast<std::size_t>(points.size()), 0.0);
  }

  template <class Real>
  jet::Var<Real> residual_of(const pde::Term&, const pde::TermContext<Real>& c) const
  {
    components_seen = c.u().set()->size();
    jet::Var<Real> source = sin(c.coordinate(0)) * c.coordinate(4);
    if (declare_laplacian_)
      return -c.laplacian(c.u(), first_axes(5)) - source;
    jet::Var<Real> sum = c.d(c.d(c.u(), 0), 0);
    for (int j = 1; j < 5; ++j)
      sum = sum + c.d(c.d(c.u(), j), j);
    return -sum - source;
  }

  mutable int components_seen = 0;

private:
  bool declare_laplacian_;
};

struct ClosureResult
{
  double loss;
  std::vector<double> gradient;
  int components;
};

ClosureResult closure(const PoissonLikeTask& task, objective::Objective<double>& objective,
                      bool collapse)
{
  Network<double> net(5, UnaryKind::tanh, 77);
  const parallel::MpiContext mpi;
  train::LossSettings settings;
  settings.chunk_points = 16;
  settings.collapse_laplacians = collapse;
  train::LossFunction<double> loss(task, task.training_terms(), net.mlp, &objective, mpi, settings);
  const auto value = loss.evaluate(net.parameters, true, 0);
  return {value.loss, to_host(loss.gradient()), task.components_seen};
}

} // namespace

TEST(CollapsedLaplacian, LossSelectsTheCollapsedSetAndAgreesWithTheUncollapsedPath)
{
  const PoissonLikeTask declared(true);
  const PoissonLikeTask written_out(false);
  objective::Vanilla<double> vanilla;
  const auto collapsed = closure(declared, vanilla, true);
  EXPECT_EQ(collapsed.components, 7);
  const auto switched_off = closure(declared, vanilla, false);
  EXPECT_EQ(switched_off.components, 11);
  const auto control = closure(written_out, vanilla, true);
  EXPECT_EQ(control.components, 11);
  EXPECT_GT(collapsed.loss, 0.0);
  for (const auto* other : {&switched_off, &control}) {
    EXPECT_NEAR(collapsed.loss, other->loss, 1e-12 * other->loss);
    EXPECT_LE(max_relative_difference(collapsed.gradient, other->gradient), 1e-12);
  }
}

TEST(CollapsedLaplacian, GpinnFallsBackToTheRaisedUncollapsedSet)
{
  // gPINN needs d_j of the residual: the Laplacian is summed from third-order jets.
  const PoissonLikeTask declared(true);
  const PoissonLikeTask written_out(false);
  objective::Gpinn<double> gpinn(0.5);
  const auto fallback = closure(declared, gpinn, true);
  const auto control = closure(written_out, gpinn, true);
  EXPECT_EQ(fallback.components,
            DerivativeSet::for_residual(5, {}, {axis_mask(first_axes(5), 5)}, 1, true)->size());
  EXPECT_EQ(fallback.components, control.components);
  EXPECT_EQ(fallback.loss, control.loss);
  EXPECT_EQ(fallback.gradient, control.gradient);
}
