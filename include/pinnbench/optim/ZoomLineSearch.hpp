#pragma once
// Optax's zoom line search (optax.scale_by_zoom_linesearch, after Nocedal &
// Wright Algorithms 3.5 and 3.6, with Hager-Zhang's approximate decrease), on
// the host in Real: a bracketing phase that doubles the step from 1, then a
// zoom phase that tries a cubic, a quadratic or the midpoint. It remembers the
// best "safe" step (sufficient decrease without curvature) and takes it when
// the search fails; NaN values count as +inf errors. Transcribed from
// shared/spec/failure_modes.md section 4.1; the choices the text leaves open
// are listed at search().
#include <functional>
#include <vector>

namespace pinnbench::optim {

/// Optax's defaults (scale_by_zoom_linesearch, initial_guess_strategy 'one').
struct ZoomSettings
{
  int max_steps = 20;               // evaluations per search
  double tol = 0;                   // accept when max(decrease, curvature error) <= tol
  double increase_factor = 2;       // bracketing: next trial = factor * previous
  double slope_rtol = 1e-4;         // c1, sufficient decrease
  double curv_rtol = 0.9;           // c2, curvature
  double approx_dec_rtol = 1e-6;    // c3, Hager-Zhang approximate decrease
  double interval_threshold = 1e-5; // zoom gives up below this interval width (with a safe step)
};

/// How a trial step was chosen, and what it did to the search (for tests and traces).
enum class ZoomCandidate
{
  bracket,   // 1, 2, 4, ... in the bracketing phase
  cubic,     // cubic minimiser inside the interval's inner 60%
  quadratic, // quadratic minimiser inside the inner 80%
  bisection  // midpoint
};
enum class ZoomOutcome
{
  success,           // both errors <= tol: accepted
  extend,            // bracketing continues with a larger step
  interval_high_new, // [low = previous trial, high = this trial]
  interval_low_new,  // [low = this trial, high = previous trial]
  high_to_trial,     // zoom: high = trial
  high_to_low,       // zoom: high = old low, low = trial
  low_to_trial       // zoom: low = trial
};

template <class Real>
class ZoomLineSearch
{
public:
  struct Trial
  {
    Real value; // f(w + stepsize d)
    Real slope; // grad f(w + stepsize d) . d
  };
  /// Evaluates f and its slope along the direction at `stepsize`.
  using Evaluate = std::function<Trial(Real stepsize)>;
  /// Called right after the trial just evaluated became the safe step, so the
  /// caller can keep its gradient.
  using KeepSafe = std::function<void()>;

  struct Result
  {
    Real stepsize = 0;
    Real value = 0;
    Real slope = 0;
    int evaluations = 0;
    bool succeeded = false;  // both conditions held; otherwise the search failed
    bool took_safe = false;  // the accepted point is the safe step (possibly step 0)
    int accepted_trial = -1; // 0-based trial whose point was accepted; -1: the origin
  };
  struct TraceEntry
  {
    Real stepsize, value, slope;
    ZoomCandidate candidate;
    ZoomOutcome outcome;
  };

  explicit ZoomLineSearch(ZoomSettings settings = {});

  /// Searches along a direction with f(0) = value0 and slope f'(0) = slope0.
  /// Where the specification is silent: the cubic's third point starts at step
  /// 0 (value0) and moves only while zooming; the interval-too-small test uses
  /// the width of the interval the candidate was drawn from; a bracketing trial
  /// with no decrease error always becomes the safe step, a zoom trial only if
  /// its value is also below the safe value; success is tested before failure.
  Result search(const Evaluate& evaluate, const KeepSafe& keep_safe, Real value0, Real slope0,
                std::vector<TraceEntry>* trace = nullptr) const;

  const ZoomSettings& settings() const { return settings_; }

  /// max(0, min(Armijo error, approximate-decrease error)), NaN read as +inf.
  Real decrease_error(Real stepsize, Real value, Real slope, Real value0, Real slope0) const;
  /// max(0, |slope| - c2 |slope0|), NaN read as +inf.
  Real curvature_error(Real slope, Real slope0) const;

private:
  ZoomSettings settings_;
};

/// Minimiser of the cubic through (a, fa) with slope fpa, (b, fb) and (c, fc);
/// NaN or Inf when it has none (the caller's interval test then rejects it).
template <class Real>
Real cubic_minimizer(Real a, Real fa, Real fpa, Real b, Real fb, Real c, Real fc);
/// Minimiser of the quadratic through (a, fa) with slope fpa and (b, fb).
template <class Real>
Real quadratic_minimizer(Real a, Real fa, Real fpa, Real b, Real fb);

const char* to_string(ZoomCandidate candidate);
const char* to_string(ZoomOutcome outcome);

extern template class ZoomLineSearch<float>;
extern template class ZoomLineSearch<double>;

} // namespace pinnbench::optim
