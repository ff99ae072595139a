// PINNacle high-dimensional PNd (spec/pinnacle.md §3.15): -Δu = (π²/4) Σ sin(π x_i / 2)
// on [0, 1]^d, u = Σ sin(π x_i / 2) on the whole boundary; analytic reference
// on PINNacle's interior grid (8^5 points for d = 5).
#include <cmath>
#include <numeric>
#include <pinnbench/core/Math.hpp>
#include <pinnbench/geometry/Box.hpp>
#include <pinnbench/pde/PinnacleTask.hpp>
#include <pinnbench/pde/TaskRegistry.hpp>
#include <pinnbench/suite/KeyBuilders.hpp>

namespace pinnbench::pde {

namespace {

class PinnaclePoissonNd final : public PinnacleTask<PinnaclePoissonNd>
{
public:
  PinnaclePoissonNd(int dimension, PinnacleSampling sampling)
      : PinnacleTask(layout(dimension), sampling, exact_reference(dimension)), axes_(dimension)
  {
    std::iota(axes_.begin(), axes_.end(), 0);
  }

  static double solution(const double* x, int dimension)
  {
    double u = 0.0;
    for (int i = 0; i < dimension; ++i)
      u += std::sin(math::pi<double> / 2 * x[i]);
    return u;
  }

  template <class Real>
  jet::Var<Real> residual_of(const Term& term, const TermContext<Real>& c) const
  {
    const Real pi = math::pi<Real>;
    if (term.name == "residual")
      return c.laplacian(c.u(), axes_) + (pi * pi / Real(4)) * exact(c);
    if (term.name == "boundary")
      return c.u() - exact(c);
    unknown_pinnacle_term(name(), term);
  }

private:
  /// Σ sin(π x_i / 2) on the coordinate jets.
  template <class Real>
  jet::Var<Real> exact(const TermContext<Real>& c) const
  {
    const Real half_pi = math::pi<Real> / Real(2);
    auto sum = jet::sin(half_pi * c.coordinate(0));
    for (std::size_t i = 1; i < axes_.size(); ++i)
      sum = sum + jet::sin(half_pi * c.coordinate(static_cast<int>(i)));
    return sum;
  }

  static PinnacleLayout layout(int dimension)
  {
    PinnacleLayout l;
    l.name = "poisson_nd";
    l.geometry = std::make_shared<geometry::Box>(std::vector<double>(dimension, 0.0),
                                                 std::vector<double>(dimension, 1.0));
    for (int i = 0; i < dimension; ++i)
      l.coordinate_names.push_back("x" + std::to_string(i + 1));
    l.pde_terms = {"residual"};
    l.pde_laplacians = {std::vector<int>(static_cast<std::size_t>(dimension))};
    for (int i = 0; i < dimension; ++i)
      l.pde_laplacians.front()[static_cast<std::size_t>(i)] = i;
    l.conditions = {dirichlet("boundary", [](const double*, bool on) { return on; })};
    return l;
  }

  /// PINNacle: uniform_points(2500 if d = 2 else 20000, boundary=False).
  static ReferenceSolution exact_reference(int dimension)
  {
    ReferenceSolution r;
    const std::vector<std::pair<double, double>> box(static_cast<std::size_t>(dimension),
                                                     {0.0, 1.0});
    r.points = interior_grid(box, dimension == 2 ? 2500 : 20000);
    for (std::int64_t n = 0; n < r.points.size(); ++n)
      r.values.push_back(solution(r.points.coordinates.data() + n * dimension, dimension));
    return r;
  }

  std::vector<int> axes_;
};

} // namespace

namespace tasks {
TaskEntry poisson_nd()
{
  using namespace suite;
  TaskEntry e;
  e.name = "poisson_nd";
  e.inputs = [](const YAML::Node& c) { return c["dimension"].as<int>(); };
  e.description = "PINNacle PNd: -Δu = (π²/4) Σ sin(π x_i / 2) on [0, 1]^d, Dirichlet";
  e.keys = {int_key("dimension", "5", 2, "space dimension d", 6)};
  for (auto& key : pinnacle_point_keys(32768, 8192))
    e.keys.push_back(std::move(key));
  e.terms = {"residual", "boundary"};
  e.make = [](const TaskInputs& in) {
    return std::make_unique<PinnaclePoissonNd>(in.config["dimension"].as<int>(),
                                               pinnacle_sampling(in.config, in.seed));
  };
  return e;
}
} // namespace tasks

} // namespace pinnbench::pde
