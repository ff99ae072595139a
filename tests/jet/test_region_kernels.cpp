// The neighbourhood kernels (perturb, group_mean, regroup) against their
// definitions written out as loops, and each VJP against the forward map
// through <adjoint, J a> = <J^T adjoint, a>, in both kernel variants and with
// accumulation.
#include <gtest/gtest.h>
#include <pinnbench/jet/Kernels.hpp>
#include <random>

using namespace pinnbench;
using namespace pinnbench::jet;

namespace {

using Storage = Kokkos::View<double***, Kokkos::LayoutRight, MemorySpace>;

Storage random_jet(std::mt19937& rng, int components, int points, int features)
{
  Storage view("jet", components, points, features);
  auto host = Kokkos::create_mirror_view(view);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  for (std::size_t i = 0; i < host.size(); ++i)
    host.data()[i] = u(rng);
  Kokkos::deep_copy(view, host);
  return view;
}

JetView<double> as_jet(const Storage& s)
{
  return JetView<double>(s.data(), s.extent(0), s.extent(1), s.extent(2));
}

double dot(const Storage& a, const Storage& b)
{
  auto ha = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), a);
  auto hb = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), b);
  double sum = 0;
  for (std::size_t i = 0; i < ha.size(); ++i)
    sum += ha.data()[i] * hb.data()[i];
  return sum;
}

constexpr KernelVariant variants[] = {KernelVariant::host_blocked, KernelVariant::flat};

} // namespace

TEST(RegionKernels, PerturbShiftsValuesAndCopiesDerivatives)
{
  std::mt19937 rng(1);
  const int S = 4, N = 5, d = 2, K = 7;
  const auto a = random_jet(rng, S, N, d);
  Matrix<double> offsets("offsets", K, d);
  auto ho = Kokkos::create_mirror_view(offsets);
  for (int k = 0; k < K; ++k)
    for (int j = 0; j < d; ++j)
      ho(k, j) = 0.1 * k - 0.05 * j;
  Kokkos::deep_copy(offsets, ho);
  for (auto variant : variants) {
    Storage out("out", S, N * K, d);
    perturb_forward<double>(as_jet(a), OffsetView<double>(offsets), as_jet(out), variant);
    auto ha = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), a);
    auto hout = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), out);
    for (int c = 0; c < S; ++c)
      for (int n = 0; n < N; ++n)
        for (int k = 0; k < K; ++k)
          for (int j = 0; j < d; ++j)
            ASSERT_EQ(hout(c, n * K + k, j), ha(c, n, j) + (c == 0 ? ho(k, j) : 0.0));
    // VJP: the map without the offsets is linear; <g, J a> = <J^T g, a>.
    const auto g = random_jet(rng, S, N * K, d);
    Storage zero_offsets_out("z", S, N * K, d);
    perturb_forward<double>(as_jet(a), OffsetView<double>(Matrix<double>("zero", K, d)),
                            as_jet(zero_offsets_out), variant);
    Storage adjoint("adjoint", S, N, d);
    perturb_vjp<double>(as_jet(g), K, as_jet(adjoint), false, variant);
    EXPECT_NEAR(dot(g, zero_offsets_out), dot(adjoint, a), 1e-12);
    perturb_vjp<double>(as_jet(g), K, as_jet(adjoint), true, variant);
    EXPECT_NEAR(dot(g, zero_offsets_out) * 2, dot(adjoint, a), 1e-12);
  }
}

TEST(RegionKernels, GroupMeanAveragesEachGroup)
{
  std::mt19937 rng(2);
  const int S = 3, N = 4, F = 5, K = 10;
  Kokkos::View<int*, MemorySpace> bounds("bounds", 4);
  auto hb = Kokkos::create_mirror_view(bounds);
  hb(0) = 0, hb(1) = 1, hb(2) = 4, hb(3) = K; // groups of 1, 3, 6 rows
  Kokkos::deep_copy(bounds, hb);
  const int G = 3;
  const auto a = random_jet(rng, S, N * K, F);
  auto ha = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), a);
  for (auto variant : variants) {
    Storage out("out", S, N * G, F);
    group_mean_forward<double>(as_jet(a), bounds, as_jet(out), variant);
    auto hout = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), out);
    for (int c = 0; c < S; ++c)
      for (int n = 0; n < N; ++n)
        for (int g = 0; g < G; ++g)
          for (int f = 0; f < F; ++f) {
            double sum = 0;
            for (int k = hb(g); k < hb(g + 1); ++k)
              sum += ha(c, n * K + k, f);
            EXPECT_NEAR(hout(c, n * G + g, f), sum / (hb(g + 1) - hb(g)), 1e-15);
          }
    const auto adj = random_jet(rng, S, N * G, F);
    Storage adjoint("adjoint", S, N * K, F);
    group_mean_vjp<double>(as_jet(adj), bounds, as_jet(adjoint), false, variant);
    EXPECT_NEAR(dot(adj, out), dot(adjoint, a), 1e-12);
    group_mean_vjp<double>(as_jet(adj), bounds, as_jet(adjoint), true, variant);
    EXPECT_NEAR(2 * dot(adj, out), dot(adjoint, a), 1e-12);
  }
}

TEST(RegionKernels, RegroupSwapsRowsAndFeaturesOfEachPoint)
{
  std::mt19937 rng(3);
  const int S = 2, N = 3, R = 4, F = 6;
  const auto a = random_jet(rng, S, N * R, F);
  auto ha = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), a);
  for (auto variant : variants) {
    Storage out("out", S, N * F, R);
    regroup_forward<double>(as_jet(a), R, as_jet(out), variant);
    auto hout = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), out);
    for (int c = 0; c < S; ++c)
      for (int n = 0; n < N; ++n)
        for (int r = 0; r < R; ++r)
          for (int f = 0; f < F; ++f)
            ASSERT_EQ(hout(c, n * F + f, r), ha(c, n * R + r, f));
    const auto adj = random_jet(rng, S, N * F, R);
    Storage adjoint("adjoint", S, N * R, F);
    regroup_vjp<double>(as_jet(adj), R, as_jet(adjoint), false, variant);
    EXPECT_NEAR(dot(adj, out), dot(adjoint, a), 1e-12);
    regroup_vjp<double>(as_jet(adj), R, as_jet(adjoint), true, variant);
    EXPECT_NEAR(2 * dot(adj, out), dot(adjoint, a), 1e-12);
  }
}
