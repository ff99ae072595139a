// DerivativeSet and the compiled programs against hand-derived facts.
#include <gtest/gtest.h>
#include <map>
#include <pinnbench/core/Error.hpp>
#include <pinnbench/jet/DerivativeSet.hpp>
#include <pinnbench/jet/Programs.hpp>

using namespace pinnbench::jet;

namespace {
MultiIndex mi(std::vector<int> e)
{
  return MultiIndex::from(e);
}
const std::vector<std::string> xt{"x", "t"};
} // namespace

TEST(DerivativeSet, WaveClosureHasFiveComponents)
{
  // u_tt - c^2 u_xx needs {u, x, t, xx, tt}: 5 components, not the 6 of a full order-2 set.
  auto set = DerivativeSet::closure_of(2, {mi({2, 0}), mi({0, 2})});
  EXPECT_EQ(set->size(), 5);
  EXPECT_EQ(set->to_string(xt), "{u, x, t, xx, tt}");
  EXPECT_EQ(set->max_order(), 2);
  EXPECT_TRUE(set->contains(mi({1, 0})));
  EXPECT_FALSE(set->contains(mi({1, 1})));
}

TEST(DerivativeSet, SizesOfFullSets)
{
  // C(d + k, k) multi-indices of order <= k in d coordinates.
  EXPECT_EQ(DerivativeSet::full(2, 2)->size(), 6);
  EXPECT_EQ(DerivativeSet::full(2, 3)->size(), 10);
  EXPECT_EQ(DerivativeSet::full(3, 3)->size(), 20);
  EXPECT_EQ(DerivativeSet::full(6, 2)->size(), 28);
  EXPECT_EQ(DerivativeSet::full(6, 4)->size(), 210);
  EXPECT_EQ(DerivativeSet::full(1, 4)->size(), 5);
}

TEST(DerivativeSet, InterningMakesEqualSetsIdentical)
{
  auto a = DerivativeSet::closure_of(2, {mi({1, 1})});
  auto b = DerivativeSet::closure_of(2, {mi({1, 0}), mi({0, 1}), mi({1, 1})});
  EXPECT_EQ(a.get(), b.get());
  EXPECT_EQ(a->size(), 4);
}

TEST(DerivativeSet, GpinnWaveRaisesToFullOrderThree)
{
  // gPINN needs d_x and d_t of u_tt - 4 u_xx: order 3, |S| = 10 (ARCHITECTURE §2.6).
  auto wave = DerivativeSet::closure_of(2, {mi({2, 0}), mi({0, 2})});
  auto raised = wave->raised(1);
  EXPECT_EQ(raised->size(), 10);
  EXPECT_EQ(raised.get(), DerivativeSet::full(2, 3).get());
}

TEST(DerivativeSet, ShiftedSetAndSourceComponents)
{
  auto set = DerivativeSet::full(2, 2); // u x t xx xt tt
  auto [dx, source] = set->shifted(0);
  EXPECT_EQ(dx->to_string(xt), "{u, x, t}");
  ASSERT_EQ(source.size(), 3u);
  EXPECT_EQ((*set)[source[0]], mi({1, 0}));
  EXPECT_EQ((*set)[source[1]], mi({2, 0}));
  EXPECT_EQ((*set)[source[2]], mi({1, 1}));
  auto wave = DerivativeSet::closure_of(2, {mi({2, 0}), mi({0, 2})});
  // d/dt of {u, x, t, xx, tt}: only t and tt have a t-derivative below them.
  EXPECT_EQ(wave->shifted(1).first->to_string(xt), "{u, t}");
}

TEST(DerivativeSet, EmbeddingMovesCoordinates)
{
  auto set = DerivativeSet::closure_of(2, {mi({1, 0}), mi({0, 1})});
  auto embedded = set->embedded(4, 2);
  EXPECT_EQ(embedded->dimension(), 4);
  EXPECT_EQ(embedded->size(), 3);
  EXPECT_TRUE(embedded->contains(mi({0, 0, 1, 0})));
  EXPECT_TRUE(embedded->contains(mi({0, 0, 0, 1})));
  EXPECT_FALSE(embedded->contains(mi({1, 0, 0, 0})));
}

TEST(DerivativeSet, UnionAndIntersection)
{
  auto a = DerivativeSet::closure_of(2, {mi({2, 0})});
  auto b = DerivativeSet::closure_of(2, {mi({0, 1})});
  EXPECT_EQ(DerivativeSet::union_of(*a, *b)->to_string(xt), "{u, x, t, xx}");
  EXPECT_EQ(DerivativeSet::intersection_of(*a, *b)->to_string(xt), "{u}");
}

TEST(DerivativeSet, RejectsOrdersAboveTheMaximum)
{
  EXPECT_THROW(DerivativeSet::closure_of(2, {mi({5, 0})}), pinnbench::LogicError);
  EXPECT_THROW(DerivativeSet::closure_of(2, {mi({0, 0, 1})}), pinnbench::LogicError);
}

TEST(FaaDiBruno, OneDimensionalCoefficientsAreBellPolynomials)
{
  // Complete Bell polynomial coefficients: y'''' = f'z'''' + f''(4z'z''' + 3z''^2)
  //   + 6 f''' z'^2 z'' + f'''' z'^4.
  auto set = DerivativeSet::full(1, 4);
  auto terms = faa_di_bruno_terms(*set);
  std::map<std::pair<int, std::vector<int>>, double> found;
  for (const auto& t : terms)
    if (t.output == 4)
      found[{t.order, std::vector<int>(t.factors, t.factors + t.order)}] = t.coefficient;
  EXPECT_EQ(found.size(), 5u);
  EXPECT_DOUBLE_EQ((found[{1, {4}}]), 1.0);
  EXPECT_DOUBLE_EQ((found[{2, {3, 1}}]), 4.0);
  EXPECT_DOUBLE_EQ((found[{2, {2, 2}}]), 3.0);
  EXPECT_DOUBLE_EQ((found[{3, {2, 1, 1}}]), 6.0);
  EXPECT_DOUBLE_EQ((found[{4, {1, 1, 1, 1}}]), 1.0);
  // Sum of coefficients of d^k y is the Bell number B_k.
  const double bell[] = {1, 1, 2, 5, 15};
  for (int k = 1; k <= 4; ++k) {
    double sum = 0;
    for (const auto& t : terms)
      if (t.output == k)
        sum += t.coefficient;
    EXPECT_DOUBLE_EQ(sum, bell[k]) << "order " << k;
  }
}

TEST(FaaDiBruno, DistinctVariablesGiveSetPartitions)
{
  // d^4/(dz0 dz1 dz2 dz3) of f(z): one term per set partition of 4 labels (B_4 = 15),
  // each with coefficient 1.
  auto set = DerivativeSet::closure_of(4, {mi({1, 1, 1, 1})});
  const int top = set->find(mi({1, 1, 1, 1}));
  int count = 0;
  for (const auto& t : faa_di_bruno_terms(*set))
    if (t.output == top) {
      ++count;
      EXPECT_DOUBLE_EQ(t.coefficient, 1.0);
    }
  EXPECT_EQ(count, 15);
}

TEST(Leibniz, CoefficientsAreBinomials)
{
  auto set = DerivativeSet::full(2, 3);
  const int xxt = set->find(mi({2, 1}));
  double sum = 0;
  int count = 0;
  for (const auto& t : leibniz_terms(*set, *set, *set))
    if (t.output == xxt) {
      sum += t.coefficient;
      ++count;
    }
  // (AB)_{xxt} has (2+1)(1+1) = 6 terms whose binomials sum to 2^3 = 8.
  EXPECT_EQ(count, 6);
  EXPECT_DOUBLE_EQ(sum, 8.0);
}
