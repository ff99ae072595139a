#pragma once
// What the PINNacle task tests share: a task built from suite YAML at random
// training points, its terms by name, residual checks with exact models, and a
// temporary data folder for synthetic reference files.
#include "support/ExactModel.hpp"
#include "support/SuiteRuns.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <gtest/gtest.h>
#include <memory>
#include <pinnbench/pde/TaskRegistry.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace pinnbench::test_support {

/// The task of a suite naming it with `settings` (a flow mapping), random
/// (uniform) training points, reading data from `data_dir`.
inline std::unique_ptr<pde::Task> pinnacle_task(const std::string& task,
                                                const std::string& settings,
                                                const std::filesystem::path& data_dir = {},
                                                std::uint64_t seed = 5)
{
  const auto run =
      single_run("defaults:\n  task: {" + task + ": {distribution: uniform, " + settings +
                 "}}\nmatrix:\n  tasks: [" + task +
                 "]\n  models: [pinn]\n  objectives: [vanilla]\n  optimizers: [adam]\n");
  pde::TaskInputs in;
  in.config = run.config["task"];
  in.seed = seed;
  in.data_dir = data_dir;
  return pde::make_task(in);
}

/// The task's `task:` mapping with every key at its default.
inline YAML::Node default_task_config(const std::string& task)
{
  return single_run("matrix:\n  tasks: [" + task +
                    "]\n  models: [pinn]\n  objectives: [vanilla]\n"
                    "  optimizers: [adam]\n")
      .config["task"];
}

inline const pde::Term& term_named(const std::vector<pde::Term>& terms, const std::string& name)
{
  for (const auto& term : terms)
    if (term.name == name)
      return term;
  throw std::runtime_error("no term " + name);
}

inline pde::Term term_named(const pde::Task& task, const std::string& name)
{
  return term_named(task.training_terms(), name);
}

inline std::vector<std::string> term_names(const pde::Task& task)
{
  std::vector<std::string> names;
  for (const auto& term : task.training_terms())
    names.push_back(term.name);
  return names;
}

inline double max_abs(const std::vector<double>& values)
{
  double m = 0;
  for (double v : values)
    m = std::max(m, std::fabs(v));
  return m;
}

/// The residual of the training term `name` at each of its points (which must exist).
inline std::vector<double> residuals_of(const pde::Task& task, const std::string& name,
                                        const nn::Model<double>& model)
{
  const auto terms = task.training_terms();
  const auto& term = term_named(terms, name);
  EXPECT_GT(term.size(), 0) << name;
  return term_residuals(task, term, model);
}

/// Every listed term's residual is at most `tolerance` at every point.
inline void expect_vanish(const pde::Task& task, const nn::Model<double>& model,
                          const std::vector<std::string>& names, double tolerance)
{
  for (const auto& name : names)
    EXPECT_LE(max_abs(residuals_of(task, name, model)), tolerance) << task.name() << " " << name;
}

inline void expect_not_vanish(const pde::Task& task, const nn::Model<double>& model,
                              const std::string& name)
{
  EXPECT_GT(max_abs(residuals_of(task, name, model)), 1e-3) << task.name() << " " << name;
}

/// Calls `check(x)` for every point of a term's first evaluation.
inline void for_each_point(const pde::Term& term, const std::function<void(const double*)>& check)
{
  const auto& points = term.evaluations.front();
  for (std::int64_t n = 0; n < points.size(); ++n)
    check(points.coordinates.data() + n * points.dimension);
}

/// How many of the PDE term's points (all training points) satisfy `where`.
inline std::int64_t count_points(const pde::Task& task,
                                 const std::function<bool(const double*)>& where)
{
  const auto terms = task.training_terms();
  std::int64_t count = 0;
  for_each_point(terms.front(), [&](const double* x) { count += where(x) ? 1 : 0; });
  return count;
}

/// Rows "x y f(x, y)" of a headerless np.savetxt "%.18e" table on the grid xs x ys
/// (meshgrid order, y slowest), CRLF line ends as in PINNacle's coefficient grids.
inline std::string grid_table(const std::vector<double>& xs, const std::vector<double>& ys,
                              const std::function<double(double, double)>& f)
{
  std::ostringstream out;
  out.precision(18);
  out << std::scientific;
  for (double y : ys)
    for (double x : xs)
      out << x << ' ' << y << ' ' << f(x, y) << "\r\n";
  return out.str();
}

/// A temporary data directory with a ref/ folder, removed at the end; named by
/// the test (suite and name) and GoogleTest's random seed.
class DataDir
{
public:
  DataDir()
  {
    const auto* test = ::testing::UnitTest::GetInstance();
    const auto* info = test->current_test_info();
    path_ = std::filesystem::temp_directory_path() /
            ("pinnbench-" + std::string(info->test_suite_name()) + "-" + info->name() + "-" +
             std::to_string(test->random_seed()));
    std::filesystem::create_directories(path_ / "ref");
  }
  ~DataDir() { std::filesystem::remove_all(path_); }
  DataDir(const DataDir&) = delete;
  DataDir& operator=(const DataDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  void write(const std::string& name, const std::string& text) const
  {
    std::ofstream(path_ / name, std::ios::binary) << text;
  }

private:
  std::filesystem::path path_;
};

} // namespace pinnbench::test_support
