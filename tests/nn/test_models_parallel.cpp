// Data parallelism for QRes, KAN and PINNsFormer: the closure (loss and gradient) on all
// ranks of MPI_COMM_WORLD equals the closure of one rank holding every point
// (MPI_COMM_SELF) to summation order, for each 1D task and each objective of
// RoPINN's Table 1. Registered at 1 and 2 ranks.
#include "support/ClosureAcrossRanks.hpp"
#include "support/GridSettings.hpp"

#include <cmath>
#include <functional>
#include <gtest/gtest.h>
#include <memory>
#include <pinnbench/nn/Kan.hpp>
#include <pinnbench/nn/PinnsFormer.hpp>
#include <pinnbench/nn/QRes.hpp>
#include <pinnbench/objective/Gpinn.hpp>
#include <pinnbench/objective/Ropinn.hpp>
#include <pinnbench/objective/Vpinn.hpp>
#include <pinnbench/pde/SpaceTimeTask.hpp>
#include <pinnbench/train/LossFunction.hpp>

using namespace pinnbench;

namespace {

pde::SpaceTimeSettings grid()
{
  return test_support::grid_settings(11, 9, 13, 7);
}

void expect_ranks_agree(const nn::Model<double>& model, std::uint64_t seed)
{
  Vector<double> parameters("parameters", model.layout().size());
  model.initialize(parameters, seed);
  std::vector<std::pair<std::string, std::unique_ptr<pde::Task>>> tasks;
  tasks.emplace_back("convection", std::make_unique<pde::ConvectionTask>(7.0, grid()));
  tasks.emplace_back("reaction", std::make_unique<pde::ReactionTask>(5.0, grid()));
  tasks.emplace_back("wave", std::make_unique<pde::WaveTask>(2.0, 3.0, grid()));
  objective::RopinnSettings ropinn;
  ropinn.initial_region = 1e-2;
  ropinn.gradient_entries = model.layout().gradient_entries();
  objective::VpinnSettings vpinn;
  vpinn.elements = {3, 3};
  vpinn.quadrature_points = 3;
  vpinn.test_functions = 2;
  for (const auto& [task_name, task] : tasks) {
    const pde::Task& t = *task;
    const std::vector<
        std::pair<std::string, std::function<std::unique_ptr<objective::Objective<double>>()>>>
        objectives{
            {"vanilla", [] { return std::unique_ptr<objective::Objective<double>>(); }},
            {"gpinn", [] { return std::make_unique<objective::Gpinn<double>>(0.1); }},
            {"vpinn",
             [&] { return std::make_unique<objective::Vpinn<double>>(vpinn, t.domain()); }},
            {"ropinn",
             [&] {
               return std::make_unique<objective::Ropinn<double>>(ropinn, model.layout().size(), 5);
             }},
        };
    for (const auto& [name, make] : objectives) {
      auto world_objective = make();
      auto self_objective = make();
      test_support::expect_world_closure_equals_self(t, model, parameters, world_objective.get(),
                                                     self_objective.get(),
                                                     model.name() + " " + task_name + " " + name);
    }
  }
}

} // namespace

TEST(ModelsParallel, QResClosureOnAllRanksEqualsOneRank)
{
  nn::QResShape shape;
  shape.width = 8;
  shape.hidden_layers = 2;
  expect_ranks_agree(nn::QRes<double>(shape), 3);
}

TEST(ModelsParallel, KanClosureOnAllRanksEqualsOneRank)
{
  nn::KanShape shape;
  shape.width = {2, 5, 5, 1};
  expect_ranks_agree(nn::Kan<double>(shape), 4);
}

TEST(ModelsParallel, PinnsFormerClosureOnAllRanksEqualsOneRank)
{
  // Token rows: vPINN's elements keep every token of their points on one rank.
  nn::PinnsFormerShape shape;
  shape.d_model = 8;
  shape.d_ff = 16;
  shape.hidden = 16;
  expect_ranks_agree(nn::PinnsFormer<double>(shape), 6);
}
