#include "Diagnostics.hpp"

#include <algorithm>
#include <cctype>
#include <pinnbench/core/Error.hpp>
#include <pinnbench/suite/RunSelection.hpp>

namespace pinnbench::suite {
namespace {

using namespace detail;

std::string trimmed(const std::string& text)
{
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos) {
    return {};
  }
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

std::vector<std::string> split(const std::string& text, char separator)
{
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) {
      return parts;
    }
    start = end + 1;
  }
}

bool all_digits(const std::string& text)
{
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c));
  });
}

/// A decimal number that fits std::size_t / std::uint64_t, in canonical form.
bool parse_count(const std::string& text, unsigned long long& value)
{
  if (!all_digits(text)) {
    return false;
  }
  try {
    value = std::stoull(text);
  } catch (const std::out_of_range&) {
    return false;
  }
  return true;
}

bool is_name_or_label(const std::string& text)
{
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

[[noreturn]] void bad_filter(const std::string& spec, const std::string& message,
                             const std::string& expected = {},
                             const std::vector<std::string>& choices = {})
{
  throw ConfigError("--filter " + in_quotes(spec) + ": " + explain(message, expected, choices));
}

} // namespace

const std::vector<std::string>& filter_keys()
{
  static const std::vector<std::string> keys = {"task",      "model",     "objective",
                                                "optimizer", "precision", "seed"};
  return keys;
}

bool Filter::matches(const RunSpec& run) const
{
  for (const auto& [key, values] : accepted) {
    std::vector<std::string> run_values;
    if (key == "task") {
      run_values = {run.task, run.task_label};
    } else if (key == "model") {
      run_values = {run.model, run.model_label};
    } else if (key == "objective") {
      run_values = {run.objective, run.objective_label};
    } else if (key == "optimizer") {
      run_values = {run.optimizer, run.optimizer_label};
    } else if (key == "precision") {
      run_values = {to_string(run.precision)};
    } else if (key == "seed") {
      run_values = {std::to_string(run.seed)};
    } else {
      throw LogicError("filter key '" + key + "' is not one parse_filter accepts");
    }
    const bool any = std::any_of(values.begin(), values.end(), [&](const std::string& v) {
      return std::find(run_values.begin(), run_values.end(), v) != run_values.end();
    });
    if (!any) {
      return false;
    }
  }
  return true;
}

void Filter::merge(const Filter& other)
{
  for (const auto& [key, values] : other.accepted) {
    auto& mine = accepted[key];
    for (const auto& v : values) {
      if (std::find(mine.begin(), mine.end(), v) == mine.end()) {
        mine.push_back(v);
      }
    }
  }
}

Filter parse_filter(const std::string& spec)
{
  const std::string expected = "key=value[,key=value...]";
  if (trimmed(spec).empty()) {
    bad_filter(spec, "empty filter", expected);
  }
  Filter filter;
  for (const std::string& raw_term : split(spec, ',')) {
    const std::string term = trimmed(raw_term);
    const std::size_t equals = term.find('=');
    if (term.empty()) {
      bad_filter(spec, "empty term", expected);
    }
    if (equals == std::string::npos) {
      bad_filter(spec, in_quotes(term) + " has no '='", expected);
    }
    const std::string key = trimmed(term.substr(0, equals));
    std::string value = trimmed(term.substr(equals + 1));
    const auto& keys = filter_keys();
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
      bad_filter(spec, "unknown key " + in_quotes(key) + did_you_mean(key, keys), "", keys);
    }
    if (value.empty()) {
      bad_filter(spec, in_quotes(key) + " has no value", expected);
    }
    if (key == "precision") {
      const std::vector<std::string> precisions = {"fp32", "fp64"};
      if (std::find(precisions.begin(), precisions.end(), value) == precisions.end()) {
        bad_filter(spec, "invalid precision " + in_quotes(value) + did_you_mean(value, precisions),
                   "", precisions);
      }
    } else if (key == "seed") {
      unsigned long long seed = 0;
      if (!parse_count(value, seed)) {
        bad_filter(spec, "invalid seed " + in_quotes(value), "an integer >= 0");
      }
      value = std::to_string(seed);
    } else if (!is_name_or_label(value)) {
      bad_filter(spec, "invalid " + key + " " + in_quotes(value),
                 "a " + key + " name or label ([a-z0-9_]+)");
    }
    auto& values = filter.accepted[key];
    if (std::find(values.begin(), values.end(), value) == values.end()) {
      values.push_back(value);
    }
  }
  return filter;
}

std::vector<RunSpec> apply_filter(const std::vector<RunSpec>& runs, const Filter& filter)
{
  std::vector<RunSpec> kept;
  std::copy_if(runs.begin(), runs.end(), std::back_inserter(kept),
               [&](const RunSpec& run) { return filter.matches(run); });
  return kept;
}

Shard parse_shard(const std::string& spec)
{
  const std::string expected = "i/n with 0 <= i < n, e.g. 0/4";
  const std::size_t slash = spec.find('/');
  unsigned long long index = 0, count = 0;
  if (slash == std::string::npos || !parse_count(spec.substr(0, slash), index) ||
      !parse_count(spec.substr(slash + 1), count)) {
    throw ConfigError("--shard " + in_quotes(spec) + ": " +
                      explain("not of the form i/n", expected));
  }
  if (count == 0 || index >= count) {
    throw ConfigError("--shard " + in_quotes(spec) + ": " +
                      explain("shard index " + std::to_string(index) + " is out of range for " +
                                  std::to_string(count) + " shards",
                              expected));
  }
  return {static_cast<std::size_t>(index), static_cast<std::size_t>(count)};
}

std::vector<RunSpec> apply_shard(const std::vector<RunSpec>& runs, std::size_t index,
                                 std::size_t count)
{
  if (count == 0 || index >= count) {
    throw LogicError("apply_shard: shard " + std::to_string(index) + " of " +
                     std::to_string(count));
  }
  std::vector<RunSpec> mine;
  for (std::size_t k = index; k < runs.size(); k += count) {
    mine.push_back(runs[k]);
  }
  return mine;
}

} // namespace pinnbench::suite
