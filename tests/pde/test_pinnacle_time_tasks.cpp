// The time-dependent PINNacle tasks Burgers 1d-C, Burgers 2d-C, Heat 2d-VC and
// Heat 2d-MS against independent truths, in FP64 at random (uniform) training
// points:
//  - the PDE residuals of exact solutions (viscous Burgers travelling waves,
//    Heat 2d-MS's analytic solution) vanish; Heat 2d-VC's equals the spec's
//    formula with k read off the grid by hand;
//  - each condition keeps exactly the points the spec puts it on (t = 0 for
//    the initial conditions, the spatial edges for the boundary ones, mirror
//    pairs for the periodic ones) and holds for a function that satisfies it;
//  - the grid interpolation of Heat 2d-VC's k (nearest node) and of Burgers
//    2d-C's initial state (bilinear) against values computed by hand on small
//    synthetic grid files; the time-transposed reading of a synthetic
//    two-output COMSOL file;
//  - Burgers 1d-C against ref/burgers1d.dat, read independently here (skipped
//    with a message when the shared data is absent), and a short run whose
//    test error falls.
#include "support/ExactModel.hpp"
#include "support/PinnacleTaskChecks.hpp"
#include "support/SuiteRuns.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <pinnbench/core/Math.hpp>
#include <pinnbench/pde/TaskRegistry.hpp>
#include <pinnbench/train/Trainer.hpp>
#include <sstream>

using namespace pinnbench;
using test_support::count_points;
using test_support::DataDir;
using test_support::default_task_config;
using test_support::ExactModel;
using test_support::expect_not_vanish;
using test_support::expect_vanish;
using test_support::for_each_point;
using test_support::grid_table;
using test_support::pinnacle_task;
using test_support::term_named;
using test_support::term_names;
using test_support::Vars;

namespace {

const double pi = math::pi<double>;

std::filesystem::path shared_data_dir()
{
  return std::filesystem::path(PINNBENCH_SHARED_DIR) / "data" / "pinnacle";
}

/// The data rows of a COMSOL text export, parsed here independently of the reader.
std::vector<std::vector<double>> comsol_rows(const std::filesystem::path& path)
{
  std::ifstream in(path, std::ios::binary);
  std::vector<std::vector<double>> rows;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '%')
      continue;
    std::istringstream fields(line);
    std::vector<double> row;
    std::string field;
    while (fields >> field)
      row.push_back(std::stod(field));
    rows.push_back(row);
  }
  return rows;
}

} // namespace

// --- Burgers 1d-C ------------------------------------------------------------------------------

namespace {
/// Viscous Burgers travelling wave u = c - a tanh(a (x - c t) / (2 ν)): exact.
ExactModel burgers_wave(double c, double a, double nu)
{
  return ExactModel(2, 1, [=](const Vars& z) {
    return Vars{c - a * jet::tanh((a / (2 * nu)) * (z[0] - c * z[1]))};
  });
}
} // namespace

TEST(PinnacleTimeTasks, Burgers1dTermsPointsAndExactSolutions)
{
  DataDir dir;
  dir.write("ref/burgers1d.dat", "% X u (1) @ t=0 u (1) @ t=1\n-1 0 0\n1 0 0\n");
  const auto task = pinnacle_task(
      "burgers1d", "domain_points: 300, boundary_points: 100, initial_points: 80", dir.path());
  ASSERT_EQ(task->dimension(), 2);
  EXPECT_EQ(term_names(*task), (std::vector<std::string>{"residual", "initial", "boundary"}));
  // [initial; boundary; domain]: the PDE sees every training point.
  EXPECT_EQ(term_named(task->training_terms(), "residual").size(), 80 + 100 + 300);
  const double nu = 0.01 / pi;
  expect_vanish(*task, burgers_wave(0.3, 0.05, nu), {"residual"}, 1e-10);
  expect_vanish(*task, burgers_wave(-0.2, 0.02, nu), {"residual"}, 1e-10);
  expect_not_vanish(*task, burgers_wave(0.3, 0.05, 2 * nu), "residual");
  // u = -sin(π x) cos(t): the initial condition and u(±1, t) = 0 hold.
  const ExactModel initial(
      2, 1, [](const Vars& z) { return Vars{-1.0 * (jet::sin(pi * z[0]) * jet::cos(z[1]))}; });
  expect_vanish(*task, initial, {"initial", "boundary"}, 1e-14);
  const ExactModel shifted(2, 1, [](const Vars& z) { return Vars{0.0 * z[1] + 0.5}; });
  expect_not_vanish(*task, shifted, "initial");
  expect_not_vanish(*task, shifted, "boundary");
  // The initial condition sits on t = 0, the boundary one on x = ±1.
  const auto terms = task->training_terms();
  EXPECT_EQ(term_named(terms, "initial").size(),
            count_points(*task, [](const double* x) { return x[1] == 0.0; }));
  EXPECT_GE(term_named(terms, "initial").size(), 80);
  EXPECT_EQ(term_named(terms, "initial").kind, pde::TermKind::initial);
  EXPECT_EQ(term_named(terms, "boundary").size(),
            count_points(*task, [](const double* x) { return std::fabs(x[0]) == 1.0; }));
  EXPECT_GE(term_named(terms, "boundary").size(), 100);
  for_each_point(term_named(terms, "initial"), [](const double* x) {
    EXPECT_EQ(x[1], 0.0);
    EXPECT_LE(std::fabs(x[0]), 1.0);
  });
  for_each_point(term_named(terms, "boundary"), [](const double* x) {
    EXPECT_EQ(std::fabs(x[0]), 1.0);
    EXPECT_GE(x[1], 0.0);
    EXPECT_LE(x[1], 1.0);
  });
}

TEST(PinnacleTimeTasks, Burgers1dDefaultsArePinnacles)
{
  const auto config = default_task_config("burgers1d");
  EXPECT_EQ(config["domain_points"].as<int>(), 8192);
  EXPECT_EQ(config["boundary_points"].as<int>(), 2048);
  EXPECT_EQ(config["initial_points"].as<int>(), 2048);
  EXPECT_EQ(config["nu"].as<double>(), 0.01 / pi);
}

TEST(PinnacleTimeTasks, Burgers1dReferenceIsTheFileAtItsNodes)
{
  const auto file = shared_data_dir() / "ref" / "burgers1d.dat";
  if (!std::filesystem::is_regular_file(file))
    GTEST_SKIP() << "PINNacle reference data for burgers1d not found: " << file;
  const auto task = pinnacle_task(
      "burgers1d", "domain_points: 10, boundary_points: 10, initial_points: 10", shared_data_dir());
  const auto rows = comsol_rows(file);
  ASSERT_EQ(rows.size(), 101u);
  const auto points = task->test_points();
  ASSERT_EQ(points.size(), 101 * 11);
  const auto u = task->reference(points);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    ASSERT_EQ(rows[i].size(), 12u);
    for (std::size_t k = 0; k < 11; ++k) {
      const auto n = static_cast<std::int64_t>(i * 11 + k);
      EXPECT_EQ(points(n, 0), rows[i][0]);
      EXPECT_EQ(points(n, 1), static_cast<double>(k) / 10);
      EXPECT_EQ(u[static_cast<std::size_t>(n)], rows[i][1 + k]);
    }
  }
  // Spot values of the text: x = -0.98 at t = 0.1, and the initial state -sin(π x).
  EXPECT_EQ(points(11 + 1, 0), -0.98);
  EXPECT_EQ(u[11 + 1], 0.047599793441306694);
  EXPECT_NEAR(u[11 * 30], -std::sin(pi * points(11 * 30, 0)), 1e-3);
}

TEST(PinnacleTimeTasks, Burgers1dShortRunLowersTheTestError)
{
  if (!std::filesystem::is_regular_file(shared_data_dir() / "ref" / "burgers1d.dat"))
    GTEST_SKIP() << "PINNacle reference data for burgers1d not found in " << shared_data_dir();
  const parallel::MpiContext mpi;
  train::RunContext context(mpi);
  context.data_dir = shared_data_dir();
  const auto result = train::run_training(test_support::single_run(R"(
defaults:
  precision: fp32
  task: {name: burgers1d, domain_points: 500, boundary_points: 100, initial_points: 100}
  model: {name: pinn, width: 20, hidden_layers: 3, init: glorot_normal, bias_init: 0}
  objective: {name: vanilla}
  optimizer: {name: adam, lr: 0.01}
  training: {iterations: 200, history_every: 50}
)"),
                                          context);
  const auto& rmse = test_support::series(result, "rMSE");
  ASSERT_EQ(rmse.size(), 5u);
  EXPECT_LT(rmse.back(), 0.6 * rmse.front());
}

// --- Heat 2d-MS ----------------------------------------------------------------------------------

TEST(PinnacleTimeTasks, HeatMultiscaleExactSolutionSatisfiesEveryTerm)
{
  const auto task = pinnacle_task("heat2d_multiscale",
                                  "domain_points: 300, boundary_points: 200, initial_points: 100");
  ASSERT_EQ(task->dimension(), 3);
  EXPECT_EQ(term_names(*task), (std::vector<std::string>{"residual", "initial", "boundary"}));
  // u = sin(20π x) sin(π y) exp(-1.0016 t): ε₁ (20π)² = 0.0016, ε₂ π² = 1.
  const auto solution = [](double rate) {
    return ExactModel(3, 1, [rate](const Vars& z) {
      return Vars{jet::sin((20 * pi) * z[0]) * jet::sin(pi * z[1]) * jet::exp(-rate * z[2])};
    });
  };
  expect_vanish(*task, solution(1.0016), {"residual", "initial", "boundary"}, 1e-10);
  expect_not_vanish(*task, solution(1.0), "residual");
  const ExactModel other_mode(3, 1, [](const Vars& z) {
    return Vars{jet::sin((10 * pi) * z[0]) * jet::sin(pi * z[1]) + 0.0 * z[2]};
  });
  expect_not_vanish(*task, other_mode, "initial");
  expect_vanish(*task, other_mode, {"boundary"}, 1e-13);
  // Keys change the equation: ε₁ = 1e-3, m_x = 2 gives the rate 1e-3 (2π)² + 1.
  const auto keyed =
      pinnacle_task("heat2d_multiscale", "domain_points: 200, boundary_points: 100, "
                                         "initial_points: 50, epsilon_x: 1.0e-3, mode_x: 2");
  const double rate = 1e-3 * 4 * pi * pi + 1;
  const ExactModel keyed_solution(3, 1, [rate](const Vars& z) {
    return Vars{jet::sin((2 * pi) * z[0]) * jet::sin(pi * z[1]) * jet::exp(-rate * z[2])};
  });
  expect_vanish(*keyed, keyed_solution, {"residual", "initial", "boundary"}, 1e-10);
}

TEST(PinnacleTimeTasks, HeatMultiscaleConditionsAndTestGrid)
{
  const auto task = pinnacle_task("heat2d_multiscale",
                                  "domain_points: 300, boundary_points: 200, initial_points: 100");
  const auto terms = task->training_terms();
  EXPECT_EQ(term_named(terms, "residual").size(), 600);
  EXPECT_EQ(term_named(terms, "initial").size(),
            count_points(*task, [](const double* x) { return x[2] == 0.0; }));
  EXPECT_GE(term_named(terms, "initial").size(), 100);
  const auto on_edge = [](const double* x) {
    return x[0] == 0.0 || x[0] == 1.0 || x[1] == 0.0 || x[1] == 1.0;
  };
  EXPECT_EQ(term_named(terms, "boundary").size(), count_points(*task, on_edge));
  EXPECT_GE(term_named(terms, "boundary").size(), 200);
  for_each_point(term_named(terms, "boundary"), [&](const double* x) {
    EXPECT_TRUE(on_edge(x));
    EXPECT_GE(x[2], 0.0);
    EXPECT_LE(x[2], 5.0);
  });
  // PINNacle's test set: 8 x 8 interior nodes k/9 at 313 times 5 - 5 j / 313, time-major.
  const auto points = task->test_points();
  ASSERT_EQ(points.size(), 20032);
  const auto u = task->reference(points);
  for (std::int64_t n : {0L, 1L, 63L, 64L, 777L, 20031L}) {
    const std::int64_t j = n / 64, ix = (n % 64) / 8, iy = n % 8;
    const double x = (ix + 1) / 9.0, y = (iy + 1) / 9.0, t = 5 - 5.0 * j / 313;
    EXPECT_NEAR(points(n, 0), x, 1e-15);
    EXPECT_NEAR(points(n, 1), y, 1e-15);
    EXPECT_NEAR(points(n, 2), t, 1e-14);
    EXPECT_NEAR(u[static_cast<std::size_t>(n)],
                std::sin(20 * pi * x) * std::sin(pi * y) * std::exp(-1.0016 * t), 1e-14);
  }
}

// --- Burgers 2d-C
// ----------------------------------------------------------------------------------

namespace {

/// u0 = 1 + x/2 - y/4 + xy/10 is bilinear, so bilinear interpolation reproduces it.
double burgers_u0(double x, double y)
{
  return 1 + 0.5 * x - 0.25 * y + 0.1 * x * y;
}

/// v0 = x² + y²/2 on the nodes 0..4; between them the bilinear interpolant of a
/// sum of one-variable functions is the sum of their linear interpolants.
double burgers_v0_node(double x, double y)
{
  return x * x + 0.5 * y * y;
}
double linear_square(double z)
{
  const double i = std::min(std::floor(z), 3.0), s = z - i;
  return (1 - s) * i * i + s * (i + 1) * (i + 1);
}
double burgers_v0_interpolated(double x, double y)
{
  return linear_square(x) + 0.5 * linear_square(y);
}

/// Synthetic Burgers 2d-C data: 5 x 5 initial grids on [0, 4]² and a
/// two-output COMSOL export of 3 nodes at t = 0, 1.
void write_burgers2d_files(const DataDir& dir)
{
  const std::vector<double> nodes = {0, 1, 2, 3, 4};
  dir.write("ref/burgers2d_init_u_0.dat", grid_table(nodes, nodes, burgers_u0));
  dir.write("ref/burgers2d_init_v_0.dat", grid_table(nodes, nodes, burgers_v0_node));
  dir.write("ref/burgers2d_0.dat",
            "% Model:              burgers2d.mph\r\n% Nodes:              3\r\n"
            "% Expressions:        4\r\n"
            "% X   Y   u (m/s) @ t=0   v (m/s) @ t=0   u (m/s) @ t=1   v (m/s) @ t=1\r\n"
            "0     0     1  2  3  4\r\n"
            "4     0     5  6  7  8\r\n"
            "1.5   2.5   9  10 11 12\r\n");
}

/// The 2-D viscous Burgers pair u = α g(ξ), v = β g(ξ), ξ = α x + β y - s t,
/// g = (s - a tanh(a ξ / (2 ν w))) / w, w = α² + β²: exact for viscosity ν.
ExactModel burgers2d_wave(double alpha, double beta, double s, double a, double nu)
{
  const double w = alpha * alpha + beta * beta;
  return ExactModel(3, 2, [=](const Vars& z) {
    const auto xi = alpha * z[0] + beta * z[1] - s * z[2];
    const auto g = (1 / w) * (s - a * jet::tanh((a / (2 * nu * w)) * xi));
    return Vars{alpha * g, beta * g};
  });
}

const char* const burgers2d_points =
    "domain_points: 300, boundary_points: 300, initial_points: 100";

} // namespace

TEST(PinnacleTimeTasks, Burgers2dExactSolutionsAndTerms)
{
  DataDir dir;
  write_burgers2d_files(dir);
  const auto task = pinnacle_task("burgers2d", burgers2d_points, dir.path());
  ASSERT_EQ(task->dimension(), 3);
  ASSERT_EQ(task->outputs(), 2);
  EXPECT_EQ(
      term_names(*task),
      (std::vector<std::string>{"residual_u", "residual_v", "initial_u", "initial_v",
                                "periodic_x_u", "periodic_x_v", "periodic_y_u", "periodic_y_v"}));
  EXPECT_EQ(term_named(task->training_terms(), "residual_u").size(), 700);
  expect_vanish(*task, burgers2d_wave(1.0, -0.5, 0.3, 0.01, 0.001), {"residual_u", "residual_v"},
                1e-10);
  expect_vanish(*task, burgers2d_wave(0.4, 0.8, -0.2, 0.01, 0.001), {"residual_u", "residual_v"},
                1e-10);
  // The key sets ν; the wave of another viscosity, or with u and v swapped, is no solution.
  const auto viscous =
      pinnacle_task("burgers2d", std::string(burgers2d_points) + ", nu: 0.05", dir.path());
  expect_vanish(*viscous, burgers2d_wave(1.0, -0.5, 0.3, 0.5, 0.05), {"residual_u", "residual_v"},
                1e-10);
  expect_not_vanish(*viscous, burgers2d_wave(1.0, -0.5, 0.3, 0.5, 0.1), "residual_u");
  expect_not_vanish(*viscous, burgers2d_wave(1.0, -0.5, 0.3, 0.5, 0.1), "residual_v");
  const ExactModel swapped(3, 2, [](const Vars& z) {
    const auto g = 0.8 * (0.3 - 0.01 * jet::tanh(4.0 * (z[0] - 0.5 * z[1] - 0.3 * z[2])));
    return Vars{-0.5 * g, 1.0 * g};
  });
  expect_not_vanish(*task, swapped, "residual_u");
  expect_not_vanish(*task, swapped, "residual_v");
  // Period 4 in x and y: every periodic term holds; u = x breaks periodicity in x only.
  const double k = pi / 2;
  const ExactModel periodic(3, 2, [k](const Vars& z) {
    return Vars{jet::sin(k * z[0]) * jet::cos(k * z[1]) * jet::exp(-1.0 * z[2]),
                jet::cos((2 * k) * z[0]) + jet::sin(k * z[1]) * z[2]};
  });
  expect_vanish(*task, periodic, {"periodic_x_u", "periodic_x_v", "periodic_y_u", "periodic_y_v"},
                1e-13);
  const ExactModel ramp(3, 2, [k](const Vars& z) {
    return Vars{z[0] + jet::sin(k * z[1]), jet::sin(k * z[0]) + z[1]};
  });
  expect_not_vanish(*task, ramp, "periodic_x_u");
  expect_vanish(*task, ramp, {"periodic_y_u", "periodic_x_v"}, 1e-13);
  expect_not_vanish(*task, ramp, "periodic_y_v");
}

TEST(PinnacleTimeTasks, Burgers2dPeriodicPairsAndInitialPoints)
{
  DataDir dir;
  write_burgers2d_files(dir);
  const auto task = pinnacle_task("burgers2d", burgers2d_points, dir.path());
  const auto terms = task->training_terms();
  for (int axis : {0, 1}) {
    for (const char* output : {"_u", "_v"}) {
      const auto& term =
          term_named(terms, std::string(axis == 0 ? "periodic_x" : "periodic_y") + output);
      ASSERT_EQ(term.evaluations.size(), 2u);
      EXPECT_EQ(term.size(), count_points(*task, [axis](const double* x) {
                  return x[axis] == 0.0 || x[axis] == 4.0;
                }));
      EXPECT_GT(term.size(), 40);
      const auto& a = term.evaluations[0];
      const auto& b = term.evaluations[1];
      for (std::int64_t n = 0; n < a.size(); ++n)
        for (int j = 0; j < 3; ++j)
          EXPECT_EQ(b(n, j), j == axis ? 4.0 - a(n, j) : a(n, j));
    }
  }
  for (const char* name : {"initial_u", "initial_v"}) {
    EXPECT_EQ(term_named(terms, name).size(),
              count_points(*task, [](const double* x) { return x[2] == 0.0; }));
    EXPECT_GE(term_named(terms, name).size(), 100);
    for_each_point(term_named(terms, name), [](const double* x) { EXPECT_EQ(x[2], 0.0); });
  }
}

TEST(PinnacleTimeTasks, Burgers2dInitialStateIsInterpolatedFromTheGrids)
{
  DataDir dir;
  write_burgers2d_files(dir);
  const auto task = pinnacle_task("burgers2d", burgers2d_points, dir.path());
  const auto terms = task->training_terms();
  // Each initial term carries its grid's bilinear value at its points.
  for (const char* name : {"initial_u", "initial_v"}) {
    const auto& term = term_named(terms, name);
    ASSERT_EQ(term.point_data.dimension, 1);
    ASSERT_EQ(term.point_data.size(), term.size());
    const auto& points = term.evaluations.front();
    for (std::int64_t n = 0; n < points.size(); ++n) {
      const double x = points(n, 0), y = points(n, 1);
      const double expected =
          std::string(name) == "initial_u" ? burgers_u0(x, y) : burgers_v0_interpolated(x, y);
      EXPECT_NEAR(term.point_data(n, 0), expected, 1e-12) << name << " at " << x << ", " << y;
    }
  }
  // Hand values: v0 at (2.5, 1.25) = (4 + 9)/2 + (0.75 * 1 + 0.25 * 4)/2 = 7.375.
  EXPECT_EQ(burgers_v0_interpolated(2.5, 1.25), 7.375);
  // The initial terms vanish for the network equal to the initial state.
  const ExactModel initial(3, 2, [](const Vars& z) {
    return Vars{1.0 + 0.5 * z[0] - 0.25 * z[1] + 0.1 * (z[0] * z[1]) + 3.0 * z[2], 0.0 * z[0]};
  });
  expect_vanish(*task, initial, {"initial_u"}, 1e-13);
  expect_not_vanish(*task, initial, "initial_v");
}

TEST(PinnacleTimeTasks, Burgers2dReferenceIsTheTimeTransposedExport)
{
  DataDir dir;
  write_burgers2d_files(dir);
  const auto task = pinnacle_task("burgers2d", burgers2d_points, dir.path());
  // Node-major, time-minor rows (x, y, t) with outputs (u, v) at that time.
  const auto points = task->test_points();
  ASSERT_EQ(points.size(), 6);
  EXPECT_EQ(points.coordinates,
            (std::vector<double>{0, 0, 0, 0, 0, 1, 4, 0, 0, 4, 0, 1, 1.5, 2.5, 0, 1.5, 2.5, 1}));
  EXPECT_EQ(task->reference(points), (std::vector<double>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}));
}

TEST(PinnacleTimeTasks, DataFilesAreDeclared)
{
  const auto burgers = pde::missing_data_files(default_task_config("burgers2d"), "/nonexistent");
  EXPECT_EQ(burgers,
            (std::vector<std::filesystem::path>{"/nonexistent/ref/burgers2d_0.dat",
                                                "/nonexistent/ref/burgers2d_init_u_0.dat",
                                                "/nonexistent/ref/burgers2d_init_v_0.dat"}));
  EXPECT_EQ(pde::missing_data_files(default_task_config("burgers1d"), "/nonexistent"),
            (std::vector<std::filesystem::path>{"/nonexistent/ref/burgers1d.dat"}));
  EXPECT_TRUE(
      pde::missing_data_files(default_task_config("heat2d_multiscale"), "/nonexistent").empty());
  // One file of three missing: the error names it and the download command.
  DataDir dir;
  write_burgers2d_files(dir);
  std::filesystem::remove(dir.path() / "ref" / "burgers2d_init_v_0.dat");
  try {
    pde::require_data_files(default_task_config("burgers2d"), dir.path(), "run-7");
    ADD_FAILURE() << "no error";
  } catch (const ConfigError& e) {
    const std::string text = e.what();
    EXPECT_NE(text.find("burgers2d_init_v_0.dat"), std::string::npos) << text;
    EXPECT_NE(text.find("scripts/fetch-pinnacle-data.sh"), std::string::npos) << text;
  }
}

// --- Heat 2d-VC ----------------------------------------------------------------------------------

namespace {

/// Synthetic k on the 4 x 4 grid linspace(0, 1, 4): k = 1 + i + 10 j at node
/// (i/3, j/3); anywhere else, the nearest node's k by hand (i = round(3 x)).
double heat_k(double x, double y)
{
  return 1 + std::round(3 * x) + 10 * std::round(3 * y);
}

const char* const heat_points = "domain_points: 300, boundary_points: 200, initial_points: 100";

void write_heat_coefficients(const DataDir& dir)
{
  const std::vector<double> nodes = {0.0, 1.0 / 3, 2.0 / 3, 1.0};
  dir.write("ref/heat_2d_coef_256.dat", grid_table(nodes, nodes, heat_k));
}

/// A synthetic heat_darcy.dat: 2 nodes at t = 0, 2.5, 5.
void write_heat_reference(const DataDir& dir)
{
  dir.write("ref/heat_darcy.dat", "% Model:              heat_case1.mph\n% Nodes:              2\n"
                                  "% X  Y  u (1) @ t=0  u (1) @ t=2.5  u (1) @ t=5\n"
                                  "0.25  0.6  0  0.125  -0.5\n"
                                  "1     0    0  3      4\n");
}

} // namespace

TEST(PinnacleTimeTasks, HeatVaryingCoefResidualIsTheSpecFormula)
{
  DataDir dir;
  write_heat_coefficients(dir);
  write_heat_reference(dir);
  const auto task = pinnacle_task("heat2d_varying_coef", heat_points, dir.path());
  ASSERT_EQ(task->dimension(), 3);
  EXPECT_EQ(term_names(*task), (std::vector<std::string>{"residual", "initial", "boundary"}));
  const auto terms = task->training_terms();
  const auto& term = term_named(terms, "residual");
  ASSERT_EQ(term.size(), 600);
  // u = sin(x) sin(2y) t²: u_t - k Δu - f = 2t sin x sin 2y + 5 k t² sin x sin 2y - f.
  const ExactModel model(3, 1, [](const Vars& z) {
    return Vars{jet::sin(z[0]) * jet::sin(2.0 * z[1]) * (z[2] * z[2])};
  });
  const auto r = test_support::term_residuals(*task, term, model);
  const auto& points = term.evaluations.front();
  ASSERT_EQ(term.point_data.size(), term.size());
  for (std::int64_t n = 0; n < points.size(); ++n) {
    const double x = points(n, 0), y = points(n, 1), t = points(n, 2);
    const double k = heat_k(x, y);
    EXPECT_EQ(term.point_data(n, 0), k) << x << ", " << y;
    const double s = std::sin(x) * std::sin(2 * y);
    const double f = 200 * std::sin(pi * x) * std::sin(5 * pi * y) * std::sin(pi * t);
    const double expected = 2 * t * s + 5 * k * t * t * s - f;
    EXPECT_NEAR(r[static_cast<std::size_t>(n)], expected, 1e-10 * (1 + std::fabs(f) + k * t * t));
  }
  // The source's keys: A = 0 leaves u_t - k Δu, which a steady harmonic u makes zero.
  const auto unforced =
      pinnacle_task("heat2d_varying_coef", std::string(heat_points) + ", amplitude: 0", dir.path());
  const ExactModel harmonic(
      3, 1, [](const Vars& z) { return Vars{jet::exp(z[0]) * jet::sin(z[1]) + 0.0 * z[2]}; });
  expect_vanish(*unforced, harmonic, {"residual"}, 1e-12);
  expect_not_vanish(*task, harmonic, "residual");
  // The test terms carry k at the test points too.
  const auto test_terms = task->test_terms();
  const auto& test_residual = term_named(test_terms, "residual");
  // Nodes (0.25, 0.6) -> grid node (1/3, 2/3), k = 1 + 1 + 20; (1, 0) -> k = 1 + 3.
  ASSERT_EQ(test_residual.point_data.size(), 6);
  EXPECT_EQ(test_residual.point_data.coordinates, (std::vector<double>{22, 22, 22, 4, 4, 4}));
}

TEST(PinnacleTimeTasks, HeatVaryingCoefConditionsAndReference)
{
  DataDir dir;
  write_heat_coefficients(dir);
  write_heat_reference(dir);
  const auto task = pinnacle_task("heat2d_varying_coef", heat_points, dir.path());
  const auto terms = task->training_terms();
  EXPECT_EQ(term_named(terms, "initial").size(),
            count_points(*task, [](const double* x) { return x[2] == 0.0; }));
  const auto on_edge = [](const double* x) {
    return x[0] == 0.0 || x[0] == 1.0 || x[1] == 0.0 || x[1] == 1.0;
  };
  EXPECT_EQ(term_named(terms, "boundary").size(), count_points(*task, on_edge));
  EXPECT_GE(term_named(terms, "boundary").size(), 200);
  for_each_point(term_named(terms, "boundary"), [&](const double* x) { EXPECT_TRUE(on_edge(x)); });
  // u = x y (1 - x)(1 - y) t vanishes on the edges and at t = 0.
  const ExactModel zero_on_conditions(
      3, 1, [](const Vars& z) { return Vars{z[0] * z[1] * (1.0 - z[0]) * (1.0 - z[1]) * z[2]}; });
  expect_vanish(*task, zero_on_conditions, {"initial", "boundary"}, 1e-15);
  const ExactModel one(3, 1, [](const Vars& z) { return Vars{0.0 * z[0] + 1.0}; });
  expect_not_vanish(*task, one, "initial");
  expect_not_vanish(*task, one, "boundary");
  // The synthetic export, time-transposed: (x, y, t) node-major, time-minor.
  const auto points = task->test_points();
  EXPECT_EQ(points.coordinates, (std::vector<double>{0.25, 0.6, 0, 0.25, 0.6, 2.5, 0.25, 0.6, 5, 1,
                                                     0, 0, 1, 0, 2.5, 1, 0, 5}));
  EXPECT_EQ(task->reference(points), (std::vector<double>{0, 0.125, -0.5, 0, 3, 4}));
}

TEST(PinnacleTimeTasks, HeatVaryingCoefReferenceIsHeatDarcyAtItsNodes)
{
  const auto file = shared_data_dir() / "ref" / "heat_darcy.dat";
  if (!std::filesystem::is_regular_file(file))
    GTEST_SKIP() << "PINNacle reference data for heat2d_varying_coef not found: " << file;
  // The shared bundle lacks the coefficient grid: a synthetic one stands in.
  DataDir dir;
  write_heat_coefficients(dir);
  std::filesystem::create_symlink(file, dir.path() / "ref" / "heat_darcy.dat");
  const auto task =
      pinnacle_task("heat2d_varying_coef",
                    "domain_points: 10, boundary_points: 10, initial_points: 10", dir.path());
  const auto rows = comsol_rows(file);
  ASSERT_EQ(rows.size(), 983u);
  const auto points = task->test_points();
  ASSERT_EQ(points.size(), 983 * 51);
  const auto u = task->reference(points);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    ASSERT_EQ(rows[i].size(), 53u);
    for (std::size_t k = 0; k < 51; ++k) {
      const auto n = static_cast<std::int64_t>(i * 51 + k);
      ASSERT_EQ(points(n, 0), rows[i][0]);
      ASSERT_EQ(points(n, 1), rows[i][1]);
      ASSERT_EQ(points(n, 2), static_cast<double>(k) / 10);
      ASSERT_EQ(u[static_cast<std::size_t>(n)], rows[i][2 + k]);
    }
  }
  EXPECT_EQ(points(0, 1), 0.03703703703703703);
  EXPECT_EQ(u[2 * 51 + 1], 0.003244507623168364);
}
