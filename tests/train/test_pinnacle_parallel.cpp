// PINNacle tasks under data parallelism: the closure on all ranks equals the
// closure of one rank holding every point (loss and gradient, to summation
// order), for Poisson 2d-C (a domain with holes; skipped without the shared
// data), Wave 1d-C (Neumann normals split across ranks with their points),
// Poisson 3d-CG (per-point PDE coefficients) and Burgers 2d-C (per-point initial
// values, periodic pairs), HNd (normals of a ball x time) and Wave 2d-CG
// (an interpolated per-point speed).
// Registered at 1 and 2 ranks.
#include "support/ClosureAcrossRanks.hpp"
#include "support/SuiteRuns.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <pinnbench/nn/Mlp.hpp>
#include <pinnbench/pde/TaskRegistry.hpp>
#include <pinnbench/train/LossFunction.hpp>
#include <unistd.h>

using namespace pinnbench;

namespace {

void expect_world_equals_self(const std::string& task_name, const std::string& settings,
                              const std::filesystem::path& data_dir =
                                  std::filesystem::path(PINNBENCH_SHARED_DIR) / "data" / "pinnacle")
{
  const auto run = test_support::single_run(
      "defaults:\n  task: {" + task_name + ": {" + settings + "}}\nmatrix:\n  tasks: [" +
      task_name + "]\n  models: [pinn]\n  objectives: [vanilla]\n  optimizers: [adam]\n");
  pde::TaskInputs in;
  in.config = run.config["task"];
  in.seed = 5;
  in.data_dir = data_dir;
  const auto task = pde::make_task(in);
  nn::MlpShape shape;
  shape.inputs = task->dimension();
  shape.outputs = task->outputs();
  shape.width = 12;
  shape.hidden_layers = 2;
  shape.weight_init = nn::WeightInit::glorot_normal;
  nn::Mlp<double> model(shape);
  Vector<double> parameters("parameters", model.layout().size());
  model.initialize(parameters, 3);
  const auto world =
      test_support::closure_on(MPI_COMM_WORLD, *task, model, parameters, nullptr, 64, 0);
  const auto self =
      test_support::closure_on(MPI_COMM_SELF, *task, model, parameters, nullptr, 64, 0);
  ASSERT_EQ(world.terms.size(), self.terms.size());
  for (std::size_t k = 0; k < self.terms.size(); ++k) {
    EXPECT_GT(self.terms[k], 0.0) << task_name << " term " << k;
    EXPECT_NEAR(world.terms[k], self.terms[k], 1e-13 * self.terms[k]) << task_name << " " << k;
  }
  test_support::expect_same_closure(world, self, task_name);
}

} // namespace

TEST(PinnacleParallel, PoissonWithHolesOnAllRanksEqualsOneRank)
{
  const auto data = std::filesystem::path(PINNBENCH_SHARED_DIR) / "data" / "pinnacle" / "ref" /
                    "poisson1_cg_data.dat";
  if (!std::filesystem::exists(data))
    GTEST_SKIP() << "PINNacle reference data not found: " << data;
  expect_world_equals_self("poisson2d_classic", "domain_points: 301, boundary_points: 157");
}

TEST(PinnacleParallel, NeumannNormalsOnAllRanksEqualOneRank)
{
  expect_world_equals_self("wave1d", "domain_points: 301, boundary_points: 157");
}

TEST(PinnacleParallel, PiecewiseCoefficientsOnAllRanksEqualOneRank)
{
  // Poisson 3d-CG (K and μ per point) with a stand-in reference file per rank.
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  const auto dir =
      std::filesystem::temp_directory_path() /
      ("pinnbench-parallel-" + std::to_string(::getpid()) + "-" + std::to_string(rank));
  std::filesystem::create_directories(dir / "ref");
  std::ofstream(dir / "ref" / "poisson_3d.dat") << "0.1 0.1 0.1 0.5\n0.9 0.9 0.9 1.5\n";
  expect_world_equals_self("poisson3d_complex_geometry", "domain_points: 301, boundary_points: 157",
                           dir);
  std::filesystem::remove_all(dir);
}

TEST(PinnacleParallel, InitialValuesAndPeriodicPairsOnAllRanksEqualOneRank)
{
  // Burgers 2d-C: initial (u, v) as per-point condition values, periodic pairs
  // in x and y, two outputs; small stand-in grids and reference per rank.
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  const auto dir =
      std::filesystem::temp_directory_path() /
      ("pinnbench-parallel-burgers-" + std::to_string(::getpid()) + "-" + std::to_string(rank));
  std::filesystem::create_directories(dir / "ref");
  for (const char* output : {"u", "v"}) {
    std::ofstream grid(dir / "ref" / (std::string("burgers2d_init_") + output + "_0.dat"));
    for (int j = 0; j <= 4; ++j)
      for (int i = 0; i <= 4; ++i)
        grid << i << ' ' << j << ' ' << std::sin(i + 2.0 * j + (output[0] == 'v' ? 1 : 0)) << '\n';
  }
  std::ofstream(dir / "ref" / "burgers2d_0.dat") << "% X Y u @ t=0 v @ t=0\n0 0 1 2\n4 4 3 4\n";
  expect_world_equals_self("burgers2d",
                           "domain_points: 301, boundary_points: 157, initial_points: 83", dir);
  std::filesystem::remove_all(dir);
}

TEST(PinnacleParallel, BallTimesTimeNormalsOnAllRanksEqualOneRank)
{
  // HNd: Neumann normals of the 5-ball, an initial condition, a 5-D Laplacian.
  expect_world_equals_self("heat_nd",
                           "domain_points: 151, boundary_points: 97, initial_points: 53");
}

TEST(PinnacleParallel, InterpolatedSpeedOnAllRanksEqualsOneRank)
{
  // Wave 2d-CG: 1/c per point (bilinear in a stand-in 3 x 3 grid), Neumann on box faces.
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  const auto dir =
      std::filesystem::temp_directory_path() /
      ("pinnbench-parallel-wave-" + std::to_string(::getpid()) + "-" + std::to_string(rank));
  std::filesystem::create_directories(dir / "ref");
  {
    std::ofstream grid(dir / "ref" / "darcy_2d_coef_256.dat");
    for (int j = 0; j <= 2; ++j)
      for (int i = 0; i <= 2; ++i)
        grid << i / 2.0 << ' ' << j / 2.0 << ' ' << 1 + i + 5 * j << '\n';
  }
  std::ofstream(dir / "ref" / "wave_darcy.dat") << "% X Y u @ t=0 u @ t=5\n0 0 1 2\n0.5 0.5 3 4\n";
  expect_world_equals_self("wave2d_heterogeneous", "domain_points: 301, boundary_points: 157", dir);
  std::filesystem::remove_all(dir);
}
