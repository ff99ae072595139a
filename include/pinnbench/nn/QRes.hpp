#pragma once
// Quadratic residual network (QRes, Bu & Karpatne 2021) as RoPINN's
// models/QRes.py builds it: blocks y = sigmoid(H1(x) * H2(x) + H1(x)) with two
// independent linear maps H1, H2, an input block inputs -> width, `hidden_layers`
// blocks width -> width (the reference's num_layer - 1), and a linear output.
// Parameter names, shapes and order are the reference's state_dict:
// inlayer.H1.weight, inlayer.H1.bias, inlayer.H2.*, layers.<i>.H1.*, layers.<i>.H2.*,
// outlayer.weight, outlayer.bias.
#include <pinnbench/nn/Initialization.hpp>
#include <pinnbench/nn/LinearLayer.hpp>
#include <pinnbench/nn/Model.hpp>
#include <vector>

namespace pinnbench::nn {

struct QResShape
{
  int inputs = 2;
  int outputs = 1;
  int width = 256;
  int hidden_layers = 3;
  WeightInit weight_init = WeightInit::xavier_uniform;
  double bias_init = 0.01;
};

template <class Real>
class QRes final : public Model<Real>
{
public:
  explicit QRes(QResShape shape);

  std::string name() const override { return "qres"; }
  int inputs() const override { return shape_.inputs; }
  int outputs() const override { return shape_.outputs; }
  const ParameterLayout& layout() const override { return layout_; }
  void initialize(const Vector<Real>& parameters, std::uint64_t seed) const override;
  jet::Var<Real> forward(const jet::Var<Real>& input) const override;

  const QResShape& shape() const { return shape_; }

private:
  struct Block
  {
    LinearLayer h1;
    LinearLayer h2;
  };

  QResShape shape_;
  ParameterLayout layout_;
  std::vector<Block> blocks_;
  LinearLayer output_;
};

} // namespace pinnbench::nn
