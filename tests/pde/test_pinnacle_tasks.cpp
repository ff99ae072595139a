// The steady PINNacle tasks against independent truths, in FP64 at random
// (uniform) training points:
//  - the PDE residual of an exact solution (Wave 1d-C, PNd), of Kovasznay's
//    exact Navier-Stokes flow (NS 2d-C/CG), of a harmonic function (Poisson
//    2d-C) vanishes; for Poisson 2d-CG it equals the spec's formula for a
//    manufactured u;
//  - every condition keeps exactly the points the spec puts it on (checked
//    with the shapes' own equations), and holds for a function that satisfies
//    it while the others do not;
//  - Neumann terms equal finite differences of u along the outward normal;
//  - the analytic test sets are PINNacle's interior grids, the file test sets
//    every reference row.
// Tasks with reference files skip (with a message) when the shared data is absent.
#include "support/ExactModel.hpp"
#include "support/PinnacleTaskChecks.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <gtest/gtest.h>
#include <pinnbench/core/Math.hpp>
#include <pinnbench/nn/Mlp.hpp>
#include <pinnbench/pde/DevicePoints.hpp>
#include <pinnbench/pde/TaskRegistry.hpp>
#include <pinnbench/train/Evaluator.hpp>
#include <pinnbench/train/LossFunction.hpp>
#include <pinnbench/train/Trainer.hpp>
#include <set>
#include <unistd.h>

using namespace pinnbench;

namespace {

using test_support::ExactModel;
using test_support::expect_not_vanish;
using test_support::expect_vanish;
using test_support::for_each_point;
using test_support::max_abs;
using test_support::term_named;
using test_support::Vars;
// The residual of a term at each of its points, [points][features].
const auto& residuals = test_support::term_residuals;
const double pi = math::pi<double>;

std::filesystem::path data_dir()
{
  return std::filesystem::path(PINNBENCH_SHARED_DIR) / "data" / "pinnacle";
}

/// The task of a suite naming it with `settings` (a flow mapping), random
/// training points, reading data from `data` (the shared folder by default).
std::unique_ptr<pde::Task> make(const std::string& task, const std::string& settings,
                                const std::filesystem::path& data = data_dir())
{
  return test_support::pinnacle_task(task, settings, data, 11);
}

bool have_data(const std::string& task)
{
  return pde::missing_data_files(test_support::default_task_config(task), data_dir()).empty();
}

#define SKIP_WITHOUT_DATA(task)                                                                    \
  if (!have_data(task))                                                                            \
  GTEST_SKIP() << "PINNacle reference data for " << (task) << " not found in " << data_dir()

bool near(double a, double b)
{
  return std::fabs(a - b) <= 1e-9 * (1 + std::fabs(b));
}

/// Kovasznay's exact steady Navier-Stokes flow for viscosity nu (density 1).
ExactModel kovasznay(double nu)
{
  const double re = 1.0 / nu;
  const double lambda = re / 2 - std::sqrt(re * re / 4 + 4 * pi * pi);
  return ExactModel(2, 3, [lambda](const Vars& x) {
    const auto e = jet::exp(lambda * x[0]);
    const auto e2 = jet::exp((2 * lambda) * x[0]);
    return Vars{1.0 - e * jet::cos((2 * pi) * x[1]),
                (lambda / (2 * pi)) * (e * jet::sin((2 * pi) * x[1])), 0.5 - 0.5 * e2};
  });
}

} // namespace

// --- Wave 1d-C --------------------------------------------------------------------------

TEST(PinnacleTasks, Wave1dExactSolutionSatisfiesEveryTerm)
{
  const auto task = make("wave1d", "domain_points: 400, boundary_points: 300");
  ASSERT_EQ(task->dimension(), 2);
  const ExactModel exact(2, 1, [](const Vars& z) {
    return Vars{jet::sin(pi * z[0]) * jet::cos((2 * pi) * z[1]) +
                0.5 * (jet::sin((4 * pi) * z[0]) * jet::cos((8 * pi) * z[1]))};
  });
  // u_tt ~ (8 pi)^2: relative 1e-10.
  expect_vanish(*task, exact, {"residual", "initial_velocity", "initial", "boundary"}, 1e-10 * 640);
  // The same machinery sees a wrong speed.
  const ExactModel wrong(
      2, 1, [](const Vars& z) { return Vars{jet::sin(pi * z[0]) * jet::cos((2.1 * pi) * z[1])}; });
  expect_not_vanish(*task, wrong, "residual");
}

TEST(PinnacleTasks, Wave1dConditionsSitOnTheirEdges)
{
  const auto task = make("wave1d", "domain_points: 400, boundary_points: 300");
  const auto terms = task->training_terms();
  std::int64_t on_t0 = 0, on_x = 0, on_t1 = 0;
  const auto& all = terms.front().evaluations.front();
  for (std::int64_t n = 0; n < all.size(); ++n) {
    on_t0 += all(n, 1) == 0.0;
    on_x += all(n, 0) == 0.0 || all(n, 0) == 1.0;
    on_t1 += all(n, 1) == 1.0;
  }
  EXPECT_EQ(all.size(), 700);
  EXPECT_EQ(term_named(terms, "initial").size(), on_t0);
  EXPECT_EQ(term_named(terms, "initial_velocity").size(), on_t0);
  EXPECT_EQ(term_named(terms, "boundary").size(), on_x);
  // Boundary points spread over all four edges; the t = 1 edge has no condition.
  EXPECT_GT(on_t0, 40);
  EXPECT_GT(on_t1, 40);
  for_each_point(term_named(terms, "initial"), [](const double* x) { EXPECT_EQ(x[1], 0.0); });
  for_each_point(term_named(terms, "boundary"),
                 [](const double* x) { EXPECT_TRUE(x[0] == 0.0 || x[0] == 1.0); });
}

TEST(PinnacleTasks, NeumannTermIsTheDerivativeAlongTheOutwardNormal)
{
  const auto task = make("wave1d", "domain_points: 200, boundary_points: 300");
  const auto terms = task->training_terms();
  const auto& term = term_named(terms, "initial_velocity");
  const auto f = [](double x, double t) { return std::sin(1.3 * x + 0.7) * std::exp(0.9 * t); };
  const ExactModel model(
      2, 1, [](const Vars& z) { return Vars{jet::sin(1.3 * z[0] + 0.7) * jet::exp(0.9 * z[1])}; });
  const auto r = residuals(*task, term, model);
  const auto& points = term.evaluations.front();
  const double h = 1e-5;
  for (std::int64_t n = 0; n < points.size(); ++n) {
    const double x = points(n, 0), t = points(n, 1);
    ASSERT_GT(x, 0.0); // no corner points: the outward normal is (0, -1)
    ASSERT_LT(x, 1.0);
    const double along_normal = (f(x, t - h) - f(x, t + h)) / (2 * h);
    EXPECT_NEAR(r[static_cast<std::size_t>(n)], along_normal, 1e-8);
  }
}

// --- PNd ------------------------------------------------------------------------------------

TEST(PinnacleTasks, PoissonNdExactSolutionSatisfiesEveryTerm)
{
  const auto task = make("poisson_nd", "domain_points: 300, boundary_points: 300");
  ASSERT_EQ(task->dimension(), 5);
  const ExactModel exact(5, 1, [](const Vars& z) {
    auto u = jet::sin((pi / 2) * z[0]);
    for (int i = 1; i < 5; ++i)
      u = u + jet::sin((pi / 2) * z[static_cast<std::size_t>(i)]);
    return Vars{u};
  });
  expect_vanish(*task, exact, {"residual", "boundary"}, 1e-10 * 10);
  // The residual reads u only through its 5-D Laplacian: the loss carries it as one
  // collapsed component, u + 5 first derivatives + Delta u = 7 (not 11).
  const auto terms = task->training_terms();
  const auto& residual = term_named(terms, "residual");
  EXPECT_EQ(jet::DerivativeSet::for_residual(5, residual.derivatives.front(),
                                             residual.laplacian_masks(0, 5), 0, true)
                ->size(),
            7);
  for_each_point(term_named(task->training_terms(), "boundary"), [](const double* x) {
    bool on_face = false;
    for (int i = 0; i < 5; ++i)
      on_face = on_face || x[i] == 0.0 || x[i] == 1.0;
    EXPECT_TRUE(on_face);
  });
  const ExactModel wrong(5, 1, [](const Vars& z) { return Vars{jet::sin(1.6 * z[0])}; });
  expect_not_vanish(*task, wrong, "residual");
}

TEST(PinnacleTasks, AnalyticTestSetsArePinnaclesInteriorGrids)
{
  // PNd: 8^5 points k/9 (uniform_points(20000) on [0, 1]^5), u = sum sin(pi x / 2).
  const auto pnd = make("poisson_nd", "domain_points: 10, boundary_points: 10");
  const auto points = pnd->test_points();
  ASSERT_EQ(points.size(), 32768);
  EXPECT_NEAR(points(0, 0), 1.0 / 9, 1e-15);
  EXPECT_NEAR(points(32767, 4), 8.0 / 9, 1e-15);
  EXPECT_NEAR(points(1, 4), 2.0 / 9, 1e-15); // 'ij' order: the last coordinate fastest
  const auto u = pnd->reference(points);
  EXPECT_NEAR(u[0], 5 * std::sin(pi / 18), 1e-14);
  // Wave 1d-C: 50 x 50 points k/51.
  const auto wave = make("wave1d", "domain_points: 10, boundary_points: 10");
  const auto grid = wave->test_points();
  ASSERT_EQ(grid.size(), 2500);
  EXPECT_NEAR(grid(0, 0), 1.0 / 51, 1e-15);
  EXPECT_NEAR(grid(2499, 1), 50.0 / 51, 1e-15);
  const double x = grid(77, 0), t = grid(77, 1);
  EXPECT_NEAR(wave->reference(grid)[77],
              std::sin(pi * x) * std::cos(2 * pi * t) +
                  0.5 * std::sin(4 * pi * x) * std::cos(8 * pi * t),
              1e-14);
}

// --- Navier-Stokes --------------------------------------------------------------------------

TEST(PinnacleTasks, LidDrivenCavityTermsAndPoints)
{
  SKIP_WITHOUT_DATA("ns2d_lid_driven");
  const auto task = make("ns2d_lid_driven", "domain_points: 400, boundary_points: 300, nu: 0.05");
  ASSERT_EQ(task->outputs(), 3);
  // Kovasznay's flow solves the steady equations: every PDE component vanishes.
  expect_vanish(*task, kovasznay(0.05), {"momentum_x", "momentum_y", "continuity"}, 1e-10 * 100);
  expect_not_vanish(*task, kovasznay(0.04), "momentum_x");
  // (a x (1 - x), 0, 0) meets the lid, v and pin conditions but not u on the walls.
  const ExactModel lid(2, 3, [](const Vars& z) {
    return Vars{4.0 * (z[0] * (1.0 - z[0])), 0.0 * z[0], 0.0 * z[1]};
  });
  expect_vanish(*task, lid, {"lid_u", "lid_v", "wall_v", "pressure_pin"}, 1e-14);
  expect_not_vanish(*task, lid, "wall_u");
  const auto terms = task->training_terms();
  for_each_point(term_named(terms, "lid_u"), [](const double* x) { EXPECT_EQ(x[1], 1.0); });
  for_each_point(term_named(terms, "wall_u"), [](const double* x) {
    EXPECT_TRUE(x[0] == 0.0 || x[0] == 1.0 || x[1] == 0.0);
    EXPECT_NE(x[1], 1.0);
  });
  const auto& pin = term_named(terms, "pressure_pin");
  ASSERT_EQ(pin.size(), 1);
  EXPECT_EQ(pin.evaluations.front().coordinates, (std::vector<double>{0.0, 0.0}));
  // The pin is also an anchor: PDE points = 1 + boundary + domain.
  EXPECT_EQ(term_named(terms, "momentum_x").size(), 1 + 300 + 400);
  // Test set: every row of ref/lid_driven_a4.dat (x, y, u, v, p).
  EXPECT_EQ(task->test_points().size(), 10201);
}

TEST(PinnacleTasks, BackwardFacingStepTermsAndPoints)
{
  SKIP_WITHOUT_DATA("ns2d_back_step");
  const auto task = make("ns2d_back_step", "domain_points: 400, boundary_points: 400");
  expect_vanish(*task, kovasznay(0.01), {"momentum_x", "momentum_y", "continuity"}, 1e-10 * 100);
  const ExactModel inlet(2, 3, [](const Vars& z) {
    return Vars{4.0 * (z[1] * (1.0 - z[1])), 0.0 * z[0], 0.0 * z[1]};
  });
  expect_vanish(*task, inlet, {"inlet_u", "inlet_v", "outlet_p", "wall_v"}, 1e-14);
  expect_not_vanish(*task, inlet, "wall_u");
  const auto terms = task->training_terms();
  for_each_point(term_named(terms, "inlet_u"), [](const double* x) {
    EXPECT_EQ(x[0], 0.0);
    EXPECT_LE(x[1], 1.0 + 1e-9);
  });
  for_each_point(term_named(terms, "outlet_p"), [](const double* x) { EXPECT_EQ(x[0], 4.0); });
  // Walls: the channel's top and bottom and the two faces of the step.
  for_each_point(term_named(terms, "wall_u"), [](const double* x) {
    const bool bottom = near(x[1], 0.0), top = near(x[1], 2.0) && x[0] >= 2.0 - 1e-9;
    const bool riser = near(x[0], 2.0) && x[1] >= 1.0 - 1e-9;
    const bool tread = near(x[1], 1.0) && x[0] <= 2.0 + 1e-9;
    EXPECT_TRUE(bottom || top || riser || tread) << x[0] << ", " << x[1];
  });
  EXPECT_GT(term_named(terms, "wall_u").size(), 200);
  EXPECT_EQ(task->test_points().size(), 12910);
}

// --- Poisson with holes -----------------------------------------------------------------------

namespace {
/// Distance of x to the nearest of the circles (centre, radius) minus its radius.
double circle_gap(const double* x, const std::vector<std::array<double, 3>>& circles)
{
  double gap = 1e9;
  for (const auto& c : circles)
    gap = std::min(gap, std::fabs(std::hypot(x[0] - c[0], x[1] - c[1]) - c[2]));
  return gap;
}
} // namespace

TEST(PinnacleTasks, PoissonClassicTermsAndPoints)
{
  SKIP_WITHOUT_DATA("poisson2d_classic");
  const auto task = make("poisson2d_classic", "domain_points: 400, boundary_points: 400");
  const ExactModel harmonic(2, 1,
                            [](const Vars& z) { return Vars{jet::exp(z[0]) * jet::sin(z[1])}; });
  expect_vanish(*task, harmonic, {"residual"}, 1e-10 * 10);
  const ExactModel one(2, 1, [](const Vars& z) { return Vars{0.0 * z[0] + 1.0}; });
  expect_vanish(*task, one, {"boundary_square"}, 1e-15);
  expect_not_vanish(*task, one, "boundary_circles");
  const auto terms = task->training_terms();
  const std::vector<std::array<double, 3>> circles = {
      {0.3, 0.3, 0.1}, {-0.3, 0.3, 0.1}, {0.3, -0.3, 0.1}, {-0.3, -0.3, 0.1}};
  for_each_point(term_named(terms, "boundary_circles"),
                 [&](const double* x) { EXPECT_LE(circle_gap(x, circles), 1e-12); });
  for_each_point(term_named(terms, "boundary_square"), [](const double* x) {
    EXPECT_TRUE(near(std::fabs(x[0]), 0.5) || near(std::fabs(x[1]), 0.5));
  });
  EXPECT_EQ(term_named(terms, "boundary_square").size() +
                term_named(terms, "boundary_circles").size(),
            400);
  EXPECT_EQ(task->test_points().size(), 1246);
}

TEST(PinnacleTasks, PoissonBoltzmannResidualIsTheSpecFormula)
{
  SKIP_WITHOUT_DATA("poisson_boltzmann2d");
  const auto task = make("poisson_boltzmann2d", "domain_points: 400, boundary_points: 400");
  // u = sin(x) cos(y): -Δu + k²u - f = (2 + k²) u - f, f from spec §3.4.
  const ExactModel u(2, 1, [](const Vars& z) { return Vars{jet::sin(z[0]) * jet::cos(z[1])}; });
  const auto terms = task->training_terms();
  const auto& term = term_named(terms, "residual");
  const auto r = residuals(*task, term, u);
  const auto& points = term.evaluations.front();
  for (std::int64_t n = 0; n < points.size(); ++n) {
    const double x = points(n, 0), y = points(n, 1);
    const double f = 10 * (1 + x * x + 16 + y * y) * std::sin(pi * x) * std::sin(4 * pi * y);
    const double expected = (2 + 64) * std::sin(x) * std::cos(y) - f;
    EXPECT_NEAR(r[static_cast<std::size_t>(n)], expected, 1e-10 * (1 + std::fabs(f)));
  }
  const std::vector<std::array<double, 3>> circles = {
      {0.5, 0.5, 0.2}, {0.4, -0.4, 0.4}, {-0.2, -0.7, 0.1}, {-0.6, 0.5, 0.3}};
  for_each_point(term_named(task->training_terms(), "boundary_circles"),
                 [&](const double* x) { EXPECT_LE(circle_gap(x, circles), 1e-12); });
  const ExactModel circle_value(2, 1, [](const Vars& z) { return Vars{0.0 * z[0] + 1.0}; });
  expect_vanish(*task, circle_value, {"boundary_circles"}, 1e-15);
  EXPECT_EQ(task->test_points().size(), 3236);
}

// --- Poisson 3d-CG ----------------------------------------------------------------------------

namespace {
/// A data folder with a small stand-in for ref/poisson_3d.dat (x, y, z, u rows).
std::filesystem::path synthetic_poisson3d_data()
{
  const auto dir = std::filesystem::temp_directory_path() /
                   ("pinnbench-poisson3d-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir / "ref");
  std::ofstream(dir / "ref" / "poisson_3d.dat")
      << "% Model: synthetic\r\n0.1 0.1 0.1 0.5\r\n0.9 0.9 0.9 1.5\r\n0.5 0.5 0.05 2\r\n";
  return dir;
}

const std::vector<std::array<double, 4>> poisson3d_balls = {
    {0.4, 0.3, 0.6, 0.2}, {0.6, 0.7, 0.6, 0.2}, {0.2, 0.8, 0.7, 0.1}, {0.6, 0.2, 0.3, 0.1}};

double poisson3d_source(double x, double y, double z)
{
  const double r2 = x * x + y * y + z * z;
  const double s = std::sin(pi * x), t = std::sin(10 * pi * y), w = std::sin(5 * pi * z);
  return 20 * std::exp(s + t + w) * (r2 - 1) / (r2 + 1) + 100 * s * t * w;
}
} // namespace

TEST(PinnacleTasks, Poisson3dResidualHasPiecewiseCoefficients)
{
  const auto data = synthetic_poisson3d_data();
  const auto task =
      make("poisson3d_complex_geometry", "domain_points: 400, boundary_points: 400", data);
  ASSERT_EQ(task->dimension(), 3);
  EXPECT_EQ(task->test_points().size(), 3);
  // u = sin x cos y e^z has Δu = -u: -μΔu + K u - f = (1 + K) u - f.
  const ExactModel u(
      3, 1, [](const Vars& z) { return Vars{jet::sin(z[0]) * jet::cos(z[1]) * jet::exp(z[2])}; });
  const auto terms = task->training_terms();
  const auto& term = term_named(terms, "residual");
  const auto r = residuals(*task, term, u);
  const auto& points = term.evaluations.front();
  std::int64_t lower = 0;
  for (std::int64_t n = 0; n < points.size(); ++n) {
    const double x = points(n, 0), y = points(n, 1), z = points(n, 2);
    const double k = z < 0.5 ? 64.0 : 100.0;
    lower += z < 0.5;
    const double f = poisson3d_source(x, y, z);
    EXPECT_NEAR(r[static_cast<std::size_t>(n)],
                (1 + k) * std::sin(x) * std::cos(y) * std::exp(z) - f, 1e-10 * (1 + std::fabs(f)));
  }
  EXPECT_GT(lower, 100);
  EXPECT_LT(lower, points.size() - 100);
  std::filesystem::remove_all(data);
}

TEST(PinnacleTasks, Poisson3dNeumannAgainstFiniteDifferences)
{
  const auto data = synthetic_poisson3d_data();
  const auto task =
      make("poisson3d_complex_geometry", "domain_points: 100, boundary_points: 600", data);
  const auto terms = task->training_terms();
  const auto& term = term_named(terms, "boundary");
  const auto f = [](double x, double y, double z) {
    return std::sin(1.1 * x + 0.3) * std::cos(0.7 * y) * std::exp(0.5 * z);
  };
  const ExactModel u(3, 1, [](const Vars& z) {
    return Vars{jet::sin(1.1 * z[0] + 0.3) * jet::cos(0.7 * z[1]) * jet::exp(0.5 * z[2])};
  });
  const auto r = residuals(*task, term, u);
  const auto& points = term.evaluations.front();
  const double h = 1e-5;
  std::int64_t on_spheres = 0, on_faces = 0;
  for (std::int64_t n = 0; n < points.size(); ++n) {
    const double* p = points.coordinates.data() + n * 3;
    double normal[3] = {0, 0, 0};
    int faces = 0;
    for (int j = 0; j < 3; ++j)
      if (p[j] == 0.0 || p[j] == 1.0) {
        normal[j] = p[j] == 0.0 ? -1.0 : 1.0;
        ++faces;
      }
    if (faces > 1)
      continue; // edges and corners: the normalised sum, not checked here
    if (faces == 0) {
      // On a sphere: the outward normal of the domain points into the ball.
      for (const auto& b : poisson3d_balls) {
        const double d = std::sqrt((p[0] - b[0]) * (p[0] - b[0]) + (p[1] - b[1]) * (p[1] - b[1]) +
                                   (p[2] - b[2]) * (p[2] - b[2]));
        if (std::fabs(d - b[3]) < 1e-9)
          for (int j = 0; j < 3; ++j)
            normal[j] = (b[static_cast<std::size_t>(j)] - p[j]) / b[3];
      }
      ++on_spheres;
    } else {
      ++on_faces;
    }
    ASSERT_NEAR(std::hypot(normal[0], normal[1], normal[2]), 1.0, 1e-9);
    const double along = (f(p[0] + h * normal[0], p[1] + h * normal[1], p[2] + h * normal[2]) -
                          f(p[0] - h * normal[0], p[1] - h * normal[1], p[2] - h * normal[2])) /
                         (2 * h);
    EXPECT_NEAR(r[static_cast<std::size_t>(n)], along, 1e-8);
  }
  EXPECT_GT(on_spheres, 30);
  EXPECT_GT(on_faces, 200);
  std::filesystem::remove_all(data);
}

TEST(PinnacleTasks, EvaluatorResidualUsesTheTestPointsCoefficients)
{
  const auto data = synthetic_poisson3d_data();
  const auto task =
      make("poisson3d_complex_geometry", "domain_points: 100, boundary_points: 100", data);
  nn::MlpShape shape;
  shape.inputs = 3;
  shape.width = 8;
  shape.hidden_layers = 2;
  nn::Mlp<double> model(shape);
  Vector<double> parameters("parameters", model.layout().size());
  model.initialize(parameters, 4);
  train::Evaluator<double> evaluator(*task, model, parallel::MpiContext(MPI_COMM_SELF), 2);
  const auto gathered = evaluator.gather(parameters);
  // The same residual built directly on the test terms (each point's K and μ).
  const auto test_terms = task->test_terms();
  const auto& term = term_named(test_terms, "residual");
  jet::Tape<double> tape;
  Vector<double> unused("unused", parameters.extent(0));
  tape.bind_parameters(parameters, unused);
  const auto set = jet::DerivativeSet::for_residual(3, term.derivatives.front(),
                                                    term.laplacian_masks(0, 3), 0, true);
  const auto points = pde::to_device<double>(term.evaluations.front(), "points");
  const auto values = pde::to_device<double>(term.point_data, "data");
  const jet::Var<double> z(tape, tape.coordinates(points, set));
  const jet::Var<double> d(tape, tape.constants(values, set));
  const auto r = task->residual(term, pde::TermContext<double>(3, {model.forward(z)}, {z}, 0, d))
                     .value()
                     .values;
  auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), r);
  ASSERT_EQ(gathered.residual.size(), 3u);
  for (std::size_t n = 0; n < 3; ++n)
    EXPECT_NEAR(gathered.residual[n], host(0, n, 0), 1e-12 * (1 + std::fabs(host(0, n, 0))));
  // Points 0 and 2 lie below z = 0.5 (K = 64), point 1 above (K = 100).
  EXPECT_EQ(term.point_data(0, 0), 64.0);
  EXPECT_EQ(term.point_data(1, 0), 100.0);
  std::filesystem::remove_all(data);
}

// --- Poisson 2d-MS --------------------------------------------------------------------------

namespace {
/// The shared coefficient files (linked) and a stand-in for ref/poisson_manyarea.dat.
std::filesystem::path many_area_data()
{
  const auto dir =
      std::filesystem::temp_directory_path() / ("pinnbench-manyarea-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir / "ref");
  for (const char* file : {"poisson_a_coef.dat", "poisson_f_coef.dat"})
    if (!std::filesystem::exists(dir / "ref" / file))
      std::filesystem::create_symlink(data_dir() / "ref" / file, dir / "ref" / file);
  std::ofstream(dir / "ref" / "poisson_manyarea.dat") << "-9.5 -9.5 0.25\n3.0 7.0 -1.0\n";
  return dir;
}

std::vector<double> numbers(const std::filesystem::path& path)
{
  std::ifstream in(path);
  std::vector<double> values;
  for (double v; in >> v;)
    values.push_back(v);
  return values;
}
} // namespace

TEST(PinnacleTasks, PoissonManyAreaBlocksAndRobinCondition)
{
  if (!std::filesystem::exists(data_dir() / "ref" / "poisson_f_coef.dat"))
    GTEST_SKIP() << "PINNacle coefficient files not found in " << data_dir();
  const auto data = many_area_data();
  const auto task = make("poisson2d_many_area", "domain_points: 600, boundary_points: 300", data);
  // The spec's blocks, transcribed independently: a[i][j], c = f reshaped (5, 5, 2, 2).
  const auto a = numbers(data / "ref" / "poisson_a_coef.dat");
  const auto c = numbers(data / "ref" / "poisson_f_coef.dat");
  ASSERT_EQ(a.size(), 25u);
  ASSERT_EQ(c.size(), 100u);
  const double b = (20 + 2e-5) / 5;
  // u = sin(x/3) cos(y/4): Δu = -(1/9 + 1/16) u; the residual is a Δu + f.
  const ExactModel u(
      2, 1, [](const Vars& z) { return Vars{jet::sin((1.0 / 3) * z[0]) * jet::cos(0.25 * z[1])}; });
  const auto terms = task->training_terms();
  const auto& residual = term_named(terms, "residual");
  const auto r = residuals(*task, residual, u);
  const auto& points = residual.evaluations.front();
  std::set<int> blocks_seen;
  for (std::int64_t n = 0; n < points.size(); ++n) {
    const double x = points(n, 0), y = points(n, 1);
    const int i = std::min(4, static_cast<int>(std::floor((x + 10 + 1e-5) / b)));
    const int j = std::min(4, static_cast<int>(std::floor((y + 10 + 1e-5) / b)));
    blocks_seen.insert(i * 5 + j);
    const double rx = x + 10 + 1e-5 - i * b, ry = y + 10 + 1e-5 - j * b;
    const auto k = static_cast<std::size_t>(i * 5 + j);
    const double f = c[k * 4] + c[k * 4 + 3] * std::sin(pi * rx / b) * std::sin(pi * ry / b);
    const double lap = -(1.0 / 9 + 1.0 / 16) * std::sin(x / 3) * std::cos(y / 4);
    EXPECT_NEAR(r[static_cast<std::size_t>(n)], a[k] * lap + f, 1e-10 * (1 + std::fabs(a[k])));
  }
  EXPECT_EQ(blocks_seen.size(), 25u);
  // Robin: ∂u/∂n + u against finite differences along the face normals.
  const auto& boundary = term_named(terms, "boundary");
  const auto g = [](double x, double y) { return std::sin(x / 3) * std::cos(y / 4); };
  const auto robin = residuals(*task, boundary, u);
  const auto& edge = boundary.evaluations.front();
  const double h = 1e-5;
  std::int64_t checked = 0;
  for (std::int64_t n = 0; n < edge.size(); ++n) {
    const double x = edge(n, 0), y = edge(n, 1);
    const double nx = std::fabs(x) == 10 ? x / 10 : 0.0, ny = std::fabs(y) == 10 ? y / 10 : 0.0;
    if (nx != 0 && ny != 0)
      continue; // corners
    ASSERT_NE(nx + ny, 0.0);
    const double dn = (g(x + h * nx, y + h * ny) - g(x - h * nx, y - h * ny)) / (2 * h);
    EXPECT_NEAR(robin[static_cast<std::size_t>(n)], dn + g(x, y), 1e-8);
    ++checked;
  }
  EXPECT_GT(checked, 200);
  EXPECT_EQ(task->test_points().size(), 2);
  std::filesystem::remove_all(data);
}

// --- Data files and training ------------------------------------------------------------------

TEST(PinnacleTasks, MissingDataFilesAreNamedWithTheDownloadCommand)
{
  const auto config = test_support::single_run("matrix:\n  tasks: [ns2d_back_step]\n  models: "
                                               "[pinn]\n  objectives: [vanilla]\n  optimizers: "
                                               "[adam]\n")
                          .config["task"];
  const auto missing = pde::missing_data_files(config, "/nonexistent");
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_EQ(missing.front(), std::filesystem::path("/nonexistent/ref/ns_0_obstacle.dat"));
  try {
    pde::require_data_files(config, "/nonexistent", "run-1");
    ADD_FAILURE() << "no error";
  } catch (const ConfigError& e) {
    const std::string text = e.what();
    EXPECT_NE(text.find("ns2d_back_step"), std::string::npos) << text;
    EXPECT_NE(text.find("/nonexistent/ref/ns_0_obstacle.dat"), std::string::npos) << text;
    EXPECT_NE(text.find("scripts/fetch-pinnacle-data.sh /nonexistent"), std::string::npos) << text;
  }
}

TEST(PinnacleTasks, SmallPoissonNdRunLowersTheTestError)
{
  const parallel::MpiContext mpi;
  train::RunContext context(mpi);
  const auto result = train::run_training(test_support::single_run(R"(
defaults:
  precision: fp32
  task: {name: poisson_nd, domain_points: 512, boundary_points: 256}
  model: {name: pinn, width: 16, hidden_layers: 2, init: glorot_normal, bias_init: 0}
  objective: {name: vanilla}
  optimizer: {name: adam, lr: 0.01}
  training: {iterations: 150, history_every: 50}
)"),
                                          context);
  const auto& rmse = test_support::series(result, "rMSE");
  ASSERT_EQ(rmse.size(), 4u);
  EXPECT_LT(rmse.back(), 0.5 * rmse.front());
  EXPECT_LT(rmse.back(), 0.1);
}
