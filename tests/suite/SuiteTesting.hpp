#pragma once
// Helpers shared by the suite tests: load inline YAML, capture ConfigError text.
#include <gtest/gtest.h>
#include <pinnbench/core/Error.hpp>
#include <pinnbench/suite/Suite.hpp>
#include <string>

namespace pinnbench::suite::testing {

/// The file label used for inline suites; messages start with it.
inline const std::string inline_file = "inline.yaml";

inline Suite load(const std::string& yaml)
{
  return load_suite_from_string(yaml, inline_file);
}

/// The ConfigError message that loading `yaml` produces ("" and a test failure if none).
inline std::string load_error(const std::string& yaml)
{
  try {
    load(yaml);
  } catch (const ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a ConfigError for:\n" << yaml;
  return {};
}

inline bool starts_with(const std::string& text, const std::string& prefix)
{
  return text.rfind(prefix, 0) == 0;
}

inline bool contains(const std::string& text, const std::string& part)
{
  return text.find(part) != std::string::npos;
}

/// The run with this id (a test failure if absent).
inline const RunSpec& run_named(const Suite& suite, const std::string& run_id)
{
  for (const auto& run : suite.runs) {
    if (run.run_id == run_id) {
      return run;
    }
  }
  ADD_FAILURE() << "no run " << run_id;
  static const RunSpec none;
  return none;
}

/// A matrix that names one of everything, for tests about other parts.
inline const std::string minimal_matrix = "matrix:\n"
                                          "  tasks: [convection]\n"
                                          "  models: [pinn]\n"
                                          "  objectives: [vanilla]\n"
                                          "  optimizers: [lbfgs]\n";

} // namespace pinnbench::suite::testing
