#pragma once
// PINNsFormer (ropinn.md §4.5; AdityaLab/pinnsformer as vendored by RoPINN) and
// its encoder-only variant, on jets.
//
//   src = linear_emb(token inputs)                                  per token
//   encoder layer: x += MHA(a1(x), a1(x), a1(x)); x += FF(a2(x))     N times
//   e = encoder.act(x)
//   decoder layer (x starts at src): x += MHA(a1(x), e, e); x += FF(a2(x))
//   d = decoder.act(x)                                               (encoder-only: d = e)
//   out = linear_out(d) = Linear(d_model, hidden) WaveAct Linear(hidden, hidden) WaveAct
//         Linear(hidden, outputs)
// with FF = Linear(d_model, d_ff) WaveAct Linear(d_ff, d_ff) WaveAct Linear(d_ff, d_model),
// every WaveAct w1 sin + w2 cos with its own learnable (w1, w2), MHA the
// standard multi-head attention (no mask, dropout or layer norm).
//
// Tokens (what the loss sees): every point is `tokens` rows (x, t + k dt).
// forward() lifts the token-row coordinate jet to shared + per-token
// coordinates (jet/Sequence.hpp), runs the network there and collapses the
// output to the reference's autograd.grad(pred, x, ones) semantics: the value
// at token k is out_k, a derivative d^r/dc^r at token k is
// d/d(c of token k) of D_c^{r-1} sum_j out_j. The loss then averages the
// residual and boundary terms over all tokens, compares initial values on
// token 0 only, and the evaluator reads predictions at token 0.
//
// Only attention mixes tokens, so everything after the last attention (that
// layer's feed-forward block, the final WaveAct and linear_out) is a token-wise
// tail T. Carrying the d K per-token directions through T would cost d K jet
// components in its widest layers; instead (`reverse_tail`, one output) T runs
// on the shared components only, followed by its reverse pass g = dT/dh, itself
// recorded as jet ops (transposed linears, WaveAct derivatives, products), and
// the token sums come from contracting g with the per-token directions of T's
// input (jet/Sequence.hpp, sequence_contract). Same numbers, to rounding.
//
// First-order token sums (convection, reaction: one derivative per input) need
// no forward directions at all: the whole network runs on values, then its
// reverse pass from dy = 1 down to the token inputs, recorded as ops of its own
// (attention's VJP is jet::Tape::attention_adjoint), gives d(sum_j out_j)/d(input
// of token k), which sequence_contract turns into the collapsed output. The loss's
// reverse pass differentiates all of it again, like nested autograd does, at
// about two thirds of the GEMM work of the per-token directions. (Up to
// jet::kMaxAdjointTokens = 8 tokens; the jet coordinates already limit a
// two-input task to 5, and a longer sequence on one input takes the tail.)
//
// Parameters use the reference state_dict names, shapes and order (453,561 at
// the paper's size; 366,863 encoder-only). Initialisation as RoPINN's
// init_weights: xavier_uniform weights (in_proj_weight over the whole
// [3 d_model][d_model] matrix), Linear biases `bias_init`, in_proj_bias 0,
// WaveAct weights 1.
#include <pinnbench/nn/LinearLayer.hpp>
#include <pinnbench/nn/Model.hpp>

namespace pinnbench::nn {

struct PinnsFormerShape
{
  int inputs = 2;
  int outputs = 1;
  int d_model = 32;
  int heads = 2;
  int layers = 1;      ///< N: encoder (and decoder) layers
  int d_ff = 256;      ///< FeedForward's hidden width (its default)
  int hidden = 512;    ///< linear_out's hidden width (d_hidden)
  bool decoder = true; ///< false: PINNsFormer_Enc_Only
  int tokens = 5;      ///< k
  double step = 1e-4;  ///< dt between tokens
  double bias_init = 0.01;
  /// Token sums through the token-wise tail in reverse mode (one output only);
  /// false carries every per-token direction forward through every layer.
  bool reverse_tail = true;
};

template <class Real>
class PinnsFormer final : public Model<Real>
{
public:
  explicit PinnsFormer(PinnsFormerShape shape);

  std::string name() const override { return "pinnsformer"; }
  int inputs() const override { return shape_.inputs; }
  int outputs() const override { return shape_.outputs; }
  const ParameterLayout& layout() const override { return layout_; }
  void initialize(const Vector<Real>& parameters, std::uint64_t seed) const override;
  jet::Var<Real> forward(const jet::Var<Real>& input) const override;
  PseudoSequence sequence() const override
  {
    return PseudoSequence{shape_.tokens, shape_.inputs - 1, shape_.step};
  }

  const PinnsFormerShape& shape() const { return shape_; }

private:
  struct Layer
  {
    std::size_t in_proj_weight = 0;
    std::size_t in_proj_bias = 0;
    LinearLayer out_proj;
    LinearLayer ff[3];
    std::size_t ff_act[2] = {0, 0};
    std::size_t act1 = 0;
    std::size_t act2 = 0;
  };

  Layer add_layer(const std::string& prefix);
  /// The token-wise tail from after the last attention (`x`, on the sequence set
  /// of `base`) to the collapsed output, in reverse mode (see above).
  int reverse_tail(jet::Tape<Real>& tape, const Layer& layer, std::size_t final_act, int x,
                   const jet::DerivativeSetPtr& base) const;
  /// A first-order `base`: the whole network on values and its reverse pass to
  /// the token inputs (see above), contracted to the collapsed output.
  int reverse_network(jet::Tape<Real>& tape, int input, const jet::DerivativeSetPtr& base) const;

  // The nodes a reverse pass reads, recorded by its forward pass.
  struct FeedForwardTrace
  {
    int h = -1;  ///< block input (x + FF(act2(x)) with x = h)
    int p1 = -1; ///< pre-activations of ff_act[0] and ff_act[1]
    int p2 = -1;
    int out = -1; ///< h + FF(act2(h))
  };
  struct OutputTrace
  {
    int x = -1; ///< input of the final WaveAct
    std::size_t final_act = 0;
    int o1 = -1; ///< pre-activations of out_act_[0] and out_act_[1]
    int o2 = -1;
    int y = -1;
  };
  struct AttentionTrace
  {
    int x = -1;      ///< block input
    int memory = -1; ///< keys' and values' input; -1: self-attention on act1(x)
    int q = -1, k = -1, v = -1;
    int out = -1; ///< x + MHA(...)
  };
  /// h + FF(act2(h)), on the tape.
  FeedForwardTrace trace_feed_forward(jet::Tape<Real>& tape, const Layer& layer, int h) const;
  /// The adjoint of a feed-forward block's input from that of its output.
  int reverse_feed_forward(jet::Tape<Real>& tape, const Layer& layer, const FeedForwardTrace& trace,
                           int g_out) const;
  OutputTrace trace_output(jet::Tape<Real>& tape, std::size_t final_act, int x) const;
  /// The adjoint of the final WaveAct's input for dy = 1.
  int reverse_output(jet::Tape<Real>& tape, const OutputTrace& trace) const;
  /// x + MHA(act1(x), m, m) with m = memory (-1: act1(x) itself), on the tape.
  AttentionTrace trace_attention(jet::Tape<Real>& tape, const Layer& layer, int x,
                                 int memory) const;
  /// The adjoint of an attention block's input from that of its output; a
  /// cross-attention adds its memory's adjoint to `g_memory` (-1: none yet).
  int reverse_attention(jet::Tape<Real>& tape, const Layer& layer, const AttentionTrace& trace,
                        int g_out, int& g_memory) const;
  int wave(jet::Tape<Real>& tape, int input, std::size_t offset) const;

  PinnsFormerShape shape_;
  ParameterLayout layout_;
  LinearLayer embedding_;
  std::vector<Layer> encoder_;
  std::size_t encoder_act_ = 0;
  std::vector<Layer> decoder_;
  std::size_t decoder_act_ = 0;
  LinearLayer out_[3];
  std::size_t out_act_[2] = {0, 0};
};

} // namespace pinnbench::nn
