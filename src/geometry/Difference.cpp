#include <cstddef>
#include <pinnbench/core/Error.hpp>
#include <pinnbench/geometry/Difference.hpp>

namespace pinnbench::geometry {

Difference::Difference(GeometryPtr minuend, GeometryPtr subtrahend)
    : minuend_(std::move(minuend)), subtrahend_(std::move(subtrahend))
{
  if (!minuend_ || !subtrahend_ || minuend_->dimension() != subtrahend_->dimension())
    throw LogicError("Difference: operands must exist and have the same dimension");
}

bool Difference::inside(const double* x) const
{
  return minuend_->inside(x) && !subtrahend_->inside(x);
}

bool Difference::on_boundary(const double* x) const
{
  return (minuend_->on_boundary(x) && !subtrahend_->inside(x)) ||
         (minuend_->inside(x) && subtrahend_->on_boundary(x));
}

void Difference::boundary_normal(const double* x, double* normal) const
{
  const auto d = static_cast<std::size_t>(dimension());
  std::vector<double> own(d, 0.0), hole(d, 0.0);
  if (minuend_->on_boundary(x) && !subtrahend_->inside(x))
    minuend_->boundary_normal(x, own.data());
  if (minuend_->inside(x) && subtrahend_->on_boundary(x))
    subtrahend_->boundary_normal(x, hole.data());
  for (std::size_t i = 0; i < d; ++i)
    normal[i] = own[i] - hole[i];
}

std::vector<double> Difference::domain_points(std::int64_t n, UnitSampler& sampler) const
{
  const auto d = static_cast<std::size_t>(dimension());
  const std::size_t wanted = static_cast<std::size_t>(n) * d;
  std::vector<double> points;
  points.reserve(wanted);
  while (points.size() < wanted) {
    const std::vector<double> candidates = minuend_->domain_points(n, sampler);
    const std::size_t before = points.size();
    for (std::size_t k = 0; k < candidates.size() && points.size() < wanted; k += d)
      if (!subtrahend_->inside(candidates.data() + k))
        points.insert(points.end(), candidates.begin() + static_cast<std::ptrdiff_t>(k),
                      candidates.begin() + static_cast<std::ptrdiff_t>(k + d));
    if (points.size() == before)
      throw LogicError("Difference: every sample of the minuend fell into the subtrahend");
  }
  return points;
}

void Difference::append_surfaces(std::vector<std::shared_ptr<const Surface>>& surfaces) const
{
  using Keep = ClippedSurface::Keep;
  for (const auto& piece : minuend_->surfaces())
    surfaces.push_back(std::make_shared<ClippedSurface>(piece, subtrahend_, Keep::outside));
  for (const auto& piece : subtrahend_->surfaces())
    surfaces.push_back(std::make_shared<ClippedSurface>(piece, minuend_, Keep::inside));
}

GeometryPtr subtract_all(GeometryPtr base, const std::vector<GeometryPtr>& holes)
{
  for (const auto& hole : holes)
    base = std::make_shared<Difference>(base, hole);
  return base;
}

} // namespace pinnbench::geometry
