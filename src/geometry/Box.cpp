#include <cmath>
#include <cstddef>
#include <pinnbench/core/Error.hpp>
#include <pinnbench/geometry/Box.hpp>

namespace pinnbench::geometry {

Box::Box(std::vector<double> lower, std::vector<double> upper)
    : lower_(std::move(lower)), upper_(std::move(upper))
{
  if (lower_.empty() || lower_.size() != upper_.size())
    throw LogicError("Box: lower and upper corners need the same dimension >= 1");
  for (std::size_t i = 0; i < lower_.size(); ++i)
    if (!(lower_[i] < upper_[i]))
      throw LogicError("Box: lower corner must be below the upper corner in every axis");
}

bool Box::inside(const double* x) const
{
  for (std::size_t i = 0; i < lower_.size(); ++i)
    if (x[i] < lower_[i] || x[i] > upper_[i])
      return false;
  return true;
}

bool Box::on_boundary(const double* x) const
{
  if (!inside(x))
    return false;
  for (std::size_t i = 0; i < lower_.size(); ++i)
    if (isclose(x[i], lower_[i]) || isclose(x[i], upper_[i]))
      return true;
  return false;
}

void Box::boundary_normal(const double* x, double* normal) const
{
  // DeepXDE: -isclose(x, xmin) + isclose(x, xmax), normalised where several faces meet.
  int faces = 0;
  for (std::size_t i = 0; i < lower_.size(); ++i) {
    normal[i] = (isclose(x[i], upper_[i]) ? 1.0 : 0.0) - (isclose(x[i], lower_[i]) ? 1.0 : 0.0);
    faces += normal[i] != 0.0 ? 1 : 0;
  }
  if (faces > 1) {
    const double length = std::sqrt(static_cast<double>(faces));
    for (std::size_t i = 0; i < lower_.size(); ++i)
      normal[i] /= length;
  }
}

std::vector<double> Box::domain_points(std::int64_t n, UnitSampler& sampler) const
{
  const int d = dimension();
  std::vector<double> points = sampler.unit_points(n, d);
  for (std::size_t k = 0; k < points.size(); ++k) {
    const std::size_t i = k % static_cast<std::size_t>(d);
    points[k] = (upper_[i] - lower_[i]) * points[k] + lower_[i];
  }
  return points;
}

std::vector<double> Box::uniform_points(std::int64_t n, bool boundary, UnitSampler&) const
{
  if (n < 1)
    throw LogicError("Box::uniform_points: n must be positive");
  const auto d = lower_.size();
  double volume = 1.0;
  for (std::size_t i = 0; i < d; ++i)
    volume *= upper_[i] - lower_[i];
  const double dx = std::pow(volume / static_cast<double>(n), 1.0 / static_cast<double>(d));
  std::vector<std::vector<double>> axes(d);
  for (std::size_t i = 0; i < d; ++i) {
    const auto m = static_cast<std::int64_t>(std::ceil((upper_[i] - lower_[i]) / dx));
    if (boundary) { // numpy.linspace(lo, hi, m)
      const double step = m > 1 ? (upper_[i] - lower_[i]) / static_cast<double>(m - 1) : 0.0;
      for (std::int64_t k = 0; k < m; ++k)
        axes[i].push_back(lower_[i] + static_cast<double>(k) * step);
      if (m > 1)
        axes[i].back() = upper_[i];
    } else { // numpy.linspace(lo, hi, m + 1, endpoint=False)[1:]
      const double step = (upper_[i] - lower_[i]) / static_cast<double>(m + 1);
      for (std::int64_t k = 1; k <= m; ++k)
        axes[i].push_back(lower_[i] + static_cast<double>(k) * step);
    }
  }
  // itertools.product: the last axis runs fastest.
  std::size_t total = 1;
  for (const auto& axis : axes)
    total *= axis.size();
  std::vector<double> points(total * d);
  for (std::size_t p = 0; p < total; ++p) {
    std::size_t rest = p;
    for (std::size_t i = d; i-- > 0;) {
      points[p * d + i] = axes[i][rest % axes[i].size()];
      rest /= axes[i].size();
    }
  }
  return points;
}

void Box::append_surfaces(std::vector<std::shared_ptr<const Surface>>& surfaces) const
{
  for (int axis = 0; axis < dimension(); ++axis)
    for (bool upper_side : {false, true})
      surfaces.push_back(std::make_shared<BoxFace>(lower_, upper_, axis, upper_side));
}

BoxFace::BoxFace(std::vector<double> lower, std::vector<double> upper, int axis, bool upper_side)
    : lower_(std::move(lower)), upper_(std::move(upper)), axis_(axis), upper_side_(upper_side)
{}

double BoxFace::measure() const
{
  double area = 1.0;
  for (int i = 0; i < dimension(); ++i)
    if (i != axis_)
      area *= upper_[static_cast<std::size_t>(i)] - lower_[static_cast<std::size_t>(i)];
  return area;
}

void BoxFace::point(const double* unit, double* x) const
{
  int variate = 0;
  for (int i = 0; i < dimension(); ++i) {
    const auto a = static_cast<std::size_t>(i);
    if (i == axis_)
      x[i] = upper_side_ ? upper_[a] : lower_[a];
    else
      x[i] = lower_[a] + (upper_[a] - lower_[a]) * unit[variate++];
  }
}

} // namespace pinnbench::geometry
