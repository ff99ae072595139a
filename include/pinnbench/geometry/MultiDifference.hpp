#pragma once
// A base shape minus several holes as PINNacle's CSGMultiDifference builds it
// (src/utils/geom.py; Heat 2d-CG, spec pinnacle.md §3.9):
//  - inside / on_boundary / normals / domain points are those of
//    base \ (hole_1 u ... u hole_k): one rejection loop against all holes;
//  - boundary points: CSGMultiDifference draws n candidates on the base and n
//    on every hole, keeps those on the boundary, then shuffles and truncates
//    to n. Each operand thus gets an equal share of the boundary points
//    whatever its size (17/18 of Heat 2d-CG's points lie on its circles), not
//    a share in proportion to its length. The operands' pieces are reported
//    with their measures rescaled so that each operand weighs 1, which makes
//    geometry::sample_boundary allot points the same way.
#include <pinnbench/geometry/Geometry.hpp>
#include <pinnbench/geometry/RescaledSurface.hpp>

namespace pinnbench::geometry {

class MultiDifference final : public Geometry
{
public:
  /// LogicError unless there is at least one hole and all dimensions agree.
  MultiDifference(GeometryPtr base, std::vector<GeometryPtr> holes);

  int dimension() const override { return shape_->dimension(); }
  BoundingBox bounding_box() const override { return shape_->bounding_box(); }
  bool inside(const double* x) const override { return shape_->inside(x); }
  bool on_boundary(const double* x) const override { return shape_->on_boundary(x); }
  void boundary_normal(const double* x, double* normal) const override
  {
    shape_->boundary_normal(x, normal);
  }
  std::vector<double> domain_points(std::int64_t n, UnitSampler& sampler) const override
  {
    return shape_->domain_points(n, sampler);
  }
  void append_surfaces(std::vector<std::shared_ptr<const Surface>>& surfaces) const override;

private:
  GeometryPtr base_;
  std::vector<GeometryPtr> holes_;
  GeometryPtr all_holes_; ///< their union
  GeometryPtr shape_;     ///< base \ all_holes_
};

} // namespace pinnbench::geometry
