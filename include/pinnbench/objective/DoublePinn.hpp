#pragma once
// Double PINN (spec/failure_modes.md §1.2): double backpropagation over every
// residual term k (domain, each boundary, each initial condition):
//   D_k = mean_i |grad_z r_k(z_i)^2|^2,  loss += lambda * sum_k w_k D_k.
// The r^2 form vanishes wherever the residual does, so the exact solution stays
// a minimiser. Options reproduce the variants the paper leaves open.
#include <algorithm>
#include <pinnbench/objective/Objective.hpp>

namespace pinnbench::objective {

struct DoublePinnSettings
{
  double lambda = 1e-3;
  /// true: differentiate r^2 (default); false: differentiate r (gPINN-like).
  bool squared_residual = true;
  /// true: every input of every network evaluation; false: only the coordinates
  /// that vary on the term's points (t on a boundary, x on the initial line).
  bool all_coordinates = true;
  /// true: |d L_k / d Z_k|^2, the literal batch gradient (= D_k / N_k).
  bool batch_gradient = false;
};

template <class Real>
class DoublePinn final : public Objective<Real>
{
public:
  explicit DoublePinn(DoublePinnSettings settings) : settings_(settings) {}
  std::string name() const override { return "double_pinn"; }
  int derivative_raise(const pde::Term&) const override { return 1; }
  std::vector<std::pair<std::string, double>> extra_terms() const override
  {
    return {{"double_backprop", settings_.lambda}};
  }
  void contribute(const pde::Term& term, double term_weight, const jet::Var<Real>& r,
                  const pde::TermContext<Real>& context,
                  std::vector<LossContribution<Real>>& out) const override
  {
    Objective<Real>::contribute(term, term_weight, r, context, out);
    const jet::Var<Real> differentiated = settings_.squared_residual ? r * r : r;
    const double scale =
        term_weight / (settings_.batch_gradient ? static_cast<double>(term.size()) : 1.0);
    const int dimension = context.axes() / context.evaluations();
    for (int axis = 0; axis < context.axes(); ++axis) {
      const int coordinate = axis % dimension;
      const bool fixed = std::find(term.fixed_coordinates.begin(), term.fixed_coordinates.end(),
                                   coordinate) != term.fixed_coordinates.end();
      if (!settings_.all_coordinates && fixed)
        continue;
      const auto derivative = jet::d(differentiated, axis);
      out.push_back({"double_backprop", r.tape().sum_squares(derivative.id()), scale});
    }
  }

private:
  DoublePinnSettings settings_;
};

} // namespace pinnbench::objective
