// Data parallelism: the closure on all ranks of MPI_COMM_WORLD (points split in
// blocks, one allreduce) equals the closure of one rank holding every point
// (MPI_COMM_SELF), loss and gradient, to summation order. Registered at 1 and 2
// ranks. Covers RoPINN's perturbations (keyed by global point index), vPINN's
// element-aligned blocks and the evaluator's reductions and gathers.
#include "support/ClosureAcrossRanks.hpp"
#include "support/GridSettings.hpp"

#include <cmath>
#include <gtest/gtest.h>
#include <memory>
#include <pinnbench/nn/Mlp.hpp>
#include <pinnbench/nn/PinnsFormer.hpp>
#include <pinnbench/nn/ProPinn.hpp>
#include <pinnbench/objective/DoublePinn.hpp>
#include <pinnbench/objective/Ropinn.hpp>
#include <pinnbench/objective/Vpinn.hpp>
#include <pinnbench/pde/AllenCahnTask.hpp>
#include <pinnbench/pde/SpaceTimeTask.hpp>
#include <pinnbench/train/Evaluator.hpp>
#include <pinnbench/train/LossFunction.hpp>

using namespace pinnbench;

namespace {

pde::SpaceTimeSettings grid()
{
  return test_support::grid_settings(13, 11, 17, 9);
}

/// The evaluator's rMAE and rMSE on all ranks equal one rank's.
void expect_world_errors_equal_self(const pde::Task& task, const nn::Model<double>& model,
                                    const Vector<double>& parameters)
{
  train::Evaluator<double> world(task, model, parallel::MpiContext(MPI_COMM_WORLD), 8);
  train::Evaluator<double> self(task, model, parallel::MpiContext(MPI_COMM_SELF), 8);
  const auto a = world.errors(parameters);
  const auto b = self.errors(parameters);
  EXPECT_NEAR(a.rmae, b.rmae, 1e-14 * b.rmae);
  EXPECT_NEAR(a.rmse, b.rmse, 1e-14 * b.rmse);
}

} // namespace

TEST(Parallel, ClosureOnAllRanksEqualsOneRank)
{
  pde::ConvectionTask convection(7.0, grid());
  nn::MlpShape shape;
  shape.width = 9;
  shape.hidden_layers = 2;
  nn::Mlp<double> model(shape);
  Vector<double> parameters("parameters", model.layout().size());
  model.initialize(parameters, 1);
  const auto parameters_count = model.layout().size();

  objective::RopinnSettings ropinn_settings;
  ropinn_settings.initial_region = 1e-2;
  ropinn_settings.max_region = 1e-2;
  ropinn_settings.perturb_conditions = true;
  objective::VpinnSettings vpinn_settings;
  vpinn_settings.elements = {3, 3};
  vpinn_settings.quadrature_points = 3;
  vpinn_settings.test_functions = 2;

  std::vector<
      std::pair<std::string, std::function<std::unique_ptr<objective::Objective<double>>()>>>
      objectives{
          {"vanilla", [] { return std::unique_ptr<objective::Objective<double>>(); }},
          {"double_pinn",
           [] {
             return std::make_unique<objective::DoublePinn<double>>(
                 objective::DoublePinnSettings{});
           }},
          {"ropinn",
           [&] {
             return std::make_unique<objective::Ropinn<double>>(ropinn_settings, parameters_count,
                                                                5);
           }},
          {"vpinn",
           [&] {
             return std::make_unique<objective::Vpinn<double>>(vpinn_settings, convection.domain());
           }},
      };
  for (const auto& [name, make] : objectives) {
    auto world_objective = make();
    auto self_objective = make();
    test_support::expect_world_closure_equals_self(
        convection, model, parameters, world_objective.get(), self_objective.get(), name);
  }
}

TEST(Parallel, EvaluatorReducesAndGathersLikeOneRank)
{
  pde::WaveTask wave(2.0, 3.0, grid());
  nn::MlpShape shape;
  shape.width = 7;
  shape.hidden_layers = 2;
  nn::Mlp<double> model(shape);
  Vector<double> parameters("parameters", model.layout().size());
  model.initialize(parameters, 2);
  expect_world_errors_equal_self(wave, model, parameters);
  train::Evaluator<double> world(wave, model, parallel::MpiContext(MPI_COMM_WORLD), 8);
  train::Evaluator<double> self(wave, model, parallel::MpiContext(MPI_COMM_SELF), 8);
  const auto gathered = world.gather(parameters);
  const auto alone = self.gather(parameters);
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (rank == 0) {
    ASSERT_EQ(gathered.points, 13 * 11);
    EXPECT_EQ(gathered.x, alone.x);
    EXPECT_EQ(gathered.u_ref, alone.u_ref);
    ASSERT_EQ(gathered.u_pred.size(), alone.u_pred.size());
    for (std::size_t i = 0; i < alone.u_pred.size(); ++i) {
      EXPECT_NEAR(gathered.u_pred[i], alone.u_pred[i], 1e-15);
      EXPECT_NEAR(gathered.residual[i], alone.residual[i],
                  1e-12 * (1 + std::fabs(alone.residual[i])));
    }
  }
}

TEST(Parallel, ProPinnClosureAndEvaluatorOnAllRanksEqualOneRank)
{
  // ProPINN's 84 copies of a point stay on the point's rank: the split by
  // points leaves the perturbation, pooling and mixer inside each block.
  pde::AllenCahnTask allen_cahn({}, {32, 1e-3, true}, grid());
  nn::ProPinnShape shape;
  shape.hidden_dim = 8;
  shape.head_width = 6;
  shape.head_layers = 2;
  shape.input_scale = 1.3;
  nn::ProPinn<double> model(shape);
  Vector<double> parameters("parameters", model.layout().size());
  model.initialize(parameters, 4);
  test_support::expect_world_closure_equals_self(allen_cahn, model, parameters, nullptr, nullptr,
                                                 "propinn");
  expect_world_errors_equal_self(allen_cahn, model, parameters);
}

TEST(Parallel, PseudoSequenceModelOnAllRanksEqualsOneRank)
{
  // PINNsFormer's token rows: blocks and chunks hold whole points, RoPINN draws
  // one move per token keyed by its global row, initial values read token 0.
  pde::ConvectionTask convection(7.0, grid());
  pde::WaveTask wave(2.0, 3.0, grid());
  nn::PinnsFormerShape shape;
  shape.d_model = 4;
  shape.d_ff = 6;
  shape.hidden = 5;
  shape.tokens = 3;
  shape.step = 0.01;
  nn::PinnsFormer<double> model(shape);
  Vector<double> parameters("parameters", model.layout().size());
  model.initialize(parameters, 4);
  objective::RopinnSettings ropinn_settings;
  ropinn_settings.initial_region = 1e-2;
  ropinn_settings.max_region = 1e-2;
  for (const pde::Task* task :
       {static_cast<const pde::Task*>(&convection), static_cast<const pde::Task*>(&wave)}) {
    objective::Ropinn<double> world_ropinn(ropinn_settings, model.layout().size(), 5);
    objective::Ropinn<double> self_ropinn(ropinn_settings, model.layout().size(), 5);
    test_support::expect_world_closure_equals_self(*task, model, parameters, nullptr, nullptr,
                                                   task->name());
    test_support::expect_world_closure_equals_self(*task, model, parameters, &world_ropinn,
                                                   &self_ropinn, task->name() + " ropinn");
  }
  expect_world_errors_equal_self(wave, model, parameters);
}
