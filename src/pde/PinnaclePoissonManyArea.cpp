// PINNacle Poisson 2d-MS (spec/pinnacle.md §3.6): a Δu + f = 0 on [-10, 10]²
// split into 5 x 5 blocks of side b = (20 + 2e-5) / 5; on block (i, j) (i from
// x, j from y, index floor((x + 10 + 1e-5) / b)) the coefficient is a = A[i][j]
// (ref/poisson_a_coef.dat) and f = c00 + c11 sin(π r_x / b) sin(π r_y / b), r the
// offset from the block's corner, c = ref/poisson_f_coef.dat as (5, 5, 2, 2).
// The block's a, c00, c11 and corner travel as per-point data, so f stays a
// function of the coordinates. Robin ∂u/∂n = -u on the whole boundary.
#include <cmath>
#include <pinnbench/core/Error.hpp>
#include <pinnbench/core/Math.hpp>
#include <pinnbench/geometry/Box.hpp>
#include <pinnbench/pde/PinnacleTask.hpp>
#include <pinnbench/pde/TaskRegistry.hpp>
#include <pinnbench/reference/ComsolExport.hpp>
#include <pinnbench/reference/PinnacleFiles.hpp>
#include <pinnbench/reference/TextTable.hpp>
#include <pinnbench/suite/KeyBuilders.hpp>

namespace pinnbench::pde {

namespace {

constexpr int X = 0;
constexpr int Y = 1;
/// Per-point data columns.
enum Column
{
  A = 0,
  C00 = 1,
  C11 = 2,
  CORNER_X = 3,
  CORNER_Y = 4,
};

constexpr int blocks = 5;
constexpr double shift = 1e-5;
const double block_side = (20 + 2 * shift) / blocks;

struct Coefficients
{
  std::vector<double> a; ///< [5][5]
  std::vector<double> f; ///< [5][5][2][2]
};

class PinnaclePoissonManyArea final : public PinnacleTask<PinnaclePoissonManyArea>
{
public:
  PinnaclePoissonManyArea(Coefficients coefficients, PinnacleSampling sampling,
                          ReferenceSolution reference)
      : PinnacleTask(layout(std::move(coefficients)), sampling, std::move(reference))
  {}

  template <class Real>
  jet::Var<Real> residual_of(const Term& term, const TermContext<Real>& c) const
  {
    const auto u = c.u();
    if (term.name == "residual")
      return c.data(A) * c.laplacian(u, {X, Y}) + source(c);
    if (term.name == "boundary")
      return c.normal_derivative(u, 2) + u;
    unknown_pinnacle_term(name(), term);
  }

private:
  /// c00 + c11 sin(π r_x / b) sin(π r_y / b), r = x - the block's corner.
  template <class Real>
  static jet::Var<Real> source(const TermContext<Real>& c)
  {
    const Real k = math::pi<Real> / static_cast<Real>(block_side);
    return c.data(C00) + c.data(C11) * (jet::sin(k * (c.coordinate(X) - c.data(CORNER_X))) *
                                        jet::sin(k * (c.coordinate(Y) - c.data(CORNER_Y))));
  }

  static PinnacleLayout layout(Coefficients coefficients)
  {
    PinnacleLayout l;
    l.name = "poisson2d_many_area";
    l.geometry =
        std::make_shared<geometry::Box>(std::vector<double>{-10, -10}, std::vector<double>{10, 10});
    l.coordinate_names = {"x", "y"};
    l.pde_terms = {"residual"};
    l.pde_laplacians = {{X, Y}};
    l.conditions = {robin("boundary", [](const double*, bool on) { return on; })};
    l.pde_data = [c = std::move(coefficients)](const double* x) {
      const auto block = [](double v) {
        return std::min(blocks - 1, static_cast<int>(std::floor((v + 10 + shift) / block_side)));
      };
      const int i = block(x[X]), j = block(x[Y]);
      const auto at = static_cast<std::size_t>(i * blocks + j);
      const double corner_x = -10 - shift + i * block_side;
      const double corner_y = -10 - shift + j * block_side;
      return std::vector<double>{c.a[at], c.f[at * 4], c.f[at * 4 + 3], corner_x, corner_y};
    };
    return l;
  }
};

const char* const a_file = "ref/poisson_a_coef.dat";
const char* const f_file = "ref/poisson_f_coef.dat";
const char* const reference_file = "ref/poisson_manyarea.dat";

Coefficients read_coefficients(const std::filesystem::path& data_dir)
{
  const auto a = reference::read_text_table((data_dir / a_file).string(), blocks);
  const auto f = reference::read_text_table((data_dir / f_file).string(), 1);
  if (a.rows != blocks || f.rows != blocks * blocks * 4)
    throw ConfigError(std::string(a_file) + " / " + f_file +
                      ": expected a 5 x 5 table and 100 values");
  return {a.values, f.values};
}

} // namespace

namespace tasks {
TaskEntry poisson2d_many_area()
{
  using namespace suite;
  TaskEntry e;
  e.name = "poisson2d_many_area";
  e.inputs = fixed_inputs(2);
  e.description = "PINNacle Poisson 2d-MS: a Δu + f = 0 on [-10, 10]² in 5 x 5 blocks, Robin";
  for (auto& key : pinnacle_point_keys(8192, 2048))
    e.keys.push_back(std::move(key));
  e.terms = {"residual", "boundary"};
  e.data_files = [](const YAML::Node&) {
    return std::vector<std::string>{reference_file, a_file, f_file};
  };
  e.data_download = reference::fetch_command("DIR");
  e.make = [](const TaskInputs& in) {
    return std::make_unique<PinnaclePoissonManyArea>(
        read_coefficients(in.data_dir), pinnacle_sampling(in.config, in.seed),
        comsol_reference_solution(in.data_dir, reference_file, reference::steady_export(2)));
  };
  return e;
}
} // namespace tasks

} // namespace pinnbench::pde
