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

template <class Real>
Vpinn<Real>::Vpinn(VpinnSettings settings, std::vector<std::pair<double, double>> domain)
    : settings_(std::move(settings)), domain_(std::move(domain))
{
  const int dimension = static_cast<int>(domain_.size());
  if (static_cast<int>(settings_.elements.size()) != dimension)
    throw ConfigError("vpinn.elements needs one count per input coordinate (" +
                      std::to_string(dimension) + ")");
  const auto rule = gauss_lobatto_legendre(settings_.quadrature_points);
  const int q = settings_.quadrature_points;
  const int k = settings_.test_functions;
  elements_ = 1;
  per_element_ = 1;
  functions_ = 1;
  for (int j = 0; j < dimension; ++j) {
    elements_ *= settings_.elements[static_cast<std::size_t>(j)];
    per_element_ *= q;
    functions_ *= k;
  }
  points_.dimension = dimension;
  points_.coordinates.reserve(static_cast<std::size_t>(elements_ * per_element_ * dimension));
  auto host = Kokkos::View<Real**, Kokkos::LayoutRight, Kokkos::HostSpace>(
      "pinnbench::vpinn::weights_host", static_cast<std::size_t>(elements_ * per_element_),
      static_cast<std::size_t>(functions_));
  const std::vector<int> quadrature_radix(static_cast<std::size_t>(dimension), q);
  const std::vector<int> function_radix(static_cast<std::size_t>(dimension), k);
  std::int64_t row = 0;
  for (std::int64_t e = 0; e < elements_; ++e) {
    const auto cell = digits(e, settings_.elements);
    for (std::int64_t p = 0; p < per_element_; ++p, ++row) {
      const auto node = digits(p, quadrature_radix);
      double weight = 1.0 / static_cast<double>(elements_);
      for (int j = 0; j < dimension; ++j) {
        const auto [lo, hi] = domain_[static_cast<std::size_t>(j)];
        const double length = (hi - lo) / settings_.elements[static_cast<std::size_t>(j)];
        const double xi = rule.nodes[static_cast<std::size_t>(node[static_cast<std::size_t>(j)])];
        points_.coordinates.push_back(lo + cell[static_cast<std::size_t>(j)] * length +
                                      0.5 * (xi + 1.0) * length);
        weight *= rule.weights[static_cast<std::size_t>(node[static_cast<std::size_t>(j)])];
      }
      for (int f = 0; f < functions_; ++f) {
        const auto orders = digits(f, function_radix);
        double v = 1.0;
        for (int j = 0; j < dimension; ++j)
          v *= legendre_test_function(
              orders[static_cast<std::size_t>(j)] + 1,
              rule.nodes[static_cast<std::size_t>(node[static_cast<std::size_t>(j)])]);
        host(row, f) = static_cast<Real>(weight * v);
      }
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
  const auto first = static_cast<std::size_t>(context.first_point());
  const auto rows = std::make_pair(first, first + static_cast<std::size_t>(value.points()));
  const auto weights = Kokkos::subview(weights_, rows, Kokkos::ALL);
  auto& tape = r.tape();
  const int integrals = tape.segment_project(r.id(), weights, static_cast<int>(per_element_));
  // The loss function divides by the term's point count (elements * points per
  // element); the mean is over elements * test functions * outputs.
  const double inner =
      static_cast<double>(per_element_) / (static_cast<double>(functions_) * value.features());
  out.push_back({term.reported(), tape.sum_squares(integrals), inner});
}

template class Vpinn<float>;
template class Vpinn<double>;

} // namespace pinnbench::objective
