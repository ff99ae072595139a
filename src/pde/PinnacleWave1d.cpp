// PINNacle Wave 1d-C (spec/pinnacle.md §3.12): u_tt - C^2 u_xx = 0 on the box
// [0, 1] x [0, 1] of (x, t), a steady problem whose "initial" conditions are
// boundary conditions on the t = 0 edge; the t = 1 edge has none.
#include <cmath>
#include <pinnbench/core/Math.hpp>
#include <pinnbench/geometry/Box.hpp>
#include <pinnbench/pde/PinnacleTask.hpp>
#include <pinnbench/pde/TaskRegistry.hpp>
#include <pinnbench/suite/KeyBuilders.hpp>

namespace pinnbench::pde {

namespace {

constexpr int X = 0;
constexpr int T = 1;

class PinnacleWave1d final : public PinnacleTask<PinnacleWave1d>
{
public:
  PinnacleWave1d(double speed, double mode, PinnacleSampling sampling)
      : PinnacleTask(layout(speed), sampling, exact_reference(speed, mode)), speed_(speed),
        mode_(mode)
  {}

  /// u = sin(pi x) cos(C pi t) + 1/2 sin(a pi x) cos(a C pi t).
  static double solution(double speed, double mode, double x, double t)
  {
    const double pi = math::pi<double>;
    return std::sin(pi * x) * std::cos(speed * pi * t) +
           0.5 * std::sin(mode * pi * x) * std::cos(mode * speed * pi * t);
  }

  template <class Real>
  jet::Var<Real> residual_of(const Term& term, const TermContext<Real>& c) const
  {
    const auto u = c.u();
    if (term.name == "residual")
      return c.along(u, right_moving(speed_), left_moving(speed_)); // u_tt - C^2 u_xx
    if (term.name == "initial_velocity")
      return c.normal_derivative(u, 2);
    if (term.name == "initial" || term.name == "boundary")
      return u - exact(c);
    unknown_pinnacle_term(name(), term);
  }

private:
  template <class Real>
  jet::Var<Real> exact(const TermContext<Real>& c) const
  {
    const Real pi = math::pi<Real>;
    const auto x = c.coordinate(X), t = c.coordinate(T);
    return jet::sin(pi * x) * jet::cos(static_cast<Real>(speed_) * pi * t) +
           Real(0.5) * jet::sin(static_cast<Real>(mode_) * pi * x) *
               jet::cos(static_cast<Real>(mode_ * speed_) * pi * t);
  }

  /// (C, 1) and (-C, 1): u_tt - C^2 u_xx = d/d(C, 1) d/d(-C, 1) u.
  static std::vector<double> right_moving(double speed) { return {speed, 1.0}; }
  static std::vector<double> left_moving(double speed) { return {-speed, 1.0}; }

  static PinnacleLayout layout(double speed)
  {
    PinnacleLayout l;
    l.name = "wave1d";
    l.geometry =
        std::make_shared<geometry::Box>(std::vector<double>{0, 0}, std::vector<double>{1, 1});
    l.coordinate_names = {"x", "t"};
    l.pde_terms = {"residual"};
    l.pde_derivatives = {jet::MultiIndex::unit(X, 2), jet::MultiIndex::unit(T, 2)};
    l.pde_along = {{right_moving(speed), left_moving(speed)}, {jet::MultiIndex::from({1, 1})}};
    const auto on_t0 = [](const double* x, bool on) { return on && geometry::isclose(x[T], 0.0); };
    l.conditions = {
        neumann("initial_velocity", on_t0),
        dirichlet("initial", on_t0),
        dirichlet("boundary",
                  [](const double* x, bool on) {
                    return on && (geometry::isclose(x[X], 0.0) || geometry::isclose(x[X], 1.0));
                  }),
    };
    return l;
  }

  /// PINNacle's analytic test set: uniform_points(2500, boundary=False), 50 x 50.
  static ReferenceSolution exact_reference(double speed, double mode)
  {
    ReferenceSolution r;
    r.points = interior_grid({{0.0, 1.0}, {0.0, 1.0}}, 2500);
    for (std::int64_t n = 0; n < r.points.size(); ++n)
      r.values.push_back(solution(speed, mode, r.points(n, X), r.points(n, T)));
    return r;
  }

  double speed_;
  double mode_;
};

} // namespace

namespace tasks {
TaskEntry wave1d()
{
  using namespace suite;
  TaskEntry e;
  e.name = "wave1d";
  e.inputs = fixed_inputs(2);
  e.description = "PINNacle Wave 1d-C: u_tt - C^2 u_xx = 0 on the (x, t) box [0, 1]^2";
  e.keys = {real_key("c", "2", above(0), "wave speed C"),
            real_key("a", "4", any_real(), "frequency of the second mode")};
  for (auto& key : pinnacle_point_keys(8192, 2048))
    e.keys.push_back(std::move(key));
  e.terms = {"residual", "initial_velocity", "initial", "boundary"};
  e.make = [](const TaskInputs& in) {
    return std::make_unique<PinnacleWave1d>(in.config["c"].as<double>(),
                                            in.config["a"].as<double>(),
                                            pinnacle_sampling(in.config, in.seed));
  };
  return e;
}
} // namespace tasks

} // namespace pinnbench::pde
