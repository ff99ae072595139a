#pragma once
// A boundary piece whose measure counts `factor` times its own: it changes the
// piece's share of the boundary points (geometry::sample_boundary), nothing
// else. PINNacle's shapes that do not sample in proportion to measure
// (MultiDifference, EqualFaceBox) report their pieces this way.
#include <memory>
#include <pinnbench/geometry/Surface.hpp>

namespace pinnbench::geometry {

class RescaledSurface final : public Surface
{
public:
  RescaledSurface(std::shared_ptr<const Surface> piece, double factor)
      : piece_(std::move(piece)), factor_(factor)
  {}
  int dimension() const override { return piece_->dimension(); }
  double measure() const override { return factor_ * piece_->measure(); }
  int variates() const override { return piece_->variates(); }
  void point(const double* unit, double* x) const override { piece_->point(unit, x); }
  bool keeps(const double* x) const override { return piece_->keeps(x); }

private:
  std::shared_ptr<const Surface> piece_;
  double factor_;
};

} // namespace pinnbench::geometry
