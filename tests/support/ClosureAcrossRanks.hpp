#pragma once
// The data-parallel tests compare one closure (loss terms, loss, gradient) on all
// ranks of MPI_COMM_WORLD against the same closure on one rank (MPI_COMM_SELF).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <gtest/gtest.h>
#include <mpi.h>
#include <pinnbench/nn/Model.hpp>
#include <pinnbench/objective/Objective.hpp>
#include <pinnbench/parallel/MpiContext.hpp>
#include <pinnbench/pde/Task.hpp>
#include <pinnbench/train/LossFunction.hpp>
#include <string>
#include <vector>

namespace pinnbench::test_support {

struct Closure
{
  std::vector<double> terms;
  double loss;
  std::vector<double> gradient;
};

/// Loss terms, loss and parameter gradient of `task`'s training terms on the ranks of `comm`.
inline Closure closure_on(MPI_Comm comm, const pde::Task& task, const nn::Model<double>& model,
                          const Vector<double>& parameters, objective::Objective<double>* objective,
                          int chunk_points, std::uint64_t index)
{
  const parallel::MpiContext mpi(comm);
  train::LossSettings settings;
  settings.chunk_points = chunk_points;
  train::LossFunction<double> loss(task, task.training_terms(), model, objective, mpi, settings);
  const auto value = loss.evaluate(parameters, true, index);
  auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), loss.gradient());
  return {value.terms, value.loss, std::vector<double>(host.data(), host.data() + host.size())};
}

/// Loss and gradient agree to summation order (the gradient relative to its largest entry).
inline void expect_same_closure(const Closure& world, const Closure& self, const std::string& what)
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

/// The closure on all ranks equals the closure on one rank; each side has its own
/// objective (objectives keep state across closures). Chunks of 10 points, step 3.
inline void expect_world_closure_equals_self(const pde::Task& task, const nn::Model<double>& model,
                                             const Vector<double>& parameters,
                                             objective::Objective<double>* world_objective,
                                             objective::Objective<double>* self_objective,
                                             const std::string& what)
{
  const auto world = closure_on(MPI_COMM_WORLD, task, model, parameters, world_objective, 10, 3);
  const auto self = closure_on(MPI_COMM_SELF, task, model, parameters, self_objective, 10, 3);
  expect_same_closure(world, self, what);
}

} // namespace pinnbench::test_support
