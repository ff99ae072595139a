#pragma once
// What a residual sees while it is being built: the network output and the
// coordinate jet of every evaluation of the term, on one tape. With several
// evaluations everything lives on the combined coordinates, evaluation k's
// coordinate j being axis k * d + j.
#include <pinnbench/jet/Expression.hpp>

#include <cstdint>
#include <vector>

namespace pinnbench::pde {

template <class Real>
class TermContext
{
public:
  using Var = jet::Var<Real>;

  TermContext(int dimension, std::vector<Var> outputs, std::vector<Var> coordinates,
              std::int64_t first_point = 0)
      : dimension_(dimension), outputs_(std::move(outputs)), coordinates_(std::move(coordinates)),
        first_point_(first_point)
  {
  }

  int evaluations() const { return static_cast<int>(outputs_.size()); }
  /// The network output of an evaluation.
  const Var& u(int evaluation = 0) const { return outputs_.at(static_cast<std::size_t>(evaluation)); }
  /// Coordinate j of an evaluation as a jet (value = the coordinate, d/dz_j = 1).
  Var coordinate(int j, int evaluation = 0) const
  {
    return jet::feature(coordinates_.at(static_cast<std::size_t>(evaluation)), j);
  }
  /// The axis of coordinate j of an evaluation in this term's coordinate system.
  int axis(int j, int evaluation = 0) const { return evaluation * dimension_ + j; }
  /// d v / d(coordinate j of an evaluation).
  Var d(const Var& v, int j, int evaluation = 0) const { return jet::d(v, axis(j, evaluation)); }
  /// Every axis of the term's coordinate system.
  int axes() const { return dimension_ * evaluations(); }
  /// Global index (in the term's point list) of the first point of this chunk.
  std::int64_t first_point() const { return first_point_; }

private:
  int dimension_;
  std::vector<Var> outputs_;
  std::vector<Var> coordinates_;
  std::int64_t first_point_;
};

} // namespace pinnbench::pde
