#pragma once
// gPINN (Yu et al. 2022; spec/ropinn.md §7.3): adds
// weight * sum_j mean((d_j R)^2) for every PDE residual R and input coordinate j.
#include <pinnbench/objective/Objective.hpp>

namespace pinnbench::objective {

template <class Real>
class Gpinn final : public Objective<Real>
{
public:
  explicit Gpinn(double weight) : weight_(weight) {}
  std::string name() const override { return "gpinn"; }
  int derivative_raise(const pde::Term& term) const override
  {
    return term.kind == pde::TermKind::pde ? 1 : 0;
  }
  std::vector<std::pair<std::string, double>> extra_terms() const override
  {
    return {{"gradient", weight_}};
  }
  void contribute(const pde::Term& term, double term_weight, const jet::Var<Real>& r,
                  const pde::TermContext<Real>& context,
                  std::vector<LossContribution<Real>>& out) const override
  {
    Objective<Real>::contribute(term, term_weight, r, context, out);
    if (term.kind != pde::TermKind::pde)
      return;
    for (int axis = 0; axis < context.axes(); ++axis) {
      const auto derivative = jet::d(r, axis);
      out.push_back({"gradient", r.tape().sum_squares(derivative.id()), 1.0});
    }
  }

private:
  double weight_;
};

} // namespace pinnbench::objective
