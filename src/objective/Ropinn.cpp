#include <pinnbench/core/Error.hpp>
#include <pinnbench/core/Math.hpp>
#include <pinnbench/objective/Ropinn.hpp>

namespace pinnbench::objective {

template <class Real>
Ropinn<Real>::Ropinn(RopinnSettings settings, std::size_t parameters, std::uint64_t seed)
    : settings_(settings), rng_(seed, random::Stream::region_perturbation),
      step_sum_("pinnbench::ropinn::step_sum", parameters),
      buffer_(
          Kokkos::view_alloc(std::string("pinnbench::ropinn::buffer"), Kokkos::WithoutInitializing),
          static_cast<std::size_t>(settings.past_iterations), parameters)
{
  region_of_last_step_ = region();
}

template <class Real>
double Ropinn<Real>::region() const
{
  return math::min(settings_.initial_region / sigma_, settings_.max_region);
}

template <class Real>
Perturbation Ropinn<Real>::perturbation(const pde::Term& term) const
{
  const bool perturbed = term.kind == pde::TermKind::pde || settings_.perturb_conditions;
  if (!perturbed)
    return {};
  return Perturbation{region(), settings_.samples, rng_};
}

template <class Real>
void Ropinn<Real>::after_closure(const Vector<Real>& gradient)
{
  const auto sum = step_sum_;
  Kokkos::parallel_for(
      "pinnbench::ropinn::accumulate", Kokkos::RangePolicy<ExecutionSpace>(0, sum.extent(0)),
      KOKKOS_LAMBDA(const std::size_t i) { sum(i) += static_cast<double>(gradient(i)); });
  ++step_closures_;
}

template <class Real>
void Ropinn<Real>::after_step()
{
  region_of_last_step_ = region();
  if (step_closures_ > 0) {
    const auto sum = step_sum_;
    const auto buffer = buffer_;
    const int slot = next_slot_;
    const double inverse = 1.0 / step_closures_;
    Kokkos::parallel_for(
        "pinnbench::ropinn::push_mean", Kokkos::RangePolicy<ExecutionSpace>(0, sum.extent(0)),
        KOKKOS_LAMBDA(const std::size_t i) {
          buffer(slot, i) = sum(i) * inverse;
          sum(i) = 0.0;
        });
    next_slot_ = (next_slot_ + 1) % settings_.past_iterations;
    buffered_ = std::min(buffered_ + 1, settings_.past_iterations);
    step_closures_ = 0;
  }
  if (!settings_.fixed_sigma) {
    sigma_ = gradient_variation();
    if (sigma_ == 0.0)
      sigma_ = 1.0;
  }
}

template <class Real>
double Ropinn<Real>::gradient_variation() const
{
  if (buffered_ == 0)
    return 0.0;
  const auto buffer = buffer_;
  const int count = buffered_;
  const std::size_t parameters = buffer.extent(1);
  double sum = 0.0;
  Kokkos::parallel_reduce(
      "pinnbench::ropinn::sigma", Kokkos::RangePolicy<ExecutionSpace>(0, parameters),
      KOKKOS_LAMBDA(const std::size_t j, double& local) {
        double mean = 0.0, mean_abs = 0.0;
        for (int k = 0; k < count; ++k) {
          mean += buffer(k, j);
          mean_abs += math::abs(buffer(k, j));
        }
        mean /= count;
        mean_abs /= count;
        double variance = 0.0;
        for (int k = 0; k < count; ++k)
          variance += (buffer(k, j) - mean) * (buffer(k, j) - mean);
        local += math::sqrt(variance / count) / (mean_abs + 1e-6);
      },
      sum);
  // Frozen tensors' entries add 0 to the sum; the reference counts each once.
  const std::size_t entries =
      settings_.gradient_entries > 0 ? settings_.gradient_entries : parameters;
  return sum / static_cast<double>(entries);
}

template <class Real>
std::vector<std::pair<std::string, double>> Ropinn<Real>::diagnostics() const
{
  return {{"ropinn_region", region_of_last_step_}, {"ropinn_sigma", sigma_}};
}

template <class Real>
optim::OptimizerState Ropinn<Real>::save_state() const
{
  optim::OptimizerState state;
  state.kind = name();
  state.add_scalar("ropinn.sigma", sigma_);
  state.add_scalar("ropinn.region_of_last_step", region_of_last_step_);
  state.add_scalar("ropinn.step_closures", step_closures_);
  state.add_scalar("ropinn.buffered", buffered_);
  state.add_scalar("ropinn.next_slot", next_slot_);
  auto sum = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), step_sum_);
  state.add_array("ropinn.step_sum", std::vector<double>(sum.data(), sum.data() + sum.size()));
  auto buffer = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), buffer_);
  state.add_array("ropinn.buffer",
                  std::vector<double>(buffer.data(), buffer.data() + buffer.size()));
  return state;
}

template <class Real>
void Ropinn<Real>::load_state(const optim::OptimizerState& state)
{
  state.require_kind(name());
  const auto& sum = state.array_of_size("ropinn.step_sum", step_sum_.extent(0));
  const auto& buffer = state.array_of_size("ropinn.buffer", buffer_.size());
  const long long slot = state.count("ropinn.next_slot");
  const long long buffered = state.count("ropinn.buffered");
  if (slot >= settings_.past_iterations || buffered > settings_.past_iterations)
    throw LogicError("RoPINN state does not fit past_iterations = " +
                     std::to_string(settings_.past_iterations));
  sigma_ = state.scalar("ropinn.sigma");
  region_of_last_step_ = state.scalar("ropinn.region_of_last_step");
  step_closures_ = static_cast<int>(state.count("ropinn.step_closures"));
  buffered_ = static_cast<int>(buffered);
  next_slot_ = static_cast<int>(slot);
  Kokkos::deep_copy(
      step_sum_,
      Kokkos::View<const double*, Kokkos::HostSpace, Kokkos::MemoryTraits<Kokkos::Unmanaged>>(
          sum.data(), sum.size()));
  Kokkos::deep_copy(buffer_, Kokkos::View<const double**, Kokkos::LayoutRight, Kokkos::HostSpace,
                                          Kokkos::MemoryTraits<Kokkos::Unmanaged>>(
                                 buffer.data(), buffer_.extent(0), buffer_.extent(1)));
}

template class Ropinn<float>;
template class Ropinn<double>;

} // namespace pinnbench::objective
