// Faa di Bruno forward and VJP kernels.
//
// host_blocked: one point per iteration; for a block of features the
// derivatives f^(k)(z_0) are tabulated first, then each program term is one
// vectorisable loop over the block. flat: one (point, feature) per thread with
// the whole jet in registers, for GPUs.
#include <algorithm>
#include <pinnbench/core/Error.hpp>
#include <pinnbench/jet/Kernels.hpp>

namespace pinnbench::jet {

namespace {

constexpr int kBlock = 64;

template <class Real>
struct BlockDerivatives
{
  Real d[kMaxDerivative + 1][kBlock];
};

// Tabulate f^(k)(z0[f]) for every k <= kMaxDerivative; a compile-time kind lets
// the switch fold away and the loop vectorise.
template <UnaryKind Kind, class Real>
KOKKOS_INLINE_FUNCTION void tabulate(const Real* z0, int count, Real w1, Real w2,
                                     BlockDerivatives<Real>& table)
{
  for (int f = 0; f < count; ++f) {
    Real v[kMaxDerivative + 1];
    unary_derivatives(Kind, z0[f], kMaxDerivative, v, w1, w2);
    for (int k = 0; k <= kMaxDerivative; ++k)
      table.d[k][f] = v[k];
  }
}

template <class Real>
KOKKOS_INLINE_FUNCTION void tabulate(UnaryKind kind, const Real* z0, int count, Real w1, Real w2,
                                     BlockDerivatives<Real>& table)
{
  switch (kind) {
  case UnaryKind::tanh:
    return tabulate<UnaryKind::tanh>(z0, count, w1, w2, table);
  case UnaryKind::sin:
    return tabulate<UnaryKind::sin>(z0, count, w1, w2, table);
  case UnaryKind::cos:
    return tabulate<UnaryKind::cos>(z0, count, w1, w2, table);
  case UnaryKind::sigmoid:
    return tabulate<UnaryKind::sigmoid>(z0, count, w1, w2, table);
  case UnaryKind::silu:
    return tabulate<UnaryKind::silu>(z0, count, w1, w2, table);
  case UnaryKind::exp:
    return tabulate<UnaryKind::exp>(z0, count, w1, w2, table);
  case UnaryKind::log:
    return tabulate<UnaryKind::log>(z0, count, w1, w2, table);
  case UnaryKind::reciprocal:
    return tabulate<UnaryKind::reciprocal>(z0, count, w1, w2, table);
  case UnaryKind::sqrt:
    return tabulate<UnaryKind::sqrt>(z0, count, w1, w2, table);
  case UnaryKind::square:
    return tabulate<UnaryKind::square>(z0, count, w1, w2, table);
  case UnaryKind::wave:
    return tabulate<UnaryKind::wave>(z0, count, w1, w2, table);
  }
}

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
          tabulate(kind, z_data + base, count, w1, w2, table);
          for (int f = 0; f < count; ++f)
            y_data[base + f] = table.d[0][f];
          for (int c = 1; c < components; ++c) {
            Real acc[kBlock];
            for (int f = 0; f < count; ++f)
              acc[f] = Real(0);
            for (int t = offsets(c); t < offsets(c + 1); ++t) {
              const FaaDiBrunoTerm term = terms(t);
              const Real coefficient = static_cast<Real>(term.coefficient);
              const Real* dk = table.d[term.order];
              const Real* z1 = z_data + term.factors[0] * plane + base;
              switch (term.order) {
              case 1:
                for (int f = 0; f < count; ++f)
                  acc[f] += coefficient * dk[f] * z1[f];
                break;
              case 2: {
                const Real* z2 = z_data + term.factors[1] * plane + base;
                for (int f = 0; f < count; ++f)
                  acc[f] += coefficient * dk[f] * z1[f] * z2[f];
                break;
              }
              case 3: {
                const Real* z2 = z_data + term.factors[1] * plane + base;
                const Real* z3 = z_data + term.factors[2] * plane + base;
                for (int f = 0; f < count; ++f)
                  acc[f] += coefficient * dk[f] * z1[f] * z2[f] * z3[f];
                break;
              }
              default: {
                const Real* z2 = z_data + term.factors[1] * plane + base;
                const Real* z3 = z_data + term.factors[2] * plane + base;
                const Real* z4 = z_data + term.factors[3] * plane + base;
                for (int f = 0; f < count; ++f)
                  acc[f] += coefficient * dk[f] * z1[f] * z2[f] * z3[f] * z4[f];
                break;
              }
              }
            }
            Real* yc = y_data + c * plane + base;
            for (int f = 0; f < count; ++f)
              yc[f] = acc[f];
          }
        }
      });
}

template <class Real>
void unary_vjp_blocked(UnaryKind kind, Real w1, Real w2, const FaaDiBrunoProgram& program,
                       const ConstJetView<Real>& z, const ConstJetView<Real>& adjoint_y,
                       const JetView<Real>& adjoint_z, bool accumulate)
{
  const int components = static_cast<int>(z.extent(0));
  const int points = static_cast<int>(z.extent(1));
  const int features = static_cast<int>(z.extent(2));
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
          tabulate(kind, z_data + base, count, w1, w2, table);
          if (!accumulate)
            for (int c = 0; c < components; ++c)
              for (int f = 0; f < count; ++f)
                out_data[c * plane + base + f] = Real(0);
          Real* out0 = out_data + base;
          const Real* g0 = g_data + base;
          for (int f = 0; f < count; ++f)
            out0[f] += g0[f] * table.d[1][f];
          for (int c = 1; c < components; ++c) {
            const Real* gc = g_data + c * plane + base;
            for (int t = offsets(c); t < offsets(c + 1); ++t) {
              const FaaDiBrunoTerm term = terms(t);
              const Real coefficient = static_cast<Real>(term.coefficient);
              const int k = term.order;
              const Real* dk = table.d[k];
              const Real* dk1 = table.d[k + 1];
              const Real* zf[kMaxOrder];
              Real* outf[kMaxOrder];
              for (int q = 0; q < k; ++q) {
                zf[q] = z_data + term.factors[q] * plane + base;
                outf[q] = out_data + term.factors[q] * plane + base;
              }
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
                  out0[f] +=
                      gc[f] * coefficient * dk1[f] * zf[0][f] * zf[1][f] * zf[2][f] * zf[3][f];
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
      });
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
        Real d[kMaxDerivative + 1];
        unary_derivatives(kind, zc[0], highest, d, w1, w2);
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
        Real d[kMaxDerivative + 1];
        unary_derivatives(kind, zc[0], highest, d, w1, w2);
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
  else
    unary_forward_blocked(kind, w1, w2, program, z, y);
}

template <class Real>
void unary_vjp(UnaryKind kind, Real w1, Real w2, const FaaDiBrunoProgram& program,
               const ConstJetView<Real>& z, const ConstJetView<Real>& adjoint_y,
               const JetView<Real>& adjoint_z, bool accumulate, KernelVariant variant)
{
  check_program(program, static_cast<int>(z.extent(0)));
  if (use_flat(variant))
    dispatch_vjp_flat(kind, w1, w2, program, z, adjoint_y, adjoint_z, accumulate);
  else
    unary_vjp_blocked(kind, w1, w2, program, z, adjoint_y, adjoint_z, accumulate);
}

template <class Real>
void wave_parameter_gradient(const FaaDiBrunoProgram& program, const ConstJetView<Real>& z,
                             const ConstJetView<Real>& adjoint_y, double& grad_w1, double& grad_w2,
                             KernelVariant variant)
{
  // y = w1 S + w2 C where S, C are the jets of sin z and cos z, so
  // dL/dw1 = <adjoint_y, S> and dL/dw2 = <adjoint_y, C>. The sin table serves
  // both: cos^(k) = sin^(k+1), and k <= kMaxOrder < kMaxDerivative.
  check_program(program, static_cast<int>(z.extent(0)));
  const int components = static_cast<int>(z.extent(0));
  const int points = static_cast<int>(z.extent(1));
  const int features = static_cast<int>(z.extent(2));
  const auto terms = program.terms;
  const auto offsets = program.offsets;
  const Real* z_data = z.data();
  const Real* g_data = adjoint_y.data();
  for (int which = 0; which < 2; ++which) {
    double sum = 0.0;
    if (!use_flat(variant)) {
      // host_blocked: one point per iteration, vectorisable loops over feature blocks.
      Kokkos::parallel_reduce(
          "pinnbench::jet::wave_parameter_gradient", Kokkos::RangePolicy<ExecutionSpace>(0, points),
          KOKKOS_LAMBDA(const int n, double& local) {
            const std::size_t plane = static_cast<std::size_t>(points) * features;
            for (int f0 = 0; f0 < features; f0 += kBlock) {
              const int count = features - f0 < kBlock ? features - f0 : kBlock;
              const std::size_t base = static_cast<std::size_t>(n) * features + f0;
              BlockDerivatives<Real> table;
              tabulate(UnaryKind::sin, z_data + base, count, Real(1), Real(1), table);
              Real total = Real(0);
              for (int f = 0; f < count; ++f)
                total += g_data[base + f] * table.d[which][f];
              for (int c = 1; c < components; ++c) {
                Real acc[kBlock];
                for (int f = 0; f < count; ++f)
                  acc[f] = Real(0);
                for (int t = offsets(c); t < offsets(c + 1); ++t) {
                  const FaaDiBrunoTerm term = terms(t);
                  const Real coefficient = static_cast<Real>(term.coefficient);
                  const Real* dk = table.d[term.order + which];
                  const Real* z1 = z_data + term.factors[0] * plane + base;
                  switch (term.order) {
                  case 1:
                    for (int f = 0; f < count; ++f)
                      acc[f] += coefficient * dk[f] * z1[f];
                    break;
                  case 2: {
                    const Real* z2 = z_data + term.factors[1] * plane + base;
                    for (int f = 0; f < count; ++f)
                      acc[f] += coefficient * dk[f] * z1[f] * z2[f];
                    break;
                  }
                  case 3: {
                    const Real* z2 = z_data + term.factors[1] * plane + base;
                    const Real* z3 = z_data + term.factors[2] * plane + base;
                    for (int f = 0; f < count; ++f)
                      acc[f] += coefficient * dk[f] * z1[f] * z2[f] * z3[f];
                    break;
                  }
                  default: {
                    const Real* z2 = z_data + term.factors[1] * plane + base;
                    const Real* z3 = z_data + term.factors[2] * plane + base;
                    const Real* z4 = z_data + term.factors[3] * plane + base;
                    for (int f = 0; f < count; ++f)
                      acc[f] += coefficient * dk[f] * z1[f] * z2[f] * z3[f] * z4[f];
                    break;
                  }
                  }
                }
                const Real* gc = g_data + c * plane + base;
                for (int f = 0; f < count; ++f)
                  total += gc[f] * acc[f];
              }
              local += static_cast<double>(total);
            }
          },
          sum);
    } else {
      const int highest = program.max_order + 1;
      Kokkos::parallel_reduce(
          "pinnbench::jet::wave_parameter_gradient",
          Kokkos::RangePolicy<ExecutionSpace>(0, static_cast<std::int64_t>(points) * features),
          KOKKOS_LAMBDA(const std::int64_t i, double& local) {
            const int n = static_cast<int>(i / features);
            const int f = static_cast<int>(i % features);
            Real d[kMaxDerivative + 1];
            unary_derivatives(UnaryKind::sin, z(0, n, f), highest, d);
            double value = static_cast<double>(adjoint_y(0, n, f)) * d[which];
            for (int c = 1; c < components; ++c) {
              Real acc = Real(0);
              for (int t = offsets(c); t < offsets(c + 1); ++t) {
                const FaaDiBrunoTerm& term = terms(t);
                Real product = static_cast<Real>(term.coefficient) * d[term.order + which];
                for (int q = 0; q < term.order; ++q)
                  product *= z(term.factors[q], n, f);
                acc += product;
              }
              value += static_cast<double>(adjoint_y(c, n, f)) * acc;
            }
            local += value;
          },
          sum);
    }
    (which == 0 ? grad_w1 : grad_w2) = sum;
  }
}

#define PINNBENCH_INSTANTIATE_UNARY(Real)                                                          \
  template void unary_forward<Real>(UnaryKind, Real, Real, const FaaDiBrunoProgram&,               \
                                    const ConstJetView<Real>&, const JetView<Real>&,               \
                                    KernelVariant);                                                \
  template void unary_vjp<Real>(UnaryKind, Real, Real, const FaaDiBrunoProgram&,                   \
                                const ConstJetView<Real>&, const ConstJetView<Real>&,              \
                                const JetView<Real>&, bool, KernelVariant);                        \
  template void wave_parameter_gradient<Real>(const FaaDiBrunoProgram&, const ConstJetView<Real>&, \
                                              const ConstJetView<Real>&, double&, double&,         \
                                              KernelVariant);

PINNBENCH_INSTANTIATE_UNARY(float)
PINNBENCH_INSTANTIATE_UNARY(double)

} // namespace pinnbench::jet
