#pragma once
// RoPINN region optimisation exactly as the reference code does it
// (spec/ropinn.md §7.2): every closure evaluates the residual at points moved
// one-sidedly by r_eff * U[0, 1)^d, r_eff = min(r0 / sigma, r_max), fresh draws on
// every call (line-search trials included). After each optimiser step the mean
// of that step's closure gradients enters a buffer of the last T0; sigma is the
// mean over parameters of std / (mean |g| + 1e-6) across the buffer (population
// std), reset to 1 when it is 0.
#include <pinnbench/objective/Objective.hpp>

namespace pinnbench::objective {

struct RopinnSettings
{
  double initial_region = 1e-4;
  double max_region = 0.01;
  int samples = 1;
  int past_iterations = 10;
  bool perturb_conditions = false;
  bool fixed_sigma = false;
  /// Entries sigma averages over: the reference's flattened-gradient length
  /// (ParameterLayout::gradient_entries); 0 means the parameter count.
  std::size_t gradient_entries = 0;
};

template <class Real>
class Ropinn final : public Objective<Real>
{
public:
  Ropinn(RopinnSettings settings, std::size_t parameters, std::uint64_t seed);
  std::string name() const override { return "ropinn"; }
  Perturbation perturbation(const pde::Term& term) const override;
  void after_closure(const Vector<Real>& gradient) override;
  void after_step() override;
  std::vector<std::pair<std::string, double>> diagnostics() const override;
  optim::OptimizerState save_state() const override;
  void load_state(const optim::OptimizerState& state) override;

  double sigma() const { return sigma_; }
  double region() const;
  /// sigma of the current buffer (exposed for tests).
  double gradient_variation() const;

private:
  RopinnSettings settings_;
  random::CounterRng rng_;
  double sigma_ = 1.0;
  double region_of_last_step_ = 0.0;
  Kokkos::View<double*, MemorySpace> step_sum_;
  int step_closures_ = 0;
  Kokkos::View<double**, Kokkos::LayoutRight, MemorySpace> buffer_; ///< [T0][P], a ring
  int buffered_ = 0;
  int next_slot_ = 0;
};

} // namespace pinnbench::objective
