#include <pinnbench/core/Math.hpp>
#include <pinnbench/objective/WeightPenalty.hpp>

namespace pinnbench::objective {

template <class Real>
double WeightPenalty<Real>::penalty(const Vector<Real>& parameters, const Vector<Real>& gradient,
                                    double weight) const
{
  const bool l1 = norm_ == PenaltyNorm::l1;
  const bool with_gradient = gradient.data() != nullptr;
  const Real scale = static_cast<Real>(weight);
  double total = 0.0;
  for (const auto& [offset, size] : ranges_) {
    double sum = 0.0;
    Kokkos::parallel_reduce(
        "pinnbench::objective::weight_penalty",
        Kokkos::RangePolicy<ExecutionSpace>(offset, offset + size),
        KOKKOS_LAMBDA(const std::size_t i, double& local) {
          const Real theta = parameters(i);
          local += l1 ? static_cast<double>(math::abs(theta)) : static_cast<double>(theta) * theta;
          if (with_gradient) {
            const Real sign = theta > Real(0) ? Real(1) : theta < Real(0) ? Real(-1) : Real(0);
            gradient(i) += scale * (l1 ? sign : Real(2) * theta);
          }
        },
        sum);
    total += sum;
  }
  return total;
}

template class WeightPenalty<float>;
template class WeightPenalty<double>;

} // namespace pinnbench::objective
