#include <algorithm>
#include <cmath>
#include <cstddef>
#include <pinnbench/core/Error.hpp>
#include <pinnbench/geometry/Ball.hpp>

namespace pinnbench::geometry {

namespace {

constexpr double pi = 3.141592653589793238462643383279502884;

/// Standard normal CDF, accurate in relative terms in the lower tail.
double normal_cdf(double x)
{
  return 0.5 * std::erfc(-x / std::sqrt(2.0));
}

/// Lower-half quantile, p in (0, 0.5]: Abramowitz & Stegun 26.2.23 as the start
/// (error < 4.5e-4), then Halley steps on Phi(x) = p to full double precision.
double lower_quantile(double p)
{
  const double t = std::sqrt(-2.0 * std::log(p));
  double x = -(t - (2.515517 + 0.802853 * t + 0.010328 * t * t) /
                       (1.0 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t));
  for (int iteration = 0; iteration < 50; ++iteration) {
    const double error = normal_cdf(x) - p;
    const double u = error * std::sqrt(2.0 * pi) * std::exp(0.5 * x * x);
    const double step = u / (1.0 + 0.5 * x * u);
    x -= step;
    if (std::fabs(step) <= 1e-16 * std::max(1.0, std::fabs(x)))
      break;
  }
  return x;
}

/// Writes the unit vector along the normal quantiles of `unit` (sklearn
/// normalize: a zero vector stays zero).
void normal_direction(const double* unit, int dimension, double* direction)
{
  double norm2 = 0.0;
  for (int i = 0; i < dimension; ++i) {
    direction[i] = normal_quantile(std::clamp(unit[i], 0x1p-60, 1.0 - 0x1p-53));
    norm2 += direction[i] * direction[i];
  }
  const double norm = std::sqrt(norm2);
  if (norm > 0.0)
    for (int i = 0; i < dimension; ++i)
      direction[i] /= norm;
}

} // namespace

double normal_quantile(double p)
{
  if (!(p > 0.0 && p < 1.0))
    throw LogicError("normal_quantile(): p must lie in (0, 1)");
  if (p == 0.5)
    return 0.0;
  // 1 - p is exact for p >= 0.5 (Sterbenz), so the upper half mirrors the lower.
  return p < 0.5 ? lower_quantile(p) : -lower_quantile(1.0 - p);
}

Ball::Ball(std::vector<double> center, double radius) : center_(std::move(center)), radius_(radius)
{
  if (center_.size() < 2)
    throw LogicError("Ball: dimension must be at least 2 (use a Box in 1-D)");
  if (!(radius_ > 0.0))
    throw LogicError("Ball: radius must be positive");
}

std::shared_ptr<const Ball> unit_ball(int dimension)
{
  return std::make_shared<Ball>(std::vector<double>(static_cast<std::size_t>(dimension), 0.0), 1.0);
}

double Ball::distance(const double* x) const
{
  double sum = 0.0;
  for (std::size_t i = 0; i < center_.size(); ++i)
    sum += (x[i] - center_[i]) * (x[i] - center_[i]);
  return std::sqrt(sum);
}

BoundingBox Ball::bounding_box() const
{
  BoundingBox box{center_, center_};
  for (std::size_t i = 0; i < center_.size(); ++i) {
    box.lower[i] -= radius_;
    box.upper[i] += radius_;
  }
  return box;
}

bool Ball::inside(const double* x) const
{
  return distance(x) <= radius_;
}

bool Ball::on_boundary(const double* x) const
{
  return isclose(distance(x), radius_);
}

void Ball::boundary_normal(const double* x, double* normal) const
{
  const double r = distance(x);
  const bool on = isclose(r, radius_);
  for (std::size_t i = 0; i < center_.size(); ++i)
    normal[i] = on ? (x[i] - center_[i]) / r : 0.0;
}

std::vector<double> Ball::domain_points(std::int64_t n, UnitSampler& sampler) const
{
  const int d = dimension();
  const auto du = static_cast<std::size_t>(d);
  std::vector<double> points(static_cast<std::size_t>(n) * du);
  if (d == 2) {
    const std::vector<double> unit = sampler.unit_points(n, 2);
    for (std::size_t k = 0; k < static_cast<std::size_t>(n); ++k) {
      const double r = std::sqrt(unit[2 * k]);
      const double theta = 2.0 * pi * unit[2 * k + 1];
      points[2 * k] = radius_ * r * std::cos(theta) + center_[0];
      points[2 * k + 1] = radius_ * r * std::sin(theta) + center_[1];
    }
    return points;
  }
  const std::vector<double> unit = sampler.unit_points(n, d + 1);
  for (std::size_t k = 0; k < static_cast<std::size_t>(n); ++k) {
    const double* u = unit.data() + k * (du + 1);
    double* x = points.data() + k * du;
    normal_direction(u + 1, d, x);
    const double r = std::pow(u[0], 1.0 / d);
    for (std::size_t i = 0; i < du; ++i)
      x[i] = radius_ * r * x[i] + center_[i];
  }
  return points;
}

void Ball::append_surfaces(std::vector<std::shared_ptr<const Surface>>& surfaces) const
{
  surfaces.push_back(std::make_shared<Sphere>(center_, radius_));
}

Sphere::Sphere(std::vector<double> center, double radius)
    : center_(std::move(center)), radius_(radius)
{}

double Sphere::measure() const
{
  const double d = dimension();
  return 2.0 * std::pow(pi, 0.5 * d) / std::tgamma(0.5 * d) * std::pow(radius_, d - 1.0);
}

void Sphere::point(const double* unit, double* x) const
{
  const int d = dimension();
  if (d == 2) {
    const double theta = 2.0 * pi * unit[0];
    x[0] = radius_ * std::cos(theta) + center_[0];
    x[1] = radius_ * std::sin(theta) + center_[1];
    return;
  }
  normal_direction(unit, d, x);
  for (int i = 0; i < d; ++i)
    x[i] = radius_ * x[i] + center_[static_cast<std::size_t>(i)];
}

} // namespace pinnbench::geometry
