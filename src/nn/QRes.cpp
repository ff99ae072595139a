#include <pinnbench/core/Error.hpp>
#include <pinnbench/nn/InitWeights.hpp>
#include <pinnbench/nn/ModelRegistry.hpp>
#include <pinnbench/nn/QRes.hpp>
#include <pinnbench/suite/KeyBuilders.hpp>

namespace pinnbench::nn {

template <class Real>
QRes<Real>::QRes(QResShape shape) : shape_(shape)
{
  if (shape_.inputs < 1 || shape_.outputs < 1 || shape_.width < 1 || shape_.hidden_layers < 0)
    throw ConfigError("QRes needs positive inputs, outputs and width and hidden_layers >= 0");
  for (int block = 0; block <= shape_.hidden_layers; ++block) {
    const std::string prefix =
        block == 0 ? std::string("inlayer") : "layers." + std::to_string(block - 1);
    const int fan_in = block == 0 ? shape_.inputs : shape_.width;
    Block b;
    b.h1 = add_linear(layout_, prefix + ".H1", fan_in, shape_.width);
    b.h2 = add_linear(layout_, prefix + ".H2", fan_in, shape_.width);
    blocks_.push_back(b);
  }
  output_ = add_linear(layout_, "outlayer", shape_.width, shape_.outputs);
}

template <class Real>
void QRes<Real>::initialize(const Vector<Real>& parameters, std::uint64_t seed) const
{
  // RoPINN's init_weights: every Linear re-initialised independently (the cloned
  // blocks included), Xavier-uniform weights, constant biases.
  init_weights(
      layout_, parameters, shape_.weight_init, seed,
      [&](const ParameterTensor&) { return shape_.bias_init; }, "QRes");
}

template <class Real>
jet::Var<Real> QRes<Real>::forward(const jet::Var<Real>& input) const
{
  auto& tape = input.tape();
  if (input.value().features() != shape_.inputs)
    throw LogicError("QRes expects " + std::to_string(shape_.inputs) + " input features");
  auto h = input.id();
  for (const Block& block : blocks_) {
    // sigmoid(H1 h * H2 h + H1 h) as one fused op (one GEMM on [H1; H2]).
    jet::QResBlockParameters parameters;
    parameters.h1_weight = block.h1.weight;
    parameters.h1_bias = static_cast<std::int64_t>(block.h1.bias);
    parameters.h2_weight = block.h2.weight;
    parameters.h2_bias = static_cast<std::int64_t>(block.h2.bias);
    h = tape.qres_block(h, parameters, block.h1.outputs, jet::UnaryKind::sigmoid);
  }
  h = apply_linear(tape, h, output_);
  return jet::Var<Real>(tape, h);
}

template class QRes<float>;
template class QRes<double>;

namespace {

template <class Real>
std::unique_ptr<Model<Real>> make_qres(const ModelInputs& in)
{
  QResShape shape;
  shape.inputs = in.inputs;
  shape.outputs = in.outputs;
  shape.width = in.config["width"].as<int>();
  shape.hidden_layers = in.config["hidden_layers"].as<int>();
  shape.weight_init = weight_init_from_string(in.config["init"].as<std::string>());
  shape.bias_init = in.config["bias_init"].as<double>();
  return std::make_unique<QRes<Real>>(shape);
}

} // namespace

namespace models {
ModelEntry qres()
{
  using namespace suite;
  ModelEntry e;
  e.name = "qres";
  e.description = "quadratic residual network (RoPINN's QRes)";
  e.keys = {int_key("width", "256", 1, "neurons per block"),
            int_key("hidden_layers", "3", 0,
                    "blocks after the input block (the reference's num_layer - 1: 3 in the point "
                    "scripts, 1 in the region scripts)"),
            choice_key("init", {"xavier_uniform", "glorot_normal"}, "weight initialisation"),
            real_key("bias_init", "0.01", any_real(), "initial value of every bias")};
  e.make_fp32 = make_qres<float>;
  e.make_fp64 = make_qres<double>;
  return e;
}
} // namespace models

} // namespace pinnbench::nn
