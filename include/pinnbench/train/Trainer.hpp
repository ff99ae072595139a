#pragma once
// One run of a suite: build the task, model, objective and optimiser from the
// resolved configuration, train, evaluate at every history entry, and assemble
// the result (docs/results.md). Collective over the run's communicator.
#include <filesystem>
#include <functional>
#include <pinnbench/io/RunResult.hpp>
#include <pinnbench/parallel/MpiContext.hpp>
#include <pinnbench/suite/RunSpec.hpp>
#include <stdexcept>

namespace pinnbench::train {

struct RunContext
{
  explicit RunContext(parallel::MpiContext communicator, io::RunMetadata run_metadata = {})
      : mpi(communicator), metadata(std::move(run_metadata))
  {}

  parallel::MpiContext mpi;
  io::RunMetadata metadata;
  /// Progress lines (called on rank 0 only).
  std::function<void(const std::string&)> progress;
  /// Where checkpoints go (empty: none are written), and whether an existing
  /// checkpoint of the same configuration is continued.
  std::filesystem::path checkpoint;
  bool resume = false;
  /// Where tasks find their data files (--data-dir / $PINNBENCH_DATA; empty: none).
  std::filesystem::path data_dir;
  /// Tests only: after this iteration, write a checkpoint and throw
  /// RunInterrupted, as if the job had been killed (0: never).
  std::int64_t interrupt_after = 0;
  /// Polled after every iteration (with checkpoints on): true on any rank makes
  /// every rank write a checkpoint and throw RunInterrupted (SIGTERM/SIGUSR1).
  std::function<bool()> stop_requested;
};

/// Thrown when a run stops at RunContext::interrupt_after or on a stop request,
/// after its checkpoint is written.
class RunInterrupted : public std::runtime_error
{
public:
  using std::runtime_error::runtime_error;
};

/// Thrown on the ranks whose setup of a run succeeded when another rank's failed
/// (that rank reports the failure itself): every rank leaves the run together.
class PeerSetupFailed : public std::runtime_error
{
public:
  using std::runtime_error::runtime_error;
};

/// Trains one run. Numerical divergence is a result (status "diverged"), not an
/// exception; a configuration this build cannot run throws NotImplementedError.
io::RunResult run_training(const suite::RunSpec& run, const RunContext& context);

} // namespace pinnbench::train
