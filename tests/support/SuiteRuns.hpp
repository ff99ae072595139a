#pragma once
// Helpers for tests that train whole runs from suite YAML and read the result.
#include <cmath>
#include <gtest/gtest.h>
#include <pinnbench/io/RunResult.hpp>
#include <pinnbench/suite/Suite.hpp>
#include <stdexcept>
#include <string>
#include <vector>

namespace pinnbench::test_support {

/// The one run a test suite expands to.
inline suite::RunSpec single_run(const std::string& yaml)
{
  const auto suite = suite::load_suite_from_string(yaml, "test.yaml");
  EXPECT_EQ(suite.runs.size(), 1u);
  return suite.runs.front();
}

/// A floating-point /run attribute; NaN (and a test failure) when it is missing.
inline double attribute(const io::RunResult& result, const std::string& name)
{
  const double* value = result.run.get<double>(name);
  EXPECT_NE(value, nullptr) << name;
  return value ? *value : std::nan("");
}

inline const std::vector<double>& series(const io::RunResult& result, const std::string& name)
{
  for (const auto& s : result.history)
    if (s.name == name)
      return std::get<std::vector<double>>(s.values);
  throw std::runtime_error("no history series " + name);
}

} // namespace pinnbench::test_support
