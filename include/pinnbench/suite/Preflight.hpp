#pragma once
// Checks made after a suite is loaded and before the first run starts, so that
// input that cannot work fails in seconds (exit 2) instead of after training.
// (Checks of single values, such as integer ranges, happen while the suite is
// read, at the value's FILE:LINE:COL.)
#include <filesystem>
#include <pinnbench/suite/RunSelection.hpp>
#include <pinnbench/suite/Suite.hpp>
#include <string>
#include <vector>

namespace pinnbench::suite {

/// Throws ConfigError when the matrix or `filter` selects no run: which filter
/// value matches no run of the suite (with a did-you-mean for a near miss), or
/// that the values exist but never together.
void require_selection(const Suite& suite, const Filter& filter,
                       const std::vector<RunSpec>& selected);

/// The longest file name pinnbench may create for a run next to its result
/// (a checkpoint's temporary, or a damaged file set aside).
std::size_t longest_file_name(const RunSpec& run);

/// Problems with where the results go, or "" when there are none: `directory`
/// (out_dir/suite) cannot be created or written (a probe file is created and
/// removed), or a run's file names exceed the file system's NAME_MAX/PATH_MAX.
std::string preflight_output(const std::string& out_dir, const std::filesystem::path& directory,
                             const Suite& suite, const std::vector<RunSpec>& runs);

/// A problem when a run's point sets cannot fit in `memory_bytes` (a lower
/// bound of what they need), or "".
std::string preflight_memory(const Suite& suite, const std::vector<RunSpec>& runs,
                             long double memory_bytes);

/// This machine's physical memory.
long double physical_memory_bytes();

} // namespace pinnbench::suite
