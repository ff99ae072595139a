// Forward and VJP kernels of the B-spline basis jet (KAN) and of the
// elementwise-scaled weights of a KAN spline layer.
//
// Every input feature i of a point becomes `bases` output features i * bases + m,
// the jets of B_m(z_i) by Faa di Bruno with the exact derivatives of the
// piecewise polynomials. The body is per (point, input feature); its inner loops
// run over the bases, contiguous in memory. host_blocked: one point per
// iteration; flat: one (point, input feature) per thread (GPUs).
#include <pinnbench/core/Error.hpp>
#include <pinnbench/jet/Kernels.hpp>

namespace pinnbench::jet {

namespace {

constexpr int kStride = kMaxDerivative + 1;

bool use_flat(KernelVariant variant)
{
  if (variant == KernelVariant::automatic)
    return !Kokkos::SpaceAccessibility<ExecutionSpace, Kokkos::HostSpace>::accessible;
  return variant == KernelVariant::flat;
}

template <class Real>
void check_shapes(const BSplineGrid<Real>& grid, const FaaDiBrunoProgram& program,
                  const ConstJetView<Real>& z, int output_features, const char* what)
{
  if (program.components != static_cast<int>(z.extent(0)))
    throw LogicError(std::string(what) + ": Faa di Bruno program of a different derivative set");
  if (program.max_order > kMaxOrder)
    throw LogicError(std::string(what) + ": jet order above kMaxOrder");
  if (output_features != static_cast<int>(z.extent(2)) * grid.bases())
    throw LogicError(std::string(what) + ": output features are not inputs x bases");
}

template <class Real, int MaxComponents>
struct BSplineBody
{
  BSplineGrid<Real> grid;
  Kokkos::View<const FaaDiBrunoTerm*, MemorySpace> terms;
  Kokkos::View<const int*, MemorySpace> offsets;
  int components;
  int highest;

  KOKKOS_INLINE_FUNCTION void forward(const ConstJetView<Real>& z, const JetView<Real>& y, int n,
                                      int i) const
  {
    const int bases = grid.bases();
    Real zc[MaxComponents];
    for (int c = 0; c < components; ++c)
      zc[c] = z(c, n, i);
    Real d[kMaxBSplineBases * kStride];
    bspline_derivatives(grid, z(0, n, i), highest, d);
    const int first = i * bases;
    for (int m = 0; m < bases; ++m)
      y(0, n, first + m) = d[m * kStride];
    for (int c = 1; c < components; ++c) {
      Real acc[kMaxBSplineBases];
      for (int m = 0; m < bases; ++m)
        acc[m] = Real(0);
      for (int t = offsets(c); t < offsets(c + 1); ++t) {
        const FaaDiBrunoTerm& term = terms(t);
        Real product = static_cast<Real>(term.coefficient);
        for (int q = 0; q < term.order; ++q)
          product *= zc[term.factors[q]];
        for (int m = 0; m < bases; ++m)
          acc[m] += product * d[m * kStride + term.order];
      }
      for (int m = 0; m < bases; ++m)
        y(c, n, first + m) = acc[m];
    }
  }

  // The output jets are linear in the basis derivatives, so the adjoints of all
  // bases fold into G_k = sum_m adjoint_m * B_m^(k) and the rest is the VJP of
  // one Faa di Bruno composition.
  KOKKOS_INLINE_FUNCTION void vjp(const ConstJetView<Real>& z, const ConstJetView<Real>& adjoint_y,
                                  const JetView<Real>& adjoint_z, bool accumulate, int n,
                                  int i) const
  {
    const int bases = grid.bases();
    Real zc[MaxComponents];
    Real gz[MaxComponents];
    for (int c = 0; c < components; ++c) {
      zc[c] = z(c, n, i);
      gz[c] = Real(0);
    }
    Real d[kMaxBSplineBases * kStride];
    bspline_derivatives(grid, z(0, n, i), highest + 1, d);
    const int first = i * bases;
    for (int c = 0; c < components; ++c) {
      Real g[kStride];
      for (int k = 0; k <= highest + 1; ++k)
        g[k] = Real(0);
      for (int m = 0; m < bases; ++m) {
        const Real a = adjoint_y(c, n, first + m);
        for (int k = 0; k <= highest + 1; ++k)
          g[k] += a * d[m * kStride + k];
      }
      if (c == 0) {
        gz[0] += g[1];
        continue;
      }
      for (int t = offsets(c); t < offsets(c + 1); ++t) {
        const FaaDiBrunoTerm& term = terms(t);
        const Real coefficient = static_cast<Real>(term.coefficient);
        Real product = Real(1);
        for (int q = 0; q < term.order; ++q)
          product *= zc[term.factors[q]];
        gz[0] += coefficient * g[term.order + 1] * product;
        for (int q = 0; q < term.order; ++q) {
          Real others = Real(1);
          for (int r = 0; r < term.order; ++r)
            if (r != q)
              others *= zc[term.factors[r]];
          gz[term.factors[q]] += coefficient * g[term.order] * others;
        }
      }
    }
    for (int c = 0; c < components; ++c)
      adjoint_z(c, n, i) = accumulate ? adjoint_z(c, n, i) + gz[c] : gz[c];
  }
};

template <class Real, int MaxComponents>
void forward_with(const BSplineGrid<Real>& grid, const FaaDiBrunoProgram& program,
                  const ConstJetView<Real>& z, const JetView<Real>& y, bool flat)
{
  const BSplineBody<Real, MaxComponents> body{grid, program.terms, program.offsets,
                                              static_cast<int>(z.extent(0)), program.max_order};
  const int points = static_cast<int>(z.extent(1));
  const int features = static_cast<int>(z.extent(2));
  if (flat) {
    Kokkos::parallel_for(
        "pinnbench::jet::bspline_forward_flat",
        Kokkos::RangePolicy<ExecutionSpace>(0, static_cast<std::int64_t>(points) * features),
        KOKKOS_LAMBDA(const std::int64_t k) {
          body.forward(z, y, static_cast<int>(k / features), static_cast<int>(k % features));
        });
  } else {
    Kokkos::parallel_for(
        "pinnbench::jet::bspline_forward", Kokkos::RangePolicy<ExecutionSpace>(0, points),
        KOKKOS_LAMBDA(const int n) {
          for (int i = 0; i < features; ++i)
            body.forward(z, y, n, i);
        });
  }
}

template <class Real, int MaxComponents>
void vjp_with(const BSplineGrid<Real>& grid, const FaaDiBrunoProgram& program,
              const ConstJetView<Real>& z, const ConstJetView<Real>& adjoint_y,
              const JetView<Real>& adjoint_z, bool accumulate, bool flat)
{
  const BSplineBody<Real, MaxComponents> body{grid, program.terms, program.offsets,
                                              static_cast<int>(z.extent(0)), program.max_order};
  const int points = static_cast<int>(z.extent(1));
  const int features = static_cast<int>(z.extent(2));
  if (flat) {
    Kokkos::parallel_for(
        "pinnbench::jet::bspline_vjp_flat",
        Kokkos::RangePolicy<ExecutionSpace>(0, static_cast<std::int64_t>(points) * features),
        KOKKOS_LAMBDA(const std::int64_t k) {
          body.vjp(z, adjoint_y, adjoint_z, accumulate, static_cast<int>(k / features),
                   static_cast<int>(k % features));
        });
  } else {
    Kokkos::parallel_for(
        "pinnbench::jet::bspline_vjp", Kokkos::RangePolicy<ExecutionSpace>(0, points),
        KOKKOS_LAMBDA(const int n) {
          for (int i = 0; i < features; ++i)
            body.vjp(z, adjoint_y, adjoint_z, accumulate, n, i);
        });
  }
}

} // namespace

template <class Real>
void bspline_forward(const BSplineGrid<Real>& grid, const FaaDiBrunoProgram& program,
                     const ConstJetView<Real>& z, const JetView<Real>& y, KernelVariant variant)
{
  check_shapes(grid, program, z, static_cast<int>(y.extent(2)), "bspline_forward");
  const int components = static_cast<int>(z.extent(0));
  const bool flat = use_flat(variant);
  if (components <= 8)
    forward_with<Real, 8>(grid, program, z, y, flat);
  else if (components <= 16)
    forward_with<Real, 16>(grid, program, z, y, flat);
  else if (components <= 64)
    forward_with<Real, 64>(grid, program, z, y, flat);
  else
    forward_with<Real, 256>(grid, program, z, y, flat);
}

template <class Real>
void bspline_vjp(const BSplineGrid<Real>& grid, const FaaDiBrunoProgram& program,
                 const ConstJetView<Real>& z, const ConstJetView<Real>& adjoint_y,
                 const JetView<Real>& adjoint_z, bool accumulate, KernelVariant variant)
{
  check_shapes(grid, program, z, static_cast<int>(adjoint_y.extent(2)), "bspline_vjp");
  const int components = static_cast<int>(z.extent(0));
  const bool flat = use_flat(variant);
  if (components <= 8)
    vjp_with<Real, 8>(grid, program, z, adjoint_y, adjoint_z, accumulate, flat);
  else if (components <= 16)
    vjp_with<Real, 16>(grid, program, z, adjoint_y, adjoint_z, accumulate, flat);
  else if (components <= 64)
    vjp_with<Real, 64>(grid, program, z, adjoint_y, adjoint_z, accumulate, flat);
  else
    vjp_with<Real, 256>(grid, program, z, adjoint_y, adjoint_z, accumulate, flat);
}

template <class Real>
void scaled_weight_forward(const BiasView<Real>& weight, const BiasView<Real>& scale, int group,
                           const BiasGradientView<Real>& out)
{
  if (group < 1 || weight.extent(0) != out.extent(0) ||
      weight.extent(0) != scale.extent(0) * static_cast<std::size_t>(group))
    throw LogicError("scaled_weight_forward: weight is not scale x group");
  Kokkos::parallel_for(
      "pinnbench::jet::scaled_weight_forward",
      Kokkos::RangePolicy<ExecutionSpace>(0, static_cast<std::int64_t>(weight.extent(0))),
      KOKKOS_LAMBDA(const std::int64_t q) { out(q) = weight(q) * scale(q / group); });
}

template <class Real>
void scaled_weight_vjp(const BiasView<Real>& weight, const BiasView<Real>& scale, int group,
                       const BiasView<Real>& grad_scaled, const BiasGradientView<Real>& grad_weight,
                       const BiasGradientView<Real>& grad_scale)
{
  if (group < 1 || weight.extent(0) != grad_scaled.extent(0) ||
      weight.extent(0) != scale.extent(0) * static_cast<std::size_t>(group))
    throw LogicError("scaled_weight_vjp: weight is not scale x group");
  // One thread per scale entry: it owns its group of weights, so no atomics.
  Kokkos::parallel_for(
      "pinnbench::jet::scaled_weight_vjp",
      Kokkos::RangePolicy<ExecutionSpace>(0, static_cast<std::int64_t>(scale.extent(0))),
      KOKKOS_LAMBDA(const std::int64_t e) {
        Real sum = Real(0);
        for (int m = 0; m < group; ++m) {
          const std::int64_t q = e * group + m;
          grad_weight(q) += scale(e) * grad_scaled(q);
          sum += weight(q) * grad_scaled(q);
        }
        grad_scale(e) += sum;
      });
}

#define PINNBENCH_INSTANTIATE_BSPLINE(Real)                                                        \
  template void bspline_forward<Real>(const BSplineGrid<Real>&, const FaaDiBrunoProgram&,          \
                                      const ConstJetView<Real>&, const JetView<Real>&,             \
                                      KernelVariant);                                              \
  template void bspline_vjp<Real>(const BSplineGrid<Real>&, const FaaDiBrunoProgram&,              \
                                  const ConstJetView<Real>&, const ConstJetView<Real>&,            \
                                  const JetView<Real>&, bool, KernelVariant);                      \
  template void scaled_weight_forward<Real>(const BiasView<Real>&, const BiasView<Real>&, int,     \
                                            const BiasGradientView<Real>&);                        \
  template void scaled_weight_vjp<Real>(const BiasView<Real>&, const BiasView<Real>&, int,         \
                                        const BiasView<Real>&, const BiasGradientView<Real>&,      \
                                        const BiasGradientView<Real>&);

PINNBENCH_INSTANTIATE_BSPLINE(float)
PINNBENCH_INSTANTIATE_BSPLINE(double)

} // namespace pinnbench::jet
