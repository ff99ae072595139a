// Tasks against their exact solutions: a "network" that is the analytic
// solution, written as a jet expression of the coordinates, must make every loss
// term vanish (PDE residual, initial and boundary conditions), also the extra
// terms of gPINN and double PINN, which differentiate the residuals once more.
// Runs through the real LossFunction: chunks, paired periodic evaluations,
// embedding, the allreduce.
#include "support/GridSettings.hpp"

#include <cmath>
#include <functional>
#include <gtest/gtest.h>
#include <pinnbench/core/Math.hpp>
#include <pinnbench/objective/DoublePinn.hpp>
#include <pinnbench/objective/Gpinn.hpp>
#include <pinnbench/pde/AllenCahnTask.hpp>
#include <pinnbench/pde/SpaceTimeTask.hpp>
#include <pinnbench/train/LossFunction.hpp>

using namespace pinnbench;
using pde::T;
using pde::X;

namespace {

/// A parameter-free "model": u is a formula of the coordinate jet.
class ExactSolution final : public nn::Model<double>
{
public:
  using Formula =
      std::function<jet::Var<double>(const jet::Var<double>& x, const jet::Var<double>& t)>;
  explicit ExactSolution(Formula formula) : formula_(std::move(formula)) {}
  std::string name() const override { return "exact"; }
  int inputs() const override { return 2; }
  int outputs() const override { return 1; }
  const nn::ParameterLayout& layout() const override { return layout_; }
  void initialize(const Vector<double>&, std::uint64_t) const override {}
  jet::Var<double> forward(const jet::Var<double>& z) const override
  {
    return formula_(jet::feature(z, X), jet::feature(z, T));
  }

private:
  Formula formula_;
  nn::ParameterLayout layout_;
};

pde::SpaceTimeSettings small_grid()
{
  return test_support::grid_settings(23, 17, 29, 31);
}

/// Every term's value (mean square), with an optional objective.
std::vector<std::pair<std::string, double>> term_values(const pde::Task& task,
                                                        const ExactSolution& exact,
                                                        objective::Objective<double>* objective)
{
  const parallel::MpiContext mpi;
  train::LossSettings settings;
  settings.chunk_points = 50; // several chunks per term
  train::LossFunction<double> loss(task, task.training_terms(), exact, objective, mpi, settings);
  Vector<double> none("none", 0);
  const auto value = loss.evaluate(none, true, 0);
  EXPECT_TRUE(value.finite);
  std::vector<std::pair<std::string, double>> terms;
  for (std::size_t k = 0; k < value.terms.size(); ++k)
    terms.emplace_back(loss.term_names()[k], value.terms[k]);
  return terms;
}

void expect_all_vanish(const pde::Task& task, const ExactSolution& exact, double tolerance)
{
  objective::Gpinn<double> gpinn(1.0);
  objective::DoublePinn<double> double_pinn({});
  for (objective::Objective<double>* objective :
       {static_cast<objective::Objective<double>*>(nullptr),
        static_cast<objective::Objective<double>*>(&gpinn),
        static_cast<objective::Objective<double>*>(&double_pinn)})
    for (const auto& [name, value] : term_values(task, exact, objective))
      EXPECT_LE(value, tolerance) << task.name() << " term " << name << " with "
                                  << (objective ? objective->name() : "no objective");
}

} // namespace

TEST(Tasks, ConvectionExactSolutionMakesEveryTermVanish)
{
  for (double beta : {5.0, 50.0}) {
    pde::ConvectionTask task(beta, small_grid());
    ExactSolution exact([beta](const auto& x, const auto& t) { return jet::sin(x - beta * t); });
    // Residual terms of size beta^2 * eps^2 at worst.
    expect_all_vanish(task, exact, 1e-22 * beta * beta);
  }
}

TEST(Tasks, ReactionExactSolutionMakesEveryTermVanish)
{
  const double rho = 5.0;
  pde::ReactionTask task(rho, small_grid());
  const double pi = math::pi<double>;
  ExactSolution exact([&](const auto& x, const auto& t) {
    const auto shifted = x - pi;
    const auto h = jet::exp((-1.0 / (2.0 * (pi / 4) * (pi / 4))) * (shifted * shifted));
    const auto growth = h * jet::exp(rho * t);
    return growth * jet::apply(jet::UnaryKind::reciprocal, growth + 1.0 - h);
  });
  expect_all_vanish(task, exact, 1e-24);
}

TEST(Tasks, WaveExactSolutionMakesEveryTermVanish)
{
  const double c = 2.0, beta = 3.0, pi = math::pi<double>;
  pde::WaveTask task(c, beta, small_grid());
  ExactSolution exact([&](const auto& x, const auto& t) {
    return jet::sin(pi * x) * jet::cos((c * pi) * t) +
           0.5 * (jet::sin((beta * pi) * x) * jet::cos((beta * c * pi) * t));
  });
  expect_all_vanish(task, exact, 1e-20);
}

TEST(Tasks, WrongSolutionsDoNotVanish)
{
  // The same machinery must see a wrong speed: an independent check that the
  // vanishing above is not vacuous.
  pde::ConvectionTask task(50.0, small_grid());
  ExactSolution wrong([](const auto& x, const auto& t) { return jet::sin(x - 49.0 * t); });
  const auto terms = term_values(task, wrong, nullptr);
  // Residual (50 - 49)^2 cos^2(x - 49 t): its mean over the grid is about 1/2.
  EXPECT_NEAR(terms[0].second, 0.5, 0.05);
  // The initial condition and periodicity hold for any speed.
  EXPECT_LE(terms[1].second, 1e-28);
  EXPECT_LE(terms[2].second, 1e-28);
}

TEST(Tasks, AllenCahnInitialConditionTerm)
{
  // No closed-form solution: check the initial term with u = x^2 cos(pi x), and
  // that the boundary-derivative term sees the IC's slope jump (u_x = -2 vs +2).
  pde::SpaceTimeSettings settings = small_grid();
  reference::SpectralSettings spectral;
  spectral.fourier_points = 64;
  spectral.time_step = 1e-3;
  pde::AllenCahnTask task({}, spectral, settings);
  ExactSolution initial(
      [](const auto& x, const auto&) { return (x * x) * jet::cos(math::pi<double> * x); });
  for (const auto& [name, value] : term_values(task, initial, nullptr)) {
    if (name == "initial" || name == "boundary") {
      EXPECT_LE(value, 1e-28) << name;
    }
    if (name == "boundary_derivative") {
      EXPECT_NEAR(value, 16.0, 1e-12); // (u_x(-1) - u_x(1))^2 = (2 - (-2))^2
    }
  }
}

TEST(Tasks, PointSetsFollowTheRopinnGrid)
{
  pde::SpaceTimeSettings settings;
  pde::ConvectionTask task(50.0, settings);
  const auto terms = task.training_terms();
  ASSERT_EQ(terms.size(), 3u);
  const auto& domain = terms[0].evaluations[0];
  ASSERT_EQ(domain.size(), 101 * 101);
  // Point k is (x_{k mod 101}, t_{k div 101}): rows are time.
  EXPECT_DOUBLE_EQ(domain(0, X), 0.0);
  EXPECT_DOUBLE_EQ(domain(100, X), 2 * math::pi<double>);
  EXPECT_DOUBLE_EQ(domain(101, T), 0.01);
  EXPECT_DOUBLE_EQ(domain(101 * 101 - 1, T), 1.0);
  // Initial points are the t = 0 row; the periodic pair shares its times.
  const auto& initial = terms[1].evaluations[0];
  for (int i = 0; i < 101; ++i) {
    EXPECT_DOUBLE_EQ(initial(i, X), domain(i, X));
    EXPECT_EQ(initial(i, T), 0.0);
  }
  ASSERT_EQ(terms[2].evaluations.size(), 2u);
  for (int i = 0; i < 101; ++i) {
    EXPECT_EQ(terms[2].evaluations[0](i, X), 0.0);
    EXPECT_DOUBLE_EQ(terms[2].evaluations[1](i, X), 2 * math::pi<double>);
    EXPECT_EQ(terms[2].evaluations[0](i, T), terms[2].evaluations[1](i, T));
  }
}

TEST(Tasks, RandomPointsAreInTheDomainAndIndependentOfTheRankCount)
{
  pde::SpaceTimeSettings settings;
  settings.test.domain.kind = pde::DomainSampling::Kind::random;
  settings.test.domain.count = 1000;
  settings.seed = 7;
  pde::WaveTask task(2.0, 3.0, settings);
  const auto points = task.test_points();
  ASSERT_EQ(points.size(), 1000);
  for (std::int64_t n = 0; n < points.size(); ++n) {
    EXPECT_GE(points(n, X), 0.0);
    EXPECT_LT(points(n, X), 1.0);
    EXPECT_GE(points(n, T), 0.0);
    EXPECT_LT(points(n, T), 1.0);
  }
  // Two ranks' blocks put together are the one-rank set.
  const auto first = pde::slice(points, pde::local_block(points.size(), 0, 2));
  const auto second = pde::slice(points, pde::local_block(points.size(), 1, 2));
  std::vector<double> joined = first.coordinates;
  joined.insert(joined.end(), second.coordinates.begin(), second.coordinates.end());
  EXPECT_EQ(joined, points.coordinates);
}

TEST(Tasks, ReferencesMatchTheInitialConditions)
{
  pde::SpaceTimeSettings settings;
  pde::ReactionTask reaction(5.0, settings);
  pde::WaveTask wave(2.0, 3.0, settings);
  const double pi = math::pi<double>;
  for (double x : {0.0, 0.5, 1.0, 2.0, 3.0, 6.0}) {
    const double h = std::exp(-(x - pi) * (x - pi) / (2 * (pi / 4) * (pi / 4)));
    EXPECT_NEAR(reaction.solution(x, 0.0), h, 1e-15);
  }
  for (double x : {0.0, 0.3, 0.77, 1.0})
    EXPECT_NEAR(wave.solution(x, 0.0), std::sin(pi * x) + 0.5 * std::sin(3 * pi * x), 1e-15);
  // Published closed form at an interior point.
  EXPECT_NEAR(wave.solution(0.25, 0.1),
              std::sin(pi / 4) * std::cos(0.2 * pi) +
                  0.5 * std::sin(0.75 * pi) * std::cos(0.6 * pi),
              1e-15);
}
