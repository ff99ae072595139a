// QRes through the tape against independent truths: its output jet to order 3
// (mixed derivatives included) against long-double finite differences of a
// separate long-double QRes, the parameter gradient of a gPINN wave loss against
// central differences, and the reference's parameter layout and counts
// (spec/ropinn.md §4.4); the fused block op against the composition of the
// plain tape ops it replaces.
#include "nn/ModelChecks.hpp"

#include <algorithm>
#include <cmath>
#include <pinnbench/core/Error.hpp>
#include <pinnbench/jet/Tape.hpp>
#include <pinnbench/nn/QRes.hpp>

using namespace pinnbench;

namespace {

nn::QResShape small_shape()
{
  nn::QResShape shape;
  shape.width = 7;
  shape.hidden_layers = 2;
  shape.bias_init = 0.05;
  return shape;
}

/// QRes in long double, read from the parameters by their reference names.
struct ReferenceQRes
{
  nn::ParameterLayout layout;
  std::vector<long double> p;
  int blocks = 0;

  std::vector<long double> affine(const std::string& prefix,
                                  const std::vector<long double>& x) const
  {
    const auto& w = layout.tensor(prefix + ".weight");
    const auto& b = layout.tensor(prefix + ".bias");
    std::vector<long double> y(w.shape[0]);
    for (std::size_t o = 0; o < y.size(); ++o) {
      long double sum = p[b.offset + o];
      for (std::size_t i = 0; i < x.size(); ++i)
        sum += p[w.offset + o * w.shape[1] + i] * x[i];
      y[o] = sum;
    }
    return y;
  }

  long double operator()(const test::Point& z) const
  {
    std::vector<long double> h = z;
    for (int block = 0; block < blocks; ++block) {
      const std::string prefix =
          block == 0 ? std::string("inlayer") : "layers." + std::to_string(block - 1);
      const auto h1 = affine(prefix + ".H1", h);
      const auto h2 = affine(prefix + ".H2", h);
      h.assign(h1.size(), 0);
      for (std::size_t o = 0; o < h1.size(); ++o)
        h[o] = 1 / (1 + std::exp(-(h1[o] * h2[o] + h1[o])));
    }
    return affine("outlayer", h)[0];
  }
};

template <class Real>
struct SmallQRes
{
  nn::QRes<Real> model{small_shape()};
  Vector<Real> parameters{"parameters", model.layout().size()};
  Vector<Real> gradient{"gradient", model.layout().size()};
  explicit SmallQRes(std::uint64_t seed) { model.initialize(parameters, seed); }
  ReferenceQRes reference() const
  {
    return {model.layout(), test::host_parameters(parameters), model.shape().hidden_layers + 1};
  }
};

} // namespace

TEST(QRes, LayoutIsTheReferenceStateDict)
{
  nn::QResShape point;
  EXPECT_EQ(nn::QRes<float>(point).layout().size(), 396545u); // num_layer 4
  nn::QResShape region;
  region.hidden_layers = 1;
  EXPECT_EQ(nn::QRes<float>(region).layout().size(), 133377u); // num_layer 2
  const nn::QRes<double> small(region);
  std::vector<std::string> names;
  for (const auto& tensor : small.layout().tensors())
    names.push_back(tensor.name);
  const std::vector<std::string> expected{
      "inlayer.H1.weight",  "inlayer.H1.bias",  "inlayer.H2.weight",  "inlayer.H2.bias",
      "layers.0.H1.weight", "layers.0.H1.bias", "layers.0.H2.weight", "layers.0.H2.bias",
      "outlayer.weight",    "outlayer.bias"};
  EXPECT_EQ(names, expected);
  EXPECT_EQ(small.layout().tensor("layers.0.H2.weight").shape,
            (std::vector<std::size_t>{256, 256}));
}

TEST(QRes, InitialisationIsXavierUniformPerLinearAndDeterministic)
{
  SmallQRes<double> a(3), b(3);
  const auto pa = test::host_parameters(a.parameters);
  const auto pb = test::host_parameters(b.parameters);
  EXPECT_EQ(pa, pb);
  const auto& h1 = a.model.layout().tensor("layers.0.H1.weight");
  const auto& h1_next = a.model.layout().tensor("layers.1.H1.weight");
  bool independent = false;
  for (const auto& tensor : a.model.layout().tensors()) {
    for (std::size_t e = 0; e < tensor.size; ++e) {
      const long double v = pa[tensor.offset + e];
      if (tensor.shape.size() == 2)
        EXPECT_LE(std::fabs(v), std::sqrt(6.0L / (tensor.shape[0] + tensor.shape[1])));
      else
        EXPECT_EQ(v, static_cast<long double>(0.05));
    }
  }
  for (std::size_t e = 0; e < h1.size; ++e)
    independent |= pa[h1.offset + e] != pa[h1_next.offset + e];
  EXPECT_TRUE(independent) << "cloned blocks must be re-initialised independently";
}

TEST(QRes, OutputJetToOrderThreeMatchesFiniteDifferences)
{
  std::mt19937 rng(1);
  SmallQRes<double> fixture(42);
  const auto points = test::random_points(rng, 6, -1.0, 1.0);
  const auto reference = fixture.reference();
  for (auto variant : {jet::KernelVariant::host_blocked, jet::KernelVariant::flat}) {
    const auto worst = test::jet_errors_against_finite_differences<double>(
        fixture.model, fixture.parameters, points, reference, 3, -1, variant);
    EXPECT_LE(worst[0], 1e-14);
    EXPECT_LE(worst[1], 1e-8);
    EXPECT_LE(worst[2], 1e-7);
    EXPECT_LE(worst[3], 1e-5);
  }
}

TEST(QRes, OutputJetInFloat)
{
  std::mt19937 rng(2);
  SmallQRes<float> fixture(42);
  const auto points = test::random_points(rng, 6, -1.0, 1.0);
  const auto reference = fixture.reference();
  const auto worst = test::jet_errors_against_finite_differences<float>(
      fixture.model, fixture.parameters, points, reference, 3);
  EXPECT_LE(worst[0], 1e-5);
  EXPECT_LE(worst[2], 1e-4);
  EXPECT_LE(worst[3], 1e-3);
}

TEST(QRes, GpinnWaveLossGradientMatchesFiniteDifferences)
{
  std::mt19937 rng(3);
  SmallQRes<double> fixture(7);
  const auto points = test::make_points<double>(test::random_points(rng, 9, -1.0, 1.0));
  for (bool gradient_enhanced : {false, true}) {
    const auto build = test::wave_loss<double>(points, gradient_enhanced);
    jet::Tape<double> tape;
    EXPECT_LE(test::tape_gradient_mismatch<double>(tape, fixture.model, fixture.parameters,
                                                   fixture.gradient, build),
              1e-6)
        << gradient_enhanced;
  }
}

namespace {

/// One QRes block recorded fused (tape.qres_block) or as the composition it
/// replaces (two linears, mul, add, sigmoid), between a tanh layer (so the input
/// adjoint shows in that layer's gradient) and a linear output. Returns the
/// output jet and the gradient of u^2 + u_t^2 + u_xx^2 + u_xxx^2 summed over points.
struct BlockRun
{
  std::vector<double> output;
  std::vector<double> gradient;
};

template <class Real>
BlockRun run_block(bool fused, jet::KernelVariant variant, const std::vector<double>& values,
                   const std::vector<double>& coordinates)
{
  constexpr int kInputs = 5, kWidth = 70; // 70 crosses a 64-feature block
  const std::size_t w0 = 0, b0 = w0 + 2 * kInputs, h1w = b0 + kInputs, h1b = h1w + kWidth * kInputs,
                    h2w = h1b + kWidth, h2b = h2w + kWidth * kInputs, wo = h2b + kWidth,
                    bo = wo + kWidth, size = bo + 1;
  Vector<Real> parameters("parameters", size), gradient("gradient", size);
  auto host = Kokkos::create_mirror_view(parameters);
  for (std::size_t i = 0; i < size; ++i)
    host(i) = static_cast<Real>(values[i]);
  Kokkos::deep_copy(parameters, host);
  const int points = static_cast<int>(coordinates.size() / 2);
  Kokkos::View<Real**, Kokkos::LayoutRight, MemorySpace> xs("points", points, 2);
  auto xs_host = Kokkos::create_mirror_view(xs);
  for (int n = 0; n < points; ++n)
    for (int j = 0; j < 2; ++j)
      xs_host(n, j) = static_cast<Real>(coordinates[static_cast<std::size_t>(2 * n + j)]);
  Kokkos::deep_copy(xs, xs_host);
  const auto set = jet::DerivativeSet::closure_of(
      2, {jet::MultiIndex::unit(0, 3), jet::MultiIndex::from({1, 1}), jet::MultiIndex::unit(1)});

  jet::Tape<Real> tape(variant);
  tape.bind_parameters(parameters, gradient);
  const auto x = tape.coordinates(xs, set);
  const auto h = tape.unary(tape.linear(x, w0, kInputs, b0), jet::UnaryKind::tanh);
  int y = 0; // a tape NodeId
  if (fused) {
    jet::QResBlockParameters block;
    block.h1_weight = h1w;
    block.h1_bias = static_cast<std::int64_t>(h1b);
    block.h2_weight = h2w;
    block.h2_bias = static_cast<std::int64_t>(h2b);
    y = tape.qres_block(h, block, kWidth);
  } else {
    const auto z1 = tape.linear(h, h1w, kWidth, static_cast<std::int64_t>(h1b));
    const auto z2 = tape.linear(h, h2w, kWidth, static_cast<std::int64_t>(h2b));
    y = tape.unary(tape.add(tape.mul(z1, z2), z1), jet::UnaryKind::sigmoid);
  }
  const auto u = tape.linear(y, wo, 1, static_cast<std::int64_t>(bo));
  const auto u_x = tape.derivative(u, 0);
  const auto u_xx = tape.derivative(u_x, 0);
  const std::vector<std::pair<int, double>> seeds{
      {tape.sum_squares(u), 1.0},
      {tape.sum_squares(tape.derivative(u, 1)), 1.0},
      {tape.sum_squares(u_xx), 1.0},
      {tape.sum_squares(tape.derivative(u_xx, 0)), 1.0}};
  tape.backward(seeds);

  BlockRun run;
  const auto out = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), tape.value(u).values);
  for (std::size_t c = 0; c < out.extent(0); ++c)
    for (int n = 0; n < points; ++n)
      run.output.push_back(static_cast<double>(out(c, static_cast<std::size_t>(n), 0)));
  const auto g = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), gradient);
  for (std::size_t i = 0; i < size; ++i)
    run.gradient.push_back(static_cast<double>(g(i)));
  return run;
}

double worst_relative(const std::vector<double>& a, const std::vector<double>& b)
{
  double scale = 0.0, worst = 0.0;
  for (double v : b)
    scale = std::max(scale, std::fabs(v));
  for (std::size_t i = 0; i < a.size(); ++i)
    worst = std::max(worst, std::fabs(a[i] - b[i]) / scale);
  return worst;
}

} // namespace

TEST(QRes, FusedBlockEqualsTheUnfusedComposition)
{
  std::mt19937 rng(11);
  std::uniform_real_distribution<double> uniform(-0.6, 0.6);
  std::vector<double> values(5 * 2 + 5 + 2 * (70 * 5 + 70) + 70 + 1);
  for (double& v : values)
    v = uniform(rng);
  std::vector<double> coordinates(2 * 9);
  for (double& v : coordinates)
    v = uniform(rng);
  for (auto variant : {jet::KernelVariant::host_blocked, jet::KernelVariant::flat}) {
    const auto expected = run_block<double>(false, variant, values, coordinates);
    const auto fused = run_block<double>(true, variant, values, coordinates);
    ASSERT_EQ(fused.output.size(), expected.output.size());
    // The same arithmetic in the same order except the summation order of the
    // concatenated GEMM: equal to rounding.
    EXPECT_LE(worst_relative(fused.output, expected.output), 1e-14);
    EXPECT_LE(worst_relative(fused.gradient, expected.gradient), 1e-13);
    const auto expected_float = run_block<float>(false, variant, values, coordinates);
    const auto fused_float = run_block<float>(true, variant, values, coordinates);
    EXPECT_LE(worst_relative(fused_float.output, expected_float.output), 1e-5);
    EXPECT_LE(worst_relative(fused_float.gradient, expected_float.gradient), 1e-5);
  }
}

TEST(QRes, BlockParametersOutsideTheVectorAreRejected)
{
  Vector<double> parameters("parameters", 10), gradient("gradient", 10);
  Kokkos::View<double**, Kokkos::LayoutRight, MemorySpace> xs("points", 1, 2);
  jet::Tape<double> tape;
  tape.bind_parameters(parameters, gradient);
  const auto x = tape.coordinates(xs, jet::DerivativeSet::closure_of(2, {}));
  jet::QResBlockParameters block; // 2 x 2 weights at 0 fit, H2's at 8 do not
  block.h2_weight = 8;
  EXPECT_THROW(tape.qres_block(x, block, 2), LogicError);
}
