#include <pinnbench/core/Error.hpp>
#include <pinnbench/core/Math.hpp>
#include <pinnbench/pde/AllenCahnTask.hpp>
#include <pinnbench/pde/TaskRegistry.hpp>
#include <pinnbench/suite/KeyBuilders.hpp>

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

namespace tasks {
TaskEntry allen_cahn()
{
  using namespace suite;
  TaskEntry e;
  e.name = "allen_cahn";
  e.inputs = fixed_inputs(2);
  e.description = "u_t - D u_xx + R (u^3 - u) = 0 on [-1, 1] x [0, 1], periodic u and u_x";
  e.keys = {
      real_key("diffusion", "1e-4", above(0), "diffusion coefficient D"),
      real_key("reaction", "5", at_least(0), "reaction coefficient R"),
      mapping_key("reference",
                  {even(int_key("fourier_points", "512", 16, "Fourier modes of the solver (even)")),
                   real_key("time_step", "1e-5", open_low_interval(0, 1), "solver time step")},
                  "spectral reference solver")};
  for (auto& key : space_time_point_keys())
    e.keys.push_back(std::move(key));
  e.terms = {"residual", "initial", "boundary", "boundary_derivative"};
  e.make = [](const TaskInputs& in) {
    reference::AllenCahnParameters parameters;
    parameters.diffusion = in.config["diffusion"].as<double>();
    parameters.reaction = in.config["reaction"].as<double>();
    reference::SpectralSettings spectral;
    spectral.fourier_points = in.config["reference"]["fourier_points"].as<int>();
    spectral.time_step = in.config["reference"]["time_step"].as<double>();
    return std::make_unique<AllenCahnTask>(parameters, spectral,
                                           space_time_settings(in.config, in.seed));
  };
  return e;
}
} // namespace tasks

template jet::Var<float> AllenCahnTask::residual_of<float>(const Term&,
                                                           const TermContext<float>&) const;
template jet::Var<double> AllenCahnTask::residual_of<double>(const Term&,
                                                             const TermContext<double>&) const;

} // namespace pinnbench::pde
