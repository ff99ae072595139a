#pragma once
// vPINN in PINNacle's strong-form variant (spec/ropinn.md §7.4): the domain box
// is cut into elements; on each, the PDE residual R is integrated against test
// functions v_k with Gauss-Lobatto-Legendre quadrature,
//   I_{e,k} = (1 / #elements) sum_q w_q R(x_q) v_k(xi_q),
// v_{n1..nd}(xi) = prod_j (P_{n_j + 1} - P_{n_j - 1})(xi_j), n_j = 1..K, and the
// PDE term becomes mean_{e,k,output} I_{e,k}^2 (reported as "variational").
// Initial and boundary terms stay mean squares. As in PINNacle, the element
// mapping's Jacobian is not included, only the 1 / #elements factor.
#include <pinnbench/objective/Objective.hpp>

namespace pinnbench::objective {

struct VpinnSettings
{
  std::vector<int> elements{8, 8}; ///< per input coordinate
  int quadrature_points = 10;      ///< per element and coordinate
  int test_functions = 5;          ///< per coordinate
};

template <class Real>
class Vpinn final : public Objective<Real>
{
public:
  /// `domain`: the task's bounding box, one interval per input coordinate.
  Vpinn(VpinnSettings settings, std::vector<std::pair<double, double>> domain);
  std::string name() const override { return "vpinn"; }
  std::vector<pde::Term> adapt_terms(std::vector<pde::Term> terms) const override;
  std::int64_t point_alignment(const pde::Term& term) const override;
  void contribute(const pde::Term& term, double term_weight, const jet::Var<Real>& r,
                  const pde::TermContext<Real>& context,
                  std::vector<LossContribution<Real>>& out) const override;

  /// Quadrature points of every element, element after element.
  const pde::PointCloud& quadrature_points() const { return points_; }
  std::int64_t points_per_element() const { return per_element_; }
  int test_function_count() const { return functions_; }

private:
  VpinnSettings settings_;
  std::vector<std::pair<double, double>> domain_;
  pde::PointCloud points_;
  std::int64_t elements_ = 0;
  std::int64_t per_element_ = 0;
  int functions_ = 0;
  /// [points][test functions]: quadrature weight * test function / #elements.
  Kokkos::View<Real**, Kokkos::LayoutRight, MemorySpace> weights_;
};

} // namespace pinnbench::objective
