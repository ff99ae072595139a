#pragma once
// L1 and L2 parameter penalties, lambda * sum |theta| or lambda * sum theta^2
// (the regularisers the failure-mode paper reports as removing failure modes).
// The subgradient of |theta| at 0 is taken as 0, as PyTorch's abs() does.
#include <pinnbench/objective/Objective.hpp>

namespace pinnbench::objective {

enum class PenaltyNorm
{
  l1,
  l2
};

template <class Real>
class WeightPenalty final : public Objective<Real>
{
public:
  /// `ranges` are the [offset, offset + size) blocks of penalised parameters.
  WeightPenalty(PenaltyNorm norm, double lambda,
                std::vector<std::pair<std::size_t, std::size_t>> ranges)
      : norm_(norm), lambda_(lambda), ranges_(std::move(ranges))
  {}
  std::string name() const override { return norm_ == PenaltyNorm::l1 ? "l1" : "l2"; }
  std::vector<std::pair<std::string, double>> extra_terms() const override
  {
    return {{"penalty", lambda_}};
  }
  double penalty(const Vector<Real>& parameters, const Vector<Real>& gradient,
                 double weight) const override;

private:
  PenaltyNorm norm_;
  double lambda_;
  std::vector<std::pair<std::size_t, std::size_t>> ranges_;
};

} // namespace pinnbench::objective
