#pragma once
// Builders that keep a key table one line per key, for the schema's own
// sections and for the tasks and models that declare their keys in the
// registries (pde/TaskRegistry.hpp, nn/ModelRegistry.hpp):
//
//   real_key("beta", "50", any_real(), "convection speed")
//   int_key("domain_points", "8192", 1, "collocation points in the domain")
//   choice_key("activation", {"tanh", "sin"}, "activation")   // first choice = default
//
// Defaults are YAML text; the suite loader parses and range-checks them like
// any value a user writes (the schema test resolves every default).
#include <cstdint>
#include <limits>
#include <pinnbench/suite/Schema.hpp>
#include <string>
#include <vector>

namespace pinnbench::suite {

constexpr std::int64_t no_int_limit = std::numeric_limits<std::int64_t>::max();
/// Integer settings are read as `int` unless their key says otherwise (pass
/// no_int_limit for keys read as 64-bit): a larger value fails at its line.
constexpr std::int64_t int_limit = std::numeric_limits<int>::max();

/// The range of a real key; the bounds are inclusive unless said otherwise.
struct RealRange
{
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  bool min_inclusive = true, max_inclusive = true;
};
RealRange any_real();
RealRange at_least(double v);                                ///< [v, inf)
RealRange above(double v);                                   ///< (v, inf)
RealRange interval(double lo, double hi, bool hi_inclusive); ///< [lo, hi] or [lo, hi)
RealRange open_low_interval(double lo, double hi);           ///< (lo, hi]

ValueSpec real_value(RealRange range);
ValueSpec int_value(std::int64_t min, std::int64_t max);

KeySpec int_key(std::string name, std::string def, std::int64_t min, std::string description,
                std::int64_t max = int_limit);
/// The validation hook of an integer key: its value must also be even (e.g. a
/// real FFT's length). Checked where the value is written, FILE:LINE:COL.
KeySpec even(KeySpec key);
KeySpec real_key(std::string name, std::string def, RealRange range, std::string description);
/// A positive float, or `sqrt_eps` (the square root of the run precision's epsilon).
KeySpec tolerance_key(std::string name, std::string def, std::string description);
KeySpec bool_key(std::string name, std::string def, std::string description);
/// The first choice is the default.
KeySpec choice_key(std::string name, std::vector<std::string> choices, std::string description);
/// A free string (a file path), empty by default.
KeySpec text_key(std::string name, std::string description);
/// `length` 0: one entry per input of the run's task (checked once the run is resolved).
KeySpec int_list_key(std::string name, std::string def, std::size_t length, std::int64_t min,
                     std::string description);
/// A key whose default depends on the task's input count (KeySpec::input_default).
KeySpec per_input(KeySpec key, std::function<std::string(int inputs)> default_for);
/// "[8, 8]": a list as YAML text.
std::string yaml_list(const std::vector<int>& values);
/// Nested keys; the children carry the defaults.
KeySpec mapping_key(std::string name, std::vector<KeySpec> children, std::string description);
/// Collocation or test points of the 1D tasks: `{kind: grid, nx, nt}` or `{kind: random, n}`.
KeySpec point_set_key(std::string name, std::string description);
/// `weights`: loss weight per term of the task (every term defaults to 1).
KeySpec weights_key();

/// A variant that runs, and a known name that fails `not implemented yet`.
VariantSpec variant(std::string name, std::vector<KeySpec> keys, std::string description,
                    std::vector<std::string> terms = {});
VariantSpec not_implemented(std::string name, std::string description);

} // namespace pinnbench::suite
