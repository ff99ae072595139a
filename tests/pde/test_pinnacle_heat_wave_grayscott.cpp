// The time-dependent PINNacle tasks HNd, Heat 2d-CG, Wave 2d-CG and Gray-Scott
// against independent truths, in FP64 at random (uniform) training points:
//  - exact or manufactured solutions make the PDE residuals vanish;
//  - each condition keeps exactly the points the spec puts it on and equals
//    its formula there: Neumann and Robin against central finite differences
//    along the normal, the normal itself derived here from the shape;
//  - Wave 2d-CG's speed against bilinear values computed by hand on a
//    synthetic coefficient grid, Gray-Scott's reference against a synthetic
//    flat table, Heat 2d-CG's against a synthetic time-transposed export (the
//    real files are not on this machine).
#include "support/ExactModel.hpp"
#include "support/PinnacleTaskChecks.hpp"
#include "support/SuiteRuns.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <gtest/gtest.h>
#include <optional>
#include <pinnbench/core/Math.hpp>
#include <pinnbench/geometry/Ball.hpp>
#include <pinnbench/geometry/Box.hpp>
#include <pinnbench/geometry/MultiDifference.hpp>
#include <pinnbench/geometry/Sampling.hpp>
#include <pinnbench/pde/TaskRegistry.hpp>
#include <sstream>

using namespace pinnbench;
using test_support::count_points;
using test_support::DataDir;
using test_support::default_task_config;
using test_support::ExactModel;
using test_support::expect_not_vanish;
using test_support::expect_vanish;
using test_support::grid_table;
using test_support::pinnacle_task;
using test_support::term_named;
using test_support::term_names;
using test_support::Vars;

namespace {

/// Central difference of f at x along the unit vector `direction`.
double directional_difference(const std::function<double(const std::vector<double>&)>& f,
                              std::vector<double> x, const std::vector<double>& direction)
{
  const double h = 1e-5;
  auto plus = x, minus = x;
  for (std::size_t j = 0; j < direction.size(); ++j) {
    plus[j] += h * direction[j];
    minus[j] -= h * direction[j];
  }
  return (f(plus) - f(minus)) / (2 * h);
}

} // namespace

// --- HNd -----------------------------------------------------------------------------------------

namespace {

const char* const hnd_points = "domain_points: 300, boundary_points: 200, initial_points: 100";

/// exp(|x|²/2 + t) on d spatial coordinates and time, times `scale` in time's exponent.
ExactModel heat_nd_solution(int d, double rate = 1.0)
{
  return ExactModel(d + 1, 1, [d, rate](const Vars& z) {
    auto r2 = z[0] * z[0];
    for (int i = 1; i < d; ++i)
      r2 = r2 + z[static_cast<std::size_t>(i)] * z[static_cast<std::size_t>(i)];
    return Vars{jet::exp(0.5 * r2 + rate * z[static_cast<std::size_t>(d)])};
  });
}

double squared_norm(const double* x, int d)
{
  double r2 = 0;
  for (int i = 0; i < d; ++i)
    r2 += x[i] * x[i];
  return r2;
}

} // namespace

TEST(PinnacleHeatNd, ExactSolutionSatisfiesEveryTerm)
{
  const auto task = pinnacle_task("heat_nd", hnd_points);
  ASSERT_EQ(task->dimension(), 6);
  EXPECT_EQ(term_names(*task), (std::vector<std::string>{"residual", "boundary", "initial"}));
  EXPECT_EQ(term_named(*task, "residual").size(), 600);
  // u = exp(|x|²/2 + t) is at most e^1.5: 1e-12 absolute is ~1e-13 relative.
  expect_vanish(*task, heat_nd_solution(5), {"residual", "boundary", "initial"}, 1e-12);
  expect_not_vanish(*task, heat_nd_solution(5, 1.1), "residual");
  expect_not_vanish(*task, heat_nd_solution(5, 1.1), "boundary");
  // The dimension key: d = 3 and T = 2 change the ball and the time span.
  const auto three = pinnacle_task("heat_nd", std::string(hnd_points) + ", dimension: 3, t_end: 2");
  ASSERT_EQ(three->dimension(), 4);
  expect_vanish(*three, heat_nd_solution(3), {"residual", "boundary", "initial"}, 1e-11);
  EXPECT_GT(count_points(*three, [](const double* x) { return x[3] > 1.5; }), 0);
}

TEST(PinnacleHeatNd, ResidualIsTheSpecFormula)
{
  const auto task = pinnacle_task("heat_nd", hnd_points);
  // u = x1² t + sin(x2): (1/5)(2t - sin x2) - (1/5)|x|² e^(|x|²/2 + t) - x1².
  const ExactModel model(6, 1,
                         [](const Vars& z) { return Vars{z[0] * z[0] * z[5] + jet::sin(z[1])}; });
  const auto term = term_named(*task, "residual");
  const auto r = test_support::term_residuals(*task, term, model);
  const auto& points = term.evaluations.front();
  for (std::int64_t n = 0; n < points.size(); ++n) {
    const double* x = points.coordinates.data() + n * 6;
    const double r2 = squared_norm(x, 5);
    const double expected =
        0.2 * (2 * x[5] - std::sin(x[1])) - 0.2 * r2 * std::exp(r2 / 2 + x[5]) - x[0] * x[0];
    EXPECT_NEAR(r[static_cast<std::size_t>(n)], expected, 1e-12);
  }
}

TEST(PinnacleHeatNd, ConditionsOnTheSphereAndAtTimeZero)
{
  const auto task = pinnacle_task("heat_nd", hnd_points);
  const auto on_sphere = [](const double* x) { return std::fabs(squared_norm(x, 5) - 1) < 1e-12; };
  const auto boundary = term_named(*task, "boundary");
  EXPECT_EQ(boundary.size(), count_points(*task, on_sphere));
  EXPECT_GE(boundary.size(), 200);
  const auto initial = term_named(*task, "initial");
  EXPECT_EQ(initial.size(), count_points(*task, [](const double* x) { return x[5] == 0.0; }));
  EXPECT_GE(initial.size(), 100);
  // Neumann against a central difference along the sphere's normal x/|x|.
  const auto f = [](const std::vector<double>& x) {
    return std::sin(x[0]) * x[1] + x[2] * x[3] * x[4] * x[5];
  };
  const ExactModel model(
      6, 1, [](const Vars& z) { return Vars{jet::sin(z[0]) * z[1] + z[2] * z[3] * z[4] * z[5]}; });
  const auto r = test_support::term_residuals(*task, boundary, model);
  const auto& points = boundary.evaluations.front();
  for (std::int64_t n = 0; n < points.size(); ++n) {
    const double* p = points.coordinates.data() + n * 6;
    ASSERT_TRUE(on_sphere(p));
    EXPECT_GE(p[5], 0.0);
    EXPECT_LE(p[5], 1.0);
    const std::vector<double> x(p, p + 6);
    const std::vector<double> normal = {p[0], p[1], p[2], p[3], p[4], 0.0};
    const double expected = directional_difference(f, x, normal) - std::exp(0.5 + p[5]);
    EXPECT_NEAR(r[static_cast<std::size_t>(n)], expected, 1e-8);
  }
  // The initial state exp(|x|²/2): a term in t leaves it unchanged.
  const ExactModel initial_state(6, 1, [](const Vars& z) {
    auto r2 = z[0] * z[0] + z[1] * z[1] + z[2] * z[2] + z[3] * z[3] + z[4] * z[4];
    return Vars{jet::exp(0.5 * r2) + jet::sin(z[5])};
  });
  expect_vanish(*task, initial_state, {"initial"}, 1e-13);
  expect_not_vanish(*task, initial_state, "boundary");
}

TEST(PinnacleHeatNd, RandomTestPointsAtPinnaclesTimes)
{
  const auto config = default_task_config("heat_nd");
  EXPECT_EQ(config["domain_points"].as<int>(), 32768);
  EXPECT_EQ(config["boundary_points"].as<int>(), 8192);
  EXPECT_EQ(config["initial_points"].as<int>(), 8192);
  EXPECT_EQ(config["dimension"].as<int>(), 5);
  EXPECT_EQ(config["t_end"].as<double>(), 1.0);
  const auto task = pinnacle_task("heat_nd", hnd_points);
  // 800 random points of the ball at t = 1, 0.96, ..., 0.04 (spec §4), time-major.
  const auto points = task->test_points();
  ASSERT_EQ(points.size(), 20000);
  const auto u = task->reference(points);
  for (std::int64_t n = 0; n < points.size(); ++n) {
    const double* x = points.coordinates.data() + n * 6;
    ASSERT_LE(squared_norm(x, 5), 1.0);
    ASSERT_NEAR(x[5], 1.0 - 0.04 * static_cast<double>(n / 800), 1e-12);
    ASSERT_EQ(x[0], points(n % 800, 0));
    ASSERT_NEAR(u[static_cast<std::size_t>(n)], std::exp(squared_norm(x, 5) / 2 + x[5]), 1e-14);
  }
  // The spatial points depend on the seed (PINNacle draws them at random).
  const auto other = pinnacle_task("heat_nd", hnd_points, {}, 6);
  EXPECT_NE(other->test_points().coordinates, points.coordinates);
  EXPECT_EQ(pinnacle_task("heat_nd", hnd_points)->test_points().coordinates, points.coordinates);
}

// --- Heat 2d-CG ----------------------------------------------------------------------------------

namespace {

const std::vector<std::pair<double, double>> big_centers = {{-4, -9}, {-4, -3}, {-4, 3}, {-4, 9},
                                                            {4, -9},  {4, -3},  {4, 3},  {4, 9},
                                                            {0, 0},   {0, -6},  {0, 6}};
const std::vector<std::pair<double, double>> small_centers = {{-3.2, -6}, {-3.2, 6}, {3.2, -6},
                                                              {3.2, 6},   {-3.2, 0}, {3.2, 0}};

/// The centre of the circle of `radius` that x lies on (to 1e-9), or none.
std::optional<std::pair<double, double>>
circle_of(const double* x, const std::vector<std::pair<double, double>>& centers, double radius)
{
  for (const auto& c : centers)
    if (std::fabs(std::hypot(x[0] - c.first, x[1] - c.second) - radius) < 1e-9)
      return c;
  return std::nullopt;
}

/// 18 x 100 boundary points: PINNacle's CSGMultiDifference gives each of the 18
/// operands (11 big disks, 6 small ones, the rectangle) an equal share.
const char* const heat_cg_points = "domain_points: 400, boundary_points: 1800, initial_points: 100";

/// A synthetic heat_complex.dat: 2 nodes at t = 0, 1.5, 3.
void write_heat_complex(const DataDir& dir)
{
  dir.write("ref/heat_complex.dat",
            "% Model:              heat_case3.mph\r\n% Nodes:              2\r\n"
            "% X  Y  u (K) @ t=0  u (K) @ t=1.5  u (K) @ t=3\r\n"
            "-8   12   0   0.25   0.5\r\n"
            "2.5  -1   0   1E-3   -2.5E-2\r\n");
}

} // namespace

TEST(PinnacleHeatComplexGeometry, ManufacturedSolutionsAndTerms)
{
  DataDir dir;
  write_heat_complex(dir);
  const auto task = pinnacle_task("heat2d_complex_geometry", heat_cg_points, dir.path());
  ASSERT_EQ(task->dimension(), 3);
  EXPECT_EQ(term_names(*task), (std::vector<std::string>{"residual", "initial", "big_circles",
                                                         "small_circles", "outer"}));
  EXPECT_EQ(term_named(*task, "residual").size(), 100 + 1800 + 400);
  // u_t = Δu: e^(-2t) sin x sin y and x² + y² + 4t.
  const ExactModel decaying(3, 1, [](const Vars& z) {
    return Vars{jet::exp(-2.0 * z[2]) * jet::sin(z[0]) * jet::sin(z[1])};
  });
  const ExactModel quadratic(
      3, 1, [](const Vars& z) { return Vars{z[0] * z[0] + z[1] * z[1] + 4.0 * z[2]}; });
  expect_vanish(*task, decaying, {"residual"}, 1e-12);
  expect_vanish(*task, quadratic, {"residual"}, 1e-11);
  const ExactModel steady(3, 1, [](const Vars& z) { return Vars{z[0] * z[0] + 0.0 * z[2]}; });
  expect_not_vanish(*task, steady, "residual");
  // u = 0 at t = 0 on the initial points only.
  const ExactModel growing(3, 1, [](const Vars& z) { return Vars{z[2] * jet::sin(z[0])}; });
  expect_vanish(*task, growing, {"initial"}, 0.0);
  expect_not_vanish(*task, quadratic, "initial");
  EXPECT_EQ(term_named(*task, "initial").size(),
            count_points(*task, [](const double* x) { return x[2] == 0.0; }));
  EXPECT_GE(term_named(*task, "initial").size(), 100);
}

TEST(PinnacleHeatComplexGeometry, RobinPiecesAgainstFiniteDifferences)
{
  DataDir dir;
  write_heat_complex(dir);
  const auto f = [](const std::vector<double>& x) {
    return std::sin(0.3 * x[0]) * std::cos(0.2 * x[1]) + 0.1 * x[2] * x[0];
  };
  const ExactModel model(3, 1, [](const Vars& z) {
    return Vars{jet::sin(0.3 * z[0]) * jet::cos(0.2 * z[1]) + 0.1 * (z[2] * z[0])};
  });
  // g keys: 2 on the big circles instead of 5.
  for (const double g_big : {5.0, 2.0}) {
    const auto task = pinnacle_task(
        "heat2d_complex_geometry",
        std::string(heat_cg_points) + ", g_big: " + std::to_string(g_big), dir.path());
    struct Piece
    {
      std::string name;
      double g;
      std::int64_t count; ///< 100 per operand
    };
    for (const Piece& piece : {Piece{"big_circles", g_big, 1100}, Piece{"small_circles", 1.0, 600},
                               Piece{"outer", 0.1, 100}}) {
      const auto term = term_named(*task, piece.name);
      EXPECT_EQ(term.size(), piece.count) << piece.name;
      const auto r = test_support::term_residuals(*task, term, model);
      const auto& points = term.evaluations.front();
      for (std::int64_t n = 0; n < points.size(); ++n) {
        const double* p = points.coordinates.data() + n * 3;
        EXPECT_GE(p[2], 0.0);
        EXPECT_LE(p[2], 3.0);
        // The domain-outward normal: into the hole on a circle, out of the rectangle.
        std::vector<double> normal(3, 0.0);
        if (piece.name == "outer") {
          const bool on_x = std::fabs(p[0]) == 8.0, on_y = std::fabs(p[1]) == 12.0;
          ASSERT_TRUE(on_x || on_y) << p[0] << ", " << p[1];
          ASSERT_FALSE(on_x && on_y);
          normal[on_x ? 0 : 1] = on_x ? p[0] / 8 : p[1] / 12;
        } else {
          const double radius = piece.name == "big_circles" ? 1.0 : 0.4;
          const auto c =
              circle_of(p, piece.name == "big_circles" ? big_centers : small_centers, radius);
          ASSERT_TRUE(c) << piece.name << " at " << p[0] << ", " << p[1];
          normal[0] = -(p[0] - c->first) / radius;
          normal[1] = -(p[1] - c->second) / radius;
        }
        const std::vector<double> x(p, p + 3);
        const double expected = directional_difference(f, x, normal) - (piece.g - f(x));
        EXPECT_NEAR(r[static_cast<std::size_t>(n)], expected, 1e-8) << piece.name;
      }
    }
  }
}

TEST(PinnacleHeatComplexGeometry, BoundaryPointsAreSharedEquallyByTheOperands)
{
  DataDir dir;
  write_heat_complex(dir);
  const auto task = pinnacle_task("heat2d_complex_geometry", heat_cg_points, dir.path());
  // 100 on each of the 17 circles and 100 on the rectangle, spread over its
  // edges by length (16 : 24): 20 + 30 + 20 + 30.
  const auto on = [&](double cx, double cy, double radius) {
    return count_points(*task, [=](const double* x) {
      return std::fabs(std::hypot(x[0] - cx, x[1] - cy) - radius) < 1e-9;
    });
  };
  for (const auto& [cx, cy] : big_centers)
    EXPECT_EQ(on(cx, cy, 1.0), 100) << cx << ", " << cy;
  for (const auto& [cx, cy] : small_centers)
    EXPECT_EQ(on(cx, cy, 0.4), 100) << cx << ", " << cy;
  for (const double side : {-8.0, 8.0})
    EXPECT_EQ(count_points(*task, [=](const double* x) { return x[0] == side; }), 30) << side;
  for (const double side : {-12.0, 12.0})
    EXPECT_EQ(count_points(*task, [=](const double* x) { return x[1] == side; }), 20) << side;
  // Domain points avoid the holes.
  EXPECT_EQ(count_points(*task,
                         [](const double* x) {
                           return circle_of(x, big_centers, 1.0) ||
                                  circle_of(x, small_centers, 0.4) || std::fabs(x[0]) == 8.0 ||
                                  std::fabs(x[1]) == 12.0;
                         }),
            1800);
  EXPECT_EQ(count_points(*task,
                         [](const double* x) {
                           for (const auto& [cx, cy] : big_centers)
                             if (std::hypot(x[0] - cx, x[1] - cy) < 1 - 1e-9)
                               return true;
                           for (const auto& [cx, cy] : small_centers)
                             if (std::hypot(x[0] - cx, x[1] - cy) < 0.4 - 1e-9)
                               return true;
                           return false;
                         }),
            0);
}

TEST(PinnacleHeatComplexGeometry, ReferenceAndDataFile)
{
  const auto config = default_task_config("heat2d_complex_geometry");
  EXPECT_EQ(config["domain_points"].as<int>(), 32768);
  EXPECT_EQ(config["boundary_points"].as<int>(), 8192);
  EXPECT_EQ(config["initial_points"].as<int>(), 8192);
  EXPECT_EQ(config["g_big"].as<double>(), 5.0);
  EXPECT_EQ(config["g_small"].as<double>(), 1.0);
  EXPECT_EQ(config["g_outer"].as<double>(), 0.1);
  EXPECT_EQ(pde::missing_data_files(config, "/nonexistent"),
            (std::vector<std::filesystem::path>{"/nonexistent/ref/heat_complex.dat"}));
  DataDir dir;
  write_heat_complex(dir);
  EXPECT_TRUE(pde::missing_data_files(config, dir.path()).empty());
  const auto task = pinnacle_task("heat2d_complex_geometry", heat_cg_points, dir.path());
  // Time-transposed: (x, y, t) node-major, time-minor.
  const auto points = task->test_points();
  EXPECT_EQ(points.coordinates, (std::vector<double>{-8, 12, 0, -8, 12, 1.5, -8, 12, 3, 2.5, -1, 0,
                                                     2.5, -1, 1.5, 2.5, -1, 3}));
  EXPECT_EQ(task->reference(points), (std::vector<double>{0, 0.25, 0.5, 0, 1e-3, -2.5e-2}));
}

TEST(PinnacleHeatComplexGeometry, MultiDifferenceClipsOverlappingHoles)
{
  // [0, 4] x [0, 1] minus two disks of radius 0.5, 0.5 apart: a third of each
  // circle lies in the other disk. Equal weights per operand, times the part
  // each keeps: 1 : 2/3 : 2/3 of 300 points = 128.6 : 85.7 : 85.7.
  const auto disk = [](double cx) {
    return std::make_shared<geometry::Ball>(std::vector<double>{cx, 0.5}, 0.5);
  };
  const geometry::MultiDifference shape(
      std::make_shared<geometry::Box>(std::vector<double>{0, 0}, std::vector<double>{4, 1}),
      {disk(1.0), disk(1.5)});
  geometry::UnitSampler sampler(geometry::Distribution::hammersley, 0);
  const auto sample = geometry::sample_boundary(shape, 300, sampler);
  ASSERT_EQ(sample.points.size(), 300);
  std::int64_t on_first = 0, on_second = 0;
  for (std::int64_t n = 0; n < 300; ++n) {
    const double* x = sample.points.coordinates.data() + n * 2;
    const double r1 = std::hypot(x[0] - 1.0, x[1] - 0.5), r2 = std::hypot(x[0] - 1.5, x[1] - 0.5);
    EXPECT_TRUE(shape.on_boundary(x)) << x[0] << ", " << x[1];
    EXPECT_FALSE(r1 < 0.5 - 1e-12 || r2 < 0.5 - 1e-12) << x[0] << ", " << x[1];
    on_first += std::fabs(r1 - 0.5) < 1e-12 ? 1 : 0;
    on_second += std::fabs(r2 - 0.5) < 1e-12 ? 1 : 0;
  }
  EXPECT_NEAR(static_cast<double>(on_first), 85.7, 2.0);
  EXPECT_NEAR(static_cast<double>(on_second), 85.7, 2.0);
  EXPECT_NEAR(static_cast<double>(300 - on_first - on_second), 128.6, 2.0);
  // Normals point into the holes, as for nested differences.
  double normal[2];
  const double left[2] = {0.5, 0.5};
  shape.boundary_normal(left, normal);
  EXPECT_NEAR(normal[0], 1.0, 1e-15);
  EXPECT_NEAR(normal[1], 0.0, 1e-15);
}

// --- Wave 2d-CG ----------------------------------------------------------------------------------

namespace {

/// Synthetic speed on the 4 x 4 grid linspace(0, 1, 4): c = 1 + i + 3 j² at node (i/3, j/3).
double speed_node(int i, int j)
{
  return 1 + i + 3 * j * j;
}

/// Bilinear interpolation of speed_node at (X, Y) in [0, 1]², by hand.
double speed_by_hand(double X, double Y)
{
  const int i = std::min(static_cast<int>(std::floor(3 * X)), 2);
  const int j = std::min(static_cast<int>(std::floor(3 * Y)), 2);
  const double s = 3 * X - i, t = 3 * Y - j;
  return (1 - s) * (1 - t) * speed_node(i, j) + s * (1 - t) * speed_node(i + 1, j) +
         (1 - s) * t * speed_node(i, j + 1) + s * t * speed_node(i + 1, j + 1);
}

void write_wave_files(const DataDir& dir, const std::function<double(double, double)>& speed)
{
  const std::vector<double> nodes = {0.0, 1.0 / 3, 2.0 / 3, 1.0};
  dir.write("ref/darcy_2d_coef_256.dat", grid_table(nodes, nodes, speed));
  dir.write("ref/wave_darcy.dat", "% Model:              wave_darcy.mph\n% Nodes:              2\n"
                                  "% X  Y  u (1) @ t=0  u (1) @ t=2.5  u (1) @ t=5\n"
                                  "0     0     1    2    3\n"
                                  "-0.5  0.25  4    5    6\n");
}

void write_wave_files(const DataDir& dir)
{
  write_wave_files(dir, [](double x, double y) {
    return speed_node(static_cast<int>(std::lround(3 * x)), static_cast<int>(std::lround(3 * y)));
  });
}

const char* const wave_points = "domain_points: 300, boundary_points: 600";

double bump(double x, double y)
{
  return std::exp(-((x + 0.5) * (x + 0.5) + y * y) / (2 * 0.09));
}

} // namespace

TEST(PinnacleWaveHeterogeneous, ResidualIsTheSpecFormulaWithTheInterpolatedSpeed)
{
  DataDir dir;
  write_wave_files(dir);
  const auto task = pinnacle_task("wave2d_heterogeneous", wave_points, dir.path());
  ASSERT_EQ(task->dimension(), 3);
  EXPECT_EQ(term_names(*task),
            (std::vector<std::string>{"residual", "initial", "initial_velocity", "boundary"}));
  const auto term = term_named(*task, "residual");
  ASSERT_EQ(term.size(), 900);
  ASSERT_EQ(term.point_data.size(), 900);
  // u = sin x cos y t³: Δu - u_tt / c = -2 sin x cos y t³ - 6t sin x cos y / c.
  const ExactModel model(3, 1, [](const Vars& z) {
    return Vars{jet::sin(z[0]) * jet::cos(z[1]) * (z[2] * z[2] * z[2])};
  });
  const auto r = test_support::term_residuals(*task, term, model);
  const auto& points = term.evaluations.front();
  for (std::int64_t n = 0; n < points.size(); ++n) {
    const double x = points(n, 0), y = points(n, 1), t = points(n, 2);
    const double c = speed_by_hand((x + 1) / 2, (y + 1) / 2);
    EXPECT_NEAR(term.point_data(n, 0), 1 / c, 1e-14) << x << ", " << y;
    const double s = std::sin(x) * std::cos(y);
    EXPECT_NEAR(r[static_cast<std::size_t>(n)], -2 * s * t * t * t - 6 * t * s / c,
                1e-10 * (1 + t * t * t));
  }
  // Hand values: (0, 0) -> (1/2, 1/2), the middle of the cell of nodes 5, 6, 14, 15: c = 10;
  // (-0.5, 0.25) -> (1/4, 5/8): s = 3/4, t = 7/8 in the cell of nodes 4, 5, 13, 14: c = 12.625.
  EXPECT_EQ(speed_by_hand(0.5, 0.5), 10.0);
  EXPECT_NEAR(speed_by_hand(0.25, 0.625), 12.625, 1e-14);
  const auto test = task->test_terms().front();
  ASSERT_EQ(test.name, "residual");
  ASSERT_EQ(test.point_data.size(), 6);
  for (std::int64_t n = 0; n < 3; ++n) {
    EXPECT_NEAR(test.point_data(n, 0), 1 / 10.0, 1e-15);
    EXPECT_NEAR(test.point_data(3 + n, 0), 1 / 12.625, 1e-15);
  }
}

TEST(PinnacleWaveHeterogeneous, StandingWaveInAUniformMedium)
{
  // c = 4 everywhere: u = cos(x) cos(2y) cos(√20 t) solves u_tt = c Δu.
  DataDir dir;
  write_wave_files(dir, [](double, double) { return 4.0; });
  const auto task = pinnacle_task("wave2d_heterogeneous", wave_points, dir.path());
  const double omega = std::sqrt(20.0);
  const auto wave = [](double w) {
    return ExactModel(3, 1, [w](const Vars& z) {
      return Vars{jet::cos(z[0]) * jet::cos(2.0 * z[1]) * jet::cos(w * z[2])};
    });
  };
  expect_vanish(*task, wave(omega), {"residual"}, 1e-11);
  expect_not_vanish(*task, wave(4.0), "residual");
}

TEST(PinnacleWaveHeterogeneous, ConditionsOnTheirFaces)
{
  DataDir dir;
  write_wave_files(dir);
  const auto task = pinnacle_task("wave2d_heterogeneous", wave_points, dir.path());
  const auto on_t0 = [](const double* x) { return x[2] == 0.0; };
  const auto on_side = [](const double* x) {
    return std::fabs(x[0]) == 1.0 || std::fabs(x[1]) == 1.0;
  };
  // DeepXDE's Hypercube: each of the 6 faces gets 1/6 of the 600 points, the t = 5 face too.
  EXPECT_EQ(count_points(*task, on_t0), 100);
  EXPECT_EQ(count_points(*task, [](const double* x) { return x[2] == 5.0; }), 100);
  EXPECT_EQ(count_points(*task, on_side), 400);
  for (const double side : {-1.0, 1.0}) {
    EXPECT_EQ(count_points(*task, [=](const double* x) { return x[0] == side; }), 100);
    EXPECT_EQ(count_points(*task, [=](const double* x) { return x[1] == side; }), 100);
  }
  EXPECT_EQ(term_named(*task, "initial").size(), 100);
  EXPECT_EQ(term_named(*task, "initial_velocity").size(), 100);
  EXPECT_EQ(term_named(*task, "boundary").size(), 400);
  // u = bump(x, y) + t² satisfies both t = 0 conditions; the bump of another σ does not.
  const auto with_sigma = [](double sigma) {
    return ExactModel(3, 1, [sigma](const Vars& z) {
      const auto dx = z[0] + 0.5;
      return Vars{jet::exp((-1 / (2 * sigma * sigma)) * (dx * dx + z[1] * z[1])) + z[2] * z[2]};
    });
  };
  expect_vanish(*task, with_sigma(0.3), {"initial", "initial_velocity"}, 1e-14);
  expect_not_vanish(*task, with_sigma(0.4), "initial");
  // The keys move the bump: μ = (0.2, -0.1), σ = 0.5.
  const auto moved = pinnacle_task(
      "wave2d_heterogeneous", std::string(wave_points) + ", mean_x: 0.2, mean_y: -0.1, sigma: 0.5",
      dir.path());
  const ExactModel moved_bump(3, 1, [](const Vars& z) {
    const auto dx = z[0] - 0.2, dy = z[1] + 0.1;
    return Vars{jet::exp(-2.0 * (dx * dx + dy * dy)) + 0.0 * z[2]};
  });
  expect_vanish(*moved, moved_bump, {"initial"}, 1e-14);
  // Neumann terms against central differences along the face normals.
  const auto f = [](const std::vector<double>& x) {
    return std::sin(x[0] + 2 * x[1]) * std::cos(x[2]) + x[2] * x[2] * x[0];
  };
  const ExactModel model(3, 1, [](const Vars& z) {
    return Vars{jet::sin(z[0] + 2.0 * z[1]) * jet::cos(z[2]) + z[2] * z[2] * z[0]};
  });
  for (const char* name : {"initial_velocity", "boundary"}) {
    const auto term = term_named(*task, name);
    const auto r = test_support::term_residuals(*task, term, model);
    const auto& points = term.evaluations.front();
    for (std::int64_t n = 0; n < points.size(); ++n) {
      const double* p = points.coordinates.data() + n * 3;
      std::vector<double> normal(3, 0.0);
      if (std::string(name) == "initial_velocity") {
        ASSERT_TRUE(on_t0(p));
        normal[2] = -1;
      } else {
        ASSERT_TRUE(on_side(p));
        normal[std::fabs(p[0]) == 1.0 ? 0 : 1] = std::fabs(p[0]) == 1.0 ? p[0] : p[1];
      }
      const double expected = directional_difference(f, std::vector<double>(p, p + 3), normal);
      EXPECT_NEAR(r[static_cast<std::size_t>(n)], expected, 1e-8) << name;
    }
  }
  // Every initial point's target is the bump.
  const ExactModel zero(3, 1, [](const Vars& z) { return Vars{0.0 * z[0]}; });
  const auto initial = term_named(*task, "initial");
  const auto r = test_support::term_residuals(*task, initial, zero);
  for (std::int64_t n = 0; n < initial.size(); ++n) {
    const auto& points = initial.evaluations.front();
    EXPECT_NEAR(r[static_cast<std::size_t>(n)], -bump(points(n, 0), points(n, 1)), 1e-15);
  }
}

TEST(PinnacleWaveHeterogeneous, ReferenceDataFilesAndBadGrids)
{
  const auto config = default_task_config("wave2d_heterogeneous");
  EXPECT_EQ(config["domain_points"].as<int>(), 32768);
  EXPECT_EQ(config["boundary_points"].as<int>(), 8192);
  EXPECT_FALSE(config["initial_points"]);
  EXPECT_EQ(config["t_end"].as<double>(), 5.0);
  EXPECT_EQ(pde::missing_data_files(config, "/nonexistent"),
            (std::vector<std::filesystem::path>{"/nonexistent/ref/wave_darcy.dat",
                                                "/nonexistent/ref/darcy_2d_coef_256.dat"}));
  DataDir dir;
  write_wave_files(dir);
  const auto task = pinnacle_task("wave2d_heterogeneous", wave_points, dir.path());
  const auto points = task->test_points();
  EXPECT_EQ(points.coordinates, (std::vector<double>{0, 0, 0, 0, 0, 2.5, 0, 0, 5, -0.5, 0.25, 0,
                                                     -0.5, 0.25, 2.5, -0.5, 0.25, 5}));
  EXPECT_EQ(task->reference(points), (std::vector<double>{1, 2, 3, 4, 5, 6}));
  // A grid that does not cover [0, 1]², or a speed that is not positive, is refused.
  const std::vector<double> half = {0.0, 0.5};
  dir.write("ref/darcy_2d_coef_256.dat",
            grid_table(half, half, [](double, double) { return 1.0; }));
  EXPECT_THROW(pinnacle_task("wave2d_heterogeneous", wave_points, dir.path()), ConfigError);
  write_wave_files(dir, [](double x, double) { return x > 0.5 ? 0.0 : 1.0; });
  EXPECT_THROW(pinnacle_task("wave2d_heterogeneous", wave_points, dir.path()), ConfigError);
}

// --- Gray-Scott ----------------------------------------------------------------------------------

namespace {

const char* const gs_points = "domain_points: 300, boundary_points: 200, initial_points: 100";

/// A synthetic grayscott.dat in the flat format (x, y, t, u, v), x fastest,
/// then y, then t: a 2 x 2 grid at t = 0 and 10, one row holding a NaN.
void write_gray_scott(const DataDir& dir)
{
  std::ostringstream out;
  out.precision(17);
  int k = 0;
  for (double t : {0.0, 10.0})
    for (double y : {-1.0, 1.0})
      for (double x : {-1.0, 1.0}) {
        out << x << ' ' << y << ' ' << t << ' ';
        if (k == 5)
          out << "nan";
        else
          out << 0.5 + k;
        out << ' ' << -0.25 * k << '\n';
        ++k;
      }
  dir.write("ref/grayscott.dat", out.str());
}

} // namespace

TEST(PinnacleGrayScott, ResidualsAreTheSpecFormulas)
{
  DataDir dir;
  write_gray_scott(dir);
  const auto task = pinnacle_task("gray_scott", gs_points, dir.path());
  ASSERT_EQ(task->dimension(), 3);
  ASSERT_EQ(task->outputs(), 2);
  EXPECT_EQ(term_names(*task),
            (std::vector<std::string>{"residual_u", "residual_v", "initial_u", "initial_v"}));
  // u = sin x cos y e^(-t/100), v = x y + t/50:
  //   Δu = -2u, Δv = 0, u_t = -u/100, v_t = 1/50.
  const ExactModel model(3, 2, [](const Vars& z) {
    return Vars{jet::sin(z[0]) * jet::cos(z[1]) * jet::exp(-0.01 * z[2]),
                z[0] * z[1] + 0.02 * z[2]};
  });
  const double e1 = 1e-5, e2 = 5e-6, b = 0.04, d = 0.1;
  for (const char* name : {"residual_u", "residual_v"}) {
    const auto term = term_named(*task, name);
    ASSERT_EQ(term.size(), 600);
    const auto r = test_support::term_residuals(*task, term, model);
    const auto& points = term.evaluations.front();
    for (std::int64_t n = 0; n < points.size(); ++n) {
      const double x = points(n, 0), y = points(n, 1), t = points(n, 2);
      const double u = std::sin(x) * std::cos(y) * std::exp(-t / 100), v = x * y + t / 50;
      const double expected = std::string(name) == "residual_u"
                                  ? -u / 100 - (e1 * -2 * u + b * (1 - u) - u * v * v)
                                  : 1.0 / 50 - (e2 * 0 - d * v + u * v * v);
      EXPECT_NEAR(r[static_cast<std::size_t>(n)], expected, 1e-12 * (1 + std::fabs(u * v * v)))
          << name;
    }
  }
  // The trivial steady state (1, 0) solves both; the keys enter: b = 0 leaves u_t = ε₁Δu - u v²,
  // which u = 2, v = 0 solves but (2, 0) does not with b = 0.04.
  const ExactModel rest(3, 2, [](const Vars& z) { return Vars{0.0 * z[0] + 1.0, 0.0 * z[0]}; });
  expect_vanish(*task, rest, {"residual_u", "residual_v"}, 0.0);
  const ExactModel two(3, 2, [](const Vars& z) { return Vars{0.0 * z[0] + 2.0, 0.0 * z[0]}; });
  expect_not_vanish(*task, two, "residual_u");
  const auto no_feed = pinnacle_task("gray_scott", std::string(gs_points) + ", b: 0", dir.path());
  expect_vanish(*no_feed, two, {"residual_u", "residual_v"}, 0.0);
  // d and u v² in the second equation: u = 0, v = e^(-d t) with d = 0.3.
  const auto killed = pinnacle_task("gray_scott", std::string(gs_points) + ", d: 0.3", dir.path());
  const ExactModel decay(3, 2, [](const Vars& z) {
    return Vars{0.0 * z[0], jet::exp(-0.3 * z[2])};
  });
  expect_vanish(*killed, decay, {"residual_v"}, 1e-15);
  expect_not_vanish(*task, decay, "residual_v");
}

TEST(PinnacleGrayScott, InitialStatesAndNoBoundaryCondition)
{
  DataDir dir;
  write_gray_scott(dir);
  const auto task = pinnacle_task("gray_scott", gs_points, dir.path());
  for (const char* name : {"initial_u", "initial_v"}) {
    const auto term = term_named(*task, name);
    EXPECT_EQ(term.size(), count_points(*task, [](const double* x) { return x[2] == 0.0; }));
    EXPECT_GE(term.size(), 100);
  }
  // The boundary points are PDE points only.
  EXPECT_GE(
      count_points(*task,
                   [](const double* x) { return std::fabs(x[0]) == 1 || std::fabs(x[1]) == 1; }),
      200);
  // The spots, plus anything that vanishes at t = 0.
  const auto spots = [](double k) {
    return ExactModel(3, 2, [k](const Vars& z) {
      const auto du = (z[0] + 0.05) * (z[0] + 0.05) + (z[1] + 0.02) * (z[1] + 0.02);
      const auto dv = (z[0] - 0.05) * (z[0] - 0.05) + (z[1] - 0.02) * (z[1] - 0.02);
      return Vars{1.0 - jet::exp(-k * du) + z[2] * z[0], jet::exp(-k * dv) + jet::sin(z[2])};
    });
  };
  expect_vanish(*task, spots(80), {"initial_u", "initial_v"}, 1e-15);
  expect_not_vanish(*task, spots(40), "initial_u");
  expect_not_vanish(*task, spots(40), "initial_v");
  const auto wide =
      pinnacle_task("gray_scott", std::string(gs_points) + ", sharpness: 40", dir.path());
  expect_vanish(*wide, spots(40), {"initial_u", "initial_v"}, 1e-15);
}

TEST(PinnacleGrayScott, ReferenceIsTheFlatTable)
{
  const auto config = default_task_config("gray_scott");
  EXPECT_EQ(config["domain_points"].as<int>(), 32768);
  EXPECT_EQ(config["boundary_points"].as<int>(), 8192);
  EXPECT_EQ(config["initial_points"].as<int>(), 8192);
  EXPECT_EQ(config["epsilon_u"].as<double>(), 1e-5);
  EXPECT_EQ(config["epsilon_v"].as<double>(), 5e-6);
  EXPECT_EQ(config["b"].as<double>(), 0.04);
  EXPECT_EQ(config["d"].as<double>(), 0.1);
  EXPECT_EQ(pde::missing_data_files(config, "/nonexistent"),
            (std::vector<std::filesystem::path>{"/nonexistent/ref/grayscott.dat"}));
  DataDir dir;
  write_gray_scott(dir);
  const auto task = pinnacle_task("gray_scott", gs_points, dir.path());
  // Rows as written, row 5 (x = 1, y = -1, t = 10) dropped for its NaN; outputs (u, v) per row.
  const auto points = task->test_points();
  EXPECT_EQ(points.coordinates, (std::vector<double>{-1, -1, 0,  1,  -1, 0, -1, 1, 0, 1, 1,
                                                     0,  -1, -1, 10, -1, 1, 10, 1, 1, 10}));
  EXPECT_EQ(task->reference(points), (std::vector<double>{0.5, 0, 1.5, -0.25, 2.5, -0.5, 3.5, -0.75,
                                                          4.5, -1, 6.5, -1.5, 7.5, -1.75}));
  // A row with a missing column is an error naming the file.
  dir.write("ref/grayscott.dat", "0 0 0 1 0\n0 1 0 1\n");
  EXPECT_THROW(pinnacle_task("gray_scott", gs_points, dir.path()), ConfigError);
}
