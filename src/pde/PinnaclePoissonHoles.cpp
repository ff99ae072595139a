// PINNacle Poisson tasks on a square with four disk-shaped holes
// (spec/pinnacle.md §3.3-3.4), Dirichlet data on the square and on the circles:
//  - Poisson 2d-C:  Δu = 0 on [-0.5, 0.5]² minus disks of radius 0.1 at (±0.3, ±0.3);
//    u = 1 on the square, 0 on the circles;
//  - Poisson 2d-CG: -Δu + k²u = f on [-1, 1]² minus four disks,
//    f = A (μ₁² + x² + μ₂² + y²) sin(μ₁ π x) sin(μ₂ π y); u = 0.2 on the square,
//    1 on the circles.
// A boundary point is a circle point when it is not on the square (PINNacle).
#include <pinnbench/core/Math.hpp>
#include <pinnbench/geometry/Ball.hpp>
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

struct Disk
{
  double x, y, radius;
};

/// The PDE: Laplace (Poisson 2d-C) or screened Poisson with a source (2d-CG).
struct PoissonCoefficients
{
  bool screened = false;
  double k = 8.0;
  double amplitude = 10.0;
  double mu1 = 1.0, mu2 = 4.0;
};

struct HoledSquare
{
  std::string name;
  double half_side;
  std::vector<Disk> disks;
  double square_value;
  double circle_value;
};

class PinnaclePoissonHoles final : public PinnacleTask<PinnaclePoissonHoles>
{
public:
  PinnaclePoissonHoles(const HoledSquare& shape, PoissonCoefficients pde, PinnacleSampling sampling,
                       ReferenceSolution reference)
      : PinnacleTask(layout(shape), sampling, std::move(reference)), pde_(pde),
        square_value_(shape.square_value), circle_value_(shape.circle_value)
  {}

  template <class Real>
  jet::Var<Real> residual_of(const Term& term, const TermContext<Real>& c) const
  {
    const auto u = c.u();
    if (term.name == "residual" && !pde_.screened)
      return c.laplacian(u, {X, Y});
    if (term.name == "residual")
      return static_cast<Real>(pde_.k * pde_.k) * u - c.laplacian(u, {X, Y}) - source(c);
    if (term.name == "boundary_square")
      return u - static_cast<Real>(square_value_);
    if (term.name == "boundary_circles")
      return u - static_cast<Real>(circle_value_);
    unknown_pinnacle_term(name(), term);
  }

  /// f = A (μ₁² + x² + μ₂² + y²) sin(μ₁ π x) sin(μ₂ π y).
  template <class Real>
  jet::Var<Real> source(const TermContext<Real>& c) const
  {
    const Real pi = math::pi<Real>;
    const Real mu1 = static_cast<Real>(pde_.mu1), mu2 = static_cast<Real>(pde_.mu2);
    const auto x = c.coordinate(X), y = c.coordinate(Y);
    return static_cast<Real>(pde_.amplitude) * (x * x + y * y + (mu1 * mu1 + mu2 * mu2)) *
           (jet::sin(mu1 * pi * x) * jet::sin(mu2 * pi * y));
  }

private:
  static PinnacleLayout layout(const HoledSquare& shape)
  {
    PinnacleLayout l;
    l.name = shape.name;
    const double h = shape.half_side;
    std::vector<geometry::GeometryPtr> holes;
    for (const auto& disk : shape.disks)
      holes.push_back(
          std::make_shared<geometry::Ball>(std::vector<double>{disk.x, disk.y}, disk.radius));
    l.geometry = geometry::subtract_all(
        std::make_shared<geometry::Box>(std::vector<double>{-h, -h}, std::vector<double>{h, h}),
        holes);
    l.coordinate_names = {"x", "y"};
    l.pde_terms = {"residual"};
    l.pde_laplacians = {{X, Y}};
    const auto on_square = [h](const double* x) {
      return geometry::isclose(x[X], -h) || geometry::isclose(x[X], h) ||
             geometry::isclose(x[Y], -h) || geometry::isclose(x[Y], h);
    };
    l.conditions = {dirichlet("boundary_square",
                              [on_square](const double* x, bool on) { return on && on_square(x); }),
                    dirichlet("boundary_circles", [on_square](const double* x, bool on) {
                      return on && !on_square(x);
                    })};
    return l;
  }

  PoissonCoefficients pde_;
  double square_value_;
  double circle_value_;
};

const char* const classic_file = "ref/poisson1_cg_data.dat";
const char* const boltzmann_file = "ref/poisson_boltzmann2d.dat";

} // namespace

namespace tasks {
TaskEntry poisson2d_classic()
{
  using namespace suite;
  TaskEntry e;
  e.name = "poisson2d_classic";
  e.inputs = fixed_inputs(2);
  e.description = "PINNacle Poisson 2d-C: Δu = 0 on [-0.5, 0.5]² minus 4 disks, Dirichlet";
  e.keys = {real_key("square_value", "1", any_real(), "u on the outer square"),
            real_key("circle_value", "0", any_real(), "u on the circles")};
  for (auto& key : pinnacle_point_keys(8192, 2048))
    e.keys.push_back(std::move(key));
  e.terms = {"residual", "boundary_square", "boundary_circles"};
  e.data_files = [](const YAML::Node&) { return std::vector<std::string>{classic_file}; };
  e.data_download = reference::fetch_command("DIR");
  e.make = [](const TaskInputs& in) {
    HoledSquare shape{"poisson2d_classic",
                      0.5,
                      {{0.3, 0.3, 0.1}, {-0.3, 0.3, 0.1}, {0.3, -0.3, 0.1}, {-0.3, -0.3, 0.1}},
                      in.config["square_value"].as<double>(),
                      in.config["circle_value"].as<double>()};
    return std::make_unique<PinnaclePoissonHoles>(
        shape, PoissonCoefficients{}, pinnacle_sampling(in.config, in.seed),
        comsol_reference_solution(in.data_dir, classic_file, reference::steady_export(2, 1)));
  };
  return e;
}

TaskEntry poisson_boltzmann2d()
{
  using namespace suite;
  TaskEntry e;
  e.name = "poisson_boltzmann2d";
  e.inputs = fixed_inputs(2);
  e.description = "PINNacle Poisson 2d-CG: -Δu + k²u = f on [-1, 1]² minus 4 disks, Dirichlet";
  e.keys = {real_key("k", "8", any_real(), "screening coefficient k"),
            real_key("amplitude", "10", any_real(), "source amplitude A"),
            real_key("mu1", "1", any_real(), "source frequency in x"),
            real_key("mu2", "4", any_real(), "source frequency in y"),
            real_key("square_value", "0.2", any_real(), "u on the outer square"),
            real_key("circle_value", "1", any_real(), "u on the circles")};
  for (auto& key : pinnacle_point_keys(8192, 2048))
    e.keys.push_back(std::move(key));
  e.terms = {"residual", "boundary_square", "boundary_circles"};
  e.data_files = [](const YAML::Node&) { return std::vector<std::string>{boltzmann_file}; };
  e.data_download = reference::fetch_command("DIR");
  e.make = [](const TaskInputs& in) {
    HoledSquare shape{"poisson_boltzmann2d",
                      1.0,
                      {{0.5, 0.5, 0.2}, {0.4, -0.4, 0.4}, {-0.2, -0.7, 0.1}, {-0.6, 0.5, 0.3}},
                      in.config["square_value"].as<double>(),
                      in.config["circle_value"].as<double>()};
    PoissonCoefficients pde;
    pde.screened = true;
    pde.k = in.config["k"].as<double>();
    pde.amplitude = in.config["amplitude"].as<double>();
    pde.mu1 = in.config["mu1"].as<double>();
    pde.mu2 = in.config["mu2"].as<double>();
    return std::make_unique<PinnaclePoissonHoles>(
        shape, pde, pinnacle_sampling(in.config, in.seed),
        comsol_reference_solution(in.data_dir, boltzmann_file, reference::steady_export(2, 1)));
  };
  return e;
}
} // namespace tasks

} // namespace pinnbench::pde
