#pragma once
// The table of every setting a suite file may name (docs/suites.md): the four
// variant sections (task, model, objective, optimizer) with their variants, the
// other run settings, and for each key its type, range, default and meaning.
// The loader validates against it and fills defaults from it. Tasks and models
// come from their registries (pde/TaskRegistry.hpp, nn/ModelRegistry.hpp); the
// objective and optimiser sections and the run keys are tables in Schema.cpp,
// written with the builders of suite/KeyBuilders.hpp.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>
#include <yaml-cpp/yaml.h>

namespace pinnbench::suite {

enum class ValueKind
{
  integer,   ///< int64 in [int_min, int_max]
  real,      ///< finite double in the real range, or one of `keywords`
  boolean,   ///< true / false
  choice,    ///< one of `choices`
  int_list,  ///< exactly `list_length` integers (0: one per task input), each in [int_min, int_max]
  mapping,   ///< nested keys (`children`)
  point_set, ///< mapping with a `kind` discriminator; `kinds` lists each kind's keys
  term_weights, ///< mapping task loss term -> real in the real range
  text,         ///< any string (a file path); '' when unset
};

struct KeySpec;

/// One value of a point set's `kind` and the keys that kind has.
struct PointSetKind
{
  std::string name;
  std::vector<KeySpec> keys;
};

struct ValueSpec
{
  ValueKind kind = ValueKind::integer;
  std::int64_t int_min = std::numeric_limits<std::int64_t>::min();
  std::int64_t int_max = std::numeric_limits<std::int64_t>::max();
  double real_min = -std::numeric_limits<double>::infinity();
  double real_max = std::numeric_limits<double>::infinity();
  bool real_min_inclusive = true;
  bool real_max_inclusive = true;
  std::vector<std::string> keywords; ///< real: names accepted instead of a number (`sqrt_eps`)
  std::vector<std::string> choices;  ///< choice
  std::size_t list_length = 0;       ///< int_list
  std::vector<KeySpec> children;     ///< mapping
  std::vector<PointSetKind> kinds;   ///< point_set
  /// A constraint beyond the range that a task (or model, ...) declares for one
  /// of its integer keys, checked where the value is written: returns what is
  /// wrong with `value` ("must be even"), or "" when it is fine.
  std::function<std::string(std::int64_t value)> int_check;
};

struct KeySpec
{
  std::string name;
  ValueSpec value;
  /// YAML text of the default. Mappings leave it empty (their children carry
  /// defaults); for term_weights it is the default of every term.
  std::string default_yaml;
  std::string description;
  /// A default that depends on the run's task: YAML text for a task with this
  /// many inputs, used when the run does not set the key (default_yaml is then
  /// the value for two inputs, shown in --help). Empty: default_yaml for all.
  std::function<std::string(int inputs)> input_default;
};

/// One choice of a section: a task, a model, an objective or an optimiser.
struct VariantSpec
{
  std::string name;
  /// Known names that this build cannot run yet: the runner refuses them with
  /// NotImplementedError, but suites naming them still load.
  bool implemented = true;
  std::vector<KeySpec> keys;      ///< keys beyond the section's shared keys
  std::vector<std::string> terms; ///< tasks: loss term names (the `weights` keys)
  std::string description;
  /// Tasks: the network's input count for a resolved `task:` mapping (checks
  /// and defaults of per-input keys); empty for tasks not implemented yet.
  std::function<int(const YAML::Node& config)> inputs;
};

/// A section whose value is a variant picked by `name` (one matrix axis).
struct SectionSpec
{
  std::string name; ///< "task"
  std::string axis; ///< the matrix axis listing its entries: "tasks"
  std::vector<KeySpec> shared_keys;
  std::vector<VariantSpec> variants;

  const VariantSpec* find_variant(const std::string& variant_name) const;
  std::vector<std::string> variant_names() const;
  /// A shared key or one of the variant's own keys; null when it has none by that name.
  const KeySpec* find_key(const VariantSpec& variant, const std::string& key) const;
  /// The variant's keys followed by the shared keys (the order of a resolved run).
  std::vector<std::string> key_names(const VariantSpec& variant) const;
};

/// A top-level structural key of a suite file (name, matrix, ...).
struct SuiteKeySpec
{
  std::string name;
  std::string description;
};

struct Schema
{
  std::vector<SuiteKeySpec> suite_keys;    ///< top level of a suite file
  std::vector<SectionSpec> sections;       ///< task, model, objective, optimizer (matrix order)
  std::vector<KeySpec> run_keys;           ///< precision, seed, training, evaluation
  std::vector<std::string> override_keys;  ///< keys of an `overrides:` entry
  std::vector<std::string> condition_keys; ///< keys of `when:`

  const SectionSpec* find_section(const std::string& section_name) const;
  const SectionSpec& section(const std::string& section_name) const;
  const KeySpec* find_run_key(const std::string& key) const;
};

/// The schema of this build (built once, immutable).
const Schema& schema();

/// The key named `name` in `keys`, or null.
const KeySpec* find_key(const std::vector<KeySpec>& keys, const std::string& name);
std::vector<std::string> key_names(const std::vector<KeySpec>& keys);

/// What a value must look like, for error messages: "int >= 2", "float > 0 or sqrt_eps".
std::string describe(const ValueSpec& spec);

/// Whether the variant `variant_name` of `section_name` can run in this build.
/// Throws LogicError for names that the schema does not know.
bool is_implemented(const std::string& section_name, const std::string& variant_name);

} // namespace pinnbench::suite
