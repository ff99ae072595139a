#pragma once
// A box whose boundary points fall on every face equally often, whatever the
// face's area: DeepXDE's Hypercube.random_boundary_points picks the axis of
// each point uniformly and rounds that coordinate to a side, so each of the 2N
// faces gets 1/(2N) of the points. (Box samples in proportion to area, which
// agrees only for cubes.) PINNacle's Wave 2d-CG box [-1, 1]² x [0, 5] is the
// case where it matters: the t = 0 face gets 1/6 of the points, not 1/12.
// Everything else is the Box's.
#include <pinnbench/geometry/Box.hpp>

namespace pinnbench::geometry {

class EqualFaceBox final : public Geometry
{
public:
  EqualFaceBox(std::vector<double> lower, std::vector<double> upper)
      : box_(std::move(lower), std::move(upper))
  {}

  int dimension() const override { return box_.dimension(); }
  BoundingBox bounding_box() const override { return box_.bounding_box(); }
  bool inside(const double* x) const override { return box_.inside(x); }
  bool on_boundary(const double* x) const override { return box_.on_boundary(x); }
  void boundary_normal(const double* x, double* normal) const override
  {
    box_.boundary_normal(x, normal);
  }
  std::vector<double> domain_points(std::int64_t n, UnitSampler& sampler) const override
  {
    return box_.domain_points(n, sampler);
  }
  std::vector<double> uniform_points(std::int64_t n, bool boundary,
                                     UnitSampler& fallback) const override
  {
    return box_.uniform_points(n, boundary, fallback);
  }
  /// The box's faces, each rescaled to measure 1.
  void append_surfaces(std::vector<std::shared_ptr<const Surface>>& surfaces) const override;

private:
  Box box_;
};

} // namespace pinnbench::geometry
