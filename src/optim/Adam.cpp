#include "StateTransfer.hpp"
#include "VectorKernels.hpp"

#include <cmath>
#include <pinnbench/core/Error.hpp>
#include <pinnbench/optim/Adam.hpp>
#include <string>

namespace pinnbench::optim {

namespace {

constexpr const char* kind = "adam";

AdamSettings checked(const AdamSettings& s)
{
  // torch.optim.Adam's own argument checks.
  if (!(s.lr >= 0))
    throw LogicError("Adam lr must be non-negative, got " + std::to_string(s.lr));
  if (!(s.eps >= 0))
    throw LogicError("Adam eps must be non-negative, got " + std::to_string(s.eps));
  if (!(s.beta1 >= 0 && s.beta1 < 1) || !(s.beta2 >= 0 && s.beta2 < 1))
    throw LogicError("Adam betas must lie in [0, 1), got (" + std::to_string(s.beta1) + ", " +
                     std::to_string(s.beta2) + ")");
  if (!(s.weight_decay >= 0))
    throw LogicError("Adam weight_decay must be non-negative, got " +
                     std::to_string(s.weight_decay));
  return s;
}

} // namespace

template <class Real>
Adam<Real>::Adam(Vector<Real> parameters, Vector<Real> gradient, AdamSettings settings)
    : parameters_(std::move(parameters)), gradient_(std::move(gradient)),
      settings_(checked(settings))
{
  if (parameters_.extent(0) == 0)
    throw LogicError("optimizer needs at least one parameter");
  if (gradient_.extent(0) != parameters_.extent(0))
    throw LogicError("optimizer: gradient has " + std::to_string(gradient_.extent(0)) +
                     " entries, parameters have " + std::to_string(parameters_.extent(0)));
  if (gradient_.data() == parameters_.data())
    throw LogicError("optimizer: gradient and parameters must be different vectors");
  const std::size_t n = parameters_.extent(0);
  exp_avg_ = Vector<Real>("pinnbench::optim::adam_exp_avg", n);
  exp_avg_sq_ = Vector<Real>("pinnbench::optim::adam_exp_avg_sq", n);
}

template <class Real>
Real Adam<Real>::step(const Closure& closure)
{
  if (!closure)
    throw LogicError("Adam::step needs a closure");
  Kokkos::fence(); // the closure may read the parameters outside this execution space instance
  const Real loss = closure();

  ++step_count_;
  // As torch: the corrections in double (Python floats), then every factor in
  // Real, the precision of torch's kernels for a tensor of that type.
  const double step = static_cast<double>(step_count_);
  const double bias_correction1 = 1 - std::pow(settings_.beta1, step);
  const double bias_correction2 = 1 - std::pow(settings_.beta2, step);
  const Real neg_step_size = static_cast<Real>(-(settings_.lr / bias_correction1));
  const Real bias_correction2_sqrt = static_cast<Real>(std::sqrt(bias_correction2));
  const Real beta1 = static_cast<Real>(settings_.beta1);
  const Real beta2 = static_cast<Real>(settings_.beta2);
  const Real one_minus_beta1 = static_cast<Real>(1 - settings_.beta1);
  const Real one_minus_beta2 = static_cast<Real>(1 - settings_.beta2);
  const Real eps = static_cast<Real>(settings_.eps);
  const Real weight_decay = static_cast<Real>(settings_.weight_decay);
  const bool decay = settings_.weight_decay != 0;

  const auto p = parameters_;
  const auto grad = gradient_;
  const auto m = exp_avg_;
  const auto v = exp_avg_sq_;
  Kokkos::parallel_for(
      "pinnbench::optim::adam_update", kernels::over(p), KOKKOS_LAMBDA(const kernels::Index i) {
        Real g = grad(i);
        if (decay)
          g = g + weight_decay * p(i); // L2: grad.add(param, alpha=weight_decay)
        const Real m_i = m(i) * beta1 + one_minus_beta1 * g;
        const Real v_i = v(i) * beta2 + one_minus_beta2 * g * g;
        m(i) = m_i;
        v(i) = v_i;
        const Real denom = math::sqrt(v_i) / bias_correction2_sqrt + eps;
        p(i) = p(i) + neg_step_size * m_i / denom;
      });
  return loss;
}

template <class Real>
OptimizerState Adam<Real>::save_state() const
{
  OptimizerState state;
  state.kind = kind;
  state.add_scalar("adam.dimension", static_cast<double>(parameters_.extent(0)));
  state.add_scalar("adam.step", static_cast<double>(step_count_));
  state.add_array("adam.exp_avg", to_state_array(exp_avg_));
  state.add_array("adam.exp_avg_sq", to_state_array(exp_avg_sq_));
  return state;
}

template <class Real>
void Adam<Real>::load_state(const OptimizerState& state)
{
  state.require_kind(kind);
  const std::size_t n = parameters_.extent(0);
  const long long dimension = state.count("adam.dimension");
  if (static_cast<std::size_t>(dimension) != n)
    throw LogicError("Adam state is for " + std::to_string(dimension) +
                     " parameters, this optimizer has " + std::to_string(n));
  const long long step = state.count("adam.step");
  const std::vector<double>& exp_avg = state.array_of_size("adam.exp_avg", n);
  const std::vector<double>& exp_avg_sq = state.array_of_size("adam.exp_avg_sq", n);

  step_count_ = step;
  from_state_array(exp_avg, exp_avg_);
  from_state_array(exp_avg_sq, exp_avg_sq_);
}

template class Adam<float>;
template class Adam<double>;

} // namespace pinnbench::optim
