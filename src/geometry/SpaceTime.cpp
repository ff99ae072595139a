#include <cmath>
#include <cstddef>
#include <pinnbench/core/Error.hpp>
#include <pinnbench/geometry/Box.hpp>
#include <pinnbench/geometry/SpaceTime.hpp>

namespace pinnbench::geometry {

SpaceTime::SpaceTime(GeometryPtr space, double t0, double t1)
    : space_(std::move(space)), t0_(t0), t1_(t1)
{
  if (!space_)
    throw LogicError("SpaceTime: no spatial geometry");
  if (!(t0_ < t1_))
    throw LogicError("SpaceTime: t0 must be below t1");
}

BoundingBox SpaceTime::bounding_box() const
{
  BoundingBox box = space_->bounding_box();
  box.lower.push_back(t0_);
  box.upper.push_back(t1_);
  return box;
}

bool SpaceTime::inside(const double* x) const
{
  const double t = x[space_->dimension()];
  return space_->inside(x) && t >= t0_ && t <= t1_;
}

void SpaceTime::boundary_normal(const double* x, double* normal) const
{
  space_->boundary_normal(x, normal);
  normal[space_->dimension()] = 0.0;
}

bool SpaceTime::on_initial(const double* x) const
{
  return isclose(x[space_->dimension()], t0_);
}

std::vector<double> SpaceTime::domain_points(std::int64_t n, UnitSampler& sampler) const
{
  if (dynamic_cast<const Box*>(space_.get()) != nullptr) {
    const BoundingBox joint = bounding_box();
    return Box(joint.lower, joint.upper).domain_points(n, sampler);
  }
  const auto ds = static_cast<std::size_t>(space_->dimension());
  const std::vector<double> space_points = space_->domain_points(n, sampler);
  const std::vector<double> times = sampler.unit_points(n, 1);
  const std::vector<std::int64_t> order = sampler.permutation(n);
  std::vector<double> points(static_cast<std::size_t>(n) * (ds + 1));
  for (std::size_t k = 0; k < static_cast<std::size_t>(n); ++k) {
    for (std::size_t i = 0; i < ds; ++i)
      points[k * (ds + 1) + i] = space_points[k * ds + i];
    const double u = times[static_cast<std::size_t>(order[k])];
    points[k * (ds + 1) + ds] = (t1_ - t0_) * u + t0_;
  }
  return points;
}

std::vector<double> SpaceTime::uniform_points(std::int64_t n, bool boundary,
                                              UnitSampler& fallback) const
{
  const BoundingBox box = space_->bounding_box();
  double volume = 1.0;
  for (std::size_t i = 0; i < box.lower.size(); ++i)
    volume *= box.upper[i] - box.lower[i];
  const auto nx_wanted = static_cast<std::int64_t>(
      std::ceil(std::pow(static_cast<double>(n) * volume / (t1_ - t0_), 0.5)));
  const auto nt =
      static_cast<std::int64_t>(std::ceil(static_cast<double>(n) / static_cast<double>(nx_wanted)));
  const std::vector<double> space_points = space_->uniform_points(nx_wanted, boundary, fallback);
  const auto ds = static_cast<std::size_t>(space_->dimension());
  const std::size_t nx = space_points.size() / ds;
  std::vector<double> times;
  if (boundary) { // numpy.linspace(t0, t1, nt)
    const double step = nt > 1 ? (t1_ - t0_) / static_cast<double>(nt - 1) : 0.0;
    for (std::int64_t k = 0; k < nt; ++k)
      times.push_back(t0_ + static_cast<double>(k) * step);
    if (nt > 1)
      times.back() = t1_;
  } else { // numpy.linspace(t1, t0, nt, endpoint=False)
    const double step = (t0_ - t1_) / static_cast<double>(nt);
    for (std::int64_t k = 0; k < nt; ++k)
      times.push_back(t1_ + static_cast<double>(k) * step);
  }
  std::vector<double> points;
  points.reserve(times.size() * nx * (ds + 1));
  for (const double t : times)
    for (std::size_t k = 0; k < nx; ++k) {
      points.insert(points.end(), space_points.begin() + static_cast<std::ptrdiff_t>(k * ds),
                    space_points.begin() + static_cast<std::ptrdiff_t>((k + 1) * ds));
      points.push_back(t);
    }
  return points;
}

std::vector<double> SpaceTime::initial_points(std::int64_t n, UnitSampler& sampler) const
{
  const auto ds = static_cast<std::size_t>(space_->dimension());
  const std::vector<double> space_points = space_->domain_points(n, sampler);
  std::vector<double> points(static_cast<std::size_t>(n) * (ds + 1));
  for (std::size_t k = 0; k < static_cast<std::size_t>(n); ++k) {
    for (std::size_t i = 0; i < ds; ++i)
      points[k * (ds + 1) + i] = space_points[k * ds + i];
    points[k * (ds + 1) + ds] = t0_;
  }
  return points;
}

void SpaceTime::append_surfaces(std::vector<std::shared_ptr<const Surface>>& surfaces) const
{
  for (const auto& surface : space_->surfaces())
    surfaces.push_back(std::make_shared<TimeSweptSurface>(surface, t0_, t1_));
}

TimeSweptSurface::TimeSweptSurface(std::shared_ptr<const Surface> surface, double t0, double t1)
    : surface_(std::move(surface)), t0_(t0), t1_(t1)
{}

void TimeSweptSurface::point(const double* unit, double* x) const
{
  surface_->point(unit, x);
  x[surface_->dimension()] = t0_ + (t1_ - t0_) * unit[surface_->variates()];
}

} // namespace pinnbench::geometry
