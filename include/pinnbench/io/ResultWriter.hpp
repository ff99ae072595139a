#pragma once
// Writes one run's result file atomically: the file either exists complete or
// not at all, even when the writer is killed half-way.
#include <filesystem>
#include <functional>
#include <pinnbench/io/RunResult.hpp>
#include <string>

namespace pinnbench::io {

struct WriteOptions
{
  /// Called after each dataset is written, with its HDF5 path
  /// ("/run/history/loss"). A test seam: tests kill or throw from here to
  /// interrupt a write at a known point.
  std::function<void(const std::string& dataset_path)> after_dataset;
};

/// Throws pinnbench::LogicError naming the first problem: an empty run_id,
/// suite, config_yaml, created_utc or finished_utc; world_size < 1; a missing or
/// unknown /run `status`; empty, duplicate or ill-formed names; history series
/// of different lengths; tensors whose values do not fill their shape (1-D or
/// 2-D; test tensors 2-D with one row count); parameters whose precision
/// differs from the /run `precision` attribute.
void validate_result(const RunResult& result);

/// Validates, then writes `result` to `.<filename>.tmp-<pid>` next to
/// `final_path` (creating the directory), syncs it and renames it onto
/// `final_path`. Stale temporaries of the same name from killed writers are
/// removed first. On any failure the temporary is removed and the exception
/// (LogicError, Hdf5Error, std::filesystem::filesystem_error,
/// std::system_error) propagates; `final_path` is then untouched.
void write_result_file(const std::filesystem::path& final_path, const RunResult& result,
                       const WriteOptions& options = {});

/// The temporary a writer with process id `pid` uses for `final_path`.
std::filesystem::path temporary_result_path(const std::filesystem::path& final_path, long pid);

} // namespace pinnbench::io
