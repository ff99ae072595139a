// PINNacle Heat 2d-MS (spec/pinnacle.md §3.8): u_t - ε₁ u_xx - ε₂ u_yy = 0 on
// [0, 1]² x [0, 5], u = 0 on the edges, u(x, y, 0) = sin(a x) sin(b y) with
// a = m_x π, b = m_y π; analytic reference
// u = sin(a x) sin(b y) exp(-(ε₁ a² + ε₂ b²) t) on PINNacle's 8 x 8 x 313 grid.
#include <cmath>
#include <pinnbench/core/Math.hpp>
#include <pinnbench/geometry/Box.hpp>
#include <pinnbench/geometry/Sampling.hpp>
#include <pinnbench/geometry/SpaceTime.hpp>
#include <pinnbench/pde/PinnacleTask.hpp>
#include <pinnbench/pde/TaskRegistry.hpp>
#include <pinnbench/suite/KeyBuilders.hpp>

namespace pinnbench::pde {

namespace {

constexpr int X = 0;
constexpr int Y = 1;
constexpr int T = 2;

struct Multiscale
{
  double epsilon_x; ///< ε₁
  double epsilon_y; ///< ε₂
  double a;         ///< m_x π
  double b;         ///< m_y π

  double solution(double x, double y, double t) const
  {
    return std::sin(a * x) * std::sin(b * y) *
           std::exp(-(epsilon_x * a * a + epsilon_y * b * b) * t);
  }
};

class PinnacleHeatMultiscale final : public PinnacleTask<PinnacleHeatMultiscale>
{
public:
  PinnacleHeatMultiscale(Multiscale coefficients, PinnacleSampling sampling)
      : PinnacleTask(layout(), sampling, exact_reference(coefficients)), k_(coefficients)
  {}

  template <class Real>
  jet::Var<Real> residual_of(const Term& term, const TermContext<Real>& c) const
  {
    const auto u = c.u();
    const Real e1 = static_cast<Real>(k_.epsilon_x), e2 = static_cast<Real>(k_.epsilon_y);
    const Real a = static_cast<Real>(k_.a), b = static_cast<Real>(k_.b);
    if (term.name == "residual")
      return c.d(u, T) - e1 * c.d(c.d(u, X), X) - e2 * c.d(c.d(u, Y), Y);
    if (term.name == "initial")
      return u - jet::sin(a * c.coordinate(X)) * jet::sin(b * c.coordinate(Y));
    if (term.name == "boundary")
      return u;
    unknown_pinnacle_term(name(), term);
  }

private:
  static std::shared_ptr<geometry::SpaceTime> space_time_box()
  {
    return std::make_shared<geometry::SpaceTime>(
        std::make_shared<geometry::Box>(std::vector<double>{0, 0}, std::vector<double>{1, 1}), 0.0,
        5.0);
  }

  static PinnacleLayout layout()
  {
    PinnacleLayout l;
    l.name = "heat2d_multiscale";
    l.geometry = space_time_box();
    l.coordinate_names = {"x", "y", "t"};
    l.pde_terms = {"residual"};
    l.pde_derivatives = {jet::MultiIndex::unit(X, 2), jet::MultiIndex::unit(Y, 2),
                         jet::MultiIndex::unit(T)};
    const auto always = [](const double*, bool on) { return on; };
    l.conditions = {initial_condition("initial", always), dirichlet("boundary", always)};
    return l;
  }

  /// PINNacle: uniform_points(20000, boundary=False) of the space x time domain.
  static ReferenceSolution exact_reference(const Multiscale& k)
  {
    ReferenceSolution r;
    geometry::UnitSampler unused(geometry::Distribution::uniform, 0);
    r.points = geometry::uniform_grid(*space_time_box(), 20000, false, unused);
    for (std::int64_t n = 0; n < r.points.size(); ++n)
      r.values.push_back(k.solution(r.points(n, X), r.points(n, Y), r.points(n, T)));
    return r;
  }

  Multiscale k_;
};

} // namespace

namespace tasks {
TaskEntry heat2d_multiscale()
{
  using namespace suite;
  TaskEntry e;
  e.name = "heat2d_multiscale";
  e.inputs = fixed_inputs(3);
  e.description = "PINNacle Heat 2d-MS: u_t = ε₁ u_xx + ε₂ u_yy on [0, 1]² x [0, 5], analytic";
  e.keys = {
      real_key("epsilon_x", "4.0528473456935115e-07", above(0), "ε₁, 1/(500π)²"),
      real_key("epsilon_y", "0.10132118364233778", above(0), "ε₂, 1/π²"),
      real_key("mode_x", "20", any_real(), "m_x of the initial state sin(m_x π x) sin(m_y π y)"),
      real_key("mode_y", "1", any_real(), "m_y of the initial state")};
  for (auto& key : pinnacle_time_point_keys(32768, 8192, 8192))
    e.keys.push_back(std::move(key));
  e.terms = {"residual", "initial", "boundary"};
  e.make = [](const TaskInputs& in) {
    const double pi = math::pi<double>;
    const Multiscale k{in.config["epsilon_x"].as<double>(), in.config["epsilon_y"].as<double>(),
                       in.config["mode_x"].as<double>() * pi,
                       in.config["mode_y"].as<double>() * pi};
    return std::make_unique<PinnacleHeatMultiscale>(k, pinnacle_sampling(in.config, in.seed));
  };
  return e;
}
} // namespace tasks

} // namespace pinnbench::pde
