// PINNacle high-dimensional HNd (spec/pinnacle.md §3.16): (1/d) Δu + f - u_t = 0
// on the unit ball of R^d x [0, T], f = -(1/d) |x|² exp(|x|²/2 + t), with
// ∂u/∂n = exp(|x|²/2 + t) on the sphere and u(x, 0) = exp(|x|²/2); analytic
// reference u = exp(|x|²/2 + t). PINNacle's test set is GeometryXTime's
// uniform_points(20000): the ball has no grid, so its 800 spatial points (d = 5,
// T = 1) are random (here: Philox, test-point stream, the run's seed) at 25 times.
#include <cmath>
#include <numeric>
#include <pinnbench/geometry/Ball.hpp>
#include <pinnbench/geometry/Sampling.hpp>
#include <pinnbench/geometry/SpaceTime.hpp>
#include <pinnbench/pde/PinnacleTask.hpp>
#include <pinnbench/pde/TaskRegistry.hpp>
#include <pinnbench/suite/KeyBuilders.hpp>

namespace pinnbench::pde {

namespace {

class PinnacleHeatNd final : public PinnacleTask<PinnacleHeatNd>
{
public:
  PinnacleHeatNd(int dimension, double t_end, PinnacleSampling sampling)
      : PinnacleTask(layout(dimension, t_end), sampling,
                     exact_reference(dimension, t_end, sampling.seed)),
        axes_(static_cast<std::size_t>(dimension))
  {
    std::iota(axes_.begin(), axes_.end(), 0);
  }

  template <class Real>
  jet::Var<Real> residual_of(const Term& term, const TermContext<Real>& c) const
  {
    const auto u = c.u();
    const int d = static_cast<int>(axes_.size());
    const int t = d;
    const Real inverse_d = Real(1) / static_cast<Real>(d);
    if (term.name == "residual")
      return inverse_d * c.laplacian(u, axes_) - inverse_d * squared_norm(c) * exact(c) - c.d(u, t);
    if (term.name == "boundary")
      return c.normal_derivative(u, d) - exact(c);
    if (term.name == "initial")
      return u - exact(c);
    unknown_pinnacle_term(name(), term);
  }

  /// exp(|x|²/2 + t).
  static double solution(const double* x, int dimension)
  {
    double r2 = 0.0;
    for (int i = 0; i < dimension; ++i)
      r2 += x[i] * x[i];
    return std::exp(0.5 * r2 + x[dimension]);
  }

private:
  template <class Real>
  jet::Var<Real> squared_norm(const TermContext<Real>& c) const
  {
    auto sum = c.coordinate(0) * c.coordinate(0);
    for (std::size_t i = 1; i < axes_.size(); ++i) {
      const auto x = c.coordinate(static_cast<int>(i));
      sum = sum + x * x;
    }
    return sum;
  }

  template <class Real>
  jet::Var<Real> exact(const TermContext<Real>& c) const
  {
    return jet::exp(Real(0.5) * squared_norm(c) + c.coordinate(static_cast<int>(axes_.size())));
  }

  static std::shared_ptr<geometry::SpaceTime> ball_x_time(int dimension, double t_end)
  {
    return std::make_shared<geometry::SpaceTime>(geometry::unit_ball(dimension), 0.0, t_end);
  }

  static PinnacleLayout layout(int dimension, double t_end)
  {
    PinnacleLayout l;
    l.name = "heat_nd";
    l.geometry = ball_x_time(dimension, t_end);
    for (int i = 0; i < dimension; ++i)
      l.coordinate_names.push_back("x" + std::to_string(i + 1));
    l.coordinate_names.push_back("t");
    l.pde_terms = {"residual"};
    l.pde_laplacians = {std::vector<int>(static_cast<std::size_t>(dimension))};
    for (int i = 0; i < dimension; ++i)
      l.pde_laplacians.front()[static_cast<std::size_t>(i)] = i;
    l.pde_derivatives.push_back(jet::MultiIndex::unit(dimension));
    const auto on = [](const double*, bool on_boundary) { return on_boundary; };
    l.conditions = {neumann("boundary", on), initial_condition("initial", on)};
    return l;
  }

  /// uniform_points(20000, boundary=False) of ball x time: random spatial points.
  static ReferenceSolution exact_reference(int dimension, double t_end, std::uint64_t seed)
  {
    ReferenceSolution r;
    geometry::UnitSampler sampler(geometry::Distribution::uniform, seed,
                                  random::Stream::test_points);
    r.points = geometry::uniform_grid(*ball_x_time(dimension, t_end), 20000, false, sampler);
    for (std::int64_t n = 0; n < r.points.size(); ++n)
      r.values.push_back(solution(r.points.coordinates.data() + n * (dimension + 1), dimension));
    return r;
  }

  std::vector<int> axes_;
};

} // namespace

namespace tasks {
TaskEntry heat_nd()
{
  using namespace suite;
  TaskEntry e;
  e.name = "heat_nd";
  e.inputs = [](const YAML::Node& c) { return c["dimension"].as<int>() + 1; };
  e.description = "PINNacle HNd: u_t = (1/d) Δu + f on the unit ball of R^d x [0, T], "
                  "Neumann, analytic (random test points)";
  e.keys = {int_key("dimension", "5", 2, "space dimension d", 6),
            real_key("t_end", "1", above(0), "final time T")};
  for (auto& key : pinnacle_time_point_keys(32768, 8192, 8192))
    e.keys.push_back(std::move(key));
  e.terms = {"residual", "boundary", "initial"};
  e.make = [](const TaskInputs& in) {
    return std::make_unique<PinnacleHeatNd>(in.config["dimension"].as<int>(),
                                            in.config["t_end"].as<double>(),
                                            pinnacle_sampling(in.config, in.seed));
  };
  return e;
}
} // namespace tasks

} // namespace pinnbench::pde
