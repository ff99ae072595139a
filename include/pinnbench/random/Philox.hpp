#pragma once
// Counter-based random numbers (Philox4x32-10, Salmon et al., SC'11): the draw
// for (seed, stream, counter, index) is a pure function of those numbers, so a
// point's RoPINN perturbation or a weight's initial value is the same on 1 or
// 64 ranks and on any backend.
#include <Kokkos_Core.hpp>
#include <cstdint>

namespace pinnbench::random {

struct PhiloxBlock
{
  std::uint32_t words[4];
};

KOKKOS_INLINE_FUNCTION PhiloxBlock philox4x32_10(PhiloxBlock counter, std::uint32_t key0,
                                                 std::uint32_t key1)
{
  constexpr std::uint32_t multiplier0 = 0xD2511F53u;
  constexpr std::uint32_t multiplier1 = 0xCD9E8D57u;
  constexpr std::uint32_t weyl0 = 0x9E3779B9u;
  constexpr std::uint32_t weyl1 = 0xBB67AE85u;
  std::uint32_t* c = counter.words;
  for (int round = 0; round < 10; ++round) {
    const std::uint64_t product0 = static_cast<std::uint64_t>(multiplier0) * c[0];
    const std::uint64_t product1 = static_cast<std::uint64_t>(multiplier1) * c[2];
    const std::uint32_t hi0 = static_cast<std::uint32_t>(product0 >> 32);
    const std::uint32_t lo0 = static_cast<std::uint32_t>(product0);
    const std::uint32_t hi1 = static_cast<std::uint32_t>(product1 >> 32);
    const std::uint32_t lo1 = static_cast<std::uint32_t>(product1);
    const std::uint32_t next0 = hi1 ^ c[1] ^ key0;
    const std::uint32_t next2 = hi0 ^ c[3] ^ key1;
    c[0] = next0;
    c[1] = lo1;
    c[2] = next2;
    c[3] = lo0;
    key0 += weyl0;
    key1 += weyl1;
  }
  return counter;
}

/// SplitMix64 finaliser: spreads (seed, stream) into a well-mixed 64-bit key.
KOKKOS_INLINE_FUNCTION std::uint64_t mix64(std::uint64_t x)
{
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

/// Named independent streams of one run's seed.
enum class Stream : std::uint32_t
{
  initialization = 1,
  training_points = 2,
  test_points = 3,
  region_perturbation = 4,
};

/// A generator keyed by (seed, stream). Copyable into kernels.
class CounterRng
{
public:
  CounterRng() = default;
  CounterRng(std::uint64_t seed, Stream stream)
  {
    const std::uint64_t key = mix64(seed ^ mix64(static_cast<std::uint64_t>(stream)));
    key0_ = static_cast<std::uint32_t>(key);
    key1_ = static_cast<std::uint32_t>(key >> 32);
  }

  /// Two independent uniforms in [0, 1) with 53 random bits each, for
  /// (counter, index); `block` gives further pairs for the same (counter, index).
  KOKKOS_INLINE_FUNCTION void uniform_pair(std::uint64_t counter, std::uint64_t index,
                                           std::uint32_t block, double& u0, double& u1) const
  {
    PhiloxBlock c{{static_cast<std::uint32_t>(index), static_cast<std::uint32_t>(index >> 32),
                   static_cast<std::uint32_t>(counter),
                   static_cast<std::uint32_t>(counter >> 32) ^ (block << 24)}};
    const PhiloxBlock r = philox4x32_10(c, key0_, key1_);
    const std::uint64_t a = (static_cast<std::uint64_t>(r.words[0]) << 32) | r.words[1];
    const std::uint64_t b = (static_cast<std::uint64_t>(r.words[2]) << 32) | r.words[3];
    constexpr double scale = 1.0 / 9007199254740992.0; // 2^-53
    u0 = static_cast<double>(a >> 11) * scale;
    u1 = static_cast<double>(b >> 11) * scale;
  }

  /// Uniform in [0, 1): draw `lane` (0, 1, 2, ...) of (counter, index).
  KOKKOS_INLINE_FUNCTION double uniform(std::uint64_t counter, std::uint64_t index,
                                        std::uint32_t lane = 0) const
  {
    double u0 = 0.0, u1 = 0.0;
    uniform_pair(counter, index, lane / 2, u0, u1);
    return (lane % 2 == 0) ? u0 : u1;
  }

private:
  std::uint32_t key0_ = 0;
  std::uint32_t key1_ = 0;
};

} // namespace pinnbench::random
