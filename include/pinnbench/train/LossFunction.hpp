#pragma once
// The closure: loss and gradient of a model on a task's terms under an
// objective, on this rank's points, summed over ranks with ONE allreduce.
//
// Points are processed in chunks of at most `chunk_points` per term on one tape
// whose buffers persist, so memory is bounded by the chunk and nothing is
// allocated after the first evaluation. Every term's mean is normalised by its
// global point count, so the rank sum of the local gradients is the gradient.
#include <map>
#include <memory>
#include <pinnbench/nn/Model.hpp>
#include <pinnbench/objective/Objective.hpp>
#include <pinnbench/objective/Vanilla.hpp>
#include <pinnbench/parallel/MpiContext.hpp>

namespace pinnbench::train {

struct LossSettings
{
  int chunk_points = 1024;
  /// Loss weight per task term name; missing names weigh 1.
  std::map<std::string, double> weights;
  /// Carry a Laplacian a term declares (Term::add_laplacian) as one collapsed
  /// jet component where that is smaller and the objective allows it; false
  /// always uses one component per second derivative (for comparisons).
  bool collapse_laplacians = true;
  /// Carry the directions a term declares (Term::directions) as the jet's
  /// coordinates where that is smaller and the objective allows it; false
  /// always differentiates along the inputs (for comparisons).
  bool carry_directions = true;
};

/// A loss evaluation: the total and every reported term (unweighted; the loss is
/// sum_k weight_k * terms[k]).
struct LossValue
{
  double loss = 0.0;
  std::vector<double> terms;
  bool finite = true; ///< loss and gradient (if computed) are finite
};

template <class Real>
class LossFunction
{
public:
  /// `objective` may be null: then the task's terms are plain mean squares
  /// (used to evaluate train/test losses).
  LossFunction(const pde::Task& task, std::vector<pde::Term> terms, const nn::Model<Real>& model,
               objective::Objective<Real>* objective, const parallel::MpiContext& mpi,
               LossSettings settings);

  const std::vector<std::string>& term_names() const { return names_; }
  const std::vector<double>& term_weights() const { return weights_; }

  /// The gradient vector evaluate() fills (length = model parameters).
  const Vector<Real>& gradient() const { return gradient_; }

  /// Loss at `parameters`. With `with_gradient`, also the gradient (allreduced,
  /// in gradient()), and the objective's after_closure() hook runs.
  /// `closure_index` keys the random point perturbations of this call.
  LossValue evaluate(const Vector<Real>& parameters, bool with_gradient,
                     std::uint64_t closure_index);

  /// Peak bytes of the tape's buffers (the closure's working memory).
  std::size_t working_bytes() const { return tape_.bytes(); }
  const jet::GemmStatistics& gemm_statistics() const { return tape_.gemm_statistics(); }
  void reset_gemm_statistics() { tape_.reset_gemm_statistics(); }

private:
  struct PreparedTerm
  {
    pde::Term term;
    std::vector<Matrix<Real>> points; ///< per evaluation, this rank's block [n][d]
    std::int64_t global_offset = 0;
    std::vector<jet::DerivativeSetPtr> sets; ///< per evaluation
    /// The jets' coordinates are the term's directions (term.along; directional
    /// jets, single evaluation) rather than its inputs.
    bool carries_directions = false;
    Matrix<Real> point_data; ///< this rank's block of Term::point_data, or empty
    double weight = 1.0;
    std::int64_t alignment = 1;    ///< chunks and blocks hold whole multiples of this
    int tokens = 1;                ///< rows per point (pseudo-sequence models)
    bool first_token_only = false; ///< the loss compares token 0 of every point
  };

  /// This rank's share of evaluate(), before the allreduce: may throw.
  void evaluate_locally(const Vector<Real>& parameters, bool with_gradient,
                        std::uint64_t closure_index);
  void evaluate_chunk(const PreparedTerm& prepared, int sample, std::int64_t begin,
                      std::int64_t count, const objective::Perturbation& perturbation,
                      std::uint64_t closure_index, bool with_gradient);
  int slot_of(const std::string& name) const;

  const pde::Task& task_;
  const nn::Model<Real>& model_;
  objective::Objective<Real>* objective_;
  objective::Vanilla<Real> plain_;
  parallel::MpiContext mpi_;
  LossSettings settings_;
  std::vector<PreparedTerm> terms_;
  std::vector<std::string> names_;
  std::vector<double> weights_;
  std::map<std::string, int> slots_;

  jet::Tape<Real> tape_;
  /// [loss-term slots | gradient]: reduced together in one allreduce.
  Kokkos::View<Real*, MemorySpace> reduction_;
  Vector<Real> gradient_;
  std::vector<double> local_terms_;
  std::vector<Matrix<Real>> scratch_points_; ///< perturbed chunk coordinates, per evaluation
  std::vector<objective::LossContribution<Real>> contributions_;
  std::vector<std::pair<int, double>> seeds_;
};

} // namespace pinnbench::train
