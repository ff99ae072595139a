#include <cmath>
#include <pinnbench/core/Error.hpp>
#include <pinnbench/core/Math.hpp>
#include <pinnbench/objective/Quadrature.hpp>

namespace pinnbench::objective {

double legendre(int n, double x)
{
  if (n == 0)
    return 1.0;
  double previous = 1.0, current = x;
  for (int k = 2; k <= n; ++k) {
    const double next = ((2.0 * k - 1.0) * x * current - (k - 1.0) * previous) / k;
    previous = current;
    current = next;
  }
  return current;
}

namespace {
/// P'_n(x) = n (x P_n - P_{n-1}) / (x^2 - 1) inside (-1, 1).
double legendre_derivative(int n, double x)
{
  return n * (x * legendre(n, x) - legendre(n - 1, x)) / (x * x - 1.0);
}
/// P''_n from the Legendre ODE: (1 - x^2) P'' = 2x P' - n(n + 1) P.
double legendre_second_derivative(int n, double x)
{
  return (2.0 * x * legendre_derivative(n, x) - n * (n + 1.0) * legendre(n, x)) / (1.0 - x * x);
}
} // namespace

QuadratureRule gauss_lobatto_legendre(int points)
{
  if (points < 2)
    throw ConfigError("Gauss-Lobatto-Legendre quadrature needs at least 2 points");
  const int n = points - 1;
  QuadratureRule rule;
  rule.nodes.resize(static_cast<std::size_t>(points));
  rule.weights.resize(static_cast<std::size_t>(points));
  rule.nodes.front() = -1.0;
  rule.nodes.back() = 1.0;
  // Interior nodes: roots of P'_n by Newton from the Chebyshev-Gauss-Lobatto points.
  for (int i = 1; i < n; ++i) {
    double x = -std::cos(math::pi<double> * i / n);
    for (int iteration = 0; iteration < 100; ++iteration) {
      const double step = legendre_derivative(n, x) / legendre_second_derivative(n, x);
      x -= step;
      if (std::fabs(step) < 1e-16)
        break;
    }
    rule.nodes[static_cast<std::size_t>(i)] = x;
  }
  for (int i = 0; i <= n; ++i) {
    const double p = legendre(n, rule.nodes[static_cast<std::size_t>(i)]);
    rule.weights[static_cast<std::size_t>(i)] = 2.0 / (n * (n + 1.0) * p * p);
  }
  return rule;
}

double legendre_test_function(int n, double x)
{
  return legendre(n + 1, x) - legendre(n - 1, x);
}

} // namespace pinnbench::objective
