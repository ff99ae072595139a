// The quasi-random sequence against values worked out by hand from its
// definition (radical inverse: digits of k mirrored about the radix point), the
// published van der Corput / Halton prefixes, and the normal quantile against
// tabulated values.
#include <cmath>
#include <gtest/gtest.h>
#include <pinnbench/core/Error.hpp>
#include <pinnbench/geometry/Ball.hpp>
#include <pinnbench/geometry/Hammersley.hpp>
#include <pinnbench/geometry/UnitSampler.hpp>
#include <vector>

using namespace pinnbench::geometry;

TEST(Hammersley, RadicalInversePublishedPrefixes)
{
  // van der Corput base 2 and base 3 (Halton 1964; e.g. the Halton-sequence tables).
  const double base2[] = {1. / 2, 1. / 4, 3. / 4, 1. / 8, 5. / 8, 3. / 8, 7. / 8, 1. / 16, 9. / 16};
  const double base3[] = {1. / 3, 2. / 3, 1. / 9, 4. / 9, 7. / 9, 2. / 9, 5. / 9, 8. / 9, 1. / 27};
  for (unsigned k = 1; k <= 9; ++k) {
    EXPECT_DOUBLE_EQ(radical_inverse(k, 2), base2[k - 1]) << k;
    EXPECT_DOUBLE_EQ(radical_inverse(k, 3), base3[k - 1]) << k;
  }
  EXPECT_EQ(radical_inverse(0, 2), 0.0);
  // Base 5: 6 = 11_5 -> 0.11_5 = 1/5 + 1/25; 7 = 12_5 -> 2/5 + 1/25; 5 = 10_5 -> 1/25.
  EXPECT_DOUBLE_EQ(radical_inverse(5, 5), 0.04);
  EXPECT_DOUBLE_EQ(radical_inverse(6, 5), 0.24);
  EXPECT_DOUBLE_EQ(radical_inverse(7, 5), 0.44);
  EXPECT_EQ(first_primes(6), (std::vector<unsigned>{2, 3, 5, 7, 11, 13}));
}

TEST(Hammersley, DeepXdeConventions)
{
  // d = 1: skip 1, i.e. phi_2(1..n).
  EXPECT_EQ(hammersley(3, 1), (std::vector<double>{0.5, 0.25, 0.75}));
  // d = 2, n = 4: skopt generates N = 5 points (phi_2(i), i / 5), i = 0..4, and
  // DeepXDE drops i = 0.
  const std::vector<double> two = hammersley(4, 2);
  const double expected2[] = {0.5, 0.2, 0.25, 0.4, 0.75, 0.6, 0.125, 0.8};
  ASSERT_EQ(two.size(), 8u);
  for (int i = 0; i < 8; ++i)
    EXPECT_DOUBLE_EQ(two[static_cast<std::size_t>(i)], expected2[i]) << i;
  // d = 3, n = 3: (phi_2(i), phi_3(i), i / 4).
  const std::vector<double> three = hammersley(3, 3);
  const double expected3[] = {0.5, 1. / 3, 0.25, 0.25, 2. / 3, 0.5, 0.75, 1. / 9, 0.75};
  for (int i = 0; i < 9; ++i)
    EXPECT_DOUBLE_EQ(three[static_cast<std::size_t>(i)], expected3[i]) << i;
  // d = 4, n = 9, point i = 7: 7 = 111_2 = 21_3 = 12_5 -> (7/8, 5/9, 11/25, 7/10).
  const std::vector<double> four = hammersley(9, 4);
  const double expected4[] = {0.875, 5. / 9, 0.44, 0.7};
  for (int j = 0; j < 4; ++j)
    EXPECT_DOUBLE_EQ(four[static_cast<std::size_t>(6 * 4 + j)], expected4[j]) << j;
}

TEST(Hammersley, SamplerRepeatsHammersleyAndKeysUniformDraws)
{
  UnitSampler quasi(Distribution::hammersley, 1);
  EXPECT_EQ(quasi.unit_points(5, 2), quasi.unit_points(5, 2));
  UnitSampler a(Distribution::uniform, 7), b(Distribution::uniform, 7), c(Distribution::uniform, 8);
  const auto first = a.unit_points(100, 3);
  EXPECT_EQ(first, b.unit_points(100, 3));
  EXPECT_NE(first, c.unit_points(100, 3));
  EXPECT_NE(first, a.unit_points(100, 3)); // the next draw is new
  for (double u : first) {
    EXPECT_GE(u, 0.0);
    EXPECT_LT(u, 1.0);
  }
  auto order = a.permutation(50);
  std::vector<int> seen(50, 0);
  for (auto i : order)
    ++seen[static_cast<std::size_t>(i)];
  EXPECT_EQ(seen, std::vector<int>(50, 1));
  EXPECT_EQ(parse_distribution("Hammersley"), Distribution::hammersley);
  EXPECT_EQ(parse_distribution("pseudo"), Distribution::uniform);
  EXPECT_THROW(parse_distribution("Sobol"), pinnbench::ConfigError);
}

TEST(Hammersley, NormalQuantileMatchesTables)
{
  EXPECT_NEAR(normal_quantile(0.975), 1.959963984540054, 1e-14);
  EXPECT_NEAR(normal_quantile(0.8413447460685429), 1.0, 1e-14); // Phi(1)
  EXPECT_NEAR(normal_quantile(0.001), -3.090232306167813, 1e-13);
  EXPECT_NEAR(normal_quantile(1e-10), -6.361340902404056, 1e-12);
  EXPECT_EQ(normal_quantile(0.5), 0.0);
  for (double p : {1e-6, 0.01, 0.2, 0.45, 0.7, 0.99})
    EXPECT_NEAR(0.5 * std::erfc(-normal_quantile(p) / std::sqrt(2.0)), p, 1e-15 + 1e-13 * p);
  EXPECT_THROW(normal_quantile(0.0), pinnbench::LogicError);
}
