#pragma once
// u_t - D u_xx + R (u^3 - u) = 0 on [-1, 1] x [0, 1], u(x, 0) = x^2 cos(pi x),
// u and u_x periodic. The reference comes from the built-in Fourier/ETDRK4
// solver (the published data came from Chebfun's spin with the same scheme).
#include <pinnbench/pde/SpaceTimeTask.hpp>
#include <pinnbench/reference/AllenCahnSpectral.hpp>

namespace pinnbench::pde {

class AllenCahnTask final : public SpaceTimeTask<AllenCahnTask>
{
public:
  AllenCahnTask(reference::AllenCahnParameters parameters, reference::SpectralSettings spectral,
                SpaceTimeSettings settings);
  std::string name() const override { return "allen_cahn"; }
  std::vector<jet::MultiIndex> pde_derivatives() const;
  std::vector<ConditionSpec> conditions() const;
  /// One solver pass for all points (the pointwise solution() would step once per point).
  std::vector<double> reference(const PointCloud& points) const override;
  double solution(double x, double t) const;
  template <class Real>
  jet::Var<Real> residual_of(const Term& term, const TermContext<Real>& c) const;

private:
  reference::AllenCahnParameters parameters_;
  reference::AllenCahnSpectralSolver solver_;
};

} // namespace pinnbench::pde
