#include <array>
#include <pinnbench/core/Error.hpp>
#include <pinnbench/jet/UnaryFunction.hpp>
#include <utility>

namespace pinnbench::jet {

namespace {
constexpr std::array<std::pair<UnaryKind, const char*>, 11> kNames{{
    {UnaryKind::tanh, "tanh"},
    {UnaryKind::sin, "sin"},
    {UnaryKind::cos, "cos"},
    {UnaryKind::sigmoid, "sigmoid"},
    {UnaryKind::silu, "silu"},
    {UnaryKind::exp, "exp"},
    {UnaryKind::log, "log"},
    {UnaryKind::reciprocal, "reciprocal"},
    {UnaryKind::sqrt, "sqrt"},
    {UnaryKind::square, "square"},
    {UnaryKind::wave, "wave"},
}};
} // namespace

std::string to_string(UnaryKind kind)
{
  for (const auto& [k, name] : kNames)
    if (k == kind)
      return name;
  return "unknown";
}

UnaryKind unary_kind_from_string(const std::string& name)
{
  std::string choices;
  for (const auto& [kind, text] : kNames) {
    if (name == text)
      return kind;
    choices += (choices.empty() ? "" : ", ") + std::string(text);
  }
  throw ConfigError("unknown function '" + name + "' (valid choices: " + choices + ")");
}

} // namespace pinnbench::jet
