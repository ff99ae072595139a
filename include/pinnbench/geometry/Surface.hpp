#pragma once
// A primitive piece of a boundary (a box face, a sphere, a polygon edge) with a
// measure-preserving map from unit-cube variates onto it: uniform variates give
// points uniformly distributed over the piece's area. Boundary sampling draws
// on each piece in proportion to its measure (geometry/Sampling.hpp).
// CSG shapes clip their operands' pieces with the operands' closed inside()
// tests, as DeepXDE filters its CSG boundary samples (ClippedSurface): the
// exact sets, free of on_boundary()'s tolerances.
#include <memory>

namespace pinnbench::geometry {

class Surface
{
public:
  virtual ~Surface() = default;
  virtual int dimension() const = 0; ///< of the embedding space
  /// Length / area / hyper-area.
  virtual double measure() const = 0;
  /// Number of unit variates point() reads.
  virtual int variates() const = 0;
  /// Maps variates in [0, 1)^variates() onto the piece.
  virtual void point(const double* unit, double* x) const = 0;
  /// Whether x (a point of the piece) belongs to the boundary of the whole shape.
  virtual bool keeps(const double* x) const
  {
    (void)x;
    return true;
  }
};

class Geometry;

/// A piece cut by another shape: kept where it is inside (or outside) `clip`.
class ClippedSurface final : public Surface
{
public:
  enum class Keep
  {
    inside,
    outside,
  };
  ClippedSurface(std::shared_ptr<const Surface> piece, std::shared_ptr<const Geometry> clip,
                 Keep keep);
  int dimension() const override { return piece_->dimension(); }
  double measure() const override { return piece_->measure(); }
  int variates() const override { return piece_->variates(); }
  void point(const double* unit, double* x) const override { piece_->point(unit, x); }
  bool keeps(const double* x) const override;

private:
  std::shared_ptr<const Surface> piece_;
  std::shared_ptr<const Geometry> clip_;
  Keep keep_;
};

} // namespace pinnbench::geometry
