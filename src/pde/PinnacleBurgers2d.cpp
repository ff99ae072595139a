// PINNacle Burgers 2d-C (spec/pinnacle.md §3.2), outputs (u, v) on [0, L]² x [0, T]
// with L = 4, T = 1:
//   u_t + u u_x + v u_y - ν (u_xx + u_yy) = 0
//   v_t + u v_x + v v_y - ν (v_xx + v_yy) = 0
// u and v periodic (values only) in x and in y; the initial state is read from
// PINNacle's 512 x 512 grids ref/burgers2d_init_{u,v}_0.dat and interpolated
// bilinearly (spec §8: the near-equivalent of scipy's LinearNDInterpolator on
// a regular grid). Reference: the COMSOL export ref/burgers2d_0.dat (12 657
// nodes x 11 times, (u, v) per time).
#include <pinnbench/geometry/Box.hpp>
#include <pinnbench/geometry/SpaceTime.hpp>
#include <pinnbench/pde/PinnacleTask.hpp>
#include <pinnbench/pde/TaskRegistry.hpp>
#include <pinnbench/reference/ComsolExport.hpp>
#include <pinnbench/reference/GridField.hpp>
#include <pinnbench/reference/PinnacleFiles.hpp>
#include <pinnbench/suite/KeyBuilders.hpp>

namespace pinnbench::pde {

namespace {

constexpr int X = 0;
constexpr int Y = 1;
constexpr int T = 2;
enum Output
{
  U = 0,
  V = 1,
};

constexpr double side = 4.0;
constexpr double horizon = 1.0;

const char* const reference_file = "ref/burgers2d_0.dat";
const char* const initial_u_file = "ref/burgers2d_init_u_0.dat";
const char* const initial_v_file = "ref/burgers2d_init_v_0.dat";

using Grid = std::shared_ptr<const reference::GridField>;

class PinnacleBurgers2d final : public PinnacleTask<PinnacleBurgers2d>
{
public:
  PinnacleBurgers2d(double viscosity, const Grid& initial_u, const Grid& initial_v,
                    PinnacleSampling sampling, ReferenceSolution reference)
      : PinnacleTask(layout(initial_u, initial_v), sampling, std::move(reference)),
        viscosity_(viscosity)
  {}

  template <class Real>
  jet::Var<Real> residual_of(const Term& term, const TermContext<Real>& c) const
  {
    const auto u = c.output(U), v = c.output(V);
    const Real nu = static_cast<Real>(viscosity_);
    if (term.name == "residual_u")
      return c.d(u, T) + u * c.d(u, X) + v * c.d(u, Y) - nu * c.laplacian(u, {X, Y});
    if (term.name == "residual_v")
      return c.d(v, T) + u * c.d(v, X) + v * c.d(v, Y) - nu * c.laplacian(v, {X, Y});
    if (term.name == "initial_u")
      return u - c.data(0);
    if (term.name == "initial_v")
      return v - c.data(0);
    if (term.name == "periodic_x_u" || term.name == "periodic_y_u")
      return c.output(U, 0) - c.output(U, 1);
    if (term.name == "periodic_x_v" || term.name == "periodic_y_v")
      return c.output(V, 0) - c.output(V, 1);
    unknown_pinnacle_term(name(), term);
  }

private:
  static PinnacleLayout layout(const Grid& initial_u, const Grid& initial_v)
  {
    using geometry::isclose;
    PinnacleLayout l;
    l.name = "burgers2d";
    l.geometry = std::make_shared<geometry::SpaceTime>(
        std::make_shared<geometry::Box>(std::vector<double>{0, 0}, std::vector<double>{side, side}),
        0.0, horizon);
    l.coordinate_names = {"x", "y", "t"};
    l.outputs = 2;
    l.pde_terms = {"residual_u", "residual_v"};
    l.pde_derivatives = {jet::MultiIndex::unit(T)};
    l.pde_laplacians = {{X, Y}};
    const auto at_t0 = [](const double* x, bool on) { return on && isclose(x[T], 0.0); };
    const auto sides_x = [](const double* x, bool on) {
      return on && (isclose(x[X], 0.0) || isclose(x[X], side));
    };
    const auto sides_y = [](const double* x, bool on) {
      return on && (isclose(x[Y], 0.0) || isclose(x[Y], side));
    };
    const auto value_of = [](Grid grid) {
      return [grid](const double* x) { return std::vector<double>{grid->linear(x[X], x[Y])}; };
    };
    l.conditions = {
        initial_condition("initial_u", at_t0, value_of(initial_u)),
        initial_condition("initial_v", at_t0, value_of(initial_v)),
        periodic("periodic_x_u", X, sides_x),
        periodic("periodic_x_v", X, sides_x),
        periodic("periodic_y_u", Y, sides_y),
        periodic("periodic_y_v", Y, sides_y),
    };
    return l;
  }

  double viscosity_;
};

Grid initial_grid(const std::filesystem::path& data_dir, const char* file)
{
  return std::make_shared<const reference::GridField>(
      reference::read_text_table((data_dir / file).string(), 3));
}

} // namespace

namespace tasks {
TaskEntry burgers2d()
{
  using namespace suite;
  TaskEntry e;
  e.name = "burgers2d";
  e.inputs = fixed_inputs(3);
  e.description = "PINNacle Burgers 2d-C: 2-D viscous Burgers (u, v) on the periodic [0, 4]² x "
                  "[0, 1], initial state from grids";
  e.keys = {real_key("nu", "0.001", above(0), "viscosity ν")};
  for (auto& key : pinnacle_time_point_keys(32768, 8192, 8192))
    e.keys.push_back(std::move(key));
  e.terms = {"residual_u",   "residual_v",   "initial_u",    "initial_v",
             "periodic_x_u", "periodic_x_v", "periodic_y_u", "periodic_y_v"};
  e.data_files = [](const YAML::Node&) {
    return std::vector<std::string>{reference_file, initial_u_file, initial_v_file};
  };
  e.data_download = reference::fetch_command("DIR");
  e.make = [](const TaskInputs& in) {
    return std::make_unique<PinnacleBurgers2d>(
        in.config["nu"].as<double>(), initial_grid(in.data_dir, initial_u_file),
        initial_grid(in.data_dir, initial_v_file), pinnacle_sampling(in.config, in.seed),
        comsol_reference_solution(in.data_dir, reference_file,
                                  reference::time_series_export(2, 2)));
  };
  return e;
}
} // namespace tasks

} // namespace pinnbench::pde
