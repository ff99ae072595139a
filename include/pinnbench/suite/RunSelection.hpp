#pragma once
// Choosing which runs of a suite this invocation does: `--filter` and `--shard`.
#include <cstddef>
#include <map>
#include <pinnbench/suite/RunSpec.hpp>
#include <string>
#include <vector>

namespace pinnbench::suite {

/// `--filter task=convection,objective=ropinn,objective=vanilla`: a run is kept
/// when, for every key, it matches one of that key's values (the same key
/// repeated is OR, different keys are AND). task/model/objective/optimizer match
/// the variant name or the label; precision is fp32/fp64; seed is a number.
struct Filter
{
  /// key -> accepted values (seeds in canonical decimal form).
  std::map<std::string, std::vector<std::string>> accepted;

  bool empty() const { return accepted.empty(); }
  bool matches(const RunSpec& run) const;
  /// Adds the terms of another filter (`--filter` given twice).
  void merge(const Filter& other);
};

/// The keys a filter may use.
const std::vector<std::string>& filter_keys();

/// Parses `key=value[,key=value...]`; bad syntax, unknown keys and invalid
/// precisions or seeds are ConfigErrors.
Filter parse_filter(const std::string& spec);

/// The runs the filter keeps, in their order.
std::vector<RunSpec> apply_filter(const std::vector<RunSpec>& runs, const Filter& filter);

/// `--shard i/n`: this is shard `index` of `count`.
struct Shard
{
  std::size_t index = 0;
  std::size_t count = 1;
};

/// Parses "i/n" with 0 <= i < n.
Shard parse_shard(const std::string& spec);

/// Round-robin by position: run k belongs to shard k mod count, so the shards
/// partition the runs and have sizes that differ by at most one.
std::vector<RunSpec> apply_shard(const std::vector<RunSpec>& runs, std::size_t index,
                                 std::size_t count);

} // namespace pinnbench::suite
