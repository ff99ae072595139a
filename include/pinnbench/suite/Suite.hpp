#pragma once
// A suite file (docs/suites.md) loaded, checked and expanded into its runs.
#include <filesystem>
#include <pinnbench/suite/RunSpec.hpp>
#include <string>
#include <vector>

namespace pinnbench::suite {

struct Suite
{
  std::string name;        ///< `name:`, or the file name without .yaml
  std::string description; ///< `description:`, or empty
  std::string source_path; ///< the file it was read from (the label for in-memory text)
  /// Cross product of the matrix axes: tasks outermost, then models, objectives,
  /// optimizers, precisions, seeds (innermost).
  std::vector<RunSpec> runs;
};

/// Loads a suite by name or by path. A NAME (no '/' and not ending in .yaml) is
/// read from <dir>/NAME.yaml for the first of `search_dirs` that has it; anything
/// else is a path. Every problem with the file is a ConfigError:
/// "FILE:LINE:COL: message (expected ...; valid choices: ...)".
/// With `compact`, every run keeps only its configuration's text (RunSpec::
/// materialize() parses it): a few KB per run instead of a YAML tree's ~55 KB.
Suite load_suite(const std::string& name_or_path,
                 const std::vector<std::filesystem::path>& search_dirs, bool compact = false);

/// Loads suite text held in memory; `file_label` stands for the file name in
/// messages and gives the default suite name (its stem).
Suite load_suite_from_string(const std::string& yaml_text, const std::string& file_label,
                             bool compact = false);

/// Where `--suite NAME` looks: the source tree's suites/, then the install
/// prefix's share/pinnbench/suites/.
std::vector<std::filesystem::path> default_suite_search_dirs();

} // namespace pinnbench::suite
