#pragma once
// PyTorch's Adam (torch.optim.Adam, torch 1.13 single-tensor path): weight
// decay added to the gradient (L2, not AdamW), bias corrections computed on the
// host in double from the step count, one fused device update per step.
#include <cstdint>
#include <functional>
#include <pinnbench/core/Types.hpp>
#include <pinnbench/optim/OptimizerState.hpp>

namespace pinnbench::optim {

/// torch.optim.Adam's arguments and defaults (amsgrad is not supported).
struct AdamSettings
{
  double lr = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0;
};

template <class Real>
class Adam
{
public:
  /// Evaluates the loss at the current contents of the parameters, writes
  /// dL/dparameters into the gradient and returns the loss.
  using Closure = std::function<Real()>;

  /// The optimiser moves `parameters` in place and reads `gradient` after the
  /// closure call; both stay owned by the caller and must not alias.
  Adam(Vector<Real> parameters, Vector<Real> gradient, AdamSettings settings);

  /// One closure call and one update; returns the loss the closure returned.
  Real step(const Closure& closure);

  std::int64_t iterations() const { return step_count_; } // torch's state['step']
  const AdamSettings& settings() const { return settings_; }

  /// "adam.step", "adam.exp_avg", "adam.exp_avg_sq".
  OptimizerState save_state() const;
  /// Throws LogicError (leaving this optimiser untouched) on a mismatch.
  void load_state(const OptimizerState& state);

private:
  Vector<Real> parameters_;
  Vector<Real> gradient_;
  AdamSettings settings_;
  std::int64_t step_count_ = 0;
  Vector<Real> exp_avg_;    // first moment
  Vector<Real> exp_avg_sq_; // second moment
};

extern template class Adam<float>;
extern template class Adam<double>;

} // namespace pinnbench::optim
