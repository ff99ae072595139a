// PINNacle steady incompressible Navier-Stokes, outputs (u, v, p)
// (spec/pinnacle.md §3.10-3.11):
//   momentum_x: u u_x + v u_y + p_x - ν (u_xx + u_yy)
//   momentum_y: u v_x + v v_y + p_y - ν (v_xx + v_yy)
//   continuity: u_x + v_y
// NS 2d-C: lid-driven cavity [0, 1]², u = a x (1 - x) on the lid, no slip
// elsewhere, p(0, 0) = 0. NS 2d-CG: backward-facing step [0, 4] x [0, 2] minus
// [0, 2] x [1, 2], parabolic inlet at x = 0, p = 0 at the outlet x = 4, no slip
// elsewhere. References: COMSOL exports with columns x, y, u, v, p.
#include <pinnbench/geometry/Box.hpp>
#include <pinnbench/geometry/Difference.hpp>
#include <pinnbench/pde/PinnacleTask.hpp>
#include <pinnbench/pde/TaskRegistry.hpp>
#include <pinnbench/reference/ComsolExport.hpp>
#include <pinnbench/reference/PinnacleFiles.hpp>
#include <pinnbench/suite/KeyBuilders.hpp>

namespace pinnbench::pde {

namespace {

constexpr int X = 0;
constexpr int Y = 1;
enum Output
{
  U = 0,
  V = 1,
  P = 2,
};

/// Which boundary a condition holds on, and u's prescribed value there.
enum class Flow
{
  lid_driven,
  back_step,
};

class PinnacleNavierStokes final : public PinnacleTask<PinnacleNavierStokes>
{
public:
  PinnacleNavierStokes(Flow flow, double viscosity, double inflow, PinnacleSampling sampling,
                       ReferenceSolution reference)
      : PinnacleTask(layout(flow), sampling, std::move(reference)), viscosity_(viscosity),
        inflow_(inflow)
  {}

  template <class Real>
  jet::Var<Real> residual_of(const Term& term, const TermContext<Real>& c) const
  {
    const auto u = c.output(U), v = c.output(V), p = c.output(P);
    const Real nu = static_cast<Real>(viscosity_);
    const Real a = static_cast<Real>(inflow_);
    const auto x = c.coordinate(X), y = c.coordinate(Y);
    if (term.name == "momentum_x")
      return u * c.d(u, X) + v * c.d(u, Y) + c.d(p, X) - nu * c.laplacian(u, {X, Y});
    if (term.name == "momentum_y")
      return u * c.d(v, X) + v * c.d(v, Y) + c.d(p, Y) - nu * c.laplacian(v, {X, Y});
    if (term.name == "continuity")
      return c.d(u, X) + c.d(v, Y);
    if (term.name == "lid_u")
      return u - a * (x * (Real(1) - x));
    if (term.name == "inlet_u")
      return u - a * (y * (Real(1) - y));
    if (term.name == "lid_v" || term.name == "inlet_v" || term.name == "wall_v")
      return v;
    if (term.name == "wall_u")
      return u;
    if (term.name == "outlet_p" || term.name == "pressure_pin")
      return p;
    unknown_pinnacle_term(name(), term);
  }

private:
  static PinnacleLayout layout(Flow flow)
  {
    using geometry::isclose;
    PinnacleLayout l;
    l.coordinate_names = {"x", "y"};
    l.outputs = 3;
    l.pde_terms = {"momentum_x", "momentum_y", "continuity"};
    l.pde_laplacians = {{X, Y}};
    if (flow == Flow::lid_driven) {
      l.name = "ns2d_lid_driven";
      l.geometry =
          std::make_shared<geometry::Box>(std::vector<double>{0, 0}, std::vector<double>{1, 1});
      const auto lid = [](const double* x, bool on) { return on && isclose(x[Y], 1.0); };
      const auto walls = [](const double* x, bool on) { return on && !isclose(x[Y], 1.0); };
      l.conditions = {dirichlet("lid_u", lid), dirichlet("lid_v", lid), dirichlet("wall_u", walls),
                      dirichlet("wall_v", walls),
                      point_set("pressure_pin", PointCloud{2, {0.0, 0.0}})};
    } else {
      l.name = "ns2d_back_step";
      const double eps = 1e-5;
      l.geometry = std::make_shared<geometry::Difference>(
          std::make_shared<geometry::Box>(std::vector<double>{0, 0}, std::vector<double>{4, 2}),
          std::make_shared<geometry::Box>(std::vector<double>{0 - eps, 1},
                                          std::vector<double>{2, 2 + eps}));
      const auto inlet = [](const double* x, bool on) { return on && isclose(x[X], 0.0); };
      const auto outlet = [](const double* x, bool on) { return on && isclose(x[X], 4.0); };
      const auto walls = [](const double* x, bool on) {
        return on && !isclose(x[X], 0.0) && !isclose(x[X], 4.0);
      };
      l.conditions = {dirichlet("inlet_u", inlet), dirichlet("inlet_v", inlet),
                      dirichlet("outlet_p", outlet), dirichlet("wall_u", walls),
                      dirichlet("wall_v", walls)};
    }
    return l;
  }

  double viscosity_;
  double inflow_;
};

std::string lid_driven_file(const YAML::Node& config)
{
  return "ref/lid_driven_a" + std::to_string(config["a"].as<int>()) + ".dat";
}

const char* const back_step_file = "ref/ns_0_obstacle.dat";

} // namespace

namespace tasks {
TaskEntry ns2d_lid_driven()
{
  using namespace suite;
  TaskEntry e;
  e.name = "ns2d_lid_driven";
  e.inputs = fixed_inputs(2);
  e.description = "PINNacle NS 2d-C: steady lid-driven cavity on [0, 1]², outputs u, v, p";
  e.keys = {int_key("a", "4", 1, "lid speed u = a x (1 - x) (reads ref/lid_driven_a<a>.dat)"),
            real_key("nu", "0.01", above(0), "kinematic viscosity")};
  for (auto& key : pinnacle_point_keys(8192, 2048))
    e.keys.push_back(std::move(key));
  e.terms = {"momentum_x", "momentum_y", "continuity", "lid_u",
             "lid_v",      "wall_u",     "wall_v",     "pressure_pin"};
  e.data_files = [](const YAML::Node& config) {
    return std::vector<std::string>{lid_driven_file(config)};
  };
  e.data_download = reference::fetch_command("DIR");
  e.make = [](const TaskInputs& in) {
    return std::make_unique<PinnacleNavierStokes>(
        Flow::lid_driven, in.config["nu"].as<double>(), in.config["a"].as<double>(),
        pinnacle_sampling(in.config, in.seed),
        comsol_reference_solution(in.data_dir, lid_driven_file(in.config),
                                  reference::steady_export(2, 3)));
  };
  return e;
}

TaskEntry ns2d_back_step()
{
  using namespace suite;
  TaskEntry e;
  e.name = "ns2d_back_step";
  e.inputs = fixed_inputs(2);
  e.description = "PINNacle NS 2d-CG: steady flow over a backward-facing step, outputs u, v, p";
  e.keys = {real_key("nu", "0.01", above(0), "kinematic viscosity"),
            real_key("inflow", "4", any_real(), "inlet profile u = inflow y (1 - y)")};
  for (auto& key : pinnacle_point_keys(8192, 2048))
    e.keys.push_back(std::move(key));
  e.terms = {"momentum_x", "momentum_y", "continuity", "inlet_u",
             "inlet_v",    "outlet_p",   "wall_u",     "wall_v"};
  e.data_files = [](const YAML::Node&) { return std::vector<std::string>{back_step_file}; };
  e.data_download = reference::fetch_command("DIR");
  e.make = [](const TaskInputs& in) {
    return std::make_unique<PinnacleNavierStokes>(
        Flow::back_step, in.config["nu"].as<double>(), in.config["inflow"].as<double>(),
        pinnacle_sampling(in.config, in.seed),
        comsol_reference_solution(in.data_dir, back_step_file, reference::steady_export(2, 3)));
  };
  return e;
}
} // namespace tasks

} // namespace pinnbench::pde
