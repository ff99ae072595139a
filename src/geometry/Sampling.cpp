#include <algorithm>
#include <cmath>
#include <cstddef>
#include <numeric>
#include <pinnbench/core/Error.hpp>
#include <pinnbench/geometry/Hammersley.hpp>
#include <pinnbench/geometry/Sampling.hpp>

namespace pinnbench::geometry {

namespace {

pde::PointCloud cloud(int dimension, std::vector<double> coordinates)
{
  pde::PointCloud points;
  points.dimension = dimension;
  points.coordinates = std::move(coordinates);
  return points;
}

/// Largest-remainder split of n in proportion to the weights.
std::vector<std::int64_t> apportion(std::int64_t n, const std::vector<double>& weights)
{
  const double total = std::accumulate(weights.begin(), weights.end(), 0.0);
  std::vector<std::int64_t> counts(weights.size(), 0);
  std::vector<double> remainder(weights.size(), 0.0);
  std::int64_t assigned = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    const double quota = static_cast<double>(n) * weights[i] / total;
    counts[i] = static_cast<std::int64_t>(std::floor(quota));
    remainder[i] = quota - static_cast<double>(counts[i]);
    assigned += counts[i];
  }
  std::vector<std::size_t> order(weights.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return remainder[a] > remainder[b]; });
  for (std::size_t k = 0; assigned < n; k = (k + 1) % order.size(), ++assigned)
    ++counts[order[k]];
  return counts;
}

} // namespace

pde::PointCloud sample_domain(const Geometry& geometry, std::int64_t n, UnitSampler& sampler)
{
  return cloud(geometry.dimension(), geometry.domain_points(n, sampler));
}

pde::PointCloud uniform_grid(const Geometry& geometry, std::int64_t n, bool boundary,
                             UnitSampler& fallback)
{
  return cloud(geometry.dimension(), geometry.uniform_points(n, boundary, fallback));
}

pde::PointCloud sample_initial(const SpaceTime& domain, std::int64_t n, UnitSampler& sampler)
{
  return cloud(domain.dimension(), domain.initial_points(n, sampler));
}

double boundary_fraction(const Surface& surface, int probes)
{
  const auto d = static_cast<std::size_t>(surface.dimension());
  std::vector<double> x(d);
  if (surface.variates() == 0) {
    surface.point(nullptr, x.data());
    return surface.keeps(x.data()) ? 1.0 : 0.0;
  }
  const auto v = static_cast<std::size_t>(surface.variates());
  const std::vector<double> unit = hammersley(probes, surface.variates());
  int kept = 0;
  for (std::size_t k = 0; k < unit.size(); k += v) {
    surface.point(unit.data() + k, x.data());
    kept += surface.keeps(x.data()) ? 1 : 0;
  }
  return static_cast<double>(kept) / probes;
}

BoundarySample sample_boundary(const Geometry& geometry, std::int64_t n, UnitSampler& sampler)
{
  const auto surfaces = geometry.surfaces();
  std::vector<double> fraction(surfaces.size()), share(surfaces.size());
  for (std::size_t s = 0; s < surfaces.size(); ++s) {
    fraction[s] = boundary_fraction(*surfaces[s]);
    share[s] = surfaces[s]->measure() * fraction[s];
  }
  if (!(std::accumulate(share.begin(), share.end(), 0.0) > 0.0))
    throw LogicError("sample_boundary: the geometry has no boundary of positive measure");

  const int d = geometry.dimension();
  const auto du = static_cast<std::size_t>(d);
  BoundarySample sample;
  sample.points.dimension = d;
  sample.points.coordinates.reserve(static_cast<std::size_t>(n) * du);
  sample.count_per_surface = apportion(n, share);
  std::vector<double> x(du);
  for (std::size_t s = 0; s < surfaces.size(); ++s) {
    const Surface& surface = *surfaces[s];
    const std::int64_t wanted = sample.count_per_surface[s];
    if (wanted == 0)
      continue;
    const int v = surface.variates();
    // Draw enough candidates for the expected survivors; grow if short.
    auto candidates =
        static_cast<std::int64_t>(std::ceil(static_cast<double>(wanted) / fraction[s]));
    for (int attempt = 0;; ++attempt) {
      if (attempt == 64)
        throw LogicError("sample_boundary: too few candidates land on the boundary");
      std::vector<double> kept;
      if (v == 0) {
        surface.point(nullptr, x.data());
        for (std::int64_t k = 0; k < wanted; ++k)
          kept.insert(kept.end(), x.begin(), x.end());
      } else {
        const std::vector<double> unit = sampler.unit_points(candidates, v);
        for (std::size_t k = 0;
             k < unit.size() && static_cast<std::int64_t>(kept.size()) < wanted * d;
             k += static_cast<std::size_t>(v)) {
          surface.point(unit.data() + k, x.data());
          if (surface.keeps(x.data()))
            kept.insert(kept.end(), x.begin(), x.end());
        }
      }
      const auto got = static_cast<std::int64_t>(kept.size()) / d;
      if (got == wanted) {
        sample.points.coordinates.insert(sample.points.coordinates.end(), kept.begin(), kept.end());
        sample.surface.insert(sample.surface.end(), static_cast<std::size_t>(wanted),
                              static_cast<int>(s));
        break;
      }
      candidates += std::max<std::int64_t>(wanted - got, candidates / 16 + 1);
    }
  }
  return sample;
}

std::vector<double> boundary_normals(const Geometry& geometry, const pde::PointCloud& points)
{
  const auto d = static_cast<std::size_t>(geometry.dimension());
  if (points.dimension != geometry.dimension())
    throw LogicError("boundary_normals: point and geometry dimensions differ");
  std::vector<double> normals(points.coordinates.size());
  for (std::size_t k = 0; k < normals.size(); k += d)
    geometry.boundary_normal(points.coordinates.data() + k, normals.data() + k);
  return normals;
}

} // namespace pinnbench::geometry
