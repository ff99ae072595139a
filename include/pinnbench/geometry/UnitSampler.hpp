#pragma once
// Source of the unit-cube variates every geometry maps onto its shape.
//  - Hammersley: DeepXDE's default. A draw of n points in d dimensions is the
//    same whenever it is repeated, exactly as DeepXDE's (which is why its
//    rejection loops repeat points; see Difference).
//  - Uniform: independent uniforms from the counter-based Philox generator keyed
//    by (seed, stream, draw number, point index, coordinate). Draws are numbered
//    in call order, which is the same on every rank because every rank builds
//    the whole point set (pde/PointCloud.hpp).
#include <cstdint>
#include <pinnbench/random/Philox.hpp>
#include <string>
#include <vector>

namespace pinnbench::geometry {

enum class Distribution
{
  hammersley,
  uniform,
};

/// "Hammersley" / "uniform" (also DeepXDE's "pseudo"); ConfigError otherwise.
Distribution parse_distribution(const std::string& name);
const char* to_string(Distribution distribution);

class UnitSampler
{
public:
  UnitSampler(Distribution distribution, std::uint64_t seed,
              random::Stream stream = random::Stream::training_points);

  Distribution distribution() const { return distribution_; }

  /// n points in [0, 1)^dimension, row-major [n][dimension].
  std::vector<double> unit_points(std::int64_t n, int dimension);

  /// A uniformly random permutation of 0..n-1 (numpy.random.permutation's role
  /// in DeepXDE, which pairs space and time samples). Always Philox-driven.
  std::vector<std::int64_t> permutation(std::int64_t n);

private:
  Distribution distribution_;
  random::CounterRng rng_;
  std::uint64_t next_draw_ = 0;
};

} // namespace pinnbench::geometry
