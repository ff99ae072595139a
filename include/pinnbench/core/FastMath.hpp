#pragma once
// Branch-free exp, tanh and sigmoid that compilers can vectorise.
//
// Why: glibc's scalar tanh costs ~18 ns per element on the build machine, which
// alone would make the activation kernels slower than the GEMMs they sit between.
// These versions are plain arithmetic (Cody-Waite reduction, polynomials, exponent
// bit construction), so a loop over features vectorises and the same code runs on
// GPUs. Accuracy: a few ulp relative for exp; tanh and sigmoid a few ulp relative
// as well (tanh uses its Taylor series below |z| = 1/4, where 1 - e^{-2|z|}
// would cancel). NaN propagates, so divergence detection still sees it.
#include <Kokkos_Core.hpp>
#include <cstdint>
#include <cstring>

namespace pinnbench::math {

namespace detail {

template <class To, class From>
KOKKOS_INLINE_FUNCTION To bit_cast(const From& from)
{
  static_assert(sizeof(To) == sizeof(From), "bit_cast between types of different size");
  To to;
  std::memcpy(&to, &from, sizeof(To));
  return to;
}

template <class Real>
struct ExpConstants;

template <>
struct ExpConstants<double>
{
  static constexpr double log2e = 1.4426950408889634074;
  // ln 2 split so k * ln2_hi is exact for |k| < 2^11 (fdlibm's split).
  static constexpr double ln2_hi = 6.93147180369123816490e-01;
  static constexpr double ln2_lo = 1.90821492927058770002e-10;
  // 1.5 * 2^52: adding it rounds to an integer held in the low mantissa bits.
  static constexpr double round_magic = 6755399441055744.0;
  static constexpr std::int64_t magic_bits = 0x4338000000000000LL;
  static constexpr double max_argument = 709.0;
  static constexpr double min_argument = -708.0;
};

template <>
struct ExpConstants<float>
{
  static constexpr float log2e = 1.44269504088896341f;
  static constexpr float ln2_hi = 0.693145751953125f;
  static constexpr float ln2_lo = 1.428606765330187045e-06f;
  static constexpr float round_magic = 12582912.0f; // 1.5 * 2^23
  static constexpr std::int32_t magic_bits = 0x4B400000;
  static constexpr float max_argument = 88.0f;
  static constexpr float min_argument = -87.0f;
};

// exp(r) for |r| <= ln2 / 2 by Taylor polynomial in Horner form.
KOKKOS_INLINE_FUNCTION double exp_reduced(double r)
{
  double p = 1.0 / 6227020800.0; // 1/13!
  p = p * r + 1.0 / 479001600.0;
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  return p * r + 1.0;
}

KOKKOS_INLINE_FUNCTION float exp_reduced(float r)
{
  float p = 1.0f / 40320.0f;
  p = p * r + 1.0f / 5040.0f;
  p = p * r + 1.0f / 720.0f;
  p = p * r + 1.0f / 120.0f;
  p = p * r + 1.0f / 24.0f;
  p = p * r + 1.0f / 6.0f;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  return p * r + 1.0f;
}

KOKKOS_INLINE_FUNCTION double pow2(double rounded_plus_magic)
{
  using C = ExpConstants<double>;
  const std::int64_t k = bit_cast<std::int64_t>(rounded_plus_magic) - C::magic_bits;
  return bit_cast<double>((k + 1023) << 52);
}

KOKKOS_INLINE_FUNCTION float pow2(float rounded_plus_magic)
{
  using C = ExpConstants<float>;
  const std::int32_t k = bit_cast<std::int32_t>(rounded_plus_magic) - C::magic_bits;
  return bit_cast<float>((k + 127) << 23);
}

} // namespace detail

/// e^x. Results below ~1e-308 (1e-38 in float) are flushed to that bound and
/// above ~8e307 (1.6e38) saturate there: PINN activations never get near either.
template <class Real>
KOKKOS_INLINE_FUNCTION Real fast_exp(Real x)
{
  using C = detail::ExpConstants<Real>;
  Real clamped = x > C::max_argument ? C::max_argument : x;
  clamped = clamped < C::min_argument ? C::min_argument : clamped;
  clamped = (x == x) ? clamped : Real(0); // keep the bit tricks defined for NaN
  const Real shifted = clamped * C::log2e + C::round_magic;
  const Real k = shifted - C::round_magic;
  const Real r = (clamped - k * C::ln2_hi) - k * C::ln2_lo;
  const Real result = detail::exp_reduced(r) * detail::pow2(shifted);
  return (x == x) ? result : x;
}

/// tanh(x), accurate to a few ulp relative everywhere.
template <class Real>
KOKKOS_INLINE_FUNCTION Real fast_tanh(Real x)
{
  const Real ax = x < Real(0) ? -x : x;
  // Large |x|: (1 - e) / (1 + e) with e = exp(-2|x|) has no cancellation.
  const Real e = fast_exp(Real(-2) * ax);
  const Real large = (Real(1) - e) / (Real(1) + e);
  // Small |x|: odd Taylor series (tangent numbers), 11 terms reach double precision at 1/4.
  const Real x2 = x * x;
  Real p;
  if constexpr (sizeof(Real) == sizeof(double)) {
    p = Real(9.691537956929451e-05);
    p = p * x2 + Real(-0.00023912911424355248);
    p = p * x2 + Real(0.000590027440945586);
    p = p * x2 + Real(-0.0014558343870513183);
    p = p * x2 + Real(0.003592128036572481);
    p = p * x2 + Real(-0.008863235529902197);
    p = p * x2 + Real(0.021869488536155203);
    p = p * x2 + Real(-0.05396825396825397);
    p = p * x2 + Real(0.13333333333333333);
    p = p * x2 + Real(-0.3333333333333333);
  } else {
    p = Real(-0.0014558343870513183);
    p = p * x2 + Real(0.003592128036572481);
    p = p * x2 + Real(-0.008863235529902197);
    p = p * x2 + Real(0.021869488536155203);
    p = p * x2 + Real(-0.05396825396825397);
    p = p * x2 + Real(0.13333333333333333);
    p = p * x2 + Real(-0.3333333333333333);
  }
  const Real small = ax + ax * x2 * p;
  const Real magnitude = ax < Real(0.25) ? small : large;
  const Real signed_result = x < Real(0) ? -magnitude : magnitude;
  return (x == x) ? signed_result : x;
}

/// sin x and cos x together, branch-free so that loops over features vectorise
/// (glibc's scalar sincos dominated the WaveAct kernels of PINNsFormer).
/// Cody-Waite reduction by pi/2 in three parts (exact products while
/// |x| < 2^20 pi/2, a few ulp there; the absolute error grows like |x| 1e-16
/// beyond) and fdlibm's minimax kernels on [-pi/4, pi/4]. Float arguments are
/// computed in double. NaN and infinities give NaN, as libm's do.
template <class Real>
KOKKOS_FORCEINLINE_FUNCTION void fast_sincos(Real argument, Real& sine, Real& cosine)
{
  const double x = static_cast<double>(argument);
  constexpr double two_over_pi = 6.36619772367581382433e-01;
  constexpr double pio2_1 = 1.57079632673412561417e+00; // first 33 bits of pi/2
  constexpr double pio2_2 = 6.07710050630396597660e-11; // next 33 bits
  constexpr double pio2_3 = 2.02226624871116645580e-21; // the rest
  constexpr double round_magic = 6755399441055744.0;    // 1.5 * 2^52
  // Beyond 2^50 the reduction means nothing; keep it finite (such pre-activations
  // only occur in a run that diverged).
  const double huge = 1.1258999068426240e+15;
  const double above = x > huge ? 1.0 : 0.0; // selects of constants keep the loop vectorisable
  const double below = x < -huge ? 1.0 : 0.0;
  const double bounded = x + above * (huge - x) + below * (-huge - x);
  const double n = (bounded * two_over_pi + round_magic) - round_magic;
  const double r = ((bounded - n * pio2_1) - n * pio2_2) - n * pio2_3;
  const double z = r * r;
  // fdlibm __kernel_sin / __kernel_cos (musl's form of the latter).
  const double sin_poly =
      8.33333333332248946124e-03 +
      z * (-1.98412698298579493134e-04 +
           z * (2.75573137070700676789e-06 +
                z * (-2.50507602534068634195e-08 + z * 1.58969099521155010221e-10)));
  const double sin_r = r + r * z * (-1.66666666666666324348e-01 + z * sin_poly);
  const double cos_poly =
      z * (4.16666666666666019037e-02 +
           z * (-1.38888888888741095749e-03 +
                z * (2.48015872894767294178e-05 +
                     z * (-2.75573143513906633035e-07 +
                          z * (2.08757232129817482790e-09 + z * -1.13596475577881948265e-11)))));
  const double half_z = 0.5 * z;
  const double w = 1.0 - half_z;
  const double cos_r = w + (((1.0 - w) - half_z) + z * cos_poly);
  // Quadrant n mod 4, in doubles (exact for the bounded n): q in {-2, ..., 2};
  // 0 -> (s, c), 1 -> (c, -s), +-2 -> (-s, -c), -1 -> (-c, s). Selects and sign
  // factors only (no branches: the loop must vectorise).
  const double q = n - 4.0 * ((n * 0.25 + round_magic) - round_magic);
  const double odd = q * q == 1.0 ? 1.0 : 0.0;
  const double q_sin = odd * cos_r + (1.0 - odd) * sin_r;
  const double q_cos = odd * sin_r + (1.0 - odd) * cos_r;
  const double sin_sign = ((q > 1.5) | (q < -0.5)) ? -1.0 : 1.0;
  const double cos_sign = ((q > 0.5) | (q < -1.5)) ? -1.0 : 1.0;
  // NaN and infinities: x - x is NaN, and so is everything it is added to.
  const double invalid = x - x;
  sine = static_cast<Real>(sin_sign * q_sin + invalid);
  cosine = static_cast<Real>(cos_sign * q_cos + invalid);
}

/// 1 / (1 + e^{-x}); no cancellation for either sign.
template <class Real>
KOKKOS_INLINE_FUNCTION Real fast_sigmoid(Real x)
{
  return Real(1) / (Real(1) + fast_exp(-x));
}

} // namespace pinnbench::math
