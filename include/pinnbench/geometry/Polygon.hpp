#pragma once
// Simple polygon in 2-D given by its vertices in either orientation (DeepXDE
// Polygon). Closed: points on edges are inside. On an edge the normal is the
// edge's outward normal; at a vertex the normalised sum of both edges' normals,
// as for boxes (DeepXDE takes one of the two edges there).
#include <array>
#include <pinnbench/geometry/Geometry.hpp>

namespace pinnbench::geometry {

class Polygon final : public Geometry
{
public:
  /// LogicError unless >= 3 vertices and a non-zero area.
  explicit Polygon(std::vector<std::array<double, 2>> vertices);

  const std::vector<std::array<double, 2>>& vertices() const { return vertices_; }
  double area() const;

  int dimension() const override { return 2; }
  BoundingBox bounding_box() const override;
  bool inside(const double* x) const override;
  bool on_boundary(const double* x) const override;
  void boundary_normal(const double* x, double* normal) const override;
  /// Rejection from the bounding box, pass after pass (as DeepXDE's Polygon).
  std::vector<double> domain_points(std::int64_t n, UnitSampler& sampler) const override;
  void append_surfaces(std::vector<std::shared_ptr<const Surface>>& surfaces) const override;

private:
  bool on_edge(const double* x, std::size_t edge) const;

  std::vector<std::array<double, 2>> vertices_; ///< counter-clockwise
};

/// The segment from a to b.
class Segment final : public Surface
{
public:
  Segment(std::array<double, 2> a, std::array<double, 2> b) : a_(a), b_(b) {}
  int dimension() const override { return 2; }
  double measure() const override;
  int variates() const override { return 1; }
  void point(const double* unit, double* x) const override;

private:
  std::array<double, 2> a_;
  std::array<double, 2> b_;
};

} // namespace pinnbench::geometry
