// Directional jets (Term::directions): a residual that reads first derivatives
// along fixed directions only (convection's u_t + beta u_x) is carried on jets
// whose coordinates are those directions. Checked against independent truths:
// - the coordinate jet's seeds, and an MLP's derivative along two directions at
//   once against central differences of its value along each direction;
// - the convection loss of a manufactured u against the residual written out
//   by hand, on the carried set of 2 components (3 along the inputs);
// - loss and parameter gradient of every model on the convection task under
//   vanilla, RoPINN and vPINN against the same closure along the inputs, and
//   the gradient against central differences of the loss;
// - objectives that differentiate the residual again (gPINN) keep the input
//   jets: bit-identical to switching the directions off.
#include "support/ExactModel.hpp"
#include "support/SuiteRuns.hpp"

#include <cmath>
#include <functional>
#include <gtest/gtest.h>
#include <pinnbench/core/Error.hpp>
#include <pinnbench/nn/ModelRegistry.hpp>
#include <pinnbench/nn/NormalizedInputs.hpp>
#include <pinnbench/objective/ObjectiveFactory.hpp>
#include <pinnbench/pde/SpaceTimeTask.hpp>
#include <pinnbench/pde/TaskRegistry.hpp>
#include <pinnbench/train/LossFunction.hpp>
#include <random>
#include <tuple>

using namespace pinnbench;
using test_support::ExactModel;
using test_support::Vars;

namespace {

using Points = Kokkos::View<double**, Kokkos::LayoutRight, MemorySpace>;

Points make_points(const std::vector<std::vector<double>>& rows)
{
  Points view("points", rows.size(), rows.front().size());
  auto host = Kokkos::create_mirror_view(view);
  for (std::size_t n = 0; n < rows.size(); ++n)
    for (std::size_t j = 0; j < rows[n].size(); ++j)
      host(n, j) = rows[n][j];
  Kokkos::deep_copy(view, host);
  return view;
}

/// Component c of feature f of every point of a jet, on the host.
std::vector<double> component(const jet::Var<double>& v, int c, int f = 0)
{
  auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), v.value().values);
  std::vector<double> out;
  for (std::size_t n = 0; n < host.extent(1); ++n)
    out.push_back(host(static_cast<std::size_t>(c), n, static_cast<std::size_t>(f)));
  return out;
}

std::vector<double> to_host(const Vector<double>& v)
{
  auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), v);
  return {host.data(), host.data() + host.size()};
}

double max_relative_difference(const std::vector<double>& a, const std::vector<double>& b)
{
  double scale = 0.0, worst = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    scale = std::max(scale, std::abs(b[i]));
    worst = std::max(worst, std::abs(a[i] - b[i]));
  }
  return worst / scale;
}

std::string suite_of(const std::string& task, const std::string& model,
                     const std::string& objective)
{
  const std::string points = "points: {domain: {kind: random, n: 40}, initial: 8, boundary: 8}";
  const std::string settings = task == "wave"     ? "c: 2, beta: 3, " + points
                               : task == "wave1d" ? "domain_points: 40, boundary_points: 16"
                                                  : "beta: 7, " + points;
  return "defaults:\n  task: {" + task + ": {" + settings + "}}\nmatrix:\n  tasks: [" + task +
         "]\n  models: [" + model + "]\n  objectives: [" + objective + "]\n  optimizers: [adam]\n";
}

std::string convection_suite(const std::string& model, const std::string& objective)
{
  return suite_of("convection", model, objective);
}

/// The run's model as the runner builds it (input normalisation included).
std::unique_ptr<nn::Model<double>> build_model(const suite::RunSpec& run, const pde::Task& task)
{
  auto model = nn::make_model<double>(run.config["model"], 2, 1);
  if (run.config["model"]["normalize_inputs"].as<bool>())
    model = std::make_unique<nn::NormalizedInputs<double>>(std::move(model), task.domain());
  return model;
}

/// A task that forwards to another and records the jet size of its PDE residual.
class Recording final : public pde::TaskWithResidual<Recording>
{
public:
  explicit Recording(const pde::Task& inner) : inner_(inner) {}
  std::string name() const override { return inner_.name(); }
  int dimension() const override { return inner_.dimension(); }
  int outputs() const override { return inner_.outputs(); }
  std::vector<std::string> coordinate_names() const override { return inner_.coordinate_names(); }
  std::vector<std::pair<double, double>> domain() const override { return inner_.domain(); }
  std::vector<pde::Term> training_terms() const override { return inner_.training_terms(); }
  std::vector<pde::Term> test_terms() const override { return inner_.test_terms(); }
  pde::PointCloud test_points() const override { return inner_.test_points(); }
  std::vector<double> reference(const pde::PointCloud& p) const override
  {
    return inner_.reference(p);
  }
  template <class Real>
  jet::Var<Real> residual_of(const pde::Term& term, const pde::TermContext<Real>& c) const
  {
    if (term.kind == pde::TermKind::pde)
      residual_components = c.u().set()->size();
    return inner_.residual(term, c);
  }
  mutable int residual_components = 0;

private:
  const pde::Task& inner_;
};

struct Closure
{
  double loss;
  std::vector<double> gradient;
  int components;
};

Closure closure(const pde::Task& task, const nn::Model<double>& model,
                objective::Objective<double>* objective, const Vector<double>& parameters,
                bool carry, std::uint64_t index = 3)
{
  const Recording recording(task);
  train::LossSettings settings;
  settings.chunk_points = 16; // several chunks
  settings.carry_directions = carry;
  const parallel::MpiContext mpi;
  train::LossFunction<double> loss(recording, recording.training_terms(), model, objective, mpi,
                                   settings);
  const auto value = loss.evaluate(parameters, true, index);
  return {value.loss, to_host(loss.gradient()), recording.residual_components};
}

} // namespace

TEST(DirectionalJets, CoordinateJetSeedsTheDirections)
{
  jet::Tape<double> tape;
  const auto points = make_points({{0.5, -1.0, 2.0}, {3.0, 0.25, -4.0}});
  const std::vector<std::vector<double>> directions = {{2.0, 0.0, -1.0}, {0.5, 1.5, 3.0}};
  const auto set =
      jet::DerivativeSet::closure_of(2, {jet::MultiIndex::unit(0), jet::MultiIndex::unit(1)});
  const jet::Var<double> z(tape, tape.coordinates(points, set, directions));
  for (int j = 0; j < 3; ++j) {
    EXPECT_EQ(component(z, 0, j), (std::vector<double>{j == 0   ? 0.5
                                                       : j == 1 ? -1.0
                                                                : 2.0,
                                                       j == 0   ? 3.0
                                                       : j == 1 ? 0.25
                                                                : -4.0}));
    for (int k = 0; k < 2; ++k) {
      const double seed = directions[static_cast<std::size_t>(k)][static_cast<std::size_t>(j)];
      EXPECT_EQ(component(z, set->find(jet::MultiIndex::unit(k)), j),
                (std::vector<double>{seed, seed}));
    }
  }
  EXPECT_THROW(tape.coordinates(points, set, {{1.0, 0.0, 0.0}}), LogicError);
}

TEST(DirectionalJets, MlpDerivativesAlongTwoDirectionsMatchFiniteDifferences)
{
  const auto run = test_support::single_run(
      convection_suite("{name: pinn, width: 12, hidden_layers: 3}", "vanilla"));
  const auto model = nn::make_model<double>(run.config["model"], 2, 1);
  Vector<double> parameters("parameters", model->layout().size());
  model->initialize(parameters, 11);
  std::mt19937 rng(5);
  std::uniform_real_distribution<double> uniform(-1.0, 1.0);
  std::vector<std::vector<double>> rows(6);
  for (auto& row : rows)
    row = {uniform(rng), uniform(rng)};
  const std::vector<std::vector<double>> directions = {{50.0, 1.0}, {-0.3, 2.0}};
  const auto set =
      jet::DerivativeSet::closure_of(2, {jet::MultiIndex::unit(0), jet::MultiIndex::unit(1)});

  jet::Tape<double> tape;
  Vector<double> none("gradient", parameters.extent(0));
  tape.bind_parameters(parameters, none);
  const jet::Var<double> z(tape, tape.coordinates(make_points(rows), set, directions));
  const auto u = model->forward(z);

  // u at moved points, from value-only jets.
  const auto value_at = [&](const std::vector<std::vector<double>>& at) {
    jet::Tape<double> plain;
    plain.bind_parameters(parameters, none);
    const jet::Var<double> x(plain,
                             plain.coordinates(make_points(at), jet::DerivativeSet::value_only(2)));
    return component(model->forward(x), 0);
  };
  for (int k = 0; k < 2; ++k) {
    const auto& v = directions[static_cast<std::size_t>(k)];
    const double h = 1e-5 / std::hypot(v[0], v[1]);
    auto plus = rows, minus = rows;
    for (std::size_t n = 0; n < rows.size(); ++n)
      for (int j = 0; j < 2; ++j) {
        plus[n][static_cast<std::size_t>(j)] += h * v[static_cast<std::size_t>(j)];
        minus[n][static_cast<std::size_t>(j)] -= h * v[static_cast<std::size_t>(j)];
      }
    const auto up = value_at(plus), down = value_at(minus);
    const auto along = component(u, set->find(jet::MultiIndex::unit(k)));
    for (std::size_t n = 0; n < rows.size(); ++n)
      EXPECT_NEAR(along[n], (up[n] - down[n]) / (2 * h), 1e-7 * (1.0 + std::abs(along[n])))
          << "direction " << k << ", point " << n;
  }
}

namespace {

/// The PDE term's loss of a manufactured u, carried on directional jets (of
/// `carried` components) and along the inputs (`inputs`), against the mean
/// square of its residual written out by hand at the term's points.
void expect_residual_loss(const std::string& task_name, const ExactModel::Formula& u,
                          const std::function<double(double, double)>& residual, int carried,
                          int inputs, double tolerance)
{
  const auto run = test_support::single_run(suite_of(task_name, "pinn", "vanilla"));
  const auto task = pde::make_task(run.config["task"], 1);
  const ExactModel exact(2, 1, u);
  Vector<double> none("none", 0);
  objective::Vanilla<double> vanilla;
  const auto term = task->training_terms().front();
  ASSERT_EQ(term.name, "residual");
  double expected = 0.0;
  for (std::int64_t n = 0; n < term.size(); ++n) {
    const double r = residual(term.evaluations[0](n, 0), term.evaluations[0](n, 1));
    expected += r * r / static_cast<double>(term.size());
  }
  for (bool carry : {true, false}) {
    const Recording recording(*task);
    train::LossSettings settings;
    settings.chunk_points = 16;
    settings.carry_directions = carry;
    const parallel::MpiContext mpi;
    train::LossFunction<double> loss(recording, recording.training_terms(), exact, &vanilla, mpi,
                                     settings);
    const auto value = loss.evaluate(none, false, 0);
    EXPECT_EQ(recording.residual_components, carry ? carried : inputs) << task_name;
    EXPECT_NEAR(value.terms[0], expected, tolerance * expected) << task_name << ", carry " << carry;
  }
}

} // namespace

TEST(DirectionalJets, ConvectionResidualOfAManufacturedSolution)
{
  // u = sin(x) cos(t) + x^2 t: u_t + 7 u_x = -sin x sin t + x^2 + 7 (cos x cos t + 2 x t).
  expect_residual_loss(
      "convection",
      [](const Vars& x) { return Vars{jet::sin(x[0]) * jet::cos(x[1]) + (x[0] * x[0]) * x[1]}; },
      [](double x, double t) {
        return -std::sin(x) * std::sin(t) + x * x + 7.0 * (std::cos(x) * std::cos(t) + 2 * x * t);
      },
      2, 3, 1e-13);
}

TEST(DirectionalJets, WaveResidualOfAManufacturedSolution)
{
  // u = sin(x) cos(t) + x^2 t^2:
  // u_tt - 4 u_xx = -sin x cos t + 2 x^2 - 4 (-sin x cos t + 2 t^2).
  expect_residual_loss(
      "wave",
      [](const Vars& x) {
        return Vars{jet::sin(x[0]) * jet::cos(x[1]) + (x[0] * x[0]) * (x[1] * x[1])};
      },
      [](double x, double t) {
        return -std::sin(x) * std::cos(t) + 2 * x * x -
               4.0 * (-std::sin(x) * std::cos(t) + 2 * t * t);
      },
      4, 5, 1e-12);
}

TEST(DirectionalJets, AlongTheInputsIsTheWrittenOutFormulaBitForBit)
{
  // Without carried directions along() sums input derivatives: u_t + b u_x and
  // u_tt - c^2 u_xx exactly as the reference scripts write them.
  const auto set = jet::DerivativeSet::full(2, 2);
  jet::Tape<double> tape;
  const jet::Var<double> z(
      tape, tape.coordinates(make_points({{0.3, 0.7}, {-1.2, 0.1}, {2.5, 0.9}}), set));
  const auto u = jet::tanh(jet::sin(1.3 * jet::feature(z, 0)) * jet::exp(jet::feature(z, 1)));
  const pde::TermContext<double> c(2, {u}, {z});
  const double b = 7.0, speed = 2.0;
  EXPECT_EQ(component(c.along(c.u(), {b, 1.0}), 0),
            component(c.d(c.u(), 1) + b * c.d(c.u(), 0), 0));
  EXPECT_EQ(component(c.along(c.u(), {speed, 1.0}, {-speed, 1.0}), 0),
            component(c.d(c.d(c.u(), 1), 1) - (speed * speed) * c.d(c.d(c.u(), 0), 0), 0));
  EXPECT_THROW(c.along(c.u(), {0.0, 0.0}), LogicError);
  EXPECT_THROW(c.along(c.u(), {1.0}), LogicError);
}

TEST(DirectionalJets, EveryModelAgreesWithInputJets)
{
  const std::vector<std::string> models = {
      "{name: pinn, width: 16, hidden_layers: 2}",
      "{name: fls, width: 16, hidden_layers: 2}",
      "{name: qres, width: 8, hidden_layers: 2}",
      "{name: kan, width: 3, hidden_layers: 1}",
      "{name: propinn, hidden_dim: 8, head_width: 8, head_layers: 2}",
      "{name: pinn, width: 16, hidden_layers: 2, normalize_inputs: true}",
      "{name: pinnsformer, d_model: 8, heads: 2, d_ff: 16, hidden: 16}"};
  const std::vector<std::string> objectives = {
      "vanilla", "{name: ropinn, samples: 2}",
      "{name: vpinn, elements: [2, 2], quadrature_points: 4, test_functions: 2}"};
  // Convection: {u, d_v u} (2) against {u, u_x, u_t} (3); the wave and
  // PINNacle's Wave 1d-C: {u, d_a, d_b, d_a d_b} (4) against {u, u_x, u_t, u_xx,
  // u_tt} (5).
  for (const auto& [task_name, carried_size, input_size] :
       {std::tuple<std::string, int, int>{"convection", 2, 3}, {"wave", 4, 5}, {"wave1d", 4, 5}})
    for (const auto& model_yaml : models)
      for (const auto& objective_yaml : objectives) {
        const std::string what = task_name + " " + model_yaml + " " + objective_yaml;
        const auto run = test_support::single_run(suite_of(task_name, model_yaml, objective_yaml));
        const auto task = pde::make_task(run.config["task"], 1);
        const auto model = build_model(run, *task);
        Vector<double> parameters("parameters", model->layout().size());
        model->initialize(parameters, 17);
        auto objective =
            objective::make_objective<double>(run.config["objective"], model->layout(), 0, *task);
        const auto carried = closure(*task, *model, objective.get(), parameters, true);
        const auto inputs = closure(*task, *model, objective.get(), parameters, false);
        EXPECT_EQ(carried.components, carried_size) << what;
        EXPECT_EQ(inputs.components, input_size) << what;
        EXPECT_GT(carried.loss, 0.0);
        EXPECT_NEAR(carried.loss, inputs.loss, 1e-12 * inputs.loss) << what;
        EXPECT_LE(max_relative_difference(carried.gradient, inputs.gradient), 1e-11) << what;
      }
}

TEST(DirectionalJets, GradientMatchesCentralDifferencesOfTheLoss)
{
  const auto run = test_support::single_run(
      convection_suite("{name: pinn, width: 10, hidden_layers: 2}", "vanilla"));
  const auto task = pde::make_task(run.config["task"], 1);
  const auto model = nn::make_model<double>(run.config["model"], 2, 1);
  Vector<double> parameters("parameters", model->layout().size());
  model->initialize(parameters, 23);
  objective::Vanilla<double> vanilla;
  const auto base = closure(*task, *model, &vanilla, parameters, true);
  auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), parameters);
  const std::size_t count = host.extent(0);
  for (std::size_t i : {std::size_t(0), count / 3, count / 2, count - 2}) {
    const double h = 1e-6, saved = host(i);
    host(i) = saved + h;
    Kokkos::deep_copy(parameters, host);
    const double up = closure(*task, *model, &vanilla, parameters, true).loss;
    host(i) = saved - h;
    Kokkos::deep_copy(parameters, host);
    const double down = closure(*task, *model, &vanilla, parameters, true).loss;
    host(i) = saved;
    Kokkos::deep_copy(parameters, host);
    EXPECT_NEAR(base.gradient[i], (up - down) / (2 * h), 1e-6 * (1.0 + std::abs(base.gradient[i])))
        << "parameter " << i;
  }
}

TEST(DirectionalJets, GpinnKeepsTheInputJets)
{
  // gPINN differentiates the residual again: raised sets along the inputs,
  // bit-identical to switching the directions off.
  for (const auto& [task_name, raised_size] :
       {std::pair<std::string, int>{"convection", 6}, {"wave", 10}}) {
    const auto run = test_support::single_run(suite_of(
        task_name, "{name: pinn, width: 16, hidden_layers: 2}", "{name: gpinn, weight: 0.1}"));
    const auto task = pde::make_task(run.config["task"], 1);
    const auto model = nn::make_model<double>(run.config["model"], 2, 1);
    Vector<double> parameters("parameters", model->layout().size());
    model->initialize(parameters, 29);
    auto objective =
        objective::make_objective<double>(run.config["objective"], model->layout(), 0, *task);
    const auto allowed = closure(*task, *model, objective.get(), parameters, true);
    const auto off = closure(*task, *model, objective.get(), parameters, false);
    EXPECT_EQ(allowed.components, raised_size) << task_name;
    EXPECT_EQ(allowed.loss, off.loss) << task_name;
    EXPECT_EQ(allowed.gradient, off.gradient) << task_name;
  }
}

TEST(DirectionalJets, InputDerivativesAreRefusedOnDirectionalJets)
{
  jet::Tape<double> tape;
  const auto set = jet::DerivativeSet::closure_of(1, {jet::MultiIndex::unit(0)});
  const jet::Var<double> z(tape, tape.coordinates(make_points({{1.0, 2.0}}), set, {{3.0, 1.0}}));
  const pde::TermContext<double> context(2, {jet::feature(z, 0) * jet::feature(z, 1)}, {z}, 0, {},
                                         1, {{3.0, 1.0}});
  EXPECT_THROW(context.d(context.u(), 0), LogicError);
  EXPECT_THROW(context.along(context.u(), {1.0, 0.0}), LogicError);
  // d/dv (x t) = 3 t + x = 7 at (1, 2).
  EXPECT_EQ(component(context.along(context.u(), {3.0, 1.0}), 0), std::vector<double>{7.0});
}
