// The attention VJP as an op of its own (attention_adjoint_forward) and its own
// VJP (attention's second-order terms), FP64, against independent truths:
// - the forward against the adjoints the jet attention's VJP kernel gives for
//   the same values and output adjoint (a separate implementation: Leibniz and
//   Faa di Bruno on order-0 jets), for each part;
// - the VJP against central differences of <A, attention_adjoint_forward(q, k, v, g)>
//   in every entry of q, k, v and g, for each part, and its accumulate flags.
#include <gtest/gtest.h>
#include <pinnbench/core/Error.hpp>
#include <pinnbench/jet/Programs.hpp>
#include <pinnbench/jet/Sequence.hpp>
#include <random>
#include <string>
#include <vector>

using namespace pinnbench;
using namespace pinnbench::jet;

namespace {

constexpr int kHeads = 2;
constexpr int kHeadDim = 3;
constexpr int kFeatures = kHeads * kHeadDim;
constexpr int kTokens = 5;
constexpr int kPoints = 3;
constexpr int kRows = kPoints * kTokens;

using Owned = Kokkos::View<double***, Kokkos::LayoutRight, MemorySpace>;

/// An order-0 jet [1][rows][features] owned by the test, with host access.
struct Block
{
  Owned data;
  explicit Block(int features, const char* label = "block")
      : data(std::string(label), 1, kRows, features)
  {}
  int features() const { return static_cast<int>(data.extent(2)); }
  JetView<double> view() const { return JetView<double>(data.data(), 1, kRows, features()); }
  ConstJetView<double> in() const
  {
    return ConstJetView<double>(data.data(), 1, kRows, features());
  }
  std::vector<double> host() const
  {
    auto mirror = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), data);
    return std::vector<double>(mirror.data(), mirror.data() + mirror.size());
  }
  void set(const std::vector<double>& values)
  {
    auto mirror = Kokkos::create_mirror_view(data);
    std::copy(values.begin(), values.end(), mirror.data());
    Kokkos::deep_copy(data, mirror);
  }
};

std::vector<double> random_values(std::mt19937& rng, int count, double spread)
{
  std::uniform_real_distribution<double> u(-spread, spread);
  std::vector<double> values(static_cast<std::size_t>(count));
  for (auto& v : values)
    v = u(rng);
  return values;
}

struct Operands
{
  Block q{kFeatures, "q"}, k{kFeatures, "k"}, v{kFeatures, "v"}, g{kFeatures, "g"};
  explicit Operands(unsigned seed)
  {
    std::mt19937 rng(seed);
    for (Block* b : {&q, &k, &v, &g})
      b->set(random_values(rng, kRows * kFeatures, 1.2));
  }
};

const AttentionPart kParts[] = {AttentionPart::all, AttentionPart::query, AttentionPart::key_value};

double dot(const std::vector<double>& a, const std::vector<double>& b)
{
  double sum = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i)
    sum += a[i] * b[i];
  return sum;
}

} // namespace

TEST(AttentionAdjoint, ForwardMatchesTheJetAttentionVjp)
{
  const Operands x(3);
  const auto set = DerivativeSet::full(2, 0);
  const auto& leibniz = leibniz_program(set, set, set);
  const auto& chain = faa_di_bruno_program(set);
  const std::size_t scratch_size =
      attention_scratch_per_head(1, kTokens) * static_cast<std::size_t>(kPoints * kHeads);
  Kokkos::View<double*, MemorySpace> scratch("scratch", scratch_size), work("work", scratch_size);
  Block out(kFeatures), dq(kFeatures), dk(kFeatures), dv(kFeatures);
  attention_forward<double>(leibniz, chain, kHeads, kTokens, x.q.in(), x.k.in(), x.v.in(),
                            scratch.data(), out.view());
  attention_vjp<double>(leibniz, chain, kHeads, kTokens, x.q.in(), x.k.in(), x.v.in(),
                        scratch.data(), work.data(), x.g.in(), dq.view(), false, dk.view(), false,
                        dv.view(), false);
  const std::vector<double> expected[3] = {dq.host(), dk.host(), dv.host()};
  for (const AttentionPart part : kParts) {
    const int width = attention_part_width(part);
    Block adjoint(width * kFeatures);
    attention_adjoint_forward<double>(kHeads, kTokens, part, x.q.in(), x.k.in(), x.v.in(), x.g.in(),
                                      adjoint.view());
    const auto got = adjoint.host();
    const int first = part == AttentionPart::key_value ? 1 : 0;
    double scale = 0.0, diff = 0.0;
    for (int r = 0; r < kRows; ++r)
      for (int s = 0; s < width; ++s)
        for (int f = 0; f < kFeatures; ++f) {
          const double want = expected[first + s][static_cast<std::size_t>(r * kFeatures + f)];
          const double have = got[static_cast<std::size_t>((r * width + s) * kFeatures + f)];
          scale = std::max(scale, std::fabs(want));
          diff = std::max(diff, std::fabs(have - want));
        }
    EXPECT_GT(scale, 0.1);
    EXPECT_LE(diff, 1e-14 * scale) << "part " << static_cast<int>(part);
  }
}

TEST(AttentionAdjoint, VjpMatchesCentralDifferences)
{
  Operands x(5);
  std::mt19937 rng(17);
  for (const AttentionPart part : kParts) {
    const int width = attention_part_width(part) * kFeatures;
    Block weights(width);
    weights.set(random_values(rng, kRows * width, 1.0));
    const auto a = weights.host();
    // L = <A, attention_adjoint_forward(q, k, v, g)>.
    auto loss = [&]() {
      Block out(width);
      attention_adjoint_forward<double>(kHeads, kTokens, part, x.q.in(), x.k.in(), x.v.in(),
                                        x.g.in(), out.view());
      return dot(a, out.host());
    };
    Block dq(kFeatures), dk(kFeatures), dv(kFeatures), dg(kFeatures);
    attention_adjoint_vjp<double>(kHeads, kTokens, part, x.q.in(), x.k.in(), x.v.in(), x.g.in(),
                                  weights.in(), dq.view(), false, dk.view(), false, dv.view(),
                                  false, dg.view(), false);
    Block* operands[] = {&x.q, &x.k, &x.v, &x.g};
    const Block* adjoints[] = {&dq, &dk, &dv, &dg};
    const char* names[] = {"q", "k", "v", "g"};
    for (int o = 0; o < 4; ++o) {
      const auto analytic = adjoints[o]->host();
      auto values = operands[o]->host();
      double scale = 0.0, diff = 0.0;
      for (std::size_t i = 0; i < values.size(); ++i) {
        const double h = 1e-5;
        const double saved = values[i];
        values[i] = saved + h;
        operands[o]->set(values);
        const double up = loss();
        values[i] = saved - h;
        operands[o]->set(values);
        const double down = loss();
        values[i] = saved;
        operands[o]->set(values);
        const double numeric = (up - down) / (2 * h);
        scale = std::max(scale, std::fabs(numeric));
        diff = std::max(diff, std::fabs(analytic[i] - numeric));
      }
      EXPECT_GT(scale, 1e-3) << names[o];
      EXPECT_LE(diff, 1e-8 * std::max(scale, 1.0))
          << "adjoint of " << names[o] << ", part " << static_cast<int>(part);
    }
    // Accumulating adds to what is there: a second call doubles every adjoint.
    const std::vector<double> once[4] = {dq.host(), dk.host(), dv.host(), dg.host()};
    attention_adjoint_vjp<double>(kHeads, kTokens, part, x.q.in(), x.k.in(), x.v.in(), x.g.in(),
                                  weights.in(), dq.view(), true, dk.view(), true, dv.view(), true,
                                  dg.view(), true);
    const std::vector<double> twice[4] = {dq.host(), dk.host(), dv.host(), dg.host()};
    for (int o = 0; o < 4; ++o)
      for (std::size_t i = 0; i < once[o].size(); ++i)
        EXPECT_NEAR(twice[o][i], 2 * once[o][i], 1e-14) << names[o] << " " << i;
  }
}

TEST(AttentionAdjoint, RefusesJetsAndLongSequences)
{
  const Operands x(1);
  Block out(3 * kFeatures);
  // Order-1 operands: [2][rows][features].
  Owned jets("jets", 2, kRows, kFeatures);
  const ConstJetView<double> jet(jets.data(), 2, kRows, kFeatures);
  EXPECT_THROW(attention_adjoint_forward<double>(kHeads, kTokens, AttentionPart::all, jet, jet, jet,
                                                 jet, out.view()),
               LogicError);
  // A width that does not match the part.
  EXPECT_THROW(attention_adjoint_forward<double>(kHeads, kTokens, AttentionPart::query, x.q.in(),
                                                 x.k.in(), x.v.in(), x.g.in(), out.view()),
               LogicError);
  // More tokens than the kernel keeps on its stack (rows stay whole sequences).
  Owned rows("rows", 1, 2 * (kMaxAdjointTokens + 1), kFeatures);
  Owned wide("wide", 1, 2 * (kMaxAdjointTokens + 1), 3 * kFeatures);
  const ConstJetView<double> r(rows.data(), 1, 2 * (kMaxAdjointTokens + 1), kFeatures);
  EXPECT_THROW(attention_adjoint_forward<double>(
                   kHeads, kMaxAdjointTokens + 1, AttentionPart::all, r, r, r, r,
                   JetView<double>(wide.data(), 1, 2 * (kMaxAdjointTokens + 1), 3 * kFeatures)),
               LogicError);
}
