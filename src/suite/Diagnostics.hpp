#pragma once
// Error messages of the suite loader and the command line, in the one format
// docs/suites.md promises: "FILE:LINE:COL: message (expected ...; valid choices: ...)".
// Private to src/suite.
#include <string>
#include <vector>
#include <yaml-cpp/mark.h>

namespace pinnbench::suite::detail {

/// "FILE:LINE:COL" with 1-based line and column; just "FILE" for a null mark.
std::string position(const std::string& file, const YAML::Mark& mark);

/// "message (expected E; valid choices: a, b)", leaving out the empty parts.
std::string explain(const std::string& message, const std::string& expected = {},
                    const std::vector<std::string>& choices = {});

/// Throws ConfigError("FILE:LINE:COL: " + explain(...)).
[[noreturn]] void fail(const std::string& file, const YAML::Mark& mark, const std::string& message,
                       const std::string& expected = {},
                       const std::vector<std::string>& choices = {});

/// Optimal-string-alignment distance (a transposition counts as one edit).
std::size_t edit_distance(const std::string& a, const std::string& b);

/// "; did you mean 'x'?" for the nearest candidate within 2 edits, else "".
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

std::string join(const std::vector<std::string>& items, const std::string& separator = ", ");

/// 'text' in single quotes, for names and values inside messages.
std::string in_quotes(const std::string& text);

} // namespace pinnbench::suite::detail
