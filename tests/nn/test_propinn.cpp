// ProPINN on the jet engine against independent truths:
// - the parameter layout against the reference state_dict table (spec §2.3);
// - u and every input derivative of order <= 3, and the parameter gradient of a
//   PDE loss, against PyTorch nested autograd on the spec's architecture
//   (tests/support/propinn_torch.py; data/nn/propinn_reference.txt), 1e-10 in FP64;
// - the same against long-double finite differences of a separate long-double
//   implementation that pools full 32-wide embeddings as the reference code does;
// - the flat (GPU) kernels against the host-blocked ones.
#include "support/FiniteDifference.hpp"
#include "support/PointsView.hpp"

#include <cmath>
#include <fstream>
#include <gtest/gtest.h>
#include <map>
#include <pinnbench/jet/Expression.hpp>
#include <pinnbench/nn/ProPinn.hpp>
#include <random>
#include <sstream>

using namespace pinnbench;
using namespace pinnbench::jet;
using test::make_points;
using test::PointsView;

namespace {

constexpr int X = 0;
constexpr int T = 1;

/// p_i = 0.6 sin(1.37 i + 0.5), as propinn_torch.formula_parameters sets them.
template <class Real>
void formula_parameters(const Vector<Real>& parameters)
{
  auto host = Kokkos::create_mirror_view(parameters);
  for (std::size_t i = 0; i < host.extent(0); ++i)
    host(i) = static_cast<Real>(0.6 * std::sin(1.37 * static_cast<double>(i) + 0.5));
  Kokkos::deep_copy(parameters, host);
}

/// ProPINN in long double, the reference code's way: P at each of the 84
/// points to the full embedding, then the means (no reordering of the linear maps).
struct ReferenceProPinn
{
  using Matrix = std::vector<std::vector<long double>>;
  std::map<std::string, std::vector<long double>> p;
  std::map<std::string, std::vector<std::size_t>> shape;
  long double scale = 1;
  int head_layers = 3;

  template <class Real>
  static ReferenceProPinn from(const nn::ProPinn<Real>& model, const Vector<Real>& parameters)
  {
    auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), parameters);
    ReferenceProPinn ref;
    for (const auto& tensor : model.layout().tensors()) {
      ref.p[tensor.name].assign(host.data() + tensor.offset,
                                host.data() + tensor.offset + tensor.size);
      ref.shape[tensor.name] = tensor.shape;
    }
    ref.scale = model.shape().input_scale;
    ref.head_layers = model.shape().head_layers;
    return ref;
  }

  std::vector<long double> linear(const std::string& name, const std::vector<long double>& in) const
  {
    const auto& w = p.at(name + ".weight");
    const auto& b = p.at(name + ".bias");
    const std::size_t outputs = shape.at(name + ".weight")[0];
    std::vector<long double> out(outputs);
    for (std::size_t o = 0; o < outputs; ++o) {
      long double sum = b[o];
      for (std::size_t i = 0; i < in.size(); ++i)
        sum += w[o * in.size() + i] * in[i];
      out[o] = sum;
    }
    return out;
  }

  std::vector<long double> wave(const std::string& name, std::vector<long double> h) const
  {
    const long double w1 = p.at(name + ".w1")[0], w2 = p.at(name + ".w2")[0];
    for (auto& v : h)
      v = w1 * std::sin(v) + w2 * std::cos(v);
    return h;
  }

  std::vector<long double> embed(const std::vector<long double>& s) const
  {
    return linear("linear_emb.2", wave("linear_emb.1", linear("linear_emb.0", s)));
  }

  long double operator()(const test::Point& z) const
  {
    const std::vector<long double> s = {scale * z[0], scale * z[1]};
    std::vector<std::vector<long double>> regions = {embed(s)};
    const long double deltas[3] = {0.01L, 0.05L, 0.09L};
    const int sizes[3] = {3, 5, 7};
    for (int r = 0; r < 3; ++r) {
      std::vector<long double> mean(regions[0].size(), 0.0L);
      const int n = sizes[r];
      for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) {
          const long double ax = -deltas[r] + 2 * deltas[r] * j / (n - 1);
          const long double at = -deltas[r] + 2 * deltas[r] * i / (n - 1);
          const auto e = embed({s[0] + ax, s[1] + at});
          for (std::size_t c = 0; c < e.size(); ++c)
            mean[c] += e[c] / (n * n);
        }
      regions.push_back(mean);
    }
    std::vector<long double> e(regions[0].size());
    for (std::size_t c = 0; c < e.size(); ++c) {
      const std::vector<long double> v = {regions[0][c], regions[1][c], regions[2][c],
                                          regions[3][c]};
      e[c] = linear("multiregion_mixer.2",
                    wave("multiregion_mixer.1", linear("multiregion_mixer.0", v)))[0];
    }
    std::vector<long double> h = wave("linear_out.1", linear("linear_out.0", e));
    for (int layer = 1; layer < head_layers; ++layer)
      h = wave("linear_out." + std::to_string(2 * layer + 1),
               linear("linear_out." + std::to_string(2 * layer), h));
    const std::string last = "linear_out." + std::to_string(2 * head_layers);
    return linear(last + ".2", wave(last + ".1", linear(last + ".0", h)))[0];
  }
};

template <class Real>
struct Fixture
{
  nn::ProPinn<Real> model;
  Vector<Real> parameters{"parameters", model.layout().size()};
  Vector<Real> gradient{"gradient", model.layout().size()};
  explicit Fixture(nn::ProPinnShape shape = {}) : model(shape) {}
};

/// The jet of u at `points` on `set`, on a tape of the given kernel variant.
template <class Real>
Kokkos::View<Real***, Kokkos::LayoutRight, Kokkos::HostSpace>
network_jet(Fixture<Real>& f, const std::vector<test::Point>& points, const DerivativeSetPtr& set,
            KernelVariant variant = KernelVariant::automatic)
{
  Tape<Real> tape(variant);
  tape.bind_parameters(f.parameters, f.gradient);
  Var<Real> u = f.model.forward(Var<Real>(tape, tape.coordinates(make_points<Real>(points), set)));
  auto view = u.value().values;
  Kokkos::View<Real***, Kokkos::LayoutRight, Kokkos::HostSpace> host(
      "host", view.extent(0), view.extent(1), view.extent(2));
  Kokkos::deep_copy(host, view);
  return host;
}

/// L = mean((u_tt - 4 u_xx)^2) + mean((u_t + u u_x)^2): value, gradient in f.gradient.
template <class Real>
double loss_and_gradient(Tape<Real>& tape, Fixture<Real>& f, const PointsView<Real>& points,
                         const Vector<Real>& parameters, bool with_gradient)
{
  const auto set =
      DerivativeSet::closure_of(2, {MultiIndex::from({2, 0}), MultiIndex::from({0, 2}),
                                    MultiIndex::from({1, 0}), MultiIndex::from({0, 1})});
  tape.bind_parameters(parameters, f.gradient);
  tape.rewind();
  Var<Real> u = f.model.forward(Var<Real>(tape, tape.coordinates(points, set)));
  Var<Real> wave = d(d(u, T), T) - Real(4) * d(d(u, X), X);
  Var<Real> burgers = d(u, T) + u * d(u, X);
  const double inverse = 1.0 / static_cast<double>(points.extent(0));
  const std::vector<std::pair<int, double>> seeds{{tape.sum_squares(wave.id()), inverse},
                                                  {tape.sum_squares(burgers.id()), inverse}};
  if (with_gradient) {
    Kokkos::deep_copy(f.gradient, Real(0));
    tape.backward(seeds);
  }
  return inverse * (tape.scalar(seeds[0].first) + tape.scalar(seeds[1].first));
}

struct TorchReference
{
  std::vector<test::Point> points;
  /// (scale, kx, kt) -> values per point
  std::map<std::tuple<double, int, int>, std::vector<long double>> derivatives;
  double loss = 0;
  std::map<std::size_t, double> gradient;

  static TorchReference load()
  {
    std::ifstream in(std::string(PINNBENCH_TEST_DATA_DIR) + "/nn/propinn_reference.txt");
    if (!in)
      throw std::runtime_error("cannot open data/nn/propinn_reference.txt");
    TorchReference ref;
    std::string line;
    while (std::getline(in, line)) {
      std::istringstream s(line);
      std::string tag;
      s >> tag;
      if (tag == "X") {
        int n;
        double x, t;
        s >> n >> x >> t;
        ref.points.push_back({x, t});
      } else if (tag == "D") {
        double scale, value;
        int n, kx, kt;
        s >> scale >> n >> kx >> kt >> value;
        ref.derivatives[{scale, kx, kt}].push_back(value);
      } else if (tag == "L") {
        s >> ref.loss;
      } else if (tag == "G") {
        std::size_t index;
        double value;
        s >> index >> value;
        ref.gradient[index] = value;
      }
    }
    return ref;
  }
};

} // namespace

TEST(ProPinn, LayoutIsTheReferenceStateDict)
{
  nn::ProPinn<double> model(nn::ProPinnShape{});
  const std::vector<std::pair<std::string, std::vector<std::size_t>>> expected = {
      {"linear_emb.0.weight", {8, 2}},
      {"linear_emb.0.bias", {8}},
      {"linear_emb.1.w1", {1}},
      {"linear_emb.1.w2", {1}},
      {"linear_emb.2.weight", {32, 8}},
      {"linear_emb.2.bias", {32}},
      {"multiregion_mixer.0.weight", {8, 4}},
      {"multiregion_mixer.0.bias", {8}},
      {"multiregion_mixer.1.w1", {1}},
      {"multiregion_mixer.1.w2", {1}},
      {"multiregion_mixer.2.weight", {1, 8}},
      {"multiregion_mixer.2.bias", {1}},
      {"linear_out.0.weight", {64, 32}},
      {"linear_out.0.bias", {64}},
      {"linear_out.1.w1", {1}},
      {"linear_out.1.w2", {1}},
      {"linear_out.2.weight", {64, 64}},
      {"linear_out.2.bias", {64}},
      {"linear_out.3.w1", {1}},
      {"linear_out.3.w2", {1}},
      {"linear_out.4.weight", {64, 64}},
      {"linear_out.4.bias", {64}},
      {"linear_out.5.w1", {1}},
      {"linear_out.5.w2", {1}},
      {"linear_out.6.0.weight", {64, 64}},
      {"linear_out.6.0.bias", {64}},
      {"linear_out.6.1.w1", {1}},
      {"linear_out.6.1.w2", {1}},
      {"linear_out.6.2.weight", {1, 64}},
      {"linear_out.6.2.bias", {1}},
  };
  const auto& tensors = model.layout().tensors();
  ASSERT_EQ(tensors.size(), expected.size());
  for (std::size_t k = 0; k < expected.size(); ++k) {
    EXPECT_EQ(tensors[k].name, expected[k].first);
    EXPECT_EQ(tensors[k].shape, expected[k].second) << expected[k].first;
  }
  EXPECT_EQ(model.layout().size(), 15030u);
  EXPECT_EQ(model.offsets().extent(0), 84u);
  // util.get_perturbation makes the offsets float32 (`.float()`); a double model
  // adds those values: row 0 is the point, then the 3x3, 5x5 and 7x7 grids.
  const auto offsets = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), model.offsets());
  EXPECT_EQ(offsets(0, 0), 0.0);
  EXPECT_EQ(offsets(1, 0), static_cast<double>(-0.01f));
  EXPECT_EQ(offsets(10, 1), static_cast<double>(-0.05f));
  EXPECT_EQ(offsets(36, 0), static_cast<double>(-0.06f));
  EXPECT_EQ(offsets(83, 1), static_cast<double>(0.09f));
}

TEST(ProPinn, DerivativesMatchPyTorchNestedAutograd)
{
  const auto ref = TorchReference::load();
  for (double scale : {1.0, M_PI}) {
    nn::ProPinnShape shape;
    shape.input_scale = scale;
    Fixture<double> f(shape);
    formula_parameters(f.parameters);
    const auto set = DerivativeSet::full(2, 3);
    const auto jet = network_jet(f, ref.points, set);
    for (int c = 0; c < set->size(); ++c) {
      const auto& expected = ref.derivatives.at({scale, (*set)[c][X], (*set)[c][T]});
      std::vector<double> actual;
      for (std::size_t n = 0; n < ref.points.size(); ++n)
        actual.push_back(jet(c, n, 0));
      EXPECT_LE(test::relative_error(actual, expected), 1e-10)
          << "scale " << scale << " component " << (*set)[c].to_string({"x", "t"});
    }
  }
}

TEST(ProPinn, LossGradientMatchesPyTorch)
{
  const auto ref = TorchReference::load();
  Fixture<double> f;
  formula_parameters(f.parameters);
  Tape<double> tape;
  const double loss =
      loss_and_gradient(tape, f, make_points<double>(ref.points), f.parameters, true);
  EXPECT_NEAR(loss, ref.loss, 1e-10 * std::fabs(ref.loss));
  auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), f.gradient);
  double scale = 0, diff = 0;
  for (const auto& [index, value] : ref.gradient) {
    scale = std::max(scale, std::fabs(value));
    diff = std::max(diff, std::fabs(host(index) - value));
  }
  EXPECT_EQ(ref.gradient.size(), 3006u);
  EXPECT_LE(diff / scale, 1e-10);
}

TEST(ProPinn, DerivativesMatchFiniteDifferences)
{
  std::mt19937 rng(11);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::vector<test::Point> points;
  for (int n = 0; n < 3; ++n)
    points.push_back({u(rng), u(rng)});
  nn::ProPinnShape shape;
  shape.input_scale = 1.7;
  Fixture<double> f(shape);
  f.model.initialize(f.parameters, 5);
  const auto set = DerivativeSet::full(2, 3);
  const auto jet = network_jet(f, points, set);
  const auto reference = ReferenceProPinn::from(f.model, f.parameters);
  for (int c = 0; c < set->size(); ++c) {
    std::vector<double> actual;
    std::vector<long double> expected;
    for (std::size_t n = 0; n < points.size(); ++n) {
      actual.push_back(jet(c, n, 0));
      expected.push_back(test::partial_derivative(reference, points[n], (*set)[c]));
    }
    EXPECT_LE(test::relative_error(actual, expected), (*set)[c].order() <= 2 ? 1e-7 : 1e-5)
        << "component " << (*set)[c].to_string({"x", "t"});
  }
}

TEST(ProPinn, LossGradientMatchesFiniteDifferences)
{
  // Central differences along every parameter of P, M and the WaveActs, and
  // along every 7th parameter of the head.
  std::mt19937 rng(12);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::vector<test::Point> raw;
  for (int n = 0; n < 3; ++n)
    raw.push_back({u(rng), u(rng)});
  const auto points = make_points<double>(raw);
  Fixture<double> f;
  f.model.initialize(f.parameters, 9);
  Tape<double> tape;
  loss_and_gradient(tape, f, points, f.parameters, true);
  auto analytic = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), f.gradient);
  auto base = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), f.parameters);
  Vector<double> shifted("shifted", base.extent(0));
  auto host = Kokkos::create_mirror_view(shifted);
  const std::size_t head = f.model.layout().tensor("linear_out.0.weight").offset;
  const double h = 1e-6;
  double diff = 0, scale = 0;
  int checked = 0;
  for (std::size_t p = 0; p < base.extent(0); ++p) {
    if (p >= head && p % 7 != 0 && p + 200 < base.extent(0))
      continue;
    double values[2];
    for (int side = 0; side < 2; ++side) {
      Kokkos::deep_copy(host, base);
      host(p) += side == 0 ? h : -h;
      Kokkos::deep_copy(shifted, host);
      values[side] = loss_and_gradient(tape, f, points, shifted, false);
    }
    const double expected = (values[0] - values[1]) / (2 * h);
    diff = std::max(diff, std::fabs(expected - analytic(p)));
    scale = std::max(scale, std::fabs(expected));
    ++checked;
  }
  EXPECT_GT(checked, 2000);
  EXPECT_LE(diff / scale, 1e-6);
}

TEST(ProPinn, FlatKernelsAgreeWithHostBlocked)
{
  std::mt19937 rng(13);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::vector<test::Point> raw;
  for (int n = 0; n < 5; ++n)
    raw.push_back({u(rng), u(rng)});
  Fixture<double> f;
  f.model.initialize(f.parameters, 3);
  const auto set = DerivativeSet::full(2, 3);
  const auto blocked = network_jet(f, raw, set, KernelVariant::host_blocked);
  const auto flat = network_jet(f, raw, set, KernelVariant::flat);
  for (std::size_t i = 0; i < blocked.size(); ++i)
    EXPECT_NEAR(blocked.data()[i], flat.data()[i], 1e-13 * (1 + std::fabs(blocked.data()[i])));
  Tape<double> tape_blocked(KernelVariant::host_blocked), tape_flat(KernelVariant::flat);
  const auto points = make_points<double>(raw);
  loss_and_gradient(tape_blocked, f, points, f.parameters, true);
  auto g_blocked = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), f.gradient);
  loss_and_gradient(tape_flat, f, points, f.parameters, true);
  auto g_flat = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), f.gradient);
  double scale = 0, diff = 0;
  for (std::size_t p = 0; p < g_flat.extent(0); ++p) {
    scale = std::max(scale, std::fabs(g_blocked(p)));
    diff = std::max(diff, std::fabs(g_blocked(p) - g_flat(p)));
  }
  EXPECT_LE(diff / scale, 1e-13);
}

TEST(ProPinn, InitialisationFollowsTheReferenceScripts)
{
  nn::ProPinnShape shape;
  shape.bias_init = 0.0;
  Fixture<double> f(shape);
  f.model.initialize(f.parameters, 4);
  Vector<double> again("again", f.model.layout().size());
  f.model.initialize(again, 4);
  auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), f.parameters);
  auto repeat = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), again);
  for (const auto& tensor : f.model.layout().tensors()) {
    const bool wave = tensor.name.find(".w") != std::string::npos;
    for (std::size_t e = 0; e < tensor.size; ++e) {
      const double value = host(tensor.offset + e);
      EXPECT_EQ(value, repeat(tensor.offset + e));
      if (tensor.shape.size() == 2)
        EXPECT_LE(std::fabs(value),
                  std::sqrt(6.0 / static_cast<double>(tensor.shape[0] + tensor.shape[1])));
      else
        EXPECT_EQ(value, wave ? 1.0 : 0.0) << tensor.name;
    }
  }
}

TEST(ProPinn, RejectsInputsOtherThanTwo)
{
  nn::ProPinnShape shape;
  shape.inputs = 3;
  EXPECT_THROW(nn::ProPinn<double>{shape}, ConfigError);
}
