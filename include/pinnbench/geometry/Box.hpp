#pragma once
// Axis-aligned box [lower, upper] in N dimensions (DeepXDE Interval, Rectangle,
// Cuboid, Hypercube). Its boundary is 2N faces; on edges and corners the normal
// is the normalised sum of the faces' normals.
#include <pinnbench/geometry/Geometry.hpp>

namespace pinnbench::geometry {

class Box final : public Geometry
{
public:
  /// LogicError unless lower.size() == upper.size() >= 1 and lower < upper.
  Box(std::vector<double> lower, std::vector<double> upper);

  const std::vector<double>& lower() const { return lower_; }
  const std::vector<double>& upper() const { return upper_; }

  int dimension() const override { return static_cast<int>(lower_.size()); }
  BoundingBox bounding_box() const override { return {lower_, upper_}; }
  bool inside(const double* x) const override;
  bool on_boundary(const double* x) const override;
  void boundary_normal(const double* x, double* normal) const override;
  std::vector<double> domain_points(std::int64_t n, UnitSampler& sampler) const override;
  /// DeepXDE Hypercube.uniform_points: spacing dx = (volume / n)^(1/N), per
  /// axis ceil(side / dx) points, linspace with both ends (boundary) or the
  /// interior nodes k / (m + 1) of m + 1 intervals; the last axis runs fastest.
  std::vector<double> uniform_points(std::int64_t n, bool boundary,
                                     UnitSampler& fallback) const override;
  void append_surfaces(std::vector<std::shared_ptr<const Surface>>& surfaces) const override;

private:
  std::vector<double> lower_;
  std::vector<double> upper_;
};

/// The face x[axis] = (upper ? box.upper : box.lower)[axis]. In one dimension
/// a face is an end point, of measure 1 (DeepXDE picks either end equally).
class BoxFace final : public Surface
{
public:
  BoxFace(std::vector<double> lower, std::vector<double> upper, int axis, bool upper_side);
  int dimension() const override { return static_cast<int>(lower_.size()); }
  double measure() const override;
  int variates() const override { return dimension() - 1; }
  void point(const double* unit, double* x) const override;

private:
  std::vector<double> lower_;
  std::vector<double> upper_;
  int axis_;
  bool upper_side_;
};

} // namespace pinnbench::geometry
