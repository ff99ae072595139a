// Objectives against independent truths on a small network:
// - gPINN's and double PINN's extra terms against central differences of the
//   residual in the inputs (residuals evaluated at shifted points);
// - vPINN's element integrals against a direct quadrature sum written here;
// - RoPINN's sigma against a hand computation on a synthetic gradient history,
//   and its perturbations (one-sided, within the region, fresh per closure);
// - L1/L2 penalties against closed forms;
// - every objective's parameter gradient against central differences of its loss.
#include "support/GridSettings.hpp"

#include <cmath>
#include <gtest/gtest.h>
#include <pinnbench/nn/Mlp.hpp>
#include <pinnbench/objective/DoublePinn.hpp>
#include <pinnbench/objective/Gpinn.hpp>
#include <pinnbench/objective/Quadrature.hpp>
#include <pinnbench/objective/Ropinn.hpp>
#include <pinnbench/objective/Vpinn.hpp>
#include <pinnbench/objective/WeightPenalty.hpp>
#include <pinnbench/pde/AllenCahnTask.hpp>
#include <pinnbench/pde/SpaceTimeTask.hpp>
#include <pinnbench/train/LossFunction.hpp>
#include <random>

using namespace pinnbench;
using pde::T;
using pde::X;

namespace {

nn::MlpShape small_shape()
{
  nn::MlpShape shape;
  shape.width = 10;
  shape.hidden_layers = 2;
  shape.bias_init = 0.1;
  return shape;
}

pde::SpaceTimeSettings tiny_grid()
{
  return test_support::grid_settings(6, 5, 7, 6);
}

/// Residual values of `term` at the given point sets (one per evaluation),
/// straight from the tape: the independent oracle's building block.
std::vector<double> residual_values(const pde::Task& task, const nn::Model<double>& model,
                                    const Vector<double>& parameters, const pde::Term& term,
                                    const std::vector<pde::PointCloud>& points)
{
  jet::Tape<double> tape;
  Vector<double> unused("unused", parameters.extent(0));
  tape.bind_parameters(parameters, unused);
  const int d = task.dimension();
  const int evaluations = static_cast<int>(points.size());
  std::vector<jet::DerivativeSetPtr> sets;
  for (int k = 0; k < evaluations; ++k)
    sets.push_back(
        jet::DerivativeSet::closure_of(d, term.derivatives[static_cast<std::size_t>(k)]));
  std::vector<jet::Var<double>> u, z;
  for (int k = 0; k < evaluations; ++k) {
    Matrix<double> device("points",
                          static_cast<std::size_t>(points[static_cast<std::size_t>(k)].size()),
                          static_cast<std::size_t>(d));
    auto host = Kokkos::create_mirror_view(device);
    for (std::int64_t n = 0; n < points[static_cast<std::size_t>(k)].size(); ++n)
      for (int j = 0; j < d; ++j)
        host(n, j) = points[static_cast<std::size_t>(k)](n, j);
    Kokkos::deep_copy(device, host);
    jet::Var<double> zk(tape, tape.coordinates(device, sets[static_cast<std::size_t>(k)]));
    jet::Var<double> uk = model.forward(zk);
    z.push_back(zk);
    u.push_back(uk);
  }
  const auto r = task.residual(term, pde::TermContext<double>(d, u, z)).value().values;
  auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), r);
  std::vector<double> values;
  for (std::size_t n = 0; n < host.extent(1); ++n)
    values.push_back(host(0, n, 0));
  return values;
}

pde::PointCloud shifted(pde::PointCloud cloud, int coordinate, double h)
{
  for (std::int64_t n = 0; n < cloud.size(); ++n)
    cloud.coordinates[static_cast<std::size_t>(n * cloud.dimension + coordinate)] += h;
  return cloud;
}

struct Fixture
{
  pde::WaveTask task{2.0, 3.0, tiny_grid()};
  nn::Mlp<double> model{small_shape()};
  Vector<double> parameters{"parameters", model.layout().size()};
  parallel::MpiContext mpi;
  Fixture() { model.initialize(parameters, 3); }

  train::LossValue evaluate(objective::Objective<double>* objective, bool gradient = false,
                            std::vector<double>* gradient_out = nullptr, int chunk = 17)
  {
    train::LossSettings settings;
    settings.chunk_points = chunk;
    train::LossFunction<double> loss(task, task.training_terms(), model, objective, mpi, settings);
    const auto value = loss.evaluate(parameters, gradient, 0);
    names = loss.term_names();
    if (gradient_out) {
      auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), loss.gradient());
      gradient_out->assign(host.data(), host.data() + host.size());
    }
    return value;
  }
  double term(const train::LossValue& value, const std::string& name) const
  {
    for (std::size_t k = 0; k < names.size(); ++k)
      if (names[k] == name)
        return value.terms[k];
    ADD_FAILURE() << "no term " << name;
    return 0;
  }
  std::vector<std::string> names;
};

/// Central differences of the loss in every parameter.
std::vector<double> finite_difference_gradient(Fixture& f, objective::Objective<double>* objective)
{
  // A real copy: on host spaces create_mirror_view* returns the view itself.
  auto mirror = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), f.parameters);
  const std::vector<double> base(mirror.data(), mirror.data() + mirror.size());
  std::vector<double> gradient(base.size());
  auto host = Kokkos::create_mirror_view(f.parameters);
  const double h = 1e-6;
  for (std::size_t p = 0; p < base.size(); ++p) {
    double value[2];
    for (int side = 0; side < 2; ++side) {
      for (std::size_t k = 0; k < base.size(); ++k)
        host(k) = base[k];
      host(p) += side == 0 ? h : -h;
      Kokkos::deep_copy(f.parameters, host);
      value[side] = f.evaluate(objective).loss;
    }
    gradient[p] = (value[0] - value[1]) / (2 * h);
  }
  for (std::size_t k = 0; k < base.size(); ++k)
    host(k) = base[k];
  Kokkos::deep_copy(f.parameters, host);
  return gradient;
}

double max_relative(const std::vector<double>& a, const std::vector<double>& b)
{
  double diff = 0, scale = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff = std::max(diff, std::fabs(a[i] - b[i]));
    scale = std::max(scale, std::fabs(b[i]));
  }
  return diff / scale;
}

} // namespace

TEST(Objectives, GpinnTermIsTheMeanSquaredInputGradientOfTheResidual)
{
  Fixture f;
  objective::Gpinn<double> gpinn(0.1);
  const auto value = f.evaluate(&gpinn);
  const auto terms = f.task.training_terms();
  const auto& pde_term = terms[0];
  const double h = 1e-5;
  double expected = 0;
  for (int j : {X, T}) {
    const auto plus = residual_values(f.task, f.model, f.parameters, pde_term,
                                      {shifted(pde_term.evaluations[0], j, h)});
    const auto minus = residual_values(f.task, f.model, f.parameters, pde_term,
                                       {shifted(pde_term.evaluations[0], j, -h)});
    for (std::size_t n = 0; n < plus.size(); ++n) {
      const double derivative = (plus[n] - minus[n]) / (2 * h);
      expected += derivative * derivative / static_cast<double>(plus.size());
    }
  }
  const double gradient_term = f.term(value, "gradient");
  EXPECT_NEAR(gradient_term, expected, 1e-6 * expected);
  // The rest of the loss is the vanilla loss.
  const double vanilla = f.evaluate(nullptr).loss;
  EXPECT_NEAR(value.loss - 0.1 * gradient_term, vanilla, 1e-12 * value.loss);
}

TEST(Objectives, DoublePinnTermIsTheMeanSquaredInputGradientOfEverySquaredResidual)
{
  // Convection and Allen-Cahn have periodic pairs (u, and u_x for Allen-Cahn):
  // the squared boundary residual is differentiated in the inputs of both
  // evaluations.
  reference::SpectralSettings coarse;
  coarse.fourier_points = 32;
  coarse.time_step = 1e-2;
  const pde::ConvectionTask convection(3.0, tiny_grid());
  const pde::AllenCahnTask allen_cahn({}, coarse, tiny_grid());
  for (const pde::Task* task :
       {static_cast<const pde::Task*>(&convection), static_cast<const pde::Task*>(&allen_cahn)}) {
    nn::Mlp<double> model(small_shape());
    Vector<double> parameters("parameters", model.layout().size());
    model.initialize(parameters, 5);
    objective::DoublePinn<double> dbp({});
    const parallel::MpiContext mpi;
    train::LossSettings settings;
    settings.chunk_points = 13;
    settings.weights = {{"initial", 2.0}};
    train::LossFunction<double> loss(*task, task->training_terms(), model, &dbp, mpi, settings);
    const auto value = loss.evaluate(parameters, false, 0);
    double reported = 0;
    for (std::size_t k = 0; k < value.terms.size(); ++k)
      if (loss.term_names()[k] == "double_backprop")
        reported = value.terms[k];

    const double h = 1e-5;
    double expected = 0;
    for (const auto& term : task->training_terms()) {
      const double weight = term.name == "initial" ? 2.0 : 1.0;
      std::vector<double> squared_gradient(static_cast<std::size_t>(term.size()), 0.0);
      for (std::size_t k = 0; k < term.evaluations.size(); ++k)
        for (int j : {X, T}) {
          auto plus = term.evaluations, minus = term.evaluations;
          plus[k] = shifted(plus[k], j, h);
          minus[k] = shifted(minus[k], j, -h);
          const auto rp = residual_values(*task, model, parameters, term, plus);
          const auto rm = residual_values(*task, model, parameters, term, minus);
          for (std::size_t n = 0; n < rp.size(); ++n) {
            const double derivative = (rp[n] * rp[n] - rm[n] * rm[n]) / (2 * h);
            squared_gradient[n] += derivative * derivative;
          }
        }
      double mean = 0;
      for (double g : squared_gradient)
        mean += g / static_cast<double>(squared_gradient.size());
      expected += weight * mean;
    }
    EXPECT_NEAR(reported, expected, 1e-6 * expected) << task->name();
  }
}

TEST(Objectives, VpinnIntegralsMatchADirectQuadratureSum)
{
  Fixture f;
  objective::VpinnSettings settings;
  settings.elements = {3, 2};
  settings.quadrature_points = 5;
  settings.test_functions = 3;
  objective::Vpinn<double> vpinn(settings, f.task.domain());
  const auto value = f.evaluate(&vpinn, false, nullptr, 60); // chunks of 2 elements
  // Direct: R at every quadrature point, integrate element by element.
  const auto rule = objective::gauss_lobatto_legendre(5);
  auto pde_term = f.task.training_terms()[0];
  // Every GLL node of every element (vPINN skips the end nodes, where every
  // test function vanishes: the sum here keeps them).
  pde::PointCloud full{2, {}};
  for (int e = 0; e < 6; ++e)
    for (int qt = 0; qt < 5; ++qt)
      for (int qx = 0; qx < 5; ++qx) {
        full.coordinates.push_back((e % 3 + 0.5 * (rule.nodes[static_cast<std::size_t>(qx)] + 1)) /
                                   3.0);
        full.coordinates.push_back((e / 3 + 0.5 * (rule.nodes[static_cast<std::size_t>(qt)] + 1)) /
                                   2.0);
      }
  const auto& points = vpinn.quadrature_points();
  ASSERT_EQ(points.size(), 3 * 2 * 9);
  const auto r = residual_values(f.task, f.model, f.parameters, pde_term, {full});
  double sum = 0;
  for (int e = 0; e < 6; ++e)
    for (int kx = 1; kx <= 3; ++kx)
      for (int kt = 1; kt <= 3; ++kt) {
        double integral = 0;
        for (int qt = 0; qt < 5; ++qt)
          for (int qx = 0; qx < 5; ++qx) {
            const double xi = rule.nodes[static_cast<std::size_t>(qx)];
            const double eta = rule.nodes[static_cast<std::size_t>(qt)];
            const double v = (objective::legendre(kx + 1, xi) - objective::legendre(kx - 1, xi)) *
                             (objective::legendre(kt + 1, eta) - objective::legendre(kt - 1, eta));
            integral += rule.weights[static_cast<std::size_t>(qx)] *
                        rule.weights[static_cast<std::size_t>(qt)] * v *
                        r[static_cast<std::size_t>(e * 25 + qt * 5 + qx)];
          }
        integral /= 6.0;
        sum += integral * integral;
      }
  EXPECT_NEAR(f.term(value, "variational"), sum / (6 * 9), 1e-12 * sum);
  // Quadrature points are the mapped interior GLL nodes: the first next to the
  // first element's corner, the last next to the domain's far corner.
  EXPECT_NEAR(points(0, X), 0.5 * (rule.nodes[1] + 1) / 3.0, 1e-15);
  EXPECT_NEAR(points(0, T), 0.5 * (rule.nodes[1] + 1) / 2.0, 1e-15);
  EXPECT_NEAR(points(points.size() - 1, X), 1.0 - 0.5 * (rule.nodes[1] + 1) / 3.0, 1e-15);
  EXPECT_NEAR(points(points.size() - 1, T), 1.0 - 0.5 * (rule.nodes[1] + 1) / 2.0, 1e-15);
}

TEST(Objectives, GaussLobattoLegendreIsExactToDegree2QMinus3)
{
  for (int q : {2, 3, 5, 10}) {
    const auto rule = objective::gauss_lobatto_legendre(q);
    EXPECT_EQ(rule.nodes.front(), -1.0);
    EXPECT_EQ(rule.nodes.back(), 1.0);
    for (int degree = 0; degree <= 2 * q - 3; ++degree) {
      double sum = 0;
      for (std::size_t i = 0; i < rule.nodes.size(); ++i)
        sum += rule.weights[i] * std::pow(rule.nodes[i], degree);
      const double exact = degree % 2 ? 0.0 : 2.0 / (degree + 1);
      EXPECT_NEAR(sum, exact, 1e-14) << "Q = " << q << ", degree " << degree;
    }
  }
  // The test functions vanish on the element boundary.
  for (int n = 1; n <= 5; ++n) {
    EXPECT_NEAR(objective::legendre_test_function(n, -1.0), 0.0, 1e-15);
    EXPECT_NEAR(objective::legendre_test_function(n, 1.0), 0.0, 1e-15);
  }
}

TEST(Objectives, RopinnSigmaMatchesAHandComputation)
{
  const std::size_t p = 3;
  objective::RopinnSettings settings;
  settings.past_iterations = 2;
  settings.initial_region = 1e-4;
  objective::Ropinn<double> ropinn(settings, p, 0);
  Vector<double> g("g", p);
  auto push = [&](std::vector<double> values) {
    auto host = Kokkos::create_mirror_view(g);
    for (std::size_t i = 0; i < p; ++i)
      host(i) = values[i];
    Kokkos::deep_copy(g, host);
    ropinn.after_closure(g);
  };
  // Step 1: two closures -> step mean (2, -1, 0). One entry: std = 0 -> sigma reset to 1.
  push({1.0, -2.0, 0.0});
  push({3.0, 0.0, 0.0});
  ropinn.after_step();
  EXPECT_EQ(ropinn.sigma(), 1.0);
  EXPECT_DOUBLE_EQ(ropinn.region(), 1e-4);
  // Step 2: mean (4, 1, 0). Buffer {(2, -1, 0), (4, 1, 0)}:
  //   p0: std 1, mean|g| 3 -> 1 / (3 + 1e-6); p1: std 1, mean|g| 1 -> 1 / (1 + 1e-6);
  //   p2: 0 / (0 + 1e-6) = 0.  sigma = mean of the three.
  push({4.0, 1.0, 0.0});
  ropinn.after_step();
  const double expected = (1.0 / (3.0 + 1e-6) + 1.0 / (1.0 + 1e-6)) / 3.0;
  EXPECT_NEAR(ropinn.sigma(), expected, 1e-15);
  EXPECT_NEAR(ropinn.region(), 1e-4 / expected, 1e-18);
  // Step 3: the buffer keeps the last T0 = 2 means: {(4, 1, 0), (0, 1, 0)}.
  push({0.0, 1.0, 0.0});
  ropinn.after_step();
  const double p0 = 2.0 / (2.0 + 1e-6); // values 4, 0: std 2, mean|g| 2
  EXPECT_NEAR(ropinn.sigma(), p0 / 3.0, 1e-15);
  // r_eff = min(r0 / sigma, max_region).
  settings.max_region = 1e-4;
  objective::Ropinn<double> clipped(settings, p, 0);
  EXPECT_DOUBLE_EQ(clipped.region(), 1e-4);
}

TEST(Objectives, RopinnSigmaCountsAFrozenTensorOnce)
{
  // PyTorch's gradient vector gives a tensor without .grad one 0 entry (KAN's
  // grid and masks): the same history over 3 live entries plus two frozen
  // tensors of 4 entries each averages over 3 + 2 = 5, not 11.
  const std::size_t p = 11;
  objective::RopinnSettings settings;
  settings.past_iterations = 2;
  settings.gradient_entries = 5;
  objective::Ropinn<double> ropinn(settings, p, 0);
  Vector<double> g("g", p);
  for (const std::vector<double>& values :
       {std::vector<double>{2.0, -1.0, 0.0}, std::vector<double>{4.0, 1.0, 0.0}}) {
    auto host = Kokkos::create_mirror_view(g);
    Kokkos::deep_copy(host, 0.0);
    for (std::size_t i = 0; i < values.size(); ++i)
      host(i) = values[i];
    Kokkos::deep_copy(g, host);
    ropinn.after_closure(g);
    ropinn.after_step();
  }
  EXPECT_NEAR(ropinn.sigma(), (1.0 / (3.0 + 1e-6) + 1.0 / (1.0 + 1e-6)) / 5.0, 1e-15);
}

TEST(Objectives, RopinnPerturbationsAreOneSidedAndFreshPerClosure)
{
  Fixture f;
  objective::RopinnSettings settings;
  settings.initial_region = 0.05;
  settings.max_region = 0.05;
  settings.fixed_sigma = true;
  objective::Ropinn<double> ropinn(settings, f.model.layout().size(), 11);
  const auto perturbation = ropinn.perturbation(f.task.training_terms()[0]);
  EXPECT_DOUBLE_EQ(perturbation.region, 0.05);
  EXPECT_EQ(ropinn.perturbation(f.task.training_terms()[1]).region, 0.0); // conditions stay
  // Draws are in [0, 1) and differ between closures.
  double lowest = 1, highest = 0;
  for (std::uint64_t closure = 0; closure < 50; ++closure)
    for (std::uint64_t point = 0; point < 50; ++point)
      for (std::uint32_t lane = 0; lane < 2; ++lane) {
        const double u = perturbation.rng.uniform(closure, point, lane);
        lowest = std::min(lowest, u);
        highest = std::max(highest, u);
      }
  EXPECT_GE(lowest, 0.0);
  EXPECT_LT(highest, 1.0);
  EXPECT_GT(highest - lowest, 0.9);
  EXPECT_NE(perturbation.rng.uniform(0, 3, 0), perturbation.rng.uniform(1, 3, 0));
  // The perturbed loss differs from the fixed-point loss, by an amount that
  // shrinks with the region.
  train::LossSettings loss_settings;
  train::LossFunction<double> loss(f.task, f.task.training_terms(), f.model, &ropinn, f.mpi,
                                   loss_settings);
  const double moved = loss.evaluate(f.parameters, false, 0).loss;
  const double fixed = f.evaluate(nullptr).loss;
  EXPECT_NE(moved, fixed);
  EXPECT_LT(std::fabs(moved - fixed), 0.5 * fixed);
  EXPECT_NE(loss.evaluate(f.parameters, false, 1).loss, moved);
  EXPECT_EQ(loss.evaluate(f.parameters, false, 0).loss, moved); // same closure, same draws
}

TEST(Objectives, WeightPenaltiesAndTheirGradients)
{
  Vector<double> theta("theta", 4);
  Vector<double> gradient("gradient", 4);
  auto host = Kokkos::create_mirror_view(theta);
  host(0) = 0.5;
  host(1) = -2.0;
  host(2) = 0.0;
  host(3) = 3.0;
  Kokkos::deep_copy(theta, host);
  // Penalise entries [0, 3) only (e.g. weights without the last bias).
  objective::WeightPenalty<double> l1(objective::PenaltyNorm::l1, 0.1, {{0, 3}});
  objective::WeightPenalty<double> l2(objective::PenaltyNorm::l2, 0.1, {{0, 3}});
  EXPECT_DOUBLE_EQ(l1.penalty(theta, gradient, 0.1), 2.5);
  EXPECT_DOUBLE_EQ(l2.penalty(theta, gradient, 0.1), 4.25);
  auto g = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), gradient);
  // 0.1 * sign + 0.1 * 2 theta, summed over the two calls.
  EXPECT_DOUBLE_EQ(g(0), 0.1 + 0.1);
  EXPECT_DOUBLE_EQ(g(1), -0.1 - 0.4);
  EXPECT_DOUBLE_EQ(g(2), 0.0);
  EXPECT_DOUBLE_EQ(g(3), 0.0);
}

TEST(Objectives, ParameterGradientsOfEveryObjectiveMatchFiniteDifferences)
{
  Fixture f;
  objective::Gpinn<double> gpinn(0.3);
  objective::DoublePinn<double> dbp({0.2, true, true, false});
  objective::DoublePinn<double> dbp_free({0.2, true, false, true});
  objective::VpinnSettings vsettings;
  vsettings.elements = {2, 2};
  vsettings.quadrature_points = 4;
  vsettings.test_functions = 2;
  objective::Vpinn<double> vpinn(vsettings, f.task.domain());
  std::vector<std::pair<std::size_t, std::size_t>> all{{0, f.model.layout().size()}};
  objective::WeightPenalty<double> l1(objective::PenaltyNorm::l1, 1e-3, all);
  objective::WeightPenalty<double> l2(objective::PenaltyNorm::l2, 1e-2, all);
  for (objective::Objective<double>* objective :
       std::vector<objective::Objective<double>*>{&gpinn, &dbp, &dbp_free, &vpinn, &l1, &l2}) {
    std::vector<double> gradient;
    f.evaluate(objective, true, &gradient);
    const auto expected = finite_difference_gradient(f, objective);
    EXPECT_LE(max_relative(gradient, expected), 2e-6) << objective->name();
  }
}
