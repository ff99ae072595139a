#include <cstddef>
#include <numeric>
#include <pinnbench/core/Error.hpp>
#include <pinnbench/geometry/Hammersley.hpp>
#include <pinnbench/geometry/UnitSampler.hpp>
#include <utility>

namespace pinnbench::geometry {

Distribution parse_distribution(const std::string& name)
{
  if (name == "Hammersley" || name == "hammersley")
    return Distribution::hammersley;
  if (name == "uniform" || name == "pseudo")
    return Distribution::uniform;
  throw ConfigError("unknown point distribution '" + name +
                    "' (expected 'Hammersley' or 'uniform')");
}

const char* to_string(Distribution distribution)
{
  return distribution == Distribution::hammersley ? "Hammersley" : "uniform";
}

UnitSampler::UnitSampler(Distribution distribution, std::uint64_t seed, random::Stream stream)
    : distribution_(distribution), rng_(seed, stream)
{}

std::vector<double> UnitSampler::unit_points(std::int64_t n, int dimension)
{
  if (distribution_ == Distribution::hammersley)
    return hammersley(n, dimension);
  const std::uint64_t draw = next_draw_++;
  const auto d = static_cast<std::size_t>(dimension);
  std::vector<double> points(static_cast<std::size_t>(n) * d);
  for (std::int64_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < d; ++j)
      points[static_cast<std::size_t>(i) * d + j] =
          rng_.uniform(draw, static_cast<std::uint64_t>(i), static_cast<std::uint32_t>(j));
  return points;
}

std::vector<std::int64_t> UnitSampler::permutation(std::int64_t n)
{
  const std::uint64_t draw = next_draw_++;
  std::vector<std::int64_t> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), std::int64_t{0});
  // Fisher-Yates from the top; the swap partner of position i is draw i.
  for (std::int64_t i = n - 1; i > 0; --i) {
    auto j = static_cast<std::int64_t>(rng_.uniform(draw, static_cast<std::uint64_t>(i)) *
                                       static_cast<double>(i + 1));
    if (j > i)
      j = i;
    std::swap(order[static_cast<std::size_t>(i)], order[static_cast<std::size_t>(j)]);
  }
  return order;
}

} // namespace pinnbench::geometry
