// suites/failure-modes.yaml against the paper's Appendix A and Table 1
// (shared/papers/failure-modes-are-overfitting.txt): the per-equation training
// sets give Table 1's N column (800, 456, 444, 4396; 10403 / 10504 for the
// dense rows), the test sets are 10000 random domain points and 10000 points
// per condition, and the network, optimiser, stopping rule and matrix are the
// appendix's.
#include <gtest/gtest.h>
#include <map>
#include <pinnbench/pde/TaskRegistry.hpp>
#include <pinnbench/suite/RunSpec.hpp>
#include <pinnbench/suite/Suite.hpp>
#include <set>

namespace pinnbench::suite {
namespace {

Suite failure_modes()
{
  return load_suite(std::string(PINNBENCH_SOURCE_DIR) + "/suites/failure-modes.yaml", {});
}

/// Table 1's N: the points of every condition, a periodic pair once (it is one
/// term entry), the wave's u_t initial condition on u's points (not again).
std::int64_t collocation_count(const pde::Task& task)
{
  std::int64_t n = 0;
  for (const pde::Term& term : task.training_terms())
    if (term.name != "initial_velocity")
      n += term.size();
  return n;
}

const RunSpec& first_run_of(const Suite& suite, const std::string& task_label)
{
  for (const RunSpec& run : suite.runs)
    if (run.task_label == task_label)
      return run;
  throw std::runtime_error("no run of task " + task_label);
}

TEST(FailureModesSuite, TrainingSetsGiveTable1sN)
{
  const Suite suite = failure_modes();
  const std::map<std::string, std::int64_t> table1 = {{"convection", 800},
                                                      {"reaction", 456},
                                                      {"wave", 444},
                                                      {"allen_cahn", 4396},
                                                      {"convection_grid101", 10403},
                                                      {"reaction_grid101", 10403},
                                                      {"wave_grid101", 10504},
                                                      {"allen_cahn_grid101", 10504}};
  for (const auto& [label, n] : table1) {
    const RunSpec& run = first_run_of(suite, label);
    const auto task = pde::make_task(run.config["task"], run.seed);
    EXPECT_EQ(collocation_count(*task), n) << label;
  }
  // The pieces, as the appendix lists them.
  const auto sizes = [&](const std::string& label) {
    std::map<std::string, std::int64_t> out;
    const RunSpec& run = first_run_of(suite, label);
    for (const pde::Term& term : pde::make_task(run.config["task"], run.seed)->training_terms())
      out[term.name] = term.size();
    return out;
  };
  using Sizes = std::map<std::string, std::int64_t>;
  EXPECT_EQ(sizes("convection"), (Sizes{{"residual", 400}, {"initial", 200}, {"boundary", 200}}));
  EXPECT_EQ(sizes("reaction"), (Sizes{{"residual", 256}, {"initial", 100}, {"boundary", 100}}));
  EXPECT_EQ(sizes("wave"), (Sizes{{"residual", 144},
                                  {"initial", 100},
                                  {"initial_velocity", 100},
                                  {"boundary_lower", 100},
                                  {"boundary_upper", 100}}));
  EXPECT_EQ(
      sizes("allen_cahn"),
      (Sizes{
          {"residual", 4096}, {"initial", 100}, {"boundary", 100}, {"boundary_derivative", 100}}));
}

TEST(FailureModesSuite, TestSetsFollowAppendixA)
{
  const Suite suite = failure_modes();
  for (const char* label : {"convection", "reaction", "wave", "allen_cahn"}) {
    const RunSpec& run = first_run_of(suite, label);
    const auto task = pde::make_task(run.config["task"], run.seed);
    for (const pde::Term& term : task->test_terms())
      EXPECT_EQ(term.size(), 10000) << label << " test term " << term.name;
    EXPECT_EQ(run.config["task"]["test"]["domain"]["kind"].as<std::string>(), "random") << label;
  }
}

TEST(FailureModesSuite, NetworkOptimiserAndMatrixFollowAppendixA)
{
  const Suite suite = failure_modes();
  std::set<std::string> objectives, precisions, tasks;
  std::set<std::uint64_t> seeds;
  for (const RunSpec& run : suite.runs) {
    const YAML::Node& c = run.config;
    EXPECT_EQ(c["model"]["width"].as<int>(), 128);
    EXPECT_EQ(c["model"]["hidden_layers"].as<int>(), 4);
    EXPECT_EQ(c["model"]["activation"].as<std::string>(), "tanh");
    EXPECT_EQ(c["model"]["init"].as<std::string>(), "glorot_normal");
    EXPECT_TRUE(c["model"]["normalize_inputs"].as<bool>());
    EXPECT_EQ(run.optimizer, "lbfgs_optax");
    EXPECT_EQ(c["optimizer"]["memory_size"].as<int>(), 100);
    EXPECT_EQ(c["optimizer"]["max_linesearch_steps"].as<int>(), 20);
    EXPECT_TRUE(c["optimizer"]["scale_init_precond"].as<bool>());
    EXPECT_EQ(c["training"]["iterations"].as<std::int64_t>(), 1000000);
    EXPECT_EQ(c["training"]["stopping"]["rule"].as<std::string>(), "relative_change");
    EXPECT_EQ(c["training"]["stopping"]["window"].as<int>(), 100);
    EXPECT_EQ(c["training"]["stopping"]["tolerance"].as<std::string>(), "sqrt_eps");
    objectives.insert(run.objective_label);
    precisions.insert(run.config["precision"].as<std::string>());
    tasks.insert(run.task_label);
    seeds.insert(run.seed);
  }
  EXPECT_EQ(seeds, (std::set<std::uint64_t>{0, 1, 2, 3, 4}));
  EXPECT_EQ(precisions, (std::set<std::string>{"fp32", "fp64"}));
  for (const char* objective : {"vanilla", "l1", "l2", "double_pinn"})
    EXPECT_TRUE(objectives.count(objective)) << objective;
  EXPECT_EQ(tasks.size(), 8u);
}

} // namespace
} // namespace pinnbench::suite
