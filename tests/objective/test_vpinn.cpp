// vPINN on tasks of any input count, against independent truths:
// - 3-, 5- and 6-input tasks (PNd, HNd) with a manufactured network u = exact +
//   sum c_j x_j^4 (+ c_t t^2), whose residual is a quadratic polynomial: the
//   element integrals against the test functions are written here in closed
//   form (Legendre moments by hand), so they check the points, the weights,
//   the tensor rule, the skipped GLL end nodes and the defaults by input count;
// - piecewise coefficients (Poisson 3d-CG, k jumps at z = 0.5 inside an
//   element): a direct quadrature sum with the coefficient and source written
//   here, on GLL nodes and Legendre polynomials written here;
// - PINNsFormer: each token's residual integrated on its own, against residuals
//   of the token rows evaluated straight from the tape, and the parameter
//   gradient against central differences;
// - every vPINN cell of the ropinn-pinnacle and ropinn suites resolves its
//   element grid by the task's input count and sets up and evaluates its loss
//   (reference files absent from the shared bundle replaced by small stand-ins).
#include "support/ExactModel.hpp"
#include "support/SuiteRuns.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <map>
#include <pinnbench/core/Error.hpp>
#include <pinnbench/core/Math.hpp>
#include <pinnbench/nn/ModelRegistry.hpp>
#include <pinnbench/nn/PseudoSequence.hpp>
#include <pinnbench/objective/ObjectiveFactory.hpp>
#include <pinnbench/objective/Vpinn.hpp>
#include <pinnbench/pde/TaskRegistry.hpp>
#include <pinnbench/suite/Suite.hpp>
#include <pinnbench/train/LossFunction.hpp>
#include <sstream>
#include <unistd.h>

using namespace pinnbench;
using test_support::ExactModel;
using test_support::Vars;

namespace {

const double pi = math::pi<double>;

std::string one_run_suite(const std::string& task_block, const std::string& objective = "vpinn",
                          const std::string& model = "pinn")
{
  return "defaults:\n  task: " + task_block + "\nmatrix:\n  tasks: [" +
         task_block.substr(1, task_block.find(':') - 1) + "]\n  models: [" + model +
         "]\n  objectives: [" + objective + "]\n  optimizers: [adam]\n";
}

/// The term "variational" of one loss evaluation.
double variational(const pde::Task& task, const nn::Model<double>& model,
                   objective::Objective<double>& objective, const Vector<double>& parameters,
                   std::vector<double>* gradient = nullptr)
{
  const parallel::MpiContext mpi;
  train::LossSettings settings;
  settings.chunk_points = 100; // several chunks of whole elements
  train::LossFunction<double> loss(task, task.training_terms(), model, &objective, mpi, settings);
  const auto value = loss.evaluate(parameters, gradient != nullptr, 0);
  if (gradient) {
    auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), loss.gradient());
    gradient->assign(host.data(), host.data() + host.size());
  }
  const auto names = loss.term_names();
  for (std::size_t k = 0; k < names.size(); ++k)
    if (names[k] == "variational")
      return value.terms[k];
  ADD_FAILURE() << "no variational term";
  return std::nan("");
}

// Moments of the test functions phi_n = P_{n+1} - P_{n-1} on [-1, 1], by hand:
// int P_0 = 2, int xi P_1 = 2/3, int xi^2 P_0 = 2/3, int xi^2 P_2 = 4/15, and
// P_m is orthogonal to every lower degree.
double moment0(int n)
{
  return n == 1 ? -2.0 : 0.0;
}
double moment1(int n)
{
  return n == 2 ? -2.0 / 3.0 : 0.0;
}
double moment2(int n)
{
  return n == 1 ? -2.0 / 5.0 : n == 3 ? -4.0 / 15.0 : 0.0;
}

/// vPINN's loss for R(x) = sum_j (alpha_j x_j^2 + beta_j x_j) on the box, from
/// the closed-form element integrals (reference coordinates, 1 / #elements).
double analytic_loss(const std::vector<std::pair<double, double>>& box,
                     const std::vector<int>& elements, int functions,
                     const std::vector<double>& alpha, const std::vector<double>& beta)
{
  const std::size_t d = box.size();
  std::int64_t element_count = 1, function_count = 1;
  for (std::size_t j = 0; j < d; ++j) {
    element_count *= elements[j];
    function_count *= functions;
  }
  double sum = 0.0;
  std::vector<int> cell(d, 0);
  for (std::int64_t e = 0; e < element_count; ++e) {
    std::int64_t rest = e;
    for (std::size_t j = 0; j < d; ++j) {
      cell[j] = static_cast<int>(rest % elements[j]);
      rest /= elements[j];
    }
    std::vector<int> n(d, 1);
    for (std::int64_t f = 0; f < function_count; ++f) {
      rest = f;
      for (std::size_t j = 0; j < d; ++j) {
        n[j] = 1 + static_cast<int>(rest % functions);
        rest /= functions;
      }
      double integral = 0.0;
      for (std::size_t j = 0; j < d; ++j) {
        const double h = (box[j].second - box[j].first) / elements[j];
        const double a = box[j].first + (cell[j] + 0.5) * h, b = 0.5 * h; // x = a + b xi
        double term =
            alpha[j] * (a * a * moment0(n[j]) + 2 * a * b * moment1(n[j]) + b * b * moment2(n[j])) +
            beta[j] * (a * moment0(n[j]) + b * moment1(n[j]));
        for (std::size_t i = 0; i < d; ++i)
          if (i != j)
            term *= moment0(n[i]);
        integral += term;
      }
      integral /= static_cast<double>(element_count);
      sum += integral * integral;
    }
  }
  return sum / static_cast<double>(element_count * function_count);
}

/// GLL with 4 nodes on [-1, 1] (exact to degree 5), and K = 2 test functions.
const double gll4_nodes[4] = {-1.0, -1.0 / std::sqrt(5.0), 1.0 / std::sqrt(5.0), 1.0};
const double gll4_weights[4] = {1.0 / 6.0, 5.0 / 6.0, 5.0 / 6.0, 1.0 / 6.0};
double phi(int n, double xi)
{
  return n == 1 ? 1.5 * xi * xi - 1.5 : 2.5 * xi * xi * xi - 2.5 * xi; // P2 - P0, P3 - P1
}

struct Quadrature2
{
  pde::PointCloud points;             ///< every GLL node of every element
  std::vector<std::int64_t> owner;    ///< element of each point
  std::vector<std::vector<double>> v; ///< [point][test function]: w * phi / #elements
};

/// The tensor GLL-4 rule with K = 2 on `elements` of the box, built here.
Quadrature2 gll4_rule(const std::vector<std::pair<double, double>>& box,
                      const std::vector<int>& elements)
{
  const std::size_t d = box.size();
  Quadrature2 q;
  q.points.dimension = static_cast<int>(d);
  std::int64_t element_count = 1, nodes = 1, functions = 1;
  for (std::size_t j = 0; j < d; ++j) {
    element_count *= elements[j];
    nodes *= 4;
    functions *= 2;
  }
  for (std::int64_t e = 0; e < element_count; ++e)
    for (std::int64_t p = 0; p < nodes; ++p) {
      std::int64_t ce = e, cp = p;
      double weight = 1.0 / static_cast<double>(element_count);
      std::vector<double> xi(d);
      for (std::size_t j = 0; j < d; ++j) {
        const int cell = static_cast<int>(ce % elements[j]);
        const int node = static_cast<int>(cp % 4);
        ce /= elements[j];
        cp /= 4;
        const double h = (box[j].second - box[j].first) / elements[j];
        xi[j] = gll4_nodes[node];
        q.points.coordinates.push_back(box[j].first + h * (cell + 0.5 * (xi[j] + 1.0)));
        weight *= gll4_weights[node];
      }
      std::vector<double> row;
      for (std::int64_t f = 0; f < functions; ++f) {
        double v = weight;
        std::int64_t cf = f;
        for (std::size_t j = 0; j < d; ++j, cf /= 2)
          v *= phi(1 + static_cast<int>(cf % 2), xi[j]);
        row.push_back(v);
      }
      q.owner.push_back(e);
      q.v.push_back(row);
    }
  return q;
}

/// Residual values of `term` at `points` (rows) with `model`, straight from the tape.
std::vector<double> residual_at(const pde::Task& task, const nn::Model<double>& model,
                                const Vector<double>& parameters, const pde::Term& term,
                                const pde::PointCloud& points, const pde::PointCloud& data = {})
{
  jet::Tape<double> tape;
  Vector<double> unused("unused", parameters.extent(0));
  tape.bind_parameters(parameters, unused);
  const int d = task.dimension();
  const auto set = jet::DerivativeSet::closure_of(d, term.derivatives.front());
  const auto device = pde::to_device<double>(points, "points");
  jet::Var<double> z(tape, tape.coordinates(device, set));
  jet::Var<double> u = model.forward(z);
  jet::Var<double> constants;
  Matrix<double> data_device;
  if (data.size() > 0) {
    data_device = pde::to_device<double>(data, "data");
    constants = jet::Var<double>(tape, tape.constants(data_device, set));
  }
  const auto r =
      task.residual(term, pde::TermContext<double>(d, {u}, {z}, 0, constants)).value().values;
  auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), r);
  std::vector<double> values;
  for (std::size_t n = 0; n < host.extent(1); ++n)
    values.push_back(host(0, n, 0));
  return values;
}

pde::Term pde_term(const pde::Task& task)
{
  for (const auto& term : task.training_terms())
    if (term.kind == pde::TermKind::pde)
      return term;
  throw LogicError("no PDE term");
}

/// Rows "x y value" on the node grid xs x xs (y slowest), a coefficient table.
std::string grid_table(const std::vector<double>& xs, double base)
{
  std::ostringstream out;
  for (double y : xs)
    for (double x : xs)
      out << x << ' ' << y << ' ' << base + x + 0.5 * y << "\n";
  return out.str();
}

/// Small stand-ins, in PINNacle's formats, for the reference files a task reads
/// (values arbitrary: they serve setting a run up, not its metrics).
const std::map<std::string, std::string>& stand_ins()
{
  static const std::map<std::string, std::string> files = {
      {"ref/poisson_3d.dat", "% Model: synthetic\n0.1 0.1 0.1 0.5\n0.9 0.9 0.9 1.5\n"},
      {"ref/poisson_manyarea.dat", "-9.5 -9.5 0.25\n3.0 7.0 -1.0\n"},
      {"ref/heat_2d_coef_256.dat", grid_table({0.0, 1.0 / 3, 2.0 / 3, 1.0}, 1.0)},
      {"ref/heat_darcy.dat", "% Model: heat_case1.mph\n% Nodes: 2\n"
                             "% X  Y  u (1) @ t=0  u (1) @ t=2.5  u (1) @ t=5\n"
                             "0.2 0.3 0 1 2\n0.7 0.6 0 3 4\n"},
      {"ref/heat_complex.dat", "% Model: heat_case3.mph\n% Nodes: 2\n"
                               "% X  Y  u (K) @ t=0  u (K) @ t=1.5  u (K) @ t=3\n"
                               "-8 12 0 0.25 0.5\n2.5 -1 0 1E-3 -2.5E-2\n"},
      {"ref/darcy_2d_coef_256.dat", grid_table({0.0, 1.0 / 3, 2.0 / 3, 1.0}, 1.0)},
      {"ref/wave_darcy.dat", "% Model: wave_darcy.mph\n% Nodes: 2\n"
                             "% X  Y  u (1) @ t=0  u (1) @ t=2.5  u (1) @ t=5\n"
                             "0 0 1 2 3\n-0.5 0.25 4 5 6\n"},
      {"ref/grayscott.dat", "-1 -1 0 1 0\n1 -1 0 1 0\n-1 1 0 1 0\n1 1 0 1 0\n"
                            "-1 -1 10 1 0\n1 -1 10 1 0\n-1 1 10 1 0\n1 1 10 1 0\n"},
      {"ref/burgers2d_init_u_0.dat", grid_table({0, 1, 2, 3, 4}, 0.0)},
      {"ref/burgers2d_init_v_0.dat", grid_table({0, 1, 2, 3, 4}, 1.0)},
      {"ref/burgers2d_0.dat", "% Model: burgers2d.mph\n% Nodes: 2\n% Expressions: 4\n"
                              "% X Y u (m/s) @ t=0 v (m/s) @ t=0 u (m/s) @ t=1 v (m/s) @ t=1\n"
                              "0 0 1 2 3 4\n1.5 2.5 5 6 7 8\n"},
  };
  return files;
}

/// A data folder for `config`'s task: the shared file where it exists (linked),
/// else a stand-in; false when a file has neither.
bool data_folder(const YAML::Node& config, const std::filesystem::path& shared,
                 const std::filesystem::path& folder)
{
  for (const auto& missing : pde::missing_data_files(config, folder)) {
    const auto relative = std::filesystem::relative(missing, folder);
    std::filesystem::create_directories(missing.parent_path());
    if (std::filesystem::exists(shared / relative)) {
      std::filesystem::create_symlink(std::filesystem::absolute(shared / relative), missing);
    } else {
      const auto stand_in = stand_ins().find(relative.generic_string());
      if (stand_in == stand_ins().end())
        return false;
      std::ofstream(missing) << stand_in->second;
    }
  }
  return true;
}

} // namespace

TEST(Vpinn, DefaultsKeepThePointBudgetByInputCount)
{
  // Evaluated points: #elements * (Q - 2)^d.
  const std::int64_t expected[] = {0, 0, 4096, 32768, 20736, 32768, 46656};
  for (int d = 2; d <= 6; ++d) {
    const auto s = objective::vpinn_defaults(d);
    ASSERT_EQ(s.elements.size(), static_cast<std::size_t>(d));
    std::int64_t points = 1;
    for (int j = 0; j < d; ++j)
      points *= s.elements[static_cast<std::size_t>(j)] * (s.quadrature_points - 2);
    EXPECT_EQ(points, expected[d]) << d << " inputs";
  }
  // PINNacle's settings where it has them (spec/ropinn.md §7.4).
  EXPECT_EQ(objective::vpinn_defaults(2).elements, (std::vector<int>{8, 8}));
  EXPECT_EQ(objective::vpinn_defaults(3).quadrature_points, 10);
  EXPECT_EQ(objective::vpinn_defaults(3).test_functions, 5);
}

TEST(Vpinn, PoissonNdIn3And5DimensionsMatchesClosedFormIntegrals)
{
  for (int d : {3, 5}) {
    const auto run = test_support::single_run(
        one_run_suite("{poisson_nd: {dimension: " + std::to_string(d) +
                      ", domain_points: 8, boundary_points: 8, distribution: uniform}}"));
    // The suite resolved the defaults for d inputs.
    const auto defaults = objective::vpinn_defaults(d);
    EXPECT_EQ(run.config["objective"]["elements"].as<std::vector<int>>(), defaults.elements);
    EXPECT_EQ(run.config["objective"]["quadrature_points"].as<int>(), defaults.quadrature_points);
    EXPECT_EQ(run.config["objective"]["test_functions"].as<int>(), defaults.test_functions);
    const auto task = pde::make_task(run.config["task"], 1);
    std::vector<double> c;
    for (int j = 0; j < d; ++j)
      c.push_back(0.3 + 0.1 * j);
    // u = sum sin(pi x_j / 2) + sum c_j x_j^4: residual sum 12 c_j x_j^2.
    ExactModel model(d, 1, [&](const Vars& x) {
      auto u = jet::sin((pi / 2) * x[0]) + c[0] * (x[0] * x[0] * x[0] * x[0]);
      for (int j = 1; j < d; ++j)
        u = u + jet::sin((pi / 2) * x[static_cast<std::size_t>(j)]) +
            c[static_cast<std::size_t>(j)] *
                (x[static_cast<std::size_t>(j)] * x[static_cast<std::size_t>(j)] *
                 x[static_cast<std::size_t>(j)] * x[static_cast<std::size_t>(j)]);
      return Vars{u};
    });
    Vector<double> none("none", 0);
    auto objective =
        objective::make_objective<double>(run.config["objective"], model.layout(), 0, *task);
    const auto& vpinn = dynamic_cast<const objective::Vpinn<double>&>(*objective);
    EXPECT_EQ(vpinn.quadrature_points().size(),
              vpinn.element_count() *
                  static_cast<std::int64_t>(std::pow(defaults.quadrature_points - 2, d)));
    std::vector<double> alpha, beta(static_cast<std::size_t>(d), 0.0);
    for (double cj : c)
      alpha.push_back(12 * cj);
    const double expected =
        analytic_loss(std::vector<std::pair<double, double>>(static_cast<std::size_t>(d), {0, 1}),
                      defaults.elements, defaults.test_functions, alpha, beta);
    EXPECT_GT(expected, 0.0);
    EXPECT_NEAR(variational(*task, model, *objective, none), expected, 1e-9 * expected)
        << d << " inputs";
  }
}

TEST(Vpinn, HeatNdOn6InputsCoversTheBallsBoundingBox)
{
  const auto run = test_support::single_run(
      one_run_suite("{heat_nd: {domain_points: 8, boundary_points: 8, initial_points: 8, "
                    "distribution: uniform}}"));
  EXPECT_EQ(run.config["objective"]["elements"].as<std::vector<int>>(),
            (std::vector<int>{3, 3, 3, 3, 3, 3}));
  const auto task = pde::make_task(run.config["task"], 1);
  const int d = 5;
  const double c[] = {0.2, 0.3, 0.4, 0.5, 0.6}, ct = 0.7;
  // u = exp(|x|^2 / 2 + t) + sum c_j x_j^4 + c_t t^2: residual
  // (1/d) sum 12 c_j x_j^2 - 2 c_t t.
  ExactModel model(d + 1, 1, [&](const Vars& x) {
    auto r2 = x[0] * x[0];
    for (int j = 1; j < d; ++j)
      r2 = r2 + x[static_cast<std::size_t>(j)] * x[static_cast<std::size_t>(j)];
    auto u = jet::exp(0.5 * r2 + x[5]) + ct * (x[5] * x[5]);
    for (int j = 0; j < d; ++j) {
      const auto& xj = x[static_cast<std::size_t>(j)];
      u = u + c[j] * (xj * xj * xj * xj);
    }
    return Vars{u};
  });
  Vector<double> none("none", 0);
  auto objective =
      objective::make_objective<double>(run.config["objective"], model.layout(), 0, *task);
  std::vector<double> alpha, beta(6, 0.0);
  for (double cj : c)
    alpha.push_back(12 * cj / d);
  alpha.push_back(0.0);
  beta[5] = -2 * ct;
  std::vector<std::pair<double, double>> box(5, {-1.0, 1.0});
  box.emplace_back(0.0, 1.0);
  const double expected = analytic_loss(box, {3, 3, 3, 3, 3, 3}, 2, alpha, beta);
  EXPECT_GT(expected, 0.0);
  EXPECT_NEAR(variational(*task, model, *objective, none), expected, 1e-9 * expected);
}

TEST(Vpinn, PiecewiseCoefficientsAreEvaluatedAtEachQuadraturePoint)
{
  // Poisson 3d-CG reads ref/poisson_3d.dat for its test set: a stand-in here.
  const auto dir = std::filesystem::temp_directory_path() /
                   ("pinnbench-vpinn-poisson3d-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir / "ref");
  std::ofstream(dir / "ref" / "poisson_3d.dat")
      << "% Model: synthetic\n0.1 0.1 0.1 0.5\n0.9 0.9 0.9 1.5\n0.5 0.5 0.05 2\n";
  const auto run = test_support::single_run(
      one_run_suite("{poisson3d_complex_geometry: {domain_points: 8, boundary_points: 8, "
                    "distribution: uniform}}",
                    "{name: vpinn, elements: [2, 2, 3], quadrature_points: 4, test_functions: 2}"));
  pde::TaskInputs in;
  in.config = run.config["task"];
  in.data_dir = dir;
  const auto task = pde::make_task(in);
  std::filesystem::remove_all(dir);
  // u = 1: residual k(z)^2 - f(x); k = 8 below z = 0.5, 10 above (spec §3.5),
  // and z = 0.5 lies inside the middle layer of elements.
  ExactModel model(3, 1, [](const Vars& x) { return Vars{0.0 * x[0] + 1.0}; });
  Vector<double> none("none", 0);
  auto objective =
      objective::make_objective<double>(run.config["objective"], model.layout(), 0, *task);
  const std::vector<std::pair<double, double>> box(3, {0.0, 1.0});
  const auto q = gll4_rule(box, {2, 2, 3});
  std::vector<double> integrals(12 * 8, 0.0);
  for (std::int64_t n = 0; n < q.points.size(); ++n) {
    const double x = q.points(n, 0), y = q.points(n, 1), z = q.points(n, 2);
    const double r2 = x * x + y * y + z * z;
    const double f = 20 *
                         std::exp(std::sin(pi * x) + std::sin(10 * pi * y) + std::sin(5 * pi * z)) *
                         (r2 - 1) / (r2 + 1) +
                     100 * std::sin(pi * x) * std::sin(10 * pi * y) * std::sin(5 * pi * z);
    const double k = z < 0.5 ? 8.0 : 10.0;
    for (int fn = 0; fn < 8; ++fn)
      integrals[static_cast<std::size_t>(q.owner[static_cast<std::size_t>(n)] * 8 + fn)] +=
          q.v[static_cast<std::size_t>(n)][static_cast<std::size_t>(fn)] * (k * k - f);
  }
  double expected = 0.0;
  for (double i : integrals)
    expected += i * i / static_cast<double>(integrals.size());
  EXPECT_NEAR(variational(*task, model, *objective, none), expected, 1e-10 * expected);
}

TEST(Vpinn, PinnsFormerIntegratesEveryTokenOnItsOwn)
{
  const auto run = test_support::single_run(one_run_suite(
      "{convection: {beta: 2, points: {domain: {kind: grid, nx: 4, nt: 4}, initial: 4, "
      "boundary: 4}}}",
      "{name: vpinn, elements: [2, 2], quadrature_points: 4, test_functions: 2}",
      "{name: pinnsformer, d_model: 8, heads: 2, d_ff: 16, hidden: 16}"));
  const auto task = pde::make_task(run.config["task"], 0);
  auto model = nn::make_model<double>(run.config["model"], 2, 1);
  ASSERT_EQ(model->sequence().length, 5);
  Vector<double> parameters("parameters", model->layout().size());
  model->initialize(parameters, 5);
  auto objective =
      objective::make_objective<double>(run.config["objective"], model->layout(), 0, *task);
  std::vector<double> gradient;
  const double value = variational(*task, *model, *objective, parameters, &gradient);

  // Direct: the residual at every token row of every GLL node (end nodes too).
  const auto domain = task->domain();
  const auto q = gll4_rule(domain, {2, 2});
  const int tokens = 5;
  const auto direct = [&](const Vector<double>& theta) {
    const auto r = residual_at(*task, *model, theta, pde_term(*task),
                               nn::sequence_points(q.points, model->sequence()));
    std::vector<double> integrals(4 * 4 * tokens, 0.0);
    for (std::int64_t n = 0; n < q.points.size(); ++n)
      for (int f = 0; f < 4; ++f)
        for (int i = 0; i < tokens; ++i)
          integrals[static_cast<std::size_t>(
              (q.owner[static_cast<std::size_t>(n)] * 4 + f) * tokens + i)] +=
              q.v[static_cast<std::size_t>(n)][static_cast<std::size_t>(f)] *
              r[static_cast<std::size_t>(n * tokens + i)];
    double sum = 0.0;
    for (double i : integrals)
      sum += i * i / static_cast<double>(integrals.size());
    return sum;
  };
  const double expected = direct(parameters);
  EXPECT_GT(expected, 0.0);
  EXPECT_NEAR(value, expected, 1e-10 * expected);

  // Parameter gradient of the variational term (the only term with weight 1 that
  // moves here is all terms: compare the total loss's gradient with central
  // differences of the total loss).
  const parallel::MpiContext mpi;
  train::LossSettings settings;
  settings.chunk_points = 100;
  train::LossFunction<double> loss(*task, task->training_terms(), *model, objective.get(), mpi,
                                   settings);
  auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), parameters);
  loss.evaluate(parameters, true, 0);
  auto analytic = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), loss.gradient());
  const std::size_t size = host.extent(0);
  for (std::size_t p : {std::size_t(0), size / 3, size / 2, size - 1}) {
    const double h = 1e-6, saved = host(p);
    Vector<double> theta("theta", size);
    host(p) = saved + h;
    Kokkos::deep_copy(theta, host);
    const double plus = loss.evaluate(theta, false, 0).loss;
    host(p) = saved - h;
    Kokkos::deep_copy(theta, host);
    const double minus = loss.evaluate(theta, false, 0).loss;
    host(p) = saved;
    const double numeric = (plus - minus) / (2 * h);
    EXPECT_NEAR(analytic(p), numeric, 1e-6 * (std::fabs(numeric) + 1e-3)) << "parameter " << p;
  }
}

TEST(Vpinn, EveryVpinnCellOfTheRopinnSuitesSetsUp)
{
  const auto shared = std::filesystem::path(PINNBENCH_SHARED_DIR) / "data" / "pinnacle";
  const auto folder = std::filesystem::temp_directory_path() /
                      ("pinnbench-vpinn-cells-" + std::to_string(::getpid()));
  std::vector<std::string> skipped, model_limits;
  std::map<std::string, std::unique_ptr<pde::Task>> tasks;
  int set_up = 0;
  for (const char* name : {"ropinn-pinnacle", "ropinn"}) {
    const auto suite =
        suite::load_suite(PINNBENCH_SOURCE_DIR "/suites/" + std::string(name) + ".yaml", {});
    for (auto run : suite.runs) {
      if (run.objective != "vpinn" || run.seed != 0)
        continue;
      YAML::Node objective = run.config["objective"];
      const pde::TaskEntry* entry = pde::find_task(run.task);
      ASSERT_NE(entry, nullptr);
      const int inputs = entry->inputs(run.config["task"]);
      const auto defaults = objective::vpinn_defaults(inputs);
      // The element grid as configured: one count per input, and the defaults
      // by input count (the 1D tasks set PINNacle's [8, 8] themselves).
      EXPECT_EQ(objective["elements"].as<std::vector<int>>(), defaults.elements) << run.run_id;
      EXPECT_EQ(objective["quadrature_points"].as<int>(), defaults.quadrature_points);
      EXPECT_EQ(objective["test_functions"].as<int>(), defaults.test_functions);
      if (std::string(name) == "ropinn" && entry->name != "reaction" && entry->name != "wave" &&
          entry->name != "convection")
        continue; // the same cells as ropinn-pinnacle: set up once
      if (!data_folder(run.config["task"], shared, folder)) {
        skipped.push_back(run.run_id);
        continue;
      }
      // Set up with few points and one element per coordinate: this checks that
      // the combination builds and evaluates, not its cost.
      YAML::Node task_config = run.config["task"];
      // (Heat 2d-CG needs 100 boundary points for each of its 18 boundary pieces.)
      for (const char* key : {"domain_points", "boundary_points", "initial_points"})
        if (task_config[key])
          task_config[key] = 16;
      if (run.task == "heat2d_complex_geometry")
        task_config["boundary_points"] = 1800;
      if (task_config["points"]) {
        task_config["points"]["domain"]["nx"] = 4;
        task_config["points"]["domain"]["nt"] = 4;
        task_config["points"]["initial"] = 4;
        task_config["points"]["boundary"] = 4;
      }
      for (std::size_t j = 0; j < objective["elements"].size(); ++j)
        objective["elements"][j] = 1;
      objective["quadrature_points"] = 3;
      pde::TaskInputs in;
      in.config = task_config;
      in.data_dir = folder;
      try {
        // One task per suite and task name: the models share it.
        auto& task = tasks[std::string(name) + "/" + run.task];
        if (!task)
          task = pde::make_task(in);
        ASSERT_EQ(task->dimension(), inputs) << run.run_id;
        auto model = nn::make_model<double>(run.config["model"], inputs, task->outputs());
        Vector<double> parameters("parameters", model->layout().size());
        model->initialize(parameters, 0);
        auto vpinn = objective::make_objective<double>(objective, model->layout(), 0, *task);
        std::vector<double> gradient;
        const double value = variational(*task, *model, *vpinn, parameters, &gradient);
        EXPECT_TRUE(std::isfinite(value)) << run.run_id;
        ++set_up;
      } catch (const std::exception& e) {
        // Only a limit of the model itself may stop a cell (PINNsFormer's token
        // jets on more than two inputs): the vanilla loss must stop the same way.
        std::string vanilla_error;
        try {
          const auto task = pde::make_task(in);
          auto model = nn::make_model<double>(run.config["model"], inputs, task->outputs());
          Vector<double> parameters("parameters", model->layout().size());
          model->initialize(parameters, 0);
          const parallel::MpiContext mpi;
          train::LossFunction<double> loss(*task, task->training_terms(), *model, nullptr, mpi,
                                           train::LossSettings{});
          loss.evaluate(parameters, true, 0);
        } catch (const std::exception& v) {
          vanilla_error = v.what();
        }
        if (vanilla_error != e.what() || vanilla_error.find("pseudo-sequence") == std::string::npos)
          ADD_FAILURE() << run.run_id << ": " << e.what();
        else
          model_limits.push_back(run.run_id + " (" + vanilla_error + ")");
      }
    }
  }
  std::filesystem::remove_all(folder);
  EXPECT_GT(set_up, 0);
  for (const auto& limit : model_limits)
    std::cout << "[ NOTE     ] the model stops vanilla and vPINN alike: " << limit << "\n";
  if (!skipped.empty()) {
    std::string list;
    for (const auto& id : skipped)
      list += " " + id;
    // Every file is in the shared bundle or has a stand-in; without the bundle
    // the tasks reading its other files are left out.
    if (std::filesystem::exists(shared))
      ADD_FAILURE() << skipped.size() << " vPINN cells read files with no stand-in:" << list;
    else
      std::cout << "[ SKIPPED  ] " << skipped.size() << " vPINN cells need the shared data "
                << shared << ":" << list << "\n";
  }
}
