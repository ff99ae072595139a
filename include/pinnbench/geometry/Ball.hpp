#pragma once
// Ball |x - center| <= radius in N >= 2 dimensions (DeepXDE Disk in 2-D,
// Sphere/Hypersphere above). Domain points follow DeepXDE:
//  - 2-D: (r, theta) = (u0, 2 pi u1), x = center + radius sqrt(r) (cos, sin);
//  - N-D: u0 and a normalised vector of N standard-normal quantiles
//    Phi^-1(u1..uN), x = center + radius u0^(1/N) v.
#include <pinnbench/geometry/Geometry.hpp>

namespace pinnbench::geometry {

class Ball final : public Geometry
{
public:
  /// LogicError unless center.size() >= 2 and radius > 0.
  Ball(std::vector<double> center, double radius);

  const std::vector<double>& center() const { return center_; }
  double radius() const { return radius_; }

  int dimension() const override { return static_cast<int>(center_.size()); }
  BoundingBox bounding_box() const override;
  bool inside(const double* x) const override;
  bool on_boundary(const double* x) const override;
  void boundary_normal(const double* x, double* normal) const override;
  std::vector<double> domain_points(std::int64_t n, UnitSampler& sampler) const override;
  void append_surfaces(std::vector<std::shared_ptr<const Surface>>& surfaces) const override;

private:
  double distance(const double* x) const;

  std::vector<double> center_;
  double radius_;
};

/// The unit ball of R^dimension (DeepXDE Hypersphere(0, 1), HNd's domain).
std::shared_ptr<const Ball> unit_ball(int dimension);

/// The sphere |x - center| = radius: in 2-D an angle 2 pi u (DeepXDE Disk),
/// above a normalised vector of N normal quantiles (DeepXDE Hypersphere).
class Sphere final : public Surface
{
public:
  Sphere(std::vector<double> center, double radius);
  int dimension() const override { return static_cast<int>(center_.size()); }
  double measure() const override;
  int variates() const override { return dimension() == 2 ? 1 : dimension(); }
  void point(const double* unit, double* x) const override;

private:
  std::vector<double> center_;
  double radius_;
};

/// Inverse of the standard normal CDF (scipy.stats.norm.ppf), p in (0, 1).
double normal_quantile(double p);

} // namespace pinnbench::geometry
