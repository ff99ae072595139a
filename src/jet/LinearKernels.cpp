// Linear layers on jets: every component goes through the same weights, so the
// stacked [S*N, F] matrix makes the whole jet one GEMM (bias on the value only).
#include <KokkosBlas3_gemm.hpp>
#include <pinnbench/core/Error.hpp>
#include <pinnbench/jet/Kernels.hpp>

namespace pinnbench::jet {

template <class Real>
std::int64_t linear_forward(const ConstJetView<Real>& a, const WeightView<Real>& weight,
                            const BiasView<Real>& bias, const JetView<Real>& z)
{
  const std::int64_t rows = static_cast<std::int64_t>(a.extent(0) * a.extent(1));
  const int inputs = static_cast<int>(a.extent(2));
  const int outputs = static_cast<int>(weight.extent(0));
  if (static_cast<int>(weight.extent(1)) != inputs || static_cast<int>(z.extent(2)) != outputs ||
      z.extent(0) != a.extent(0) || z.extent(1) != a.extent(1))
    throw LogicError("linear_forward: shapes of input, weight and output disagree");
  if (rows == 0)
    return 0;
  KokkosBlas::gemm("N", "T", Real(1), stacked(a), weight, Real(0), stacked(z));
  if (bias.data() != nullptr) {
    const int points = static_cast<int>(a.extent(1));
    Kokkos::parallel_for(
        "pinnbench::jet::linear_bias", Kokkos::RangePolicy<ExecutionSpace>(0, points),
        KOKKOS_LAMBDA(const int n) {
          for (int o = 0; o < outputs; ++o)
            z(0, n, o) += bias(o);
        });
  }
  return 2 * rows * inputs * outputs;
}

template <class Real>
std::int64_t linear_vjp(const ConstJetView<Real>& a, const WeightView<Real>& weight,
                        const ConstJetView<Real>& adjoint_z, const JetView<Real>& adjoint_a,
                        bool accumulate_a, const WeightGradientView<Real>& grad_weight,
                        const BiasGradientView<Real>& grad_bias)
{
  const std::int64_t rows = static_cast<std::int64_t>(a.extent(0) * a.extent(1));
  const int inputs = static_cast<int>(a.extent(2));
  const int outputs = static_cast<int>(weight.extent(0));
  if (rows == 0) {
    if (adjoint_a.data() != nullptr && !accumulate_a)
      Kokkos::deep_copy(adjoint_a, Real(0));
    return 0;
  }
  std::int64_t flops = 0;
  // dL/dW = sum over rows of dL/dz^T a: every component contributes.
  KokkosBlas::gemm("T", "N", Real(1), stacked(adjoint_z), stacked(a), Real(1), grad_weight);
  flops += 2 * rows * inputs * outputs;
  if (adjoint_a.data() != nullptr) {
    KokkosBlas::gemm("N", "N", Real(1), stacked(adjoint_z), weight,
                     accumulate_a ? Real(1) : Real(0), stacked(adjoint_a));
    flops += 2 * rows * inputs * outputs;
  }
  if (grad_bias.data() != nullptr) {
    // Column sums of the value component, over blocks of 64 outputs so that the
    // inner loop runs along contiguous memory.
    constexpr int block = 64;
    const int points = static_cast<int>(a.extent(1));
    const Real* dz = adjoint_z.data();
    Kokkos::parallel_for(
        "pinnbench::jet::linear_bias_gradient",
        Kokkos::RangePolicy<ExecutionSpace>(0, (outputs + block - 1) / block),
        KOKKOS_LAMBDA(const int b) {
          const int first = b * block;
          const int count = outputs - first < block ? outputs - first : block;
          Real sum[block];
          for (int o = 0; o < count; ++o)
            sum[o] = Real(0);
          for (int n = 0; n < points; ++n) {
            const Real* row = dz + static_cast<std::size_t>(n) * outputs + first;
            for (int o = 0; o < count; ++o)
              sum[o] += row[o];
          }
          for (int o = 0; o < count; ++o)
            grad_bias(first + o) += sum[o];
        });
  }
  return flops;
}

#define PINNBENCH_INSTANTIATE_LINEAR(Real)                                                         \
  template std::int64_t linear_forward<Real>(const ConstJetView<Real>&, const WeightView<Real>&,   \
                                             const BiasView<Real>&, const JetView<Real>&);         \
  template std::int64_t linear_vjp<Real>(                                                          \
      const ConstJetView<Real>&, const WeightView<Real>&, const ConstJetView<Real>&,               \
      const JetView<Real>&, bool, const WeightGradientView<Real>&, const BiasGradientView<Real>&);

PINNBENCH_INSTANTIATE_LINEAR(float)
PINNBENCH_INSTANTIATE_LINEAR(double)

} // namespace pinnbench::jet
