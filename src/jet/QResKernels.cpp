// A QRes block after its two linear layers, fused: one kernel forms
// p = z1 z2 + z1 (Leibniz) and y = f(p) (Faa di Bruno), one kernel takes the
// adjoint of y back to z1 and z2. Both linear layers are one GEMM on the
// concatenated weight [H1; H2], so z = [z1 | z2] is one [S][N][2F] jet.
#include "FaaDiBrunoBlock.hpp"

#include <pinnbench/core/Error.hpp>
#include <pinnbench/jet/Kernels.hpp>

namespace pinnbench::jet {

namespace {

using namespace blocked;

bool use_flat(KernelVariant variant)
{
  if (variant == KernelVariant::automatic)
    return !Kokkos::SpaceAccessibility<ExecutionSpace, Kokkos::HostSpace>::accessible;
  return variant == KernelVariant::flat;
}

template <class Real>
void check_shapes(const LeibnizProgram& leibniz, const FaaDiBrunoProgram& program,
                  const ConstJetView<Real>& z, const ConstJetView<Real>& p)
{
  const int components = static_cast<int>(p.extent(0));
  if (leibniz.components != components || program.components != components)
    throw LogicError("QRes block: programs compiled for a different derivative set");
  if (program.max_order > kMaxOrder)
    throw LogicError("jet order above kMaxOrder");
  if (z.extent(0) != p.extent(0) || z.extent(1) != p.extent(1) || z.extent(2) != 2 * p.extent(2))
    throw LogicError("QRes block: z must be [S][N][2F] for a [S][N][F] block");
}

// ---------------------------------------------------------------------------------
// host_blocked: one point per iteration, blocks of kBlock features.

template <class Real>
void forward_blocked(UnaryKind kind, const LeibnizProgram& leibniz,
                     const FaaDiBrunoProgram& program, const ConstJetView<Real>& z,
                     const JetView<Real>& p, const JetView<Real>& y)
{
  const int components = static_cast<int>(p.extent(0));
  const int points = static_cast<int>(p.extent(1));
  const int features = static_cast<int>(p.extent(2));
  const int highest = program.max_order;
  const auto products = leibniz.terms;
  const auto product_offsets = leibniz.offsets;
  const auto terms = program.terms;
  const auto offsets = program.offsets;
  const Real* z_data = z.data();
  Real* p_data = p.data();
  Real* y_data = y.data();
  Kokkos::parallel_for(
      "pinnbench::jet::qres_forward", Kokkos::RangePolicy<ExecutionSpace>(0, points),
      KOKKOS_LAMBDA(const int n) {
        const std::size_t z_plane = static_cast<std::size_t>(points) * 2 * features;
        const std::size_t plane = static_cast<std::size_t>(points) * features;
        for (int f0 = 0; f0 < features; f0 += kBlock) {
          const int count = features - f0 < kBlock ? features - f0 : kBlock;
          const Real* z1 = z_data + static_cast<std::size_t>(n) * 2 * features + f0;
          const Real* z2 = z1 + features;
          const std::size_t base = static_cast<std::size_t>(n) * features + f0;
          for (int k = 0; k < components; ++k) {
            Real acc[kBlock];
            for (int f = 0; f < count; ++f)
              acc[f] = Real(0);
            for (int t = product_offsets(k); t < product_offsets(k + 1); ++t) {
              const LeibnizTerm term = products(t);
              const Real coefficient = static_cast<Real>(term.coefficient);
              const Real* a = z1 + term.left * z_plane;
              const Real* b = z2 + term.right * z_plane;
              for (int f = 0; f < count; ++f)
                acc[f] += coefficient * a[f] * b[f];
            }
            const Real* residual = z1 + k * z_plane;
            Real* pk = p_data + k * plane + base;
            for (int f = 0; f < count; ++f)
              pk[f] = acc[f] + residual[f];
          }
          BlockDerivatives<Real> table;
          tabulate_up_to(kind, highest, p_data + base, count, Real(1), Real(1), table);
          faa_di_bruno_forward(terms, offsets, components, table, p_data + base, plane, count,
                               y_data + base, plane);
        }
      });
}

template <class Real>
void vjp_blocked(UnaryKind kind, const LeibnizProgram& leibniz, const FaaDiBrunoProgram& program,
                 const ConstJetView<Real>& z, const ConstJetView<Real>& p,
                 const ConstJetView<Real>& y, const ConstJetView<Real>& adjoint_y,
                 const JetView<Real>& adjoint_p, const JetView<Real>& adjoint_z)
{
  const int components = static_cast<int>(p.extent(0));
  const int points = static_cast<int>(p.extent(1));
  const int features = static_cast<int>(p.extent(2));
  const int highest = program.max_order + 1;
  const auto products = leibniz.terms;
  const auto product_offsets = leibniz.offsets;
  const auto terms = program.terms;
  const auto offsets = program.offsets;
  const Real* z_data = z.data();
  const Real* p_data = p.data();
  const Real* y_data = y.data();
  const Real* g_data = adjoint_y.data();
  Real* gp_data = adjoint_p.data();
  Real* out_data = adjoint_z.data();
  Kokkos::parallel_for(
      "pinnbench::jet::qres_vjp", Kokkos::RangePolicy<ExecutionSpace>(0, points),
      KOKKOS_LAMBDA(const int n) {
        const std::size_t z_plane = static_cast<std::size_t>(points) * 2 * features;
        const std::size_t plane = static_cast<std::size_t>(points) * features;
        for (int f0 = 0; f0 < features; f0 += kBlock) {
          const int count = features - f0 < kBlock ? features - f0 : kBlock;
          const std::size_t z_base = static_cast<std::size_t>(n) * 2 * features + f0;
          const std::size_t base = static_cast<std::size_t>(n) * features + f0;
          BlockDerivatives<Real> table;
          tabulate_up_to(kind, highest, p_data + base, count, Real(1), Real(1), table,
                         y_data + base);
          // The activation's adjoint dL/dp for this block (still in cache below).
          faa_di_bruno_vjp(terms, offsets, components, table, p_data + base, plane, g_data + base,
                           plane, count, gp_data + base, plane, false);
          const Real* z1 = z_data + z_base;
          const Real* z2 = z1 + features;
          Real* g1 = out_data + z_base;
          Real* g2 = g1 + features;
          // p = z1 z2 + z1: the residual term passes dL/dp to z1 unchanged.
          for (int k = 0; k < components; ++k) {
            const Real* gpk = gp_data + k * plane + base;
            Real* g1k = g1 + k * z_plane;
            Real* g2k = g2 + k * z_plane;
            for (int f = 0; f < count; ++f) {
              g1k[f] = gpk[f];
              g2k[f] = Real(0);
            }
          }
          for (int k = 0; k < components; ++k) {
            const Real* g = gp_data + k * plane + base;
            for (int t = product_offsets(k); t < product_offsets(k + 1); ++t) {
              const LeibnizTerm term = products(t);
              const Real coefficient = static_cast<Real>(term.coefficient);
              const Real* b = z2 + term.right * z_plane;
              Real* out = g1 + term.left * z_plane;
              for (int f = 0; f < count; ++f)
                out[f] += coefficient * g[f] * b[f];
            }
          }
          for (int k = 0; k < components; ++k) {
            const Real* g = gp_data + k * plane + base;
            for (int t = product_offsets(k); t < product_offsets(k + 1); ++t) {
              const LeibnizTerm term = products(t);
              const Real coefficient = static_cast<Real>(term.coefficient);
              const Real* a = z1 + term.left * z_plane;
              Real* out = g2 + term.right * z_plane;
              for (int f = 0; f < count; ++f)
                out[f] += coefficient * g[f] * a[f];
            }
          }
        }
      });
}

// ---------------------------------------------------------------------------------
// flat: one thread per (point, feature), the jets in registers (GPUs).

template <class Real, int MaxComponents>
void forward_flat(UnaryKind kind, const LeibnizProgram& leibniz, const FaaDiBrunoProgram& program,
                  const ConstJetView<Real>& z, const JetView<Real>& p, const JetView<Real>& y)
{
  const int components = static_cast<int>(p.extent(0));
  const int points = static_cast<int>(p.extent(1));
  const int features = static_cast<int>(p.extent(2));
  const int highest = program.max_order;
  const auto products = leibniz.terms;
  const auto product_offsets = leibniz.offsets;
  const auto terms = program.terms;
  const auto offsets = program.offsets;
  Kokkos::parallel_for(
      "pinnbench::jet::qres_forward_flat",
      Kokkos::RangePolicy<ExecutionSpace>(0, static_cast<std::int64_t>(points) * features),
      KOKKOS_LAMBDA(const std::int64_t i) {
        const int n = static_cast<int>(i / features);
        const int f = static_cast<int>(i % features);
        Real pc[MaxComponents];
        for (int k = 0; k < components; ++k) {
          Real acc = Real(0);
          for (int t = product_offsets(k); t < product_offsets(k + 1); ++t) {
            const LeibnizTerm& term = products(t);
            acc += static_cast<Real>(term.coefficient) * z(term.left, n, f) *
                   z(term.right, n, features + f);
          }
          pc[k] = acc + z(k, n, f);
          p(k, n, f) = pc[k];
        }
        Real d[kMaxDerivative + 1] = {};
        unary_derivatives(kind, p(0, n, f), highest, d, Real(1), Real(1));
        y(0, n, f) = d[0];
        for (int c = 1; c < components; ++c) {
          Real acc = Real(0);
          for (int t = offsets(c); t < offsets(c + 1); ++t) {
            const FaaDiBrunoTerm& term = terms(t);
            Real product = static_cast<Real>(term.coefficient) * d[term.order];
            for (int q = 0; q < term.order; ++q)
              product *= pc[term.factors[q]];
            acc += product;
          }
          y(c, n, f) = acc;
        }
      });
}

template <class Real, int MaxComponents>
void vjp_flat(UnaryKind kind, const LeibnizProgram& leibniz, const FaaDiBrunoProgram& program,
              const ConstJetView<Real>& z, const ConstJetView<Real>& p,
              const ConstJetView<Real>& adjoint_y, const JetView<Real>& adjoint_z)
{
  const int components = static_cast<int>(p.extent(0));
  const int points = static_cast<int>(p.extent(1));
  const int features = static_cast<int>(p.extent(2));
  const int highest = program.max_order + 1;
  const auto products = leibniz.terms;
  const auto product_offsets = leibniz.offsets;
  const auto terms = program.terms;
  const auto offsets = program.offsets;
  Kokkos::parallel_for(
      "pinnbench::jet::qres_vjp_flat",
      Kokkos::RangePolicy<ExecutionSpace>(0, static_cast<std::int64_t>(points) * features),
      KOKKOS_LAMBDA(const std::int64_t i) {
        const int n = static_cast<int>(i / features);
        const int f = static_cast<int>(i % features);
        Real pc[MaxComponents];
        Real gp[MaxComponents];
        for (int c = 0; c < components; ++c) {
          pc[c] = p(c, n, f);
          gp[c] = Real(0);
        }
        Real d[kMaxDerivative + 1] = {};
        unary_derivatives(kind, p(0, n, f), highest, d, Real(1), Real(1));
        gp[0] = adjoint_y(0, n, f) * d[1];
        for (int c = 1; c < components; ++c) {
          const Real g = adjoint_y(c, n, f);
          for (int t = offsets(c); t < offsets(c + 1); ++t) {
            const FaaDiBrunoTerm& term = terms(t);
            const Real scaled = g * static_cast<Real>(term.coefficient);
            Real product = Real(1);
            for (int q = 0; q < term.order; ++q)
              product *= pc[term.factors[q]];
            gp[0] += scaled * d[term.order + 1] * product;
            for (int q = 0; q < term.order; ++q) {
              Real others = Real(1);
              for (int r = 0; r < term.order; ++r)
                if (r != q)
                  others *= pc[term.factors[r]];
              gp[term.factors[q]] += scaled * d[term.order] * others;
            }
          }
        }
        Real g1[MaxComponents];
        Real g2[MaxComponents];
        for (int c = 0; c < components; ++c) {
          g1[c] = gp[c];
          g2[c] = Real(0);
        }
        for (int k = 0; k < components; ++k)
          for (int t = product_offsets(k); t < product_offsets(k + 1); ++t) {
            const LeibnizTerm& term = products(t);
            const Real coefficient = static_cast<Real>(term.coefficient);
            g1[term.left] += coefficient * gp[k] * z(term.right, n, features + f);
            g2[term.right] += coefficient * gp[k] * z(term.left, n, f);
          }
        for (int c = 0; c < components; ++c) {
          adjoint_z(c, n, f) = g1[c];
          adjoint_z(c, n, features + f) = g2[c];
        }
      });
}

} // namespace

template <class Real>
void qres_forward(UnaryKind kind, const LeibnizProgram& leibniz, const FaaDiBrunoProgram& program,
                  const ConstJetView<Real>& z, const JetView<Real>& p, const JetView<Real>& y,
                  KernelVariant variant)
{
  check_shapes<Real>(leibniz, program, z, p);
  if (kind == UnaryKind::wave)
    throw LogicError("QRes block: the wave activation has parameters; use tape.unary()");
  const int components = static_cast<int>(p.extent(0));
  if (!use_flat(variant))
    forward_blocked(kind, leibniz, program, z, p, y);
  else if (components <= 8)
    forward_flat<Real, 8>(kind, leibniz, program, z, p, y);
  else if (components <= 16)
    forward_flat<Real, 16>(kind, leibniz, program, z, p, y);
  else if (components <= 64)
    forward_flat<Real, 64>(kind, leibniz, program, z, p, y);
  else
    forward_flat<Real, 256>(kind, leibniz, program, z, p, y);
}

template <class Real>
void qres_vjp(UnaryKind kind, const LeibnizProgram& leibniz, const FaaDiBrunoProgram& program,
              const ConstJetView<Real>& z, const ConstJetView<Real>& p, const ConstJetView<Real>& y,
              const ConstJetView<Real>& adjoint_y, const JetView<Real>& work,
              const JetView<Real>& adjoint_z, KernelVariant variant)
{
  check_shapes<Real>(leibniz, program, z, p);
  if (y.extent(0) != p.extent(0) || y.extent(1) != p.extent(1) || y.extent(2) != p.extent(2))
    throw LogicError("QRes block: y must have p's shape");
  const int components = static_cast<int>(p.extent(0));
  if (!use_flat(variant))
    vjp_blocked(kind, leibniz, program, z, p, y, adjoint_y, work, adjoint_z);
  else if (components <= 8)
    vjp_flat<Real, 8>(kind, leibniz, program, z, p, adjoint_y, adjoint_z);
  else if (components <= 16)
    vjp_flat<Real, 16>(kind, leibniz, program, z, p, adjoint_y, adjoint_z);
  else if (components <= 64)
    vjp_flat<Real, 64>(kind, leibniz, program, z, p, adjoint_y, adjoint_z);
  else
    vjp_flat<Real, 256>(kind, leibniz, program, z, p, adjoint_y, adjoint_z);
}

template <class Real>
void qres_pack_parameters(const BiasView<Real>& parameters, const QResBlockParameters& block,
                          int outputs, int inputs, const BiasGradientView<Real>& packed)
{
  const std::int64_t weights = static_cast<std::int64_t>(outputs) * inputs;
  if (static_cast<std::int64_t>(packed.extent(0)) < 2 * weights + 2 * outputs)
    throw LogicError("QRes block: packed parameter buffer too small");
  const std::size_t w1 = block.h1_weight, w2 = block.h2_weight;
  const std::int64_t b1 = block.h1_bias, b2 = block.h2_bias;
  Kokkos::parallel_for(
      "pinnbench::jet::qres_pack",
      Kokkos::RangePolicy<ExecutionSpace>(0, 2 * weights + 2 * outputs),
      KOKKOS_LAMBDA(const std::int64_t i) {
        if (i < weights)
          packed(i) = parameters(w1 + i);
        else if (i < 2 * weights)
          packed(i) = parameters(w2 + (i - weights));
        else if (i < 2 * weights + outputs)
          packed(i) = b1 >= 0 ? parameters(b1 + (i - 2 * weights)) : Real(0);
        else
          packed(i) = b2 >= 0 ? parameters(b2 + (i - 2 * weights - outputs)) : Real(0);
      });
}

template <class Real>
void qres_unpack_gradient(const BiasView<Real>& packed, const QResBlockParameters& block,
                          int outputs, int inputs, const BiasGradientView<Real>& gradient)
{
  const std::int64_t weights = static_cast<std::int64_t>(outputs) * inputs;
  const std::size_t w1 = block.h1_weight, w2 = block.h2_weight;
  const std::int64_t b1 = block.h1_bias, b2 = block.h2_bias;
  Kokkos::parallel_for(
      "pinnbench::jet::qres_unpack",
      Kokkos::RangePolicy<ExecutionSpace>(0, 2 * weights + 2 * outputs),
      KOKKOS_LAMBDA(const std::int64_t i) {
        if (i < weights)
          gradient(w1 + i) += packed(i);
        else if (i < 2 * weights)
          gradient(w2 + (i - weights)) += packed(i);
        else if (i < 2 * weights + outputs) {
          if (b1 >= 0)
            gradient(b1 + (i - 2 * weights)) += packed(i);
        } else if (b2 >= 0)
          gradient(b2 + (i - 2 * weights - outputs)) += packed(i);
      });
}

#define PINNBENCH_INSTANTIATE_QRES(Real)                                                           \
  template void qres_forward<Real>(UnaryKind, const LeibnizProgram&, const FaaDiBrunoProgram&,     \
                                   const ConstJetView<Real>&, const JetView<Real>&,                \
                                   const JetView<Real>&, KernelVariant);                           \
  template void qres_vjp<Real>(UnaryKind, const LeibnizProgram&, const FaaDiBrunoProgram&,         \
                               const ConstJetView<Real>&, const ConstJetView<Real>&,               \
                               const ConstJetView<Real>&, const ConstJetView<Real>&,               \
                               const JetView<Real>&, const JetView<Real>&, KernelVariant);         \
  template void qres_pack_parameters<Real>(const BiasView<Real>&, const QResBlockParameters&, int, \
                                           int, const BiasGradientView<Real>&);                    \
  template void qres_unpack_gradient<Real>(const BiasView<Real>&, const QResBlockParameters&, int, \
                                           int, const BiasGradientView<Real>&);

PINNBENCH_INSTANTIATE_QRES(float)
PINNBENCH_INSTANTIATE_QRES(double)

} // namespace pinnbench::jet
