#pragma once
// The PINN base model: inputs -> width -> ... -> width -> outputs, an
// activation after every hidden linear layer, a linear output layer.
// Parameters are named layer<i>.weight [out][in] and layer<i>.bias [out], in
// forward order (PyTorch's layout). FLS is this network with sin as the first
// activation.
#include <pinnbench/jet/UnaryFunction.hpp>
#include <pinnbench/nn/Initialization.hpp>
#include <pinnbench/nn/LinearLayer.hpp>
#include <pinnbench/nn/Model.hpp>

namespace pinnbench::nn {

struct MlpShape
{
  int inputs = 2;
  int outputs = 1;
  int width = 512;
  int hidden_layers = 3;
  jet::UnaryKind activation = jet::UnaryKind::tanh;
  /// Activation after the first hidden layer (FLS uses sin); defaults to `activation`.
  jet::UnaryKind first_activation = jet::UnaryKind::tanh;
  WeightInit weight_init = WeightInit::xavier_uniform;
  double bias_init = 0.01;
};

template <class Real>
class Mlp final : public Model<Real>
{
public:
  Mlp(MlpShape shape, std::string name = "pinn");

  std::string name() const override { return name_; }
  int inputs() const override { return shape_.inputs; }
  int outputs() const override { return shape_.outputs; }
  const ParameterLayout& layout() const override { return layout_; }
  void initialize(const Vector<Real>& parameters, std::uint64_t seed) const override;
  jet::Var<Real> forward(const jet::Var<Real>& input) const override;

  const MlpShape& shape() const { return shape_; }

private:
  MlpShape shape_;
  std::string name_;
  ParameterLayout layout_;
  std::vector<LinearLayer> layers_;
};

} // namespace pinnbench::nn
