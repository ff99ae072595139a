#include <pinnbench/core/Error.hpp>
#include <pinnbench/nn/NormalizedInputs.hpp>

namespace pinnbench::nn {

template <class Real>
NormalizedInputs<Real>::NormalizedInputs(std::unique_ptr<Model<Real>> inner,
                                         const std::vector<std::pair<double, double>>& bounds)
    : inner_(std::move(inner))
{
  if (static_cast<int>(bounds.size()) != inner_->inputs())
    throw LogicError(
        "input normalisation needs one interval per input: " + std::to_string(bounds.size()) +
        " intervals, " + std::to_string(inner_->inputs()) + " inputs");
  for (const auto& [lo, hi] : bounds) {
    if (!(hi > lo))
      throw ConfigError("input normalisation needs lo < hi for every coordinate");
    scale_.push_back(2.0 / (hi - lo));
    shift_.push_back(-(hi + lo) / (hi - lo));
  }
}

template <class Real>
jet::Var<Real> NormalizedInputs<Real>::forward(const jet::Var<Real>& input) const
{
  auto& tape = input.tape();
  return inner_->forward(jet::Var<Real>(tape, tape.affine(input.id(), scale_, shift_)));
}

template class NormalizedInputs<float>;
template class NormalizedInputs<double>;

} // namespace pinnbench::nn
