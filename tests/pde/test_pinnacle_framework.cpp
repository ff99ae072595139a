// The PINNacle task framework on a toy problem that uses every condition kind:
// the rectangle [0, 1] x [0, 2] minus a disk, a Robin condition on the hole,
// a periodic pair in x, an operator condition on the top edge and a point-set
// pin. Checked against the shapes' equations, finite differences along the
// independently computed normal, and functions that satisfy or violate each
// condition.
#include <cmath>
#include <gtest/gtest.h>
#include <pinnbench/geometry/Ball.hpp>
#include <pinnbench/geometry/Box.hpp>
#include <pinnbench/geometry/Difference.hpp>
#include <pinnbench/pde/DevicePoints.hpp>
#include <pinnbench/pde/PinnacleTask.hpp>

using namespace pinnbench;

namespace {

constexpr double cx = 0.5, cy = 1.0, radius = 0.25;

class ToyTask final : public pde::PinnacleTask<ToyTask>
{
public:
  explicit ToyTask(pde::PinnacleSampling sampling)
      : PinnacleTask(layout(), sampling, {pde::PointCloud{2, {0.5, 0.5}}, {0.0}})
  {}

  template <class Real>
  jet::Var<Real> residual_of(const pde::Term& term, const pde::TermContext<Real>& c) const
  {
    if (term.name == "residual")
      return c.laplacian(c.u(), {0, 1});
    if (term.name == "robin_hole")
      return c.normal_derivative(c.u(), 2) + c.u();
    if (term.name == "periodic_x")
      return c.u(0) - c.u(1);
    if (term.name == "operator_top")
      return c.d(c.u(), 0) + c.d(c.u(), 1);
    if (term.name == "pin")
      return c.u() - Real(1);
    pde::unknown_pinnacle_term(name(), term);
  }

private:
  static pde::PinnacleLayout layout()
  {
    pde::PinnacleLayout l;
    l.name = "toy";
    l.geometry = std::make_shared<geometry::Difference>(
        std::make_shared<geometry::Box>(std::vector<double>{0, 0}, std::vector<double>{1, 2}),
        std::make_shared<geometry::Ball>(std::vector<double>{cx, cy}, radius));
    l.coordinate_names = {"x", "y"};
    l.pde_terms = {"residual"};
    l.pde_derivatives = {jet::MultiIndex::unit(0, 2), jet::MultiIndex::unit(1, 2)};
    const auto on_box = [](const double* x) {
      return geometry::isclose(x[0], 0.0) || geometry::isclose(x[0], 1.0) ||
             geometry::isclose(x[1], 0.0) || geometry::isclose(x[1], 2.0);
    };
    l.conditions = {
        pde::robin("robin_hole", [on_box](const double* x, bool on) { return on && !on_box(x); }),
        pde::periodic("periodic_x", 0,
                      [](const double* x, bool on) { return on && geometry::isclose(x[0], 0.0); }),
        pde::operator_bc(
            "operator_top",
            [](const double* x, bool on) { return on && geometry::isclose(x[1], 2.0); },
            {jet::MultiIndex::unit(0), jet::MultiIndex::unit(1)}),
        pde::point_set("pin", pde::PointCloud{2, {0.5, 0.2}}),
    };
    return l;
  }
};

pde::PinnacleSampling sampling()
{
  pde::PinnacleSampling s;
  s.domain = 300;
  s.boundary = 400;
  s.distribution = geometry::Distribution::uniform;
  s.seed = 7;
  return s;
}

/// u = formula(x, y) on the coordinate jet, as a one-output parameter-free model.
using Formula = std::function<jet::Var<double>(const jet::Var<double>&, const jet::Var<double>&)>;

/// The residual of `term` at each of its points (all evaluations) with u = formula.
std::vector<double> residuals(const ToyTask& task, const pde::Term& term, const Formula& u)
{
  jet::Tape<double> tape;
  Vector<double> none("none", 0);
  tape.bind_parameters(none, none);
  std::vector<jet::Var<double>> outputs, coordinates;
  std::vector<Matrix<double>> keep;
  for (std::size_t k = 0; k < term.evaluations.size(); ++k) {
    keep.push_back(pde::to_device<double>(term.evaluations[k], "points"));
    const auto set = jet::DerivativeSet::closure_of(2, term.derivatives[k]);
    const jet::Var<double> z(tape, tape.coordinates(keep.back(), set));
    coordinates.push_back(z);
    outputs.push_back(u(jet::feature(z, 0), jet::feature(z, 1)));
  }
  jet::Var<double> data;
  if (term.point_data.size() > 0) {
    keep.push_back(pde::to_device<double>(term.point_data, "data"));
    data = jet::Var<double>(
        tape, tape.constants(keep.back(), jet::DerivativeSet::closure_of(2, term.derivatives[0])));
  }
  const pde::TermContext<double> c(2, outputs, coordinates, 0, data);
  const auto r = task.residual(term, c).value().values;
  auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), r);
  std::vector<double> values;
  for (std::size_t n = 0; n < host.extent(1); ++n)
    values.push_back(host(0, n, 0));
  return values;
}

const pde::Term& named(const std::vector<pde::Term>& terms, const std::string& name)
{
  for (const auto& t : terms)
    if (t.name == name)
      return t;
  throw std::runtime_error("no term " + name);
}

} // namespace

TEST(PinnacleFramework, TermsInLossOrderOnDeepXdePointSets)
{
  const ToyTask task(sampling());
  const auto terms = task.training_terms();
  std::vector<std::string> names;
  for (const auto& t : terms)
    names.push_back(t.name);
  EXPECT_EQ(names, (std::vector<std::string>{"residual", "robin_hole", "periodic_x", "operator_top",
                                             "pin"}));
  // The PDE term sees [anchor; boundary; domain].
  const auto& all = named(terms, "residual").evaluations.front();
  ASSERT_EQ(all.size(), 1 + 400 + 300);
  EXPECT_EQ(all(0, 0), 0.5);
  EXPECT_EQ(all(0, 1), 0.2);
  EXPECT_EQ(named(terms, "pin").size(), 1);
  // Every condition keeps exactly the training points its filter accepts.
  std::int64_t on_hole = 0, on_left = 0, on_top = 0;
  for (std::int64_t n = 0; n < all.size(); ++n) {
    const double x = all(n, 0), y = all(n, 1);
    on_hole += std::fabs(std::hypot(x - cx, y - cy) - radius) < 1e-12;
    on_left += x == 0.0;
    on_top += y == 2.0;
  }
  EXPECT_GT(on_hole, 20);
  EXPECT_EQ(named(terms, "robin_hole").size(), on_hole);
  EXPECT_EQ(named(terms, "periodic_x").size(), on_left);
  EXPECT_EQ(named(terms, "operator_top").size(), on_top);
}

TEST(PinnacleFramework, PeriodicPairsMirrorAcrossTheBox)
{
  const ToyTask task(sampling());
  const auto terms = task.training_terms();
  const auto& periodic = named(terms, "periodic_x");
  ASSERT_EQ(periodic.evaluations.size(), 2u);
  const auto& a = periodic.evaluations[0];
  const auto& b = periodic.evaluations[1];
  for (std::int64_t n = 0; n < a.size(); ++n) {
    EXPECT_EQ(a(n, 0), 0.0);
    EXPECT_EQ(b(n, 0), 1.0);
    EXPECT_EQ(a(n, 1), b(n, 1));
  }
  const auto periodic_in_x = residuals(
      task, periodic, [](const auto& x, const auto& y) { return jet::cos((2 * M_PI) * x) + y; });
  for (double r : periodic_in_x)
    EXPECT_NEAR(r, 0.0, 1e-14);
  for (double r : residuals(task, periodic, [](const auto&x, const auto&) { return 1.0 * x; }))
    EXPECT_NEAR(r, -1.0, 1e-14);
}

TEST(PinnacleFramework, RobinOnAHoleUsesTheNormalIntoTheHole)
{
  const ToyTask task(sampling());
  const auto terms = task.training_terms();
  const auto& robin = named(terms, "robin_hole");
  const auto f = [](double x, double y) { return std::sin(1.7 * x) * std::exp(0.6 * y) + x * y; };
  const auto r = residuals(task, robin, [](const auto& x, const auto& y) {
    return jet::sin(1.7 * x) * jet::exp(0.6 * y) + x * y;
  });
  const auto& points = robin.evaluations.front();
  const double h = 1e-5;
  for (std::int64_t n = 0; n < points.size(); ++n) {
    const double x = points(n, 0), y = points(n, 1);
    // Outward from the computational domain = towards the disk's centre.
    const double nx = (cx - x) / radius, ny = (cy - y) / radius;
    const double dn = (f(x + h * nx, y + h * ny) - f(x - h * nx, y - h * ny)) / (2 * h);
    EXPECT_NEAR(r[static_cast<std::size_t>(n)], dn + f(x, y), 1e-8);
  }
}

TEST(PinnacleFramework, OperatorAndPointSetConditions)
{
  const ToyTask task(sampling());
  const auto terms = task.training_terms();
  const auto& top = named(terms, "operator_top");
  const auto r =
      residuals(task, top, [](const auto& x, const auto& y) { return jet::sin(x) * jet::exp(y); });
  const auto& points = top.evaluations.front();
  for (std::int64_t n = 0; n < points.size(); ++n) {
    const double x = points(n, 0), y = points(n, 1);
    EXPECT_NEAR(r[static_cast<std::size_t>(n)], (std::cos(x) + std::sin(x)) * std::exp(y), 1e-13);
  }
  const auto pin =
      residuals(task, named(terms, "pin"), [](const auto& x, const auto& y) { return x + y; });
  ASSERT_EQ(pin.size(), 1u);
  EXPECT_NEAR(pin[0], 0.5 + 0.2 - 1.0, 1e-15);
}

TEST(PinnacleFramework, ConditionWithoutPointsIsAConfigError)
{
  pde::PinnacleSampling few = sampling();
  few.boundary = 0;
  few.domain = 10;
  EXPECT_THROW(ToyTask task(few), ConfigError);
}

TEST(PinnacleFramework, InteriorGridIsNumpysUniformPoints)
{
  // Hypercube([0, 0], [2, 1]).uniform_points(200, boundary=False): dx = 0.1,
  // 20 x 10 points, linspace(lo, hi, n + 1, endpoint=False)[1:].
  const auto grid = pde::interior_grid({{0.0, 2.0}, {0.0, 1.0}}, 200);
  ASSERT_EQ(grid.size(), 200);
  EXPECT_NEAR(grid(0, 0), 2.0 / 21, 1e-15);
  EXPECT_NEAR(grid(0, 1), 1.0 / 11, 1e-15);
  EXPECT_NEAR(grid(9, 1), 10.0 / 11, 1e-15);
  EXPECT_NEAR(grid(10, 0), 4.0 / 21, 1e-15);
}
