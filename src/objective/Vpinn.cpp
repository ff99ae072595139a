#include <algorithm>
#include <pinnbench/core/Error.hpp>
#include <pinnbench/objective/Quadrature.hpp>
#include <pinnbench/objective/Vpinn.hpp>

namespace pinnbench::objective {

namespace {
/// Mixed-radix digits of `index` with base `radix` per position (first fastest).
std::vector<int> digits(std::int64_t index, const std::vector<int>& radix)
{
  std::vector<int> result(radix.size());
  for (std::size_t j = 0; j < radix.size(); ++j) {
    result[j] = static_cast<int>(index % radix[j]);
    index /= radix[j];
  }
  return result;
}
} // namespace

VpinnSettings vpinn_defaults(int inputs)
{
  // Evaluated points per element: (Q - 2)^d. PINNacle's grids are [8, 8] and
  // [4, 4, 4] (to [8, 8, 8]) with Q = 10, K = 5; in more dimensions the tensor
  // rule is thinned: 4-D 4^4 x 3^4 = 20736 points, 5-D 4^5 x 2^5 = 32768,
  // 6-D 3^6 x 2^6 = 46656 (Q = 4: two interior nodes, exact to degree 5 per
  // coordinate; K = 2: test functions of degrees 2 and 3).
  VpinnSettings s;
  const auto d = static_cast<std::size_t>(std::max(inputs, 1));
  if (inputs <= 2)
    s = {std::vector<int>(d, 8), 10, 5};
  else if (inputs == 3)
    s = {std::vector<int>(d, 4), 10, 5};
  else if (inputs == 4)
    s = {std::vector<int>(d, 4), 5, 3};
  else if (inputs == 5)
    s = {std::vector<int>(d, 4), 4, 2};
  else if (inputs == 6)
    s = {std::vector<int>(d, 3), 4, 2};
  else
    s = {std::vector<int>(d, 2), 3, 1};
  return s;
}

template <class Real>
Vpinn<Real>::Vpinn(VpinnSettings settings, const pde::Task& task)
    : Vpinn(std::move(settings), task.domain())
{
  task_name_ = task.name();
  point_data_ = task.pde_data_at(points_);
}

template <class Real>
Vpinn<Real>::Vpinn(VpinnSettings settings, std::vector<std::pair<double, double>> domain)
    : settings_(std::move(settings)), domain_(std::move(domain))
{
  const int dimension = static_cast<int>(domain_.size());
  if (static_cast<int>(settings_.elements.size()) != dimension)
    throw ConfigError("vpinn.elements needs one count per input coordinate (" +
                      std::to_string(dimension) + "), got " +
                      std::to_string(settings_.elements.size()));
  const int q = settings_.quadrature_points;
  if (q < 3)
    throw ConfigError("vpinn.quadrature_points must be at least 3 (the two end nodes carry "
                      "no weight: every test function vanishes there)");
  const auto rule = gauss_lobatto_legendre(q);
  const int inner = q - 2; // interior nodes 1 .. q - 2
  const int k = settings_.test_functions;
  elements_ = 1;
  per_element_ = 1;
  functions_ = 1;
  for (int j = 0; j < dimension; ++j) {
    elements_ *= settings_.elements[static_cast<std::size_t>(j)];
    per_element_ *= inner;
    functions_ *= k;
  }
  points_.dimension = dimension;
  points_.coordinates.reserve(static_cast<std::size_t>(elements_ * per_element_ * dimension));
  auto host = Kokkos::View<Real**, Kokkos::LayoutRight, Kokkos::HostSpace>(
      "pinnbench::vpinn::weights_host", static_cast<std::size_t>(elements_ * per_element_),
      static_cast<std::size_t>(functions_));
  // The weights and test functions of an element's nodes are the same in every element.
  const std::vector<int> node_radix(static_cast<std::size_t>(dimension), inner);
  const std::vector<int> function_radix(static_cast<std::size_t>(dimension), k);
  std::vector<std::vector<int>> nodes;
  std::vector<std::vector<double>> node_weights;
  for (std::int64_t p = 0; p < per_element_; ++p) {
    auto node = digits(p, node_radix);
    for (auto& n : node)
      ++n; // skip the end node -1
    std::vector<double> row(static_cast<std::size_t>(functions_));
    double weight = 1.0 / static_cast<double>(elements_);
    for (int j = 0; j < dimension; ++j)
      weight *= rule.weights[static_cast<std::size_t>(node[static_cast<std::size_t>(j)])];
    for (int f = 0; f < functions_; ++f) {
      const auto orders = digits(f, function_radix);
      double v = weight;
      for (int j = 0; j < dimension; ++j)
        v *= legendre_test_function(
            orders[static_cast<std::size_t>(j)] + 1,
            rule.nodes[static_cast<std::size_t>(node[static_cast<std::size_t>(j)])]);
      row[static_cast<std::size_t>(f)] = v;
    }
    nodes.push_back(std::move(node));
    node_weights.push_back(std::move(row));
  }
  std::int64_t index = 0;
  for (std::int64_t e = 0; e < elements_; ++e) {
    const auto cell = digits(e, settings_.elements);
    for (std::int64_t p = 0; p < per_element_; ++p, ++index) {
      const auto& node = nodes[static_cast<std::size_t>(p)];
      for (int j = 0; j < dimension; ++j) {
        const auto [lo, hi] = domain_[static_cast<std::size_t>(j)];
        const double length = (hi - lo) / settings_.elements[static_cast<std::size_t>(j)];
        const double xi = rule.nodes[static_cast<std::size_t>(node[static_cast<std::size_t>(j)])];
        points_.coordinates.push_back(lo + cell[static_cast<std::size_t>(j)] * length +
                                      0.5 * (xi + 1.0) * length);
      }
      for (int f = 0; f < functions_; ++f)
        host(index, f) = static_cast<Real>(
            node_weights[static_cast<std::size_t>(p)][static_cast<std::size_t>(f)]);
    }
  }
  weights_ = Kokkos::create_mirror_view_and_copy(MemorySpace(), host);
}

template <class Real>
std::vector<pde::Term> Vpinn<Real>::adapt_terms(std::vector<pde::Term> terms) const
{
  for (auto& term : terms)
    if (term.kind == pde::TermKind::pde) {
      if (term.evaluations.size() != 1)
        throw LogicError("vPINN needs a PDE term with a single evaluation");
      term.evaluations.front() = points_;
      term.reported_name = "variational";
      // Piecewise / per-point coefficients: evaluated at every quadrature point.
      if (term.point_data.size() > 0) {
        if (!point_data_ || point_data_->size() != points_.size())
          throw NotImplementedError("vPINN on task '" + task_name_ + "': term '" + term.name +
                                    "' has per-point coefficients that the task cannot "
                                    "evaluate at the quadrature points");
        term.point_data = *point_data_;
      }
    }
  return terms;
}

template <class Real>
std::int64_t Vpinn<Real>::point_alignment(const pde::Term& term) const
{
  return term.kind == pde::TermKind::pde ? per_element_ : 1;
}

template <class Real>
void Vpinn<Real>::contribute(const pde::Term& term, double term_weight, const jet::Var<Real>& r,
                             const pde::TermContext<Real>& context,
                             std::vector<LossContribution<Real>>& out) const
{
  if (term.kind != pde::TermKind::pde) {
    Objective<Real>::contribute(term, term_weight, r, context, out);
    return;
  }
  const auto value = r.value();
  auto& tape = r.tape();
  auto residual = r.id();
  const int tokens = context.tokens();
  if (tokens > 1) {
    // Token rows [N k][1] -> [N][k]: each token a feature of its point, projected separately.
    if (value.features() != 1)
      throw LogicError("vPINN with a pseudo-sequence model needs one-feature residuals");
    residual = tape.regroup(residual, tokens);
  }
  const auto first = static_cast<std::size_t>(context.first_point() / tokens);
  const auto rows =
      std::make_pair(first, first + static_cast<std::size_t>(value.points() / tokens));
  const auto weights = Kokkos::subview(weights_, rows, Kokkos::ALL);
  const int integrals = tape.segment_project(residual, weights, static_cast<int>(per_element_));
  // The loss function divides by the term's row count (elements * points per
  // element * tokens); the mean is over elements * test functions * tokens * outputs.
  const double inner =
      static_cast<double>(per_element_) / (static_cast<double>(functions_) * value.features());
  out.push_back({term.reported(), tape.sum_squares(integrals), inner});
}

template class Vpinn<float>;
template class Vpinn<double>;

} // namespace pinnbench::objective
