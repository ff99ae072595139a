#include "Diagnostics.hpp"

#include <algorithm>
#include <numeric>
#include <pinnbench/core/Error.hpp>

namespace pinnbench::suite::detail {

std::string position(const std::string& file, const YAML::Mark& mark)
{
  if (mark.is_null()) {
    return file;
  }
  return file + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

std::string explain(const std::string& message, const std::string& expected,
                    const std::vector<std::string>& choices)
{
  std::vector<std::string> parts;
  if (!expected.empty()) {
    parts.push_back("expected " + expected);
  }
  if (!choices.empty()) {
    parts.push_back("valid choices: " + join(choices));
  }
  return parts.empty() ? message : message + " (" + join(parts, "; ") + ")";
}

void fail(const std::string& file, const YAML::Mark& mark, const std::string& message,
          const std::string& expected, const std::vector<std::string>& choices)
{
  throw ConfigError(position(file, mark) + ": " + explain(message, expected, choices));
}

std::size_t edit_distance(const std::string& a, const std::string& b)
{
  // d[i][j]: distance between the first i characters of a and the first j of b.
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) {
    d[i][0] = i;
  }
  std::iota(d[0].begin(), d[0].end(), std::size_t{0});
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t substitution = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + substitution});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates)
{
  constexpr std::size_t max_edits = 2;
  const std::string* best = nullptr;
  std::size_t best_distance = max_edits + 1;
  for (const auto& candidate : candidates) {
    const std::size_t distance = edit_distance(word, candidate);
    // A suggestion that rewrites the whole word ("x" -> "lr") helps nobody.
    if (distance < best_distance && distance < candidate.size()) {
      best = &candidate;
      best_distance = distance;
    }
  }
  return best ? "; did you mean " + in_quotes(*best) + "?" : "";
}

std::string join(const std::vector<std::string>& items, const std::string& separator)
{
  std::string text;
  for (std::size_t i = 0; i < items.size(); ++i) {
    text += (i ? separator : "") + items[i];
  }
  return text;
}

std::string in_quotes(const std::string& text)
{
  return "'" + text + "'";
}

} // namespace pinnbench::suite::detail
