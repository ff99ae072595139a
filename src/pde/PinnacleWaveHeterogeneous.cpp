// PINNacle Wave 2d-CG (spec/pinnacle.md §3.13): Δu - u_tt / c(x, y) = 0 on
// [-1, 1]² x [0, T], a steady problem on the 3-D box (x, y, t): its initial
// conditions are boundary conditions on the t = 0 face (u = a Gaussian bump,
// u_t = 0), the four side faces have ∂u/∂n = 0 and the t = T face none. The
// speed c is interpolated linearly in the 256² grid ref/darcy_2d_coef_256.dat
// over [0, 1]² at ((x + 1)/2, (y + 1)/2) (PINNacle: scipy griddata "linear";
// here bilinear, spec §8), carried as the per-point datum 1/c. Reference: the
// COMSOL export ref/wave_darcy.dat (983 nodes x 251 times).
#include <cmath>
#include <pinnbench/core/Error.hpp>
#include <pinnbench/geometry/EqualFaceBox.hpp>
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

const char* const reference_file = "ref/wave_darcy.dat";
const char* const coefficient_file = "ref/darcy_2d_coef_256.dat";

using Grid = std::shared_ptr<const reference::GridField>;

/// u(x, y, 0) = exp(-((x - μx)² + (y - μy)²) / (2σ²)).
struct Bump
{
  double mean_x;
  double mean_y;
  double sigma;
};

class PinnacleWaveHeterogeneous final : public PinnacleTask<PinnacleWaveHeterogeneous>
{
public:
  PinnacleWaveHeterogeneous(const Grid& c, Bump bump, double t_end, PinnacleSampling sampling,
                            ReferenceSolution reference)
      : PinnacleTask(layout(c, t_end), sampling, std::move(reference)), bump_(bump)
  {}

  /// c at (x, y) of [-1, 1]²: the grid over [0, 1]² at ((x + 1)/2, (y + 1)/2).
  static double speed(const reference::GridField& c, double x, double y)
  {
    return c.linear((x + 1) / 2, (y + 1) / 2);
  }

  template <class Real>
  jet::Var<Real> residual_of(const Term& term, const TermContext<Real>& c) const
  {
    const auto u = c.u();
    if (term.name == "residual")
      return c.laplacian(u, {X, Y}) - c.d(c.d(u, T), T) * c.data(0);
    if (term.name == "initial")
      return u - initial_state(c);
    if (term.name == "initial_velocity" || term.name == "boundary")
      return c.normal_derivative(u, 3);
    unknown_pinnacle_term(name(), term);
  }

private:
  template <class Real>
  jet::Var<Real> initial_state(const TermContext<Real>& c) const
  {
    const auto dx = c.coordinate(X) - static_cast<Real>(bump_.mean_x);
    const auto dy = c.coordinate(Y) - static_cast<Real>(bump_.mean_y);
    const Real scale = static_cast<Real>(-1.0 / (2 * bump_.sigma * bump_.sigma));
    return jet::exp(scale * (dx * dx + dy * dy));
  }

  static PinnacleLayout layout(const Grid& c, double t_end)
  {
    using geometry::isclose;
    PinnacleLayout l;
    l.name = "wave2d_heterogeneous";
    l.geometry = std::make_shared<geometry::EqualFaceBox>(std::vector<double>{-1, -1, 0},
                                                          std::vector<double>{1, 1, t_end});
    l.coordinate_names = {"x", "y", "t"};
    l.pde_terms = {"residual"};
    l.pde_derivatives = {jet::MultiIndex::unit(T, 2)};
    l.pde_laplacians = {{X, Y}};
    const auto on_t0 = [](const double* x, bool on) { return on && isclose(x[T], 0.0); };
    l.conditions = {
        dirichlet("initial", on_t0),
        neumann("initial_velocity", on_t0),
        neumann("boundary",
                [](const double* x, bool on) {
                  return on && (isclose(x[X], -1.0) || isclose(x[X], 1.0) || isclose(x[Y], -1.0) ||
                                isclose(x[Y], 1.0));
                }),
    };
    l.pde_data = [c](const double* x) { return std::vector<double>{1.0 / speed(*c, x[X], x[Y])}; };
    return l;
  }

  Bump bump_;
};

/// The grid, which must cover [0, 1]² with positive speeds (1/c is the datum).
Grid speed_grid(const std::filesystem::path& data_dir)
{
  const auto path = (data_dir / coefficient_file).string();
  auto grid = std::make_shared<const reference::GridField>(reference::read_text_table(path, 3));
  const auto& xs = grid->x_nodes();
  const auto& ys = grid->y_nodes();
  if (xs.front() > 0 || xs.back() < 1 || ys.front() > 0 || ys.back() < 1)
    throw ConfigError(path + ": the speed grid must cover [0, 1]^2 (it spans [" +
                      std::to_string(xs.front()) + ", " + std::to_string(xs.back()) + "] x [" +
                      std::to_string(ys.front()) + ", " + std::to_string(ys.back()) + "])");
  for (std::size_t i = 0; i < xs.size(); ++i)
    for (std::size_t j = 0; j < ys.size(); ++j)
      if (!(grid->at(i, j) > 0))
        throw ConfigError(path + ": the speed must be positive; it is " +
                          std::to_string(grid->at(i, j)) + " at (" + std::to_string(xs[i]) + ", " +
                          std::to_string(ys[j]) + ")");
  return grid;
}

} // namespace

namespace tasks {
TaskEntry wave2d_heterogeneous()
{
  using namespace suite;
  TaskEntry e;
  e.name = "wave2d_heterogeneous";
  e.inputs = fixed_inputs(3);
  e.description = "PINNacle Wave 2d-CG: u_tt = c(x, y) Δu on the (x, y, t) box [-1, 1]² x [0, 5], "
                  "c interpolated in a grid";
  e.keys = {real_key("mean_x", "-0.5", any_real(), "μx of the initial bump"),
            real_key("mean_y", "0", any_real(), "μy of the initial bump"),
            real_key("sigma", "0.3", above(0), "σ of the initial bump"),
            real_key("t_end", "5", above(0), "final time T")};
  for (auto& key : pinnacle_point_keys(32768, 8192))
    e.keys.push_back(std::move(key));
  e.terms = {"residual", "initial", "initial_velocity", "boundary"};
  e.data_files = [](const YAML::Node&) {
    return std::vector<std::string>{reference_file, coefficient_file};
  };
  e.data_download = reference::fetch_command("DIR");
  e.make = [](const TaskInputs& in) {
    const Bump bump{in.config["mean_x"].as<double>(), in.config["mean_y"].as<double>(),
                    in.config["sigma"].as<double>()};
    return std::make_unique<PinnacleWaveHeterogeneous>(
        speed_grid(in.data_dir), bump, in.config["t_end"].as<double>(),
        pinnacle_sampling(in.config, in.seed),
        comsol_reference_solution(in.data_dir, reference_file, reference::time_series_export(2)));
  };
  return e;
}
} // namespace tasks

} // namespace pinnbench::pde
