#pragma once
// CSG union A u B (DeepXDE CSGUnion):
//  - inside = inside(A) or inside(B);
//  - on_boundary = (on dA and not inside B) or (on dB and not inside A);
//  - normal = [on dA, not in B] n_A + [on dB, not in A] n_B;
//  - domain points: rejection from the bounding box, pass after pass.
#include <pinnbench/geometry/Geometry.hpp>

namespace pinnbench::geometry {

class Union final : public Geometry
{
public:
  Union(GeometryPtr first, GeometryPtr second);

  int dimension() const override { return first_->dimension(); }
  BoundingBox bounding_box() const override;
  bool inside(const double* x) const override;
  bool on_boundary(const double* x) const override;
  void boundary_normal(const double* x, double* normal) const override;
  std::vector<double> domain_points(std::int64_t n, UnitSampler& sampler) const override;
  void append_surfaces(std::vector<std::shared_ptr<const Surface>>& surfaces) const override;

private:
  GeometryPtr first_;
  GeometryPtr second_;
};

} // namespace pinnbench::geometry
