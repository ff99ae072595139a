// Every jet kernel against independent truths:
// - forward: each output component d^alpha of f(q(z)), q*p, ... against
//   long-double finite differences of the composed scalar function (orders up
//   to 4, mixed partials), for input jets q whose derivatives are exact;
// - VJP: the dot-product identity <adj_y, J dz> = <J^T adj_y, dz>, with J dz by
//   central differences of the forward kernel.
#include "support/FiniteDifference.hpp"
#include "support/UnaryReference.hpp"

#include <gtest/gtest.h>
#include <pinnbench/jet/Kernels.hpp>
#include <random>

using namespace pinnbench;
using namespace pinnbench::jet;

namespace {

template <class Real>
using Owned = Kokkos::View<Real***, Kokkos::LayoutRight, MemorySpace>;

struct Points
{
  std::vector<test::Point> z;
  int dimension() const { return static_cast<int>(z.front().size()); }
  int size() const { return static_cast<int>(z.size()); }
};

Points random_points(std::mt19937& rng, int count, int dimension)
{
  std::uniform_real_distribution<double> u(-0.8, 0.8);
  Points points;
  for (int n = 0; n < count; ++n) {
    test::Point p;
    for (int j = 0; j < dimension; ++j)
      p.push_back(u(rng));
    points.z.push_back(p);
  }
  return points;
}

template <class Real>
Owned<Real> analytic_jet(const DerivativeSet& set, const std::vector<test::AnalyticField>& fields,
                         const Points& points)
{
  Owned<Real> jet("analytic", set.size(), points.size(), fields.size());
  auto host = Kokkos::create_mirror_view(jet);
  for (int c = 0; c < set.size(); ++c)
    for (int n = 0; n < points.size(); ++n)
      for (std::size_t f = 0; f < fields.size(); ++f)
        host(c, n, f) =
            static_cast<Real>(fields[f].derivative(points.z[static_cast<std::size_t>(n)], set[c]));
  Kokkos::deep_copy(jet, host);
  return jet;
}

template <class Real>
Owned<Real> random_jet(std::mt19937& rng, int components, int points, int features)
{
  std::normal_distribution<double> normal;
  Owned<Real> jet("random", components, points, features);
  auto host = Kokkos::create_mirror_view(jet);
  for (std::size_t i = 0; i < host.size(); ++i)
    host.data()[i] = static_cast<Real>(normal(rng));
  Kokkos::deep_copy(jet, host);
  return jet;
}

template <class Real>
Owned<Real> like(const Owned<Real>& jet)
{
  return Owned<Real>("like", jet.extent(0), jet.extent(1), jet.extent(2));
}

template <class View>
double dot(const View& a, const View& b)
{
  auto ha = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), a);
  auto hb = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), b);
  double sum = 0;
  for (std::size_t i = 0; i < ha.size(); ++i)
    sum += static_cast<double>(ha.data()[i]) * static_cast<double>(hb.data()[i]);
  return sum;
}

/// a + h * direction, elementwise.
template <class Real>
Owned<Real> shifted(const Owned<Real>& a, const Owned<Real>& direction, double h)
{
  auto result = like(a);
  auto ha = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), a);
  auto hd = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), direction);
  auto hr = Kokkos::create_mirror_view(result);
  for (std::size_t i = 0; i < ha.size(); ++i)
    hr.data()[i] = static_cast<Real>(ha.data()[i] + h * hd.data()[i]);
  Kokkos::deep_copy(result, hr);
  return result;
}

/// Compare every component of `jet` (host copy) with finite differences of
/// `reference(f, z)`; orders <= 2 to tolerance_low, 3-4 to tolerance_high.
template <class Real, class Reference>
void expect_matches_finite_differences(const Owned<Real>& jet, const DerivativeSet& set,
                                       const Points& points, Reference reference,
                                       double tolerance_low, double tolerance_high,
                                       const std::string& what)
{
  auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), jet);
  const int features = static_cast<int>(jet.extent(2));
  for (int c = 0; c < set.size(); ++c)
    for (int f = 0; f < features; ++f) {
      std::vector<double> actual;
      std::vector<long double> expected;
      for (int n = 0; n < points.size(); ++n) {
        actual.push_back(static_cast<double>(host(c, n, f)));
        expected.push_back(
            test::partial_derivative([&](const test::Point& z) { return reference(f, z); },
                                     points.z[static_cast<std::size_t>(n)], set[c]));
      }
      const double tolerance = set[c].order() <= 2 ? tolerance_low : tolerance_high;
      EXPECT_LE(test::relative_error(actual, expected), tolerance)
          << what << ": component " << set[c].to_string({"x", "t", "y"}) << ", feature " << f;
    }
}

std::vector<DerivativeSetPtr> test_sets()
{
  return {DerivativeSet::closure_of(2, {MultiIndex::from({2, 0}), MultiIndex::from({0, 2})}),
          DerivativeSet::full(2, 2), DerivativeSet::full(2, 4), DerivativeSet::full(3, 3),
          DerivativeSet::full(1, 4)};
}

const UnaryKind all_kinds[] = {UnaryKind::tanh,    UnaryKind::sin,        UnaryKind::cos,
                               UnaryKind::sigmoid, UnaryKind::silu,       UnaryKind::exp,
                               UnaryKind::log,     UnaryKind::reciprocal, UnaryKind::sqrt,
                               UnaryKind::square,  UnaryKind::wave};

} // namespace

// ---------------------------------------------------------------------------------
// forward kernels

TEST(JetKernels, UnaryForwardMatchesFiniteDifferencesForEveryFunctionAndSet)
{
  std::mt19937 rng(7);
  for (const auto& set : test_sets()) {
    const Points points = random_points(rng, 4, set->dimension());
    for (UnaryKind kind : all_kinds) {
      const long double offset = test::positive_domain(kind) ? 2.5L : 0.1L;
      std::vector<test::AnalyticField> fields{
          test::AnalyticField::random(rng, set->dimension(), offset),
          test::AnalyticField::random(rng, set->dimension(), -offset / 2 + 2 * offset * 0.6L)};
      auto z = analytic_jet<double>(*set, fields, points);
      const auto& program = faa_di_bruno_program(set);
      for (KernelVariant variant : {KernelVariant::host_blocked, KernelVariant::flat}) {
        auto y = like(z);
        unary_forward<double>(kind, 0.7, -1.3, program, z, y, variant);
        expect_matches_finite_differences(
            y, *set, points,
            [&](int f, const test::Point& p) {
              return test::unary_reference(kind, fields[static_cast<std::size_t>(f)].value(p));
            },
            1e-7, 1e-5,
            to_string(kind) + " on " + set->to_string({"x", "t", "y"}) +
                (variant == KernelVariant::flat ? " (flat)" : " (blocked)"));
      }
    }
  }
}

TEST(JetKernels, UnaryForwardInFloatMatchesToSinglePrecision)
{
  std::mt19937 rng(11);
  const auto set = DerivativeSet::full(2, 3);
  const Points points = random_points(rng, 4, 2);
  for (UnaryKind kind : {UnaryKind::tanh, UnaryKind::sin, UnaryKind::sigmoid}) {
    std::vector<test::AnalyticField> fields{test::AnalyticField::random(rng, 2, 0.2L)};
    auto z = analytic_jet<float>(*set, fields, points);
    auto y = like(z);
    unary_forward<float>(kind, 1.0f, 1.0f, faa_di_bruno_program(set), z, y);
    expect_matches_finite_differences(
        y, *set, points,
        [&](int, const test::Point& p) { return test::unary_reference(kind, fields[0].value(p)); },
        2e-5, 1e-4, to_string(kind) + " (float)");
  }
}

TEST(JetKernels, BlockedAndFlatAgreeAcrossFeatureBlocks)
{
  // 70 features crosses the 64-wide feature blocks of the host kernel.
  std::mt19937 rng(3);
  const auto set = DerivativeSet::full(2, 3);
  auto z = random_jet<double>(rng, set->size(), 9, 70);
  auto adjoint = random_jet<double>(rng, set->size(), 9, 70);
  for (UnaryKind kind : {UnaryKind::tanh, UnaryKind::silu, UnaryKind::wave}) {
    auto a = like(z), b = like(z), ga = like(z), gb = like(z);
    const auto& program = faa_di_bruno_program(set);
    unary_forward<double>(kind, 0.3, 0.9, program, z, a, KernelVariant::host_blocked);
    unary_forward<double>(kind, 0.3, 0.9, program, z, b, KernelVariant::flat);
    unary_vjp<double>(kind, 0.3, 0.9, program, z, adjoint, ga, false, KernelVariant::host_blocked);
    unary_vjp<double>(kind, 0.3, 0.9, program, z, adjoint, gb, false, KernelVariant::flat);
    auto ha = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), a);
    auto hb = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), b);
    auto hga = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), ga);
    auto hgb = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), gb);
    for (std::size_t i = 0; i < ha.size(); ++i) {
      ASSERT_NEAR(ha.data()[i], hb.data()[i], 1e-12 * (1 + std::fabs(hb.data()[i])));
      ASSERT_NEAR(hga.data()[i], hgb.data()[i], 1e-11 * (1 + std::fabs(hgb.data()[i])));
    }
  }
}

TEST(JetKernels, FusedSecondOrderKernelsMatchTheGenericFlatOnes)
{
  // Sets of order <= 2 run the fused host kernels (second_order_fast_path);
  // the flat kernels evaluate the generic Faa di Bruno program term by term.
  std::mt19937 rng(4);
  const std::vector<DerivativeSetPtr> sets = {
      DerivativeSet::full(2, 2), DerivativeSet::full(3, 2), DerivativeSet::full(2, 1),
      DerivativeSet::closure_of(2, {MultiIndex::from({1, 1})}),
      DerivativeSet::closure_of(3, {MultiIndex::from({2, 0, 0}), MultiIndex::from({0, 1, 1})})};
  for (const auto& set : sets) {
    const auto& program = faa_di_bruno_program(set);
    ASSERT_TRUE(program.second_order_fast_path) << set->to_string({"x", "t", "y"});
    auto z = random_jet<double>(rng, set->size(), 7, 70);
    auto adjoint = random_jet<double>(rng, set->size(), 7, 70);
    for (UnaryKind kind : {UnaryKind::tanh, UnaryKind::sin, UnaryKind::wave}) {
      auto a = like(z), b = like(z), ga = like(z), gb = like(z);
      unary_forward<double>(kind, 0.3, 0.9, program, z, a, KernelVariant::host_blocked);
      unary_forward<double>(kind, 0.3, 0.9, program, z, b, KernelVariant::flat);
      // Accumulating onto a first call checks both write modes.
      for (bool accumulate : {false, true}) {
        unary_vjp<double>(kind, 0.3, 0.9, program, z, adjoint, ga, accumulate,
                          KernelVariant::host_blocked);
        unary_vjp<double>(kind, 0.3, 0.9, program, z, adjoint, gb, accumulate, KernelVariant::flat);
      }
      auto ha = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), a);
      auto hb = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), b);
      auto hga = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), ga);
      auto hgb = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), gb);
      for (std::size_t i = 0; i < ha.size(); ++i) {
        ASSERT_NEAR(ha.data()[i], hb.data()[i], 1e-12 * (1 + std::fabs(hb.data()[i])))
            << to_string(kind) << " on " << set->to_string({"x", "t", "y"});
        ASSERT_NEAR(hga.data()[i], hgb.data()[i], 1e-11 * (1 + std::fabs(hgb.data()[i])))
            << to_string(kind) << " on " << set->to_string({"x", "t", "y"});
      }
    }
  }
  // Third order and collapsed Laplacians keep their own kernels.
  EXPECT_FALSE(faa_di_bruno_program(DerivativeSet::full(2, 3)).second_order_fast_path);
}

TEST(JetKernels, LeibnizProductMatchesFiniteDifferences)
{
  std::mt19937 rng(5);
  for (const auto& set : test_sets()) {
    const Points points = random_points(rng, 4, set->dimension());
    std::vector<test::AnalyticField> p{test::AnalyticField::random(rng, set->dimension(), 0.3L),
                                       test::AnalyticField::random(rng, set->dimension(), -0.2L)};
    std::vector<test::AnalyticField> q{test::AnalyticField::random(rng, set->dimension(), 0.5L)};
    auto a = analytic_jet<double>(*set, p, points);
    auto b = analytic_jet<double>(*set, q, points);
    Owned<double> c("c", set->size(), points.size(), 2);
    // b has one feature and broadcasts over a's two.
    leibniz_forward<double>(leibniz_program(set, set, set), a, FeatureSelection{0, 1}, b,
                            FeatureSelection{0, 0}, c);
    expect_matches_finite_differences(
        c, *set, points,
        [&](int f, const test::Point& z) {
          return p[static_cast<std::size_t>(f)].value(z) * q[0].value(z);
        },
        1e-7, 1e-5, "product on " + set->to_string({"x", "t", "y"}));
  }
}

TEST(JetKernels, ProductOfDifferentSetsLivesOnTheirIntersection)
{
  std::mt19937 rng(8);
  auto left = DerivativeSet::closure_of(2, {MultiIndex::from({3, 0}), MultiIndex::from({1, 1})});
  auto right = DerivativeSet::full(2, 2);
  auto common = DerivativeSet::intersection_of(*left, *right);
  ASSERT_EQ(common->size(), 5); // u x t xx xt
  const Points points = random_points(rng, 5, 2);
  std::vector<test::AnalyticField> p{test::AnalyticField::random(rng, 2, 0.1L)};
  std::vector<test::AnalyticField> q{test::AnalyticField::random(rng, 2, 0.4L)};
  auto a = analytic_jet<double>(*left, p, points);
  auto b = analytic_jet<double>(*right, q, points);
  Owned<double> c("c", common->size(), points.size(), 1);
  leibniz_forward<double>(leibniz_program(common, left, right), a, {}, b, {}, c);
  expect_matches_finite_differences(
      c, *common, points, [&](int, const test::Point& z) { return p[0].value(z) * q[0].value(z); },
      1e-7, 1e-5, "product of different sets");
}

TEST(JetKernels, CombineIsExactForSumsDerivativesSlicesAndEmbeddings)
{
  std::mt19937 rng(9);
  const auto set = DerivativeSet::full(2, 3);
  const Points points = random_points(rng, 6, 2);
  std::vector<test::AnalyticField> p{test::AnalyticField::random(rng, 2, 0.1L),
                                     test::AnalyticField::random(rng, 2, 0.3L)};
  auto a = analytic_jet<double>(*set, p, points);
  auto check = [&](const Owned<double>& out, const DerivativeSet& out_set, auto expected_value,
                   const std::string& what) {
    auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), out);
    for (int c = 0; c < out_set.size(); ++c)
      for (int n = 0; n < points.size(); ++n)
        for (int f = 0; f < static_cast<int>(out.extent(2)); ++f) {
          const long double expected = expected_value(c, n, f);
          ASSERT_NEAR(host(c, n, f), expected, 1e-13 * (1 + std::fabs(expected))) << what;
        }
  };
  // 2 a_0 - 0.5 a_1 + 3 on the value.
  {
    Owned<double> out("out", set->size(), points.size(), 1);
    auto identity = device_component_map(set, set);
    combine_forward<double>(out, 2.0, a, identity, FeatureSelection{0, 1}, -0.5, a, identity,
                            FeatureSelection{1, 1}, 3.0);
    check(
        out, *set,
        [&](int c, int n, int) {
          const auto& z = points.z[static_cast<std::size_t>(n)];
          return 2 * p[0].derivative(z, (*set)[c]) - 0.5L * p[1].derivative(z, (*set)[c]) +
                 (c == 0 ? 3 : 0);
        },
        "axpby with slices");
  }
  // d/dt: components of the shifted set are the analytic derivatives one order up.
  {
    // A named variable, not a structured binding: C++17 lambdas cannot capture
    // those (clang and hipcc reject it).
    const jet::DerivativeSetPtr dt_set = set->shifted(1).first;
    Owned<double> out("out", dt_set->size(), points.size(), 2);
    combine_forward<double>(out, 1.0, a, device_shift_map(set, 1), {}, 0.0, Owned<double>(),
                            ComponentMap(), {}, 0.0);
    check(
        out, *dt_set,
        [&](int c, int n, int f) {
          return p[static_cast<std::size_t>(f)].derivative(points.z[static_cast<std::size_t>(n)],
                                                           (*dt_set)[c].plus(1));
        },
        "d/dt");
  }
  // Embedding into 4 coordinates at offset 2: a jet of q(z2, z3).
  {
    const auto embedded = set->embedded(4, 2);
    Owned<double> out("out", embedded->size(), points.size(), 2);
    combine_forward<double>(out, 1.0, a, device_embed_map(set, embedded, 2), {}, 0.0,
                            Owned<double>(), ComponentMap(), {}, 0.0);
    check(
        out, *embedded,
        [&](int c, int n, int f) {
          const MultiIndex beta = (*embedded)[c];
          return p[static_cast<std::size_t>(f)].derivative(points.z[static_cast<std::size_t>(n)],
                                                           MultiIndex::from({beta[2], beta[3]}));
        },
        "embed");
    // Into the union with a first-order set on coordinates 0, 1: those
    // derivatives of a function of (z2, z3) are zero.
    const auto target = DerivativeSet::union_of(*embedded, *DerivativeSet::full(4, 1));
    Owned<double> wide("wide", target->size(), points.size(), 2);
    combine_forward<double>(wide, 1.0, a, device_embed_map(set, target, 2), {}, 0.0,
                            Owned<double>(), ComponentMap(), {}, 0.0);
    check(
        wide, *target,
        [&](int c, int n, int f) -> long double {
          const MultiIndex beta = (*target)[c];
          if (beta[0] != 0 || beta[1] != 0)
            return 0;
          return p[static_cast<std::size_t>(f)].derivative(points.z[static_cast<std::size_t>(n)],
                                                           MultiIndex::from({beta[2], beta[3]}));
        },
        "embed into a union");
  }
}

TEST(JetKernels, CoordinateJetIsTheIdentityMap)
{
  const auto set = DerivativeSet::full(2, 2);
  Kokkos::View<double**, Kokkos::LayoutRight, MemorySpace> points("points", 3, 2);
  auto host_points = Kokkos::create_mirror_view(points);
  for (int n = 0; n < 3; ++n) {
    host_points(n, 0) = 0.1 * n;
    host_points(n, 1) = -0.3 * n;
  }
  Kokkos::deep_copy(points, host_points);
  Owned<double> jet("jet", set->size(), 3, 2);
  coordinate_jet<double>(points, {set->find(MultiIndex::unit(0)), set->find(MultiIndex::unit(1))},
                         jet);
  auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), jet);
  for (int c = 0; c < set->size(); ++c)
    for (int n = 0; n < 3; ++n)
      for (int j = 0; j < 2; ++j) {
        const MultiIndex& alpha = (*set)[c];
        const double expected = alpha.is_zero()                ? host_points(n, j)
                                : alpha == MultiIndex::unit(j) ? 1.0
                                                               : 0.0;
        EXPECT_EQ(host(c, n, j), expected);
      }
}

TEST(JetKernels, LinearLayerIsOneGemmOnEveryComponent)
{
  std::mt19937 rng(12);
  const int components = 5, points = 7, inputs = 6, outputs = 4;
  auto a = random_jet<double>(rng, components, points, inputs);
  Kokkos::View<double**, Kokkos::LayoutRight, MemorySpace> w("w", outputs, inputs);
  Kokkos::View<double*, MemorySpace> b("b", outputs);
  auto hw = Kokkos::create_mirror_view(w);
  auto hb = Kokkos::create_mirror_view(b);
  std::normal_distribution<double> normal;
  for (int o = 0; o < outputs; ++o) {
    hb(o) = normal(rng);
    for (int i = 0; i < inputs; ++i)
      hw(o, i) = normal(rng);
  }
  Kokkos::deep_copy(w, hw);
  Kokkos::deep_copy(b, hb);
  Owned<double> z("z", components, points, outputs);
  const auto flops = linear_forward<double>(a, w, b, z);
  EXPECT_EQ(flops, 2LL * components * points * inputs * outputs);
  auto ha = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), a);
  auto hz = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), z);
  for (int c = 0; c < components; ++c)
    for (int n = 0; n < points; ++n)
      for (int o = 0; o < outputs; ++o) {
        double expected = c == 0 ? hb(o) : 0.0;
        for (int i = 0; i < inputs; ++i)
          expected += hw(o, i) * ha(c, n, i);
        EXPECT_NEAR(hz(c, n, o), expected, 1e-12);
      }
}

// ---------------------------------------------------------------------------------
// VJP kernels: dot-product tests

TEST(JetVjp, UnaryForEveryFunctionBothVariants)
{
  std::mt19937 rng(21);
  for (const auto& set :
       {DerivativeSet::full(2, 2), DerivativeSet::full(2, 4), DerivativeSet::full(3, 3)}) {
    const auto& program = faa_di_bruno_program(set);
    for (UnaryKind kind : all_kinds) {
      auto z = random_jet<double>(rng, set->size(), 5, 3);
      if (test::positive_domain(kind)) {
        // Keep the value component well inside the domain.
        auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), z);
        for (int n = 0; n < 5; ++n)
          for (int f = 0; f < 3; ++f)
            host(0, n, f) = 2.0 + 0.3 * host(0, n, f);
        Kokkos::deep_copy(z, host);
      }
      auto direction = random_jet<double>(rng, set->size(), 5, 3);
      auto adjoint_y = random_jet<double>(rng, set->size(), 5, 3);
      const double h = 1e-5;
      auto plus = like(z), minus = like(z);
      unary_forward<double>(kind, 0.7, -1.3, program, shifted(z, direction, h), plus);
      unary_forward<double>(kind, 0.7, -1.3, program, shifted(z, direction, -h), minus);
      const double lhs = (dot(adjoint_y, plus) - dot(adjoint_y, minus)) / (2 * h);
      for (KernelVariant variant : {KernelVariant::host_blocked, KernelVariant::flat}) {
        auto adjoint_z = like(z);
        unary_vjp<double>(kind, 0.7, -1.3, program, z, adjoint_y, adjoint_z, false, variant);
        const double rhs = dot(adjoint_z, direction);
        EXPECT_NEAR(lhs, rhs, 1e-7 * (1 + std::fabs(rhs)))
            << to_string(kind) << " on " << set->to_string({"x", "t", "y"});
        // accumulate = true adds a second copy.
        unary_vjp<double>(kind, 0.7, -1.3, program, z, adjoint_y, adjoint_z, true, variant);
        EXPECT_NEAR(dot(adjoint_z, direction), 2 * rhs, 1e-12 * (1 + std::fabs(rhs)));
      }
    }
  }
}

TEST(JetVjp, WaveActivationParameters)
{
  std::mt19937 rng(22);
  const auto set = DerivativeSet::full(2, 3);
  const auto& program = faa_di_bruno_program(set);
  // 70 features: a full feature block and a partial one in the blocked kernel.
  for (int features : {4, 70})
    for (KernelVariant variant : {KernelVariant::host_blocked, KernelVariant::flat}) {
      auto z = random_jet<double>(rng, set->size(), 6, features);
      auto adjoint_y = random_jet<double>(rng, set->size(), 6, features);
      double g1 = 0, g2 = 0;
      wave_parameter_gradient<double>(program, z, adjoint_y, g1, g2, variant);
      const double h = 1e-6, w1 = 0.8, w2 = -0.4;
      auto loss = [&](double a, double b) {
        auto y = like(z);
        unary_forward<double>(UnaryKind::wave, a, b, program, z, y);
        return dot(adjoint_y, y);
      };
      EXPECT_NEAR(g1, (loss(w1 + h, w2) - loss(w1 - h, w2)) / (2 * h), 1e-7 * (1 + std::fabs(g1)));
      EXPECT_NEAR(g2, (loss(w1, w2 + h) - loss(w1, w2 - h)) / (2 * h), 1e-7 * (1 + std::fabs(g2)));
    }
}

TEST(JetVjp, LeibnizBothOperandsWithBroadcast)
{
  std::mt19937 rng(23);
  const auto set = DerivativeSet::full(2, 3);
  const auto& program = leibniz_program(set, set, set);
  auto a = random_jet<double>(rng, set->size(), 5, 3);
  auto b = random_jet<double>(rng, set->size(), 5, 1);
  auto adjoint_c = random_jet<double>(rng, set->size(), 5, 3);
  const FeatureSelection sel_a{0, 1}, sel_b{0, 0};
  auto forward = [&](const Owned<double>& x, const Owned<double>& y) {
    Owned<double> c("c", set->size(), 5, 3);
    leibniz_forward<double>(program, x, sel_a, y, sel_b, c);
    return dot(adjoint_c, c);
  };
  const double h = 1e-6;
  auto da = random_jet<double>(rng, set->size(), 5, 3);
  auto db = random_jet<double>(rng, set->size(), 5, 1);
  auto adjoint_a = like(a);
  auto adjoint_b = like(b);
  leibniz_vjp<double>(program, adjoint_c, b, sel_b, adjoint_a, sel_a, true, false);
  leibniz_vjp<double>(program, adjoint_c, a, sel_a, adjoint_b, sel_b, false, false);
  const double lhs_a = (forward(shifted(a, da, h), b) - forward(shifted(a, da, -h), b)) / (2 * h);
  const double lhs_b = (forward(a, shifted(b, db, h)) - forward(a, shifted(b, db, -h))) / (2 * h);
  EXPECT_NEAR(lhs_a, dot(adjoint_a, da), 1e-7 * (1 + std::fabs(lhs_a)));
  EXPECT_NEAR(lhs_b, dot(adjoint_b, db), 1e-7 * (1 + std::fabs(lhs_b)));
}

TEST(JetVjp, CombineWithMissingComponentsAndBroadcast)
{
  std::mt19937 rng(24);
  const auto big = DerivativeSet::full(2, 2);
  const auto small = DerivativeSet::closure_of(2, {MultiIndex::from({1, 0})});
  // out on `big` reads a (on big, 1 feature broadcast) and b (on small: missing
  // components read zero).
  auto a = random_jet<double>(rng, big->size(), 4, 1);
  auto b = random_jet<double>(rng, small->size(), 4, 2);
  auto adjoint_out = random_jet<double>(rng, big->size(), 4, 2);
  auto map_a = device_component_map(big, big);
  auto map_b = device_component_map(small, big);
  auto forward = [&](const Owned<double>& x, const Owned<double>& y) {
    Owned<double> out("out", big->size(), 4, 2);
    combine_forward<double>(out, 1.5, x, map_a, FeatureSelection{0, 0}, -2.0, y, map_b,
                            FeatureSelection{0, 1}, 0.25);
    return dot(adjoint_out, out);
  };
  auto adjoint_a = like(a), adjoint_b = like(b);
  combine_vjp<double>(adjoint_out, 1.5, map_a, FeatureSelection{0, 0}, adjoint_a, false);
  combine_vjp<double>(adjoint_out, -2.0, map_b, FeatureSelection{0, 1}, adjoint_b, false);
  auto da = random_jet<double>(rng, big->size(), 4, 1);
  auto db = random_jet<double>(rng, small->size(), 4, 2);
  const double h = 1e-6;
  EXPECT_NEAR((forward(shifted(a, da, h), b) - forward(shifted(a, da, -h), b)) / (2 * h),
              dot(adjoint_a, da), 1e-8);
  EXPECT_NEAR((forward(a, shifted(b, db, h)) - forward(a, shifted(b, db, -h))) / (2 * h),
              dot(adjoint_b, db), 1e-8);
}

TEST(JetVjp, LinearLayerInputWeightsAndBias)
{
  std::mt19937 rng(25);
  const int components = 4, points = 6, inputs = 5, outputs = 3;
  auto a = random_jet<double>(rng, components, points, inputs);
  auto adjoint_z = random_jet<double>(rng, components, points, outputs);
  // Weights and bias in one flat vector, as in a model.
  Kokkos::View<double*, MemorySpace> params("params", outputs * inputs + outputs);
  auto host = Kokkos::create_mirror_view(params);
  std::normal_distribution<double> normal;
  for (std::size_t i = 0; i < host.size(); ++i)
    host(i) = normal(rng);
  Kokkos::deep_copy(params, host);
  auto loss = [&](const Owned<double>& x, const Kokkos::View<double*, MemorySpace>& p) {
    Owned<double> z("z", components, points, outputs);
    linear_forward<double>(x, WeightView<double>(p.data(), outputs, inputs),
                           BiasView<double>(p.data() + outputs * inputs, outputs), z);
    return dot(adjoint_z, z);
  };
  Kokkos::View<double*, MemorySpace> grad("grad", params.size());
  auto adjoint_a = like(a);
  linear_vjp<double>(a, WeightView<double>(params.data(), outputs, inputs), adjoint_z, adjoint_a,
                     false, WeightGradientView<double>(grad.data(), outputs, inputs),
                     BiasGradientView<double>(grad.data() + outputs * inputs, outputs));
  const double h = 1e-6;
  auto da = random_jet<double>(rng, components, points, inputs);
  EXPECT_NEAR((loss(shifted(a, da, h), params) - loss(shifted(a, da, -h), params)) / (2 * h),
              dot(adjoint_a, da), 1e-8);
  auto host_grad = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), grad);
  for (std::size_t i = 0; i < params.size(); ++i) {
    auto plus = Kokkos::View<double*, MemorySpace>("plus", params.size());
    auto minus = Kokkos::View<double*, MemorySpace>("minus", params.size());
    auto hp = Kokkos::create_mirror_view(plus);
    auto hm = Kokkos::create_mirror_view(minus);
    for (std::size_t k = 0; k < params.size(); ++k)
      hp(k) = hm(k) = host(k);
    hp(i) += h;
    hm(i) -= h;
    Kokkos::deep_copy(plus, hp);
    Kokkos::deep_copy(minus, hm);
    EXPECT_NEAR((loss(a, plus) - loss(a, minus)) / (2 * h), host_grad(i), 1e-8) << "param " << i;
  }
}

TEST(JetVjp, Reductions)
{
  std::mt19937 rng(26);
  auto a = random_jet<double>(rng, 3, 8, 2);
  auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), a);
  double squares = 0, values = 0;
  for (int n = 0; n < 8; ++n)
    for (int f = 0; f < 2; ++f) {
      squares += host(0, n, f) * host(0, n, f);
      values += host(0, n, f);
    }
  EXPECT_NEAR(sum_squares<double>(a), squares, 1e-13);
  EXPECT_NEAR(sum_values<double>(a), values, 1e-13);
  auto adjoint = like(a);
  sum_squares_vjp<double>(a, 0.5, adjoint, false);
  auto g = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), adjoint);
  for (int c = 0; c < 3; ++c)
    for (int n = 0; n < 8; ++n)
      for (int f = 0; f < 2; ++f)
        EXPECT_DOUBLE_EQ(g(c, n, f), c == 0 ? host(0, n, f) : 0.0);
  sum_values_vjp<double>(2.0, adjoint, true);
  g = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), adjoint);
  EXPECT_DOUBLE_EQ(g(0, 3, 1), host(0, 3, 1) + 2.0);
  EXPECT_DOUBLE_EQ(g(1, 3, 1), 0.0);
  EXPECT_TRUE(all_finite<double>(a));
  host(2, 1, 1) = std::numeric_limits<double>::quiet_NaN();
  Kokkos::deep_copy(a, host);
  EXPECT_FALSE(all_finite<double>(a));
}

TEST(JetVjp, FusedWaveVjpMatchesTheSeparateKernels)
{
  // wave_vjp: on sets of order <= 2 one host kernel gives the adjoint of z and both
  // parameter sums; elsewhere it calls the separate kernels. Checked against
  // unary_vjp + wave_parameter_gradient, and the sums against finite differences.
  std::mt19937 rng(23);
  const std::vector<DerivativeSetPtr> sets = {
      DerivativeSet::full(2, 2),
      DerivativeSet::full(2, 1),
      DerivativeSet::full(3, 2),
      DerivativeSet::full(2, 0),
      DerivativeSet::closure_of(2, {MultiIndex::from({1, 1})}),
      DerivativeSet::full(2, 3),
      DerivativeSet::for_residual(3, {MultiIndex::unit(2)}, {axis_mask({0, 1}, 3)}, 0, true)};
  ASSERT_TRUE(faa_di_bruno_program(sets[0]).second_order_fast_path);
  ASSERT_FALSE(faa_di_bruno_program(sets[5]).second_order_fast_path);
  ASSERT_TRUE(faa_di_bruno_program(sets[6]).laplacian_fast_path);
  const double w1 = 0.8, w2 = -0.4;
  for (const auto& set : sets) {
    const auto& program = faa_di_bruno_program(set);
    const std::string name = set->to_string({"x", "t", "y"});
    auto z = random_jet<double>(rng, set->size(), 5, 70);
    auto adjoint_y = random_jet<double>(rng, set->size(), 5, 70);
    for (bool accumulate : {false, true}) {
      auto start = random_jet<double>(rng, set->size(), 5, 70);
      auto separate = like(z), fused = like(z);
      Kokkos::deep_copy(separate, start);
      Kokkos::deep_copy(fused, start);
      double sin_separate = 0, cos_separate = 0, sin_fused = 0, cos_fused = 0;
      wave_parameter_gradient<double>(program, z, adjoint_y, sin_separate, cos_separate,
                                      KernelVariant::host_blocked);
      unary_vjp<double>(UnaryKind::wave, w1, w2, program, z, adjoint_y, separate, accumulate,
                        KernelVariant::host_blocked);
      wave_vjp<double>(w1, w2, program, z, adjoint_y, fused, accumulate, sin_fused, cos_fused,
                       KernelVariant::host_blocked);
      EXPECT_NEAR(sin_fused, sin_separate, 1e-12 * (1 + std::fabs(sin_separate))) << name;
      EXPECT_NEAR(cos_fused, cos_separate, 1e-12 * (1 + std::fabs(cos_separate))) << name;
      auto a = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), separate);
      auto b = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), fused);
      for (std::size_t i = 0; i < a.size(); ++i)
        ASSERT_NEAR(b.data()[i], a.data()[i], 1e-13 * (1 + std::fabs(a.data()[i])))
            << name << ", accumulate " << accumulate << ", element " << i;
      const double h = 1e-6;
      auto loss = [&](double a1, double a2) {
        auto y = like(z);
        unary_forward<double>(UnaryKind::wave, a1, a2, program, z, y);
        return dot(adjoint_y, y);
      };
      EXPECT_NEAR(sin_fused, (loss(w1 + h, w2) - loss(w1 - h, w2)) / (2 * h),
                  1e-7 * (1 + std::fabs(sin_fused)))
          << name;
      EXPECT_NEAR(cos_fused, (loss(w1, w2 + h) - loss(w1, w2 - h)) / (2 * h),
                  1e-7 * (1 + std::fabs(cos_fused)))
          << name;
    }
  }
}

TEST(JetKernels, VjpFromTheForwardOutputIsBitIdentical)
{
  // Given the forward's output, the host VJPs read the derivatives of tanh and
  // sigmoid off its value: the generic, fused second-order and
  // collapsed-Laplacian kernels must give the same bits as when they evaluate
  // the function again.
  std::mt19937 rng(12);
  const std::vector<DerivativeSetPtr> sets = {
      DerivativeSet::full(2, 3), DerivativeSet::full(2, 1), DerivativeSet::full(3, 2),
      DerivativeSet::for_residual(3, {MultiIndex::unit(2)}, {axis_mask({0, 1}, 3)}, 0, true)};
  for (const auto& set : sets)
    for (UnaryKind kind : {UnaryKind::tanh, UnaryKind::sigmoid})
      for (bool is_float : {false, true}) {
        const auto check = [&](auto zero) {
          using Real = decltype(zero);
          const auto& program = faa_di_bruno_program(set);
          auto z = random_jet<Real>(rng, set->size(), 5, 70);
          auto adjoint = random_jet<Real>(rng, set->size(), 5, 70);
          auto y = like(z), recomputed = like(z), from_output = like(z);
          unary_forward<Real>(kind, 1, 1, program, z, y, KernelVariant::host_blocked);
          unary_vjp<Real>(kind, 1, 1, program, z, adjoint, recomputed, false,
                          KernelVariant::host_blocked);
          unary_vjp<Real>(kind, 1, 1, program, z, adjoint, from_output, false,
                          KernelVariant::host_blocked, y);
          auto a = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), recomputed);
          auto b = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), from_output);
          for (std::size_t i = 0; i < a.size(); ++i)
            ASSERT_EQ(a.data()[i], b.data()[i])
                << to_string(kind) << ", " << set->size() << " components, element " << i;
        };
        if (is_float)
          check(0.0f);
        else
          check(0.0);
      }
}
