#pragma once
// CSG difference A \ B (DeepXDE CSGDifference):
//  - inside = inside(A) and not inside(B) (B closed, so B's surface is outside);
//  - on_boundary = (on dA and not inside B) or (inside A and on dB);
//  - normal = [on dA, not in B] n_A - [in A, on dB] n_B: a hole's normal points
//    into the hole;
//  - domain points: DeepXDE's loop: draw n points of A, drop those inside B,
//    repeat until n are kept. With Hammersley every pass redraws the same points
//    of A, so the later passes repeat points of the first (as in DeepXDE).
#include <pinnbench/geometry/Geometry.hpp>

namespace pinnbench::geometry {

class Difference final : public Geometry
{
public:
  Difference(GeometryPtr minuend, GeometryPtr subtrahend);

  int dimension() const override { return minuend_->dimension(); }
  BoundingBox bounding_box() const override { return minuend_->bounding_box(); }
  bool inside(const double* x) const override;
  bool on_boundary(const double* x) const override;
  void boundary_normal(const double* x, double* normal) const override;
  std::vector<double> domain_points(std::int64_t n, UnitSampler& sampler) const override;
  void append_surfaces(std::vector<std::shared_ptr<const Surface>>& surfaces) const override;

private:
  GeometryPtr minuend_;
  GeometryPtr subtrahend_;
};

/// base minus every hole, in order (successive CSGDifference, as PINNacle builds them).
GeometryPtr subtract_all(GeometryPtr base, const std::vector<GeometryPtr>& holes);

} // namespace pinnbench::geometry
