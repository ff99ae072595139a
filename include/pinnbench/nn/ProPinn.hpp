#pragma once
// ProPINN (Wu et al., arXiv 2502.00803; thuml/ProPINN models/ProPINN.py):
// every point s is evaluated with 3 fixed square grids of offsets (3x3 of
// half-width 0.01, 5x5 of 0.05, 7x7 of 0.09: 84 points with s itself), all
// through one shared projection P = Linear(2, d/4) WaveAct Linear(d/4, d); the
// embeddings are averaged per region, a mixer M = Linear(4, 8) WaveAct
// Linear(8, 1) combines (point, region 1, 2, 3) per channel, and a head
// H = Linear(d, w) WaveAct [Linear(w, w) WaveAct] x (L - 1) Linear(w, w) WaveAct
// Linear(w, 1) gives u. WaveAct is w1 sin + w2 cos with its own (w1, w2).
//
// Parameters use the reference state_dict names, shapes and order (15 030 at
// the paper's size). The offsets are added after `input_scale` (the wave
// script feeds pi (x, t)), so they are in model-input units.
#include <pinnbench/nn/Initialization.hpp>
#include <pinnbench/nn/LinearLayer.hpp>
#include <pinnbench/nn/Model.hpp>

namespace pinnbench::nn {

struct ProPinnShape
{
  int inputs = 2;
  int outputs = 1;
  int hidden_dim = 32; ///< embedding width d (P's hidden width is d / 4)
  int head_width = 64; ///< hidden_d_ff of the head
  int head_layers = 3; ///< num_layer L of the head
  double input_scale = 1.0;
  WeightInit weight_init = WeightInit::xavier_uniform;
  double bias_init = 0.01;
};

template <class Real>
class ProPinn final : public Model<Real>
{
public:
  explicit ProPinn(ProPinnShape shape);

  std::string name() const override { return "propinn"; }
  int inputs() const override { return shape_.inputs; }
  int outputs() const override { return shape_.outputs; }
  const ParameterLayout& layout() const override { return layout_; }
  void initialize(const Vector<Real>& parameters, std::uint64_t seed) const override;
  jet::Var<Real> forward(const jet::Var<Real>& input) const override;

  const ProPinnShape& shape() const { return shape_; }
  /// The 84 offsets [K][2]: the point itself, then the three regions' grids.
  const Matrix<Real>& offsets() const { return offsets_; }

  /// Region half-widths and points per axis of the reference code.
  static constexpr double region_half_widths[3] = {0.01, 0.05, 0.09};
  static constexpr int region_sizes[3] = {3, 5, 7};
  static constexpr int mixer_width = 8;

private:
  std::size_t add_wave(const std::string& prefix);

  ProPinnShape shape_;
  ParameterLayout layout_;
  LinearLayer embed_in_, embed_out_, mixer_in_, mixer_out_;
  std::size_t embed_wave_ = 0, mixer_wave_ = 0;
  std::vector<LinearLayer> head_;      ///< every Linear of H in order
  std::vector<std::size_t> head_wave_; ///< the WaveAct after each but the last
  Matrix<Real> offsets_;
  Kokkos::View<int*, MemorySpace> bounds_;
};

} // namespace pinnbench::nn
