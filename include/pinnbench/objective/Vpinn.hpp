#pragma once
// vPINN in PINNacle's strong-form variant (spec/ropinn.md §7.4): the domain's
// bounding box is cut into elements; on each, the PDE residual R is integrated
// against test functions v_k with Gauss-Lobatto-Legendre quadrature,
//   I_{e,k} = (1 / #elements) sum_q w_q R(x_q) v_k(xi_q),
// v_{n1..nd}(xi) = prod_j (P_{n_j + 1} - P_{n_j - 1})(xi_j), n_j = 1..K, and the
// PDE term becomes mean_{e,k,output} I_{e,k}^2 (reported as "variational").
// Initial and boundary terms stay mean squares. As in PINNacle, the element
// mapping's Jacobian is not included, only the 1 / #elements factor.
//
// Any number of inputs: the rule is the tensor product over all of them. Every
// test function vanishes where a coordinate sits on an element face (xi = +-1),
// so the GLL end nodes add exactly zero and are not evaluated: an element has
// (Q - 2)^d quadrature points. Domains that are not boxes are covered as
// PINNacle's vPINN covers them: elements tile the bounding box and the residual
// is integrated over all of it, holes included (its coefficients evaluated
// wherever a quadrature point lies).
//
// Pseudo-sequence models (PINNsFormer): every token is a residual of its own
// (as in the mean-square loss, which averages over all tokens), so each token
// is integrated separately: mean over elements, test functions and tokens.
#include <optional>
#include <pinnbench/objective/Objective.hpp>

namespace pinnbench::objective {

struct VpinnSettings
{
  std::vector<int> elements{8, 8}; ///< per input coordinate
  int quadrature_points = 10;      ///< GLL nodes per element and coordinate, end nodes included
  int test_functions = 5;          ///< per coordinate
};

/// The defaults for a task with `inputs` input coordinates (docs/suites.md):
/// PINNacle's Q = 10, K = 5 up to three inputs ([8, 8], [4, 4, 4]), then fewer
/// nodes and test functions per coordinate so that the evaluated points stay
/// near PINNacle's domain-point budget (~2^15) instead of growing as 8^d.
VpinnSettings vpinn_defaults(int inputs);

template <class Real>
class Vpinn final : public Objective<Real>
{
public:
  /// `domain`: the task's bounding box, one interval per input coordinate. For
  /// tasks whose PDE terms carry no per-point coefficients.
  Vpinn(VpinnSettings settings, std::vector<std::pair<double, double>> domain);
  /// The task's bounding box, and its PDE coefficients at the quadrature points.
  Vpinn(VpinnSettings settings, const pde::Task& task);
  std::string name() const override { return "vpinn"; }
  std::vector<pde::Term> adapt_terms(std::vector<pde::Term> terms) const override;
  std::int64_t point_alignment(const pde::Term& term) const override;
  void contribute(const pde::Term& term, double term_weight, const jet::Var<Real>& r,
                  const pde::TermContext<Real>& context,
                  std::vector<LossContribution<Real>>& out) const override;

  /// Quadrature points of every element, element after element.
  const pde::PointCloud& quadrature_points() const { return points_; }
  std::int64_t points_per_element() const { return per_element_; }
  std::int64_t element_count() const { return elements_; }
  int test_function_count() const { return functions_; }

private:
  VpinnSettings settings_;
  std::vector<std::pair<double, double>> domain_;
  pde::PointCloud points_;
  /// The PDE terms' per-point coefficients at points_ (empty: they have none);
  /// nullopt when the task cannot evaluate them there.
  std::optional<pde::PointCloud> point_data_;
  std::string task_name_;
  std::int64_t elements_ = 0;
  std::int64_t per_element_ = 0;
  int functions_ = 0;
  /// [points][test functions]: quadrature weight * test function / #elements.
  Kokkos::View<Real**, Kokkos::LayoutRight, MemorySpace> weights_;
};

} // namespace pinnbench::objective
