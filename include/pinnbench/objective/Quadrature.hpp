#pragma once
// Gauss-Lobatto-Legendre quadrature and Legendre polynomials, for vPINN's
// element integrals (spec/ropinn.md §7.4).
#include <vector>

namespace pinnbench::objective {

/// P_n(x) by the three-term recurrence.
double legendre(int n, double x);

struct QuadratureRule
{
  std::vector<double> nodes;   ///< on [-1, 1], increasing
  std::vector<double> weights; ///< sum to 2
};

/// Q >= 2 Gauss-Lobatto-Legendre points: the endpoints and the roots of
/// P'_{Q-1}; exact for polynomials of degree <= 2Q - 3.
QuadratureRule gauss_lobatto_legendre(int points);

/// vPINN's test function n >= 1 on the reference interval: P_{n+1} - P_{n-1},
/// which vanishes at -1 and 1.
double legendre_test_function(int n, double x);

} // namespace pinnbench::objective
