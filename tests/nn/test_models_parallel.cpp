// Data parallelism for QRes, KAN and PINNsFormer: the closure (loss and gradient) on all
// ranks of MPI_COMM_WORLD equals the closure of one rank holding every point
// (MPI_COMM_SELF) to summation order, for each 1D task and each objective of
// RoPINN's Table 1. Registered at 1 and 2 ranks.
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
  pde::SpaceTimeSettings s;
  s.train.domain.nx = 11;
  s.train.domain.nt = 9;
  s.train.initial = 13;
  s.train.boundary = 7;
  s.test = s.train;
  return s;
}

struct Closure
{
  double loss;
  std::vector<double> gradient;
};

Closure evaluate(const pde::Task& task, const nn::Model<double>& model,
                 const Vector<double>& parameters, objective::Objective<double>* objective,
                 MPI_Comm comm)
{
  const parallel::MpiContext mpi(comm);
  train::LossSettings settings;
  settings.chunk_points = 10;
  train::LossFunction<double> loss(task, task.training_terms(), model, objective, mpi, settings);
  const auto value = loss.evaluate(parameters, true, 3);
  auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), loss.gradient());
  return {value.loss, std::vector<double>(host.data(), host.data() + host.size())};
}

void expect_same(const Closure& world, const Closure& self, const std::string& what)
{
  EXPECT_NEAR(world.loss, self.loss, 1e-13 * std::fabs(self.loss)) << what;
  double diff = 0, scale = 0;
  for (std::size_t i = 0; i < self.gradient.size(); ++i) {
    diff = std::max(diff, std::fabs(world.gradient[i] - self.gradient[i]));
    scale = std::max(scale, std::fabs(self.gradient[i]));
  }
  EXPECT_GT(scale, 0.0) << what;
  EXPECT_LE(diff, 1e-12 * scale) << what;
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
      const auto world = evaluate(t, model, parameters, world_objective.get(), MPI_COMM_WORLD);
      const auto self = evaluate(t, model, parameters, self_objective.get(), MPI_COMM_SELF);
      expect_same(world, self, model.name() + " " + task_name + " " + name);
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
