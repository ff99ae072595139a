#pragma once
// PyTorch's L-BFGS (torch.optim.LBFGS, torch 1.13), reproduced iterate for
// iterate: the same two-loop recursion, curvature skip, first-step scaling,
// strong-Wolfe or fixed-step moves, break tests in the same order, and state
// (direction, step, history, counters) that carries over between step() calls.
// Vector work runs on the device; the scalar logic runs on the host in Real,
// so an FP32 optimiser rounds like torch's FP32 one.
#include <cstdint>
#include <functional>
#include <pinnbench/core/Types.hpp>
#include <pinnbench/optim/CurvatureHistory.hpp>
#include <pinnbench/optim/OptimizerState.hpp>
#include <pinnbench/optim/StrongWolfeLineSearch.hpp>
#include <vector>

namespace pinnbench::optim {

/// torch.optim.LBFGS's arguments, with its defaults except that the strong-Wolfe
/// line search is on (as every reference code passes line_search_fn='strong_wolfe').
struct LbfgsSettings
{
  double lr = 1;
  int max_iter = 20;              // iterations per step()
  int max_eval = 0;               // evaluations per step(); 0 means max_iter * 5 / 4
  double tolerance_grad = 1e-7;   // stop when max|g| <= this
  double tolerance_change = 1e-9; // stop when the step or the loss change is below this
  int history_size = 100;
  bool strong_wolfe = true; // false: fixed steps of length lr
};

template <class Real>
class Lbfgs
{
public:
  /// Evaluates the loss at the current contents of the parameters, writes
  /// dL/dparameters into the gradient and returns the loss.
  using Closure = std::function<Real()>;

  /// The optimiser moves `parameters` in place and reads `gradient` after each
  /// closure call; both stay owned by the caller and must not alias.
  Lbfgs(Vector<Real> parameters, Vector<Real> gradient, LbfgsSettings settings);

  /// Up to max_iter L-BFGS iterations. Returns the loss at the start of the step
  /// (torch's orig_loss). A NaN or Inf loss or gradient never hangs it: the step
  /// ends within max_iter * (max_ls + 1) + 1 evaluations and the caller sees
  /// the non-finite loss. If the closure throws, the exception propagates with
  /// the parameters possibly at a line-search trial point.
  Real step(const Closure& closure);

  std::int64_t iterations() const { return n_iter_; }               // torch's state['n_iter']
  std::int64_t function_evaluations() const { return func_evals_; } // state['func_evals']
  const LbfgsSettings& settings() const { return settings_; }
  int max_evaluations() const { return max_eval_; }
  int history_length() const { return history_.size(); }

  /// Everything step() carries over (names "lbfgs.*"); with the parameters it
  /// makes a checkpoint from which a fresh optimiser continues bit for bit.
  OptimizerState save_state() const;
  /// Validates the whole state (kind, sizes, history length) before taking it;
  /// throws LogicError and leaves this optimiser untouched on a mismatch.
  void load_state(const OptimizerState& state);

private:
  Real evaluate(const Closure& closure);
  void update_direction(const Vector<Real>& g);

  Vector<Real> parameters_;
  Vector<Real> gradient_;
  LbfgsSettings settings_;
  int max_eval_;

  // State carried between step() calls (torch's state dict).
  std::int64_t n_iter_ = 0;
  std::int64_t func_evals_ = 0;
  Vector<Real> direction_;         // d
  Vector<Real> previous_gradient_; // prev_flat_grad
  Real t_ = 0;
  Real h_diag_ = 1;
  Real previous_loss_ = 0;
  CurvatureHistory<Real> history_; // old_dirs, old_stps, ro

  // Work storage.
  std::vector<Real> alpha_; // two-loop coefficients (torch's al)
  Vector<Real> origin_;     // x at the start of a line search
  StrongWolfeLineSearch<Real> line_search_;
};

extern template class Lbfgs<float>;
extern template class Lbfgs<double>;

} // namespace pinnbench::optim
