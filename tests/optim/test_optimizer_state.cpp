// Checkpointing: an optimiser rebuilt from save_state() (plus the parameters)
// continues with bitwise the same iterates as the original; load_state rejects
// states of the wrong kind or shape and then leaves the optimiser as it was.
#include "TestProblems.hpp"

#include <algorithm>
#include <cstring>
#include <gtest/gtest.h>
#include <pinnbench/core/Error.hpp>
#include <pinnbench/optim/Adam.hpp>
#include <pinnbench/optim/Lbfgs.hpp>

using namespace pinnbench;

namespace {

/// Every closure call of a run: the points and losses, in order.
template <class Real>
struct Trace
{
  std::vector<std::vector<Real>> points;
  std::vector<Real> losses;
  std::vector<Real> returned;
};

template <class Real>
bool bitwise_equal(Real a, Real b)
{
  return std::memcmp(&a, &b, sizeof(Real)) == 0;
}

template <class Real>
void expect_bitwise_equal(const Trace<Real>& expected, const Trace<Real>& actual)
{
  ASSERT_EQ(actual.points.size(), expected.points.size());
  for (std::size_t e = 0; e < expected.points.size(); ++e) {
    EXPECT_TRUE(bitwise_equal(actual.losses[e], expected.losses[e])) << "evaluation " << e;
    for (std::size_t i = 0; i < expected.points[e].size(); ++i)
      EXPECT_TRUE(bitwise_equal(actual.points[e][i], expected.points[e][i]))
          << "evaluation " << e << " coordinate " << i;
  }
  ASSERT_EQ(actual.returned.size(), expected.returned.size());
  for (std::size_t s = 0; s < expected.returned.size(); ++s)
    EXPECT_TRUE(bitwise_equal(actual.returned[s], expected.returned[s])) << "step " << s;
}

/// Runs `steps` step() calls and returns what the closure saw from then on.
template <class Optimizer, class Real>
Trace<Real> continue_run(Optimizer& optimizer, test::DeviceObjective<Real>& objective, int steps)
{
  const std::size_t first = objective.records.size();
  Trace<Real> trace;
  for (int s = 0; s < steps; ++s)
    trace.returned.push_back(optimizer.step(objective.closure()));
  for (std::size_t e = first; e < objective.records.size(); ++e) {
    trace.points.push_back(objective.records[e].x);
    trace.losses.push_back(objective.records[e].loss);
  }
  trace.points.push_back(objective.point()); // and where the last step left the parameters
  trace.losses.push_back(Real(0));
  return trace;
}

struct LbfgsCase
{
  const char* name;
  optim::LbfgsSettings settings;
  int steps_before; // steps run before the checkpoint
};

std::vector<LbfgsCase> lbfgs_cases()
{
  optim::LbfgsSettings wolfe;
  wolfe.max_iter = 4;
  optim::LbfgsSettings ring = wolfe;
  ring.history_size = 3; // wrapped by the checkpoint: 8 iterations into 3 slots
  optim::LbfgsSettings fixed;
  fixed.strong_wolfe = false;
  fixed.lr = 0.05;
  fixed.max_iter = 5;
  return {{"strong_wolfe", wolfe, 2},
          {"history_ring_wrapped", ring, 2},
          {"fixed_step", fixed, 3},
          {"before_first_step", wolfe, 0}};
}

template <class Real>
void check_lbfgs_resume(const LbfgsCase& c)
{
  SCOPED_TRACE(c.name);
  const test::Problem<Real> problem = test::rosenbrock<Real>();
  test::DeviceObjective<Real> original(problem.objective, problem.x0);
  optim::Lbfgs<Real> lbfgs(original.parameters, original.gradient, c.settings);
  for (int s = 0; s < c.steps_before; ++s)
    lbfgs.step(original.closure());
  const optim::OptimizerState checkpoint = lbfgs.save_state();
  const std::vector<Real> checkpoint_x = original.point();
  const Trace<Real> expected = continue_run(lbfgs, original, 4);

  test::DeviceObjective<Real> resumed(problem.objective, checkpoint_x);
  optim::Lbfgs<Real> restored(resumed.parameters, resumed.gradient, c.settings);
  restored.load_state(checkpoint);
  EXPECT_EQ(restored.iterations(), checkpoint.count("lbfgs.n_iter"));
  const Trace<Real> actual = continue_run(restored, resumed, 4);
  expect_bitwise_equal(expected, actual);
  EXPECT_EQ(restored.iterations(), lbfgs.iterations());
  EXPECT_EQ(restored.function_evaluations(), lbfgs.function_evaluations());
  EXPECT_EQ(restored.history_length(), lbfgs.history_length());
}

TEST(LbfgsState, ResumesBitwiseInDouble)
{
  for (const LbfgsCase& c : lbfgs_cases())
    check_lbfgs_resume<double>(c);
}

TEST(LbfgsState, ResumesBitwiseInFloat)
{
  for (const LbfgsCase& c : lbfgs_cases())
    check_lbfgs_resume<float>(c);
}

TEST(LbfgsState, NamesEveryPieceOfTorchState)
{
  const test::Problem<double> problem = test::rosenbrock<double>();
  test::DeviceObjective<double> objective(problem.objective, problem.x0);
  optim::LbfgsSettings settings;
  settings.history_size = 3;
  optim::Lbfgs<double> lbfgs(objective.parameters, objective.gradient, settings);
  lbfgs.step(objective.closure());
  const optim::OptimizerState state = lbfgs.save_state();
  EXPECT_EQ(state.kind, "lbfgs");
  ASSERT_EQ(lbfgs.history_length(), 3);
  for (const char* name : {"lbfgs.d", "lbfgs.prev_flat_grad", "lbfgs.old_dirs.0",
                           "lbfgs.old_dirs.2", "lbfgs.old_stps.0", "lbfgs.old_stps.2"})
    EXPECT_EQ(state.array(name).size(), 10u) << name;
  EXPECT_EQ(state.array("lbfgs.ro").size(), 3u);
  EXPECT_FALSE(state.has_array("lbfgs.old_dirs.3"));
  EXPECT_EQ(state.count("lbfgs.n_iter"), lbfgs.iterations());
  EXPECT_EQ(state.count("lbfgs.func_evals"), lbfgs.function_evaluations());
  for (const char* name : {"lbfgs.t", "lbfgs.H_diag", "lbfgs.prev_loss"})
    EXPECT_TRUE(state.has_scalar(name)) << name;
}

/// A saved L-BFGS state after two steps of Rosenbrock.
optim::OptimizerState lbfgs_state(int history_size, int dimension = 10, int max_iter = 3)
{
  const test::Problem<double> problem = test::rosenbrock<double>(dimension);
  test::DeviceObjective<double> objective(problem.objective, problem.x0);
  optim::LbfgsSettings settings;
  settings.max_iter = max_iter;
  settings.history_size = history_size;
  optim::Lbfgs<double> lbfgs(objective.parameters, objective.gradient, settings);
  lbfgs.step(objective.closure());
  lbfgs.step(objective.closure());
  return lbfgs.save_state();
}

optim::OptimizerState adam_state(int dimension = 10)
{
  const test::Problem<double> problem = test::rosenbrock<double>(dimension);
  test::DeviceObjective<double> objective(problem.objective, problem.x0);
  optim::Adam<double> adam(objective.parameters, objective.gradient, {});
  adam.step(objective.closure());
  return adam.save_state();
}

optim::OptimizerState without_array(optim::OptimizerState state, const std::string& name)
{
  auto& arrays = state.arrays;
  arrays.erase(std::remove_if(arrays.begin(), arrays.end(),
                              [&](const auto& entry) { return entry.first == name; }),
               arrays.end());
  return state;
}

TEST(LbfgsState, RejectsMismatchesAndStaysUntouched)
{
  const test::Problem<double> problem = test::rosenbrock<double>();
  test::DeviceObjective<double> objective(problem.objective, problem.x0);
  optim::LbfgsSettings settings;
  settings.max_iter = 3;
  settings.history_size = 4;
  optim::Lbfgs<double> lbfgs(objective.parameters, objective.gradient, settings);
  lbfgs.step(objective.closure());
  const optim::OptimizerState before = lbfgs.save_state();

  const optim::OptimizerState good = lbfgs_state(4);
  const optim::OptimizerState long_history = lbfgs_state(100, 10, 6);
  ASSERT_GT(long_history.count("lbfgs.history_length"), 4);
  optim::OptimizerState resized = good;
  for (auto& [name, values] : resized.arrays)
    if (name == "lbfgs.old_stps.1")
      values.pop_back();
  optim::OptimizerState fractional = good;
  for (auto& [name, value] : fractional.scalars)
    if (name == "lbfgs.n_iter")
      value = 2.5;

  EXPECT_THROW(lbfgs.load_state(adam_state()), LogicError);
  EXPECT_THROW(lbfgs.load_state(lbfgs_state(4, 12)), LogicError); // other dimension
  EXPECT_THROW(lbfgs.load_state(long_history), LogicError);
  EXPECT_THROW(lbfgs.load_state(without_array(good, "lbfgs.old_dirs.2")), LogicError);
  EXPECT_THROW(lbfgs.load_state(without_array(good, "lbfgs.d")), LogicError);
  EXPECT_THROW(lbfgs.load_state(resized), LogicError);
  EXPECT_THROW(lbfgs.load_state(fractional), LogicError);

  const optim::OptimizerState after = lbfgs.save_state();
  EXPECT_EQ(after.arrays, before.arrays);
  EXPECT_EQ(after.scalars, before.scalars);
  EXPECT_NO_THROW(lbfgs.load_state(good));
  EXPECT_EQ(lbfgs.iterations(), good.count("lbfgs.n_iter"));
}

template <class Real>
void check_adam_resume()
{
  const test::Problem<Real> problem = test::rosenbrock<Real>();
  const optim::AdamSettings settings{1e-2, 0.8, 0.99, 1e-6, 0.01};
  test::DeviceObjective<Real> original(problem.objective, problem.x0);
  optim::Adam<Real> adam(original.parameters, original.gradient, settings);
  for (int s = 0; s < 7; ++s)
    adam.step(original.closure());
  const optim::OptimizerState checkpoint = adam.save_state();
  const std::vector<Real> checkpoint_x = original.point();
  const Trace<Real> expected = continue_run(adam, original, 10);

  test::DeviceObjective<Real> resumed(problem.objective, checkpoint_x);
  optim::Adam<Real> restored(resumed.parameters, resumed.gradient, settings);
  restored.load_state(checkpoint);
  const Trace<Real> actual = continue_run(restored, resumed, 10);
  expect_bitwise_equal(expected, actual);
  EXPECT_EQ(restored.iterations(), 17);
}

TEST(AdamState, ResumesBitwise)
{
  check_adam_resume<double>();
  check_adam_resume<float>();
}

TEST(AdamState, RejectsMismatches)
{
  const test::Problem<double> problem = test::rosenbrock<double>();
  test::DeviceObjective<double> objective(problem.objective, problem.x0);
  optim::Adam<double> adam(objective.parameters, objective.gradient, {});
  EXPECT_THROW(adam.load_state(lbfgs_state(4)), LogicError);
  EXPECT_THROW(adam.load_state(adam_state(12)), LogicError);
  EXPECT_THROW(adam.load_state(without_array(adam_state(), "adam.exp_avg_sq")), LogicError);
  EXPECT_EQ(adam.iterations(), 0);
  EXPECT_NO_THROW(adam.load_state(adam_state()));
  EXPECT_EQ(adam.iterations(), 1);
}

TEST(OptimizerState, RejectsDuplicateAndMissingNames)
{
  optim::OptimizerState state;
  state.kind = "lbfgs";
  state.add_scalar("lbfgs.t", 1.0);
  state.add_array("lbfgs.d", {1.0, 2.0});
  EXPECT_THROW(state.add_scalar("lbfgs.t", 2.0), LogicError);
  EXPECT_THROW(state.add_array("lbfgs.d", {}), LogicError);
  EXPECT_THROW(state.scalar("lbfgs.H_diag"), LogicError);
  EXPECT_THROW(state.array("lbfgs.ro"), LogicError);
  EXPECT_THROW(state.array_of_size("lbfgs.d", 3), LogicError);
  EXPECT_THROW(state.require_kind("adam"), LogicError);
  EXPECT_EQ(state.array_of_size("lbfgs.d", 2), (std::vector<double>{1.0, 2.0}));
}

} // namespace
