#include <pinnbench/core/Error.hpp>
#include <pinnbench/jet/MultiIndex.hpp>
#include <pinnbench/nn/InitWeights.hpp>
#include <pinnbench/nn/ModelRegistry.hpp>
#include <pinnbench/nn/PinnsFormer.hpp>
#include <pinnbench/suite/KeyBuilders.hpp>

namespace pinnbench::nn {

namespace {

std::size_t size(int extent)
{
  return static_cast<std::size_t>(extent);
}

bool ends_with(const std::string& text, const std::string& suffix)
{
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

} // namespace

template <class Real>
typename PinnsFormer<Real>::Layer PinnsFormer<Real>::add_layer(const std::string& prefix)
{
  // Registration order of EncoderLayer/DecoderLayer: attn, ff, act1, act2.
  const int E = shape_.d_model;
  Layer layer;
  layer.in_proj_weight = layout_.add(prefix + "attn.in_proj_weight", {size(3 * E), size(E)});
  layer.in_proj_bias = layout_.add(prefix + "attn.in_proj_bias", {size(3 * E)});
  layer.out_proj = add_linear(layout_, prefix + "attn.out_proj", E, E);
  layer.ff[0] = add_linear(layout_, prefix + "ff.linear.0", E, shape_.d_ff);
  layer.ff_act[0] = layout_.add(prefix + "ff.linear.1.w1", {1});
  layout_.add(prefix + "ff.linear.1.w2", {1});
  layer.ff[1] = add_linear(layout_, prefix + "ff.linear.2", shape_.d_ff, shape_.d_ff);
  layer.ff_act[1] = layout_.add(prefix + "ff.linear.3.w1", {1});
  layout_.add(prefix + "ff.linear.3.w2", {1});
  layer.ff[2] = add_linear(layout_, prefix + "ff.linear.4", shape_.d_ff, E);
  layer.act1 = layout_.add(prefix + "act1.w1", {1});
  layout_.add(prefix + "act1.w2", {1});
  layer.act2 = layout_.add(prefix + "act2.w1", {1});
  layout_.add(prefix + "act2.w2", {1});
  return layer;
}

template <class Real>
PinnsFormer<Real>::PinnsFormer(PinnsFormerShape shape) : shape_(shape)
{
  if (shape_.inputs < 1 || shape_.outputs < 1 || shape_.d_model < 1 || shape_.heads < 1 ||
      shape_.d_model % shape_.heads != 0 || shape_.layers < 1 || shape_.d_ff < 1 ||
      shape_.hidden < 1 || shape_.tokens < 1)
    throw ConfigError("pinnsformer needs positive sizes, d_model divisible by heads and at "
                      "least one layer and one token");
  embedding_ = add_linear(layout_, "linear_emb", shape_.inputs, shape_.d_model);
  for (int l = 0; l < shape_.layers; ++l)
    encoder_.push_back(add_layer("encoder.layers." + std::to_string(l) + "."));
  encoder_act_ = layout_.add("encoder.act.w1", {1});
  layout_.add("encoder.act.w2", {1});
  if (shape_.decoder) {
    for (int l = 0; l < shape_.layers; ++l)
      decoder_.push_back(add_layer("decoder.layers." + std::to_string(l) + "."));
    decoder_act_ = layout_.add("decoder.act.w1", {1});
    layout_.add("decoder.act.w2", {1});
  }
  out_[0] = add_linear(layout_, "linear_out.0", shape_.d_model, shape_.hidden);
  out_act_[0] = layout_.add("linear_out.1.w1", {1});
  layout_.add("linear_out.1.w2", {1});
  out_[1] = add_linear(layout_, "linear_out.2", shape_.hidden, shape_.hidden);
  out_act_[1] = layout_.add("linear_out.3.w1", {1});
  layout_.add("linear_out.3.w2", {1});
  out_[2] = add_linear(layout_, "linear_out.4", shape_.hidden, shape_.outputs);
}

template <class Real>
void PinnsFormer<Real>::initialize(const Vector<Real>& parameters, std::uint64_t seed) const
{
  // WaveAct weights start at 1; MHA's in_proj_bias at 0 (PyTorch's own init,
  // which RoPINN's init_weights does not touch); Linear biases at bias_init.
  const auto constant_of = [&](const ParameterTensor& tensor) {
    return ends_with(tensor.name, ".w1") || ends_with(tensor.name, ".w2") ? 1.0
           : ends_with(tensor.name, "in_proj_bias")                       ? 0.0
                                                                          : shape_.bias_init;
  };
  init_weights(layout_, parameters, WeightInit::xavier_uniform, seed, constant_of, "PINNsFormer");
}

template <class Real>
int PinnsFormer<Real>::wave(jet::Tape<Real>& tape, int input, std::size_t offset) const
{
  return tape.unary(input, jet::UnaryKind::wave, static_cast<std::int64_t>(offset));
}

template <class Real>
typename PinnsFormer<Real>::FeedForwardTrace
PinnsFormer<Real>::trace_feed_forward(jet::Tape<Real>& tape, const Layer& layer, int h) const
{
  FeedForwardTrace trace;
  trace.h = h;
  trace.p1 = apply_linear(tape, wave(tape, h, layer.act2), layer.ff[0]);
  trace.p2 = apply_linear(tape, wave(tape, trace.p1, layer.ff_act[0]), layer.ff[1]);
  const int p3 = apply_linear(tape, wave(tape, trace.p2, layer.ff_act[1]), layer.ff[2]);
  trace.out = tape.add(h, p3);
  return trace;
}

template <class Real>
int PinnsFormer<Real>::reverse_feed_forward(jet::Tape<Real>& tape, const Layer& layer,
                                            const FeedForwardTrace& trace, int g_out) const
{
  int g = tape.linear_transposed(g_out, layer.ff[2].weight, shape_.d_ff);
  g = tape.mul(g, tape.wave_derivative(trace.p2, static_cast<std::int64_t>(layer.ff_act[1])));
  g = tape.linear_transposed(g, layer.ff[1].weight, shape_.d_ff);
  g = tape.mul(g, tape.wave_derivative(trace.p1, static_cast<std::int64_t>(layer.ff_act[0])));
  g = tape.linear_transposed(g, layer.ff[0].weight, shape_.d_model);
  g = tape.mul(g, tape.wave_derivative(trace.h, static_cast<std::int64_t>(layer.act2)));
  return tape.add(g_out, g);
}

template <class Real>
typename PinnsFormer<Real>::OutputTrace
PinnsFormer<Real>::trace_output(jet::Tape<Real>& tape, std::size_t final_act, int x) const
{
  OutputTrace trace;
  trace.x = x;
  trace.final_act = final_act;
  trace.o1 = apply_linear(tape, wave(tape, x, final_act), out_[0]);
  trace.o2 = apply_linear(tape, wave(tape, trace.o1, out_act_[0]), out_[1]);
  trace.y = apply_linear(tape, wave(tape, trace.o2, out_act_[1]), out_[2]);
  return trace;
}

template <class Real>
int PinnsFormer<Real>::reverse_output(jet::Tape<Real>& tape, const OutputTrace& trace) const
{
  // From dy = 1 on every token row.
  int g = tape.scale_features(
      tape.wave_derivative(trace.o2, static_cast<std::int64_t>(out_act_[1])), out_[2].weight);
  g = tape.linear_transposed(g, out_[1].weight, shape_.hidden);
  g = tape.mul(g, tape.wave_derivative(trace.o1, static_cast<std::int64_t>(out_act_[0])));
  g = tape.linear_transposed(g, out_[0].weight, shape_.d_model);
  return tape.mul(g, tape.wave_derivative(trace.x, static_cast<std::int64_t>(trace.final_act)));
}

template <class Real>
int PinnsFormer<Real>::reverse_tail(jet::Tape<Real>& tape, const Layer& layer,
                                    std::size_t final_act, int x,
                                    const jet::DerivativeSetPtr& base) const
{
  const auto& program = jet::contraction_program(base, shape_.tokens);
  // T on the shared components: x2 = h + FF(act2(h)), y = linear_out(act(x2)),
  // then its reverse pass, each adjoint a jet over the shared components.
  const auto ff = trace_feed_forward(tape, layer, tape.restrict_to(x, program.shared));
  const auto out = trace_output(tape, final_act, ff.out);
  const int g_h = reverse_feed_forward(tape, layer, ff, reverse_output(tape, out));
  return tape.sequence_contract(out.y, g_h, x, base, shape_.tokens);
}

template <class Real>
typename PinnsFormer<Real>::AttentionTrace
PinnsFormer<Real>::trace_attention(jet::Tape<Real>& tape, const Layer& layer, int x,
                                   int memory) const
{
  const int E = shape_.d_model;
  const std::size_t block = size(E) * size(E);
  AttentionTrace trace;
  trace.x = x;
  trace.memory = memory;
  // in_proj_weight stacks W_q, W_k, W_v; in_proj_bias likewise.
  const int z = wave(tape, x, layer.act1);
  if (memory < 0)
    memory = z;
  trace.q = tape.linear(z, layer.in_proj_weight, E, static_cast<std::int64_t>(layer.in_proj_bias));
  trace.k = tape.linear(memory, layer.in_proj_weight + block, E,
                        static_cast<std::int64_t>(layer.in_proj_bias + size(E)));
  trace.v = tape.linear(memory, layer.in_proj_weight + 2 * block, E,
                        static_cast<std::int64_t>(layer.in_proj_bias + 2 * size(E)));
  const int attended = tape.attention(trace.q, trace.k, trace.v, shape_.heads, shape_.tokens);
  trace.out = tape.add(x, apply_linear(tape, attended, layer.out_proj));
  return trace;
}

template <class Real>
int PinnsFormer<Real>::reverse_attention(jet::Tape<Real>& tape, const Layer& layer,
                                         const AttentionTrace& trace, int g_out,
                                         int& g_memory) const
{
  const int E = shape_.d_model;
  const int g_attended = tape.linear_transposed(g_out, layer.out_proj.weight, E);
  auto adjoint = [&](jet::AttentionPart part) {
    return tape.attention_adjoint(trace.q, trace.k, trace.v, g_attended, shape_.heads,
                                  shape_.tokens, part);
  };
  int g_z;
  if (trace.memory < 0) { // self-attention: in_proj^T [dq | dk | dv]
    g_z = tape.linear_transposed(adjoint(jet::AttentionPart::all), layer.in_proj_weight, E);
  } else { // cross-attention: W_q^T dq to the query side, [W_k; W_v]^T [dk | dv] to memory
    g_z = tape.linear_transposed(adjoint(jet::AttentionPart::query), layer.in_proj_weight, E);
    const int g_kv = tape.linear_transposed(adjoint(jet::AttentionPart::key_value),
                                            layer.in_proj_weight + size(E) * size(E), E);
    g_memory = g_memory < 0 ? g_kv : tape.add(g_memory, g_kv);
  }
  g_z = tape.mul(g_z, tape.wave_derivative(trace.x, static_cast<std::int64_t>(layer.act1)));
  return tape.add(g_out, g_z);
}

template <class Real>
int PinnsFormer<Real>::reverse_network(jet::Tape<Real>& tape, int input,
                                       const jet::DerivativeSetPtr& base) const
{
  const auto& program = jet::contraction_program(base, shape_.tokens);
  const int lifted = tape.sequence_lift(input, shape_.tokens);
  // The whole network on values (the shared set of a first-order base is {0}) ...
  const int src = apply_linear(tape, tape.restrict_to(lifted, program.shared), embedding_);
  std::vector<std::pair<AttentionTrace, FeedForwardTrace>> encoder, decoder;
  int x = src;
  for (const auto& layer : encoder_) {
    const auto attention = trace_attention(tape, layer, x, -1);
    encoder.emplace_back(attention, trace_feed_forward(tape, layer, attention.out));
    x = encoder.back().second.out;
  }
  const int encoder_out = x;
  const int encoded = wave(tape, x, encoder_act_);
  if (shape_.decoder) {
    x = src;
    for (const auto& layer : decoder_) {
      const auto attention = trace_attention(tape, layer, x, encoded);
      decoder.emplace_back(attention, trace_feed_forward(tape, layer, attention.out));
      x = decoder.back().second.out;
    }
  }
  const auto out = trace_output(tape, shape_.decoder ? decoder_act_ : encoder_act_, x);
  // ... then its reverse pass from dy = 1 to the token inputs, as ops of its own.
  int g = reverse_output(tape, out);
  int g_encoded = -1;
  for (std::size_t l = decoder.size(); l-- > 0;) {
    g = reverse_feed_forward(tape, decoder_[l], decoder[l].second, g);
    g = reverse_attention(tape, decoder_[l], decoder[l].first, g, g_encoded);
  }
  int g_src = shape_.decoder ? g : -1;
  if (shape_.decoder)
    g = tape.mul(g_encoded,
                 tape.wave_derivative(encoder_out, static_cast<std::int64_t>(encoder_act_)));
  for (std::size_t l = encoder.size(); l-- > 0;) {
    int unused = -1;
    g = reverse_feed_forward(tape, encoder_[l], encoder[l].second, g);
    g = reverse_attention(tape, encoder_[l], encoder[l].first, g, unused);
  }
  g_src = g_src < 0 ? g : tape.add(g_src, g);
  const int g_input = tape.linear_transposed(g_src, embedding_.weight, shape_.inputs);
  // Token sums: the input gradient of sum_j out_j along each token's coordinates.
  return tape.sequence_contract(out.y, g_input, lifted, base, shape_.tokens);
}

template <class Real>
jet::Var<Real> PinnsFormer<Real>::forward(const jet::Var<Real>& input) const
{
  auto& tape = input.tape();
  const auto value = input.value();
  if (value.features() != shape_.inputs)
    throw LogicError("PINNsFormer expects " + std::to_string(shape_.inputs) + " input features");
  if (value.points() % shape_.tokens != 0)
    throw LogicError("PINNsFormer expects whole pseudo-sequences of " +
                     std::to_string(shape_.tokens) + " token rows");
  // The reverse tail pays off when there are derivatives to sum over tokens;
  // first-order token sums go through the whole network in reverse.
  const bool reverse = shape_.reverse_tail && shape_.outputs == 1 && value.set->max_order() > 0;
  if (reverse && value.set->max_order() == 1 && shape_.tokens <= jet::kMaxAdjointTokens)
    return jet::Var<Real>(tape, reverse_network(tape, input.id(), value.set));
  const int lifted = tape.sequence_lift(input.id(), shape_.tokens);
  const int src = apply_linear(tape, lifted, embedding_);
  int x = src;
  const auto layers = encoder_.size();
  for (std::size_t l = 0; l < layers; ++l) {
    const auto& layer = encoder_[l];
    x = trace_attention(tape, layer, x, -1).out;
    if (reverse && !shape_.decoder && l + 1 == layers)
      return jet::Var<Real>(tape, reverse_tail(tape, layer, encoder_act_, x, value.set));
    x = trace_feed_forward(tape, layer, x).out;
  }
  const int encoded = wave(tape, x, encoder_act_);
  int decoded = encoded;
  if (shape_.decoder) {
    // The decoder input is the embedding again; it attends to the encoder output.
    x = src;
    for (std::size_t l = 0; l < decoder_.size(); ++l) {
      const auto& layer = decoder_[l];
      x = trace_attention(tape, layer, x, encoded).out;
      if (reverse && l + 1 == decoder_.size())
        return jet::Var<Real>(tape, reverse_tail(tape, layer, decoder_act_, x, value.set));
      x = trace_feed_forward(tape, layer, x).out;
    }
    decoded = wave(tape, x, decoder_act_);
  }
  int h = wave(tape, apply_linear(tape, decoded, out_[0]), out_act_[0]);
  h = wave(tape, apply_linear(tape, h, out_[1]), out_act_[1]);
  h = apply_linear(tape, h, out_[2]);
  return jet::Var<Real>(tape, tape.sequence_collapse(h, value.set, shape_.tokens));
}

template class PinnsFormer<float>;
template class PinnsFormer<double>;

// --- registry entry ---------------------------------------------------------------

namespace {

template <class Real>
std::unique_ptr<Model<Real>> make_pinnsformer(const ModelInputs& in)
{
  PinnsFormerShape shape;
  shape.inputs = in.inputs;
  shape.outputs = in.outputs;
  shape.decoder = in.config["variant"].as<std::string>() == "encoder_decoder";
  shape.d_model = in.config["d_model"].as<int>();
  shape.heads = in.config["heads"].as<int>();
  shape.layers = in.config["layers"].as<int>();
  shape.d_ff = in.config["d_ff"].as<int>();
  shape.hidden = in.config["hidden"].as<int>();
  shape.tokens = in.config["tokens"].as<int>();
  shape.step = in.config["step"].as<double>();
  shape.bias_init = in.config["bias_init"].as<double>();
  if (shape.d_model % shape.heads != 0)
    throw ConfigError("model.d_model (" + std::to_string(shape.d_model) +
                      ") must be a multiple of model.heads (" + std::to_string(shape.heads) + ")");
  // The token-summed derivatives carry one jet coordinate per token and input besides
  // the shared ones; refuse before any compute where the jets cannot hold them.
  const int coordinates = shape.inputs * (shape.tokens + 1);
  if (coordinates > jet::kMaxCoordinates)
    throw NotImplementedError(
        "pinnsformer on a task with " + std::to_string(shape.inputs) +
        " inputs: its pseudo-sequence of " + std::to_string(shape.tokens) + " tokens needs " +
        std::to_string(coordinates) + " jet coordinates (one per token and input plus the " +
        "shared ones; the jet engine has " + std::to_string(jet::kMaxCoordinates) + ")");
  return std::make_unique<PinnsFormer<Real>>(shape);
}

} // namespace

namespace models {
ModelEntry pinnsformer()
{
  using namespace suite;
  ModelEntry e;
  e.name = "pinnsformer";
  e.description = "PINNsFormer: transformer over k-token pseudo-sequences (x, t + i dt)";
  e.keys = {
      choice_key("variant", {"encoder_decoder", "encoder_only"},
                 "encoder-decoder PINNsFormer, or PINNsFormer_Enc_Only (RoPINN's wave scripts)"),
      int_key("d_model", "32", 1, "embedding width (a multiple of heads)"),
      int_key("heads", "2", 1, "attention heads"),
      int_key("layers", "1", 1, "encoder (and decoder) layers, N"),
      int_key("d_ff", "256", 1, "hidden width of each layer's feed-forward block"),
      int_key("hidden", "512", 1, "hidden width of the output MLP (d_hidden)"),
      int_key("tokens", "5", 1, "pseudo-sequence length k"),
      real_key("step", "1e-4", at_least(0.0), "time step dt between tokens"),
      real_key("bias_init", "0.01", any_real(),
               "initial Linear biases (in_proj_bias starts at 0, WaveAct weights at 1)")};
  e.make_fp32 = make_pinnsformer<float>;
  e.make_fp64 = make_pinnsformer<double>;
  return e;
}
} // namespace models

} // namespace pinnbench::nn
