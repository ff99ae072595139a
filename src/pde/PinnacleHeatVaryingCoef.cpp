// PINNacle Heat 2d-VC (spec/pinnacle.md §3.7): u_t - k(x, y) Δu - f = 0 on
// [0, 1]² x [0, 5] with f = A sin(m_x π x) sin(m_y π y) sin(m_t π t), u = 0 at
// t = 0 and on the edges. k is the nearest node's value of the 256 x 256 grid
// ref/heat_2d_coef_256.dat (scipy griddata "nearest"), carried as per-point
// data. Reference: the COMSOL export ref/heat_darcy.dat (983 nodes x 51 times).
#include <pinnbench/core/Math.hpp>
#include <pinnbench/geometry/Box.hpp>
#include <pinnbench/geometry/SpaceTime.hpp>
#include <pinnbench/pde/PinnacleTask.hpp>
#include <pinnbench/pde/TaskRegistry.hpp>
#include <pinnbench/reference/ComsolExport.hpp>
#include <pinnbench/reference/GridField.hpp>
#include <pinnbench/reference/PinnacleFiles.hpp>
#include <pinnbench/suite/KeyBuilders.hpp>

namespace pinnbench::pde {

namespace {

constexpr int X = 0;
constexpr int Y = 1;
constexpr int T = 2;

const char* const reference_file = "ref/heat_darcy.dat";
const char* const coefficient_file = "ref/heat_2d_coef_256.dat";

using Grid = std::shared_ptr<const reference::GridField>;

/// f = amplitude sin(m_x π x) sin(m_y π y) sin(m_t π t).
struct Source
{
  double amplitude;
  double mode_x;
  double mode_y;
  double mode_t;
};

class PinnacleHeatVaryingCoef final : public PinnacleTask<PinnacleHeatVaryingCoef>
{
public:
  PinnacleHeatVaryingCoef(const Grid& k, Source source, PinnacleSampling sampling,
                          ReferenceSolution reference)
      : PinnacleTask(layout(k), sampling, std::move(reference)), source_(source)
  {}

  template <class Real>
  jet::Var<Real> residual_of(const Term& term, const TermContext<Real>& c) const
  {
    const auto u = c.u();
    if (term.name == "residual")
      return c.d(u, T) - c.data(0) * c.laplacian(u, {X, Y}) - f(c);
    if (term.name == "initial" || term.name == "boundary")
      return u;
    unknown_pinnacle_term(name(), term);
  }

private:
  template <class Real>
  jet::Var<Real> f(const TermContext<Real>& c) const
  {
    const Real pi = math::pi<Real>;
    const auto wave = [&](double mode, int axis) {
      return jet::sin(static_cast<Real>(mode) * pi * c.coordinate(axis));
    };
    return static_cast<Real>(source_.amplitude) *
           (wave(source_.mode_x, X) * wave(source_.mode_y, Y) * wave(source_.mode_t, T));
  }

  static PinnacleLayout layout(const Grid& k)
  {
    using geometry::isclose;
    PinnacleLayout l;
    l.name = "heat2d_varying_coef";
    l.geometry = std::make_shared<geometry::SpaceTime>(
        std::make_shared<geometry::Box>(std::vector<double>{0, 0}, std::vector<double>{1, 1}), 0.0,
        5.0);
    l.coordinate_names = {"x", "y", "t"};
    l.pde_terms = {"residual"};
    l.pde_derivatives = {jet::MultiIndex::unit(T)};
    l.pde_laplacians = {{X, Y}};
    l.conditions = {
        initial_condition("initial",
                          [](const double* x, bool on) { return on && isclose(x[T], 0.0); }),
        dirichlet("boundary",
                  [](const double* x, bool on) {
                    return on && (isclose(x[X], 0.0) || isclose(x[X], 1.0) || isclose(x[Y], 0.0) ||
                                  isclose(x[Y], 1.0));
                  }),
    };
    l.pde_data = [k](const double* x) { return std::vector<double>{k->nearest(x[X], x[Y])}; };
    return l;
  }

  Source source_;
};

Grid coefficient_grid(const std::filesystem::path& data_dir)
{
  return std::make_shared<const reference::GridField>(
      reference::read_text_table((data_dir / coefficient_file).string(), 3));
}

} // namespace

namespace tasks {
TaskEntry heat2d_varying_coef()
{
  using namespace suite;
  TaskEntry e;
  e.name = "heat2d_varying_coef";
  e.inputs = fixed_inputs(3);
  e.description = "PINNacle Heat 2d-VC: u_t = k(x, y) Δu + f on [0, 1]² x [0, 5], k from a grid";
  e.keys = {real_key("amplitude", "200", any_real(),
                     "A of the source A sin(m_x πx) sin(m_y πy) sin(m_t πt)"),
            real_key("mode_x", "1", any_real(), "m_x of the source"),
            real_key("mode_y", "5", any_real(), "m_y of the source"),
            real_key("mode_t", "1", any_real(), "m_t of the source")};
  for (auto& key : pinnacle_time_point_keys(32768, 8192, 8192))
    e.keys.push_back(std::move(key));
  e.terms = {"residual", "initial", "boundary"};
  e.data_files = [](const YAML::Node&) {
    return std::vector<std::string>{reference_file, coefficient_file};
  };
  e.data_download = reference::fetch_command("DIR");
  e.make = [](const TaskInputs& in) {
    const Source source{in.config["amplitude"].as<double>(), in.config["mode_x"].as<double>(),
                        in.config["mode_y"].as<double>(), in.config["mode_t"].as<double>()};
    return std::make_unique<PinnacleHeatVaryingCoef>(
        coefficient_grid(in.data_dir), source, pinnacle_sampling(in.config, in.seed),
        comsol_reference_solution(in.data_dir, reference_file, reference::time_series_export(2)));
  };
  return e;
}
} // namespace tasks

} // namespace pinnbench::pde
