#pragma once
// PINNacle-style tasks on DeepXDE's semantics (spec/pinnacle.md §2):
//  - training points: domain and boundary samples of the geometry (Hammersley
//    by default), plus the points of point-set conditions as anchors; DeepXDE's
//    train_x_all = [anchors; boundary; domain];
//  - every PDE residual component is a loss term on ALL those points;
//  - every condition keeps the training points its filter accepts,
//    filter(x, on_boundary(x)), or its own points (point set), or the filtered
//    points paired with their mirror images (periodic);
//  - loss order: the PDE components, then the conditions as declared.
// On a space x time geometry (TimePDE), initial points on t = t0 come first:
// train_x_all = [initial; anchors; boundary; domain], and initial conditions
// filter with on_initial(x) in place of on_boundary(x).
// A concrete task declares its geometry, outputs, PDE terms and conditions in a
// PinnacleLayout and writes each residual as one line of math in residual_of():
//
//   if (term.name == "residual") return c.laplacian(c.u(), {0, 1});
//   if (term.name == "boundary_outer") return c.u() - Real(1);
//   if (term.name == "neumann") return c.normal_derivative(c.u(), 3);
//
// Neumann and Robin terms carry the outward unit normals of the computational
// domain as per-point data (TermContext::data / normal_derivative).
#include <filesystem>
#include <functional>
#include <memory>
#include <pinnbench/geometry/Geometry.hpp>
#include <pinnbench/geometry/UnitSampler.hpp>
#include <pinnbench/pde/Task.hpp>
#include <pinnbench/suite/Schema.hpp>
#include <string>
#include <vector>
#include <yaml-cpp/yaml.h>

namespace pinnbench::reference {
struct ComsolLayout;
}

namespace pinnbench::pde {

/// DeepXDE's BC filter: on_boundary(x, on) with on = geometry.on_boundary(x)
/// (for initial conditions: on_initial(x, on) with on = on_initial(x)).
using PointFilter = std::function<bool(const double* x, bool on_boundary)>;
/// Values at a point that a residual reads as per-point data (c.data(j)).
using PointValues = std::function<std::vector<double>(const double* x)>;

/// One condition (a DeepXDE BC) and the loss term it becomes.
struct Condition
{
  enum class Kind
  {
    dirichlet,   ///< residual u_c - g(x): reads values
    neumann,     ///< n . grad u_c - g(x): reads first derivatives and the normals
    robin,       ///< n . grad u_c - g(x, u): as Neumann
    periodic,    ///< u_c(x) - u_c(mirror(x)): two evaluations
    point_set,   ///< u_c(p) - value at its own points
    operator_bc, ///< any expression of u and its declared derivatives
    initial,     ///< u_c(x, t0) - g(x) on the points on_initial keeps (DeepXDE IC)
  };
  std::string name;
  Kind kind = Kind::dirichlet;
  PointFilter where;                        ///< all kinds but point_set
  std::vector<jet::MultiIndex> derivatives; ///< operator_bc: what the residual reads
  PointCloud points;                        ///< point_set
  int axis = -1;                            ///< periodic: the mirrored coordinate
  /// Per-point values of g (dirichlet, initial and operator kinds),
  /// read as c.data(j): e.g. an initial state interpolated from a grid.
  PointValues data;
};

Condition dirichlet(std::string name, PointFilter where);
Condition neumann(std::string name, PointFilter where);
Condition robin(std::string name, PointFilter where);
/// Pairs each filtered point with its mirror across the geometry's bounding
/// box along `axis` (DeepXDE periodic_point).
Condition periodic(std::string name, int axis, PointFilter where);
Condition point_set(std::string name, PointCloud points);
Condition operator_bc(std::string name, PointFilter where,
                      std::vector<jet::MultiIndex> derivatives);
/// An initial condition on a space x time geometry; `where` sees on_initial.
Condition initial_condition(std::string name, PointFilter where, PointValues data = {});

/// What a concrete PINNacle task declares.
struct PinnacleLayout
{
  std::string name;
  geometry::GeometryPtr geometry;
  std::vector<std::string> coordinate_names;
  int outputs = 1;
  std::vector<std::string> pde_terms;           ///< one loss term per PDE component
  std::vector<jet::MultiIndex> pde_derivatives; ///< what the PDE residuals read
  /// Laplacians the PDE residuals read through c.laplacian(v, axes), one axis list
  /// each: declared here (not as d_jj in pde_derivatives) so that the loss may carry
  /// each as one collapsed jet component.
  std::vector<std::vector<int>> pde_laplacians;
  /// Directions the PDE residuals differentiate along (Term::along), read through
  /// c.along(); empty when they read none.
  DirectionalReads pde_along;
  std::vector<Condition> conditions; ///< in loss order
  /// Per-point coefficients of the PDE terms, read as c.data(j) (piecewise
  /// fields; at most 6 values per point); empty when the PDE has none.
  std::function<std::vector<double>(const double* x)> pde_data;
};

/// layout.pde_data at every point, [size][columns].
PointCloud pde_point_data(const PinnacleLayout& layout, const PointCloud& points);

/// Training point counts and how they are drawn (the keys of every PINNacle task).
struct PinnacleSampling
{
  std::int64_t domain = 8192;
  std::int64_t boundary = 2048;
  std::int64_t initial = 0; ///< on t = t0; space x time geometries only
  geometry::Distribution distribution = geometry::Distribution::hammersley;
  std::uint64_t seed = 0;
};

/// The keys `domain_points`, `boundary_points`, `distribution`, with the task's
/// default counts (PINNacle's, spec §1).
std::vector<suite::KeySpec> pinnacle_point_keys(std::int64_t domain, std::int64_t boundary);
/// The same and `initial_points` (time-dependent tasks).
std::vector<suite::KeySpec> pinnacle_time_point_keys(std::int64_t domain, std::int64_t boundary,
                                                     std::int64_t initial);
/// Reads the keys of either; `initial_points` when present.
PinnacleSampling pinnacle_sampling(const YAML::Node& config, std::uint64_t seed);

/// The test set and the reference values on it, [size][outputs].
struct ReferenceSolution
{
  PointCloud points;
  std::vector<double> values;
};

/// The reference of a task whose solution PINNacle gives as a COMSOL export,
/// `file` (ref/...) under `data_dir`: one reader for all those tasks.
ReferenceSolution comsol_reference_solution(const std::filesystem::path& data_dir,
                                            const std::string& file,
                                            const reference::ComsolLayout& layout);

/// DeepXDE's Hypercube.uniform_points(n, boundary=False) on a box: per axis
/// ceil(side / dx) interior points, dx = (volume / n)^(1/d), 'ij' order.
PointCloud interior_grid(const std::vector<std::pair<double, double>>& box, std::int64_t n);

/// The training terms of a layout (and the per-condition point sets), built once.
class PinnacleProblem
{
public:
  PinnacleProblem(PinnacleLayout layout, PinnacleSampling sampling);

  const PinnacleLayout& layout() const { return layout_; }
  /// [initial; anchors; boundary; domain]: where every PDE term is evaluated.
  const PointCloud& collocation_points() const { return collocation_; }
  std::vector<Term> training_terms() const { return terms_; }
  /// The PDE terms on `points`, the conditions on their training points
  /// (DeepXDE's test loss keeps the training BC points).
  std::vector<Term> test_terms(const PointCloud& points) const;

private:
  Term condition_term(const Condition& condition) const;

  PinnacleLayout layout_;
  PointCloud collocation_;
  std::vector<Term> terms_;
};

/// Base of the PINNacle tasks: Derived provides residual_of<Real>(term, c).
template <class Derived>
class PinnacleTask : public TaskWithResidual<Derived>
{
public:
  PinnacleTask(PinnacleLayout layout, PinnacleSampling sampling, ReferenceSolution reference)
      : problem_(std::move(layout), sampling), reference_(std::move(reference))
  {}

  std::string name() const override { return problem_.layout().name; }
  int dimension() const override { return problem_.layout().geometry->dimension(); }
  int outputs() const override { return problem_.layout().outputs; }
  std::vector<std::string> coordinate_names() const override
  {
    return problem_.layout().coordinate_names;
  }
  std::vector<std::pair<double, double>> domain() const override
  {
    const auto box = problem_.layout().geometry->bounding_box();
    std::vector<std::pair<double, double>> ranges;
    for (std::size_t j = 0; j < box.lower.size(); ++j)
      ranges.emplace_back(box.lower[j], box.upper[j]);
    return ranges;
  }
  std::vector<Term> training_terms() const override { return problem_.training_terms(); }
  std::vector<Term> test_terms() const override { return problem_.test_terms(reference_.points); }
  PointCloud test_points() const override { return reference_.points; }
  std::vector<double> reference(const PointCloud& points) const override
  {
    return reference_values(reference_, points, outputs());
  }

  std::optional<PointCloud> pde_data_at(const PointCloud& points) const override
  {
    return pde_point_data(problem_.layout(), points);
  }

  const PinnacleProblem& problem() const { return problem_; }

private:
  PinnacleProblem problem_;
  ReferenceSolution reference_;
};

/// The reference values at `points`, which must be test points (looked up by
/// their exact coordinates).
std::vector<double> reference_values(const ReferenceSolution& reference, const PointCloud& points,
                                     int outputs);

/// LogicError for a term the task does not have.
[[noreturn]] void unknown_pinnacle_term(const std::string& task, const Term& term);

} // namespace pinnbench::pde
