// QRes through the tape against independent truths: its output jet to order 3
// (mixed derivatives included) against long-double finite differences of a
// separate long-double QRes, the parameter gradient of a gPINN wave loss against
// central differences, and the reference's parameter layout and counts
// (spec/ropinn.md §4.4).
#include "nn/ModelChecks.hpp"

#include <cmath>
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
    test::evaluate<double>(tape, fixture.model, fixture.parameters, fixture.gradient, build, true);
    const auto expected =
        test::finite_difference_gradient<double>(fixture.model, fixture.parameters, build, 1e-6);
    EXPECT_LE(test::gradient_mismatch(expected, fixture.gradient), 1e-6) << gradient_enhanced;
  }
}
