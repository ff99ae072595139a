#pragma once
// Space x time domain Omega x [t0, t1] (DeepXDE GeometryXTime); time is the
// last coordinate.
//  - on_boundary / boundary_normal are those of the spatial boundary (the
//    t = t0 and t = t1 slices are not boundary), with a zero time component;
//  - domain points: a box is sampled jointly as a box of dimension + 1; any
//    other shape pairs its spatial points with a random permutation of the
//    time samples (DeepXDE's np.random.permutation);
//  - boundary surfaces are spatial surfaces x [t0, t1], so boundary points are
//    spread over space and time in proportion to measure;
//  - initial points: spatial domain points at t = t0.
#include <pinnbench/geometry/Geometry.hpp>

namespace pinnbench::geometry {

class SpaceTime final : public Geometry
{
public:
  /// LogicError unless t0 < t1.
  SpaceTime(GeometryPtr space, double t0, double t1);

  const Geometry& space() const { return *space_; }
  double t0() const { return t0_; }
  double t1() const { return t1_; }

  int dimension() const override { return space_->dimension() + 1; }
  BoundingBox bounding_box() const override;
  bool inside(const double* x) const override;
  bool on_boundary(const double* x) const override { return space_->on_boundary(x); }
  void boundary_normal(const double* x, double* normal) const override;
  std::vector<double> domain_points(std::int64_t n, UnitSampler& sampler) const override;
  /// DeepXDE GeometryXTime.uniform_points: nx = ceil(sqrt(n bbox-volume / T))
  /// spatial points (the space's uniform_points), nt = ceil(n / nx) times:
  /// linspace(t0, t1, nt) with boundary, else t1, t1 - T/nt, ... (t0 excluded);
  /// time-major.
  std::vector<double> uniform_points(std::int64_t n, bool boundary,
                                     UnitSampler& fallback) const override;
  void append_surfaces(std::vector<std::shared_ptr<const Surface>>& surfaces) const override;

  /// True when x's time is t0 (numpy.isclose), DeepXDE's on_initial.
  bool on_initial(const double* x) const;
  /// n spatial domain points with time t0, row-major [n][dimension()].
  std::vector<double> initial_points(std::int64_t n, UnitSampler& sampler) const;

private:
  GeometryPtr space_;
  double t0_;
  double t1_;
};

/// A spatial surface swept over [t0, t1]: variates of the surface, then time.
class TimeSweptSurface final : public Surface
{
public:
  TimeSweptSurface(std::shared_ptr<const Surface> surface, double t0, double t1);
  int dimension() const override { return surface_->dimension() + 1; }
  double measure() const override { return surface_->measure() * (t1_ - t0_); }
  int variates() const override { return surface_->variates() + 1; }
  void point(const double* unit, double* x) const override;
  bool keeps(const double* x) const override { return surface_->keeps(x); }

private:
  std::shared_ptr<const Surface> surface_;
  double t0_;
  double t1_;
};

} // namespace pinnbench::geometry
