#pragma once
// One point and one block of up to kBlock features of a Faa di Bruno forward or
// VJP kernel on a host: f^(k)(z_0) tabulated first, then every program term a
// vectorisable loop over the block. Shared by the host-blocked unary kernels and
// the fused ops that end in an activation (QRes blocks). Component c of an
// operand block lives at pointer + c * stride.
#include <pinnbench/jet/Programs.hpp>
#include <pinnbench/jet/UnaryFunction.hpp>

namespace pinnbench::jet::blocked {

constexpr int kBlock = 64;

template <class Real>
struct BlockDerivatives
{
  Real d[kMaxDerivative + 1][kBlock];
};

// Tabulate f^(k)(z0[f]) for every k <= Highest; a compile-time kind and order
// let the switch fold away and the loop vectorise.
template <UnaryKind Kind, int Highest, class Real>
KOKKOS_INLINE_FUNCTION void tabulate(const Real* z0, int count, Real w1, Real w2,
                                     BlockDerivatives<Real>& table)
{
  for (int f = 0; f < count; ++f) {
    Real v[kMaxDerivative + 1];
    unary_derivatives(Kind, z0[f], Highest, v, w1, w2);
    for (int k = 0; k <= Highest; ++k)
      table.d[k][f] = v[k];
  }
}

/// The table of tanh or the logistic function from their values y0 = f(z0):
/// their derivatives are polynomials in the value, so a VJP that has the
/// forward's output need not evaluate f again (same bits: the forward computed
/// y0 so).
template <UnaryKind Kind, int Highest, class Real>
KOKKOS_INLINE_FUNCTION void tabulate_at_values(const Real* y0, int count,
                                               BlockDerivatives<Real>& table)
{
  static_assert(Kind == UnaryKind::tanh || Kind == UnaryKind::sigmoid);
  for (int f = 0; f < count; ++f) {
    Real v[kMaxDerivative + 1];
    if constexpr (Kind == UnaryKind::tanh)
      detail::tanh_derivatives_at_value(y0[f], Highest, v);
    else
      detail::sigmoid_derivatives_at_value(y0[f], Highest, v);
    for (int k = 0; k <= Highest; ++k)
      table.d[k][f] = v[k];
  }
}

/// `y0`, when given, are the values f(z0) (the forward's output): kinds whose
/// derivatives are functions of the value (tanh, sigmoid) read them instead of z0.
template <int Highest = kMaxDerivative, class Real>
KOKKOS_INLINE_FUNCTION void tabulate(UnaryKind kind, const Real* z0, int count, Real w1, Real w2,
                                     BlockDerivatives<Real>& table, const Real* y0 = nullptr)
{
  switch (kind) {
  case UnaryKind::tanh:
    if (y0 != nullptr)
      return tabulate_at_values<UnaryKind::tanh, Highest>(y0, count, table);
    return tabulate<UnaryKind::tanh, Highest>(z0, count, w1, w2, table);
  case UnaryKind::sin:
    return tabulate<UnaryKind::sin, Highest>(z0, count, w1, w2, table);
  case UnaryKind::cos:
    return tabulate<UnaryKind::cos, Highest>(z0, count, w1, w2, table);
  case UnaryKind::sigmoid:
    if (y0 != nullptr)
      return tabulate_at_values<UnaryKind::sigmoid, Highest>(y0, count, table);
    return tabulate<UnaryKind::sigmoid, Highest>(z0, count, w1, w2, table);
  case UnaryKind::silu:
    return tabulate<UnaryKind::silu, Highest>(z0, count, w1, w2, table);
  case UnaryKind::exp:
    return tabulate<UnaryKind::exp, Highest>(z0, count, w1, w2, table);
  case UnaryKind::log:
    return tabulate<UnaryKind::log, Highest>(z0, count, w1, w2, table);
  case UnaryKind::reciprocal:
    return tabulate<UnaryKind::reciprocal, Highest>(z0, count, w1, w2, table);
  case UnaryKind::sqrt:
    return tabulate<UnaryKind::sqrt, Highest>(z0, count, w1, w2, table);
  case UnaryKind::square:
    return tabulate<UnaryKind::square, Highest>(z0, count, w1, w2, table);
  case UnaryKind::wave:
    return tabulate<UnaryKind::wave, Highest>(z0, count, w1, w2, table);
  }
}

/// tabulate() up to a run-time order (a program's max_order, plus one for a
/// VJP): the table entries above `highest` are left unset and never read.
template <class Real>
KOKKOS_INLINE_FUNCTION void tabulate_up_to(UnaryKind kind, int highest, const Real* z0, int count,
                                           Real w1, Real w2, BlockDerivatives<Real>& table,
                                           const Real* y0 = nullptr)
{
  switch (highest) {
  case 0:
    return tabulate<0>(kind, z0, count, w1, w2, table, y0);
  case 1:
    return tabulate<1>(kind, z0, count, w1, w2, table, y0);
  case 2:
    return tabulate<2>(kind, z0, count, w1, w2, table, y0);
  case 3:
    return tabulate<3>(kind, z0, count, w1, w2, table, y0);
  case 4:
    return tabulate<4>(kind, z0, count, w1, w2, table, y0);
  default:
    return tabulate<kMaxDerivative>(kind, z0, count, w1, w2, table, y0);
  }
}

using FaaDiBrunoTerms = Kokkos::View<const FaaDiBrunoTerm*, MemorySpace>;
using TermOffsets = Kokkos::View<const int*, MemorySpace>;

/// y_c = d^{S[c]} f(z) for every component of one block, given the table of z_0.
template <class Real>
KOKKOS_INLINE_FUNCTION void
faa_di_bruno_forward(const FaaDiBrunoTerms& terms, const TermOffsets& offsets, int components,
                     const BlockDerivatives<Real>& table, const Real* z, std::size_t z_stride,
                     int count, Real* y, std::size_t y_stride)
{
  for (int f = 0; f < count; ++f)
    y[f] = table.d[0][f];
  for (int c = 1; c < components; ++c) {
    Real acc[kBlock];
    for (int f = 0; f < count; ++f)
      acc[f] = Real(0);
    for (int t = offsets(c); t < offsets(c + 1); ++t) {
      const FaaDiBrunoTerm term = terms(t);
      const Real coefficient = static_cast<Real>(term.coefficient);
      const Real* dk = table.d[term.order];
      const Real* z1 = z + term.factors[0] * z_stride;
      switch (term.order) {
      case 1:
        for (int f = 0; f < count; ++f)
          acc[f] += coefficient * dk[f] * z1[f];
        break;
      case 2: {
        const Real* z2 = z + term.factors[1] * z_stride;
        for (int f = 0; f < count; ++f)
          acc[f] += coefficient * dk[f] * z1[f] * z2[f];
        break;
      }
      case 3: {
        const Real* z2 = z + term.factors[1] * z_stride;
        const Real* z3 = z + term.factors[2] * z_stride;
        for (int f = 0; f < count; ++f)
          acc[f] += coefficient * dk[f] * z1[f] * z2[f] * z3[f];
        break;
      }
      default: {
        const Real* z2 = z + term.factors[1] * z_stride;
        const Real* z3 = z + term.factors[2] * z_stride;
        const Real* z4 = z + term.factors[3] * z_stride;
        for (int f = 0; f < count; ++f)
          acc[f] += coefficient * dk[f] * z1[f] * z2[f] * z3[f] * z4[f];
        break;
      }
      }
    }
    Real* yc = y + c * y_stride;
    for (int f = 0; f < count; ++f)
      yc[f] = acc[f];
  }
}

/// out (+)= the adjoint of z for one block, given the adjoint g of y = f(z).
template <class Real>
KOKKOS_INLINE_FUNCTION void
faa_di_bruno_vjp(const FaaDiBrunoTerms& terms, const TermOffsets& offsets, int components,
                 const BlockDerivatives<Real>& table, const Real* z, std::size_t z_stride,
                 const Real* g, std::size_t g_stride, int count, Real* out, std::size_t out_stride,
                 bool accumulate)
{
  if (!accumulate)
    for (int c = 0; c < components; ++c)
      for (int f = 0; f < count; ++f)
        out[c * out_stride + f] = Real(0);
  for (int f = 0; f < count; ++f)
    out[f] += g[f] * table.d[1][f];
  for (int c = 1; c < components; ++c) {
    const Real* gc = g + c * g_stride;
    for (int t = offsets(c); t < offsets(c + 1); ++t) {
      const FaaDiBrunoTerm term = terms(t);
      const Real coefficient = static_cast<Real>(term.coefficient);
      const int k = term.order;
      const Real* dk = table.d[k];
      const Real* dk1 = table.d[k + 1];
      const Real* zf[kMaxOrder];
      Real* outf[kMaxOrder];
      for (int q = 0; q < k; ++q) {
        zf[q] = z + term.factors[q] * z_stride;
        outf[q] = out + term.factors[q] * out_stride;
      }
      Real* out0 = out;
      // The term is coefficient * f^(k)(z0) * prod_q z_{factor q}: its partial
      // in z0 brings f^(k+1), its partial in a factor drops that factor.
      // Separate loops per factor keep repeated factors (z_x^2) correct.
      switch (k) {
      case 1:
        for (int f = 0; f < count; ++f)
          out0[f] += gc[f] * coefficient * dk1[f] * zf[0][f];
        for (int f = 0; f < count; ++f)
          outf[0][f] += gc[f] * coefficient * dk[f];
        break;
      case 2:
        for (int f = 0; f < count; ++f)
          out0[f] += gc[f] * coefficient * dk1[f] * zf[0][f] * zf[1][f];
        for (int f = 0; f < count; ++f)
          outf[0][f] += gc[f] * coefficient * dk[f] * zf[1][f];
        for (int f = 0; f < count; ++f)
          outf[1][f] += gc[f] * coefficient * dk[f] * zf[0][f];
        break;
      case 3:
        for (int f = 0; f < count; ++f)
          out0[f] += gc[f] * coefficient * dk1[f] * zf[0][f] * zf[1][f] * zf[2][f];
        for (int f = 0; f < count; ++f)
          outf[0][f] += gc[f] * coefficient * dk[f] * zf[1][f] * zf[2][f];
        for (int f = 0; f < count; ++f)
          outf[1][f] += gc[f] * coefficient * dk[f] * zf[0][f] * zf[2][f];
        for (int f = 0; f < count; ++f)
          outf[2][f] += gc[f] * coefficient * dk[f] * zf[0][f] * zf[1][f];
        break;
      default:
        for (int f = 0; f < count; ++f)
          out0[f] += gc[f] * coefficient * dk1[f] * zf[0][f] * zf[1][f] * zf[2][f] * zf[3][f];
        for (int f = 0; f < count; ++f)
          outf[0][f] += gc[f] * coefficient * dk[f] * zf[1][f] * zf[2][f] * zf[3][f];
        for (int f = 0; f < count; ++f)
          outf[1][f] += gc[f] * coefficient * dk[f] * zf[0][f] * zf[2][f] * zf[3][f];
        for (int f = 0; f < count; ++f)
          outf[2][f] += gc[f] * coefficient * dk[f] * zf[0][f] * zf[1][f] * zf[3][f];
        for (int f = 0; f < count; ++f)
          outf[3][f] += gc[f] * coefficient * dk[f] * zf[0][f] * zf[1][f] * zf[2][f];
        break;
      }
    }
  }
}

} // namespace pinnbench::jet::blocked
