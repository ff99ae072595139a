#include <pinnbench/core/Error.hpp>
#include <pinnbench/pde/PointCloud.hpp>
#include <pinnbench/random/Philox.hpp>

namespace pinnbench::pde {

Block local_block(std::int64_t global_size, int rank, int ranks)
{
  if (ranks < 1 || rank < 0 || rank >= ranks)
    throw LogicError("invalid rank / rank count");
  return Block{global_size * rank / ranks, global_size * (rank + 1) / ranks};
}

PointCloud slice(const PointCloud& cloud, const Block& block)
{
  PointCloud part;
  part.dimension = cloud.dimension;
  part.coordinates.assign(cloud.coordinates.begin() + block.begin * cloud.dimension,
                          cloud.coordinates.begin() + block.end * cloud.dimension);
  return part;
}

std::vector<double> linspace(double a, double b, int n)
{
  if (n < 1)
    throw LogicError("linspace with fewer than one point");
  std::vector<double> values(static_cast<std::size_t>(n));
  if (n == 1) {
    values[0] = a;
    return values;
  }
  // numpy's formula: a + i * step, with the last point exactly b.
  const double step = (b - a) / (n - 1);
  for (int i = 0; i < n; ++i)
    values[static_cast<std::size_t>(i)] = a + i * step;
  values.back() = b;
  return values;
}

PointCloud space_time_grid(std::pair<double, double> x_range, std::pair<double, double> t_range,
                           int nx, int nt)
{
  const auto x = linspace(x_range.first, x_range.second, nx);
  const auto t = linspace(t_range.first, t_range.second, nt);
  PointCloud cloud;
  cloud.dimension = 2;
  cloud.coordinates.reserve(static_cast<std::size_t>(2 * nx * nt));
  for (int it = 0; it < nt; ++it)
    for (int ix = 0; ix < nx; ++ix) {
      cloud.coordinates.push_back(x[static_cast<std::size_t>(ix)]);
      cloud.coordinates.push_back(t[static_cast<std::size_t>(it)]);
    }
  return cloud;
}

PointCloud line(int dimension, const std::vector<double>& fixed, int varying_coordinate,
                std::pair<double, double> range, int count)
{
  if (static_cast<int>(fixed.size()) != dimension)
    throw LogicError("line(): one fixed value per coordinate expected");
  const auto values = linspace(range.first, range.second, count);
  PointCloud cloud;
  cloud.dimension = dimension;
  for (double v : values)
    for (int j = 0; j < dimension; ++j)
      cloud.coordinates.push_back(j == varying_coordinate ? v : fixed[static_cast<std::size_t>(j)]);
  return cloud;
}

PointCloud uniform_in_box(const std::vector<std::pair<double, double>>& box, std::int64_t n,
                          std::uint64_t seed, std::uint32_t stream)
{
  const random::CounterRng rng(seed, static_cast<random::Stream>(stream));
  PointCloud cloud;
  cloud.dimension = static_cast<int>(box.size());
  cloud.coordinates.reserve(static_cast<std::size_t>(n) * box.size());
  for (std::int64_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < box.size(); ++j) {
      const double u = rng.uniform(0, static_cast<std::uint64_t>(i), static_cast<std::uint32_t>(j));
      cloud.coordinates.push_back(box[j].first + u * (box[j].second - box[j].first));
    }
  return cloud;
}

} // namespace pinnbench::pde
