#pragma once
// Point sets of a task. Every rank builds the same global set (cheap: at most
// ~1e6 points of a few coordinates) and works on its contiguous block, so the
// global index of every point, which keys its random draws, does not depend on
// the number of ranks.
#include <cstdint>
#include <utility>
#include <vector>

namespace pinnbench::pde {

struct PointCloud
{
  int dimension = 0;
  std::vector<double> coordinates; ///< [size][dimension], row-major

  std::int64_t size() const
  {
    return dimension == 0 ? 0 : static_cast<std::int64_t>(coordinates.size()) / dimension;
  }
  double operator()(std::int64_t point, int coordinate) const
  {
    return coordinates[static_cast<std::size_t>(point * dimension + coordinate)];
  }
};

/// Half-open range [begin, end) of global point indices.
struct Block
{
  std::int64_t begin = 0;
  std::int64_t end = 0;
  std::int64_t size() const { return end - begin; }
};

/// Rank r of `ranks` gets [floor(r N / P), floor((r + 1) N / P)).
Block local_block(std::int64_t global_size, int rank, int ranks);

PointCloud slice(const PointCloud& cloud, const Block& block);

/// n evenly spaced values from a to b, both included (numpy.linspace).
std::vector<double> linspace(double a, double b, int n);

/// The RoPINN grid: x = linspace over [x0, x1] (nx), t = linspace over [t0, t1]
/// (nt), meshgrid 'xy': point it * nx + ix is (x[ix], t[it]) — rows are time.
PointCloud space_time_grid(std::pair<double, double> x_range, std::pair<double, double> t_range,
                           int nx, int nt);

/// Points at fixed coordinate values except one that runs over linspace:
/// e.g. the initial line (x in linspace, t = 0) or a boundary (x = x0, t in linspace).
PointCloud line(int dimension, const std::vector<double>& fixed, int varying_coordinate,
                std::pair<double, double> range, int count);

/// n points uniform in the box, drawn from (seed, stream) by point index.
PointCloud uniform_in_box(const std::vector<std::pair<double, double>>& box, std::int64_t n,
                          std::uint64_t seed, std::uint32_t stream);

} // namespace pinnbench::pde
