#include <cmath>
#include <map>
#include <pinnbench/core/Error.hpp>
#include <pinnbench/geometry/Sampling.hpp>
#include <pinnbench/geometry/SpaceTime.hpp>
#include <pinnbench/pde/PinnacleTask.hpp>
#include <pinnbench/reference/ComsolExport.hpp>
#include <pinnbench/suite/KeyBuilders.hpp>

namespace pinnbench::pde {

using jet::MultiIndex;

// --- conditions ---------------------------------------------------------------------

namespace {
Condition condition(std::string name, Condition::Kind kind, PointFilter where)
{
  Condition c;
  c.name = std::move(name);
  c.kind = kind;
  c.where = std::move(where);
  return c;
}
} // namespace

Condition dirichlet(std::string name, PointFilter where)
{
  return condition(std::move(name), Condition::Kind::dirichlet, std::move(where));
}

Condition neumann(std::string name, PointFilter where)
{
  return condition(std::move(name), Condition::Kind::neumann, std::move(where));
}

Condition robin(std::string name, PointFilter where)
{
  return condition(std::move(name), Condition::Kind::robin, std::move(where));
}

Condition periodic(std::string name, int axis, PointFilter where)
{
  Condition c = condition(std::move(name), Condition::Kind::periodic, std::move(where));
  c.axis = axis;
  return c;
}

Condition point_set(std::string name, PointCloud points)
{
  Condition c = condition(std::move(name), Condition::Kind::point_set, {});
  c.points = std::move(points);
  return c;
}

Condition operator_bc(std::string name, PointFilter where, std::vector<MultiIndex> derivatives)
{
  Condition c = condition(std::move(name), Condition::Kind::operator_bc, std::move(where));
  c.derivatives = std::move(derivatives);
  return c;
}

Condition initial_condition(std::string name, PointFilter where, PointValues data)
{
  Condition c = condition(std::move(name), Condition::Kind::initial, std::move(where));
  c.data = std::move(data);
  return c;
}

// --- keys ---------------------------------------------------------------------------

std::vector<suite::KeySpec> pinnacle_point_keys(std::int64_t domain, std::int64_t boundary)
{
  using namespace suite;
  return {int_key("domain_points", std::to_string(domain), 1,
                  "training points in the domain (PINNacle's count by default)"),
          int_key("boundary_points", std::to_string(boundary), 0,
                  "training points on the boundary (PINNacle's count by default)"),
          choice_key("distribution", {"hammersley", "uniform"},
                     "how training points are drawn (DeepXDE's train_distribution)")};
}

std::vector<suite::KeySpec> pinnacle_time_point_keys(std::int64_t domain, std::int64_t boundary,
                                                     std::int64_t initial)
{
  auto keys = pinnacle_point_keys(domain, boundary);
  keys.insert(keys.begin() + 2,
              suite::int_key("initial_points", std::to_string(initial), 0,
                             "training points on the initial slice t = t0 (PINNacle's count by "
                             "default)"));
  return keys;
}

ReferenceSolution comsol_reference_solution(const std::filesystem::path& data_dir,
                                            const std::string& file,
                                            const reference::ComsolLayout& layout)
{
  const auto data = reference::read_comsol_export((data_dir / file).string(), layout);
  return {data.points(), data.outputs};
}

PinnacleSampling pinnacle_sampling(const YAML::Node& config, std::uint64_t seed)
{
  PinnacleSampling s;
  s.domain = config["domain_points"].as<std::int64_t>();
  s.boundary = config["boundary_points"].as<std::int64_t>();
  if (config["initial_points"])
    s.initial = config["initial_points"].as<std::int64_t>();
  s.distribution = geometry::parse_distribution(config["distribution"].as<std::string>());
  s.seed = seed;
  return s;
}

// --- test sets ------------------------------------------------------------------------

PointCloud interior_grid(const std::vector<std::pair<double, double>>& box, std::int64_t n)
{
  const int d = static_cast<int>(box.size());
  double volume = 1.0;
  for (const auto& [lo, hi] : box)
    volume *= hi - lo;
  const double dx = std::pow(volume / static_cast<double>(n), 1.0 / d);
  std::vector<std::vector<double>> axes;
  for (const auto& [lo, hi] : box) {
    // numpy.linspace(lo, hi, ni + 1, endpoint=False)[1:]: k * step + lo.
    const auto ni = static_cast<std::int64_t>(std::ceil((hi - lo) / dx));
    const double step = (hi - lo) / static_cast<double>(ni + 1);
    std::vector<double> values;
    for (std::int64_t k = 1; k <= ni; ++k)
      values.push_back(static_cast<double>(k) * step + lo);
    axes.push_back(std::move(values));
  }
  PointCloud grid;
  grid.dimension = d;
  std::int64_t total = 1;
  for (const auto& a : axes)
    total *= static_cast<std::int64_t>(a.size());
  grid.coordinates.resize(static_cast<std::size_t>(total * d));
  // 'ij' order: the first coordinate varies slowest.
  for (std::int64_t p = 0; p < total; ++p) {
    std::int64_t rest = p;
    for (int j = d - 1; j >= 0; --j) {
      const auto size = static_cast<std::int64_t>(axes[static_cast<std::size_t>(j)].size());
      grid.coordinates[static_cast<std::size_t>(p * d + j)] =
          axes[static_cast<std::size_t>(j)][static_cast<std::size_t>(rest % size)];
      rest /= size;
    }
  }
  return grid;
}

std::vector<double> reference_values(const ReferenceSolution& reference, const PointCloud& points,
                                     int outputs)
{
  const int d = reference.points.dimension;
  std::map<std::vector<double>, std::int64_t> row_of;
  for (std::int64_t n = 0; n < reference.points.size(); ++n) {
    const auto first = reference.points.coordinates.begin() + n * d;
    row_of.emplace(std::vector<double>(first, first + d), n);
  }
  std::vector<double> values;
  values.reserve(static_cast<std::size_t>(points.size() * outputs));
  for (std::int64_t n = 0; n < points.size(); ++n) {
    const auto first = points.coordinates.begin() + n * d;
    const auto row = row_of.find(std::vector<double>(first, first + d));
    if (row == row_of.end())
      throw LogicError("the reference solution is known at the test points only");
    for (int k = 0; k < outputs; ++k)
      values.push_back(reference.values[static_cast<std::size_t>(row->second * outputs + k)]);
  }
  return values;
}

// --- the problem ------------------------------------------------------------------------

namespace {

PointCloud concatenated(int dimension, const std::vector<const PointCloud*>& parts)
{
  PointCloud all;
  all.dimension = dimension;
  for (const PointCloud* part : parts)
    all.coordinates.insert(all.coordinates.end(), part->coordinates.begin(),
                           part->coordinates.end());
  return all;
}

std::vector<MultiIndex> gradient(int dimension)
{
  std::vector<MultiIndex> units;
  for (int j = 0; j < dimension; ++j)
    units.push_back(MultiIndex::unit(j));
  return units;
}

/// values(x) at every point, [size][columns].
PointCloud values_at(const PointValues& values, const PointCloud& points)
{
  PointCloud data;
  for (std::int64_t n = 0; n < points.size(); ++n) {
    const auto row = values(points.coordinates.data() + n * points.dimension);
    data.dimension = static_cast<int>(row.size());
    data.coordinates.insert(data.coordinates.end(), row.begin(), row.end());
  }
  return data;
}

/// The geometry as space x time, or null.
const geometry::SpaceTime* space_time(const geometry::Geometry& geometry)
{
  return dynamic_cast<const geometry::SpaceTime*>(&geometry);
}

} // namespace

PinnacleProblem::PinnacleProblem(PinnacleLayout layout, PinnacleSampling sampling)
    : layout_(std::move(layout))
{
  const geometry::Geometry& geometry = *layout_.geometry;
  const int d = geometry.dimension();
  // DeepXDE draws the domain points, then the boundary points.
  geometry::UnitSampler sampler(sampling.distribution, sampling.seed);
  const PointCloud domain = geometry::sample_domain(geometry, sampling.domain, sampler);
  const PointCloud boundary =
      sampling.boundary > 0 ? geometry::sample_boundary(geometry, sampling.boundary, sampler).points
                            : PointCloud{d, {}};
  // TimePDE then draws the initial points and puts them first.
  PointCloud initial{d, {}};
  if (sampling.initial > 0) {
    const geometry::SpaceTime* domain_x_time = space_time(geometry);
    if (!domain_x_time)
      throw LogicError("task '" + layout_.name + "': initial points need a space x time geometry");
    initial = geometry::sample_initial(*domain_x_time, sampling.initial, sampler);
  }
  std::vector<const PointCloud*> parts = {&initial};
  for (const auto& condition : layout_.conditions)
    if (condition.kind == Condition::Kind::point_set)
      parts.push_back(&condition.points);
  parts.push_back(&boundary);
  parts.push_back(&domain);
  collocation_ = concatenated(d, parts);

  for (const auto& name : layout_.pde_terms) {
    Term term;
    term.name = name;
    term.kind = TermKind::pde;
    term.evaluations = {collocation_};
    term.derivatives = {layout_.pde_derivatives};
    for (const auto& axes : layout_.pde_laplacians)
      term.add_laplacian(axes);
    term.along = layout_.pde_along;
    term.point_data = pde_point_data(layout_, collocation_);
    terms_.push_back(std::move(term));
  }
  for (const auto& condition : layout_.conditions)
    terms_.push_back(condition_term(condition));
}

Term PinnacleProblem::condition_term(const Condition& condition) const
{
  const geometry::Geometry& geometry = *layout_.geometry;
  const int d = geometry.dimension();
  Term term;
  term.name = condition.name;
  term.kind = TermKind::boundary;
  if (condition.kind == Condition::Kind::point_set) {
    term.evaluations = {condition.points};
    term.derivatives = {{}};
    return term;
  }
  const geometry::SpaceTime* domain_x_time = space_time(geometry);
  const bool initial = condition.kind == Condition::Kind::initial;
  if (initial && !domain_x_time)
    throw LogicError("task '" + layout_.name + "': initial condition '" + condition.name +
                     "' needs a space x time geometry");
  PointCloud kept{d, {}};
  for (std::int64_t n = 0; n < collocation_.size(); ++n) {
    const double* x = collocation_.coordinates.data() + n * d;
    const bool on = initial ? domain_x_time->on_initial(x) : geometry.on_boundary(x);
    if (condition.where(x, on))
      kept.coordinates.insert(kept.coordinates.end(), x, x + d);
  }
  if (kept.size() == 0)
    throw ConfigError("task '" + layout_.name + "': condition '" + condition.name +
                      "' keeps none of the " + std::to_string(collocation_.size()) +
                      " training points (raise " +
                      (initial ? "initial_points" : "boundary_points") + ")");
  if (condition.data) {
    if (condition.kind == Condition::Kind::neumann || condition.kind == Condition::Kind::robin ||
        condition.kind == Condition::Kind::periodic)
      throw LogicError("condition '" + condition.name + "': per-point data on a " +
                       "Neumann, Robin or periodic condition");
    term.point_data = values_at(condition.data, kept);
  }
  switch (condition.kind) {
  case Condition::Kind::dirichlet:
    term.evaluations = {kept};
    term.derivatives = {{}};
    break;
  case Condition::Kind::initial:
    term.kind = TermKind::initial;
    term.evaluations = {kept};
    term.derivatives = {{}};
    term.fixed_coordinates = {d - 1};
    break;
  case Condition::Kind::neumann:
  case Condition::Kind::robin:
    term.point_data = {d, geometry::boundary_normals(geometry, kept)};
    term.evaluations = {kept};
    term.derivatives = {gradient(d)};
    break;
  case Condition::Kind::operator_bc:
    term.evaluations = {kept};
    term.derivatives = {condition.derivatives};
    break;
  case Condition::Kind::periodic: {
    // DeepXDE periodic_point: x_axis at one end of the box goes to the other.
    const auto box = geometry.bounding_box();
    const auto axis = static_cast<std::size_t>(condition.axis);
    PointCloud mirrored = kept;
    for (std::int64_t n = 0; n < mirrored.size(); ++n) {
      double& x = mirrored.coordinates[static_cast<std::size_t>(n * d) + axis];
      x = geometry::isclose(x, box.lower[axis]) ? box.upper[axis] : box.lower[axis];
    }
    term.evaluations = {kept, mirrored};
    term.derivatives = {{}, {}};
    break;
  }
  case Condition::Kind::point_set:
    break;
  }
  return term;
}

std::vector<Term> PinnacleProblem::test_terms(const PointCloud& points) const
{
  std::vector<Term> terms = terms_;
  const PointCloud data = pde_point_data(layout_, points);
  for (auto& term : terms)
    if (term.kind == TermKind::pde) {
      term.evaluations = {points};
      term.point_data = data;
    }
  return terms;
}

PointCloud pde_point_data(const PinnacleLayout& layout, const PointCloud& points)
{
  return layout.pde_data ? values_at(layout.pde_data, points) : PointCloud{};
}

void unknown_pinnacle_term(const std::string& task, const Term& term)
{
  throw LogicError("task '" + task + "' has no term '" + term.name + "'");
}

} // namespace pinnbench::pde
