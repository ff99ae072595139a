#include <algorithm>
#include <pinnbench/io/AttributeList.hpp>

namespace pinnbench::io {

void AttributeList::set(const std::string& name, AttributeValue value)
{
  const auto existing =
      std::find_if(entries_.begin(), entries_.end(),
                   [&](const NamedAttribute& entry) { return entry.name == name; });
  if (existing != entries_.end()) {
    existing->value = std::move(value);
  } else {
    entries_.push_back({name, std::move(value)});
  }
}

const AttributeValue* AttributeList::find(const std::string& name) const
{
  const auto existing =
      std::find_if(entries_.begin(), entries_.end(),
                   [&](const NamedAttribute& entry) { return entry.name == name; });
  return existing == entries_.end() ? nullptr : &existing->value;
}

} // namespace pinnbench::io
