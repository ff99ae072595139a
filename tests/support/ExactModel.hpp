#pragma once
// Parameter-free "networks" whose outputs are formulas of the coordinate jets,
// and the residual of a task's term with such a network, at every point of the
// term: how task tests check residuals against exact or manufactured solutions.
#include <functional>
#include <pinnbench/jet/Expression.hpp>
#include <pinnbench/nn/Model.hpp>
#include <pinnbench/pde/DevicePoints.hpp>
#include <pinnbench/pde/Task.hpp>
#include <pinnbench/pde/TermContext.hpp>
#include <string>
#include <vector>

namespace pinnbench::test_support {

using Vars = std::vector<jet::Var<double>>;

/// outputs = formula(coordinates), stacked as features.
class ExactModel final : public nn::Model<double>
{
public:
  using Formula = std::function<Vars(const Vars& x)>;
  ExactModel(int inputs, int outputs, Formula formula)
      : inputs_(inputs), outputs_(outputs), formula_(std::move(formula))
  {}
  std::string name() const override { return "exact"; }
  int inputs() const override { return inputs_; }
  int outputs() const override { return outputs_; }
  const nn::ParameterLayout& layout() const override { return layout_; }
  void initialize(const Vector<double>&, std::uint64_t) const override {}
  jet::Var<double> forward(const jet::Var<double>& z) const override
  {
    Vars x;
    for (int j = 0; j < inputs_; ++j)
      x.push_back(jet::feature(z, j));
    const Vars u = formula_(x);
    if (outputs_ == 1)
      return u.front();
    // Stack the outputs as features: sum_k mask_k * u_k, mask_k a constant jet.
    auto& tape = z.tape();
    const auto points = static_cast<std::size_t>(z.value().values.extent(1));
    jet::Var<double> stacked;
    for (int k = 0; k < outputs_; ++k) {
      Matrix<double> mask("mask", points, static_cast<std::size_t>(outputs_));
      auto host = Kokkos::create_mirror_view(mask);
      for (std::size_t n = 0; n < points; ++n)
        for (int f = 0; f < outputs_; ++f)
          host(n, f) = f == k ? 1.0 : 0.0;
      Kokkos::deep_copy(mask, host);
      const jet::Var<double> m(tape, tape.constants(mask, z.set()));
      stacked = k == 0 ? m * u[0] : stacked + m * u[static_cast<std::size_t>(k)];
    }
    return stacked;
  }

private:
  int inputs_, outputs_;
  Formula formula_;
  nn::ParameterLayout layout_;
};

/// The residual of `term` at each of its points (every evaluation of the
/// network, the term's per-point data) with `model` as the network,
/// [points][features].
inline std::vector<double> term_residuals(const pde::Task& task, const pde::Term& term,
                                          const nn::Model<double>& model)
{
  jet::Tape<double> tape;
  Vector<double> none("none", 0);
  tape.bind_parameters(none, none);
  const int d = task.dimension();
  std::vector<jet::Var<double>> outputs, coordinates;
  std::vector<Matrix<double>> keep;
  for (std::size_t k = 0; k < term.evaluations.size(); ++k) {
    keep.push_back(pde::to_device<double>(term.evaluations[k], "points"));
    const auto set = jet::DerivativeSet::closure_of(d, term.derivatives[k]);
    const jet::Var<double> z(tape, tape.coordinates(keep.back(), set));
    coordinates.push_back(z);
    outputs.push_back(model.forward(z));
  }
  jet::Var<double> data;
  if (term.point_data.size() > 0) {
    keep.push_back(pde::to_device<double>(term.point_data, "data"));
    data = jet::Var<double>(
        tape, tape.constants(keep.back(), jet::DerivativeSet::closure_of(d, term.derivatives[0])));
  }
  const pde::TermContext<double> c(d, outputs, coordinates, 0, data);
  const auto r = task.residual(term, c).value().values;
  auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), r);
  std::vector<double> values;
  for (std::size_t n = 0; n < host.extent(1); ++n)
    for (std::size_t f = 0; f < host.extent(2); ++f)
      values.push_back(host(0, n, f));
  return values;
}

} // namespace pinnbench::test_support
