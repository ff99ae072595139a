#pragma once
// Optax's L-BFGS (optax.lbfgs: scale_by_lbfgs with scale_init_precond, then
// scale(-1), then the zoom line search), one call of step() being one Optax
// update: the direction from the two-loop recursion over the last m curvature
// pairs, a line search along it, the move. Transcribed from
// shared/spec/failure_modes.md section 4.1. Unlike PyTorch's L-BFGS it keeps
// every pair (no curvature skip: rho = 0 only when y . s == 0), starts with a
// step inside the unit ball, and reuses the line search's value and gradient,
// so an iteration costs as many closure calls as its line search (plus one in
// the very first iteration).
//
// The history lives in two contiguous m x n device matrices, written in place
// (slot (k - 1) mod m); nothing is allocated after construction.
#include <cstdint>
#include <functional>
#include <pinnbench/core/Types.hpp>
#include <pinnbench/optim/OptimizerState.hpp>
#include <pinnbench/optim/ZoomLineSearch.hpp>
#include <vector>

namespace pinnbench::optim {

/// Where step() spent its time, summed over all steps (seconds).
struct OptaxTimings
{
  double direction = 0;    // curvature pair, gamma and the two-loop recursion
  double two_loop = 0;     // the two-loop recursion alone (part of direction)
  double two_loop_cpu = 0; // the same in process CPU seconds (a loaded machine inflates wall time)
  double closure = 0;      // loss and gradient evaluations
  double step = 0;         // whole step() calls; the rest is the line search's own work
};

struct OptaxLbfgsSettings
{
  int memory_size = 10;           // Optax's default; the failure-mode paper uses 100
  bool scale_init_precond = true; // gamma = y.s / y.y (first step: min(1, 1 / |g|))
  ZoomSettings line_search;
};

template <class Real>
class OptaxLbfgs
{
public:
  /// Evaluates the loss at the current parameters, writes its gradient and
  /// returns it. A NaN or Inf loss is allowed: the line search reads it as a
  /// failed trial.
  using Closure = std::function<Real()>;

  OptaxLbfgs(Vector<Real> parameters, Vector<Real> gradient, OptaxLbfgsSettings settings);

  /// One L-BFGS iteration. Returns the loss at the new parameters; afterwards
  /// the gradient vector holds the gradient there.
  Real step(const Closure& closure);

  std::int64_t iterations() const { return count_; }
  std::int64_t function_evaluations() const { return evaluations_; }
  /// Closure calls of the last step().
  int last_evaluations() const { return last_evaluations_; }
  /// Which closure call of the last step() evaluated the accepted point
  /// (0-based), or -1 when the iteration ended where it began.
  int last_accepted_evaluation() const { return last_accepted_; }
  /// Whether the last line search met both conditions (else it fell back).
  bool last_line_search_succeeded() const { return last_succeeded_; }
  Real last_stepsize() const { return last_stepsize_; }
  const OptaxLbfgsSettings& settings() const { return settings_; }
  const OptaxTimings& timings() const { return timings_; }

  /// Everything step() carries over ("lbfgs_optax.*").
  OptimizerState save_state() const;
  /// Validates the whole state first; throws LogicError and leaves this
  /// optimiser untouched on a mismatch.
  void load_state(const OptimizerState& state);

private:
  Real evaluate(const Closure& closure);
  /// Stores the newest pair and returns gamma (the initial inverse-Hessian scale).
  Real update_memory();
  /// direction_ = -H g by the two-loop recursion over the stored pairs.
  void two_loop(Real gamma);

  Vector<Real> parameters_;
  Vector<Real> gradient_;
  OptaxLbfgsSettings settings_;
  ZoomLineSearch<Real> line_search_;
  std::size_t dimension_;
  int memory_;

  // Carried state (Optax's ScaleByLbfgsState plus the value and gradient
  // reused from the last line search).
  std::int64_t count_ = 0;
  bool has_value_ = false;
  Real value_ = 0;
  Vector<Real> current_gradient_;  // gradient at the parameters
  Vector<Real> previous_params_;   // w_{k-1}
  Vector<Real> previous_gradient_; // g_{k-1}
  Matrix<Real> s_, y_;             // m x n history, slot (k - 1) mod m
  std::vector<Real> rho_;          // host
  std::vector<Vector<Real>> s_rows_, y_rows_;

  // Work storage.
  Vector<Real> direction_;
  Vector<Real> origin_;
  Vector<Real> safe_gradient_;
  std::vector<Real> alpha_;
  std::int64_t evaluations_ = 0;
  int last_evaluations_ = 0;
  int last_accepted_ = -1;
  bool last_succeeded_ = true;
  Real last_stepsize_ = 0;
  OptaxTimings timings_;
  // The line search's callbacks, bound once (no allocation per iteration).
  const Closure* closure_ = nullptr;
  int step_evaluations_ = 0;
  typename ZoomLineSearch<Real>::Evaluate evaluate_trial_;
  typename ZoomLineSearch<Real>::KeepSafe keep_safe_;
};

extern template class OptaxLbfgs<float>;
extern template class OptaxLbfgs<double>;

} // namespace pinnbench::optim
