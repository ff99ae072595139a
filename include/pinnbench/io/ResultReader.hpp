#pragma once
// Reading result files back: a never-throwing summary for `--resume` and
// listings, and a full read for tests and tools.
#include <filesystem>
#include <optional>
#include <pinnbench/io/AttributeList.hpp>
#include <pinnbench/io/RunResult.hpp>
#include <string>

namespace pinnbench::io {

struct ResultSummary
{
  std::string run_id;
  std::string suite;
  std::string status;         ///< ok, diverged or failed
  std::string status_message; ///< empty when the file has none
  std::string config_yaml;
  std::string created_utc;
  std::string finished_utc;
  AttributeList run; ///< every scalar /run attribute, in file order
};

/// The summary of a complete result file, or nullopt when `path` does not
/// exist or is not one: it cannot be opened as HDF5, or lacks a root
/// `finished_utc`, `run_id`, `suite`, `config_yaml`, created_utc, the `/run`
/// group or its `status`. Never throws for a missing or damaged file.
std::optional<ResultSummary> read_result_summary(const std::filesystem::path& path);

/// What `--resume` asks: is there a complete result made from exactly this
/// resolved configuration?
bool is_complete_result(const std::filesystem::path& path, const std::string& expected_config_yaml);

/// Everything in a complete result file. Float datasets come back widened to
/// double with `single_precision` set. Throws Hdf5Error when the file is
/// missing, damaged, incomplete or not laid out as docs/results.md says.
RunResult read_result_file(const std::filesystem::path& path);

/// Reads every dataset of a result file, which verifies their Fletcher-32
/// checksums: nullopt when all is intact, else what is wrong.
std::optional<std::string> verify_result_file(const std::filesystem::path& path);

/// Renames a damaged file to `<path>.corrupt-<UTC time>-<pid>` (kept for a
/// post-mortem, never deleted) and returns the new path. Throws
/// std::filesystem::filesystem_error when the rename fails.
std::filesystem::path set_aside(const std::filesystem::path& path);

} // namespace pinnbench::io
