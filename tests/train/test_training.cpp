// Whole training runs, small enough for CI, against what the papers report:
// a PINN solves convection at a moderate speed, fails on reaction at rho = 5
// (the published failure: the loss stalls near 0.2, the relative error near 1);
// a blow-up is recorded as "diverged" with its history; the plateau rule stops.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <pinnbench/io/RunMetadata.hpp>
#include <pinnbench/suite/Suite.hpp>
#include <pinnbench/train/Checkpoint.hpp>
#include <pinnbench/train/Trainer.hpp>
#include <unistd.h>

using namespace pinnbench;

namespace {

suite::RunSpec single_run(const std::string& yaml)
{
  const auto suite = suite::load_suite_from_string(yaml, "test.yaml");
  EXPECT_EQ(suite.runs.size(), 1u);
  return suite.runs.front();
}

io::RunResult train_suite(const std::string& yaml)
{
  const parallel::MpiContext mpi;
  train::RunContext context(mpi);
  return train::run_training(single_run(yaml), context);
}

double attribute(const io::RunResult& result, const std::string& name)
{
  const double* value = result.run.get<double>(name);
  EXPECT_NE(value, nullptr) << name;
  return value ? *value : std::nan("");
}

std::string status(const io::RunResult& result)
{
  return *result.run.get<std::string>("status");
}

const std::vector<double>& series(const io::RunResult& result, const std::string& name)
{
  for (const auto& s : result.history)
    if (s.name == name)
      return std::get<std::vector<double>>(s.values);
  throw std::runtime_error("no history series " + name);
}

} // namespace

TEST(Training, ConvectionAtModerateSpeedTrainsToASmallError)
{
  const auto result = train_suite(R"(
defaults:
  precision: fp64
  task:
    name: convection
    beta: 5
    points: {domain: {kind: grid, nx: 26, nt: 26}, initial: 26, boundary: 26}
    test: {domain: {kind: grid, nx: 51, nt: 51}, initial: 51, boundary: 51}
  model: {name: pinn, width: 32, hidden_layers: 3, bias_init: 0.0}
  objective: {name: vanilla}
  optimizer: {name: lbfgs}
  training: {iterations: 100, history_every: 20}
)");
  EXPECT_EQ(status(result), "ok");
  EXPECT_LT(attribute(result, "rMSE"), 0.03);
  EXPECT_LT(attribute(result, "final_loss"), 1e-4);
  // The history starts at the initial network and records every 20 steps.
  const auto& rmse = series(result, "rMSE");
  EXPECT_EQ(rmse.size(), 6u);
  EXPECT_GT(rmse.front(), 0.5);
}

TEST(Training, ReactionFailsAsPublished)
{
  // RoPINN Table 1: vanilla PINN on reaction (rho = 5) ends at loss 0.2 and
  // rMSE 0.981. The failure shows within a few dozen L-BFGS steps.
  const auto result = train_suite(R"(
defaults:
  precision: fp32
  task:
    name: reaction
    rho: 5
    points: {domain: {kind: grid, nx: 41, nt: 41}, initial: 41, boundary: 41}
    test: {domain: {kind: grid, nx: 41, nt: 41}, initial: 41, boundary: 41}
  model: {name: pinn, width: 64, hidden_layers: 3}
  objective: {name: vanilla}
  optimizer: {name: lbfgs}
  training: {iterations: 30, history_every: 10}
)");
  EXPECT_EQ(status(result), "ok");
  EXPECT_GT(attribute(result, "rMSE"), 0.9);
  EXPECT_NEAR(attribute(result, "final_loss"), 0.2, 0.03);
}

TEST(Training, ADivergingRunIsRecordedAsDiverged)
{
  const auto result = train_suite(R"(
defaults:
  precision: fp64
  task:
    name: wave
    points: {domain: {kind: grid, nx: 8, nt: 8}, initial: 8, boundary: 8}
    test: {domain: {kind: grid, nx: 8, nt: 8}, initial: 8, boundary: 8}
  model: {name: pinn, width: 8, hidden_layers: 2}
  objective: {name: vanilla}
  optimizer: {name: adam, lr: 1.0e+200}
  training: {iterations: 50, history_every: 1}
)");
  EXPECT_EQ(status(result), "diverged");
  const std::int64_t iterations = *result.run.get<std::int64_t>("iterations");
  EXPECT_LT(iterations, 50);
  EXPECT_GE(iterations, 1);
  // The history ends at the diverged step, with the finite entries before it.
  const auto& loss = series(result, "loss");
  EXPECT_EQ(static_cast<std::int64_t>(loss.size()), iterations + 1);
  EXPECT_TRUE(std::isfinite(loss.front()));
  EXPECT_NE(result.run.get<std::string>("status_message")->find("NaN/Inf"), std::string::npos);
}

TEST(Training, RelativeChangeRuleStopsOnAPlateau)
{
  const auto result = train_suite(R"(
defaults:
  precision: fp64
  task:
    name: convection
    beta: 5
    points: {domain: {kind: grid, nx: 10, nt: 10}, initial: 10, boundary: 10}
    test: {domain: {kind: grid, nx: 10, nt: 10}, initial: 10, boundary: 10}
  model: {name: pinn, width: 8, hidden_layers: 2}
  objective: {name: vanilla}
  optimizer: {name: adam, lr: 1.0e-12}
  training:
    iterations: 500
    history_every: 100
    stopping: {rule: relative_change, window: 20, tolerance: 1.0e-6}
)");
  // With a vanishing learning rate the loss is flat: the rule fires after the window.
  EXPECT_EQ(status(result), "ok");
  EXPECT_EQ(*result.run.get<std::int64_t>("iterations"), 21);
  EXPECT_NE(result.run.get<std::string>("status_message")->find("stopped"), std::string::npos);
}

TEST(Training, AnInterruptedRunResumesFromItsCheckpointToTheSameResult)
{
  // RoPINN + L-BFGS carries the most state (curvature pairs, sigma buffer, the
  // perturbation counter); Adam its moments.
  for (const std::string optimizer : {"lbfgs", "adam"}) {
    const std::string yaml = R"(
defaults:
  precision: fp64
  task:
    name: convection
    beta: 5
    points: {domain: {kind: grid, nx: 9, nt: 9}, initial: 9, boundary: 9}
    test: {domain: {kind: grid, nx: 9, nt: 9}, initial: 9, boundary: 9}
  model: {name: pinn, width: 8, hidden_layers: 2}
  objective: {name: ropinn, initial_region: 1.0e-2, past_iterations: 2}
  optimizer: {name: )" + optimizer +
                             R"(}
  training: {iterations: 7, history_every: 2, checkpoint_seconds: 0}
)";
    const auto run = single_run(yaml);
    const parallel::MpiContext mpi;
    train::RunContext plain(mpi);
    const auto full = train::run_training(run, plain);

    const auto directory = std::filesystem::temp_directory_path() /
                           ("pinnbench-checkpoint-" + optimizer + "-" + std::to_string(::getpid()));
    std::filesystem::create_directories(directory);
    train::RunContext context(mpi);
    context.checkpoint = train::checkpoint_path(directory / (run.run_id + ".h5"));
    context.interrupt_after = 3;
    EXPECT_THROW(train::run_training(run, context), train::RunInterrupted);
    ASSERT_TRUE(std::filesystem::exists(context.checkpoint));
    context.interrupt_after = 0;
    context.resume = true;
    const auto resumed = train::run_training(run, context);
    std::filesystem::remove_all(directory);

    ASSERT_EQ(full.history.size(), resumed.history.size());
    for (std::size_t s = 0; s < full.history.size(); ++s) {
      if (full.history[s].name == "wall_time")
        continue;
      EXPECT_EQ(full.history[s].name, resumed.history[s].name);
      EXPECT_EQ(full.history[s].values, resumed.history[s].values)
          << optimizer << ": history " << full.history[s].name;
    }
    for (const char* name : {"final_loss", "train_loss", "test_loss", "rMAE", "rMSE"})
      EXPECT_EQ(attribute(full, name), attribute(resumed, name)) << optimizer << ": " << name;
    EXPECT_EQ(*full.run.get<std::int64_t>("closure_evals"),
              *resumed.run.get<std::int64_t>("closure_evals"));
    for (std::size_t p = 0; p < full.parameters.size(); ++p)
      EXPECT_EQ(full.parameters[p].tensor.values, resumed.parameters[p].tensor.values);
  }
}

TEST(Training, DamagedOrForeignCheckpointsAreIgnored)
{
  const auto directory = std::filesystem::temp_directory_path() /
                         ("pinnbench-bad-checkpoint-" + std::to_string(::getpid()));
  std::filesystem::create_directories(directory);
  const auto path = directory / ".x.checkpoint.h5";
  {
    std::ofstream garbage(path);
    garbage << "not an HDF5 file";
  }
  EXPECT_FALSE(train::read_checkpoint(path, "a: 1\n").has_value());
  train::write_checkpoint(path, "a: 1\n", {});
  EXPECT_TRUE(train::read_checkpoint(path, "a: 1\n").has_value());
  EXPECT_FALSE(train::read_checkpoint(path, "a: 2\n").has_value()); // other settings
  EXPECT_FALSE(train::read_checkpoint(directory / "missing.h5", "a: 1\n").has_value());
  std::filesystem::remove_all(directory);
}
