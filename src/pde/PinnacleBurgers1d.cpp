// PINNacle Burgers 1d-C (spec/pinnacle.md §3.1): u_t + u u_x - ν u_xx = 0 on
// x in [-1, 1], t in [0, 1], u(x, 0) = -sin(π x), u(±1, t) = 0; reference:
// the COMSOL export ref/burgers1d.dat (101 nodes x 11 times).
#include <pinnbench/core/Math.hpp>
#include <pinnbench/geometry/Box.hpp>
#include <pinnbench/geometry/SpaceTime.hpp>
#include <pinnbench/pde/PinnacleTask.hpp>
#include <pinnbench/pde/TaskRegistry.hpp>
#include <pinnbench/reference/ComsolExport.hpp>
#include <pinnbench/reference/PinnacleFiles.hpp>
#include <pinnbench/suite/KeyBuilders.hpp>

namespace pinnbench::pde {

namespace {

constexpr int X = 0;
constexpr int T = 1;

const char* const reference_file = "ref/burgers1d.dat";

class PinnacleBurgers1d final : public PinnacleTask<PinnacleBurgers1d>
{
public:
  PinnacleBurgers1d(double viscosity, PinnacleSampling sampling, ReferenceSolution reference)
      : PinnacleTask(layout(), sampling, std::move(reference)), viscosity_(viscosity)
  {}

  template <class Real>
  jet::Var<Real> residual_of(const Term& term, const TermContext<Real>& c) const
  {
    const auto u = c.u();
    const Real nu = static_cast<Real>(viscosity_);
    if (term.name == "residual")
      return c.d(u, T) + u * c.d(u, X) - nu * c.d(c.d(u, X), X);
    if (term.name == "initial")
      return u + jet::sin(math::pi<Real> * c.coordinate(X));
    if (term.name == "boundary")
      return u;
    unknown_pinnacle_term(name(), term);
  }

private:
  static PinnacleLayout layout()
  {
    PinnacleLayout l;
    l.name = "burgers1d";
    l.geometry = std::make_shared<geometry::SpaceTime>(
        std::make_shared<geometry::Box>(std::vector<double>{-1}, std::vector<double>{1}), 0.0, 1.0);
    l.coordinate_names = {"x", "t"};
    l.pde_terms = {"residual"};
    l.pde_derivatives = {jet::MultiIndex::unit(X, 2), jet::MultiIndex::unit(T)};
    const auto always = [](const double*, bool on) { return on; };
    l.conditions = {initial_condition("initial", always), dirichlet("boundary", always)};
    return l;
  }

  double viscosity_;
};

} // namespace

namespace tasks {
TaskEntry burgers1d()
{
  using namespace suite;
  TaskEntry e;
  e.name = "burgers1d";
  e.inputs = fixed_inputs(2);
  e.description = "PINNacle Burgers 1d-C: u_t + u u_x = ν u_xx on [-1, 1] x [0, 1], u0 = -sin(π x)";
  e.keys = {real_key("nu", "0.003183098861837907", above(0), "viscosity ν (0.01/π)")};
  for (auto& key : pinnacle_time_point_keys(8192, 2048, 2048))
    e.keys.push_back(std::move(key));
  e.terms = {"residual", "initial", "boundary"};
  e.data_files = [](const YAML::Node&) { return std::vector<std::string>{reference_file}; };
  e.data_download = reference::fetch_command("DIR");
  e.make = [](const TaskInputs& in) {
    return std::make_unique<PinnacleBurgers1d>(
        in.config["nu"].as<double>(), pinnacle_sampling(in.config, in.seed),
        comsol_reference_solution(in.data_dir, reference_file, reference::time_series_export(1)));
  };
  return e;
}
} // namespace tasks

} // namespace pinnbench::pde
