#include <pinnbench/suite/KeyBuilders.hpp>

namespace pinnbench::suite {

namespace {
constexpr double infinity = std::numeric_limits<double>::infinity();
}

RealRange any_real()
{
  return {};
}
RealRange at_least(double v)
{
  return {v, infinity, true, true};
}
RealRange above(double v)
{
  return {v, infinity, false, true};
}
RealRange interval(double lo, double hi, bool hi_inclusive)
{
  return {lo, hi, true, hi_inclusive};
}
RealRange open_low_interval(double lo, double hi)
{
  return {lo, hi, false, true};
}

ValueSpec real_value(RealRange range)
{
  ValueSpec v;
  v.kind = ValueKind::real;
  v.real_min = range.min;
  v.real_max = range.max;
  v.real_min_inclusive = range.min_inclusive;
  v.real_max_inclusive = range.max_inclusive;
  return v;
}

ValueSpec int_value(std::int64_t min, std::int64_t max)
{
  ValueSpec v;
  v.kind = ValueKind::integer;
  v.int_min = min;
  v.int_max = max;
  return v;
}

KeySpec int_key(std::string name, std::string def, std::int64_t min, std::string description,
                std::int64_t max)
{
  return {std::move(name), int_value(min, max), std::move(def), std::move(description), {}};
}

KeySpec real_key(std::string name, std::string def, RealRange range, std::string description)
{
  return {std::move(name), real_value(range), std::move(def), std::move(description), {}};
}

KeySpec tolerance_key(std::string name, std::string def, std::string description)
{
  ValueSpec v = real_value(above(0));
  v.keywords = {"sqrt_eps"};
  return {std::move(name), std::move(v), std::move(def), std::move(description), {}};
}

KeySpec bool_key(std::string name, std::string def, std::string description)
{
  ValueSpec v;
  v.kind = ValueKind::boolean;
  return {std::move(name), std::move(v), std::move(def), std::move(description), {}};
}

KeySpec choice_key(std::string name, std::vector<std::string> choices, std::string description)
{
  ValueSpec v;
  v.kind = ValueKind::choice;
  v.choices = std::move(choices);
  std::string def = v.choices.front();
  return {std::move(name), std::move(v), std::move(def), std::move(description), {}};
}

KeySpec text_key(std::string name, std::string description)
{
  ValueSpec v;
  v.kind = ValueKind::text;
  return {std::move(name), std::move(v), "''", std::move(description), {}};
}

KeySpec even(KeySpec key)
{
  key.value.int_check = [](std::int64_t value) {
    return value % 2 == 0 ? std::string() : "must be even";
  };
  return key;
}

KeySpec int_list_key(std::string name, std::string def, std::size_t length, std::int64_t min,
                     std::string description)
{
  ValueSpec v = int_value(min, int_limit);
  v.kind = ValueKind::int_list;
  v.list_length = length;
  return {std::move(name), std::move(v), std::move(def), std::move(description), {}};
}

KeySpec per_input(KeySpec key, std::function<std::string(int inputs)> default_for)
{
  key.input_default = std::move(default_for);
  return key;
}

std::string yaml_list(const std::vector<int>& values)
{
  std::string text = "[";
  for (std::size_t i = 0; i < values.size(); ++i)
    text += (i ? ", " : "") + std::to_string(values[i]);
  return text + "]";
}

KeySpec mapping_key(std::string name, std::vector<KeySpec> children, std::string description)
{
  ValueSpec v;
  v.kind = ValueKind::mapping;
  v.children = std::move(children);
  return {std::move(name), std::move(v), "", std::move(description), {}};
}

KeySpec point_set_key(std::string name, std::string description)
{
  ValueSpec v;
  v.kind = ValueKind::point_set;
  v.kinds = {
      {"grid",
       {int_key("nx", "101", 2, "points along x, edges included"),
        int_key("nt", "101", 2, "points along t, edges included")}},
      {"random", {int_key("n", "10201", 1, "points drawn uniformly in the domain", no_int_limit)}},
  };
  return {
      std::move(name), std::move(v), "{kind: grid, nx: 101, nt: 101}", std::move(description), {}};
}

KeySpec weights_key()
{
  ValueSpec v = real_value(at_least(0));
  v.kind = ValueKind::term_weights;
  return {"weights", std::move(v), "1", "loss weight per term (the task's term names)", {}};
}

VariantSpec variant(std::string name, std::vector<KeySpec> keys, std::string description,
                    std::vector<std::string> terms)
{
  return {std::move(name), true, std::move(keys), std::move(terms), std::move(description), {}};
}

VariantSpec not_implemented(std::string name, std::string description)
{
  return {std::move(name), false, {}, {}, std::move(description), {}};
}

} // namespace pinnbench::suite
