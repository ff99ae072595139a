#include <algorithm>
#include <cmath>
#include <cstddef>
#include <pinnbench/core/Error.hpp>
#include <pinnbench/geometry/Polygon.hpp>

namespace pinnbench::geometry {

namespace {

double signed_area(const std::vector<std::array<double, 2>>& v)
{
  double twice = 0.0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const auto& a = v[i];
    const auto& b = v[(i + 1) % v.size()];
    twice += a[0] * b[1] - b[0] * a[1];
  }
  return 0.5 * twice;
}

} // namespace

Polygon::Polygon(std::vector<std::array<double, 2>> vertices) : vertices_(std::move(vertices))
{
  if (vertices_.size() < 3)
    throw LogicError("Polygon: at least 3 vertices expected");
  const double area = signed_area(vertices_);
  if (area == 0.0)
    throw LogicError("Polygon: the vertices enclose no area");
  if (area < 0.0)
    std::reverse(vertices_.begin(), vertices_.end());
}

double Polygon::area() const
{
  return signed_area(vertices_);
}

BoundingBox Polygon::bounding_box() const
{
  BoundingBox box{{vertices_[0][0], vertices_[0][1]}, {vertices_[0][0], vertices_[0][1]}};
  for (const auto& v : vertices_)
    for (std::size_t i = 0; i < 2; ++i) {
      box.lower[i] = std::min(box.lower[i], v[i]);
      box.upper[i] = std::max(box.upper[i], v[i]);
    }
  return box;
}

bool Polygon::on_edge(const double* x, std::size_t edge) const
{
  const auto& a = vertices_[edge];
  const auto& b = vertices_[(edge + 1) % vertices_.size()];
  const double ex = b[0] - a[0], ey = b[1] - a[1];
  const double length2 = ex * ex + ey * ey;
  const double s = std::clamp(((x[0] - a[0]) * ex + (x[1] - a[1]) * ey) / length2, 0.0, 1.0);
  const double dx = x[0] - (a[0] + s * ex), dy = x[1] - (a[1] + s * ey);
  // numpy.isclose tolerances with the edge length as the scale.
  return std::sqrt(dx * dx + dy * dy) <= 1e-8 + 1e-5 * std::sqrt(length2);
}

bool Polygon::on_boundary(const double* x) const
{
  for (std::size_t e = 0; e < vertices_.size(); ++e)
    if (on_edge(x, e))
      return true;
  return false;
}

bool Polygon::inside(const double* x) const
{
  if (on_boundary(x))
    return true;
  // Even-odd rule: count crossings of the ray from x towards +x.
  bool in = false;
  for (std::size_t i = 0, j = vertices_.size() - 1; i < vertices_.size(); j = i++) {
    const auto& a = vertices_[i];
    const auto& b = vertices_[j];
    if ((a[1] > x[1]) != (b[1] > x[1]) &&
        x[0] < (b[0] - a[0]) * (x[1] - a[1]) / (b[1] - a[1]) + a[0])
      in = !in;
  }
  return in;
}

void Polygon::boundary_normal(const double* x, double* normal) const
{
  normal[0] = normal[1] = 0.0;
  int edges = 0;
  for (std::size_t e = 0; e < vertices_.size(); ++e) {
    if (!on_edge(x, e))
      continue;
    const auto& a = vertices_[e];
    const auto& b = vertices_[(e + 1) % vertices_.size()];
    const double length = std::hypot(b[0] - a[0], b[1] - a[1]);
    // Counter-clockwise vertices: the outward normal is the edge turned clockwise.
    normal[0] += (b[1] - a[1]) / length;
    normal[1] -= (b[0] - a[0]) / length;
    ++edges;
  }
  if (edges > 1) {
    const double length = std::hypot(normal[0], normal[1]);
    normal[0] /= length;
    normal[1] /= length;
  }
}

std::vector<double> Polygon::domain_points(std::int64_t n, UnitSampler& sampler) const
{
  const BoundingBox box = bounding_box();
  std::vector<double> points;
  points.reserve(static_cast<std::size_t>(2 * n));
  while (static_cast<std::int64_t>(points.size()) < 2 * n) {
    const std::vector<double> unit = sampler.unit_points(n, 2);
    const std::size_t before = points.size();
    for (std::size_t k = 0; k < unit.size() && static_cast<std::int64_t>(points.size()) < 2 * n;
         k += 2) {
      const double x[2] = {box.lower[0] + (box.upper[0] - box.lower[0]) * unit[k],
                           box.lower[1] + (box.upper[1] - box.lower[1]) * unit[k + 1]};
      if (inside(x))
        points.insert(points.end(), x, x + 2);
    }
    if (points.size() == before)
      throw LogicError("Polygon: no sample of its bounding box fell inside");
  }
  return points;
}

void Polygon::append_surfaces(std::vector<std::shared_ptr<const Surface>>& surfaces) const
{
  for (std::size_t e = 0; e < vertices_.size(); ++e)
    surfaces.push_back(
        std::make_shared<Segment>(vertices_[e], vertices_[(e + 1) % vertices_.size()]));
}

double Segment::measure() const
{
  return std::hypot(b_[0] - a_[0], b_[1] - a_[1]);
}

void Segment::point(const double* unit, double* x) const
{
  x[0] = a_[0] + (b_[0] - a_[0]) * unit[0];
  x[1] = a_[1] + (b_[1] - a_[1]) * unit[0];
}

} // namespace pinnbench::geometry
