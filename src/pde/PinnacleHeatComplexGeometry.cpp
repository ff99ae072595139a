// PINNacle Heat 2d-CG (spec/pinnacle.md §3.9): u_t - Δu = 0 on the rectangle
// [-8, 8] x [-12, 12] minus 11 big disks (radius 1) and 6 small ones (radius
// 0.4), t in [0, 3]; u = 0 at t = 0 and Robin conditions ∂u/∂n = g - u with
// g = 5 on the big circles, 1 on the small ones, 0.1 on the rectangle, n the
// domain-outward normal (into a hole). Boundary points are shared equally by
// the 18 operands, as PINNacle's CSGMultiDifference samples them
// (geometry/MultiDifference.hpp). Reference: the COMSOL export
// ref/heat_complex.dat (13 312 nodes x 31 times).
#include <cmath>
#include <pinnbench/geometry/Ball.hpp>
#include <pinnbench/geometry/Box.hpp>
#include <pinnbench/geometry/MultiDifference.hpp>
#include <pinnbench/geometry/SpaceTime.hpp>
#include <pinnbench/pde/PinnacleTask.hpp>
#include <pinnbench/pde/TaskRegistry.hpp>
#include <pinnbench/reference/ComsolExport.hpp>
#include <pinnbench/reference/PinnacleFiles.hpp>
#include <pinnbench/suite/KeyBuilders.hpp>

namespace pinnbench::pde {

namespace {

constexpr int X = 0;
constexpr int Y = 1;
constexpr int T = 2;

const char* const reference_file = "ref/heat_complex.dat";

constexpr double big_radius = 1.0;
constexpr double small_radius = 0.4;
const std::vector<std::pair<double, double>> big_centers = {{-4, -9}, {-4, -3}, {-4, 3}, {-4, 9},
                                                            {4, -9},  {4, -3},  {4, 3},  {4, 9},
                                                            {0, 0},   {0, -6},  {0, 6}};
const std::vector<std::pair<double, double>> small_centers = {{-3.2, -6}, {-3.2, 6}, {3.2, -6},
                                                              {3.2, 6},   {-3.2, 0}, {3.2, 0}};

/// g of the Robin conditions ∂u/∂n = g - u on each kind of boundary piece.
struct RobinValues
{
  double big_circles;
  double small_circles;
  double outer;
};

bool on_circle_of(const double* x, const std::vector<std::pair<double, double>>& centers,
                  double radius)
{
  for (const auto& [cx, cy] : centers)
    if (geometry::isclose(std::hypot(x[X] - cx, x[Y] - cy), radius))
      return true;
  return false;
}

class PinnacleHeatComplexGeometry final : public PinnacleTask<PinnacleHeatComplexGeometry>
{
public:
  PinnacleHeatComplexGeometry(RobinValues g, PinnacleSampling sampling, ReferenceSolution reference)
      : PinnacleTask(layout(), sampling, std::move(reference)), g_(g)
  {}

  template <class Real>
  jet::Var<Real> residual_of(const Term& term, const TermContext<Real>& c) const
  {
    const auto u = c.u();
    if (term.name == "residual")
      return c.d(u, T) - c.laplacian(u, {X, Y});
    if (term.name == "initial")
      return u;
    if (term.name == "big_circles")
      return c.normal_derivative(u, 2) - (static_cast<Real>(g_.big_circles) - u);
    if (term.name == "small_circles")
      return c.normal_derivative(u, 2) - (static_cast<Real>(g_.small_circles) - u);
    if (term.name == "outer")
      return c.normal_derivative(u, 2) - (static_cast<Real>(g_.outer) - u);
    unknown_pinnacle_term(name(), term);
  }

private:
  static PinnacleLayout layout()
  {
    using geometry::isclose;
    std::vector<geometry::GeometryPtr> holes;
    for (const auto& [cx, cy] : big_centers)
      holes.push_back(std::make_shared<geometry::Ball>(std::vector<double>{cx, cy}, big_radius));
    for (const auto& [cx, cy] : small_centers)
      holes.push_back(std::make_shared<geometry::Ball>(std::vector<double>{cx, cy}, small_radius));
    const auto rectangle =
        std::make_shared<geometry::Box>(std::vector<double>{-8, -12}, std::vector<double>{8, 12});
    PinnacleLayout l;
    l.name = "heat2d_complex_geometry";
    l.geometry = std::make_shared<geometry::SpaceTime>(
        std::make_shared<geometry::MultiDifference>(rectangle, holes), 0.0, 3.0);
    l.coordinate_names = {"x", "y", "t"};
    l.pde_terms = {"residual"};
    l.pde_derivatives = {jet::MultiIndex::unit(T)};
    l.pde_laplacians = {{X, Y}};
    l.conditions = {
        initial_condition("initial", [](const double*, bool on) { return on; }),
        robin("big_circles",
              [](const double* x, bool on) {
                return on && on_circle_of(x, big_centers, big_radius);
              }),
        robin("small_circles",
              [](const double* x, bool on) {
                return on && on_circle_of(x, small_centers, small_radius);
              }),
        robin("outer",
              [](const double* x, bool on) {
                return on && (isclose(x[X], -8.0) || isclose(x[X], 8.0) || isclose(x[Y], -12.0) ||
                              isclose(x[Y], 12.0));
              }),
    };
    return l;
  }

  RobinValues g_;
};

} // namespace

namespace tasks {
TaskEntry heat2d_complex_geometry()
{
  using namespace suite;
  TaskEntry e;
  e.name = "heat2d_complex_geometry";
  e.inputs = fixed_inputs(3);
  e.description = "PINNacle Heat 2d-CG: u_t = Δu on [-8, 8] x [-12, 12] minus 17 disks, "
                  "t in [0, 3], Robin ∂u/∂n = g - u on the circles and the rectangle";
  e.keys = {real_key("g_big", "5", any_real(), "g of ∂u/∂n = g - u on the 11 big circles"),
            real_key("g_small", "1", any_real(), "g on the 6 small circles"),
            real_key("g_outer", "0.1", any_real(), "g on the outer rectangle")};
  for (auto& key : pinnacle_time_point_keys(32768, 8192, 8192))
    e.keys.push_back(std::move(key));
  e.terms = {"residual", "initial", "big_circles", "small_circles", "outer"};
  e.data_files = [](const YAML::Node&) { return std::vector<std::string>{reference_file}; };
  e.data_download = reference::fetch_command("DIR");
  e.make = [](const TaskInputs& in) {
    const RobinValues g{in.config["g_big"].as<double>(), in.config["g_small"].as<double>(),
                        in.config["g_outer"].as<double>()};
    return std::make_unique<PinnacleHeatComplexGeometry>(
        g, pinnacle_sampling(in.config, in.seed),
        comsol_reference_solution(in.data_dir, reference_file, reference::time_series_export(2)));
  };
  return e;
}
} // namespace tasks

} // namespace pinnbench::pde
