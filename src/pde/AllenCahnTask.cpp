#include <pinnbench/core/Error.hpp>
#include <pinnbench/core/Math.hpp>
#include <pinnbench/pde/AllenCahnTask.hpp>

namespace pinnbench::pde {

using jet::MultiIndex;

AllenCahnTask::AllenCahnTask(reference::AllenCahnParameters parameters,
                             reference::SpectralSettings spectral, SpaceTimeSettings settings)
    : SpaceTimeTask({-1.0, 1.0}, settings), parameters_(parameters), solver_(parameters, spectral)
{}

std::vector<MultiIndex> AllenCahnTask::pde_derivatives() const
{
  return {MultiIndex::unit(X, 2), MultiIndex::unit(T)};
}

std::vector<ConditionSpec> AllenCahnTask::conditions() const
{
  return {{"initial", ConditionSpec::Where::initial_line, {}},
          {"boundary", ConditionSpec::Where::periodic_pair, {}},
          {"boundary_derivative", ConditionSpec::Where::periodic_pair, {MultiIndex::unit(X)}}};
}

std::vector<double> AllenCahnTask::reference(const PointCloud& points) const
{
  std::vector<double> x(static_cast<std::size_t>(points.size()));
  std::vector<double> t(x.size());
  for (std::int64_t n = 0; n < points.size(); ++n) {
    x[static_cast<std::size_t>(n)] = points(n, X);
    t[static_cast<std::size_t>(n)] = points(n, T);
  }
  return solver_.evaluate(x, t);
}

double AllenCahnTask::solution(double x, double t) const
{
  return solver_.evaluate({x}, {t}).front();
}

template <class Real>
jet::Var<Real> AllenCahnTask::residual_of(const Term& term, const TermContext<Real>& c) const
{
  const auto& u = c.u();
  if (term.name == "residual") {
    const Real diffusion = static_cast<Real>(parameters_.diffusion);
    const Real reaction = static_cast<Real>(parameters_.reaction);
    return c.d(u, T) - diffusion * c.d(c.d(u, X), X) + reaction * (u * u * u) - reaction * u;
  }
  if (term.name == "initial") {
    const auto x = c.coordinate(X);
    return u - (x * x) * jet::cos(math::pi<Real> * x);
  }
  if (term.name == "boundary")
    return c.u(0) - c.u(1);
  if (term.name == "boundary_derivative")
    return c.d(c.u(0), X, 0) - c.d(c.u(1), X, 1);
  throw LogicError("task 'allen_cahn' has no term '" + term.name + "'");
}

template jet::Var<float> AllenCahnTask::residual_of<float>(const Term&,
                                                           const TermContext<float>&) const;
template jet::Var<double> AllenCahnTask::residual_of<double>(const Term&,
                                                             const TermContext<double>&) const;

} // namespace pinnbench::pde
