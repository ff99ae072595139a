#include <cmath>
#include <pinnbench/core/Error.hpp>
#include <pinnbench/core/Math.hpp>
#include <pinnbench/pde/SpaceTimeTask.hpp>
#include <pinnbench/pde/TaskRegistry.hpp>
#include <pinnbench/random/Philox.hpp>
#include <pinnbench/suite/KeyBuilders.hpp>

namespace pinnbench::pde {

using jet::MultiIndex;

namespace {
const double two_pi = 2.0 * math::pi<double>;
const double pi = math::pi<double>;
} // namespace

// --- settings ----------------------------------------------------------------------

std::vector<suite::KeySpec> space_time_point_keys()
{
  using namespace suite;
  return {
      mapping_key("points",
                  {point_set_key("domain", "training collocation points"),
                   int_key("initial", "101", 2, "linspaced initial-condition points on t = 0"),
                   int_key("boundary", "101", 2, "linspaced boundary points on each x edge")},
                  "training points"),
      mapping_key("test",
                  {point_set_key("domain", "points for rMAE/rMSE and the test residual"),
                   int_key("initial", "101", 2, "linspaced initial points for the test loss"),
                   int_key("boundary", "101", 2, "linspaced boundary points for the test loss")},
                  "test points"),
  };
}

namespace {

DomainSampling domain_sampling(const YAML::Node& node)
{
  DomainSampling sampling;
  if (node["kind"].as<std::string>() == "grid") {
    sampling.kind = DomainSampling::Kind::grid;
    sampling.nx = node["nx"].as<int>();
    sampling.nt = node["nt"].as<int>();
  } else {
    sampling.kind = DomainSampling::Kind::random;
    sampling.count = node["n"].as<std::int64_t>();
  }
  return sampling;
}

SpaceTimeSampling sampling(const YAML::Node& node)
{
  SpaceTimeSampling s;
  s.domain = domain_sampling(node["domain"]);
  s.initial = node["initial"].as<int>();
  s.boundary = node["boundary"].as<int>();
  return s;
}

/// The task's own keys followed by the family's point keys.
std::vector<suite::KeySpec> with_point_keys(std::vector<suite::KeySpec> keys)
{
  for (auto& key : space_time_point_keys())
    keys.push_back(std::move(key));
  return keys;
}

} // namespace

SpaceTimeSettings space_time_settings(const YAML::Node& config, std::uint64_t seed)
{
  SpaceTimeSettings settings;
  settings.train = sampling(config["points"]);
  settings.test = sampling(config["test"]);
  settings.seed = seed;
  return settings;
}

// --- geometry --------------------------------------------------------------------

PointCloud SpaceTimeGeometry::domain_points(const DomainSampling& sampling, bool test) const
{
  if (sampling.kind == DomainSampling::Kind::grid)
    return space_time_grid(x_range_, t_range(), sampling.nx, sampling.nt);
  const auto stream = test ? random::Stream::test_points : random::Stream::training_points;
  return uniform_in_box({x_range_, t_range()}, sampling.count, settings_.seed,
                        static_cast<std::uint32_t>(stream));
}

std::vector<Term> SpaceTimeGeometry::terms(const SpaceTimeSampling& sampling, bool test,
                                           const std::vector<MultiIndex>& pde_derivatives,
                                           const std::vector<ConditionSpec>& conditions,
                                           const DirectionalReads& pde_along) const
{
  std::vector<Term> terms;
  Term residual;
  residual.name = "residual";
  residual.kind = TermKind::pde;
  residual.evaluations = {domain_points(sampling.domain, test)};
  residual.derivatives = {pde_derivatives};
  residual.along = pde_along;
  terms.push_back(std::move(residual));

  const double x0 = x_range_.first, x1 = x_range_.second;
  for (const auto& condition : conditions) {
    Term term;
    term.name = condition.name;
    switch (condition.where) {
    case ConditionSpec::Where::initial_line:
      term.kind = TermKind::initial;
      term.evaluations = {line(2, {0.0, 0.0}, X, x_range_, sampling.initial)};
      term.fixed_coordinates = {T};
      break;
    case ConditionSpec::Where::lower_edge:
      term.kind = TermKind::boundary;
      term.evaluations = {line(2, {x0, 0.0}, T, t_range(), sampling.boundary)};
      term.fixed_coordinates = {X};
      break;
    case ConditionSpec::Where::upper_edge:
      term.kind = TermKind::boundary;
      term.evaluations = {line(2, {x1, 0.0}, T, t_range(), sampling.boundary)};
      term.fixed_coordinates = {X};
      break;
    case ConditionSpec::Where::periodic_pair:
      term.kind = TermKind::boundary;
      term.evaluations = {line(2, {x0, 0.0}, T, t_range(), sampling.boundary),
                          line(2, {x1, 0.0}, T, t_range(), sampling.boundary)};
      term.fixed_coordinates = {X};
      break;
    }
    term.derivatives.assign(term.evaluations.size(), condition.derivatives);
    terms.push_back(std::move(term));
  }
  return terms;
}

namespace {
[[noreturn]] void unknown_term(const std::string& task, const Term& term)
{
  throw LogicError("task '" + task + "' has no term '" + term.name + "'");
}

/// u(x_lo, t) - u(x_hi, t) on the term's combined coordinates.
template <class Real>
jet::Var<Real> periodic_difference(const TermContext<Real>& c)
{
  return c.u(0) - c.u(1);
}
} // namespace

// --- convection --------------------------------------------------------------------

ConvectionTask::ConvectionTask(double beta, SpaceTimeSettings settings)
    : SpaceTimeTask({0.0, two_pi}, settings), beta_(beta)
{}

std::vector<MultiIndex> ConvectionTask::pde_derivatives() const
{
  return {MultiIndex::unit(X), MultiIndex::unit(T)};
}

std::vector<ConditionSpec> ConvectionTask::conditions() const
{
  return {{"initial", ConditionSpec::Where::initial_line, {}},
          {"boundary", ConditionSpec::Where::periodic_pair, {}}};
}

double ConvectionTask::solution(double x, double t) const
{
  return std::sin(x - beta_ * t);
}

template <class Real>
jet::Var<Real> ConvectionTask::residual_of(const Term& term, const TermContext<Real>& c) const
{
  if (term.name == "residual")
    return c.along(c.u(), characteristic()); // u_t + beta u_x
  if (term.name == "initial")
    return c.u() - jet::sin(c.coordinate(X));
  if (term.name == "boundary")
    return periodic_difference(c);
  unknown_term(name(), term);
}

// --- reaction ------------------------------------------------------------------------

ReactionTask::ReactionTask(double rho, SpaceTimeSettings settings)
    : SpaceTimeTask({0.0, two_pi}, settings), rho_(rho)
{}

std::vector<MultiIndex> ReactionTask::pde_derivatives() const
{
  return {MultiIndex::unit(T)};
}

std::vector<ConditionSpec> ReactionTask::conditions() const
{
  return {{"initial", ConditionSpec::Where::initial_line, {}},
          {"boundary", ConditionSpec::Where::periodic_pair, {}}};
}

namespace {
// h(x) = exp(-(x - pi)^2 / (2 (pi/4)^2)), the reaction task's initial condition.
double reaction_initial(double x)
{
  const double s = pi / 4.0;
  return std::exp(-(x - pi) * (x - pi) / (2.0 * s * s));
}
} // namespace

double ReactionTask::solution(double x, double t) const
{
  const double h = reaction_initial(x);
  const double growth = std::exp(rho_ * t);
  return h * growth / (h * growth + 1.0 - h);
}

template <class Real>
jet::Var<Real> ReactionTask::residual_of(const Term& term, const TermContext<Real>& c) const
{
  const Real rho = static_cast<Real>(rho_);
  if (term.name == "residual")
    return c.d(c.u(), T) - rho * c.u() + rho * (c.u() * c.u());
  if (term.name == "initial") {
    const Real s = static_cast<Real>(pi / 4.0);
    const auto shifted = c.coordinate(X) - static_cast<Real>(pi);
    const Real scale = Real(-1) / (Real(2) * s * s);
    return c.u() - jet::exp(scale * (shifted * shifted));
  }
  if (term.name == "boundary")
    return periodic_difference(c);
  unknown_term(name(), term);
}

// --- wave ------------------------------------------------------------------------------

WaveTask::WaveTask(double speed, double beta, SpaceTimeSettings settings)
    : SpaceTimeTask({0.0, 1.0}, settings), speed_(speed), beta_(beta)
{}

std::vector<MultiIndex> WaveTask::pde_derivatives() const
{
  return {MultiIndex::unit(X, 2), MultiIndex::unit(T, 2)};
}

std::vector<ConditionSpec> WaveTask::conditions() const
{
  return {{"initial", ConditionSpec::Where::initial_line, {}},
          {"initial_velocity", ConditionSpec::Where::initial_line, {MultiIndex::unit(T)}},
          {"boundary_lower", ConditionSpec::Where::lower_edge, {}},
          {"boundary_upper", ConditionSpec::Where::upper_edge, {}}};
}

double WaveTask::solution(double x, double t) const
{
  return std::sin(pi * x) * std::cos(speed_ * pi * t) +
         0.5 * std::sin(beta_ * pi * x) * std::cos(beta_ * speed_ * pi * t);
}

template <class Real>
jet::Var<Real> WaveTask::residual_of(const Term& term, const TermContext<Real>& c) const
{
  if (term.name == "residual")
    return c.along(c.u(), right_moving(), left_moving()); // u_tt - c^2 u_xx
  if (term.name == "initial") {
    const auto x = c.coordinate(X);
    return c.u() - jet::sin(static_cast<Real>(pi) * x) -
           Real(0.5) * jet::sin(static_cast<Real>(beta_ * pi) * x);
  }
  if (term.name == "initial_velocity")
    return c.d(c.u(), T);
  if (term.name == "boundary_lower" || term.name == "boundary_upper")
    return c.u();
  unknown_term(name(), term);
}

// --- registry entries ------------------------------------------------------------------

namespace tasks {
TaskEntry convection()
{
  TaskEntry e;
  e.name = "convection";
  e.inputs = fixed_inputs(2);
  e.description = "u_t + beta u_x = 0 on [0, 2 pi] x [0, 1], periodic";
  e.keys = with_point_keys({suite::real_key("beta", "50", suite::any_real(), "convection speed")});
  e.terms = {"residual", "initial", "boundary"};
  e.make = [](const TaskInputs& in) {
    return std::make_unique<ConvectionTask>(in.config["beta"].as<double>(),
                                            space_time_settings(in.config, in.seed));
  };
  return e;
}

TaskEntry reaction()
{
  TaskEntry e;
  e.name = "reaction";
  e.inputs = fixed_inputs(2);
  e.description = "u_t - rho u (1 - u) = 0 on [0, 2 pi] x [0, 1], periodic";
  e.keys = with_point_keys({suite::real_key("rho", "5", suite::any_real(), "reaction rate")});
  e.terms = {"residual", "initial", "boundary"};
  e.make = [](const TaskInputs& in) {
    return std::make_unique<ReactionTask>(in.config["rho"].as<double>(),
                                          space_time_settings(in.config, in.seed));
  };
  return e;
}

TaskEntry wave()
{
  TaskEntry e;
  e.name = "wave";
  e.inputs = fixed_inputs(2);
  e.description = "u_tt - c^2 u_xx = 0 on [0, 1] x [0, 1], u = 0 at x = 0, 1";
  e.keys = with_point_keys(
      {suite::real_key("c", "2", suite::above(0), "wave speed"),
       suite::real_key("beta", "3", suite::any_real(), "frequency of the second initial mode")});
  e.terms = {"residual", "initial", "initial_velocity", "boundary_lower", "boundary_upper"};
  e.make = [](const TaskInputs& in) {
    return std::make_unique<WaveTask>(in.config["c"].as<double>(), in.config["beta"].as<double>(),
                                      space_time_settings(in.config, in.seed));
  };
  return e;
}
} // namespace tasks

#define PINNBENCH_INSTANTIATE_RESIDUAL(Task, Real)                                                 \
  template jet::Var<Real> Task::residual_of<Real>(const Term&, const TermContext<Real>&) const;
PINNBENCH_INSTANTIATE_RESIDUAL(ConvectionTask, float)
PINNBENCH_INSTANTIATE_RESIDUAL(ConvectionTask, double)
PINNBENCH_INSTANTIATE_RESIDUAL(ReactionTask, float)
PINNBENCH_INSTANTIATE_RESIDUAL(ReactionTask, double)
PINNBENCH_INSTANTIATE_RESIDUAL(WaveTask, float)
PINNBENCH_INSTANTIATE_RESIDUAL(WaveTask, double)

} // namespace pinnbench::pde
