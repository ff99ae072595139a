#pragma once
// Kolmogorov-Arnold network as RoPINN configures pykan (models/KAN.py,
// kan_layer.py, spline.py): layer l maps width[l] inputs to width[l+1] outputs
// through one edge function per (output j, input i), edge e = j * in + i,
//   phi_e(x) = scale_base[e] SiLU(x) + scale_sp[e] sum_m coef[e][m] B_m(x),
//   y_j = sum_i phi_{j in + i}(x_i) + bias[j],
// with B_m the order-k B-splines on the frozen grid linspace(lo, hi, grid + 1)
// extended by k knots each side (grid + k bases; zero outside the extended knots).
// The symbolic branch is all zero (mask 0): it adds nothing and its affine
// parameters get a zero gradient, as in the reference.
//
// Parameter names, shapes and order are pykan's state_dict: biases.<l>.weight [1][out],
// then per layer act_fun.<l>.{grid [size][grid+1], coef [size][grid+k], scale_base,
// scale_sp, mask [size]}, then per layer symbolic_fun.<l>.{mask [out][in],
// affine [out][in][4]}. grid and the masks are frozen: the forward pass uses the
// configured grid and mask 1 (their initial values) and never updates them.
#include <pinnbench/jet/BSpline.hpp>
#include <pinnbench/nn/Model.hpp>
#include <vector>

namespace pinnbench::nn {

struct KanShape
{
  /// Nodes per layer, inputs first and outputs last (RoPINN: [2, 5, 1] or [2, 5, 5, 1]).
  std::vector<int> width{2, 5, 1};
  int grid = 5;          ///< grid intervals
  int k = 3;             ///< spline order (cubic)
  double grid_lo = -1.0; ///< grid_range
  double grid_hi = 1.0;
  double noise_scale = 0.1;       ///< spline noise: coef fitted to U(-1/2, 1/2) noise_scale / grid
  double noise_scale_base = 0.25; ///< scale_base = 1/sqrt(in) + (2 N(0, 1) - 1) noise_scale_base
};

template <class Real>
class Kan final : public Model<Real>
{
public:
  explicit Kan(KanShape shape);

  std::string name() const override { return "kan"; }
  int inputs() const override { return shape_.width.front(); }
  int outputs() const override { return shape_.width.back(); }
  const ParameterLayout& layout() const override { return layout_; }
  void initialize(const Vector<Real>& parameters, std::uint64_t seed) const override;
  jet::Var<Real> forward(const jet::Var<Real>& input) const override;

  const KanShape& shape() const { return shape_; }
  const jet::BSplineGrid<Real>& spline_grid() const { return grid_; }

private:
  struct Layer
  {
    int inputs = 0;
    int outputs = 0;
    std::size_t bias = 0;
    std::size_t grid = 0;
    std::size_t coef = 0;
    std::size_t scale_base = 0;
    std::size_t scale_sp = 0;
    std::size_t mask = 0;
    std::size_t symbolic_mask = 0;
    std::size_t symbolic_affine = 0;
  };

  KanShape shape_;
  jet::BSplineGrid<Real> grid_;
  ParameterLayout layout_;
  std::vector<Layer> layers_;
};

} // namespace pinnbench::nn
