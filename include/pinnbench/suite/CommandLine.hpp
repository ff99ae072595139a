#pragma once
// The command line of the `pinnbench` executable.
#include <cstdint>
#include <optional>
#include <pinnbench/suite/RunSelection.hpp>
#include <string>

namespace pinnbench::suite {

struct Options
{
  std::string suite;                          ///< --suite NAME|PATH
  bool list = false;                          ///< --list: print the selected runs and exit
  Filter filter;                              ///< --filter (empty: every run)
  Shard shard;                                ///< --shard i/n (default 0/1: every run)
  std::string out_dir = "results";            ///< --out DIR
  bool resume = false;                        ///< --resume: skip runs with a complete result file
  std::optional<std::int64_t> max_iterations; ///< --max-iterations N caps training.iterations
  std::string data_dir;                       ///< --data-dir DIR, default $PINNBENCH_DATA
  bool skip_missing_data = false;             ///< --skip-missing-data: leave out runs lacking data
  bool help = false;                          ///< --help / -h
  bool help_kokkos = false;                   ///< --help-kokkos: Kokkos' own options
  bool version = false;                       ///< --version
};

/// Parses the arguments after argv[0]. Both `--opt value` and `--opt=value` work;
/// `--kokkos-*` arguments are left for Kokkos.
/// Unknown options, missing or invalid values, stray arguments and a missing
/// --suite (unless --help or --version) are ConfigErrors.
Options parse_command_line(int argc, char** argv);

/// The --help text: every option, the exit codes, and where suites are described.
std::string usage();

} // namespace pinnbench::suite
