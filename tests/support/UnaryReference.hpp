#pragma once
// Every unary function in long double, the oracle the derivative tests
// differentiate numerically. The wave activation uses w1 = 0.7, w2 = -1.3.
#include <cmath>
#include <pinnbench/jet/UnaryFunction.hpp>

namespace pinnbench::test {

inline long double unary_reference(jet::UnaryKind kind, long double z)
{
  const long double w1 = 0.7L, w2 = -1.3L;
  switch (kind) {
  case jet::UnaryKind::tanh:
    return std::tanh(z);
  case jet::UnaryKind::sin:
    return std::sin(z);
  case jet::UnaryKind::cos:
    return std::cos(z);
  case jet::UnaryKind::sigmoid:
    return 1 / (1 + std::exp(-z));
  case jet::UnaryKind::silu:
    return z / (1 + std::exp(-z));
  case jet::UnaryKind::exp:
    return std::exp(z);
  case jet::UnaryKind::log:
    return std::log(z);
  case jet::UnaryKind::reciprocal:
    return 1 / z;
  case jet::UnaryKind::sqrt:
    return std::sqrt(z);
  case jet::UnaryKind::square:
    return z * z;
  case jet::UnaryKind::wave:
    return w1 * std::sin(z) + w2 * std::cos(z);
  }
  return 0;
}

/// Functions defined only for positive arguments.
inline bool positive_domain(jet::UnaryKind kind)
{
  return kind == jet::UnaryKind::log || kind == jet::UnaryKind::sqrt ||
         kind == jet::UnaryKind::reciprocal;
}

} // namespace pinnbench::test
