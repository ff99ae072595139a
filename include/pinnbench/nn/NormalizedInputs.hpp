#pragma once
// A network that sees its inputs mapped from the task's box [lo, hi] to
// [-1, 1] (z = (2 x - lo - hi) / (hi - lo)), as the original PINN code and the
// failure-mode paper do. The map is the first op on the tape, so every
// derivative of the output is still with respect to the physical coordinates:
// the chain-rule factor 2 / (hi - lo) sits in the coordinate jet.
// Wraps any model; parameters, layout and initialisation are the wrapped one's.
#include <memory>
#include <pinnbench/nn/Model.hpp>
#include <utility>
#include <vector>

namespace pinnbench::nn {

template <class Real>
class NormalizedInputs final : public Model<Real>
{
public:
  /// One [lo, hi] per input (lo < hi).
  NormalizedInputs(std::unique_ptr<Model<Real>> inner,
                   const std::vector<std::pair<double, double>>& bounds);

  std::string name() const override { return inner_->name(); }
  int inputs() const override { return inner_->inputs(); }
  int outputs() const override { return inner_->outputs(); }
  const ParameterLayout& layout() const override { return inner_->layout(); }
  void initialize(const Vector<Real>& parameters, std::uint64_t seed) const override
  {
    inner_->initialize(parameters, seed);
  }
  jet::Var<Real> forward(const jet::Var<Real>& input) const override;

  const std::vector<double>& scale() const { return scale_; }
  const std::vector<double>& shift() const { return shift_; }

private:
  std::unique_ptr<Model<Real>> inner_;
  std::vector<double> scale_, shift_;
};

} // namespace pinnbench::nn
