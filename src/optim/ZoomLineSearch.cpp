#include <cmath>
#include <limits>
#include <pinnbench/core/Error.hpp>
#include <pinnbench/optim/ZoomLineSearch.hpp>

namespace pinnbench::optim {

namespace {

/// min and max that propagate a NaN (as jnp.minimum / jnp.maximum do).
template <class Real>
Real nan_min(Real a, Real b)
{
  return std::isnan(a) || std::isnan(b) ? std::numeric_limits<Real>::quiet_NaN() : (b < a ? b : a);
}
template <class Real>
Real nan_max(Real a, Real b)
{
  return std::isnan(a) || std::isnan(b) ? std::numeric_limits<Real>::quiet_NaN() : (b > a ? b : a);
}

/// max(0, error) with NaN read as +inf: a NaN trial never satisfies a condition.
template <class Real>
Real positive_error(Real error)
{
  if (std::isnan(error))
    return std::numeric_limits<Real>::infinity();
  return error > Real(0) ? error : Real(0);
}

template <class Real>
struct Point
{
  Real stepsize, value, slope;
};

} // namespace

template <class Real>
Real cubic_minimizer(Real a, Real fa, Real fpa, Real b, Real fb, Real c, Real fc)
{
  const Real db = b - a;
  const Real dc = c - a;
  const Real denom = (db * dc) * (db * dc) * (db - dc);
  const Real rb = fb - fa - fpa * db;
  const Real rc = fc - fa - fpa * dc;
  const Real A = (dc * dc * rb - db * db * rc) / denom;
  const Real B = (-(dc * dc * dc) * rb + db * db * db * rc) / denom;
  const Real radical = B * B - Real(3) * A * fpa;
  return a + (-B + std::sqrt(radical)) / (Real(3) * A);
}

template <class Real>
Real quadratic_minimizer(Real a, Real fa, Real fpa, Real b, Real fb)
{
  const Real db = b - a;
  const Real B = (fb - fa - fpa * db) / (db * db);
  return a - fpa / (Real(2) * B);
}

template <class Real>
ZoomLineSearch<Real>::ZoomLineSearch(ZoomSettings settings) : settings_(settings)
{
  if (settings_.max_steps < 1)
    throw ConfigError("zoom line search needs max_steps >= 1");
}

template <class Real>
Real ZoomLineSearch<Real>::decrease_error(Real stepsize, Real value, Real slope, Real value0,
                                          Real slope0) const
{
  const Real c1 = static_cast<Real>(settings_.slope_rtol);
  const Real c3 = static_cast<Real>(settings_.approx_dec_rtol);
  const Real armijo = value - value0 - c1 * stepsize * slope0;
  const Real approximate = nan_max<Real>(slope - (Real(2) * c1 - Real(1)) * slope0,
                                         value - value0 - c3 * std::abs(value0));
  return positive_error(nan_min(armijo, approximate));
}

template <class Real>
Real ZoomLineSearch<Real>::curvature_error(Real slope, Real slope0) const
{
  const Real c2 = static_cast<Real>(settings_.curv_rtol);
  return positive_error(std::abs(slope) - c2 * std::abs(slope0));
}

template <class Real>
auto ZoomLineSearch<Real>::search(const Evaluate& evaluate, const KeepSafe& keep_safe, Real value0,
                                  Real slope0, std::vector<TraceEntry>* trace) const -> Result
{
  const Real tol = static_cast<Real>(settings_.tol);
  const Real increase = static_cast<Real>(settings_.increase_factor);
  const Real threshold = static_cast<Real>(settings_.interval_threshold);

  Point<Real> safe{0, value0, slope0};
  int safe_trial = -1;
  Point<Real> low{0, value0, slope0}, high{0, value0, slope0}, previous{0, value0, slope0};
  Real ref_stepsize = 0, ref_value = value0; // the cubic's third point
  bool interval = false;

  for (int count = 0;; ++count) {
    Real stepsize;
    ZoomCandidate candidate = ZoomCandidate::bracket;
    Real width = -1; // the zoom interval the candidate came from (-1: bracketing)
    if (!interval) {
      stepsize = count == 0 ? Real(1) : previous.stepsize * increase;
    } else {
      width = std::abs(high.stepsize - low.stepsize);
      const Real left = low.stepsize < high.stepsize ? low.stepsize : high.stepsize;
      const Real right = low.stepsize < high.stepsize ? high.stepsize : low.stepsize;
      const Real cubic = cubic_minimizer(low.stepsize, low.value, low.slope, high.stepsize,
                                         high.value, ref_stepsize, ref_value);
      const Real quadratic =
          quadratic_minimizer(low.stepsize, low.value, low.slope, high.stepsize, high.value);
      if (cubic > left + Real(0.2) * width && cubic < right - Real(0.2) * width) {
        stepsize = cubic;
        candidate = ZoomCandidate::cubic;
      } else if (quadratic > left + Real(0.1) * width && quadratic < right - Real(0.1) * width) {
        stepsize = quadratic;
        candidate = ZoomCandidate::quadratic;
      } else {
        stepsize = Real(0.5) * (low.stepsize + high.stepsize);
        candidate = ZoomCandidate::bisection;
      }
    }

    const Trial trial = evaluate(stepsize);
    const Point<Real> point{stepsize, trial.value, trial.slope};
    const Real decrease = decrease_error(stepsize, trial.value, trial.slope, value0, slope0);
    const Real curvature = curvature_error(trial.slope, slope0);
    const bool accepted = (decrease > curvature ? decrease : curvature) <= tol;
    const auto remember_safe = [&] {
      safe = point;
      safe_trial = count;
      if (keep_safe)
        keep_safe();
    };

    ZoomOutcome outcome;
    if (!interval) {
      if (decrease <= Real(0))
        remember_safe();
      if (accepted) {
        outcome = ZoomOutcome::success;
      } else if (decrease > Real(0) || (count > 0 && trial.value >= previous.value)) {
        low = previous;
        high = point;
        interval = true;
        outcome = ZoomOutcome::interval_high_new;
      } else if (trial.slope >= Real(0)) {
        low = point;
        high = previous;
        interval = true;
        outcome = ZoomOutcome::interval_low_new;
      } else {
        outcome = ZoomOutcome::extend;
      }
      previous = point;
    } else {
      if (decrease <= Real(0) && trial.value < safe.value)
        remember_safe();
      if (accepted) {
        outcome = ZoomOutcome::success;
      } else if (decrease > Real(0) || trial.value >= low.value) {
        ref_stepsize = high.stepsize;
        ref_value = high.value;
        high = point;
        outcome = ZoomOutcome::high_to_trial;
      } else {
        if (trial.slope * (high.stepsize - low.stepsize) >= Real(0)) {
          ref_stepsize = high.stepsize;
          ref_value = high.value;
          high = low;
          outcome = ZoomOutcome::high_to_low;
        } else {
          ref_stepsize = low.stepsize;
          ref_value = low.value;
          outcome = ZoomOutcome::low_to_trial;
        }
        low = point;
      }
    }
    if (trace)
      trace->push_back({stepsize, trial.value, trial.slope, candidate, outcome});

    const int evaluations = count + 1;
    if (outcome == ZoomOutcome::success)
      return {stepsize, trial.value, trial.slope, evaluations, true, false, count};
    const bool safe_exists = safe.stepsize > Real(0);
    const bool too_narrow = width >= Real(0) && width <= threshold && safe_exists;
    if (evaluations >= settings_.max_steps || too_narrow) {
      // Failed: the safe step if there is one (or if this trial is not even
      // finite, in which case step 0 at worst), else the last trial.
      if (safe_exists || !std::isfinite(trial.value))
        return {safe.stepsize, safe.value, safe.slope, evaluations, false, true, safe_trial};
      return {stepsize, trial.value, trial.slope, evaluations, false, false, count};
    }
  }
}

const char* to_string(ZoomCandidate candidate)
{
  switch (candidate) {
  case ZoomCandidate::bracket:
    return "bracket";
  case ZoomCandidate::cubic:
    return "cubic";
  case ZoomCandidate::quadratic:
    return "quadratic";
  case ZoomCandidate::bisection:
    return "bisection";
  }
  return "?";
}

const char* to_string(ZoomOutcome outcome)
{
  switch (outcome) {
  case ZoomOutcome::success:
    return "success";
  case ZoomOutcome::extend:
    return "extend";
  case ZoomOutcome::interval_high_new:
    return "interval_high_new";
  case ZoomOutcome::interval_low_new:
    return "interval_low_new";
  case ZoomOutcome::high_to_trial:
    return "high_to_trial";
  case ZoomOutcome::high_to_low:
    return "high_to_low";
  case ZoomOutcome::low_to_trial:
    return "low_to_trial";
  }
  return "?";
}

template float cubic_minimizer<float>(float, float, float, float, float, float, float);
template double cubic_minimizer<double>(double, double, double, double, double, double, double);
template float quadratic_minimizer<float>(float, float, float, float, float);
template double quadratic_minimizer<double>(double, double, double, double, double);
template class ZoomLineSearch<float>;
template class ZoomLineSearch<double>;

} // namespace pinnbench::optim
