#pragma once
// Elementwise functions a jet can pass through, with their derivatives
// f(z), f'(z), ..., f^(highest)(z) at a point (what Faa di Bruno needs).
#include <pinnbench/core/FastMath.hpp>
#include <pinnbench/core/Math.hpp>
#include <pinnbench/jet/MultiIndex.hpp>
#include <string>

namespace pinnbench::jet {

/// `wave` is w1 sin z + w2 cos z with learnable scalars (PINNsFormer's WaveAct).
enum class UnaryKind
{
  tanh,
  sin,
  cos,
  sigmoid,
  silu,
  exp,
  log,
  reciprocal,
  sqrt,
  square,
  wave
};

std::string to_string(UnaryKind kind);
/// Throws pinnbench::ConfigError naming the valid choices.
UnaryKind unary_kind_from_string(const std::string& name);

/// Highest derivative any kernel asks for: order kMaxOrder forward plus one for the VJP.
inline constexpr int kMaxDerivative = kMaxOrder + 1;

namespace detail {

template <class Real>
KOKKOS_FORCEINLINE_FUNCTION void sin_derivatives(Real z, int highest, Real* d, Real scale)
{
  const Real s = math::sin(z) * scale;
  const Real c = math::cos(z) * scale;
  // sin, cos, -sin, -cos, sin, ...
  for (int k = 0; k <= highest; ++k)
    d[k] = (k % 4 == 0) ? s : (k % 4 == 1) ? c : (k % 4 == 2) ? -s : -c;
}

/// tanh's derivatives from its value s = tanh z: polynomials in s times (1 - s^2)
/// (a VJP that has the forward's output need not evaluate tanh again).
template <class Real>
KOKKOS_FORCEINLINE_FUNCTION void tanh_derivatives_at_value(Real s, int highest, Real* d)
{
  const Real s2 = s * s;
  const Real p = Real(1) - s2;
  d[0] = s;
  if (highest >= 1)
    d[1] = p;
  if (highest >= 2)
    d[2] = Real(-2) * s * p;
  if (highest >= 3)
    d[3] = Real(-2) * p * (Real(1) - Real(3) * s2);
  if (highest >= 4)
    d[4] = Real(8) * s * p * (Real(2) - Real(3) * s2);
  if (highest >= 5)
    d[5] = p * (Real(16) + s2 * (Real(-120) + Real(120) * s2));
}

/// The logistic function's derivatives from its value s: polynomials in s times
/// s (1 - s).
template <class Real>
KOKKOS_FORCEINLINE_FUNCTION void sigmoid_derivatives_at_value(Real s, int highest, Real* d)
{
  const Real q = s * (Real(1) - s);
  d[0] = s;
  if (highest >= 1)
    d[1] = q;
  if (highest >= 2)
    d[2] = q * (Real(1) - Real(2) * s);
  if (highest >= 3)
    d[3] = q * (Real(1) - Real(6) * s + Real(6) * s * s);
  if (highest >= 4)
    d[4] = q * (Real(1) + s * (Real(-14) + s * (Real(36) - Real(24) * s)));
  if (highest >= 5)
    d[5] = q * (Real(1) + s * (Real(-30) + s * (Real(150) + s * (Real(-240) + Real(120) * s))));
}

template <class Real>
KOKKOS_FORCEINLINE_FUNCTION void sigmoid_derivatives(Real z, int highest, Real* d)
{
  sigmoid_derivatives_at_value(math::fast_sigmoid(z), highest, d);
}

} // namespace detail

/// d[k] = f^(k)(z) for k = 0 .. highest (highest <= kMaxDerivative).
template <class Real>
KOKKOS_FORCEINLINE_FUNCTION void unary_derivatives(UnaryKind kind, Real z, int highest, Real* d,
                                                   Real w1 = Real(1), Real w2 = Real(1))
{
  switch (kind) {
  case UnaryKind::tanh:
    detail::tanh_derivatives_at_value(math::fast_tanh(z), highest, d);
    break;
  case UnaryKind::sin:
    detail::sin_derivatives(z, highest, d, Real(1));
    break;
  case UnaryKind::cos: {
    // cos^(k) = sin^(k+1).
    Real shifted[kMaxDerivative + 2];
    detail::sin_derivatives(z, highest + 1, shifted, Real(1));
    for (int k = 0; k <= highest; ++k)
      d[k] = shifted[k + 1];
    break;
  }
  case UnaryKind::sigmoid:
    detail::sigmoid_derivatives(z, highest, d);
    break;
  case UnaryKind::silu: {
    // (z s)^(k) = z s^(k) + k s^(k-1).
    Real s[kMaxDerivative + 1];
    detail::sigmoid_derivatives(z, highest, s);
    d[0] = z * s[0];
    for (int k = 1; k <= highest; ++k)
      d[k] = z * s[k] + Real(k) * s[k - 1];
    break;
  }
  case UnaryKind::exp: {
    const Real e = math::fast_exp(z);
    for (int k = 0; k <= highest; ++k)
      d[k] = e;
    break;
  }
  case UnaryKind::log: {
    // log^(k)(z) = (-1)^(k-1) (k-1)! / z^k.
    d[0] = math::log(z);
    const Real inverse = Real(1) / z;
    Real term = inverse;
    for (int k = 1; k <= highest; ++k) {
      d[k] = term;
      term *= -Real(k) * inverse;
    }
    break;
  }
  case UnaryKind::reciprocal: {
    // (1/z)^(k) = (-1)^k k! / z^(k+1).
    const Real inverse = Real(1) / z;
    Real term = inverse;
    for (int k = 0; k <= highest; ++k) {
      d[k] = term;
      term *= -Real(k + 1) * inverse;
    }
    break;
  }
  case UnaryKind::sqrt: {
    // (z^(1/2))^(k) = (1/2)(1/2 - 1)...(1/2 - k + 1) z^(1/2 - k).
    const Real root = math::sqrt(z);
    const Real inverse = Real(1) / z;
    Real term = root;
    for (int k = 0; k <= highest; ++k) {
      d[k] = term;
      term *= (Real(0.5) - Real(k)) * inverse;
    }
    break;
  }
  case UnaryKind::square:
    d[0] = z * z;
    for (int k = 1; k <= highest; ++k)
      d[k] = k == 1 ? Real(2) * z : k == 2 ? Real(2) : Real(0);
    break;
  case UnaryKind::wave: {
    // w1 sin z + w2 cos z; its k-th derivative is the wave at z + k pi/2, i.e.
    // (w1 s + w2 c, w1 c - w2 s, -(w1 s + w2 c), ...). The vectorisable sincos:
    // WaveAct layers are wide (PINNsFormer's 512) and libm's was their main cost.
    Real s, c;
    math::fast_sincos(z, s, c);
    const Real even = w1 * s + w2 * c;
    const Real odd = w1 * c - w2 * s;
    for (int k = 0; k <= highest; ++k)
      d[k] = (k % 4 == 0) ? even : (k % 4 == 1) ? odd : (k % 4 == 2) ? -even : -odd;
    break;
  }
  }
}

} // namespace pinnbench::jet
