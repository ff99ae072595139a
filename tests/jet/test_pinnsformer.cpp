// PINNsFormer through the tape against independent truths:
// - an independent PyTorch implementation (tests/jet/pinnsformer_torch.py,
//   written from ropinn.md §4.5, torch.nn modules loaded by state_dict name):
//   named_parameters order, outputs and every token derivative up to order 3
//   computed as the reference does, autograd.grad(pred, leaf, ones) (skipped
//   when /usr/bin/python3 has no torch);
// - long-double finite differences of the token-summed semantics: the value at
//   token k of d^alpha is d/d(c of token k) D^(alpha - e_c) sum_j out_j, a plain
//   partial derivative of a function of (X, T, xi, tau) where every token sits
//   at (X, T + j dt) and token k is moved by (xi, tau);
// - parameter gradients of a wave-residual loss (and its gPINN terms) against
//   central differences;
// - the paper-size parameter count and initial values.
#include "support/FiniteDifference.hpp"
#include "support/GridSettings.hpp"

#include <cstdio>
#include <fstream>
#include <gtest/gtest.h>
#include <map>
#include <pinnbench/jet/Expression.hpp>
#include <pinnbench/nn/PinnsFormer.hpp>
#include <pinnbench/pde/SpaceTimeTask.hpp>
#include <pinnbench/train/LossFunction.hpp>
#include <random>
#include <sstream>
#include <tuple>

using namespace pinnbench;
using namespace pinnbench::jet;

namespace {

constexpr int X = 0;
constexpr int T = 1;

nn::PinnsFormerShape small_shape(bool decoder, int tokens, double step)
{
  nn::PinnsFormerShape shape;
  shape.d_model = 8;
  shape.heads = 2;
  shape.layers = 1;
  shape.d_ff = 12;
  shape.hidden = 10;
  shape.decoder = decoder;
  shape.tokens = tokens;
  shape.step = step;
  return shape;
}

using PointsView = Kokkos::View<double**, Kokkos::LayoutRight, MemorySpace>;

/// A small PINNsFormer with its initial parameters moved randomly (WaveAct
/// weights away from 1, biases away from their constants), so that no term
/// vanishes by symmetry.
struct SmallPinnsFormer
{
  nn::PinnsFormer<double> model;
  Vector<double> parameters{"parameters", model.layout().size()};
  Vector<double> gradient{"gradient", model.layout().size()};

  SmallPinnsFormer(bool decoder, int tokens, double step)
      : model(small_shape(decoder, tokens, step))
  {
    model.initialize(parameters, 7);
    std::mt19937 rng(11);
    std::uniform_real_distribution<double> u(-0.3, 0.3);
    auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), parameters);
    for (std::size_t p = 0; p < host.extent(0); ++p)
      host(p) += u(rng);
    Kokkos::deep_copy(parameters, host);
  }

  /// Token rows of `points` (token k at t + k step) as a device matrix.
  PointsView token_rows(const std::vector<test::Point>& points) const
  {
    const auto sequence = model.sequence();
    PointsView view("tokens", points.size() * static_cast<std::size_t>(sequence.length), 2);
    auto host = Kokkos::create_mirror_view(view);
    for (std::size_t n = 0; n < points.size(); ++n)
      for (int k = 0; k < sequence.length; ++k) {
        const std::size_t r = n * static_cast<std::size_t>(sequence.length) + k;
        host(r, X) = static_cast<double>(points[n][X]);
        host(r, T) = static_cast<double>(points[n][T]) + sequence.step * k;
      }
    Kokkos::deep_copy(view, host);
    return view;
  }

  /// Output jet values [component][row] on `set`.
  std::vector<std::vector<double>> jets(const PointsView& rows, const DerivativeSetPtr& set)
  {
    Tape<double> tape;
    tape.bind_parameters(parameters, gradient);
    Var<double> z(tape, tape.coordinates(rows, set));
    const auto u = model.forward(z).value().values;
    auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), u);
    std::vector<std::vector<double>> out(host.extent(0), std::vector<double>(host.extent(1)));
    for (std::size_t c = 0; c < host.extent(0); ++c)
      for (std::size_t r = 0; r < host.extent(1); ++r)
        out[c][r] = host(c, r, 0);
    return out;
  }
};

std::vector<test::Point> random_points(std::mt19937& rng, int count)
{
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::vector<test::Point> points;
  for (int n = 0; n < count; ++n)
    points.push_back({u(rng), u(rng)});
  return points;
}

/// Runs the PyTorch reference; returns false when torch is unavailable.
using TermPoints = std::vector<std::pair<std::string, pde::PointCloud>>;

bool run_torch(SmallPinnsFormer& fixture, const std::vector<test::Point>& points,
               const DerivativeSetPtr& set, std::vector<std::string>& names,
               std::vector<std::vector<double>>& values, const TermPoints& terms = {},
               std::map<std::string, double>* losses = nullptr)
{
  const auto& shape = fixture.model.shape();
  const std::string stem = ::testing::TempDir() + "pinnsformer_" + std::to_string(shape.decoder) +
                           "_" + std::to_string(shape.tokens);
  {
    std::ofstream in(stem + ".in");
    in.precision(17);
    in << shape.d_model << ' ' << shape.heads << ' ' << shape.layers << ' ' << shape.d_ff << ' '
       << shape.hidden << ' ' << shape.tokens << ' ' << shape.decoder << ' ' << shape.step << '\n'
       << points.size() << '\n';
    for (const auto& p : points)
      in << static_cast<double>(p[X]) << ' ' << static_cast<double>(p[T]) << '\n';
    auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), fixture.parameters);
    for (const auto& tensor : fixture.model.layout().tensors()) {
      in << tensor.name;
      for (std::size_t e = 0; e < tensor.size; ++e)
        in << ' ' << host(tensor.offset + e);
      in << '\n';
    }
    in << "indices\n";
    for (const auto& alpha : set->indices())
      in << alpha[X] << ' ' << alpha[T] << '\n';
    for (const auto& [name, cloud] : terms) {
      in << "term " << name << ' ' << cloud.size() << '\n';
      for (std::int64_t n = 0; n < cloud.size(); ++n)
        in << cloud(n, X) << ' ' << cloud(n, T) << '\n';
    }
  }
  const std::string command = "/usr/bin/python3 " PINNBENCH_SOURCE_DIR
                              "/tests/jet/pinnsformer_torch.py " +
                              stem + ".in " + stem + ".out";
  const int status = std::system(command.c_str());
  if (WIFEXITED(status) && WEXITSTATUS(status) == 77)
    return false;
  EXPECT_EQ(status, 0) << command;
  std::ifstream out(stem + ".out");
  std::string line;
  std::getline(out, line);
  std::istringstream name_stream(line);
  for (std::string name; name_stream >> name;)
    names.push_back(name);
  values.assign(static_cast<std::size_t>(set->size()), {});
  while (std::getline(out, line)) {
    std::istringstream row(line);
    if (line.rfind("loss ", 0) == 0) {
      std::string tag, name;
      double value = 0;
      row >> tag >> name >> value;
      if (losses)
        (*losses)[name] = value;
      continue;
    }
    int ax = 0, at = 0;
    row >> ax >> at;
    const int c = set->find(MultiIndex::from({ax, at}));
    for (double v; row >> v;)
      values[static_cast<std::size_t>(c)].push_back(v);
  }
  return true;
}

} // namespace

TEST(PinnsFormer, PaperSizeLayoutAndInitialisation)
{
  nn::PinnsFormerShape shape; // d_model 32, 2 heads, N = 1, d_ff 256, hidden 512
  nn::PinnsFormer<double> full(shape);
  EXPECT_EQ(full.layout().size(), 453561u);
  shape.decoder = false;
  nn::PinnsFormer<double> encoder_only(shape);
  EXPECT_EQ(encoder_only.layout().size(), 366863u);
  EXPECT_EQ(full.layout().tensors().front().name, "linear_emb.weight");
  EXPECT_EQ(full.layout().tensor("encoder.layers.0.attn.in_proj_weight").shape,
            (std::vector<std::size_t>{96, 32}));
  EXPECT_EQ(full.layout().tensors().back().name, "linear_out.4.bias");

  Vector<double> parameters("parameters", full.layout().size());
  full.initialize(parameters, 3);
  auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), parameters);
  const auto& layout = full.layout();
  EXPECT_EQ(host(layout.tensor("decoder.act.w2").offset), 1.0);
  EXPECT_EQ(host(layout.tensor("encoder.layers.0.attn.in_proj_bias").offset + 5), 0.0);
  EXPECT_EQ(host(layout.tensor("linear_out.2.bias").offset + 7), 0.01);
  // xavier_uniform bounds: sqrt(6 / (32 + 96)) for in_proj, sqrt(6 / 544) for the 512 layer.
  const auto& in_proj = layout.tensor("encoder.layers.0.attn.in_proj_weight");
  double largest = 0, sum_squares = 0;
  for (std::size_t e = 0; e < in_proj.size; ++e) {
    largest = std::max(largest, std::fabs(host(in_proj.offset + e)));
    sum_squares += host(in_proj.offset + e) * host(in_proj.offset + e);
  }
  EXPECT_LE(largest, std::sqrt(6.0 / 128));
  // U(-a, a) has variance a^2 / 3 = 2 / (fan_in + fan_out).
  EXPECT_NEAR(sum_squares / in_proj.size, 2.0 / 128, 0.1 * 2.0 / 128);
}

class PinnsFormerVariants : public ::testing::TestWithParam<std::tuple<bool, int, double>>
{};

TEST_P(PinnsFormerVariants, TokenDerivativesMatchPyTorchAutograd)
{
  const auto [decoder, tokens, step] = GetParam();
  SmallPinnsFormer fixture(decoder, tokens, step);
  std::mt19937 rng(3);
  const auto points = random_points(rng, 4);
  const auto set = DerivativeSet::full(2, 3);
  std::vector<std::string> names;
  std::vector<std::vector<double>> expected;
  if (!run_torch(fixture, points, set, names, expected))
    GTEST_SKIP() << "/usr/bin/python3 has no torch";
  std::vector<std::string> layout_names;
  for (const auto& tensor : fixture.model.layout().tensors())
    layout_names.push_back(tensor.name);
  EXPECT_EQ(names, layout_names);
  const auto actual = fixture.jets(fixture.token_rows(points), set);
  for (int c = 0; c < set->size(); ++c) {
    const auto& e = expected[static_cast<std::size_t>(c)];
    ASSERT_EQ(e.size(), points.size() * static_cast<std::size_t>(tokens));
    double scale = 0, diff = 0;
    for (std::size_t r = 0; r < e.size(); ++r) {
      scale = std::max(scale, std::fabs(e[r]));
      diff = std::max(diff, std::fabs(actual[static_cast<std::size_t>(c)][r] - e[r]));
    }
    EXPECT_LE(diff, 1e-10 * scale) << "d^" << (*set)[c].to_string({"x", "t"});
    EXPECT_GT(scale, 0.0);
  }
}

TEST_P(PinnsFormerVariants, TokenDerivativesMatchFiniteDifferences)
{
  // Plain variables, not a structured binding: the lambda below captures them.
  const auto parameters = GetParam();
  const bool decoder = std::get<0>(parameters);
  const int tokens = std::get<1>(parameters);
  const double step = std::get<2>(parameters);
  SmallPinnsFormer fixture(decoder, tokens, step);
  std::mt19937 rng(5);
  const auto points = random_points(rng, 2);
  const auto set = DerivativeSet::full(2, 3);
  const auto actual = fixture.jets(fixture.token_rows(points), set);
  Tape<double> tape;
  tape.bind_parameters(fixture.parameters, fixture.gradient);
  const auto value_only = DerivativeSet::value_only(2);
  for (std::size_t n = 0; n < points.size(); ++n)
    for (int k = 0; k < tokens; ++k) {
      // sum_j out_j with every token at (X, T + j step) and token k moved by (xi, tau).
      auto summed = [&](const test::Point& z) -> long double {
        std::vector<test::Point> single{{z[0], z[1]}};
        PointsView rows = fixture.token_rows(single);
        auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), rows);
        host(k, X) += static_cast<double>(z[2]);
        host(k, T) += static_cast<double>(z[3]);
        Kokkos::deep_copy(rows, host);
        tape.rewind();
        Var<double> in(tape, tape.coordinates(rows, value_only));
        const auto u = Kokkos::create_mirror_view_and_copy(
            Kokkos::HostSpace(), fixture.model.forward(in).value().values);
        long double sum = 0;
        for (int j = 0; j < tokens; ++j)
          sum += u(0, j, 0);
        return sum;
      };
      const test::Point base{points[n][X], points[n][T], 0.0L, 0.0L};
      for (int c = 1; c < set->size(); ++c) {
        const MultiIndex alpha = (*set)[c];
        // The symmetric average over the coordinate differentiated per token.
        long double expected = 0;
        for (int coordinate = 0; coordinate < 2; ++coordinate)
          if (alpha[coordinate] > 0)
            expected += static_cast<long double>(alpha[coordinate]) / alpha.order() *
                        test::partial_derivative(summed, base,
                                                 alpha.plus(coordinate, -1).plus(2 + coordinate));
        const double got = actual[static_cast<std::size_t>(c)][n * tokens + k];
        EXPECT_NEAR(got, static_cast<double>(expected), 2e-6 * (1 + std::fabs(got)))
            << "d^" << alpha.to_string({"x", "t"}) << " at token " << k;
      }
    }
}

TEST_P(PinnsFormerVariants, LossGradientMatchesFiniteDifferences)
{
  const auto [decoder, tokens, step] = GetParam();
  SmallPinnsFormer fixture(decoder, tokens, step);
  std::mt19937 rng(9);
  const PointsView rows = fixture.token_rows(random_points(rng, 3));
  // Wave residual per token plus its gPINN x-derivative: third order through attention.
  const auto set =
      DerivativeSet::closure_of(2, {MultiIndex::from({3, 0}), MultiIndex::from({2, 1}),
                                    MultiIndex::from({1, 2}), MultiIndex::from({0, 3})});
  auto loss = [&](Tape<double>& tape, const Vector<double>& parameters, bool with_gradient) {
    tape.bind_parameters(parameters, fixture.gradient);
    tape.rewind();
    Var<double> z(tape, tape.coordinates(rows, set));
    Var<double> u = fixture.model.forward(z);
    Var<double> r = d(d(u, T), T) - 4.0 * d(d(u, X), X) + u * u;
    std::vector<std::pair<int, double>> seeds{{tape.sum_squares(r.id()), 1.0},
                                              {tape.sum_squares(d(r, X).id()), 0.1}};
    double value = 0;
    for (const auto& [node, weight] : seeds)
      value += weight * tape.scalar(node);
    if (with_gradient) {
      Kokkos::deep_copy(fixture.gradient, 0.0);
      tape.backward(seeds);
    }
    return value;
  };
  Tape<double> tape;
  loss(tape, fixture.parameters, true);
  auto gradient = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), fixture.gradient);
  Vector<double> shifted("shifted", fixture.parameters.extent(0));
  auto base = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), fixture.parameters);
  // Every tensor: its first and last entry (attention, WaveAct weights, biases included).
  std::vector<std::size_t> probes;
  for (const auto& tensor : fixture.model.layout().tensors()) {
    probes.push_back(tensor.offset);
    probes.push_back(tensor.offset + tensor.size - 1);
  }
  Vector<double> unused("unused", fixture.parameters.extent(0));
  double diff = 0, norm = 0;
  for (const std::size_t p : probes) {
    const double h = 1e-5;
    double values[2];
    for (int side = 0; side < 2; ++side) {
      auto host = Kokkos::create_mirror_view(shifted);
      Kokkos::deep_copy(host, base);
      host(p) += side == 0 ? h : -h;
      Kokkos::deep_copy(shifted, host);
      values[side] = loss(tape, shifted, false);
    }
    const double expected = (values[0] - values[1]) / (2 * h);
    diff = std::max(diff, std::fabs(expected - gradient(p)));
    norm = std::max(norm, std::fabs(expected));
  }
  // Relative to the largest gradient entry: the loss is large (per-token third
  // derivatives of nearly coincident tokens), so the differences carry its rounding.
  EXPECT_LE(diff / norm, 1e-6) << "largest gradient " << norm;
}

TEST_P(PinnsFormerVariants, WaveLossTreatsTokensAsTheReference)
{
  const auto [decoder, tokens, step] = GetParam();
  SmallPinnsFormer fixture(decoder, tokens, step);
  const auto grid = test_support::grid_settings(6, 5, 7, 5);
  const pde::WaveTask wave(2.0, 3.0, grid);
  TermPoints terms;
  for (const auto& term : wave.training_terms())
    terms.emplace_back(term.name, term.evaluations.front());
  std::vector<std::string> names;
  std::vector<std::vector<double>> unused;
  std::map<std::string, double> expected;
  if (!run_torch(fixture, {{0.1L, 0.2L}}, DerivativeSet::value_only(2), names, unused, terms,
                 &expected))
    GTEST_SKIP() << "/usr/bin/python3 has no torch";
  train::LossSettings settings;
  settings.chunk_points = 10; // two points of five tokens per chunk
  train::LossFunction<double> loss(wave, wave.training_terms(), fixture.model, nullptr,
                                   parallel::MpiContext(MPI_COMM_SELF), settings);
  const auto value = loss.evaluate(fixture.parameters, false, 0);
  ASSERT_EQ(expected.size(), loss.term_names().size());
  for (std::size_t k = 0; k < value.terms.size(); ++k) {
    const auto& name = loss.term_names()[k];
    EXPECT_NEAR(value.terms[k], expected.at(name), 1e-10 * std::fabs(expected.at(name))) << name;
  }
}

TEST_P(PinnsFormerVariants, ReverseTailMatchesForwardDirections)
{
  // The reverse-mode paths (default) against the path that carries every
  // per-token direction forward through every layer: outputs and the parameter
  // gradient of a loss, FP64 and FP32. The wave and gPINN sets take the reverse
  // tail; the first-order sets (convection, reaction) take the whole network in
  // reverse (attention_adjoint through every attention).
  // Plain variables, not a structured binding: C++17 lambdas cannot capture those.
  const bool decoder = std::get<0>(GetParam());
  const int tokens = std::get<1>(GetParam());
  const double step = std::get<2>(GetParam());
  std::mt19937 rng(13);
  const auto points = random_points(rng, 3);
  const auto third =
      DerivativeSet::closure_of(2, {MultiIndex::from({3, 0}), MultiIndex::from({2, 1}),
                                    MultiIndex::from({1, 2}), MultiIndex::from({0, 3})});
  const auto wave =
      DerivativeSet::closure_of(2, {MultiIndex::from({2, 0}), MultiIndex::from({0, 2})});
  const auto convection = DerivativeSet::full(2, 1);
  const auto reaction = DerivativeSet::closure_of(2, {MultiIndex::from({0, 1})});
  for (const auto& set : {third, wave, convection, reaction}) {
    const bool gpinn = set == third;
    auto run = [&](auto real, bool reverse, std::vector<double>& outputs,
                   std::vector<double>& gradient) {
      using Real = decltype(real);
      auto shape = small_shape(decoder, tokens, step);
      shape.reverse_tail = reverse;
      nn::PinnsFormer<Real> model(shape);
      SmallPinnsFormer reference(decoder, tokens, step);
      Vector<Real> parameters("parameters", model.layout().size());
      Vector<Real> grad("gradient", model.layout().size());
      auto source = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), reference.parameters);
      auto host = Kokkos::create_mirror_view(parameters);
      for (std::size_t p = 0; p < host.extent(0); ++p)
        host(p) = static_cast<Real>(source(p));
      Kokkos::deep_copy(parameters, host);
      const auto rows64 = reference.token_rows(points);
      Kokkos::View<Real**, Kokkos::LayoutRight, MemorySpace> rows("rows", rows64.extent(0), 2);
      auto rows_host = Kokkos::create_mirror_view(rows);
      auto rows64_host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), rows64);
      for (std::size_t r = 0; r < rows.extent(0); ++r)
        for (int j = 0; j < 2; ++j)
          rows_host(r, j) = static_cast<Real>(rows64_host(r, j));
      Kokkos::deep_copy(rows, rows_host);
      Tape<Real> tape;
      tape.bind_parameters(parameters, grad);
      for (int pass = 0; pass < 2; ++pass) { // a rewound tape gives the same again
        tape.rewind();
        Var<Real> z(tape, tape.coordinates(rows, set));
        Var<Real> u = model.forward(z);
        const auto jets =
            Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), u.value().values);
        outputs.assign(jets.data(), jets.data() + jets.size());
        Var<Real> r =
            set->contains(MultiIndex::from({2, 0}))
                ? d(d(u, T), T) - Real(4) * d(d(u, X), X) + u * u
                : d(u, T) + Real(3) * (set->contains(MultiIndex::from({1, 0})) ? d(u, X) : u * u);
        std::vector<std::pair<int, double>> seeds{{tape.sum_squares(r.id()), 1.0},
                                                  {tape.sum_squares(u.id()), 0.5}};
        if (gpinn)
          seeds.push_back({tape.sum_squares(d(r, X).id()), 0.1});
        Kokkos::deep_copy(grad, Real(0));
        tape.backward(seeds);
      }
      auto g = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), grad);
      gradient.assign(g.data(), g.data() + g.size());
    };
    auto compare = [&](const std::vector<double>& expected, const std::vector<double>& actual,
                       double tolerance, const char* what) {
      ASSERT_EQ(expected.size(), actual.size()) << what;
      double scale = 0, diff = 0;
      for (std::size_t i = 0; i < expected.size(); ++i) {
        scale = std::max(scale, std::fabs(expected[i]));
        diff = std::max(diff, std::fabs(actual[i] - expected[i]));
      }
      EXPECT_GT(scale, 0.0) << what;
      EXPECT_LE(diff, tolerance * scale) << what << " on a set of " << set->size() << " components";
    };
    std::vector<double> forward_out, forward_grad, reverse_out, reverse_grad;
    run(double{}, false, forward_out, forward_grad);
    run(double{}, true, reverse_out, reverse_grad);
    compare(forward_out, reverse_out, 1e-12, "fp64 outputs");
    compare(forward_grad, reverse_grad, 1e-11, "fp64 parameter gradient");
    run(float{}, false, forward_out, forward_grad);
    run(float{}, true, reverse_out, reverse_grad);
    compare(forward_out, reverse_out, 2e-4, "fp32 outputs");
    compare(forward_grad, reverse_grad, 2e-3, "fp32 parameter gradient");
  }
}

INSTANTIATE_TEST_SUITE_P(Shapes, PinnsFormerVariants,
                         ::testing::Values(std::make_tuple(true, 5, 1e-4),
                                           std::make_tuple(false, 5, 1e-4),
                                           std::make_tuple(true, 3, 0.1)));
