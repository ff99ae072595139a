// Adam against PyTorch: every scenario in tests/data/optim/adam_*.txt is
// replayed step by step (one closure call per step): the evaluated points,
// losses, returned values and parameters after each step agree to 1e-10.
#include "ReferenceTrajectory.hpp"
#include "TestProblems.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <gtest/gtest.h>
#include <pinnbench/optim/Adam.hpp>

using namespace pinnbench;

namespace {

class AdamReference : public ::testing::TestWithParam<std::string>
{};

TEST_P(AdamReference, ReplaysTorchTrajectory)
{
  const test::ReferenceTrajectory ref = test::read_reference_scenario(GetParam());
  ASSERT_EQ(ref.optimizer, "adam");
  const test::Problem<double> problem = test::problem_named<double>(ref.problem);
  ASSERT_EQ(static_cast<int>(problem.x0.size()), ref.dimension);

  test::DeviceObjective<double> objective(problem.objective, problem.x0);
  optim::Adam<double> adam(objective.parameters, objective.gradient, test::adam_settings(ref));
  double worst_x = 0, worst_f = 0;
  for (int s = 0; s < ref.steps; ++s) {
    objective.step = s;
    const double returned = adam.step(objective.closure());
    const auto expected = ref.evaluations_of(s);
    const auto actual = objective.records_of(s);
    ASSERT_EQ(actual.size(), 1u) << "closure evaluations in step " << s;
    ASSERT_EQ(expected.size(), 1u) << "reference evaluations in step " << s;
    worst_x = std::max(worst_x, test::relative_deviation(actual[0]->x, expected[0]->x));
    worst_f = std::max(worst_f, test::relative_deviation(actual[0]->loss, expected[0]->loss));
    const test::ReferenceStep& result = ref.results[static_cast<std::size_t>(s)];
    worst_x = std::max(worst_x, test::relative_deviation(objective.point(), result.x));
    worst_f = std::max(worst_f, test::relative_deviation(returned, result.returned));
  }
  std::printf("[ deviation] %s: x %.2g f %.2g\n", ref.scenario.c_str(), worst_x, worst_f);
  EXPECT_LE(worst_x, 1e-10);
  EXPECT_LE(worst_f, 1e-10);
  EXPECT_EQ(adam.iterations(), ref.steps);
}

INSTANTIATE_TEST_SUITE_P(Torch, AdamReference,
                         ::testing::Values("adam_least_squares", "adam_rosenbrock_weight_decay"),
                         [](const ::testing::TestParamInfo<std::string>& scenario) {
                           return scenario.param;
                         });

} // namespace
