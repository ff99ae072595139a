// PINNacle Poisson 3d-CG (spec/pinnacle.md §3.5): -μ Δu + K u = f on [0, 1]³
// minus four balls, with μ = μ₁, K = k₁² below z = 0.5 and μ = μ₂, K = k₂²
// from z = 0.5 up (piecewise constants, carried as per-point data), and
// f = 20 exp(sin πx + sin 10πy + sin 5πz) (r² - 1)/(r² + 1) + 100 sin πx sin 10πy sin 5πz,
// r² = x² + y² + z²; ∂u/∂n = 0 on the cube's faces and the spheres.
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
constexpr int Z = 2;
/// Per-point data columns.
constexpr int K = 0;
constexpr int MU = 1;

struct Layers
{
  double k1 = 8, k2 = 10, mu1 = 1, mu2 = 1;
};

class PinnaclePoisson3d final : public PinnacleTask<PinnaclePoisson3d>
{
public:
  PinnaclePoisson3d(Layers layers, PinnacleSampling sampling, ReferenceSolution reference)
      : PinnacleTask(layout(layers), sampling, std::move(reference))
  {}

  template <class Real>
  jet::Var<Real> residual_of(const Term& term, const TermContext<Real>& c) const
  {
    const auto u = c.u();
    if (term.name == "residual")
      return c.data(K) * u - c.data(MU) * c.laplacian(u, {X, Y, Z}) - source(c);
    if (term.name == "boundary")
      return c.normal_derivative(u, 3);
    unknown_pinnacle_term(name(), term);
  }

private:
  template <class Real>
  static jet::Var<Real> source(const TermContext<Real>& c)
  {
    const Real pi = math::pi<Real>;
    const auto x = c.coordinate(X), y = c.coordinate(Y), z = c.coordinate(Z);
    const auto sx = jet::sin(pi * x), sy = jet::sin(Real(10) * pi * y),
               sz = jet::sin(Real(5) * pi * z);
    const auto r2 = x * x + y * y + z * z;
    return Real(20) * jet::exp(sx + sy + sz) *
               ((r2 - Real(1)) * jet::apply(jet::UnaryKind::reciprocal, r2 + Real(1))) +
           Real(100) * (sx * sy * sz);
  }

  static PinnacleLayout layout(Layers layers)
  {
    PinnacleLayout l;
    l.name = "poisson3d_complex_geometry";
    std::vector<geometry::GeometryPtr> balls;
    for (const auto& [x, y, z, r] : std::vector<std::array<double, 4>>{{0.4, 0.3, 0.6, 0.2},
                                                                       {0.6, 0.7, 0.6, 0.2},
                                                                       {0.2, 0.8, 0.7, 0.1},
                                                                       {0.6, 0.2, 0.3, 0.1}})
      balls.push_back(std::make_shared<geometry::Ball>(std::vector<double>{x, y, z}, r));
    l.geometry = geometry::subtract_all(
        std::make_shared<geometry::Box>(std::vector<double>{0, 0, 0}, std::vector<double>{1, 1, 1}),
        balls);
    l.coordinate_names = {"x", "y", "z"};
    l.pde_terms = {"residual"};
    l.pde_laplacians = {{X, Y, Z}};
    l.conditions = {neumann("boundary", [](const double*, bool on) { return on; })};
    l.pde_data = [layers](const double* x) {
      return x[Z] < 0.5 ? std::vector<double>{layers.k1 * layers.k1, layers.mu1}
                        : std::vector<double>{layers.k2 * layers.k2, layers.mu2};
    };
    return l;
  }
};

const char* const reference_file = "ref/poisson_3d.dat";

} // namespace

namespace tasks {
TaskEntry poisson3d_complex_geometry()
{
  using namespace suite;
  TaskEntry e;
  e.name = "poisson3d_complex_geometry";
  e.inputs = fixed_inputs(3);
  e.description = "PINNacle Poisson 3d-CG: -μΔu + K u = f on [0, 1]³ minus 4 balls, Neumann";
  e.keys = {real_key("k1", "8", any_real(), "K = k1² below z = 0.5"),
            real_key("k2", "10", any_real(), "K = k2² from z = 0.5 up"),
            real_key("mu1", "1", any_real(), "μ below z = 0.5"),
            real_key("mu2", "1", any_real(), "μ from z = 0.5 up")};
  for (auto& key : pinnacle_point_keys(32768, 8192))
    e.keys.push_back(std::move(key));
  e.terms = {"residual", "boundary"};
  e.data_files = [](const YAML::Node&) { return std::vector<std::string>{reference_file}; };
  e.data_download = reference::fetch_command("DIR");
  e.make = [](const TaskInputs& in) {
    Layers layers;
    layers.k1 = in.config["k1"].as<double>();
    layers.k2 = in.config["k2"].as<double>();
    layers.mu1 = in.config["mu1"].as<double>();
    layers.mu2 = in.config["mu2"].as<double>();
    return std::make_unique<PinnaclePoisson3d>(
        layers, pinnacle_sampling(in.config, in.seed),
        comsol_reference_solution(in.data_dir, reference_file, reference::steady_export(3)));
  };
  return e;
}
} // namespace tasks

} // namespace pinnbench::pde
