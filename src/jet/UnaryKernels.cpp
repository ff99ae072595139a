// Faa di Bruno forward and VJP kernels.
//
// host_blocked: one point per iteration; for a block of features the
// derivatives f^(k)(z_0) are tabulated first, then each program term is one
// vectorisable loop over the block. flat: one (point, feature) per thread with
// the whole jet in registers, for GPUs.
#include "FaaDiBrunoBlock.hpp"

#include <algorithm>
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

void check_program(const FaaDiBrunoProgram& program, int components)
{
  if (program.components != components)
    throw LogicError("Faa di Bruno program compiled for a different derivative set");
  if (program.max_order > kMaxOrder)
    throw LogicError("jet order above kMaxOrder");
}

// ---------------------------------------------------------------------------------
// host_blocked

template <class Real>
void unary_forward_blocked(UnaryKind kind, Real w1, Real w2, const FaaDiBrunoProgram& program,
                           const ConstJetView<Real>& z, const JetView<Real>& y)
{
  const int components = static_cast<int>(z.extent(0));
  const int points = static_cast<int>(z.extent(1));
  const int features = static_cast<int>(z.extent(2));
  const int highest = program.max_order;
  const auto terms = program.terms;
  const auto offsets = program.offsets;
  const Real* z_data = z.data();
  Real* y_data = y.data();
  Kokkos::parallel_for(
      "pinnbench::jet::unary_forward", Kokkos::RangePolicy<ExecutionSpace>(0, points),
      KOKKOS_LAMBDA(const int n) {
        const std::size_t plane = static_cast<std::size_t>(points) * features;
        for (int f0 = 0; f0 < features; f0 += kBlock) {
          const int count = features - f0 < kBlock ? features - f0 : kBlock;
          const std::size_t base = static_cast<std::size_t>(n) * features + f0;
          BlockDerivatives<Real> table;
          tabulate_up_to(kind, highest, z_data + base, count, w1, w2, table);
          faa_di_bruno_forward(terms, offsets, components, table, z_data + base, plane, count,
                               y_data + base, plane);
        }
      });
}

template <class Real>
void unary_vjp_blocked(UnaryKind kind, Real w1, Real w2, const FaaDiBrunoProgram& program,
                       const ConstJetView<Real>& z, const ConstJetView<Real>& adjoint_y,
                       const JetView<Real>& adjoint_z, bool accumulate, const Real* y_values)
{
  const int components = static_cast<int>(z.extent(0));
  const int points = static_cast<int>(z.extent(1));
  const int features = static_cast<int>(z.extent(2));
  const int highest = program.max_order + 1;
  const auto terms = program.terms;
  const auto offsets = program.offsets;
  const Real* z_data = z.data();
  const Real* g_data = adjoint_y.data();
  Real* out_data = adjoint_z.data();
  Kokkos::parallel_for(
      "pinnbench::jet::unary_vjp", Kokkos::RangePolicy<ExecutionSpace>(0, points),
      KOKKOS_LAMBDA(const int n) {
        const std::size_t plane = static_cast<std::size_t>(points) * features;
        for (int f0 = 0; f0 < features; f0 += kBlock) {
          const int count = features - f0 < kBlock ? features - f0 : kBlock;
          const std::size_t base = static_cast<std::size_t>(n) * features + f0;
          BlockDerivatives<Real> table;
          tabulate_up_to(kind, highest, z_data + base, count, w1, w2, table,
                         y_values ? y_values + base : nullptr);
          faa_di_bruno_vjp(terms, offsets, components, table, z_data + base, plane, g_data + base,
                           plane, count, out_data + base, plane, accumulate);
        }
      });
}

// ---------------------------------------------------------------------------------
// host_blocked, gradient + collapsed Laplacians: components 1 .. G are first
// derivatives and the rest Laplacians (FaaDiBrunoProgram::laplacian_fast_path).
// The program's terms in fused form, one pass per component instead of one per
// term and factor (f1, f2, f3 = f', f'', f''' at z_0):
//   y_c = f1 z_c,  y_L = f1 z_L + f2 sum_{c in L} z_c^2;
//   dz_0 = g_0 f1 + sum_c g_c f2 z_c + sum_L g_L (f2 z_L + f3 sum_{c in L} z_c^2),
//   dz_c = g_c f1 + 2 f2 z_c sum_{L containing c} g_L,  dz_L = g_L f1.

template <class Real>
void laplacian_forward_blocked(UnaryKind kind, Real w1, Real w2, const FaaDiBrunoProgram& program,
                               const ConstJetView<Real>& z, const JetView<Real>& y)
{
  const int points = static_cast<int>(z.extent(1));
  const int features = static_cast<int>(z.extent(2));
  const int gradient = program.first_order;
  const int laplacians = program.laplacians;
  unsigned members[kMaxFastLaplacians];
  for (int l = 0; l < kMaxFastLaplacians; ++l)
    members[l] = program.laplacian_members[l];
  const Real* z_data = z.data();
  Real* y_data = y.data();
  Kokkos::parallel_for(
      "pinnbench::jet::laplacian_forward", Kokkos::RangePolicy<ExecutionSpace>(0, points),
      KOKKOS_LAMBDA(const int n) {
        const std::size_t plane = static_cast<std::size_t>(points) * features;
        for (int f0 = 0; f0 < features; f0 += kBlock) {
          const int count = features - f0 < kBlock ? features - f0 : kBlock;
          const std::size_t base = static_cast<std::size_t>(n) * features + f0;
          BlockDerivatives<Real> table;
          tabulate<2>(kind, z_data + base, count, w1, w2, table);
          const Real* d1 = table.d[1];
          const Real* d2 = table.d[2];
          for (int f = 0; f < count; ++f)
            y_data[base + f] = table.d[0][f];
          for (int c = 1; c <= gradient; ++c) {
            const Real* zc = z_data + c * plane + base;
            Real* yc = y_data + c * plane + base;
            for (int f = 0; f < count; ++f)
              yc[f] = d1[f] * zc[f];
          }
          for (int l = 0; l < laplacians; ++l) {
            const int cl = gradient + 1 + l;
            Real squares[kBlock];
            for (int f = 0; f < count; ++f)
              squares[f] = Real(0);
            for (int c = 1; c <= gradient; ++c)
              if (members[l] & (1u << c)) {
                const Real* zc = z_data + c * plane + base;
                for (int f = 0; f < count; ++f)
                  squares[f] += zc[f] * zc[f];
              }
            const Real* zl = z_data + cl * plane + base;
            Real* yl = y_data + cl * plane + base;
            for (int f = 0; f < count; ++f)
              yl[f] = d1[f] * zl[f] + d2[f] * squares[f];
          }
        }
      });
}

template <class Real>
void laplacian_vjp_blocked(UnaryKind kind, Real w1, Real w2, const FaaDiBrunoProgram& program,
                           const ConstJetView<Real>& z, const ConstJetView<Real>& adjoint_y,
                           const JetView<Real>& adjoint_z, bool accumulate, const Real* y_values)
{
  const int points = static_cast<int>(z.extent(1));
  const int features = static_cast<int>(z.extent(2));
  const int gradient = program.first_order;
  const int laplacians = program.laplacians;
  unsigned members[kMaxFastLaplacians];
  for (int l = 0; l < kMaxFastLaplacians; ++l)
    members[l] = program.laplacian_members[l];
  const Real* z_data = z.data();
  const Real* g_data = adjoint_y.data();
  Real* out_data = adjoint_z.data();
  Kokkos::parallel_for(
      "pinnbench::jet::laplacian_vjp", Kokkos::RangePolicy<ExecutionSpace>(0, points),
      KOKKOS_LAMBDA(const int n) {
        const std::size_t plane = static_cast<std::size_t>(points) * features;
        for (int f0 = 0; f0 < features; f0 += kBlock) {
          const int count = features - f0 < kBlock ? features - f0 : kBlock;
          const std::size_t base = static_cast<std::size_t>(n) * features + f0;
          BlockDerivatives<Real> table;
          tabulate<3>(kind, z_data + base, count, w1, w2, table,
                      y_values ? y_values + base : nullptr);
          const Real* d1 = table.d[1];
          const Real* d2 = table.d[2];
          const Real* d3 = table.d[3];
          Real dz0[kBlock];
          // Per first derivative: 2 times the adjoints of the Laplacians it feeds.
          Real weight[kMaxCoordinates + 1][kBlock];
          const Real* g0 = g_data + base;
          for (int f = 0; f < count; ++f)
            dz0[f] = g0[f] * d1[f];
          for (int c = 1; c <= gradient; ++c)
            for (int f = 0; f < count; ++f)
              weight[c][f] = Real(0);
          for (int l = 0; l < laplacians; ++l) {
            const int cl = gradient + 1 + l;
            const Real* gl = g_data + cl * plane + base;
            const Real* zl = z_data + cl * plane + base;
            Real squares[kBlock];
            for (int f = 0; f < count; ++f)
              squares[f] = Real(0);
            for (int c = 1; c <= gradient; ++c)
              if (members[l] & (1u << c)) {
                const Real* zc = z_data + c * plane + base;
                for (int f = 0; f < count; ++f) {
                  squares[f] += zc[f] * zc[f];
                  weight[c][f] += Real(2) * gl[f];
                }
              }
            Real* outl = out_data + cl * plane + base;
            for (int f = 0; f < count; ++f) {
              dz0[f] += gl[f] * (d2[f] * zl[f] + d3[f] * squares[f]);
              const Real value = gl[f] * d1[f];
              outl[f] = accumulate ? outl[f] + value : value;
            }
          }
          for (int c = 1; c <= gradient; ++c) {
            const Real* gc = g_data + c * plane + base;
            const Real* zc = z_data + c * plane + base;
            Real* outc = out_data + c * plane + base;
            for (int f = 0; f < count; ++f) {
              dz0[f] += gc[f] * d2[f] * zc[f];
              const Real value = gc[f] * d1[f] + weight[c][f] * d2[f] * zc[f];
              outc[f] = accumulate ? outc[f] + value : value;
            }
          }
          Real* out0 = out_data + base;
          for (int f = 0; f < count; ++f)
            out0[f] = accumulate ? out0[f] + dz0[f] : dz0[f];
        }
      });
}

// ---------------------------------------------------------------------------------
// host_blocked, order <= 2 (FaaDiBrunoProgram::second_order_fast_path): the
// program's terms fused into one pass per component (f1, f2, f3 = the first
// three derivatives at z_0), which the double-PINN and gPINN sets of first- and
// second-order PDEs hit:
//   y_a = f1 z_a,  y_ab = f1 z_ab + f2 z_a z_b;
//   dz_0 = g_0 f1 + sum_a g_a f2 z_a + sum_ab g_ab (f2 z_ab + f3 z_a z_b),
//   dz_a = g_a f1 + f2 sum_{ab with factor a} g_ab z_b,  dz_ab = g_ab f1.

/// The fast path's component lists, copied into a kernel by value: the component
/// of each first and second derivative, and a second's two factors as indices
/// into `first` (a repeated factor appears twice).
struct SecondOrderLayout
{
  int firsts;
  int seconds;
  int first[kMaxCoordinates];
  int second[kMaxFastSeconds];
  int slot_a[kMaxFastSeconds];
  int slot_b[kMaxFastSeconds];

  explicit SecondOrderLayout(const FaaDiBrunoProgram& program)
      : firsts(program.firsts), seconds(program.seconds)
  {
    for (int i = 0; i < kMaxCoordinates; ++i)
      first[i] = program.first_components[i];
    for (int s = 0; s < kMaxFastSeconds; ++s) {
      second[s] = program.second_components[s];
      slot_a[s] = program.second_factors[s][0];
      slot_b[s] = program.second_factors[s][1];
    }
  }
};

/// A block's two WaveAct parameter sums, (sum a, sum b), in double and in
/// feature order, so that every variant adds them the same way.
template <class Real>
KOKKOS_FORCEINLINE_FUNCTION Kokkos::complex<double> block_sums(const Real* a, const Real* b,
                                                               int count)
{
  double sum_a = 0.0, sum_b = 0.0;
  for (int f = 0; f < count; ++f) {
    sum_a += static_cast<double>(a[f]);
    sum_b += static_cast<double>(b[f]);
  }
  return Kokkos::complex<double>(sum_a, sum_b);
}

/// The part of an order <= 2 VJP that does not depend on the function: for one
/// block, the adjoints of the first and second components,
///   dz_ab = g_ab f1,  dz_a = g_a f1 + f2 sum_{ab with factor a} g_ab z_b,
/// and the adjoint contracted with the jet's factors of order 1 and 2,
///   P1 = sum_a g_a z_a + sum_ab g_ab z_ab,  P2 = sum_ab g_ab z_a z_b,
/// so that dz_0 = g_0 f1 + P1 f2 + P2 f3 (f_k the k-th derivative at z_0).
template <class Real>
KOKKOS_FORCEINLINE_FUNCTION void
second_order_adjoint_block(const SecondOrderLayout& layout, const Real* g_data, const Real* z_data,
                           Real* out_data, std::size_t plane, std::size_t base, int count,
                           const Real* f1, const Real* f2, bool accumulate, Real* p1, Real* p2)
{
  // Per first derivative a: the sum over the second derivatives with factor a
  // of g_ab z_b (a repeated factor counts twice).
  Real weight[kMaxCoordinates][kBlock];
  for (int f = 0; f < count; ++f)
    p1[f] = p2[f] = Real(0);
  for (int i = 0; i < layout.firsts; ++i)
    for (int f = 0; f < count; ++f)
      weight[i][f] = Real(0);
  for (int s = 0; s < layout.seconds; ++s) {
    const Real* gs = g_data + layout.second[s] * plane + base;
    const Real* zs = z_data + layout.second[s] * plane + base;
    const Real* za = z_data + layout.first[layout.slot_a[s]] * plane + base;
    const Real* zb = z_data + layout.first[layout.slot_b[s]] * plane + base;
    Real* wa = weight[layout.slot_a[s]];
    Real* wb = weight[layout.slot_b[s]];
    Real* outs = out_data + layout.second[s] * plane + base;
    for (int f = 0; f < count; ++f) {
      p1[f] += gs[f] * zs[f];
      p2[f] += gs[f] * za[f] * zb[f];
      wa[f] += gs[f] * zb[f];
      wb[f] += gs[f] * za[f];
      const Real value = gs[f] * f1[f];
      outs[f] = accumulate ? outs[f] + value : value;
    }
  }
  for (int i = 0; i < layout.firsts; ++i) {
    const Real* ga = g_data + layout.first[i] * plane + base;
    const Real* za = z_data + layout.first[i] * plane + base;
    Real* outa = out_data + layout.first[i] * plane + base;
    for (int f = 0; f < count; ++f) {
      p1[f] += ga[f] * za[f];
      const Real value = ga[f] * f1[f] + f2[f] * weight[i][f];
      outa[f] = accumulate ? outa[f] + value : value;
    }
  }
}

template <class Real>
void second_order_forward_blocked(UnaryKind kind, Real w1, Real w2,
                                  const FaaDiBrunoProgram& program, const ConstJetView<Real>& z,
                                  const JetView<Real>& y)
{
  const int points = static_cast<int>(z.extent(1));
  const int features = static_cast<int>(z.extent(2));
  const SecondOrderLayout layout(program);
  const Real* z_data = z.data();
  Real* y_data = y.data();
  Kokkos::parallel_for(
      "pinnbench::jet::second_order_forward", Kokkos::RangePolicy<ExecutionSpace>(0, points),
      KOKKOS_LAMBDA(const int n) {
        const std::size_t plane = static_cast<std::size_t>(points) * features;
        for (int f0 = 0; f0 < features; f0 += kBlock) {
          const int count = features - f0 < kBlock ? features - f0 : kBlock;
          const std::size_t base = static_cast<std::size_t>(n) * features + f0;
          BlockDerivatives<Real> table;
          tabulate<2>(kind, z_data + base, count, w1, w2, table);
          const Real* d1 = table.d[1];
          const Real* d2 = table.d[2];
          for (int f = 0; f < count; ++f)
            y_data[base + f] = table.d[0][f];
          for (int i = 0; i < layout.firsts; ++i) {
            const Real* za = z_data + layout.first[i] * plane + base;
            Real* ya = y_data + layout.first[i] * plane + base;
            for (int f = 0; f < count; ++f)
              ya[f] = d1[f] * za[f];
          }
          for (int s = 0; s < layout.seconds; ++s) {
            const Real* zs = z_data + layout.second[s] * plane + base;
            const Real* za = z_data + layout.first[layout.slot_a[s]] * plane + base;
            const Real* zb = z_data + layout.first[layout.slot_b[s]] * plane + base;
            Real* ys = y_data + layout.second[s] * plane + base;
            for (int f = 0; f < count; ++f)
              ys[f] = d1[f] * zs[f] + d2[f] * za[f] * zb[f];
          }
        }
      });
}

template <class Real>
void second_order_vjp_blocked(UnaryKind kind, Real w1, Real w2, const FaaDiBrunoProgram& program,
                              const ConstJetView<Real>& z, const ConstJetView<Real>& adjoint_y,
                              const JetView<Real>& adjoint_z, bool accumulate, const Real* y_values)
{
  const int points = static_cast<int>(z.extent(1));
  const int features = static_cast<int>(z.extent(2));
  const SecondOrderLayout layout(program);
  const Real* z_data = z.data();
  const Real* g_data = adjoint_y.data();
  Real* out_data = adjoint_z.data();
  Kokkos::parallel_for(
      "pinnbench::jet::second_order_vjp", Kokkos::RangePolicy<ExecutionSpace>(0, points),
      KOKKOS_LAMBDA(const int n) {
        const std::size_t plane = static_cast<std::size_t>(points) * features;
        for (int f0 = 0; f0 < features; f0 += kBlock) {
          const int count = features - f0 < kBlock ? features - f0 : kBlock;
          const std::size_t base = static_cast<std::size_t>(n) * features + f0;
          BlockDerivatives<Real> table;
          tabulate<3>(kind, z_data + base, count, w1, w2, table,
                      y_values ? y_values + base : nullptr);
          const Real* d1 = table.d[1];
          const Real* d2 = table.d[2];
          const Real* d3 = table.d[3];
          Real p1[kBlock], p2[kBlock];
          second_order_adjoint_block(layout, g_data, z_data, out_data, plane, base, count, d1, d2,
                                     accumulate, p1, p2);
          const Real* g0 = g_data + base;
          Real* out0 = out_data + base;
          for (int f = 0; f < count; ++f) {
            const Real dz0 = g0[f] * d1[f] + p1[f] * d2[f] + p2[f] * d3[f];
            out0[f] = accumulate ? out0[f] + dz0 : dz0;
          }
        }
      });
}

// ---------------------------------------------------------------------------------
// host_blocked, WaveAct y = w1 sin z + w2 cos z on an order <= 2 set: the VJP and the
// two parameter sums in one pass and one sincos per element. With
//   P0 = g_0,  P1 = sum_a g_a z_a + sum_ab g_ab z_ab,  P2 = sum_ab g_ab z_a z_b
// (the adjoint contracted with the jet's Faa di Bruno factors of order 0, 1, 2):
//   dz_0 = P0 f1 + P1 f2 + P2 f3,  dL/dw1 = sum P_k sin^(k) z_0,
//   dL/dw2 = sum P_k cos^(k) z_0;  dz_a and dz_ab from second_order_adjoint_block.

template <class Real>
void wave_vjp_second_order_blocked(Real w1, Real w2, const FaaDiBrunoProgram& program,
                                   const ConstJetView<Real>& z, const ConstJetView<Real>& adjoint_y,
                                   const JetView<Real>& adjoint_z, bool accumulate,
                                   double& grad_sin, double& grad_cos)
{
  const int points = static_cast<int>(z.extent(1));
  const int features = static_cast<int>(z.extent(2));
  const SecondOrderLayout layout(program);
  const Real* z_data = z.data();
  const Real* g_data = adjoint_y.data();
  Real* out_data = adjoint_z.data();
  Kokkos::complex<double> sums(0.0, 0.0); // (dL/dw1, dL/dw2)
  Kokkos::parallel_reduce(
      "pinnbench::jet::wave_vjp", Kokkos::RangePolicy<ExecutionSpace>(0, points),
      KOKKOS_LAMBDA(const int n, Kokkos::complex<double>& local) {
        const std::size_t plane = static_cast<std::size_t>(points) * features;
        for (int f0 = 0; f0 < features; f0 += kBlock) {
          const int count = features - f0 < kBlock ? features - f0 : kBlock;
          const std::size_t base = static_cast<std::size_t>(n) * features + f0;
          const Real* z0 = z_data + base;
          // sin^(k) z_0 = (s, c, -s, -c); f^(k) = (even, odd, -even, -odd).
          Real sine[kBlock], cosine[kBlock], odd[kBlock], even[kBlock];
          for (int f = 0; f < count; ++f) {
            math::fast_sincos(z0[f], sine[f], cosine[f]);
            even[f] = w1 * sine[f] + w2 * cosine[f];
            odd[f] = w1 * cosine[f] - w2 * sine[f];
          }
          Real p1[kBlock], p2[kBlock], minus_even[kBlock];
          for (int f = 0; f < count; ++f)
            minus_even[f] = -even[f];
          second_order_adjoint_block(layout, g_data, z_data, out_data, plane, base, count, odd,
                                     minus_even, accumulate, p1, p2);
          const Real* g0 = g_data + base;
          Real* out0 = out_data + base;
          Real sin_part[kBlock], cos_part[kBlock];
          for (int f = 0; f < count; ++f) {
            const Real dz0 = g0[f] * odd[f] - p1[f] * even[f] - p2[f] * odd[f];
            out0[f] = accumulate ? out0[f] + dz0 : dz0;
            sin_part[f] = g0[f] * sine[f] + p1[f] * cosine[f] - p2[f] * sine[f];
            cos_part[f] = g0[f] * cosine[f] - p1[f] * sine[f] - p2[f] * cosine[f];
          }
          local += block_sums(sin_part, cos_part, count);
        }
      },
      sums);
  grad_sin = sums.real();
  grad_cos = sums.imag();
}

// ---------------------------------------------------------------------------------
// flat: one thread per (point, feature), the jet in registers. MaxComponents is
// a bucket above the set size so small sets do not pay for large arrays.

template <class Real, int MaxComponents>
void unary_forward_flat(UnaryKind kind, Real w1, Real w2, const FaaDiBrunoProgram& program,
                        const ConstJetView<Real>& z, const JetView<Real>& y)
{
  const int components = static_cast<int>(z.extent(0));
  const int points = static_cast<int>(z.extent(1));
  const int features = static_cast<int>(z.extent(2));
  const int highest = program.max_order;
  const auto terms = program.terms;
  const auto offsets = program.offsets;
  Kokkos::parallel_for(
      "pinnbench::jet::unary_forward_flat",
      Kokkos::RangePolicy<ExecutionSpace>(0, static_cast<std::int64_t>(points) * features),
      KOKKOS_LAMBDA(const std::int64_t i) {
        const int n = static_cast<int>(i / features);
        const int f = static_cast<int>(i % features);
        Real zc[MaxComponents];
        for (int c = 0; c < components; ++c)
          zc[c] = z(c, n, f);
        Real d[kMaxDerivative + 1] = {};
        unary_derivatives(kind, z(0, n, f), highest, d, w1, w2);
        y(0, n, f) = d[0];
        for (int c = 1; c < components; ++c) {
          Real acc = Real(0);
          for (int t = offsets(c); t < offsets(c + 1); ++t) {
            const FaaDiBrunoTerm& term = terms(t);
            Real product = static_cast<Real>(term.coefficient) * d[term.order];
            for (int q = 0; q < term.order; ++q)
              product *= zc[term.factors[q]];
            acc += product;
          }
          y(c, n, f) = acc;
        }
      });
}

template <class Real, int MaxComponents>
void unary_vjp_flat(UnaryKind kind, Real w1, Real w2, const FaaDiBrunoProgram& program,
                    const ConstJetView<Real>& z, const ConstJetView<Real>& adjoint_y,
                    const JetView<Real>& adjoint_z, bool accumulate)
{
  const int components = static_cast<int>(z.extent(0));
  const int points = static_cast<int>(z.extent(1));
  const int features = static_cast<int>(z.extent(2));
  const int highest = program.max_order + 1;
  const auto terms = program.terms;
  const auto offsets = program.offsets;
  Kokkos::parallel_for(
      "pinnbench::jet::unary_vjp_flat",
      Kokkos::RangePolicy<ExecutionSpace>(0, static_cast<std::int64_t>(points) * features),
      KOKKOS_LAMBDA(const std::int64_t i) {
        const int n = static_cast<int>(i / features);
        const int f = static_cast<int>(i % features);
        Real zc[MaxComponents];
        Real gz[MaxComponents];
        for (int c = 0; c < components; ++c) {
          zc[c] = z(c, n, f);
          gz[c] = Real(0);
        }
        Real d[kMaxDerivative + 1] = {};
        unary_derivatives(kind, z(0, n, f), highest, d, w1, w2);
        gz[0] = adjoint_y(0, n, f) * d[1];
        for (int c = 1; c < components; ++c) {
          const Real g = adjoint_y(c, n, f);
          for (int t = offsets(c); t < offsets(c + 1); ++t) {
            const FaaDiBrunoTerm& term = terms(t);
            const Real scaled = g * static_cast<Real>(term.coefficient);
            Real product = Real(1);
            for (int q = 0; q < term.order; ++q)
              product *= zc[term.factors[q]];
            gz[0] += scaled * d[term.order + 1] * product;
            for (int q = 0; q < term.order; ++q) {
              Real others = Real(1);
              for (int r = 0; r < term.order; ++r)
                if (r != q)
                  others *= zc[term.factors[r]];
              gz[term.factors[q]] += scaled * d[term.order] * others;
            }
          }
        }
        for (int c = 0; c < components; ++c)
          adjoint_z(c, n, f) = accumulate ? adjoint_z(c, n, f) + gz[c] : gz[c];
      });
}

template <class Real>
void dispatch_forward_flat(UnaryKind kind, Real w1, Real w2, const FaaDiBrunoProgram& program,
                           const ConstJetView<Real>& z, const JetView<Real>& y)
{
  const int components = static_cast<int>(z.extent(0));
  if (components <= 8)
    unary_forward_flat<Real, 8>(kind, w1, w2, program, z, y);
  else if (components <= 16)
    unary_forward_flat<Real, 16>(kind, w1, w2, program, z, y);
  else if (components <= 64)
    unary_forward_flat<Real, 64>(kind, w1, w2, program, z, y);
  else
    unary_forward_flat<Real, 256>(kind, w1, w2, program, z, y);
}

template <class Real>
void dispatch_vjp_flat(UnaryKind kind, Real w1, Real w2, const FaaDiBrunoProgram& program,
                       const ConstJetView<Real>& z, const ConstJetView<Real>& adjoint_y,
                       const JetView<Real>& adjoint_z, bool accumulate)
{
  const int components = static_cast<int>(z.extent(0));
  if (components <= 8)
    unary_vjp_flat<Real, 8>(kind, w1, w2, program, z, adjoint_y, adjoint_z, accumulate);
  else if (components <= 16)
    unary_vjp_flat<Real, 16>(kind, w1, w2, program, z, adjoint_y, adjoint_z, accumulate);
  else if (components <= 64)
    unary_vjp_flat<Real, 64>(kind, w1, w2, program, z, adjoint_y, adjoint_z, accumulate);
  else
    unary_vjp_flat<Real, 256>(kind, w1, w2, program, z, adjoint_y, adjoint_z, accumulate);
}

} // namespace

template <class Real>
void unary_forward(UnaryKind kind, Real w1, Real w2, const FaaDiBrunoProgram& program,
                   const ConstJetView<Real>& z, const JetView<Real>& y, KernelVariant variant)
{
  check_program(program, static_cast<int>(z.extent(0)));
  if (z.extent(0) != y.extent(0) || z.extent(1) != y.extent(1) || z.extent(2) != y.extent(2))
    throw LogicError("unary_forward: input and output jets differ in shape");
  if (use_flat(variant))
    dispatch_forward_flat(kind, w1, w2, program, z, y);
  else if (program.laplacian_fast_path)
    laplacian_forward_blocked(kind, w1, w2, program, z, y);
  else if (program.second_order_fast_path)
    second_order_forward_blocked(kind, w1, w2, program, z, y);
  else
    unary_forward_blocked(kind, w1, w2, program, z, y);
}

template <class Real>
void unary_vjp(UnaryKind kind, Real w1, Real w2, const FaaDiBrunoProgram& program,
               const ConstJetView<Real>& z, const ConstJetView<Real>& adjoint_y,
               const JetView<Real>& adjoint_z, bool accumulate, KernelVariant variant,
               const ConstJetView<Real>& y)
{
  check_program(program, static_cast<int>(z.extent(0)));
  if (y.size() > 0 &&
      (y.extent(0) != z.extent(0) || y.extent(1) != z.extent(1) || y.extent(2) != z.extent(2)))
    throw LogicError("unary_vjp: input and output jets differ in shape");
  // Component 0 of y, laid out like component 0 of z.
  const Real* y_values = y.size() > 0 ? y.data() : nullptr;
  if (use_flat(variant))
    dispatch_vjp_flat(kind, w1, w2, program, z, adjoint_y, adjoint_z, accumulate);
  else if (program.laplacian_fast_path)
    laplacian_vjp_blocked(kind, w1, w2, program, z, adjoint_y, adjoint_z, accumulate, y_values);
  else if (program.second_order_fast_path)
    second_order_vjp_blocked(kind, w1, w2, program, z, adjoint_y, adjoint_z, accumulate, y_values);
  else
    unary_vjp_blocked(kind, w1, w2, program, z, adjoint_y, adjoint_z, accumulate, y_values);
}

template <class Real>
void wave_parameter_gradient(const FaaDiBrunoProgram& program, const ConstJetView<Real>& z,
                             const ConstJetView<Real>& adjoint_y, double& grad_w1, double& grad_w2,
                             KernelVariant variant)
{
  // y = w1 S + w2 C where S, C are the jets of sin z and cos z, so
  // dL/dw1 = <adjoint_y, S> and dL/dw2 = <adjoint_y, C>. One pass, one sin and
  // cos per element: the k-th derivative of cos is the (k+1)-th of sin.
  check_program(program, static_cast<int>(z.extent(0)));
  const int components = static_cast<int>(z.extent(0));
  const int points = static_cast<int>(z.extent(1));
  const int features = static_cast<int>(z.extent(2));
  const int highest = program.max_order + 1;
  const auto terms = program.terms;
  const auto offsets = program.offsets;
  Kokkos::complex<double> sums(0.0, 0.0); // (dL/dw1, dL/dw2)
  if (use_flat(variant)) {
    Kokkos::parallel_reduce(
        "pinnbench::jet::wave_parameter_gradient_flat",
        Kokkos::RangePolicy<ExecutionSpace>(0, static_cast<std::int64_t>(points) * features),
        KOKKOS_LAMBDA(const std::int64_t i, Kokkos::complex<double>& local) {
          const int n = static_cast<int>(i / features);
          const int f = static_cast<int>(i % features);
          Real d[kMaxDerivative + 2];
          // The derivatives of sin: a wave with (w1, w2) = (1, 0) (its vectorisable sincos).
          unary_derivatives(UnaryKind::wave, z(0, n, f), highest, d, Real(1), Real(0));
          double sin_part = static_cast<double>(adjoint_y(0, n, f)) * d[0];
          double cos_part = static_cast<double>(adjoint_y(0, n, f)) * d[1];
          for (int c = 1; c < components; ++c) {
            Real acc_sin = Real(0), acc_cos = Real(0);
            for (int t = offsets(c); t < offsets(c + 1); ++t) {
              const FaaDiBrunoTerm& term = terms(t);
              Real product = static_cast<Real>(term.coefficient);
              for (int q = 0; q < term.order; ++q)
                product *= z(term.factors[q], n, f);
              acc_sin += product * d[term.order];
              acc_cos += product * d[term.order + 1];
            }
            sin_part += static_cast<double>(adjoint_y(c, n, f)) * acc_sin;
            cos_part += static_cast<double>(adjoint_y(c, n, f)) * acc_cos;
          }
          local += Kokkos::complex<double>(sin_part, cos_part);
        },
        sums);
  } else {
    const Real* z_data = z.data();
    const Real* g_data = adjoint_y.data();
    Kokkos::parallel_reduce(
        "pinnbench::jet::wave_parameter_gradient", Kokkos::RangePolicy<ExecutionSpace>(0, points),
        KOKKOS_LAMBDA(const int n, Kokkos::complex<double>& local) {
          const std::size_t plane = static_cast<std::size_t>(points) * features;
          for (int f0 = 0; f0 < features; f0 += kBlock) {
            const int count = features - f0 < kBlock ? features - f0 : kBlock;
            const std::size_t base = static_cast<std::size_t>(n) * features + f0;
            BlockDerivatives<Real> table; // derivatives of sin: a wave with (w1, w2) = (1, 0)
            tabulate<UnaryKind::wave, kMaxDerivative>(z_data + base, count, Real(1), Real(0),
                                                      table);
            Real sin_acc[kBlock], cos_acc[kBlock];
            for (int f = 0; f < count; ++f) {
              sin_acc[f] = g_data[base + f] * table.d[0][f];
              cos_acc[f] = g_data[base + f] * table.d[1][f];
            }
            for (int c = 1; c < components; ++c) {
              const Real* gc = g_data + c * plane + base;
              for (int t = offsets(c); t < offsets(c + 1); ++t) {
                const FaaDiBrunoTerm term = terms(t);
                Real product[kBlock];
                for (int f = 0; f < count; ++f)
                  product[f] = gc[f] * static_cast<Real>(term.coefficient);
                for (int q = 0; q < term.order; ++q) {
                  const Real* zq = z_data + term.factors[q] * plane + base;
                  for (int f = 0; f < count; ++f)
                    product[f] *= zq[f];
                }
                const Real* ds = table.d[term.order];
                const Real* dc = table.d[term.order + 1];
                for (int f = 0; f < count; ++f) {
                  sin_acc[f] += product[f] * ds[f];
                  cos_acc[f] += product[f] * dc[f];
                }
              }
            }
            local += block_sums(sin_acc, cos_acc, count);
          }
        },
        sums);
  }
  grad_w1 = sums.real();
  grad_w2 = sums.imag();
}

template <class Real>
void wave_vjp(Real w1, Real w2, const FaaDiBrunoProgram& program, const ConstJetView<Real>& z,
              const ConstJetView<Real>& adjoint_y, const JetView<Real>& adjoint_z, bool accumulate,
              double& grad_sin, double& grad_cos, KernelVariant variant)
{
  check_program(program, static_cast<int>(z.extent(0)));
  if (!use_flat(variant) && program.second_order_fast_path && !program.laplacian_fast_path) {
    if (adjoint_z.extent(0) != z.extent(0) || adjoint_z.extent(1) != z.extent(1) ||
        adjoint_z.extent(2) != z.extent(2) || adjoint_y.extent(0) != z.extent(0) ||
        adjoint_y.extent(1) != z.extent(1) || adjoint_y.extent(2) != z.extent(2))
      throw LogicError("wave_vjp: jets differ in shape");
    wave_vjp_second_order_blocked(w1, w2, program, z, adjoint_y, adjoint_z, accumulate, grad_sin,
                                  grad_cos);
    return;
  }
  wave_parameter_gradient(program, z, adjoint_y, grad_sin, grad_cos, variant);
  unary_vjp(UnaryKind::wave, w1, w2, program, z, adjoint_y, adjoint_z, accumulate, variant);
}

#define PINNBENCH_INSTANTIATE_UNARY(Real)                                                          \
  template void unary_forward<Real>(UnaryKind, Real, Real, const FaaDiBrunoProgram&,               \
                                    const ConstJetView<Real>&, const JetView<Real>&,               \
                                    KernelVariant);                                                \
  template void unary_vjp<Real>(UnaryKind, Real, Real, const FaaDiBrunoProgram&,                   \
                                const ConstJetView<Real>&, const ConstJetView<Real>&,              \
                                const JetView<Real>&, bool, KernelVariant,                         \
                                const ConstJetView<Real>&);                                        \
  template void wave_parameter_gradient<Real>(const FaaDiBrunoProgram&, const ConstJetView<Real>&, \
                                              const ConstJetView<Real>&, double&, double&,         \
                                              KernelVariant);                                      \
  template void wave_vjp<Real>(Real, Real, const FaaDiBrunoProgram&, const ConstJetView<Real>&,    \
                               const ConstJetView<Real>&, const JetView<Real>&, bool, double&,     \
                               double&, KernelVariant);

PINNBENCH_INSTANTIATE_UNARY(float)
PINNBENCH_INSTANTIATE_UNARY(double)

} // namespace pinnbench::jet
