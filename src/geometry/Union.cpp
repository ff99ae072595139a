#include <algorithm>
#include <cstddef>
#include <pinnbench/core/Error.hpp>
#include <pinnbench/geometry/Union.hpp>

namespace pinnbench::geometry {

Union::Union(GeometryPtr first, GeometryPtr second)
    : first_(std::move(first)), second_(std::move(second))
{
  if (!first_ || !second_ || first_->dimension() != second_->dimension())
    throw LogicError("Union: operands must exist and have the same dimension");
}

BoundingBox Union::bounding_box() const
{
  BoundingBox box = first_->bounding_box();
  const BoundingBox other = second_->bounding_box();
  for (std::size_t i = 0; i < box.lower.size(); ++i) {
    box.lower[i] = std::min(box.lower[i], other.lower[i]);
    box.upper[i] = std::max(box.upper[i], other.upper[i]);
  }
  return box;
}

bool Union::inside(const double* x) const
{
  return first_->inside(x) || second_->inside(x);
}

bool Union::on_boundary(const double* x) const
{
  return (first_->on_boundary(x) && !second_->inside(x)) ||
         (second_->on_boundary(x) && !first_->inside(x));
}

void Union::boundary_normal(const double* x, double* normal) const
{
  const auto d = static_cast<std::size_t>(dimension());
  std::vector<double> a(d, 0.0), b(d, 0.0);
  if (first_->on_boundary(x) && !second_->inside(x))
    first_->boundary_normal(x, a.data());
  if (second_->on_boundary(x) && !first_->inside(x))
    second_->boundary_normal(x, b.data());
  for (std::size_t i = 0; i < d; ++i)
    normal[i] = a[i] + b[i];
}

std::vector<double> Union::domain_points(std::int64_t n, UnitSampler& sampler) const
{
  const BoundingBox box = bounding_box();
  const auto d = static_cast<std::size_t>(dimension());
  const std::size_t wanted = static_cast<std::size_t>(n) * d;
  std::vector<double> points;
  points.reserve(wanted);
  std::vector<double> x(d);
  while (points.size() < wanted) {
    const std::vector<double> unit = sampler.unit_points(n, dimension());
    const std::size_t before = points.size();
    for (std::size_t k = 0; k < unit.size() && points.size() < wanted; k += d) {
      for (std::size_t i = 0; i < d; ++i)
        x[i] = box.lower[i] + (box.upper[i] - box.lower[i]) * unit[k + i];
      if (inside(x.data()))
        points.insert(points.end(), x.begin(), x.end());
    }
    if (points.size() == before)
      throw LogicError("Union: no sample of the bounding box fell inside");
  }
  return points;
}

void Union::append_surfaces(std::vector<std::shared_ptr<const Surface>>& surfaces) const
{
  using Keep = ClippedSurface::Keep;
  for (const auto& piece : first_->surfaces())
    surfaces.push_back(std::make_shared<ClippedSurface>(piece, second_, Keep::outside));
  for (const auto& piece : second_->surfaces())
    surfaces.push_back(std::make_shared<ClippedSurface>(piece, first_, Keep::outside));
}

} // namespace pinnbench::geometry
