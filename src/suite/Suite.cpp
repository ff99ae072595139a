#include "Diagnostics.hpp"
#include "ValueMerge.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <optional>
#include <pinnbench/core/Error.hpp>
#include <pinnbench/suite/Schema.hpp>
#include <pinnbench/suite/Suite.hpp>
#include <sstream>
#include <system_error>

namespace pinnbench::suite {
namespace {

using namespace detail;

/// One entry of a variant axis (`tasks: [...]`), or the single variant that
/// `defaults:` names when the axis is missing.
struct AxisEntry
{
  const VariantSpec* variant = nullptr;
  std::string label;
  YAML::Node entry; ///< the entry's mapping; null for a plain name
  YAML::Mark mark;
};

/// `when: {task: [a, b]}`: the run matches when its value is one of `values`.
struct Condition
{
  std::string key;
  std::vector<std::string> values;
};

/// One entry of `matrix.exclude`.
struct Exclusion
{
  std::vector<Condition> when;
  YAML::Mark mark;
  std::string where;
  bool used = false;
};

struct Override
{
  std::vector<Condition> when;
  YAML::Node set;
  YAML::Mark set_mark;
  std::string where; ///< "overrides[1].set", for messages
};

/// A run's coordinates in the matrix.
struct MatrixPoint
{
  std::vector<const AxisEntry*> entries; ///< one per schema section
  std::string precision;
  std::uint64_t seed = 0;
};

bool is_label(const std::string& text)
{
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

bool is_suite_name(const std::string& text)
{
  return !text.empty() && text[0] != '.' && text[0] != '-' &&
         std::all_of(text.begin(), text.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
         });
}

std::string suite_name_rule()
{
  return "letters, digits, '_', '.' and '-', not starting with '.' or '-'";
}

/// The entry `key` of a mapping and the position of its key; false when absent.
bool find_entry(const YAML::Node& mapping, const std::string& key, YAML::Node& value,
                YAML::Mark& key_mark)
{
  if (!mapping.IsMap()) {
    return false;
  }
  for (auto it = mapping.begin(); it != mapping.end(); ++it) {
    if (it->first.IsScalar() && it->first.Scalar() == key) {
      value.reset(it->second);
      key_mark = it->first.Mark();
      return true;
    }
  }
  return false;
}

void append_unique(std::vector<std::string>& names, const std::string& name)
{
  if (std::find(names.begin(), names.end(), name) == names.end()) {
    names.push_back(name);
  }
}

/// Keys the shared part of a section block may have: `name`, the shared keys and
/// the keys of any variant (checked against the run's variant when applied).
std::vector<std::string> section_block_keys(const SectionSpec& section)
{
  std::vector<std::string> names = {"name"};
  for (const auto& k : section.shared_keys) {
    append_unique(names, k.name);
  }
  for (const auto& v : section.variants) {
    for (const auto& k : v.keys) {
      append_unique(names, k.name);
    }
  }
  return names;
}

const KeySpec* key_of_any_variant(const SectionSpec& section, const std::string& key,
                                  const VariantSpec*& owner)
{
  for (const auto& v : section.variants) {
    if (const KeySpec* spec = find_key(v.keys, key)) {
      owner = &v;
      return spec;
    }
  }
  return nullptr;
}

/// Default label: the name, then `_<key><value>` for every value the matrix
/// entry sets, sorted by key. Nested keys are joined with '_', list values with
/// 'x'; values are lower-cased, '.' becomes 'p', '-' becomes 'm', '+' is dropped.
void flatten(const YAML::Node& node, const std::string& path,
             std::vector<std::pair<std::string, std::string>>& out)
{
  if (node.IsMap()) {
    for (auto it = node.begin(); it != node.end(); ++it) {
      const std::string key = it->first.Scalar();
      flatten(it->second, path.empty() ? key : path + "_" + key, out);
    }
  } else if (node.IsSequence()) {
    std::vector<std::string> items;
    for (const auto& item : node) {
      items.push_back(item.IsScalar() ? item.Scalar() : std::string());
    }
    out.emplace_back(path, join(items, "x"));
  } else if (node.IsScalar()) {
    out.emplace_back(path, node.Scalar());
  }
}

std::string label_text(const std::string& value)
{
  std::string text;
  for (const char c : value) {
    if (c == '.') {
      text += 'p';
    } else if (c == '-') {
      text += 'm';
    } else if (c != '+') {
      text += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  return text;
}

std::string default_label(const std::string& name, const YAML::Node& entry)
{
  std::vector<std::pair<std::string, std::string>> parameters;
  for (auto it = entry.begin(); it != entry.end(); ++it) {
    const std::string key = it->first.Scalar();
    if (key != "name" && key != "label") {
      flatten(it->second, key, parameters);
    }
  }
  std::sort(parameters.begin(), parameters.end());
  std::string label = name;
  for (const auto& [key, value] : parameters) {
    label += "_" + key + label_text(value);
  }
  return label;
}

std::string run_keys_expected()
{
  std::vector<std::string> keys;
  for (const auto& s : schema().sections) {
    keys.push_back(s.name);
  }
  for (const auto& k : schema().run_keys) {
    keys.push_back(k.name);
  }
  return "a mapping with keys " + join(keys);
}

/// Reads one suite document: checks every node against the schema, then expands
/// the matrix and resolves each run's settings.
class SuiteReader
{
public:
  SuiteReader(std::string file, bool compact) : file_(std::move(file)), compact_(compact) {}

  Suite read(const YAML::Node& root)
  {
    Suite suite;
    suite.source_path = file_;
    suite.name = std::filesystem::path(file_).stem().string();
    read_top_level(root, suite);
    // The name becomes a directory under --out: one safe path component, also
    // when it comes from the file name ('...yaml' would give '..').
    if (!has_name_ && !is_suite_name(suite.name)) {
      fail(file_, YAML::Mark::null_mark(),
           "the suite name taken from the file name, " + in_quotes(suite.name) +
               ", cannot name a results directory",
           "a file name made of " + suite_name_rule() + ", or a `name:` key in the suite");
    }
    check_defaults();
    read_matrix();
    read_overrides();
    expand(suite);
    return suite;
  }

private:
  const std::string file_;
  const bool compact_;
  const Schema& schema_ = schema();
  YAML::Mark root_mark_;
  YAML::Node defaults_, matrix_, overrides_;
  YAML::Mark defaults_mark_, matrix_mark_, overrides_mark_;
  bool has_matrix_ = false;
  bool has_name_ = false;
  std::vector<std::vector<AxisEntry>> axes_; ///< one per schema section
  std::vector<std::string> precisions_;
  std::vector<std::uint64_t> seeds_;
  std::vector<Override> override_list_;
  YAML::Node exclude_node_;
  YAML::Mark exclude_mark_;
  std::vector<Exclusion> exclusions_;
  std::map<const VariantSpec*, YAML::Node> default_sections_;

  // --- Top level -------------------------------------------------------------

  void read_top_level(const YAML::Node& root, Suite& suite)
  {
    std::vector<std::string> keys;
    for (const auto& k : schema_.suite_keys) {
      keys.push_back(k.name);
    }
    const std::string expected = "a mapping with keys " + join(keys);
    root_mark_ = root.Mark().is_null() ? YAML::Mark() : root.Mark();
    if (root.IsNull()) {
      fail(file_, root_mark_, "the suite is empty", expected);
    }
    for_each_entry(
        root, root_mark_, "the suite", expected, file_,
        [&](const std::string& key, const YAML::Node& key_node, const YAML::Node& value) {
          const YAML::Mark mark = key_node.Mark();
          if (key == "name") {
            suite.name = read_suite_name(value, mark);
            has_name_ = true;
          } else if (key == "description") {
            if (!value.IsScalar() && !value.IsNull()) {
              fail(file_, value_mark(value, mark),
                   "wrong type for 'description': got " + describe_node(value), "text");
            }
            suite.description = value.IsScalar() ? value.Scalar() : "";
          } else if (key == "defaults") {
            defaults_.reset(value);
            defaults_mark_ = mark;
          } else if (key == "matrix") {
            matrix_.reset(value);
            matrix_mark_ = mark;
            has_matrix_ = true;
          } else if (key == "overrides") {
            overrides_.reset(value);
            overrides_mark_ = mark;
          } else {
            fail(file_, mark,
                 "unknown key " + in_quotes(key) + " at the top level" + did_you_mean(key, keys),
                 "", keys);
          }
        });
  }

  std::string read_suite_name(const YAML::Node& value, const YAML::Mark& key_mark)
  {
    const std::string expected = suite_name_rule() + " (it names the results directory)";
    if (!value.IsScalar()) {
      fail(file_, value_mark(value, key_mark), "wrong type for 'name': got " + describe_node(value),
           expected);
    }
    if (!is_suite_name(value.Scalar())) {
      fail(file_, value.Mark(), "invalid suite name " + in_quotes(value.Scalar()), expected);
    }
    return value.Scalar();
  }

  // --- Checks of blocks on their own ---------------------------------------------
  //
  // Blocks that apply to some runs only (variant blocks, overrides) may apply to
  // none; checking them here catches mistakes in them all the same. Every block
  // that applies to a run is checked again, exactly, when it is merged.

  void check_value(const YAML::Node& written, const YAML::Mark& key_mark, const KeySpec& key,
                   const std::string& path, const VariantSpec* task) const
  {
    YAML::Node holder(YAML::NodeType::Map);
    holder[key.name] = default_value(key, task);
    merge_value(written, key_mark, key, holder, path, MergeContext{file_, task, true});
  }

  const VariantSpec& variant_named(const YAML::Node& node, const YAML::Mark& key_mark,
                                   const SectionSpec& section) const
  {
    const std::vector<std::string> names = section.variant_names();
    if (!node.IsScalar()) {
      fail(file_, value_mark(node, key_mark),
           "wrong type for the " + section.name + " name: got " + describe_node(node),
           "a " + section.name + " name", names);
    }
    const VariantSpec* variant = section.find_variant(node.Scalar());
    if (!variant) {
      fail(file_, node.Mark(),
           "unknown " + section.name + " " + in_quotes(node.Scalar()) +
               did_you_mean(node.Scalar(), names),
           "", names);
    }
    return *variant;
  }

  const VariantSpec* task_context(const SectionSpec& section, const VariantSpec& variant) const
  {
    return section.name == "task" ? &variant : nullptr;
  }

  /// A section of `defaults:` or of an override's `set:`.
  void check_section_block(const YAML::Node& block, const YAML::Mark& key_mark,
                           const SectionSpec& section, const std::string& where,
                           bool name_allowed) const
  {
    const std::string what = in_quotes(where + "." + section.name);
    const std::vector<std::string> keys = section_block_keys(section);
    for_each_entry(
        block, key_mark, what, "a mapping of " + section.name + " settings", file_,
        [&](const std::string& key, const YAML::Node& key_node, const YAML::Node& value) {
          const YAML::Mark mark = key_node.Mark();
          if (key == "name") {
            if (!name_allowed) {
              fail(file_, mark,
                   "an override cannot change the " + section.name + " name in " + what,
                   "the " + section.name + " in 'when:' and its settings in 'set:'");
            }
            variant_named(value, mark, section);
            return;
          }
          if (key == "label") {
            fail(file_, mark, "'label' in " + what + " (labels belong to matrix entries)",
                 "{name: ..., label: ...} in 'matrix." + section.axis + "'");
          }
          if (const VariantSpec* block_variant = section.find_variant(key);
              block_variant && is_mapping_or_empty(value)) {
            check_variant_block(value, mark, section, *block_variant, where);
            return;
          }
          const VariantSpec* owner = nullptr;
          const KeySpec* spec = find_key(section.shared_keys, key);
          if (!spec) {
            spec = key_of_any_variant(section, key, owner);
          }
          if (!spec) {
            fail(file_, mark,
                 "unknown key " + in_quotes(key) + " in " + what + did_you_mean(key, keys),
                 "a " + section.name + " setting or a block named after a " + section.name, keys);
          }
          check_value(value, mark, *spec, section.name + "." + key,
                      owner ? task_context(section, *owner) : nullptr);
        });
  }

  /// `task: {convection: {...}}`: the keys of that variant only.
  void check_variant_block(const YAML::Node& block, const YAML::Mark& key_mark,
                           const SectionSpec& section, const VariantSpec& variant,
                           const std::string& where) const
  {
    const std::string what = in_quotes(where + "." + section.name + "." + variant.name);
    const std::vector<std::string> keys = section.key_names(variant);
    for_each_entry(
        block, key_mark, what, "a mapping of " + variant.name + " settings", file_,
        [&](const std::string& key, const YAML::Node& key_node, const YAML::Node& value) {
          check_variant_key(section, variant, key, key_node, value, what, keys);
        });
  }

  void check_defaults() const
  {
    std::vector<std::string> keys;
    for (const auto& s : schema_.sections) {
      keys.push_back(s.name);
    }
    for (const auto& k : schema_.run_keys) {
      keys.push_back(k.name);
    }
    for_each_entry(
        defaults_, defaults_mark_, "'defaults'", run_keys_expected(), file_,
        [&](const std::string& key, const YAML::Node& key_node, const YAML::Node& value) {
          const YAML::Mark mark = key_node.Mark();
          if (const SectionSpec* section = schema_.find_section(key)) {
            check_section_block(value, mark, *section, "defaults", true);
          } else if (const KeySpec* spec = schema_.find_run_key(key)) {
            check_value(value, mark, *spec, key, nullptr);
          } else {
            fail(file_, mark,
                 "unknown key " + in_quotes(key) + " in 'defaults'" + did_you_mean(key, keys), "",
                 keys);
          }
        });
  }

  // --- Matrix ------------------------------------------------------------------

  std::vector<std::string> axis_names() const
  {
    std::vector<std::string> names;
    for (const auto& s : schema_.sections) {
      names.push_back(s.axis);
    }
    names.push_back("precisions");
    names.push_back("seeds");
    names.push_back("exclude");
    return names;
  }

  /// `elements` describes the entries ("task names or {name: ..., ...} entries").
  void require_list(const YAML::Node& axis, const YAML::Mark& key_mark, const std::string& name,
                    const std::string& elements) const
  {
    if (!axis.IsSequence()) {
      fail(file_, value_mark(axis, key_mark),
           "wrong type for 'matrix." + name + "': got " + describe_node(axis),
           "a list of " + elements);
    }
    if (axis.size() == 0) {
      fail(file_, value_mark(axis, key_mark), "axis " + in_quotes(name) + " is empty",
           "a non-empty list of " + elements);
    }
  }

  /// Labels, precisions and seeds must be unique on an axis: run ids are built from them.
  void require_unique(std::map<std::string, YAML::Mark>& seen, const std::string& label,
                      const YAML::Mark& mark, const std::string& axis) const
  {
    const auto [it, inserted] = seen.emplace(label, mark);
    if (inserted) {
      return;
    }
    const bool has_labels = axis != "precisions" && axis != "seeds";
    fail(file_, mark,
         std::string(has_labels ? "duplicate label " : "duplicate entry ") + in_quotes(label) +
             " on axis " + in_quotes(axis) + " (first at " + position(file_, it->second) + ")",
         has_labels ? "labels unique on an axis; give one entry another 'label'"
                    : "each value once");
  }

  void read_section_axis(const SectionSpec& section, const YAML::Node& axis,
                         const YAML::Mark& key_mark, std::vector<AxisEntry>& entries) const
  {
    const std::string element = section.name + " names or {name: ..., ...} entries";
    require_list(axis, key_mark, section.axis, element);
    std::map<std::string, YAML::Mark> labels;
    for (const auto& item : axis) {
      AxisEntry entry;
      entry.mark = item.Mark();
      YAML::Mark label_mark = item.Mark();
      if (item.IsScalar()) {
        entry.variant = &variant_named(item, item.Mark(), section);
        entry.label = entry.variant->name;
      } else if (item.IsMap()) {
        YAML::Node name, label;
        YAML::Mark name_mark, label_key_mark;
        if (!find_entry(item, "name", name, name_mark)) {
          fail(file_, item.Mark(), "an entry of 'matrix." + section.axis + "' has no 'name'",
               "{name: <" + section.name + ">, ...}", section.variant_names());
        }
        entry.variant = &variant_named(name, name_mark, section);
        check_matrix_entry(item, section, *entry.variant);
        entry.entry.reset(item);
        if (find_entry(item, "label", label, label_key_mark)) {
          label_mark = value_mark(label, label_key_mark);
          if (!label.IsScalar() || !is_label(label.Scalar())) {
            fail(file_, label_mark, "invalid label " + describe_node(label),
                 "lower-case letters, digits and '_' ([a-z0-9_]+)");
          }
          entry.label = label.Scalar();
        } else {
          entry.label = default_label(entry.variant->name, item);
          if (!is_label(entry.label)) {
            fail(file_, item.Mark(), "the default label " + in_quotes(entry.label) + " is invalid",
                 "[a-z0-9_]+; give the entry a 'label'");
          }
        }
      } else {
        fail(file_, value_mark(item, key_mark),
             "wrong type for an entry of 'matrix." + section.axis + "': got " + describe_node(item),
             "a " + section.name + " name or {name: ..., ...}");
      }
      require_unique(labels, entry.label, label_mark, section.axis);
      entries.push_back(entry);
    }
  }

  /// One key of a variant's settings: known to the variant, and a valid value.
  void check_variant_key(const SectionSpec& section, const VariantSpec& variant,
                         const std::string& key, const YAML::Node& key_node,
                         const YAML::Node& value, const std::string& what,
                         const std::vector<std::string>& keys) const
  {
    const KeySpec* spec = section.find_key(variant, key);
    if (!spec) {
      fail(file_, key_node.Mark(),
           "unknown key " + in_quotes(key) + " for " + section.name + " " +
               in_quotes(variant.name) + " in " + what + did_you_mean(key, keys),
           "", keys);
    }
    check_value(value, key_node.Mark(), *spec, section.name + "." + key,
                task_context(section, variant));
  }

  void check_matrix_entry(const YAML::Node& item, const SectionSpec& section,
                          const VariantSpec& variant) const
  {
    std::vector<std::string> keys = {"name", "label"};
    for (const auto& k : section.key_names(variant)) {
      keys.push_back(k);
    }
    const std::string what = "an entry of 'matrix." + section.axis + "'";
    for_each_entry(
        item, item.Mark(), what, "a mapping", file_,
        [&](const std::string& key, const YAML::Node& key_node, const YAML::Node& value) {
          if (key == "name" || key == "label") {
            return;
          }
          check_variant_key(section, variant, key, key_node, value, what, keys);
        });
  }

  void read_precisions(const YAML::Node& axis, const YAML::Mark& key_mark)
  {
    const KeySpec& spec = *schema_.find_run_key("precision");
    require_list(axis, key_mark, "precisions", "precisions (" + join(spec.value.choices) + ")");
    std::map<std::string, YAML::Mark> seen;
    for (const auto& item : axis) {
      const std::string p =
          canonical_scalar(item, item.Mark(), spec.value, "matrix.precisions", file_);
      require_unique(seen, p, item.Mark(), "precisions");
      precisions_.push_back(p);
    }
  }

  void read_seeds(const YAML::Node& axis, const YAML::Mark& key_mark)
  {
    const KeySpec& spec = *schema_.find_run_key("seed");
    require_list(axis, key_mark, "seeds", "seeds (" + describe(spec.value) + ")");
    std::map<std::string, YAML::Mark> seen;
    for (const auto& item : axis) {
      const std::string s = canonical_scalar(item, item.Mark(), spec.value, "matrix.seeds", file_);
      require_unique(seen, s, item.Mark(), "seeds");
      seeds_.push_back(std::stoull(s));
    }
  }

  /// Where to point when the whole suite lacks something.
  YAML::Mark suite_mark() const { return has_matrix_ ? matrix_mark_ : root_mark_; }

  void read_matrix()
  {
    axes_.assign(schema_.sections.size(), {});
    if (has_matrix_) {
      const std::vector<std::string> names = axis_names();
      for_each_entry(
          matrix_, matrix_mark_, "'matrix'", "a mapping with keys " + join(names), file_,
          [&](const std::string& key, const YAML::Node& key_node, const YAML::Node& value) {
            const YAML::Mark mark = key_node.Mark();
            for (std::size_t i = 0; i < schema_.sections.size(); ++i) {
              if (schema_.sections[i].axis == key) {
                read_section_axis(schema_.sections[i], value, mark, axes_[i]);
                return;
              }
            }
            if (key == "precisions") {
              read_precisions(value, mark);
            } else if (key == "exclude") {
              // Read once the axes are known: its values may be their labels.
              exclude_node_.reset(value);
              exclude_mark_ = mark;
            } else if (key == "seeds") {
              read_seeds(value, mark);
            } else {
              fail(file_, mark,
                   "unknown axis " + in_quotes(key) + " in 'matrix'" + did_you_mean(key, names), "",
                   names);
            }
          });
    }
    // A missing axis takes its single value from `defaults:`.
    for (std::size_t i = 0; i < schema_.sections.size(); ++i) {
      const SectionSpec& section = schema_.sections[i];
      if (!axes_[i].empty()) {
        continue;
      }
      YAML::Node block, name;
      YAML::Mark block_mark, name_mark;
      if (!find_entry(defaults_, section.name, block, block_mark) ||
          !find_entry(block, "name", name, name_mark)) {
        fail(file_, suite_mark(), "no " + section.name + " named",
             "a '" + section.axis + "' axis in 'matrix' or '" + section.name +
                 ": {name: ...}' in 'defaults'");
      }
      AxisEntry entry;
      entry.variant = &variant_named(name, name_mark, section);
      entry.label = entry.variant->name;
      entry.mark = name.Mark();
      axes_[i].push_back(entry);
    }
    YAML::Node value;
    YAML::Mark mark;
    if (precisions_.empty()) {
      precisions_.push_back(find_entry(defaults_, "precision", value, mark)
                                ? value.Scalar()
                                : schema_.find_run_key("precision")->default_yaml);
    }
    if (seeds_.empty()) {
      seeds_.push_back(find_entry(defaults_, "seed", value, mark)
                           ? std::stoull(value.Scalar())
                           : std::stoull(schema_.find_run_key("seed")->default_yaml));
    }
    read_excludes();
  }

  /// `matrix.exclude`: a list of conditions (the keys of `when:`); runs matching
  /// any of them are left out of the matrix.
  void read_excludes()
  {
    if (!exclude_node_.IsDefined() || exclude_node_.IsNull())
      return;
    const std::vector<std::string>& condition_keys = schema_.condition_keys;
    if (!exclude_node_.IsSequence()) {
      fail(file_, value_mark(exclude_node_, exclude_mark_),
           "wrong type for 'matrix.exclude': got " + describe_node(exclude_node_),
           "a list of conditions like {task: ..., objective: ...}");
    }
    for (std::size_t index = 0; index < exclude_node_.size(); ++index) {
      const YAML::Node item = exclude_node_[index];
      const std::string where = "matrix.exclude[" + std::to_string(index) + "]";
      Exclusion exclusion;
      exclusion.mark = value_mark(item, exclude_mark_);
      exclusion.where = where;
      for_each_entry(
          item, exclusion.mark, in_quotes(where), "a mapping with keys " + join(condition_keys),
          file_, [&](const std::string& key, const YAML::Node& key_node, const YAML::Node& value) {
            if (std::find(condition_keys.begin(), condition_keys.end(), key) ==
                condition_keys.end()) {
              fail(file_, key_node.Mark(),
                   "unknown key " + in_quotes(key) + " in " + in_quotes(where) +
                       did_you_mean(key, condition_keys),
                   "", condition_keys);
            }
            exclusion.when.push_back(read_condition(key, value, key_node.Mark(), where));
          });
      if (exclusion.when.empty()) {
        fail(file_, exclusion.mark, in_quotes(where) + " is empty (it would exclude every run)",
             "at least one of " + join(condition_keys));
      }
      exclusions_.push_back(exclusion);
    }
  }

  // --- Overrides -----------------------------------------------------------------

  std::vector<std::string> condition_values(const YAML::Node& value, const YAML::Mark& key_mark,
                                            const std::string& path) const
  {
    std::vector<YAML::Node> items;
    if (value.IsSequence()) {
      if (value.size() == 0) {
        fail(file_, value.Mark(), in_quotes(path) + " is an empty list", "at least one value");
      }
      for (const auto& item : value) {
        items.emplace_back(YAML::Node(item));
      }
    } else {
      items.push_back(value);
    }
    std::vector<std::string> values;
    for (const auto& item : items) {
      if (!item.IsScalar()) {
        fail(file_, value_mark(item, key_mark),
             "wrong type for " + in_quotes(path) + ": got " + describe_node(item),
             "a value or a list of values");
      }
      values.push_back(item.Scalar());
    }
    return values;
  }

  Condition read_condition(const std::string& key, const YAML::Node& value,
                           const YAML::Mark& key_mark, const std::string& where) const
  {
    const std::string path = where + "." + key;
    Condition condition{key, condition_values(value, key_mark, path)};
    const auto item_mark = [&](std::size_t i) {
      return value.IsSequence() ? value[i].Mark() : value_mark(value, key_mark);
    };
    for (std::size_t i = 0; i < condition.values.size(); ++i) {
      std::string& v = condition.values[i];
      const YAML::Node item = value.IsSequence() ? value[i] : value;
      if (const SectionSpec* section = schema_.find_section(key)) {
        // A name of the section, or a label of its axis.
        const auto& axis = axes_[static_cast<std::size_t>(section - schema_.sections.data())];
        std::vector<std::string> choices = section->variant_names();
        for (const auto& e : axis) {
          append_unique(choices, e.label);
        }
        if (std::find(choices.begin(), choices.end(), v) == choices.end()) {
          fail(file_, item_mark(i),
               "unknown " + section->name + " " + in_quotes(v) + " in " + in_quotes(path) +
                   did_you_mean(v, choices),
               "a " + section->name + " name or a label of 'matrix." + section->axis + "'",
               choices);
        }
      } else {
        v = canonical_scalar(item, key_mark, schema_.find_run_key(key)->value, path, file_);
      }
    }
    return condition;
  }

  void check_override_set(const Override& o) const
  {
    std::vector<std::string> keys;
    for (const auto& s : schema_.sections) {
      keys.push_back(s.name);
    }
    for (const auto& k : schema_.run_keys) {
      if (k.name != "precision" && k.name != "seed") {
        keys.push_back(k.name);
      }
    }
    for_each_entry(
        o.set, o.set_mark, in_quotes(o.where), "a mapping with keys " + join(keys), file_,
        [&](const std::string& key, const YAML::Node& key_node, const YAML::Node& value) {
          const YAML::Mark mark = key_node.Mark();
          if (const SectionSpec* section = schema_.find_section(key)) {
            check_section_block(value, mark, *section, o.where, false);
          } else if (key == "precision" || key == "seed") {
            fail(file_, mark,
                 "an override cannot set " + in_quotes(key) + " (it identifies the run)",
                 "'" + key + "s' in 'matrix' or '" + key + "' in 'defaults'");
          } else if (const KeySpec* spec = schema_.find_run_key(key)) {
            check_value(value, mark, *spec, key, nullptr);
          } else {
            fail(file_, mark,
                 "unknown key " + in_quotes(key) + " in " + in_quotes(o.where) +
                     did_you_mean(key, keys),
                 "", keys);
          }
        });
  }

  void read_overrides()
  {
    if (overrides_.IsNull()) {
      return;
    }
    if (!overrides_.IsSequence()) {
      fail(file_, value_mark(overrides_, overrides_mark_),
           "wrong type for 'overrides': got " + describe_node(overrides_),
           "a list of {when: {...}, set: {...}}");
    }
    const std::vector<std::string>& keys = schema_.override_keys;
    const std::vector<std::string>& condition_keys = schema_.condition_keys;
    for (std::size_t index = 0; index < overrides_.size(); ++index) {
      const YAML::Node item = overrides_[index];
      const std::string where = "overrides[" + std::to_string(index) + "]";
      Override o;
      o.where = where + ".set";
      bool has_set = false;
      if (!item.IsMap()) {
        fail(file_, value_mark(item, overrides_mark_),
             "wrong type for " + in_quotes(where) + ": got " + describe_node(item),
             "{when: {...}, set: {...}}");
      }
      for_each_entry(
          item, item.Mark(), in_quotes(where), "{when: {...}, set: {...}}", file_,
          [&](const std::string& key, const YAML::Node& key_node, const YAML::Node& value) {
            const YAML::Mark mark = key_node.Mark();
            if (key == "when") {
              for_each_entry(value, mark, in_quotes(where + ".when"),
                             "a mapping with keys " + join(condition_keys), file_,
                             [&](const std::string& ckey, const YAML::Node& ckey_node,
                                 const YAML::Node& cvalue) {
                               if (std::find(condition_keys.begin(), condition_keys.end(), ckey) ==
                                   condition_keys.end()) {
                                 fail(file_, ckey_node.Mark(),
                                      "unknown key " + in_quotes(ckey) + " in " +
                                          in_quotes(where + ".when") +
                                          did_you_mean(ckey, condition_keys),
                                      "", condition_keys);
                               }
                               o.when.push_back(
                                   read_condition(ckey, cvalue, ckey_node.Mark(), where + ".when"));
                             });
            } else if (key == "set") {
              o.set.reset(value);
              o.set_mark = mark;
              has_set = true;
            } else {
              fail(file_, mark,
                   "unknown key " + in_quotes(key) + " in " + in_quotes(where) +
                       did_you_mean(key, keys),
                   "", keys);
            }
          });
      if (!has_set) {
        fail(file_, item.Mark(), in_quotes(where) + " has no 'set'", "{when: {...}, set: {...}}");
      }
      check_override_set(o);
      override_list_.push_back(o);
    }
  }

  // --- Expansion and resolution ------------------------------------------------------

  /// Built-in defaults of a variant's section: name, label, its keys, the shared keys.
  YAML::Node default_section(const SectionSpec& section, const VariantSpec& variant)
  {
    auto it = default_sections_.find(&variant);
    if (it == default_sections_.end()) {
      YAML::Node node(YAML::NodeType::Map);
      node["name"] = variant.name;
      node["label"] = variant.name;
      const VariantSpec* task = task_context(section, variant);
      for (const auto& k : variant.keys) {
        node[k.name] = default_value(k, task);
      }
      for (const auto& k : section.shared_keys) {
        node[k.name] = default_value(k, task);
      }
      it = default_sections_.emplace(&variant, node).first;
    }
    return YAML::Clone(it->second);
  }

  bool matches(const Override& o, const MatrixPoint& point) const { return matches(o.when, point); }

  bool matches(const std::vector<Condition>& when, const MatrixPoint& point) const
  {
    for (const auto& condition : when) {
      std::vector<std::string> run_values;
      if (const SectionSpec* section = schema_.find_section(condition.key)) {
        const AxisEntry& entry =
            *point.entries[static_cast<std::size_t>(section - schema_.sections.data())];
        run_values = {entry.variant->name, entry.label};
      } else if (condition.key == "precision") {
        run_values = {point.precision};
      } else {
        run_values = {std::to_string(point.seed)};
      }
      const bool any =
          std::any_of(condition.values.begin(), condition.values.end(), [&](const std::string& v) {
            return std::find(run_values.begin(), run_values.end(), v) != run_values.end();
          });
      if (!any) {
        return false;
      }
    }
    return true;
  }

  /// One section of `defaults:` or `set:`: its shared part, then the block named
  /// after the run's variant.
  void apply_section_block(const YAML::Node& block, const YAML::Mark& key_mark,
                           const SectionSpec& section, const VariantSpec& variant,
                           YAML::Node target, const MergeContext& context,
                           const std::string& where) const
  {
    YAML::Node own_block;
    YAML::Mark own_mark;
    bool has_own_block = false;
    const std::string what = in_quotes(where + "." + section.name);
    for_each_entry(
        block, key_mark, what, "a mapping", file_,
        [&](const std::string& key, const YAML::Node& key_node, const YAML::Node& value) {
          if (key == "name") {
            return;
          }
          if (section.find_variant(key) && is_mapping_or_empty(value)) {
            if (key == variant.name) {
              own_block.reset(value);
              own_mark = key_node.Mark();
              has_own_block = true;
            }
            return;
          }
          const KeySpec* spec = section.find_key(variant, key);
          if (!spec) {
            fail(file_, key_node.Mark(),
                 in_quotes(key) + " in " + what + " applies to every " + section.name + ", but " +
                     section.name + " " + in_quotes(variant.name) + " has no such key",
                 "a key of " + in_quotes(variant.name) + ", or move " + in_quotes(key) +
                     " into a block named after the " + section.name + "s it is for",
                 section.key_names(variant));
          }
          merge_value(value, key_node.Mark(), *spec, target, section.name + "." + key, context);
        });
    if (has_own_block) {
      apply_entry_keys(own_block, own_mark, section, variant, target, context,
                       in_quotes(where + "." + section.name + "." + variant.name));
    }
  }

  /// A variant block or a matrix entry: the variant's keys (name and label aside).
  void apply_entry_keys(const YAML::Node& block, const YAML::Mark& key_mark,
                        const SectionSpec& section, const VariantSpec& variant, YAML::Node target,
                        const MergeContext& context, const std::string& what) const
  {
    for_each_entry(
        block, key_mark, what, "a mapping", file_,
        [&](const std::string& key, const YAML::Node& key_node, const YAML::Node& value) {
          if (key == "name" || key == "label") {
            return;
          }
          const KeySpec* spec = section.find_key(variant, key);
          if (!spec) {
            throw LogicError("suite: unchecked key " + key + " in " + what);
          }
          merge_value(value, key_node.Mark(), *spec, target, section.name + "." + key, context);
        });
  }

  /// `defaults:` or an override's `set:`: sections, training, evaluation.
  void apply_settings(const YAML::Node& settings, const YAML::Mark& key_mark,
                      const MatrixPoint& point, YAML::Node config, const MergeContext& context,
                      const std::string& where) const
  {
    for_each_entry(
        settings, key_mark, in_quotes(where), "a mapping", file_,
        [&](const std::string& key, const YAML::Node& key_node, const YAML::Node& value) {
          if (const SectionSpec* section = schema_.find_section(key)) {
            const std::size_t i = static_cast<std::size_t>(section - schema_.sections.data());
            apply_section_block(value, key_node.Mark(), *section, *point.entries[i]->variant,
                                config[key], context, where);
          } else if (key != "precision" && key != "seed") {
            merge_value(value, key_node.Mark(), *schema_.find_run_key(key), config, key, context);
          }
        });
  }

  RunSpec resolve(const MatrixPoint& point, const std::string& suite_name)
  {
    YAML::Node config(YAML::NodeType::Map);
    for (std::size_t i = 0; i < schema_.sections.size(); ++i) {
      const SectionSpec& section = schema_.sections[i];
      YAML::Node node = default_section(section, *point.entries[i]->variant);
      node["label"] = point.entries[i]->label;
      config[section.name] = node;
    }
    config["precision"] = point.precision;
    config["seed"] = std::to_string(point.seed);
    for (const auto& key : schema_.run_keys) {
      if (key.name != "precision" && key.name != "seed") {
        config[key.name] = default_value(key, nullptr);
      }
    }

    std::map<std::string, YAML::Mark> written;
    const MergeContext context{file_, point.entries[0]->variant, false, &written};
    apply_settings(defaults_, defaults_mark_, point, config, context, "defaults");
    for (const auto& o : override_list_) {
      if (matches(o, point)) {
        apply_settings(o.set, o.set_mark, point, config, context, o.where);
      }
    }
    for (std::size_t i = 0; i < schema_.sections.size(); ++i) {
      const AxisEntry& entry = *point.entries[i];
      if (entry.entry.IsMap()) {
        const SectionSpec& section = schema_.sections[i];
        apply_entry_keys(entry.entry, entry.mark, section, *entry.variant, config[section.name],
                         context, "an entry of 'matrix." + section.axis + "'");
      }
    }

    apply_task_inputs(point, config, written);

    RunSpec run;
    run.suite_name = suite_name;
    run.task = point.entries[0]->variant->name;
    run.model = point.entries[1]->variant->name;
    run.objective = point.entries[2]->variant->name;
    run.optimizer = point.entries[3]->variant->name;
    run.task_label = point.entries[0]->label;
    run.model_label = point.entries[1]->label;
    run.objective_label = point.entries[2]->label;
    run.optimizer_label = point.entries[3]->label;
    run.precision = point.precision == "fp64" ? Precision::fp64 : Precision::fp32;
    run.seed = point.seed;
    run.run_id = run.task_label + "-" + run.model_label + "-" + run.objective_label + "-" +
                 run.optimizer_label + "-" + point.precision + "-s" + std::to_string(point.seed);
    run.config.reset(config);
    return run;
  }

  /// Keys that depend on the task's input count (vpinn.elements): the defaults
  /// for that count where the run does not set them, and one entry per input in
  /// the lists it sets, reported where the list was written.
  void apply_task_inputs(const MatrixPoint& point, YAML::Node config,
                         const std::map<std::string, YAML::Mark>& written) const
  {
    const VariantSpec& task = *point.entries[0]->variant;
    if (!task.inputs) {
      return; // not implemented yet: the run fails before it needs them
    }
    const int inputs = task.inputs(config["task"]);
    for (std::size_t i = 1; i < schema_.sections.size(); ++i) {
      const SectionSpec& section = schema_.sections[i];
      for (const auto& key : point.entries[i]->variant->keys) {
        const std::string path = section.name + "." + key.name;
        const auto at = written.find(path);
        if (at == written.end()) {
          if (key.input_default) {
            KeySpec for_task = key;
            for_task.default_yaml = key.input_default(inputs);
            config[section.name][key.name] = default_value(for_task, nullptr);
          }
          continue;
        }
        const YAML::Node value = config[section.name][key.name];
        if (key.value.kind == ValueKind::int_list && key.value.list_length == 0 &&
            value.size() != static_cast<std::size_t>(inputs)) {
          fail(file_, at->second,
               in_quotes(path) + " needs one entry per input of task " + in_quotes(task.name) +
                   " (" + std::to_string(inputs) + "), got " + std::to_string(value.size()),
               "a list of " + std::to_string(inputs) + " " + describe(key.value).substr(10));
        }
      }
    }
  }

  void expand(Suite& suite)
  {
    if (schema_.sections.size() != 4) {
      throw LogicError("suite: RunSpec knows four sections, the schema has " +
                       std::to_string(schema_.sections.size()));
    }
    MatrixPoint point;
    point.entries.resize(4);
    // An exclusion that matches nothing is almost certainly a typo'd label.
    const auto check_exclusions = [&] {
      for (const auto& exclusion : exclusions_) {
        if (!exclusion.used) {
          fail(file_, exclusion.mark, in_quotes(exclusion.where) + " matches no run",
               "conditions naming runs of the matrix");
        }
      }
    };
    for (const auto& task : axes_[0]) {
      point.entries[0] = &task;
      for (const auto& model : axes_[1]) {
        point.entries[1] = &model;
        for (const auto& objective : axes_[2]) {
          point.entries[2] = &objective;
          for (const auto& optimizer : axes_[3]) {
            point.entries[3] = &optimizer;
            for (const auto& precision : precisions_) {
              point.precision = precision;
              for (const auto seed : seeds_) {
                point.seed = seed;
                bool excluded = false;
                for (auto& exclusion : exclusions_) {
                  if (matches(exclusion.when, point)) {
                    exclusion.used = true;
                    excluded = true;
                  }
                }
                if (!excluded) {
                  suite.runs.push_back(resolve(point, suite.name));
                  if (compact_) {
                    suite.runs.back().compact();
                  }
                }
              }
            }
          }
        }
      }
    }
    check_exclusions();
  }
};

bool names_a_path(const std::string& name_or_path)
{
  const std::string extension = ".yaml";
  return name_or_path.find('/') != std::string::npos ||
         (name_or_path.size() >= extension.size() &&
          name_or_path.compare(name_or_path.size() - extension.size(), extension.size(),
                               extension) == 0);
}

std::string read_file(const std::filesystem::path& path, const std::string& shown_as)
{
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    throw ConfigError("cannot open suite " + in_quotes(shown_as) + ": it is a directory");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const std::string reason =
        std::filesystem::exists(path, error) ? "the file cannot be read" : "no such file";
    throw ConfigError("cannot open suite " + in_quotes(shown_as) + ": " + reason);
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// Where the first tab in a line's leading whitespace is, on lines up to
/// `last_line` (0-based; -1: every line).
std::optional<YAML::Mark> first_indentation_tab(const std::string& text, int last_line)
{
  int line = 0;
  std::size_t start = 0;
  while (start <= text.size() && (last_line < 0 || line <= last_line)) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) {
      end = text.size();
    }
    for (std::size_t i = start; i < end && (text[i] == ' ' || text[i] == '\t'); ++i) {
      if (text[i] == '\t') {
        YAML::Mark mark;
        mark.pos = static_cast<int>(i);
        mark.line = line;
        mark.column = static_cast<int>(i - start);
        return mark;
      }
    }
    start = end + 1;
    ++line;
  }
  return std::nullopt;
}

/// Suite names in the search directories, for "did you mean".
std::vector<std::string> suite_names_in(const std::vector<std::filesystem::path>& dirs)
{
  std::vector<std::string> names;
  for (const auto& dir : dirs) {
    std::error_code error;
    for (std::filesystem::directory_iterator it(dir, error), end; !error && it != end;
         it.increment(error)) {
      if (it->path().extension() == ".yaml") {
        append_unique(names, it->path().stem().string());
      }
    }
  }
  return names;
}

} // namespace

Suite load_suite_from_string(const std::string& yaml_text, const std::string& file_label,
                             bool compact)
{
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(yaml_text);
  } catch (const YAML::Exception& e) {
    // yaml-cpp reports a tab in indentation as whatever it broke ("illegal map
    // value"); name the actual cause, at the first tab up to the error's line.
    if (const auto tab = first_indentation_tab(yaml_text, e.mark.is_null() ? -1 : e.mark.line)) {
      fail(file_label, *tab, "YAML forbids tabs in indentation (found one here)",
           "spaces for indentation");
    }
    fail(file_label, e.mark, "YAML syntax error: " + e.msg);
  }
  if (documents.size() > 1) {
    fail(file_label, documents[1].Mark(),
         "a suite file holds one YAML document, this one has " + std::to_string(documents.size()));
  }
  return SuiteReader(file_label, compact).read(documents.empty() ? YAML::Node() : documents[0]);
}

Suite load_suite(const std::string& name_or_path,
                 const std::vector<std::filesystem::path>& search_dirs, bool compact)
{
  if (name_or_path.empty()) {
    throw ConfigError("no suite given (expected a suite name or a path to a .yaml file)");
  }
  if (names_a_path(name_or_path)) {
    return load_suite_from_string(read_file(name_or_path, name_or_path), name_or_path, compact);
  }
  std::vector<std::string> searched;
  for (const auto& dir : search_dirs) {
    const std::filesystem::path candidate = dir / (name_or_path + ".yaml");
    std::error_code error;
    if (std::filesystem::is_regular_file(candidate, error)) {
      return load_suite_from_string(read_file(candidate, name_or_path), candidate.string(),
                                    compact);
    }
    searched.push_back(candidate.string());
  }
  const std::vector<std::string> known = suite_names_in(search_dirs);
  throw ConfigError("cannot open suite " + in_quotes(name_or_path) + ": " +
                    (searched.empty() ? std::string("no suite directories to search")
                                      : "searched " + join(searched)) +
                    did_you_mean(name_or_path, known) +
                    (known.empty() ? std::string() : " (valid choices: " + join(known) + ")"));
}

std::vector<std::filesystem::path> default_suite_search_dirs()
{
  return {PINNBENCH_SOURCE_SUITE_DIR, PINNBENCH_INSTALL_SUITE_DIR};
}

} // namespace pinnbench::suite
