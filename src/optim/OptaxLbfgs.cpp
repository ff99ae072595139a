#include "BlockedKernels.hpp"
#include "StateTransfer.hpp"
#include "VectorKernels.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <pinnbench/core/Error.hpp>
#include <pinnbench/optim/OptaxLbfgs.hpp>
#include <string>
#include <time.h>

namespace pinnbench::optim {

namespace {

constexpr const char* kind = "lbfgs_optax";

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start)
{
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double process_cpu_seconds()
{
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

std::string slot_name(const char* list, int slot)
{
  return std::string(kind) + "." + list + "." + std::to_string(slot);
}

/// Slots holding a pair after `count` iterations (the first stores none).
int filled_slots(std::int64_t count, int memory)
{
  return static_cast<int>(std::min<std::int64_t>(count, memory));
}

} // namespace

template <class Real>
OptaxLbfgs<Real>::OptaxLbfgs(Vector<Real> parameters, Vector<Real> gradient,
                             OptaxLbfgsSettings settings)
    : parameters_(std::move(parameters)), gradient_(std::move(gradient)), settings_(settings),
      line_search_(settings.line_search), dimension_(parameters_.extent(0)),
      memory_(settings.memory_size)
{
  if (dimension_ == 0)
    throw LogicError("optimizer needs at least one parameter");
  if (gradient_.extent(0) != dimension_ || gradient_.data() == parameters_.data())
    throw LogicError("optimizer: gradient must be a separate vector of the parameters' size");
  if (memory_ < 1)
    throw ConfigError("L-BFGS memory_size must be at least 1, got " + std::to_string(memory_));
  const auto allocate = [this](const char* label) {
    return kernels::allocate<Real>(std::string("pinnbench::optim::optax_") + label, dimension_);
  };
  current_gradient_ = allocate("gradient");
  previous_params_ = allocate("previous_params");
  previous_gradient_ = allocate("previous_gradient");
  direction_ = allocate("direction");
  origin_ = allocate("origin");
  safe_gradient_ = allocate("safe_gradient");
  const auto m = static_cast<std::size_t>(memory_);
  s_ = Matrix<Real>(Kokkos::view_alloc(Kokkos::WithoutInitializing, "pinnbench::optim::optax_s"), m,
                    dimension_);
  y_ = Matrix<Real>(Kokkos::view_alloc(Kokkos::WithoutInitializing, "pinnbench::optim::optax_y"), m,
                    dimension_);
  for (std::size_t i = 0; i < m; ++i) {
    s_rows_.push_back(Kokkos::subview(s_, i, Kokkos::ALL));
    y_rows_.push_back(Kokkos::subview(y_, i, Kokkos::ALL));
  }
  rho_.assign(m, Real(0));
  alpha_.assign(m, Real(0));

  evaluate_trial_ = [this](Real stepsize) {
    kernels::shifted(parameters_, origin_, stepsize, direction_);
    const Real value = evaluate(*closure_);
    return typename ZoomLineSearch<Real>::Trial{value, blocked::dot(gradient_, direction_)};
  };
  keep_safe_ = [this] { kernels::copy(safe_gradient_, gradient_); };
}

template <class Real>
Real OptaxLbfgs<Real>::evaluate(const Closure& closure)
{
  // The closure may read the parameters outside this execution space instance.
  Kokkos::fence();
  ++evaluations_;
  ++step_evaluations_;
  const auto start = Clock::now();
  const Real value = closure();
  timings_.closure += seconds_since(start);
  return value;
}

template <class Real>
Real OptaxLbfgs<Real>::update_memory()
{
  if (count_ == 0) {
    if (!settings_.scale_init_precond)
      return Real(1);
    // First step inside the unit ball: gamma = min(1, 1 / |g|).
    const Real norm = std::sqrt(blocked::dot(current_gradient_, current_gradient_));
    const Real inverse = Real(1) / norm;
    return inverse < Real(1) ? inverse : Real(1);
  }
  const auto slot = static_cast<std::size_t>((count_ - 1) % memory_);
  const Vector<Real>& s = s_rows_[slot];
  const Vector<Real>& y = y_rows_[slot];
  const Vector<Real> w = parameters_, w_prev = previous_params_;
  const Vector<Real> g = current_gradient_, g_prev = previous_gradient_;
  Kokkos::parallel_for(
      "pinnbench::optim::optax_pair", kernels::over(s), KOKKOS_LAMBDA(const kernels::Index i) {
        s(i) = w(i) - w_prev(i);
        y(i) = g(i) - g_prev(i);
      });
  const Real ys = blocked::dot(y, s);
  // No curvature test: every pair is kept, a zero y . s gives rho = 0.
  rho_[slot] = ys != Real(0) ? Real(1) / ys : Real(0);
  if (!settings_.scale_init_precond)
    return Real(1);
  const Real yy = blocked::dot(y, y);
  return yy > Real(0) ? ys / yy : Real(1);
}

template <class Real>
void OptaxLbfgs<Real>::two_loop(Real gamma)
{
  // Slots oldest to newest: (k mod m + j) mod m for the filled j < m.
  const int filled = filled_slots(count_, memory_);
  const auto slot = [this](int j) {
    return static_cast<std::size_t>((count_ % memory_ + j) % memory_);
  };
  const int first = memory_ - filled;
  const Vector<Real> q = direction_;
  kernels::copy(q, current_gradient_);
  if (filled == 0) {
    kernels::scale(-gamma, q);
    return;
  }
  // Newest to oldest: alpha_i = rho_i s_i . q, q -= alpha_i y_i (each update
  // fused with the next pair's dot product).
  Real dot_next = blocked::dot(s_rows_[slot(memory_ - 1)], q);
  for (int j = memory_ - 1; j >= first; --j) {
    const std::size_t i = slot(j);
    const Real alpha = rho_[i] * dot_next;
    alpha_[i] = alpha;
    if (j > first)
      dot_next = blocked::axpy_then_dot(-alpha, y_rows_[i], q, s_rows_[slot(j - 1)]);
    else
      kernels::axpy(-alpha, y_rows_[i], q);
  }
  // r = gamma q; oldest to newest: beta_i = rho_i y_i . r, r += (alpha_i - beta_i) s_i.
  const Vector<Real> r = q;
  dot_next = blocked::scale_then_dot(gamma, r, y_rows_[slot(first)]);
  for (int j = first; j < memory_; ++j) {
    const std::size_t i = slot(j);
    const Real beta = rho_[i] * dot_next;
    if (j + 1 < memory_)
      dot_next = blocked::axpy_then_dot(alpha_[i] - beta, s_rows_[i], r, y_rows_[slot(j + 1)]);
    else
      kernels::axpy(alpha_[i] - beta, s_rows_[i], r);
  }
  kernels::negate(r, r); // the update direction is -H g
}

template <class Real>
Real OptaxLbfgs<Real>::step(const Closure& closure)
{
  if (!closure)
    throw LogicError("OptaxLbfgs::step needs a closure");
  const auto step_start = Clock::now();
  closure_ = &closure;
  step_evaluations_ = 0;
  if (!has_value_) {
    value_ = evaluate(closure);
    kernels::copy(current_gradient_, gradient_);
    has_value_ = true;
  }
  const int offset = step_evaluations_; // 1 if this step evaluated the start point

  const auto direction_start = Clock::now();
  const Real gamma = update_memory();
  kernels::copy(previous_params_, parameters_);
  kernels::copy(previous_gradient_, current_gradient_);
  Kokkos::fence();
  const auto two_loop_start = Clock::now();
  const double two_loop_cpu_start = process_cpu_seconds();
  two_loop(gamma);
  Kokkos::fence();
  timings_.two_loop += seconds_since(two_loop_start);
  timings_.two_loop_cpu += process_cpu_seconds() - two_loop_cpu_start;
  timings_.direction += seconds_since(direction_start);
  const Real slope0 = blocked::dot(current_gradient_, direction_);
  kernels::copy(origin_, parameters_);

  const auto result = line_search_.search(evaluate_trial_, keep_safe_, value_, slope0);
  if (result.took_safe) {
    if (result.accepted_trial < 0) {
      kernels::copy(parameters_, origin_); // step 0: the gradient is still current
    } else {
      kernels::shifted(parameters_, origin_, result.stepsize, direction_);
      kernels::copy(current_gradient_, safe_gradient_);
    }
    kernels::copy(gradient_, current_gradient_);
  } else {
    // The last trial is the accepted one: the parameters are already there.
    kernels::copy(current_gradient_, gradient_);
  }
  value_ = result.value;
  ++count_;
  last_evaluations_ = step_evaluations_;
  last_accepted_ =
      result.accepted_trial >= 0 ? offset + result.accepted_trial : (offset == 1 ? 0 : -1);
  last_succeeded_ = result.succeeded;
  last_stepsize_ = result.stepsize;
  closure_ = nullptr;
  Kokkos::fence();
  timings_.step += seconds_since(step_start);
  return value_;
}

template <class Real>
OptimizerState OptaxLbfgs<Real>::save_state() const
{
  OptimizerState state;
  state.kind = kind;
  state.add_scalar("lbfgs_optax.dimension", static_cast<double>(dimension_));
  state.add_scalar("lbfgs_optax.memory_size", static_cast<double>(memory_));
  state.add_scalar("lbfgs_optax.count", static_cast<double>(count_));
  state.add_scalar("lbfgs_optax.evaluations", static_cast<double>(evaluations_));
  state.add_scalar("lbfgs_optax.has_value", has_value_ ? 1.0 : 0.0);
  state.add_scalar("lbfgs_optax.value", static_cast<double>(value_));
  if (has_value_)
    state.add_array("lbfgs_optax.gradient", to_state_array(current_gradient_));
  if (count_ > 0) {
    state.add_array("lbfgs_optax.previous_params", to_state_array(previous_params_));
    state.add_array("lbfgs_optax.previous_gradient", to_state_array(previous_gradient_));
    state.add_array("lbfgs_optax.rho", std::vector<double>(rho_.begin(), rho_.end()));
    // Only slots written so far; slot i holds the pair of iteration i + 1 (mod m).
    for (int slot = 0; slot < filled_slots(count_ - 1, memory_); ++slot) {
      state.add_array(slot_name("s", slot),
                      to_state_array(s_rows_[static_cast<std::size_t>(slot)]));
      state.add_array(slot_name("y", slot),
                      to_state_array(y_rows_[static_cast<std::size_t>(slot)]));
    }
  }
  return state;
}

template <class Real>
void OptaxLbfgs<Real>::load_state(const OptimizerState& state)
{
  state.require_kind(kind);
  if (static_cast<std::size_t>(state.count("lbfgs_optax.dimension")) != dimension_)
    throw LogicError("L-BFGS (Optax) state is for " +
                     std::to_string(state.count("lbfgs_optax.dimension")) +
                     " parameters, this optimizer has " + std::to_string(dimension_));
  if (state.count("lbfgs_optax.memory_size") != memory_)
    throw LogicError("L-BFGS (Optax) state has memory_size " +
                     std::to_string(state.count("lbfgs_optax.memory_size")) + ", this optimizer " +
                     std::to_string(memory_));
  const long long count = state.count("lbfgs_optax.count");
  const long long evaluations = state.count("lbfgs_optax.evaluations");
  const bool has_value = state.count("lbfgs_optax.has_value") != 0;
  const double value = state.scalar("lbfgs_optax.value");
  if (count > 0 && !has_value)
    throw LogicError("L-BFGS (Optax) state has iterations but no current value");
  if (has_value)
    state.array_of_size("lbfgs_optax.gradient", dimension_);
  const int slots = count > 0 ? filled_slots(count - 1, memory_) : 0;
  if (count > 0) {
    state.array_of_size("lbfgs_optax.previous_params", dimension_);
    state.array_of_size("lbfgs_optax.previous_gradient", dimension_);
    state.array_of_size("lbfgs_optax.rho", static_cast<std::size_t>(memory_));
    for (int slot = 0; slot < slots; ++slot) {
      state.array_of_size(slot_name("s", slot), dimension_);
      state.array_of_size(slot_name("y", slot), dimension_);
    }
  }

  count_ = count;
  evaluations_ = evaluations;
  has_value_ = has_value;
  value_ = static_cast<Real>(value);
  std::fill(rho_.begin(), rho_.end(), Real(0));
  if (has_value)
    from_state_array(state.array("lbfgs_optax.gradient"), current_gradient_);
  if (count > 0) {
    from_state_array(state.array("lbfgs_optax.previous_params"), previous_params_);
    from_state_array(state.array("lbfgs_optax.previous_gradient"), previous_gradient_);
    const std::vector<double>& rho = state.array("lbfgs_optax.rho");
    for (std::size_t i = 0; i < rho_.size(); ++i)
      rho_[i] = static_cast<Real>(rho[i]);
    for (int slot = 0; slot < slots; ++slot) {
      from_state_array(state.array(slot_name("s", slot)), s_rows_[static_cast<std::size_t>(slot)]);
      from_state_array(state.array(slot_name("y", slot)), y_rows_[static_cast<std::size_t>(slot)]);
    }
  }
}

template class OptaxLbfgs<float>;
template class OptaxLbfgs<double>;

} // namespace pinnbench::optim
