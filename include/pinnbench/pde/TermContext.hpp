#pragma once
// What a residual sees while it is being built: the network output and the
// coordinate jet of every evaluation of the term, on one tape. With several
// evaluations everything lives on the combined coordinates, evaluation k's
// coordinate j being axis k * d + j.
//
// A function of one evaluation's inputs has zero derivatives in the others'.
// Differentiating the combined jet would lose that (d/dx_lo of u_lo cannot
// know that its x_hi-derivatives vanish), so d() differentiates the
// evaluation's own jet and embeds the result again.
#include <cstdint>
#include <map>
#include <pinnbench/core/Error.hpp>
#include <pinnbench/jet/Expression.hpp>
#include <string>
#include <utility>
#include <vector>

namespace pinnbench::pde {

template <class Real>
class TermContext
{
public:
  using Var = jet::Var<Real>;

  /// `outputs` and `coordinates` are each evaluation's own jets (on its own d
  /// coordinates); `first_point` is the global index of the chunk's first point;
  /// `point_data` the term's per-point constants on the first evaluation's
  /// points (Term::point_data), if it has any; `tokens` the rows per point of a
  /// pseudo-sequence model (first_point then counts token rows);
  /// `carried_directions` the term's directions (Term::along) when the jets'
  /// coordinates are those directions rather than the inputs (directional jets).
  TermContext(int dimension, std::vector<Var> outputs, std::vector<Var> coordinates,
              std::int64_t first_point = 0, Var point_data = {}, int tokens = 1,
              std::vector<std::vector<double>> carried_directions = {})
      : dimension_(dimension), first_point_(first_point), tokens_(tokens),
        carried_directions_(std::move(carried_directions))
  {
    if (!carried_directions_.empty() && outputs.size() != 1)
      throw LogicError("directional jets need a term with a single evaluation");
    const int count = static_cast<int>(outputs.size());
    for (int k = 0; k < count; ++k) {
      own_outputs_.push_back(outputs[static_cast<std::size_t>(k)]);
      outputs_.push_back(combined(outputs[static_cast<std::size_t>(k)], k, count));
      coordinates_.push_back(combined(coordinates[static_cast<std::size_t>(k)], k, count));
    }
    if (point_data.valid())
      point_data_ = combined(point_data, 0, count);
  }

  int evaluations() const { return static_cast<int>(outputs_.size()); }
  /// The network output of an evaluation.
  const Var& u(int evaluation = 0) const
  {
    return outputs_.at(static_cast<std::size_t>(evaluation));
  }
  /// Output `feature` of an evaluation (u, v, p of a multi-output task) as a
  /// one-feature jet.
  Var output(int feature, int evaluation = 0) const
  {
    if (evaluations() == 1)
      return jet::feature(outputs_.front(), feature);
    return combined(jet::feature(own_outputs_.at(static_cast<std::size_t>(evaluation)), feature),
                    evaluation, evaluations());
  }
  /// Column j of the term's per-point data (constant: zero derivatives).
  Var data(int j) const
  {
    if (!point_data_.valid())
      throw LogicError("the term has no per-point data");
    return jet::feature(point_data_, j);
  }
  /// n . grad v over the first `axes` coordinates, the term's point data being
  /// the outward unit normals (Neumann and Robin conditions).
  Var normal_derivative(const Var& v, int axes) const
  {
    Var sum = data(0) * d(v, 0);
    for (int j = 1; j < axes; ++j)
      sum = sum + data(j) * d(v, j);
    return sum;
  }
  /// Coordinate j of an evaluation as a jet (value = the coordinate, d/dz_j = 1).
  Var coordinate(int j, int evaluation = 0) const
  {
    return jet::feature(coordinates_.at(static_cast<std::size_t>(evaluation)), j);
  }
  /// The axis of coordinate j of an evaluation in this term's coordinate system.
  int axis(int j, int evaluation = 0) const { return evaluation * dimension_ + j; }
  /// d v / d(coordinate j of an evaluation).
  Var d(const Var& v, int j, int evaluation = 0) const
  {
    if (!carried_directions_.empty())
      throw LogicError("the term's jets carry derivatives along its declared directions "
                       "only: read them with along()");
    if (evaluations() == 1)
      return jet::d(v, j);
    const auto own = own_jets_.find(v.id());
    if (own == own_jets_.end() || own->second.second != evaluation)
      return jet::d(v, axis(j, evaluation));
    return combined(jet::d(own->second.first, j), evaluation, evaluations());
  }
  /// sum_{j in axes} d^2 v / d(coordinate j of an evaluation)^2. Declare it in the
  /// term (Term::add_laplacian) so the jet may carry it as one collapsed
  /// component; on an uncollapsed set it is the sum of d(d(v, j), j).
  Var laplacian(const Var& v, const std::vector<int>& axes, int evaluation = 0) const
  {
    if (evaluations() == 1)
      return jet::laplacian(v, axes);
    jet::axis_mask(axes, dimension_); // validates: some axes, each once, all in range
    Var sum;
    for (int j : axes) {
      const Var second = d(d(v, j, evaluation), j, evaluation);
      sum = sum.valid() ? sum + second : second;
    }
    return sum;
  }
  /// The derivative of v along `direction` (one entry per input): sum_j
  /// direction[j] dv/dx_j. Declare the direction in the term (Term::along) so
  /// the jet may carry it as a coordinate of its own.
  Var along(const Var& v, const std::vector<double>& direction) const
  {
    check_direction(direction);
    if (!carried_directions_.empty())
      return jet::d(v, carried(direction));
    Var sum;
    for (int j = 0; j < dimension_; ++j)
      if (const double weight = direction[as_index(j)]; weight != 0.0)
        sum = plus_weighted(sum, weight, d(v, j));
    return nonzero(sum);
  }
  /// The mixed second derivative of v along a and b: sum_ij a_i b_j
  /// d^2v/dx_i dx_j, each pair i < j once with weight a_i b_j + a_j b_i (the
  /// wave operator u_tt - c^2 u_xx is that along (c, 1) and (-c, 1); its cross
  /// terms cancel, so along the inputs it reads u_xx and u_tt only).
  Var along(const Var& v, const std::vector<double>& a, const std::vector<double>& b) const
  {
    check_direction(a);
    check_direction(b);
    if (!carried_directions_.empty())
      return jet::d(jet::d(v, carried(a)), carried(b));
    Var sum;
    for (int i = 0; i < dimension_; ++i)
      for (int j = i; j < dimension_; ++j) {
        double weight = a[as_index(i)] * b[as_index(j)];
        if (i != j)
          weight += a[as_index(j)] * b[as_index(i)];
        if (weight != 0.0)
          sum = plus_weighted(sum, weight, d(d(v, i), j));
      }
    return nonzero(sum);
  }
  /// Every axis of the term's coordinate system.
  int axes() const { return dimension_ * evaluations(); }
  /// Global index (in the term's point list) of the first point of this chunk.
  std::int64_t first_point() const { return first_point_; }
  /// Rows per point: the token count of a pseudo-sequence model, else 1.
  int tokens() const { return tokens_; }

private:
  static std::size_t as_index(int j) { return static_cast<std::size_t>(j); }

  void check_direction(const std::vector<double>& direction) const
  {
    if (static_cast<int>(direction.size()) != dimension_)
      throw LogicError("along(): a direction needs one entry per input (" +
                       std::to_string(dimension_) + ")");
  }

  /// The jet coordinate of a carried direction.
  int carried(const std::vector<double>& direction) const
  {
    for (std::size_t k = 0; k < carried_directions_.size(); ++k)
      if (carried_directions_[k] == direction)
        return static_cast<int>(k);
    throw LogicError("along(): the term does not declare this direction");
  }

  /// sum + weight * term (weight 1 multiplies nothing; no sum yet: the term alone).
  static Var plus_weighted(const Var& sum, double weight, const Var& term)
  {
    const Var scaled = weight == 1.0 ? term : static_cast<Real>(weight) * term;
    return sum.valid() ? sum + scaled : scaled;
  }

  static Var nonzero(Var sum)
  {
    if (!sum.valid())
      throw LogicError("along(): a zero direction");
    return sum;
  }

  /// `own` (a jet on evaluation k's coordinates) on the combined coordinates: its
  /// derivative set placed at every evaluation's block, so jets of different
  /// evaluations with the same derivatives combine without losing any.
  Var combined(const Var& own, int evaluation, int count) const
  {
    if (count == 1)
      return own;
    auto& tape = own.tape();
    const auto& set = own.set();
    auto target = set->embedded(dimension_ * count, 0);
    for (int k = 1; k < count; ++k)
      target =
          jet::DerivativeSet::union_of(*target, *set->embedded(dimension_ * count, k * dimension_));
    Var result(tape, tape.embed(own.id(), target, evaluation * dimension_));
    own_jets_[result.id()] = {own, evaluation};
    return result;
  }

  int dimension_;
  std::vector<Var> own_outputs_;
  std::vector<Var> outputs_;
  std::vector<Var> coordinates_;
  std::int64_t first_point_;
  int tokens_ = 1;
  std::vector<std::vector<double>> carried_directions_;
  Var point_data_;
  /// combined jet -> (the evaluation's own jet it was made from, the evaluation)
  mutable std::map<int, std::pair<Var, int>> own_jets_;
};

} // namespace pinnbench::pde
