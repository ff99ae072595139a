#pragma once
// The attributes of one result-file object (the /run group, /run/test), as a
// plain value: typed, in insertion order, each name at most once.
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace pinnbench::io {

/// Scalar string, int64 or double, or a 1-D int64/double array.
using AttributeValue =
    std::variant<std::string, std::int64_t, double, std::vector<std::int64_t>, std::vector<double>>;

struct NamedAttribute
{
  std::string name;
  AttributeValue value;
};

class AttributeList
{
public:
  /// Setting a name again replaces its value in place, keeping its position,
  /// so a late `status` does not reorder the file.
  void set(const std::string& name, AttributeValue value);
  void set_string(const std::string& name, std::string value) { set(name, std::move(value)); }
  void set_int(const std::string& name, std::int64_t value) { set(name, value); }
  void set_double(const std::string& name, double value) { set(name, value); }
  void set_int_array(const std::string& name, std::vector<std::int64_t> values)
  {
    set(name, std::move(values));
  }
  void set_double_array(const std::string& name, std::vector<double> values)
  {
    set(name, std::move(values));
  }

  bool contains(const std::string& name) const { return find(name) != nullptr; }
  const AttributeValue* find(const std::string& name) const;
  /// The value when `name` is present and holds a T, else nullptr.
  template <class T>
  const T* get(const std::string& name) const
  {
    const AttributeValue* value = find(name);
    return value == nullptr ? nullptr : std::get_if<T>(value);
  }

  const std::vector<NamedAttribute>& entries() const noexcept { return entries_; }
  std::size_t size() const noexcept { return entries_.size(); }
  bool empty() const noexcept { return entries_.empty(); }

private:
  std::vector<NamedAttribute> entries_;
};

} // namespace pinnbench::io
