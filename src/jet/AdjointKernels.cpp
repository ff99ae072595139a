// A network's reverse pass written as forward jet operations (PINNsFormer's
// token-wise tail, nn/PinnsFormer.cpp): the input adjoint of a linear layer,
// a W, and the output layer's seed, a feature-wise parameter scaling. Both are
// ordinary jet ops with their own VJPs, so the tape differentiates through them.
#include <KokkosBlas3_gemm.hpp>
#include <pinnbench/core/Error.hpp>
#include <pinnbench/jet/Kernels.hpp>

namespace pinnbench::jet {

namespace {

bool on_host()
{
  return Kokkos::SpaceAccessibility<ExecutionSpace, Kokkos::HostSpace>::accessible;
}

} // namespace

template <class Real>
std::int64_t linear_transposed_forward(const ConstJetView<Real>& a, const WeightView<Real>& weight,
                                       const JetView<Real>& z)
{
  const std::int64_t rows = static_cast<std::int64_t>(a.extent(0) * a.extent(1));
  const int outputs = static_cast<int>(weight.extent(0));
  const int inputs = static_cast<int>(weight.extent(1));
  if (static_cast<int>(a.extent(2)) != outputs || static_cast<int>(z.extent(2)) != inputs ||
      z.extent(0) != a.extent(0) || z.extent(1) != a.extent(1))
    throw LogicError("linear_transposed_forward: shapes of input, weight and output disagree");
  if (rows == 0)
    return 0;
  KokkosBlas::gemm("N", "N", Real(1), stacked(a), weight, Real(0), stacked(z));
  return 2 * rows * inputs * outputs;
}

template <class Real>
std::int64_t linear_transposed_vjp(const ConstJetView<Real>& a, const WeightView<Real>& weight,
                                   const ConstJetView<Real>& adjoint_z,
                                   const JetView<Real>& adjoint_a, bool accumulate_a,
                                   const WeightGradientView<Real>& grad_weight)
{
  const std::int64_t rows = static_cast<std::int64_t>(a.extent(0) * a.extent(1));
  const int outputs = static_cast<int>(weight.extent(0));
  const int inputs = static_cast<int>(weight.extent(1));
  if (rows == 0) {
    if (adjoint_a.data() != nullptr && !accumulate_a)
      Kokkos::deep_copy(adjoint_a, Real(0));
    return 0;
  }
  // z = a W: dL/dW = a^T dL/dz, dL/da = dL/dz W^T.
  KokkosBlas::gemm("T", "N", Real(1), stacked(a), stacked(adjoint_z), Real(1), grad_weight);
  std::int64_t flops = 2 * rows * inputs * outputs;
  if (adjoint_a.data() != nullptr) {
    KokkosBlas::gemm("N", "T", Real(1), stacked(adjoint_z), weight,
                     accumulate_a ? Real(1) : Real(0), stacked(adjoint_a));
    flops += 2 * rows * inputs * outputs;
  }
  return flops;
}

template <class Real>
void feature_scale_forward(const ConstJetView<Real>& a, const BiasView<Real>& scale,
                           const JetView<Real>& out)
{
  const std::int64_t rows = static_cast<std::int64_t>(a.extent(0) * a.extent(1));
  const int features = static_cast<int>(a.extent(2));
  if (static_cast<int>(scale.extent(0)) != features || out.extent(0) != a.extent(0) ||
      out.extent(1) != a.extent(1) || out.extent(2) != a.extent(2))
    throw LogicError("feature_scale_forward: shapes of input, scale and output disagree");
  const Real* in = a.data();
  Real* result = out.data();
  if (on_host()) {
    // One row per iteration, a vectorisable loop over contiguous features.
    Kokkos::parallel_for(
        "pinnbench::jet::feature_scale_forward", Kokkos::RangePolicy<ExecutionSpace>(0, rows),
        KOKKOS_LAMBDA(const std::int64_t r) {
          const Real* row = in + r * features;
          Real* target = result + r * features;
          for (int f = 0; f < features; ++f)
            target[f] = row[f] * scale(f);
        });
  } else {
    Kokkos::parallel_for(
        "pinnbench::jet::feature_scale_forward_flat",
        Kokkos::RangePolicy<ExecutionSpace>(0, rows * features),
        KOKKOS_LAMBDA(const std::int64_t i) { result[i] = in[i] * scale(i % features); });
  }
}

template <class Real>
void feature_scale_vjp(const ConstJetView<Real>& a, const BiasView<Real>& scale,
                       const ConstJetView<Real>& adjoint_out, const JetView<Real>& adjoint_a,
                       bool accumulate, const BiasGradientView<Real>& grad_scale)
{
  const std::int64_t rows = static_cast<std::int64_t>(a.extent(0) * a.extent(1));
  const int features = static_cast<int>(a.extent(2));
  const Real* in = a.data();
  const Real* adjoint = adjoint_out.data();
  if (adjoint_a.data() != nullptr) {
    Real* target = adjoint_a.data();
    if (on_host()) {
      Kokkos::parallel_for(
          "pinnbench::jet::feature_scale_vjp", Kokkos::RangePolicy<ExecutionSpace>(0, rows),
          KOKKOS_LAMBDA(const std::int64_t r) {
            const Real* row = adjoint + r * features;
            Real* out = target + r * features;
            if (accumulate)
              for (int f = 0; f < features; ++f)
                out[f] += row[f] * scale(f);
            else
              for (int f = 0; f < features; ++f)
                out[f] = row[f] * scale(f);
          });
    } else {
      Kokkos::parallel_for(
          "pinnbench::jet::feature_scale_vjp_flat",
          Kokkos::RangePolicy<ExecutionSpace>(0, rows * features),
          KOKKOS_LAMBDA(const std::int64_t i) {
            const Real value = adjoint[i] * scale(i % features);
            target[i] = accumulate ? target[i] + value : value;
          });
    }
  }
  // Column sums of adjoint (.) a over blocks of 64 features (contiguous inner loop).
  constexpr int block = 64;
  Kokkos::parallel_for(
      "pinnbench::jet::feature_scale_gradient",
      Kokkos::RangePolicy<ExecutionSpace>(0, (features + block - 1) / block),
      KOKKOS_LAMBDA(const int b) {
        const int first = b * block;
        const int count = features - first < block ? features - first : block;
        Real sum[block];
        for (int f = 0; f < count; ++f)
          sum[f] = Real(0);
        for (std::int64_t r = 0; r < rows; ++r) {
          const Real* g = adjoint + r * features + first;
          const Real* x = in + r * features + first;
          for (int f = 0; f < count; ++f)
            sum[f] += g[f] * x[f];
        }
        for (int f = 0; f < count; ++f)
          grad_scale(first + f) += sum[f];
      });
}

#define PINNBENCH_INSTANTIATE_ADJOINT(Real)                                                        \
  template std::int64_t linear_transposed_forward<Real>(                                           \
      const ConstJetView<Real>&, const WeightView<Real>&, const JetView<Real>&);                   \
  template std::int64_t linear_transposed_vjp<Real>(                                               \
      const ConstJetView<Real>&, const WeightView<Real>&, const ConstJetView<Real>&,               \
      const JetView<Real>&, bool, const WeightGradientView<Real>&);                                \
  template void feature_scale_forward<Real>(const ConstJetView<Real>&, const BiasView<Real>&,      \
                                            const JetView<Real>&);                                 \
  template void feature_scale_vjp<Real>(const ConstJetView<Real>&, const BiasView<Real>&,          \
                                        const ConstJetView<Real>&, const JetView<Real>&, bool,     \
                                        const BiasGradientView<Real>&);

PINNBENCH_INSTANTIATE_ADJOINT(float)
PINNBENCH_INSTANTIATE_ADJOINT(double)

} // namespace pinnbench::jet
