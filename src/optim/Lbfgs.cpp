#include "StateTransfer.hpp"
#include "VectorKernels.hpp"

#include <cmath>
#include <pinnbench/core/Error.hpp>
#include <pinnbench/optim/CubicInterpolation.hpp>
#include <pinnbench/optim/Lbfgs.hpp>
#include <string>

namespace pinnbench::optim {

namespace {

constexpr const char* kind = "lbfgs";

std::string history_name(const char* list, int i)
{
  return std::string("lbfgs.") + list + "." + std::to_string(i);
}

template <class Real>
void check_vectors(const Vector<Real>& parameters, const Vector<Real>& gradient)
{
  if (parameters.extent(0) == 0)
    throw LogicError("optimizer needs at least one parameter");
  if (gradient.extent(0) != parameters.extent(0))
    throw LogicError("optimizer: gradient has " + std::to_string(gradient.extent(0)) +
                     " entries, parameters have " + std::to_string(parameters.extent(0)));
  if (gradient.data() == parameters.data())
    throw LogicError("optimizer: gradient and parameters must be different vectors");
}

int checked_max_eval(const LbfgsSettings& s)
{
  if (s.max_iter < 1)
    throw LogicError("L-BFGS max_iter must be at least 1, got " + std::to_string(s.max_iter));
  if (s.max_eval < 0)
    throw LogicError("L-BFGS max_eval must be 0 (default) or positive, got " +
                     std::to_string(s.max_eval));
  return s.max_eval == 0 ? s.max_iter * 5 / 4 : s.max_eval;
}

} // namespace

template <class Real>
Lbfgs<Real>::Lbfgs(Vector<Real> parameters, Vector<Real> gradient, LbfgsSettings settings)
    : parameters_(std::move(parameters)), gradient_(std::move(gradient)), settings_(settings),
      max_eval_(checked_max_eval(settings)), history_(parameters_.extent(0), settings.history_size)
{
  check_vectors(parameters_, gradient_);
  const std::size_t n = parameters_.extent(0);
  direction_ = kernels::allocate<Real>("pinnbench::optim::lbfgs_direction", n);
  previous_gradient_ = kernels::allocate<Real>("pinnbench::optim::lbfgs_previous_gradient", n);
  if (settings_.strong_wolfe)
    origin_ = kernels::allocate<Real>("pinnbench::optim::lbfgs_line_search_origin", n);
  alpha_.assign(static_cast<std::size_t>(settings_.history_size), Real(0));
}

template <class Real>
Real Lbfgs<Real>::evaluate(const Closure& closure)
{
  // The closure may read the parameters outside this execution space instance.
  Kokkos::fence();
  return closure();
}

template <class Real>
void Lbfgs<Real>::update_direction(const Vector<Real>& g)
{
  // Curvature pair of the last step; kept only if y . s is safely positive.
  const Vector<Real> y = history_.candidate_y();
  const Vector<Real> s = history_.candidate_s();
  const Real ys = kernels::curvature_pair(g, previous_gradient_, direction_, t_, y, s);
  if (ys > Real(1e-10)) {
    const Real yy = kernels::dot(y, y);
    history_.accept_candidate(Real(1) / ys);
    h_diag_ = ys / yy;
  }

  // Two-loop recursion, in place in direction_ (the old d lives on in s):
  // q = -g; newest to oldest: al_i = (s_i . q) rho_i, q -= al_i y_i;
  // r = q H_diag; oldest to newest: be_i = (y_i . r) rho_i, r += (al_i - be_i) s_i.
  // Each update is fused with the next pair's dot product.
  const Vector<Real> q = direction_;
  kernels::negate(q, g);
  const int m = history_.size();
  if (m == 0) {
    kernels::scale(h_diag_, q);
    return;
  }
  Real dot_next = kernels::dot(history_.s(m - 1), q);
  for (int i = m - 1; i >= 0; --i) {
    const Real al = dot_next * history_.rho(i);
    alpha_[static_cast<std::size_t>(i)] = al;
    if (i > 0)
      dot_next = kernels::axpy_then_dot(-al, history_.y(i), q, history_.s(i - 1));
    else
      kernels::axpy(-al, history_.y(i), q);
  }
  const Vector<Real> r = q;
  dot_next = kernels::scale_then_dot(h_diag_, r, history_.y(0));
  for (int i = 0; i < m; ++i) {
    const Real be = dot_next * history_.rho(i);
    const Real coefficient = alpha_[static_cast<std::size_t>(i)] - be;
    if (i + 1 < m)
      dot_next = kernels::axpy_then_dot(coefficient, history_.s(i), r, history_.y(i + 1));
    else
      kernels::axpy(coefficient, history_.s(i), r);
  }
}

template <class Real>
Real Lbfgs<Real>::step(const Closure& closure)
{
  if (!closure)
    throw LogicError("Lbfgs::step needs a closure");
  const Real lr = static_cast<Real>(settings_.lr);
  const Real tolerance_grad = static_cast<Real>(settings_.tolerance_grad);
  const Real tolerance_change = static_cast<Real>(settings_.tolerance_change);
  const int max_iter = settings_.max_iter;

  const Real orig_loss = evaluate(closure);
  Real loss = orig_loss;
  int current_evals = 1;
  ++func_evals_;

  // The gradient at the current point: the caller's vector after a closure
  // call, or the line search's copy of the accepted trial's gradient.
  Vector<Real> flat_grad = gradient_;
  if (kernels::max_abs(flat_grad) <= tolerance_grad)
    return orig_loss;

  int n_iter = 0;
  while (n_iter < max_iter) {
    ++n_iter;
    ++n_iter_;

    if (n_iter_ == 1) {
      kernels::negate(direction_, flat_grad);
      history_.clear();
      h_diag_ = 1;
    } else {
      update_direction(flat_grad);
    }
    kernels::copy(previous_gradient_, flat_grad);
    previous_loss_ = loss;

    // The very first step is scaled down to at most lr / sum|g|.
    t_ = n_iter_ == 1 ? python_min(Real(1), Real(1) / kernels::sum_abs(flat_grad)) * lr : lr;

    const Real gtd = kernels::dot(flat_grad, direction_);
    if (gtd > -tolerance_change)
      break; // not a descent direction (or converged); state still advances

    int ls_evals = 0;
    bool opt_cond = false;
    if (settings_.strong_wolfe) {
      kernels::copy(origin_, parameters_);
      const auto evaluate_at = [&](Real t) {
        kernels::shifted(parameters_, origin_, t, direction_);
        return evaluate(closure);
      };
      // previous_gradient_ holds g and is not written during the search.
      const auto result = line_search_.search(evaluate_at, gradient_, direction_, t_, loss,
                                              previous_gradient_, gtd);
      loss = result.loss;
      flat_grad = result.gradient;
      t_ = result.step;
      ls_evals = result.evaluations;
      kernels::shifted(parameters_, origin_, t_, direction_);
      opt_cond = kernels::max_abs(flat_grad) <= tolerance_grad;
    } else {
      kernels::axpy(t_, direction_, parameters_);
      // torch skips the evaluation after the last iteration: the next step()
      // starts with one anyway.
      if (n_iter != max_iter) {
        loss = evaluate(closure);
        flat_grad = gradient_;
        opt_cond = kernels::max_abs(flat_grad) <= tolerance_grad;
        ls_evals = 1;
      }
    }
    current_evals += ls_evals;
    func_evals_ += ls_evals;

    if (n_iter == max_iter)
      break;
    if (current_evals >= max_eval_)
      break;
    if (opt_cond)
      break;
    // max|d t| <= tolerance_change; rounding is monotone, so max|d| |t| is the same number.
    if (kernels::max_abs(direction_) * std::abs(t_) <= tolerance_change)
      break;
    if (std::abs(loss - previous_loss_) < tolerance_change)
      break;
  }
  return orig_loss;
}

template <class Real>
OptimizerState Lbfgs<Real>::save_state() const
{
  OptimizerState state;
  state.kind = kind;
  state.add_scalar("lbfgs.dimension", static_cast<double>(parameters_.extent(0)));
  state.add_scalar("lbfgs.n_iter", static_cast<double>(n_iter_));
  state.add_scalar("lbfgs.func_evals", static_cast<double>(func_evals_));
  state.add_scalar("lbfgs.t", static_cast<double>(t_));
  state.add_scalar("lbfgs.H_diag", static_cast<double>(h_diag_));
  state.add_scalar("lbfgs.prev_loss", static_cast<double>(previous_loss_));
  state.add_scalar("lbfgs.history_length", static_cast<double>(history_.size()));
  // Before the first iteration there is no direction or previous gradient.
  if (n_iter_ > 0) {
    state.add_array("lbfgs.d", to_state_array(direction_));
    state.add_array("lbfgs.prev_flat_grad", to_state_array(previous_gradient_));
    std::vector<double> rho(static_cast<std::size_t>(history_.size()));
    for (int i = 0; i < history_.size(); ++i) {
      rho[static_cast<std::size_t>(i)] = static_cast<double>(history_.rho(i));
      state.add_array(history_name("old_dirs", i), to_state_array(history_.y(i)));
      state.add_array(history_name("old_stps", i), to_state_array(history_.s(i)));
    }
    state.add_array("lbfgs.ro", std::move(rho));
  }
  return state;
}

template <class Real>
void Lbfgs<Real>::load_state(const OptimizerState& state)
{
  // Validate everything first, so a bad state leaves this optimiser as it was.
  state.require_kind(kind);
  const std::size_t n = parameters_.extent(0);
  const long long dimension = state.count("lbfgs.dimension");
  if (static_cast<std::size_t>(dimension) != n)
    throw LogicError("L-BFGS state is for " + std::to_string(dimension) +
                     " parameters, this optimizer has " + std::to_string(n));
  const long long n_iter = state.count("lbfgs.n_iter");
  const long long func_evals = state.count("lbfgs.func_evals");
  const long long length = state.count("lbfgs.history_length");
  if (length > settings_.history_size)
    throw LogicError("L-BFGS state holds " + std::to_string(length) +
                     " history pairs, history_size is " + std::to_string(settings_.history_size));
  const int pairs = n_iter > 0 ? static_cast<int>(length) : 0;
  if (n_iter == 0 && length != 0)
    throw LogicError("L-BFGS state has history pairs but no iterations");
  if (n_iter > 0) {
    state.array_of_size("lbfgs.d", n);
    state.array_of_size("lbfgs.prev_flat_grad", n);
    state.array_of_size("lbfgs.ro", static_cast<std::size_t>(pairs));
    for (int i = 0; i < pairs; ++i) {
      state.array_of_size(history_name("old_dirs", i), n);
      state.array_of_size(history_name("old_stps", i), n);
    }
  }
  const double t = state.scalar("lbfgs.t");
  const double h_diag = state.scalar("lbfgs.H_diag");
  const double prev_loss = state.scalar("lbfgs.prev_loss");

  n_iter_ = n_iter;
  func_evals_ = func_evals;
  t_ = static_cast<Real>(t);
  h_diag_ = static_cast<Real>(h_diag);
  previous_loss_ = static_cast<Real>(prev_loss);
  history_.clear();
  if (n_iter > 0) {
    from_state_array(state.array("lbfgs.d"), direction_);
    from_state_array(state.array("lbfgs.prev_flat_grad"), previous_gradient_);
    const std::vector<double>& rho = state.array("lbfgs.ro");
    for (int i = 0; i < pairs; ++i) {
      from_state_array(state.array(history_name("old_dirs", i)), history_.candidate_y());
      from_state_array(state.array(history_name("old_stps", i)), history_.candidate_s());
      history_.accept_candidate(static_cast<Real>(rho[static_cast<std::size_t>(i)]));
    }
  }
}

template class Lbfgs<float>;
template class Lbfgs<double>;

} // namespace pinnbench::optim
