// PINNacle Chaotic GS (spec/pinnacle.md §3.14): the Gray-Scott system
//   u_t = ε₁ Δu + b (1 - u) - u v²,   v_t = ε₂ Δv - d v + u v²
// on [-1, 1]² x [0, 200] with outputs (u, v), the initial states
// u₀ = 1 - exp(-k ((x + 0.05)² + (y + 0.02)²)), v₀ = exp(-k ((x - 0.05)² + (y - 0.02)²)),
// k = 80, and no boundary condition: boundary points only add PDE points.
// Reference: ref/grayscott.dat, a flat table of rows (x, y, t, u, v) (no time
// transposition).
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
constexpr int Y = 1;
constexpr int T = 2;
constexpr int U = 0;
constexpr int V = 1;

const char* const reference_file = "ref/grayscott.dat";

struct Reaction
{
  double epsilon_u; ///< ε₁
  double epsilon_v; ///< ε₂
  double feed;      ///< b
  double kill;      ///< d
  double sharpness; ///< k of the initial states
};

class PinnacleGrayScott final : public PinnacleTask<PinnacleGrayScott>
{
public:
  PinnacleGrayScott(Reaction k, PinnacleSampling sampling, ReferenceSolution reference)
      : PinnacleTask(layout(), sampling, std::move(reference)), k_(k)
  {}

  template <class Real>
  jet::Var<Real> residual_of(const Term& term, const TermContext<Real>& c) const
  {
    const auto u = c.output(U), v = c.output(V);
    const Real e1 = static_cast<Real>(k_.epsilon_u), e2 = static_cast<Real>(k_.epsilon_v);
    const Real b = static_cast<Real>(k_.feed), d = static_cast<Real>(k_.kill);
    if (term.name == "residual_u")
      return c.d(u, T) - (e1 * c.laplacian(u, {X, Y}) + b * (Real(1) - u) - u * v * v);
    if (term.name == "residual_v")
      return c.d(v, T) - (e2 * c.laplacian(v, {X, Y}) - d * v + u * v * v);
    if (term.name == "initial_u")
      return u - (Real(1) - spot(c, -0.05, -0.02));
    if (term.name == "initial_v")
      return v - spot(c, 0.05, 0.02);
    unknown_pinnacle_term(name(), term);
  }

private:
  /// exp(-k ((x - cx)² + (y - cy)²)).
  template <class Real>
  jet::Var<Real> spot(const TermContext<Real>& c, double cx, double cy) const
  {
    const auto dx = c.coordinate(X) - static_cast<Real>(cx);
    const auto dy = c.coordinate(Y) - static_cast<Real>(cy);
    return jet::exp(static_cast<Real>(-k_.sharpness) * (dx * dx + dy * dy));
  }

  static PinnacleLayout layout()
  {
    using geometry::isclose;
    PinnacleLayout l;
    l.name = "gray_scott";
    l.geometry = std::make_shared<geometry::SpaceTime>(
        std::make_shared<geometry::Box>(std::vector<double>{-1, -1}, std::vector<double>{1, 1}),
        0.0, 200.0);
    l.coordinate_names = {"x", "y", "t"};
    l.outputs = 2;
    l.pde_terms = {"residual_u", "residual_v"};
    l.pde_derivatives = {jet::MultiIndex::unit(T)};
    l.pde_laplacians = {{X, Y}};
    const auto at_t0 = [](const double* x, bool on) { return on && isclose(x[T], 0.0); };
    l.conditions = {initial_condition("initial_u", at_t0), initial_condition("initial_v", at_t0)};
    return l;
  }

  Reaction k_;
};

/// The flat table: (x, y, t) as coordinates, then (u, v); NaN rows dropped.
} // namespace

namespace tasks {
TaskEntry gray_scott()
{
  using namespace suite;
  TaskEntry e;
  e.name = "gray_scott";
  e.inputs = fixed_inputs(3);
  e.description = "PINNacle Chaotic GS: Gray-Scott (u, v) on [-1, 1]² x [0, 200], "
                  "initial states only";
  e.keys = {real_key("epsilon_u", "1e-05", above(0), "ε₁, diffusivity of u"),
            real_key("epsilon_v", "5e-06", above(0), "ε₂, diffusivity of v"),
            real_key("b", "0.04", any_real(), "feed rate b"),
            real_key("d", "0.1", any_real(), "kill rate d"),
            real_key("sharpness", "80", above(0), "k of the initial spots exp(-k r²)")};
  for (auto& key : pinnacle_time_point_keys(32768, 8192, 8192))
    e.keys.push_back(std::move(key));
  e.terms = {"residual_u", "residual_v", "initial_u", "initial_v"};
  e.data_files = [](const YAML::Node&) { return std::vector<std::string>{reference_file}; };
  e.data_download = reference::fetch_command("DIR");
  e.make = [](const TaskInputs& in) {
    const Reaction k{in.config["epsilon_u"].as<double>(), in.config["epsilon_v"].as<double>(),
                     in.config["b"].as<double>(), in.config["d"].as<double>(),
                     in.config["sharpness"].as<double>()};
    return std::make_unique<PinnacleGrayScott>(
        k, pinnacle_sampling(in.config, in.seed),
        comsol_reference_solution(in.data_dir, reference_file, reference::steady_export(3, 2)));
  };
  return e;
}
} // namespace tasks

} // namespace pinnbench::pde
