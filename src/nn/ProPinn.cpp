#include <pinnbench/core/Error.hpp>
#include <pinnbench/jet/Expression.hpp>
#include <pinnbench/nn/InitWeights.hpp>
#include <pinnbench/nn/ModelRegistry.hpp>
#include <pinnbench/nn/ProPinn.hpp>
#include <pinnbench/suite/KeyBuilders.hpp>

namespace pinnbench::nn {

template <class Real>
std::size_t ProPinn<Real>::add_wave(const std::string& prefix)
{
  const std::size_t w1 = layout_.add(prefix + ".w1", {1});
  layout_.add(prefix + ".w2", {1}); // follows w1: the tape reads the pair at w1
  return w1;
}

template <class Real>
ProPinn<Real>::ProPinn(ProPinnShape shape) : shape_(shape)
{
  if (shape_.inputs != 2)
    throw ConfigError("propinn: the differential perturbation is defined for 2 inputs (x, t), "
                      "the task has " +
                      std::to_string(shape_.inputs));
  if (shape_.hidden_dim < 4 || shape_.hidden_dim % 4 != 0 || shape_.head_width < 1 ||
      shape_.head_layers < 1 || shape_.outputs < 1)
    throw ConfigError("propinn needs hidden_dim a positive multiple of 4, head_width >= 1 and "
                      "head_layers >= 1");
  const int d = shape_.hidden_dim;
  const int w = shape_.head_width;
  // Module order of models/ProPINN.py.
  embed_in_ = add_linear(layout_, "linear_emb.0", shape_.inputs, d / 4);
  embed_wave_ = add_wave("linear_emb.1");
  embed_out_ = add_linear(layout_, "linear_emb.2", d / 4, d);
  mixer_in_ = add_linear(layout_, "multiregion_mixer.0", 4, mixer_width);
  mixer_wave_ = add_wave("multiregion_mixer.1");
  mixer_out_ = add_linear(layout_, "multiregion_mixer.2", mixer_width, 1);
  const int L = shape_.head_layers;
  head_.push_back(add_linear(layout_, "linear_out.0", d, w));
  head_wave_.push_back(add_wave("linear_out.1"));
  for (int layer = 1; layer < L; ++layer) {
    head_.push_back(add_linear(layout_, "linear_out." + std::to_string(2 * layer), w, w));
    head_wave_.push_back(add_wave("linear_out." + std::to_string(2 * layer + 1)));
  }
  const std::string last = "linear_out." + std::to_string(2 * L);
  head_.push_back(add_linear(layout_, last + ".0", w, w));
  head_wave_.push_back(add_wave(last + ".1"));
  head_.push_back(add_linear(layout_, last + ".2", w, shape_.outputs));

  // Offsets: row 0 is the point itself; region r is the n x n grid of
  // linspace(-delta, delta, n) per axis (util.get_perturbation, 'xy' order:
  // offset i n + j is (a_j, a_i)). The reference makes them float32 (`.float()`)
  // and a double model adds them as such, so FP64 runs use the float32 values too.
  int copies = 1;
  for (int n : region_sizes)
    copies += n * n;
  offsets_ = Matrix<Real>("pinnbench::propinn::offsets", static_cast<std::size_t>(copies), 2);
  bounds_ = Kokkos::View<int*, MemorySpace>("pinnbench::propinn::bounds", 5);
  auto offsets = Kokkos::create_mirror_view(offsets_);
  auto bounds = Kokkos::create_mirror_view(bounds_);
  offsets(0, 0) = offsets(0, 1) = Real(0);
  bounds(0) = 0;
  bounds(1) = 1;
  int row = 1;
  for (int r = 0; r < 3; ++r) {
    const int n = region_sizes[r];
    const double delta = region_half_widths[r];
    // numpy.linspace: j * step + start, the last one stop. The values go through a
    // float array: GCC 12.2 at -O3 drops a double -> float -> double round trip
    // in a vectorised loop.
    const double step = (delta - -delta) / (n - 1);
    static_assert(region_sizes[0] <= region_sizes[2] && region_sizes[1] <= region_sizes[2]);
    float axis[region_sizes[2]];
    for (int j = 0; j < n; ++j)
      axis[j] = static_cast<float>(j == n - 1 ? delta : j * step + -delta);
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j, ++row) {
        offsets(row, 0) = static_cast<Real>(axis[j]);
        offsets(row, 1) = static_cast<Real>(axis[i]);
      }
    bounds(r + 2) = row;
  }
  Kokkos::deep_copy(offsets_, offsets);
  Kokkos::deep_copy(bounds_, bounds);
}

template <class Real>
void ProPinn<Real>::initialize(const Vector<Real>& parameters, std::uint64_t seed) const
{
  // init_weights of the reference scripts: Xavier-uniform weights, constant
  // biases; WaveAct starts at w1 = w2 = 1.
  const auto constant_of = [&](const ParameterTensor& tensor) {
    const bool wave =
        tensor.name.size() > 3 && (tensor.name.compare(tensor.name.size() - 3, 3, ".w1") == 0 ||
                                   tensor.name.compare(tensor.name.size() - 3, 3, ".w2") == 0);
    return wave ? 1.0 : shape_.bias_init;
  };
  init_weights(layout_, parameters, shape_.weight_init, seed, constant_of, "ProPINN");
}

template <class Real>
jet::Var<Real> ProPinn<Real>::forward(const jet::Var<Real>& input) const
{
  auto& tape = input.tape();
  if (input.value().features() != shape_.inputs)
    throw LogicError("ProPINN expects " + std::to_string(shape_.inputs) + " input features");
  const auto linear = [&](int h, const LinearLayer& layer) { return apply_linear(tape, h, layer); };
  const auto wave = [&](int h, std::size_t offset) {
    return tape.unary(h, jet::UnaryKind::wave, static_cast<std::int64_t>(offset));
  };
  auto s = input.id();
  if (shape_.input_scale != 1.0)
    s = tape.scale(s, static_cast<Real>(shape_.input_scale));
  const int copies = static_cast<int>(offsets_.extent(0));
  // P's second Linear commutes with the region mean (mean_k (W h_k + b) =
  // W mean_k h_k + b), so the 84 copies only go through Linear(2, d/4) and
  // WaveAct and the mean is taken on d/4 features: [S][N 84][d/4] -> [S][N 4][d/4].
  auto h = tape.perturb(s, typename jet::OffsetView<Real>(offsets_));
  h = wave(linear(h, embed_in_), embed_wave_);
  h = tape.group_mean(h, bounds_, copies);
  h = linear(h, embed_out_); // [S][N 4][d]: z_0 .. z_3 of every point
  // The mixer acts on the 4-vector of each channel: [S][N d][4] -> [S][N d][1].
  h = tape.regroup(h, 4);
  h = linear(wave(linear(h, mixer_in_), mixer_wave_), mixer_out_);
  h = tape.regroup(h, shape_.hidden_dim); // [S][N][d]
  for (std::size_t layer = 0; layer < head_.size(); ++layer) {
    h = linear(h, head_[layer]);
    if (layer < head_wave_.size())
      h = wave(h, head_wave_[layer]);
  }
  return jet::Var<Real>(tape, h);
}

template class ProPinn<float>;
template class ProPinn<double>;

// --- registry entry ----------------------------------------------------------------

namespace {

template <class Real>
std::unique_ptr<Model<Real>> make_propinn(const ModelInputs& in)
{
  ProPinnShape shape;
  shape.inputs = in.inputs;
  shape.outputs = in.outputs;
  shape.hidden_dim = in.config["hidden_dim"].as<int>();
  shape.head_width = in.config["head_width"].as<int>();
  shape.head_layers = in.config["head_layers"].as<int>();
  shape.input_scale = in.config["input_scale"].as<double>();
  shape.weight_init = weight_init_from_string(in.config["init"].as<std::string>());
  shape.bias_init = in.config["bias_init"].as<double>();
  return std::make_unique<ProPinn<Real>>(shape);
}

} // namespace

namespace models {
ModelEntry propinn()
{
  using namespace suite;
  ModelEntry e;
  e.name = "propinn";
  e.description = "ProPINN: 84-point differential perturbation, region pooling, WaveAct";
  e.keys = {int_key("hidden_dim", "32", 4, "embedding width d (a multiple of 4)"),
            int_key("head_width", "64", 1, "width of the feedforward head (hidden_d_ff)"),
            int_key("head_layers", "3", 1, "num_layer of the head"),
            real_key("input_scale", "1", above(0),
                     "factor on (x, t) before the perturbation (the wave script uses pi)"),
            choice_key("init", {"xavier_uniform", "glorot_normal"}, "weight initialisation"),
            real_key("bias_init", "0.01", any_real(), "initial value of every bias")};
  e.make_fp32 = make_propinn<float>;
  e.make_fp64 = make_propinn<double>;
  return e;
}
} // namespace models

} // namespace pinnbench::nn
