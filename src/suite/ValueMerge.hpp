#pragma once
// Checking one written YAML value against its KeySpec and merging it into a
// run's resolved configuration. Every check happens here, at the node where the
// value was written, so errors point there whether the value came from
// `defaults:`, an override or a matrix entry. Private to src/suite.
#include <functional>
#include <map>
#include <pinnbench/suite/Schema.hpp>
#include <string>
#include <yaml-cpp/yaml.h>

namespace pinnbench::suite::detail {

struct MergeContext
{
  const std::string& file;
  /// The task whose loss terms are the valid `weights` keys; null: any known term.
  const VariantSpec* task = nullptr;
  /// For blocks checked on their own (no run to merge into): a point set written
  /// without `kind` may use the keys of any kind.
  bool any_point_set_kind = false;
  /// When set: where each merged value was written, by path ("objective.elements"),
  /// for checks made once the run is resolved.
  std::map<std::string, YAML::Mark>* written = nullptr;
};

/// The built-in default of `key`, in canonical form (`task` supplies the weights' terms).
YAML::Node default_value(const KeySpec& key, const VariantSpec* task);

/// Checks `written` against `key` and stores it in parent[key.name]; mappings and
/// point sets merge key by key into what is there. `path` names the key in
/// messages ("task.points.domain").
void merge_value(const YAML::Node& written, const YAML::Mark& key_mark, const KeySpec& key,
                 YAML::Node parent, const std::string& path, const MergeContext& context);

/// A checked scalar in canonical text: "5", "0.01", "1.0e-05", "50.0", "true", "fp32".
std::string canonical_scalar(const YAML::Node& written, const YAML::Mark& key_mark,
                             const ValueSpec& spec, const std::string& path,
                             const std::string& file);

/// Shortest text that reads back as the same double and as a float in YAML 1.1
/// readers too (which need a '.' in the mantissa): 50 -> "50.0", 1e-5 -> "1.0e-05".
std::string format_real(double value);

/// How a node looks, for "got ..." in messages: "'abc'", "a mapping", "nothing".
std::string describe_node(const YAML::Node& node);

/// Where to point for a value: its own mark, or its key's when the value is
/// empty (yaml-cpp gives empty values the position of whatever follows).
YAML::Mark value_mark(const YAML::Node& value, const YAML::Mark& key_mark);

using EntryVisitor = std::function<void(const std::string& key, const YAML::Node& key_node,
                                        const YAML::Node& value)>;

/// Visits a mapping's entries in file order; an empty value (null) has none.
/// Fails on anything else, on non-scalar keys and on duplicate keys. `what`
/// names the mapping in messages ("'defaults'") and `expected` describes it.
void for_each_entry(const YAML::Node& mapping, const YAML::Mark& key_mark, const std::string& what,
                    const std::string& expected, const std::string& file,
                    const EntryVisitor& visit);

/// Whether a node counts as a mapping for merging (a mapping or an empty value).
bool is_mapping_or_empty(const YAML::Node& node);

} // namespace pinnbench::suite::detail
