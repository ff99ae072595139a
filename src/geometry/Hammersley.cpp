#include <cstddef>
#include <pinnbench/core/Error.hpp>
#include <pinnbench/geometry/Hammersley.hpp>

namespace pinnbench::geometry {

double radical_inverse(std::uint64_t index, unsigned base)
{
  // skopt: out += (idx % b) / scale; idx //= b; scale *= b (scale a double).
  double value = 0.0;
  double scale = static_cast<double>(base);
  do {
    value += static_cast<double>(index % base) / scale;
    index /= base;
    scale *= static_cast<double>(base);
  } while (index > 0);
  return value;
}

std::vector<unsigned> first_primes(int count)
{
  std::vector<unsigned> primes;
  for (unsigned candidate = 2; static_cast<int>(primes.size()) < count; ++candidate) {
    bool prime = true;
    for (unsigned p : primes)
      if (candidate % p == 0) {
        prime = false;
        break;
      }
    if (prime)
      primes.push_back(candidate);
  }
  return primes;
}

std::vector<double> hammersley(std::int64_t n, int dimension)
{
  if (n < 0 || dimension < 1)
    throw LogicError("hammersley(): need n >= 0 and dimension >= 1");
  const auto d = static_cast<std::size_t>(dimension);
  std::vector<double> points(static_cast<std::size_t>(n) * d);
  if (dimension == 1) {
    for (std::int64_t k = 0; k < n; ++k)
      points[static_cast<std::size_t>(k)] = radical_inverse(static_cast<std::uint64_t>(k + 1), 2);
    return points;
  }
  const std::vector<unsigned> primes = first_primes(dimension - 1);
  // numpy.linspace(0, 1, N + 1) with N = n + 1 generated points: i * (1 / N).
  const double step = 1.0 / static_cast<double>(n + 1);
  for (std::int64_t k = 0; k < n; ++k) {
    const auto index = static_cast<std::uint64_t>(k + 1); // the first point is skipped
    double* point = points.data() + static_cast<std::size_t>(k) * d;
    for (std::size_t j = 0; j + 1 < d; ++j)
      point[j] = radical_inverse(index, primes[j]);
    point[d - 1] = static_cast<double>(index) * step;
  }
  return points;
}

} // namespace pinnbench::geometry
