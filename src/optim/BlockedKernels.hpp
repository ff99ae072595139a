#pragma once
// Dot products for the Optax L-BFGS two-loop recursion (internal to src/optim),
// summed in blocks of 8: the products of a block are added as a balanced tree,
// so the serial dependency is one add per 8 entries instead of one per entry,
// and the compiler can vectorise a block without reassociating across it. The
// two-loop over 100 pairs of a 50k-parameter network is otherwise bound by the
// latency of that chain. The torch-compatible L-BFGS keeps the plain sums of
// VectorKernels.hpp (they reproduce torch's rounding); Optax specifies no order.
#include "VectorKernels.hpp"

namespace pinnbench::optim::blocked {

using kernels::Index;
constexpr Index block = 8;

template <class Real>
KOKKOS_FORCEINLINE_FUNCTION Real tree_sum(const Real (&p)[block])
{
  return ((p[0] + p[1]) + (p[2] + p[3])) + ((p[4] + p[5]) + (p[6] + p[7]));
}

/// sum_i product(i) over i < n in blocks of 8 (each a balanced tree), the one
/// summation order of every kernel below; product(i) may also update entry i.
template <class Real, class Product>
Real blocked_sum(const char* label, Index n, const Product& product)
{
  Real sum = 0;
  Kokkos::parallel_reduce(
      label,
      Kokkos::RangePolicy<ExecutionSpace, Kokkos::IndexType<Index>>(0, (n + block - 1) / block),
      KOKKOS_LAMBDA(const Index k, Real& local) {
        Real p[block];
        const Index begin = k * block;
        for (Index j = 0; j < block; ++j)
          p[j] = begin + j < n ? product(begin + j) : Real(0);
        local += tree_sum(p);
      },
      sum);
  return sum;
}

/// a . b
template <class Real>
Real dot(const Vector<Real>& a, const Vector<Real>& b)
{
  return blocked_sum<Real>(
      "pinnbench::optim::optax_dot", static_cast<Index>(a.extent(0)),
      KOKKOS_LAMBDA(const Index i) { return a(i) * b(i); });
}

/// y += alpha x, then returns z . y (one pass).
template <class Real>
Real axpy_then_dot(Real alpha, const Vector<Real>& x, const Vector<Real>& y, const Vector<Real>& z)
{
  return blocked_sum<Real>(
      "pinnbench::optim::optax_axpy_dot", static_cast<Index>(x.extent(0)),
      KOKKOS_LAMBDA(const Index i) {
        const Real updated = y(i) + alpha * x(i);
        y(i) = updated;
        return z(i) * updated;
      });
}

/// y *= h, then returns z . y.
template <class Real>
Real scale_then_dot(Real h, const Vector<Real>& y, const Vector<Real>& z)
{
  return blocked_sum<Real>(
      "pinnbench::optim::optax_scale_dot", static_cast<Index>(y.extent(0)),
      KOKKOS_LAMBDA(const Index i) {
        const Real updated = y(i) * h;
        y(i) = updated;
        return z(i) * updated;
      });
}

} // namespace pinnbench::optim::blocked
