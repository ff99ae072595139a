// Mid-run checkpoints: a run interrupted after some iterations and resumed from
// its checkpoint ends exactly where an uninterrupted run ends, on 1 and 2 ranks
// (rank 0 writes, every rank reads); unreadable or foreign checkpoints are ignored.
#include "support/SuiteRuns.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <pinnbench/parallel/MpiContext.hpp>
#include <pinnbench/train/Checkpoint.hpp>
#include <pinnbench/train/Trainer.hpp>
#include <unistd.h>

using namespace pinnbench;
using test_support::attribute;
using test_support::single_run;

namespace {

/// A fresh temporary directory with the same name on every rank (rank 0's pid).
std::filesystem::path shared_directory(const parallel::MpiContext& mpi, const std::string& stem)
{
  const auto name = mpi.broadcast(stem + "-" + std::to_string(::getpid()));
  const auto directory = std::filesystem::temp_directory_path() / name;
  if (mpi.is_root())
    std::filesystem::create_directories(directory);
  MPI_Barrier(MPI_COMM_WORLD);
  return directory;
}

} // namespace

TEST(Checkpoint, AnInterruptedRunResumesFromItsCheckpointToTheSameResult)
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

    // Mid-run, and after the last iteration (the final metrics are then
    // measured by the resumed process, which runs no iteration).
    for (const int interrupt : {3, 7}) {
      const std::string what = optimizer + "-" + std::to_string(interrupt);
      const auto directory = shared_directory(mpi, "pinnbench-checkpoint-" + what);
      train::RunContext context(mpi);
      context.checkpoint = train::checkpoint_path(directory / (run.run_id + ".h5"));
      context.interrupt_after = interrupt;
      EXPECT_THROW(train::run_training(run, context), train::RunInterrupted);
      MPI_Barrier(MPI_COMM_WORLD); // rank 0 has written the checkpoint
      ASSERT_TRUE(std::filesystem::exists(context.checkpoint));
      context.interrupt_after = 0;
      context.resume = true;
      std::vector<std::string> progress;
      context.progress = [&](const std::string& line) { progress.push_back(line); };
      const auto resumed = train::run_training(run, context);
      // Rank 0 reports it; the decision is collective, so every rank continued.
      if (mpi.is_root()) {
        EXPECT_NE(
            std::find(progress.begin(), progress.end(),
                      "  continuing from the checkpoint at iteration " + std::to_string(interrupt)),
            progress.end());
      }
      MPI_Barrier(MPI_COMM_WORLD); // every rank has read the checkpoint before it goes
      if (mpi.is_root())
        std::filesystem::remove_all(directory);

      ASSERT_EQ(full.history.size(), resumed.history.size());
      for (std::size_t s = 0; s < full.history.size(); ++s) {
        if (full.history[s].name == "wall_time")
          continue;
        EXPECT_EQ(full.history[s].name, resumed.history[s].name);
        EXPECT_EQ(full.history[s].values, resumed.history[s].values)
            << what << ": history " << full.history[s].name;
      }
      for (const char* name : {"final_loss", "train_loss", "test_loss", "rMAE", "rMSE"})
        EXPECT_EQ(attribute(full, name), attribute(resumed, name)) << what << ": " << name;
      EXPECT_EQ(*full.run.get<std::int64_t>("closure_evals"),
                *resumed.run.get<std::int64_t>("closure_evals"));
      for (std::size_t p = 0; p < full.parameters.size(); ++p)
        EXPECT_EQ(full.parameters[p].tensor.values, resumed.parameters[p].tensor.values);
    }
  }
}

TEST(Checkpoint, DamagedOrForeignCheckpointsAreIgnored)
{
  // Each rank works in its own directory: this test is about one reader.
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
