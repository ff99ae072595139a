#pragma once
// An objective turns a task's residuals into loss contributions and may change
// how points are sampled (RoPINN), which derivatives are needed (gPINN, double
// PINN) or add parameter penalties (L1/L2). The loss function asks it per term
// and per chunk of points.
#include <pinnbench/core/Types.hpp>
#include <pinnbench/optim/OptimizerState.hpp>
#include <pinnbench/pde/Task.hpp>
#include <pinnbench/random/Philox.hpp>
#include <string>
#include <utility>
#include <vector>

namespace pinnbench::objective {

template <class Real>
struct LossContribution
{
  std::string term;        ///< reported loss term it adds to
  int node;                ///< scalar tape node: a sum over the chunk's points
  double inner_weight = 1; ///< scales the node inside its reported term
};

/// How a term's points move on a closure (RoPINN): point i, sample s, coordinate j
/// becomes x_ij + region * U(counter = closure * samples + s, index = global i, lane j).
struct Perturbation
{
  double region = 0.0; ///< 0: the points stay put
  int samples = 1;
  random::CounterRng rng;
};

template <class Real>
class Objective
{
public:
  virtual ~Objective() = default;
  virtual std::string name() const = 0;

  /// The terms to train on, given the task's (vPINN swaps the PDE term's points
  /// for element quadrature points).
  virtual std::vector<pde::Term> adapt_terms(std::vector<pde::Term> terms) const { return terms; }
  /// Chunks and rank blocks of a term hold whole multiples of this many points
  /// (vPINN: one element's quadrature points).
  virtual std::int64_t point_alignment(const pde::Term&) const { return 1; }
  /// Orders of input derivatives needed above what the task's residual reads.
  virtual int derivative_raise(const pde::Term&) const { return 0; }
  /// Reported loss terms this objective adds, with their weights in the loss.
  virtual std::vector<std::pair<std::string, double>> extra_terms() const { return {}; }
  /// The loss contributions of one term from its residual r (task weight
  /// `term_weight`). The default is the mean square: sum of r^2 under the
  /// term's own name.
  virtual void contribute(const pde::Term& term, double term_weight, const jet::Var<Real>& r,
                          const pde::TermContext<Real>& context,
                          std::vector<LossContribution<Real>>& out) const
  {
    (void)term_weight;
    (void)context;
    out.push_back({term.reported(), r.tape().sum_squares(r.id()), 1.0});
  }
  /// Sampling of a term's points on the current closure.
  virtual Perturbation perturbation(const pde::Term&) const { return {}; }
  /// Value of a parameter penalty, and weight * its gradient added into `gradient`
  /// when that is non-empty. Only objectives with a `penalty` extra term use it.
  virtual double penalty(const Vector<Real>& parameters, const Vector<Real>& gradient,
                         double weight) const
  {
    (void)parameters;
    (void)gradient;
    (void)weight;
    return 0.0;
  }

  /// Called with the (allreduced) gradient of every training closure, and after
  /// every optimiser step.
  virtual void after_closure(const Vector<Real>& gradient) { (void)gradient; }
  virtual void after_step() {}
  /// Scalars to record in the history (e.g. RoPINN's region and sigma).
  virtual std::vector<std::pair<std::string, double>> diagnostics() const { return {}; }

  /// What a checkpoint must keep to continue the run identically (RoPINN's
  /// gradient buffer and sigma); stateless objectives keep nothing.
  virtual optim::OptimizerState save_state() const
  {
    optim::OptimizerState state;
    state.kind = name();
    return state;
  }
  virtual void load_state(const optim::OptimizerState& state) { state.require_kind(name()); }
};

} // namespace pinnbench::objective
