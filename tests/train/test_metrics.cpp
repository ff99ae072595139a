// PINNacle's metrics against a hand computation, also with the points split
// over the ranks of the run, and in a run's result against its own test arrays.
#include "support/SuiteRuns.hpp"

#include <algorithm>
#include <cmath>
#include <gtest/gtest.h>
#include <limits>
#include <pinnbench/core/Error.hpp>
#include <pinnbench/train/TestMetrics.hpp>
#include <pinnbench/train/Trainer.hpp>

using namespace pinnbench;
using train::ErrorSums;

namespace {

// Three points, two outputs. e = prediction - reference:
//   [[0, 1], [1, 0], [1, -1]]; |y| sums to 20, y^2 to 102.
const double prediction[6] = {1, 2, 3, 4, 5, 7};
const double reference[6] = {1, 1, 2, 4, 4, 8};

void expect_hand_values(const train::TestMetrics& m)
{
  EXPECT_DOUBLE_EQ(m.mse, 4.0 / 6);               // (0 + 1 + 1 + 0 + 1 + 1) / 6
  EXPECT_DOUBLE_EQ(m.mae, 4.0 / 6);               // (0 + 1 + 1 + 0 + 1 + 1) / 6
  EXPECT_DOUBLE_EQ(m.mxe, 1.0);                   // max |e|
  EXPECT_DOUBLE_EQ(m.crmse, 2.0 / 6);             // |0 + 1 + 1 + 0 + 1 - 1| / 6
  EXPECT_DOUBLE_EQ(m.rmae, 4.0 / 20);             // L1RE
  EXPECT_DOUBLE_EQ(m.rmse, std::sqrt(4.0 / 102)); // L2RE
  ASSERT_EQ(m.l2re_per_output.size(), 2u);
  EXPECT_DOUBLE_EQ(m.l2re_per_output[0], std::sqrt(2.0 / 21)); // e = 0, 1, 1; y = 1, 2, 4
  EXPECT_DOUBLE_EQ(m.l2re_per_output[1], std::sqrt(2.0 / 81)); // e = 1, 0, -1; y = 1, 4, 8
}

} // namespace

TEST(TestMetrics, MatchAHandComputation)
{
  ErrorSums sums(2);
  sums.add(prediction, reference, 6);
  expect_hand_values(sums.metrics());

  const auto named = train::named_metrics(sums.metrics(), 2);
  ASSERT_EQ(named.size(), 6u);
  EXPECT_EQ(named[0].first, "MSE");
  EXPECT_EQ(named[2].first, "MXE");
  EXPECT_EQ(named[5].first, "L2RE_1");
  EXPECT_DOUBLE_EQ(named[5].second, std::sqrt(2.0 / 81));
  EXPECT_TRUE(std::isnan(train::named_metrics(train::TestMetrics{}, 1)[4].second));
  EXPECT_THROW(sums.add(prediction, reference, 5), LogicError);
}

TEST(TestMetrics, RanksHoldingDifferentPointsReduceToTheSameValues)
{
  const parallel::MpiContext mpi;
  // Rank r takes points r, r + P, ... (0 points on ranks beyond the third).
  ErrorSums sums(2);
  for (int point = mpi.rank(); point < 3; point += mpi.size())
    sums.add(prediction + 2 * point, reference + 2 * point, 2);
  sums.reduce(mpi);
  expect_hand_values(sums.metrics());
}

TEST(TestMetrics, ANanPredictionShowsInEveryMetric)
{
  const parallel::MpiContext mpi;
  const double bad[2] = {std::numeric_limits<double>::quiet_NaN(), 1.0};
  const double ref[2] = {1.0, 1.0};
  ErrorSums sums(1);
  if (mpi.rank() == mpi.size() - 1)
    sums.add(bad, ref, 2);
  else
    sums.add(ref, ref, 2);
  sums.reduce(mpi);
  const auto m = sums.metrics();
  EXPECT_TRUE(std::isnan(m.mxe));
  EXPECT_TRUE(std::isnan(m.rmse));
  EXPECT_TRUE(std::isnan(m.mse));
}

TEST(TestMetrics, ARunRecordsThemFromItsOwnTestArrays)
{
  // A short run: the result's metrics must follow from its stored u_pred and
  // u_ref by the formulas above, computed here directly.
  const parallel::MpiContext mpi;
  train::RunContext context(mpi);
  const io::RunResult result = train::run_training(test_support::single_run(R"(
defaults:
  precision: fp64
  task:
    name: convection
    beta: 5
    points: {domain: {kind: grid, nx: 11, nt: 11}, initial: 11, boundary: 11}
    test: {domain: {kind: grid, nx: 21, nt: 21}, initial: 21, boundary: 21}
  model: {name: pinn, width: 8, hidden_layers: 2}
  objective: {name: vanilla}
  optimizer: {name: adam, lr: 0.01}
  training: {iterations: 10, history_every: 5}
)"),
                                                   context);
  if (!mpi.is_root())
    return; // the test arrays live on rank 0
  const auto& pred = result.test.u_pred.values;
  const auto& ref = result.test.u_ref.values;
  ASSERT_EQ(pred.size(), 441u);
  double se = 0, ae = 0, sy = 0, ay = 0, sum = 0, mx = 0;
  for (std::size_t i = 0; i < pred.size(); ++i) {
    const double e = pred[i] - ref[i];
    se += e * e;
    ae += std::fabs(e);
    sy += ref[i] * ref[i];
    ay += std::fabs(ref[i]);
    sum += e;
    mx = std::max(mx, std::fabs(e));
  }
  const double n = static_cast<double>(pred.size());
  using test_support::attribute;
  EXPECT_NEAR(attribute(result, "MSE"), se / n, 1e-12 * se / n);
  EXPECT_NEAR(attribute(result, "MAE"), ae / n, 1e-12 * ae / n);
  EXPECT_EQ(attribute(result, "MXE"), mx);
  EXPECT_NEAR(attribute(result, "CRMSE"), std::fabs(sum / n), 1e-10 * ae / n);
  EXPECT_NEAR(attribute(result, "rMAE"), ae / ay, 1e-12);
  EXPECT_NEAR(attribute(result, "rMSE"), std::sqrt(se / sy), 1e-12);
  EXPECT_EQ(attribute(result, "L2RE_0"), attribute(result, "rMSE")); // one output
  const auto& history = test_support::series(result, "MSE");
  ASSERT_EQ(history.size(), 3u); // iterations 0, 5, 10
  EXPECT_EQ(history.back(), attribute(result, "MSE"));
  EXPECT_EQ(test_support::series(result, "L2RE_0").size(), 3u);
}
