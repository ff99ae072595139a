#pragma once
// Mid-run checkpoints: everything a run needs to continue exactly where it
// stopped (parameters, optimiser and objective state, counters, history), so a
// job killed by its time limit and resubmitted with --resume loses at most the
// steps since the last checkpoint. Written by rank 0 to a temporary and renamed,
// like result files; read by every rank.
#include <filesystem>
#include <optional>
#include <pinnbench/optim/OptimizerState.hpp>
#include <string>
#include <utility>
#include <vector>

namespace pinnbench::train {

/// Named parts ("trainer", "optimizer", "objective"), each a bag of arrays and scalars.
using CheckpointParts = std::vector<std::pair<std::string, optim::OptimizerState>>;

/// `<dir>/.<run_id>.checkpoint.h5` next to the result `<dir>/<run_id>.h5`.
std::filesystem::path checkpoint_path(const std::filesystem::path& result_path);

/// Consumes `parts` (their arrays are released as they are written).
void write_checkpoint(const std::filesystem::path& path, const std::string& config_yaml,
                      CheckpointParts parts);

/// The parts, or nullopt when there is no checkpoint, it is damaged, or it was
/// written for another configuration. Never throws for a bad file; a damaged
/// one (unreadable, or a dataset's checksum fails) is described in `*damage`.
std::optional<CheckpointParts> read_checkpoint(const std::filesystem::path& path,
                                               const std::string& config_yaml,
                                               std::string* damage = nullptr);

/// Removes `.<run_id>.checkpoint.h5.tmp-PID` files left by killed writers.
void remove_stale_checkpoint_temporaries(const std::filesystem::path& result_path);

} // namespace pinnbench::train
