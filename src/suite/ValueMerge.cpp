#include "ValueMerge.hpp"

#include "Diagnostics.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <pinnbench/core/Error.hpp>
#include <set>

namespace pinnbench::suite::detail {
namespace {

const std::string built_in = "<built-in defaults>";

/// Plain (unquoted) scalars are the only ones that may be numbers or bools:
/// `beta: "5"` is the string 5 in YAML, and silently reading it as a number
/// would hide a quoting mistake.
bool is_plain_scalar(const YAML::Node& node)
{
  return node.IsScalar() && node.Tag() == "?";
}

[[noreturn]] void wrong_type(const YAML::Node& written, const YAML::Mark& key_mark,
                             const ValueSpec& spec, const std::string& path,
                             const std::string& file)
{
  fail(file, value_mark(written, key_mark),
       "wrong type for " + in_quotes(path) + ": got " + describe_node(written), describe(spec));
}

[[noreturn]] void out_of_range(const YAML::Node& written, const YAML::Mark& key_mark,
                               const ValueSpec& spec, const std::string& path,
                               const std::string& file)
{
  fail(file, value_mark(written, key_mark),
       in_quotes(path) + " is out of range: " + written.Scalar(), describe(spec));
}

bool parse_int(const std::string& text, std::int64_t& value, bool& overflow)
{
  // Decimal only: YAML 1.1 readers take 010 as octal and 0x10 as hex.
  std::size_t i = (!text.empty() && (text[0] == '+' || text[0] == '-')) ? 1 : 0;
  if (i == text.size() || !std::all_of(text.begin() + static_cast<std::ptrdiff_t>(i), text.end(),
                                       [](char c) { return c >= '0' && c <= '9'; })) {
    return false;
  }
  errno = 0;
  value = std::strtoll(text.c_str(), nullptr, 10);
  overflow = errno == ERANGE;
  return true;
}

bool parse_real(const std::string& text, double& value)
{
  // Numbers only ("inf", "nan", hex floats and YAML's .inf are not settings).
  if (text.empty() || text.find_first_not_of("0123456789+-.eE") != std::string::npos ||
      text.find_first_of("0123456789") == std::string::npos) {
    return false;
  }
  char* end = nullptr;
  value = std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size() && std::isfinite(value);
}

bool in_real_range(double v, const ValueSpec& spec)
{
  const bool above_min = spec.real_min_inclusive ? v >= spec.real_min : v > spec.real_min;
  const bool below_max = spec.real_max_inclusive ? v <= spec.real_max : v < spec.real_max;
  return above_min && below_max;
}

std::string canonical_int(const YAML::Node& written, const YAML::Mark& key_mark,
                          const ValueSpec& spec, const std::string& path, const std::string& file)
{
  std::int64_t value = 0;
  bool overflow = false;
  if (!is_plain_scalar(written) || !parse_int(written.Scalar(), value, overflow)) {
    wrong_type(written, key_mark, spec, path, file);
  }
  if (overflow || value < spec.int_min || value > spec.int_max) {
    out_of_range(written, key_mark, spec, path, file);
  }
  if (spec.int_check) {
    const std::string problem = spec.int_check(value);
    if (!problem.empty()) {
      fail(file, value_mark(written, key_mark),
           in_quotes(path) + " " + problem + ": got " + written.Scalar(), describe(spec));
    }
  }
  return std::to_string(value);
}

std::string canonical_real(const YAML::Node& written, const YAML::Mark& key_mark,
                           const ValueSpec& spec, const std::string& path, const std::string& file)
{
  if (written.IsScalar() && std::find(spec.keywords.begin(), spec.keywords.end(),
                                      written.Scalar()) != spec.keywords.end()) {
    return written.Scalar();
  }
  double value = 0;
  if (!is_plain_scalar(written) || !parse_real(written.Scalar(), value)) {
    wrong_type(written, key_mark, spec, path, file);
  }
  if (!in_real_range(value, spec)) {
    out_of_range(written, key_mark, spec, path, file);
  }
  return format_real(value == 0 ? 0.0 : value); // no "-0.0" in configs
}

std::string canonical_bool(const YAML::Node& written, const YAML::Mark& key_mark,
                           const ValueSpec& spec, const std::string& path, const std::string& file)
{
  // YAML 1.2 core booleans; yes/no/on/off are strings there.
  static const std::set<std::string> truthy = {"true", "True", "TRUE"};
  static const std::set<std::string> falsy = {"false", "False", "FALSE"};
  if (is_plain_scalar(written)) {
    if (truthy.count(written.Scalar())) {
      return "true";
    }
    if (falsy.count(written.Scalar())) {
      return "false";
    }
  }
  wrong_type(written, key_mark, spec, path, file);
}

std::string canonical_choice(const YAML::Node& written, const YAML::Mark& key_mark,
                             const ValueSpec& spec, const std::string& path,
                             const std::string& file)
{
  if (!written.IsScalar()) {
    wrong_type(written, key_mark, spec, path, file);
  }
  const std::string& value = written.Scalar();
  if (std::find(spec.choices.begin(), spec.choices.end(), value) == spec.choices.end()) {
    fail(file, value_mark(written, key_mark),
         "invalid value " + in_quotes(value) + " for " + in_quotes(path) +
             did_you_mean(value, spec.choices),
         "", spec.choices);
  }
  return value;
}

YAML::Node merged_int_list(const YAML::Node& written, const YAML::Mark& key_mark,
                           const ValueSpec& spec, const std::string& path, const std::string& file)
{
  if (!written.IsSequence()) {
    wrong_type(written, key_mark, spec, path, file);
  }
  // Lists of one entry per task input are checked against the task once the run
  // is resolved (Suite.cpp); here they need at least one.
  if (spec.list_length ? written.size() != spec.list_length : written.size() == 0) {
    fail(file, value_mark(written, key_mark),
         in_quotes(path) + " needs " +
             (spec.list_length ? std::to_string(spec.list_length) : std::string("at least one")) +
             " entries, got " + std::to_string(written.size()),
         describe(spec));
  }
  ValueSpec element = spec;
  element.kind = ValueKind::integer;
  YAML::Node list(YAML::NodeType::Sequence);
  for (std::size_t i = 0; i < written.size(); ++i) {
    list.push_back(
        canonical_int(written[i], key_mark, element, path + "[" + std::to_string(i) + "]", file));
  }
  list.SetStyle(YAML::EmitterStyle::Flow);
  return list;
}

void merge_mapping(const YAML::Node& written, const YAML::Mark& key_mark, const KeySpec& key,
                   YAML::Node target, const std::string& path, const MergeContext& context)
{
  const std::vector<std::string> choices = key_names(key.value.children);
  for_each_entry(written, key_mark, in_quotes(path), describe(key.value), context.file,
                 [&](const std::string& name, const YAML::Node& key_node, const YAML::Node& value) {
                   const KeySpec* child = find_key(key.value.children, name);
                   if (!child) {
                     fail(context.file, key_node.Mark(),
                          "unknown key " + in_quotes(name) + " in " + in_quotes(path) +
                              did_you_mean(name, choices),
                          "", choices);
                   }
                   merge_value(value, key_node.Mark(), *child, target, path + "." + name, context);
                 });
}

const PointSetKind* find_kind(const ValueSpec& spec, const std::string& name)
{
  for (const auto& kind : spec.kinds) {
    if (kind.name == name) {
      return &kind;
    }
  }
  return nullptr;
}

YAML::Node fresh_point_set(const PointSetKind& kind)
{
  YAML::Node set(YAML::NodeType::Map);
  set["kind"] = kind.name;
  for (const auto& k : kind.keys) {
    set[k.name] = default_value(k, nullptr);
  }
  return set;
}

// A point set merges key by key into the current one; naming a different `kind`
// starts from that kind's defaults, because the keys of one kind mean nothing to
// another (`{kind: random}` after a grid must not keep nx and nt).
void merge_point_set(const YAML::Node& written, const YAML::Mark& key_mark, const KeySpec& key,
                     YAML::Node parent, const std::string& path, const MergeContext& context)
{
  const ValueSpec& spec = key.value;
  if (!is_mapping_or_empty(written)) {
    wrong_type(written, key_mark, spec, path, context.file);
  }
  std::vector<std::string> kind_names;
  for (const auto& k : spec.kinds) {
    kind_names.push_back(k.name);
  }
  bool kind_written = false;
  if (written.IsMap() && written["kind"]) {
    ValueSpec kind_spec;
    kind_spec.kind = ValueKind::choice;
    kind_spec.choices = kind_names;
    const std::string kind =
        canonical_choice(written["kind"], key_mark, kind_spec, path + ".kind", context.file);
    kind_written = true;
    YAML::Node current = parent[key.name];
    if (!current.IsMap() || !current["kind"] || current["kind"].Scalar() != kind) {
      parent[key.name] = fresh_point_set(*find_kind(spec, kind));
    }
  }
  YAML::Node target = parent[key.name];
  const PointSetKind* kind = find_kind(spec, target["kind"].Scalar());
  if (!kind) {
    throw LogicError("point set " + path + " has no valid kind");
  }
  const bool any_kind = context.any_point_set_kind && !kind_written;
  for_each_entry(written, key_mark, in_quotes(path), describe(spec), context.file,
                 [&](const std::string& name, const YAML::Node& key_node, const YAML::Node& value) {
                   if (name == "kind") {
                     return;
                   }
                   const KeySpec* child = find_key(kind->keys, name);
                   for (std::size_t i = 0; !child && any_kind && i < spec.kinds.size(); ++i) {
                     child = find_key(spec.kinds[i].keys, name);
                   }
                   if (!child) {
                     std::vector<std::string> choices = {"kind"};
                     for (const auto& k : kind->keys) {
                       choices.push_back(k.name);
                     }
                     fail(context.file, key_node.Mark(),
                          "unknown key " + in_quotes(name) + " for a point set of kind " +
                              in_quotes(kind->name) + " in " + in_quotes(path) +
                              did_you_mean(name, choices),
                          "", choices);
                   }
                   merge_value(value, key_node.Mark(), *child, target, path + "." + name, context);
                 });
}

/// The term names a task accepts, or all known ones for checks without a task.
std::vector<std::string> known_terms(const VariantSpec* task)
{
  if (task) {
    return task->terms;
  }
  std::vector<std::string> terms;
  for (const auto& v : schema().section("task").variants) {
    for (const auto& t : v.terms) {
      if (std::find(terms.begin(), terms.end(), t) == terms.end()) {
        terms.push_back(t);
      }
    }
  }
  return terms;
}

bool is_term_name(const std::string& name)
{
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

/// The value of one term of a term_weights mapping.
ValueSpec weight_spec(const ValueSpec& weights)
{
  ValueSpec element = weights;
  element.kind = ValueKind::real;
  return element;
}

void merge_weights(const YAML::Node& written, const YAML::Mark& key_mark, const KeySpec& key,
                   YAML::Node target, const std::string& path, const MergeContext& context)
{
  const ValueSpec element = weight_spec(key.value);
  const std::vector<std::string> terms = known_terms(context.task);
  // Tasks that are not implemented yet have no term list: any term name goes.
  const bool open = context.task && !context.task->implemented && terms.empty();
  for_each_entry(written, key_mark, in_quotes(path), describe(key.value), context.file,
                 [&](const std::string& name, const YAML::Node& key_node, const YAML::Node& value) {
                   const bool known = std::find(terms.begin(), terms.end(), name) != terms.end();
                   if (!known && !(open && is_term_name(name))) {
                     const std::string owner =
                         context.task ? " of task " + in_quotes(context.task->name) : std::string();
                     fail(context.file, key_node.Mark(),
                          "unknown loss term " + in_quotes(name) + " in " + in_quotes(path) +
                              owner + did_you_mean(name, terms),
                          "", terms);
                   }
                   target[name] = canonical_real(value, key_node.Mark(), element, path + "." + name,
                                                 context.file);
                 });
}

std::string format_with_precision(double value, int digits)
{
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*g", digits, value);
  return buffer;
}

} // namespace

YAML::Mark value_mark(const YAML::Node& value, const YAML::Mark& key_mark)
{
  return (value.IsNull() || value.Mark().is_null()) ? key_mark : value.Mark();
}

std::string describe_node(const YAML::Node& node)
{
  switch (node.Type()) {
  case YAML::NodeType::Map:
    return "a mapping";
  case YAML::NodeType::Sequence:
    return "a list";
  case YAML::NodeType::Scalar:
    return node.Tag() == "?" ? in_quotes(node.Scalar())
                             : "the quoted string \"" + node.Scalar() + "\"";
  default:
    return "nothing";
  }
}

bool is_mapping_or_empty(const YAML::Node& node)
{
  return node.IsMap() || node.IsNull();
}

void for_each_entry(const YAML::Node& mapping, const YAML::Mark& key_mark, const std::string& what,
                    const std::string& expected, const std::string& file, const EntryVisitor& visit)
{
  if (!is_mapping_or_empty(mapping)) {
    fail(file, value_mark(mapping, key_mark),
         "wrong type for " + what + ": got " + describe_node(mapping), expected);
  }
  if (mapping.IsNull()) {
    return;
  }
  std::vector<std::pair<std::string, YAML::Mark>> seen;
  for (auto it = mapping.begin(); it != mapping.end(); ++it) {
    // Copies: `it->` goes through a proxy that lives only until the end of the
    // expression, so a reference to its members would dangle.
    const YAML::Node key = it->first;
    const YAML::Node value = it->second;
    if (!key.IsScalar()) {
      fail(file, key.Mark(), "a key in " + what + " is not a name", "a plain name");
    }
    const std::string name = key.Scalar();
    for (const auto& [earlier, mark] : seen) {
      if (earlier == name) {
        fail(file, key.Mark(),
             "duplicate key " + in_quotes(name) + " in " + what + " (first at " +
                 position(file, mark) + ")");
      }
    }
    seen.emplace_back(name, key.Mark());
    visit(name, key, value);
  }
}

std::string format_real(double value)
{
  std::string text;
  int digits = 1;
  for (; digits <= 17; ++digits) {
    text = format_with_precision(value, digits);
    if (std::strtod(text.c_str(), nullptr) == value) {
      break;
    }
  }
  // Python's repr: fixed notation for decimal exponents in [-4, 16) (600.0,
  // 0.0001), scientific outside (1.0e-05, 1.0e+16), shortest digits either way.
  const int exponent10 =
      value == 0 ? 0 : static_cast<int>(std::floor(std::log10(std::fabs(value))));
  if (value != 0 && exponent10 >= -4 && exponent10 < 16) {
    char fixed[64];
    std::snprintf(fixed, sizeof fixed, "%.*f", std::max(0, digits - 1 - exponent10), value);
    if (std::strtod(fixed, nullptr) == value) {
      text = fixed;
    }
  }
  const std::size_t exponent = text.find('e');
  const std::string mantissa = text.substr(0, exponent);
  if (mantissa.find('.') == std::string::npos) {
    text.insert(exponent == std::string::npos ? text.size() : exponent, ".0");
  }
  return text;
}

std::string canonical_scalar(const YAML::Node& written, const YAML::Mark& key_mark,
                             const ValueSpec& spec, const std::string& path,
                             const std::string& file)
{
  switch (spec.kind) {
  case ValueKind::integer:
    return canonical_int(written, key_mark, spec, path, file);
  case ValueKind::real:
    return canonical_real(written, key_mark, spec, path, file);
  case ValueKind::boolean:
    return canonical_bool(written, key_mark, spec, path, file);
  case ValueKind::choice:
    return canonical_choice(written, key_mark, spec, path, file);
  case ValueKind::text:
    if (!written.IsScalar() && !written.IsNull())
      wrong_type(written, key_mark, spec, path, file);
    return written.IsNull() ? std::string() : written.Scalar();
  default:
    throw LogicError("canonical_scalar: " + path + " is not a scalar setting");
  }
}

void merge_value(const YAML::Node& written, const YAML::Mark& key_mark, const KeySpec& key,
                 YAML::Node parent, const std::string& path, const MergeContext& context)
{
  if (context.written)
    (*context.written)[path] = value_mark(written, key_mark);
  switch (key.value.kind) {
  case ValueKind::mapping:
    merge_mapping(written, key_mark, key, parent[key.name], path, context);
    return;
  case ValueKind::point_set:
    merge_point_set(written, key_mark, key, parent, path, context);
    return;
  case ValueKind::term_weights:
    merge_weights(written, key_mark, key, parent[key.name], path, context);
    return;
  case ValueKind::int_list:
    parent[key.name] = merged_int_list(written, key_mark, key.value, path, context.file);
    return;
  default:
    parent[key.name] = canonical_scalar(written, key_mark, key.value, path, context.file);
  }
}

YAML::Node default_value(const KeySpec& key, const VariantSpec* task)
{
  const YAML::Mark none = YAML::Mark::null_mark();
  switch (key.value.kind) {
  case ValueKind::mapping: {
    YAML::Node map(YAML::NodeType::Map);
    for (const auto& child : key.value.children) {
      map[child.name] = default_value(child, task);
    }
    return map;
  }
  case ValueKind::term_weights: {
    YAML::Node map(YAML::NodeType::Map);
    for (const auto& term : task ? task->terms : std::vector<std::string>{}) {
      map[term] = canonical_real(YAML::Load(key.default_yaml), none, weight_spec(key.value),
                                 key.name, built_in);
    }
    return map;
  }
  case ValueKind::point_set: {
    const YAML::Node written = YAML::Load(key.default_yaml);
    const PointSetKind* kind = find_kind(key.value, written["kind"].as<std::string>(""));
    if (!kind) {
      throw LogicError("schema: default of " + key.name + " names no valid kind");
    }
    YAML::Node holder(YAML::NodeType::Map);
    holder[key.name] = fresh_point_set(*kind);
    merge_value(written, none, key, holder, key.name, MergeContext{built_in});
    return holder[key.name];
  }
  case ValueKind::int_list:
    return merged_int_list(YAML::Load(key.default_yaml), none, key.value, key.name, built_in);
  default:
    return YAML::Node(
        canonical_scalar(YAML::Load(key.default_yaml), none, key.value, key.name, built_in));
  }
}

} // namespace pinnbench::suite::detail
