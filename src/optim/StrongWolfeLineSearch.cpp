#include "VectorKernels.hpp"

#include <cmath>
#include <pinnbench/optim/CubicInterpolation.hpp>
#include <pinnbench/optim/StrongWolfeLineSearch.hpp>

namespace pinnbench::optim {

template <class Real>
int StrongWolfeLineSearch<Real>::store(const Vector<Real>& trial_gradient, int keep_a, int keep_b)
{
  int slot = 0;
  while (slot == keep_a || slot == keep_b)
    ++slot;
  Vector<Real>& storage = slots_[static_cast<std::size_t>(slot)];
  if (storage.extent(0) != trial_gradient.extent(0))
    storage =
        kernels::allocate<Real>("pinnbench::optim::line_search_gradient", trial_gradient.extent(0));
  kernels::copy(storage, trial_gradient);
  return slot;
}

template <class Real>
const Vector<Real>& StrongWolfeLineSearch<Real>::gradient(int slot, const Vector<Real>& g0) const
{
  return slot == initial_gradient ? g0 : slots_[static_cast<std::size_t>(slot)];
}

template <class Real>
auto StrongWolfeLineSearch<Real>::search(const Evaluate& evaluate,
                                         const Vector<Real>& trial_gradient,
                                         const Vector<Real>& direction, Real t, Real loss,
                                         const Vector<Real>& g0, Real gtd) -> Result
{
  const Real c1 = static_cast<Real>(settings_.c1);
  const Real c2 = static_cast<Real>(settings_.c2);
  const Real tolerance_change = static_cast<Real>(settings_.tolerance_change);
  const int max_ls = settings_.max_iterations;
  const Real f = loss;

  const Real d_norm = kernels::max_abs(direction);
  Real f_new = evaluate(t);
  int evaluations = 1;
  Real gtd_new = kernels::dot(trial_gradient, direction);

  // The bracket: one or two points (step, loss, gradient slot, g . d).
  Real bracket_t[2] = {0, 0}, bracket_f[2] = {0, 0}, bracket_gtd[2] = {0, 0};
  int bracket_g[2] = {initial_gradient, initial_gradient};
  int bracket_size = 0;

  // Phase 1: extrapolate until a step brackets a strong-Wolfe point or satisfies it.
  Real t_prev = 0, f_prev = f, gtd_prev = gtd;
  int g_prev = initial_gradient;
  bool done = false;
  int ls_iter = 0;
  const auto bracket_previous_and_new = [&] {
    bracket_t[0] = t_prev;
    bracket_t[1] = t;
    bracket_f[0] = f_prev;
    bracket_f[1] = f_new;
    bracket_g[0] = g_prev;
    bracket_g[1] = store(trial_gradient, g_prev, initial_gradient);
    bracket_gtd[0] = gtd_prev;
    bracket_gtd[1] = gtd_new;
    bracket_size = 2;
  };
  while (ls_iter < max_ls) {
    // torch compares with f_prev only from the third trial on (ls_iter > 1).
    if (f_new > f + c1 * t * gtd || (ls_iter > 1 && f_new >= f_prev)) {
      bracket_previous_and_new();
      break;
    }
    if (std::abs(gtd_new) <= -c2 * gtd) {
      bracket_t[0] = t;
      bracket_f[0] = f_new;
      bracket_g[0] = store(trial_gradient, initial_gradient, initial_gradient);
      bracket_size = 1;
      done = true;
      break;
    }
    if (gtd_new >= 0) {
      bracket_previous_and_new();
      break;
    }
    const Real min_step = t + Real(0.01) * (t - t_prev);
    const Real max_step = t * Real(10);
    const Real current = t;
    t = cubic_interpolate(t_prev, f_prev, gtd_prev, t, f_new, gtd_new, min_step, max_step);
    t_prev = current;
    f_prev = f_new;
    g_prev = store(trial_gradient, initial_gradient, initial_gradient);
    gtd_prev = gtd_new;
    f_new = evaluate(t);
    ++evaluations;
    gtd_new = kernels::dot(trial_gradient, direction);
    ++ls_iter;
  }
  if (ls_iter == max_ls) {
    // Out of trials: the bracket is [0, t]. Its g . d entries are not set, as in
    // torch; the zoom below cannot run, so they are never read.
    bracket_t[0] = 0;
    bracket_t[1] = t;
    bracket_f[0] = f;
    bracket_f[1] = f_new;
    bracket_g[0] = initial_gradient;
    bracket_g[1] = store(trial_gradient, initial_gradient, initial_gradient);
    bracket_size = 2;
  }

  // Phase 2: zoom into the bracket. low is the end with the smaller loss (the
  // first on a tie). torch compares bracket_f[0] with bracket_f[-1]; with one
  // point and a NaN loss that picks the missing second point and raises
  // IndexError, so a one-point bracket is taken as its own low end here.
  bool insufficient_progress = false;
  int low = 0, high = 1;
  if (bracket_size == 2 && !(bracket_f[0] <= bracket_f[1])) {
    low = 1;
    high = 0;
  }
  while (!done && ls_iter < max_ls) {
    if (std::abs(bracket_t[1] - bracket_t[0]) * d_norm < tolerance_change)
      break;

    t = cubic_interpolate(bracket_t[0], bracket_f[0], bracket_gtd[0], bracket_t[1], bracket_f[1],
                          bracket_gtd[1]);

    // A trial within 10% of the bracket's width from an end makes little
    // progress; the second time running (or when it is on or past an end) it is
    // moved to 10% inside the bracket.
    const Real upper = python_max(bracket_t[0], bracket_t[1]);
    const Real lower = python_min(bracket_t[0], bracket_t[1]);
    const Real eps = Real(0.1) * (upper - lower);
    if (python_min(upper - t, t - lower) < eps) {
      if (insufficient_progress || t >= upper || t <= lower) {
        t = std::abs(t - upper) < std::abs(t - lower) ? upper - eps : lower + eps;
        insufficient_progress = false;
      } else {
        insufficient_progress = true;
      }
    } else {
      insufficient_progress = false;
    }

    f_new = evaluate(t);
    ++evaluations;
    gtd_new = kernels::dot(trial_gradient, direction);
    ++ls_iter;

    if (f_new > f + c1 * t * gtd || f_new >= bracket_f[low]) {
      // No sufficient decrease, or no better than the low end: new high end.
      bracket_t[high] = t;
      bracket_f[high] = f_new;
      bracket_g[high] = store(trial_gradient, bracket_g[low], bracket_g[high]);
      bracket_gtd[high] = gtd_new;
      if (bracket_f[0] <= bracket_f[1]) {
        low = 0;
        high = 1;
      } else {
        low = 1;
        high = 0;
      }
    } else {
      if (std::abs(gtd_new) <= -c2 * gtd) {
        done = true;
      } else if (gtd_new * (bracket_t[high] - bracket_t[low]) >= 0) {
        // The minimum lies between the old low end and the new point.
        bracket_t[high] = bracket_t[low];
        bracket_f[high] = bracket_f[low];
        bracket_g[high] = bracket_g[low];
        bracket_gtd[high] = bracket_gtd[low];
      }
      bracket_t[low] = t;
      bracket_f[low] = f_new;
      bracket_g[low] = store(trial_gradient, bracket_g[low], bracket_g[high]);
      bracket_gtd[low] = gtd_new;
    }
  }

  return Result{bracket_f[low], bracket_t[low], gradient(bracket_g[low], g0), evaluations};
}

template class StrongWolfeLineSearch<float>;
template class StrongWolfeLineSearch<double>;

} // namespace pinnbench::optim
