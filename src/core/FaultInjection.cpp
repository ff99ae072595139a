#include <cstdlib>
#include <map>
#include <pinnbench/core/Error.hpp>
#include <pinnbench/core/FaultInjection.hpp>
#include <vector>

namespace pinnbench::fault {

namespace {

struct Plan
{
  bool active = false;
  std::string operation;
  long occurrence = 0;
  int rank = -1; ///< -1: every rank
};

const std::vector<std::string>& operations()
{
  static const std::vector<std::string> known = {"result_write", "checkpoint_write", "closure",
                                                 "setup"};
  return known;
}

Plan parse(const char* text)
{
  Plan plan;
  if (text == nullptr || *text == '\0')
    return plan;
  const std::string spec = text;
  const auto bad = [&] {
    throw ConfigError("PINNBENCH_FAULT='" + spec +
                      "': expected OPERATION:N[@RANK] with OPERATION one of result_write, "
                      "checkpoint_write, closure, setup and N >= 1");
  };
  const auto colon = spec.find(':');
  if (colon == std::string::npos)
    bad();
  plan.operation = spec.substr(0, colon);
  bool known = false;
  for (const auto& name : operations())
    known = known || name == plan.operation;
  if (!known)
    bad();
  const auto at = spec.find('@', colon);
  const std::string count = spec.substr(colon + 1, at == std::string::npos ? at : at - colon - 1);
  char* end = nullptr;
  plan.occurrence = std::strtol(count.c_str(), &end, 10);
  if (count.empty() || *end != '\0' || plan.occurrence < 1)
    bad();
  if (at != std::string::npos) {
    const std::string rank = spec.substr(at + 1);
    plan.rank = static_cast<int>(std::strtol(rank.c_str(), &end, 10));
    if (rank.empty() || *end != '\0' || plan.rank < 0)
      bad();
  }
  plan.active = true;
  return plan;
}

struct State
{
  Plan plan = parse(std::getenv("PINNBENCH_FAULT"));
  int rank = 0;
  std::map<std::string, long> counts;
};

State& state()
{
  static State instance;
  return instance;
}

} // namespace

void set_rank(int rank)
{
  state().rank = rank;
}

bool should_fail(const char* operation)
{
  State& s = state();
  if (!s.plan.active || s.plan.operation != operation)
    return false;
  const long n = ++s.counts[operation];
  return n == s.plan.occurrence && (s.plan.rank < 0 || s.plan.rank == s.rank);
}

void maybe_throw(const char* operation, const std::string& message)
{
  if (should_fail(operation))
    throw InjectedFault("injected fault: " + message);
}

} // namespace pinnbench::fault
