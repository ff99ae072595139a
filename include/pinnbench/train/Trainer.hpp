#pragma once
// One run of a suite: build the task, model, objective and optimiser from the
// resolved configuration, train, evaluate at every history entry, and assemble
// the result (docs/results.md). Collective over the run's communicator.
#include <functional>
#include <pinnbench/io/RunResult.hpp>
#include <pinnbench/parallel/MpiContext.hpp>
#include <pinnbench/suite/RunSpec.hpp>

namespace pinnbench::train {

struct RunContext
{
  parallel::MpiContext mpi;
  io::RunMetadata metadata;
  /// Progress lines (called on rank 0 only).
  std::function<void(const std::string&)> progress;
};

/// Trains one run. Numerical divergence is a result (status "diverged"), not an
/// exception; a configuration this build cannot run throws NotImplementedError.
io::RunResult run_training(const suite::RunSpec& run, const RunContext& context);

} // namespace pinnbench::train
