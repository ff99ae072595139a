#include <cmath>
#include <pinnbench/core/Error.hpp>
#include <pinnbench/core/Math.hpp>
#include <pinnbench/nn/Kan.hpp>
#include <pinnbench/nn/ModelRegistry.hpp>
#include <pinnbench/random/Philox.hpp>
#include <pinnbench/suite/KeyBuilders.hpp>

namespace pinnbench::nn {

namespace {

using Matrix = std::vector<std::vector<double>>;

/// The minimum-norm solution of the underdetermined system B c = y (B is
/// rows x cols, rows <= cols, full row rank): c = B^T (B B^T)^{-1} y, what
/// torch.linalg.lstsq (gelsy) returns in pykan's curve2coef.
std::vector<double> minimum_norm_solution(const Matrix& b, const std::vector<double>& y)
{
  const std::size_t rows = b.size(), cols = b.front().size();
  Matrix gram(rows, std::vector<double>(rows + 1, 0.0));
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t s = 0; s < rows; ++s)
      for (std::size_t c = 0; c < cols; ++c)
        gram[r][s] += b[r][c] * b[s][c];
    gram[r][rows] = y[r];
  }
  // Gaussian elimination with partial pivoting on [B B^T | y].
  for (std::size_t p = 0; p < rows; ++p) {
    std::size_t pivot = p;
    for (std::size_t r = p + 1; r < rows; ++r)
      if (std::fabs(gram[r][p]) > std::fabs(gram[pivot][p]))
        pivot = r;
    std::swap(gram[p], gram[pivot]);
    if (std::fabs(gram[p][p]) < 1e-300)
      throw LogicError("KAN initialisation: singular B-spline collocation matrix");
    for (std::size_t r = p + 1; r < rows; ++r) {
      const double factor = gram[r][p] / gram[p][p];
      for (std::size_t s = p; s <= rows; ++s)
        gram[r][s] -= factor * gram[p][s];
    }
  }
  std::vector<double> w(rows);
  for (std::size_t p = rows; p-- > 0;) {
    double sum = gram[p][rows];
    for (std::size_t s = p + 1; s < rows; ++s)
      sum -= gram[p][s] * w[s];
    w[p] = sum / gram[p][p];
  }
  std::vector<double> c(cols, 0.0);
  for (std::size_t col = 0; col < cols; ++col)
    for (std::size_t r = 0; r < rows; ++r)
      c[col] += b[r][col] * w[r];
  return c;
}

} // namespace

template <class Real>
Kan<Real>::Kan(KanShape shape) : shape_(std::move(shape))
{
  if (shape_.width.size() < 2)
    throw ConfigError("KAN width needs at least an input and an output entry");
  for (int w : shape_.width)
    if (w < 1)
      throw ConfigError("KAN width entries must be positive");
  if (shape_.k < 1 || shape_.k > jet::kMaxBSplineOrder)
    throw ConfigError("KAN spline order k must be 1 .. " + std::to_string(jet::kMaxBSplineOrder));
  grid_ = jet::make_bspline_grid<Real>(shape_.grid_lo, shape_.grid_hi, shape_.grid, shape_.k);
  const std::size_t depth = shape_.width.size() - 1;
  layers_.resize(depth);
  for (std::size_t l = 0; l < depth; ++l) {
    layers_[l].inputs = shape_.width[l];
    layers_[l].outputs = shape_.width[l + 1];
  }
  const auto sz = [](int v) { return static_cast<std::size_t>(v); };
  for (std::size_t l = 0; l < depth; ++l)
    layers_[l].bias =
        layout_.add("biases." + std::to_string(l) + ".weight", {1, sz(layers_[l].outputs)});
  for (std::size_t l = 0; l < depth; ++l) {
    Layer& layer = layers_[l];
    const std::string prefix = "act_fun." + std::to_string(l) + ".";
    const std::size_t edges = sz(layer.inputs) * sz(layer.outputs);
    layer.grid = layout_.add(prefix + "grid", {edges, sz(shape_.grid + 1)}, true);
    layer.coef = layout_.add(prefix + "coef", {edges, sz(grid_.bases())});
    layer.scale_base = layout_.add(prefix + "scale_base", {edges});
    layer.scale_sp = layout_.add(prefix + "scale_sp", {edges});
    layer.mask = layout_.add(prefix + "mask", {edges}, true);
  }
  for (std::size_t l = 0; l < depth; ++l) {
    Layer& layer = layers_[l];
    const std::string prefix = "symbolic_fun." + std::to_string(l) + ".";
    layer.symbolic_mask = layout_.add(prefix + "mask", {sz(layer.outputs), sz(layer.inputs)}, true);
    layer.symbolic_affine =
        layout_.add(prefix + "affine", {sz(layer.outputs), sz(layer.inputs), 4});
  }
}

template <class Real>
void Kan<Real>::initialize(const Vector<Real>& parameters, std::uint64_t seed) const
{
  if (parameters.extent(0) != layout_.size())
    throw LogicError("parameter vector does not match the KAN layout");
  auto host = Kokkos::create_mirror_view(parameters);
  Kokkos::deep_copy(host, Real(0)); // biases, symbolic masks and affines start at 0
  const random::CounterRng rng(seed, random::Stream::initialization);
  const int points = shape_.grid + 1;
  const int bases = grid_.bases();
  // The collocation matrix B[g][m] = B_m(grid point g) is the same for every edge.
  Matrix collocation(static_cast<std::size_t>(points), std::vector<double>(bases));
  Real derivatives[jet::kMaxBSplineBases * (jet::kMaxDerivative + 1)];
  for (int g = 0; g < points; ++g) {
    jet::bspline_derivatives(grid_, grid_.knots[g + shape_.k], 0, derivatives);
    for (int m = 0; m < bases; ++m)
      collocation[static_cast<std::size_t>(g)][static_cast<std::size_t>(m)] =
          static_cast<double>(derivatives[m * (jet::kMaxDerivative + 1)]);
  }
  // One Philox counter per tensor in layout order, the entry index as the key.
  const auto tensor_index = [&](std::size_t offset) {
    std::uint32_t index = 0;
    for (const auto& tensor : layout_.tensors()) {
      if (tensor.offset == offset)
        return index;
      ++index;
    }
    throw LogicError("KAN tensor offset not in the layout");
  };
  for (const Layer& layer : layers_) {
    const std::size_t edges =
        static_cast<std::size_t>(layer.inputs) * static_cast<std::size_t>(layer.outputs);
    const std::uint32_t coef_stream = tensor_index(layer.coef);
    const std::uint32_t base_stream = tensor_index(layer.scale_base);
    for (std::size_t e = 0; e < edges; ++e) {
      for (int g = 0; g < points; ++g)
        host(layer.grid + e * static_cast<std::size_t>(points) + static_cast<std::size_t>(g)) =
            grid_.knots[g + shape_.k];
      // noise = (U(0, 1) - 1/2) noise_scale / grid at the grid points, fitted.
      std::vector<double> noise(static_cast<std::size_t>(points));
      for (int g = 0; g < points; ++g) {
        double u0 = 0.0, u1 = 0.0;
        rng.uniform_pair(coef_stream, e * static_cast<std::size_t>(points) + g, 0, u0, u1);
        noise[static_cast<std::size_t>(g)] = (u0 - 0.5) * shape_.noise_scale / shape_.grid;
      }
      const auto coef = minimum_norm_solution(collocation, noise);
      for (int m = 0; m < bases; ++m)
        host(layer.coef + e * static_cast<std::size_t>(bases) + static_cast<std::size_t>(m)) =
            static_cast<Real>(coef[static_cast<std::size_t>(m)]);
      // scale_base = 1/sqrt(in) + (2 N(0, 1) - 1) noise_scale_base (pykan's randn).
      double u0 = 0.0, u1 = 0.0;
      rng.uniform_pair(base_stream, e, 0, u0, u1);
      const double normal =
          std::sqrt(-2.0 * std::log(1.0 - u0)) * std::cos(2.0 * math::pi<double> * u1);
      host(layer.scale_base + e) =
          static_cast<Real>(1.0 / std::sqrt(static_cast<double>(layer.inputs)) +
                            (2.0 * normal - 1.0) * shape_.noise_scale_base);
      host(layer.scale_sp + e) = Real(1);
      host(layer.mask + e) = Real(1);
    }
  }
  Kokkos::deep_copy(parameters, host);
}

template <class Real>
jet::Var<Real> Kan<Real>::forward(const jet::Var<Real>& input) const
{
  auto& tape = input.tape();
  if (input.value().features() != inputs())
    throw LogicError("KAN expects " + std::to_string(inputs()) + " input features");
  auto h = input.id();
  for (const Layer& layer : layers_) {
    // scale_base [out * in] is the [out][in] weight of the SiLU branch; coef
    // [out * in][bases] is the [out][in * bases] weight of the bases, scaled per edge.
    const auto silu = tape.unary(h, jet::UnaryKind::silu);
    const auto base =
        tape.linear(silu, layer.scale_base, layer.outputs, static_cast<std::int64_t>(layer.bias));
    const auto bases = tape.bspline(h, grid_);
    const auto spline =
        tape.scaled_linear(bases, layer.coef, layer.outputs, layer.scale_sp, grid_.bases());
    h = tape.add(base, spline);
  }
  return jet::Var<Real>(tape, h);
}

template class Kan<float>;
template class Kan<double>;

namespace {

template <class Real>
std::unique_ptr<Model<Real>> make_kan(const ModelInputs& in)
{
  KanShape shape;
  const int hidden_layers = in.config["hidden_layers"].as<int>();
  shape.width.assign(static_cast<std::size_t>(hidden_layers + 2), in.config["width"].as<int>());
  shape.width.front() = in.inputs;
  shape.width.back() = in.outputs;
  shape.grid = in.config["grid"].as<int>();
  shape.k = in.config["k"].as<int>();
  shape.grid_lo = in.config["grid_min"].as<double>();
  shape.grid_hi = in.config["grid_max"].as<double>();
  if (!(shape.grid_lo < shape.grid_hi))
    throw ConfigError("model.grid_min must be below model.grid_max");
  shape.noise_scale = in.config["noise_scale"].as<double>();
  shape.noise_scale_base = in.config["noise_scale_base"].as<double>();
  return std::make_unique<Kan<Real>>(shape);
}

} // namespace

namespace models {
ModelEntry kan()
{
  using namespace suite;
  ModelEntry e;
  e.name = "kan";
  e.description = "Kolmogorov-Arnold network (pykan as RoPINN configures it)";
  e.keys = {int_key("width", "5", 1, "nodes per hidden layer (RoPINN: [2, 5, 1] or [2, 5, 5, 1])"),
            int_key("hidden_layers", "2", 0, "hidden node layers (1 for reaction, 2 otherwise)"),
            int_key("grid", "5", 1, "spline grid intervals (frozen, never updated)",
                    jet::kMaxBSplineBases - jet::kMaxBSplineOrder),
            int_key("k", "3", 1, "B-spline order", jet::kMaxBSplineOrder),
            real_key("grid_min", "-1", any_real(), "lower end of the grid (pykan's grid_range)"),
            real_key("grid_max", "1", any_real(), "upper end of the grid"),
            real_key("noise_scale", "0.1", at_least(0),
                     "initial spline noise U(-1/2, 1/2) x this / grid"),
            real_key("noise_scale_base", "0.25", at_least(0),
                     "scale_base = 1/sqrt(in) + (2 N(0, 1) - 1) x this")};
  e.make_fp32 = make_kan<float>;
  e.make_fp64 = make_kan<double>;
  return e;
}
} // namespace models

} // namespace pinnbench::nn
