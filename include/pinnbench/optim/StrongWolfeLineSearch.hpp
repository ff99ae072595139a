#pragma once
// PyTorch's strong-Wolfe line search (torch.optim.lbfgs._strong_wolfe, after
// minFunc's WolfeLineSearch): extrapolate with clamped cubic steps until a
// bracket is found, then zoom into it with the "insufficient progress"
// safeguard. Reproduced decision for decision, with the same quirks (see
// search()). At most `max_iterations` + 1 evaluations, so a NaN or Inf loss
// cannot make it hang.
#include <array>
#include <functional>
#include <pinnbench/core/Types.hpp>

namespace pinnbench::optim {

/// Constants of torch's _strong_wolfe; LBFGS always calls it with these defaults
/// (its own tolerance_change does not reach the line search).
struct StrongWolfeSettings
{
  double c1 = 1e-4;               // sufficient decrease (Armijo)
  double c2 = 0.9;                // curvature
  double tolerance_change = 1e-9; // smallest bracket width times max|d|
  int max_iterations = 25;        // max_ls
};

template <class Real>
class StrongWolfeLineSearch
{
public:
  /// Sets the parameters to x0 + t d, runs the closure (which writes the
  /// gradient into the `trial_gradient` given to search()) and returns the loss.
  using Evaluate = std::function<Real(Real t)>;

  struct Result
  {
    Real loss;             // f(x0 + step d)
    Real step;             // t; 0 when no trial point beat the starting point
    Vector<Real> gradient; // at that point; a view of internal storage or of g0
    int evaluations;
  };

  explicit StrongWolfeLineSearch(StrongWolfeSettings settings = {}) : settings_(settings) {}

  const StrongWolfeSettings& settings() const { return settings_; }

  /// Searches along `direction` from a point with loss `loss`, gradient `g0` and
  /// directional derivative `gtd` = g0 . direction, starting with step `t`.
  /// `g0` must stay untouched during the search (the result may be a view of
  /// it); the result's gradient stays valid until the next search.
  Result search(const Evaluate& evaluate, const Vector<Real>& trial_gradient,
                const Vector<Real>& direction, Real t, Real loss, const Vector<Real>& g0, Real gtd);

private:
  // Gradients kept by the search live in three slots: a bracket references at
  // most two, so there is always a free one to copy a new trial's gradient into.
  static constexpr int initial_gradient = -1;
  int store(const Vector<Real>& trial_gradient, int keep_a, int keep_b);
  const Vector<Real>& gradient(int slot, const Vector<Real>& g0) const;

  StrongWolfeSettings settings_;
  std::array<Vector<Real>, 3> slots_;
};

extern template class StrongWolfeLineSearch<float>;
extern template class StrongWolfeLineSearch<double>;

} // namespace pinnbench::optim
