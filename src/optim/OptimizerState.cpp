#include <algorithm>
#include <cmath>
#include <pinnbench/core/Error.hpp>
#include <pinnbench/optim/OptimizerState.hpp>

namespace pinnbench::optim {

namespace {

template <class Entries>
auto find_entry(const Entries& entries, const std::string& name)
{
  return std::find_if(entries.begin(), entries.end(),
                      [&](const auto& entry) { return entry.first == name; });
}

} // namespace

void OptimizerState::add_array(std::string name, std::vector<double> values)
{
  if (has_array(name))
    throw LogicError("optimizer state '" + kind + "': duplicate array '" + name + "'");
  arrays.emplace_back(std::move(name), std::move(values));
}

void OptimizerState::add_scalar(std::string name, double value)
{
  if (has_scalar(name))
    throw LogicError("optimizer state '" + kind + "': duplicate scalar '" + name + "'");
  scalars.emplace_back(std::move(name), value);
}

bool OptimizerState::has_array(const std::string& name) const
{
  return find_entry(arrays, name) != arrays.end();
}

bool OptimizerState::has_scalar(const std::string& name) const
{
  return find_entry(scalars, name) != scalars.end();
}

const std::vector<double>& OptimizerState::array(const std::string& name) const
{
  const auto entry = find_entry(arrays, name);
  if (entry == arrays.end())
    throw LogicError("optimizer state '" + kind + "' has no array '" + name + "'");
  return entry->second;
}

double OptimizerState::scalar(const std::string& name) const
{
  const auto entry = find_entry(scalars, name);
  if (entry == scalars.end())
    throw LogicError("optimizer state '" + kind + "' has no scalar '" + name + "'");
  return entry->second;
}

void OptimizerState::require_kind(const std::string& expected) const
{
  if (kind != expected)
    throw LogicError("cannot load optimizer state of kind '" + kind + "' into a '" + expected +
                     "' optimizer");
}

const std::vector<double>& OptimizerState::array_of_size(const std::string& name,
                                                         std::size_t size) const
{
  const std::vector<double>& values = array(name);
  if (values.size() != size)
    throw LogicError("optimizer state '" + kind + "': array '" + name + "' has " +
                     std::to_string(values.size()) + " values, expected " + std::to_string(size));
  return values;
}

long long OptimizerState::count(const std::string& name) const
{
  const double value = scalar(name);
  // Counters are stored as double; anything up to 2^53 is exact.
  if (!(value >= 0.0 && value <= 9007199254740992.0) || std::floor(value) != value)
    throw LogicError("optimizer state '" + kind + "': scalar '" + name +
                     "' is not a non-negative integer");
  return static_cast<long long>(value);
}

} // namespace pinnbench::optim
