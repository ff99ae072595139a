#pragma once
// Device vector primitives for the optimisers (internal to src/optim).
// Reductions accumulate in Real, as PyTorch's do for float tensors, so an FP32
// run rounds like torch's FP32 L-BFGS; the results come back to the host.
// Products are accumulated with fused multiply-adds where the hardware has
// them, as torch's CPU kernels (add with alpha) and OpenBLAS's dot do: in the
// Serial backend this reproduces torch's arithmetic for short vectors exactly.
#include <cmath>
#include <cstdint>
#include <limits>
#include <pinnbench/core/Math.hpp>
#include <pinnbench/core/Types.hpp>

namespace pinnbench::optim::kernels {

using Index = std::int64_t;
using Policy = Kokkos::RangePolicy<ExecutionSpace, Kokkos::IndexType<Index>>;

/// a * b + c, rounded once where the host has an FMA instruction. Without one,
/// std::fma is a library call per entry, far slower than the rounding it saves.
/// Device compilers fuse a * b + c by themselves.
template <class Real>
KOKKOS_FORCEINLINE_FUNCTION Real multiply_add(Real a, Real b, Real c)
{
#if defined(FP_FAST_FMA) && defined(FP_FAST_FMAF) && !defined(__CUDA_ARCH__) &&                    \
    !defined(__HIP_DEVICE_COMPILE__) && !defined(__SYCL_DEVICE_ONLY__)
  return std::fma(a, b, c);
#else
  return a * b + c;
#endif
}

template <class Real>
Policy over(const Vector<Real>& v)
{
  return Policy(0, static_cast<Index>(v.extent(0)));
}

/// An uninitialised device vector of `size` entries.
template <class Real>
Vector<Real> allocate(const std::string& label, std::size_t size)
{
  return Vector<Real>(Kokkos::view_alloc(Kokkos::WithoutInitializing, label), size);
}

/// a . b
template <class Real>
Real dot(const Vector<Real>& a, const Vector<Real>& b)
{
  Real sum = 0;
  Kokkos::parallel_reduce(
      "pinnbench::optim::lbfgs_dot", over(a),
      KOKKOS_LAMBDA(const Index i, Real& local) { local = multiply_add(a(i), b(i), local); }, sum);
  return sum;
}

/// sum_i |a_i|
template <class Real>
Real sum_abs(const Vector<Real>& a)
{
  Real sum = 0;
  Kokkos::parallel_reduce(
      "pinnbench::optim::lbfgs_sum_abs", over(a),
      KOKKOS_LAMBDA(const Index i, Real& local) { local += math::abs(a(i)); }, sum);
  return sum;
}

/// max_i |a_i|, with NaN read as +inf. torch's max propagates NaN; every test the
/// optimiser makes on this value (<= tolerance, * width < tolerance) comes out the
/// same for +inf as for NaN, while Kokkos' Max reducer would skip the NaN.
template <class Real>
Real max_abs(const Vector<Real>& a)
{
  const Real infinity = std::numeric_limits<Real>::infinity();
  Real result = 0;
  Kokkos::parallel_reduce(
      "pinnbench::optim::lbfgs_max_abs", over(a),
      KOKKOS_LAMBDA(const Index i, Real& local) {
        const Real v = a(i);
        const Real magnitude = v != v ? infinity : math::abs(v);
        if (magnitude > local)
          local = magnitude;
      },
      Kokkos::Max<Real>(result));
  return result;
}

/// out = -a
template <class Real>
void negate(const Vector<Real>& out, const Vector<Real>& a)
{
  Kokkos::parallel_for(
      "pinnbench::optim::lbfgs_negate", over(a), KOKKOS_LAMBDA(const Index i) { out(i) = -a(i); });
}

/// y = y + alpha x
template <class Real>
void axpy(Real alpha, const Vector<Real>& x, const Vector<Real>& y)
{
  Kokkos::parallel_for(
      "pinnbench::optim::lbfgs_axpy", over(x),
      KOKKOS_LAMBDA(const Index i) { y(i) = multiply_add(alpha, x(i), y(i)); });
}

/// out = origin + t d (the line search's trial point, written in one pass).
template <class Real>
void shifted(const Vector<Real>& out, const Vector<Real>& origin, Real t, const Vector<Real>& d)
{
  Kokkos::parallel_for(
      "pinnbench::optim::lbfgs_shift", over(d),
      KOKKOS_LAMBDA(const Index i) { out(i) = multiply_add(t, d(i), origin(i)); });
}

/// y = y h
template <class Real>
void scale(Real h, const Vector<Real>& y)
{
  Kokkos::parallel_for(
      "pinnbench::optim::lbfgs_scale", over(y), KOKKOS_LAMBDA(const Index i) { y(i) = y(i) * h; });
}

/// y = y + alpha x, then returns z . y: the two-loop recursion's update of one
/// history pair fused with the dot product of the next, one pass instead of two.
template <class Real>
Real axpy_then_dot(Real alpha, const Vector<Real>& x, const Vector<Real>& y, const Vector<Real>& z)
{
  Real sum = 0;
  Kokkos::parallel_reduce(
      "pinnbench::optim::lbfgs_axpy_dot", over(x),
      KOKKOS_LAMBDA(const Index i, Real& local) {
        const Real updated = multiply_add(alpha, x(i), y(i));
        y(i) = updated;
        local = multiply_add(z(i), updated, local);
      },
      sum);
  return sum;
}

/// y = y * h, then returns z . y (the initial-Hessian scaling and the first dot).
template <class Real>
Real scale_then_dot(Real h, const Vector<Real>& y, const Vector<Real>& z)
{
  Real sum = 0;
  Kokkos::parallel_reduce(
      "pinnbench::optim::lbfgs_scale_dot", over(y),
      KOKKOS_LAMBDA(const Index i, Real& local) {
        const Real updated = y(i) * h;
        y(i) = updated;
        local = multiply_add(z(i), updated, local);
      },
      sum);
  return sum;
}

/// y = g - g_prev and s = d t; returns y . s (the curvature of the last step).
template <class Real>
Real curvature_pair(const Vector<Real>& g, const Vector<Real>& g_prev, const Vector<Real>& d,
                    Real t, const Vector<Real>& y, const Vector<Real>& s)
{
  Real sum = 0;
  Kokkos::parallel_reduce(
      "pinnbench::optim::lbfgs_curvature_pair", over(g),
      KOKKOS_LAMBDA(const Index i, Real& local) {
        const Real yi = g(i) - g_prev(i);
        const Real si = d(i) * t;
        y(i) = yi;
        s(i) = si;
        local = multiply_add(yi, si, local);
      },
      sum);
  return sum;
}

template <class Real>
void copy(const Vector<Real>& out, const Vector<Real>& a)
{
  if (out.data() != a.data())
    Kokkos::deep_copy(out, a);
}

} // namespace pinnbench::optim::kernels
