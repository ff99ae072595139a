#include <pinnbench/core/Error.hpp>
#include <pinnbench/jet/Tape.hpp>

namespace pinnbench::jet {

namespace {

template <class Real>
ConstJetView<Real> as_const(const JetView<Real>& view)
{
  return view;
}

FeatureSelection broadcast_selection(int operand_features, int output_features)
{
  if (operand_features == output_features)
    return FeatureSelection{0, 1};
  if (operand_features == 1)
    return FeatureSelection{0, 0};
  throw LogicError("jet operands with " + std::to_string(operand_features) + " and " +
                   std::to_string(output_features) + " features do not broadcast");
}

} // namespace

template <class Real>
void Tape<Real>::bind_parameters(const Vector<Real>& parameters, const Vector<Real>& gradient)
{
  if (parameters.extent(0) != gradient.extent(0))
    throw LogicError("parameter and gradient vectors differ in length");
  parameters_ = parameters;
  gradient_ = gradient;
}

template <class Real>
const typename Tape<Real>::Node& Tape<Real>::node_(NodeId id) const
{
  if (id < 0 || id >= cursor_)
    throw LogicError("tape node " + std::to_string(id) + " is not recorded");
  return nodes_[static_cast<std::size_t>(id)];
}

template <class Real>
typename Tape<Real>::Node& Tape<Real>::node_(NodeId id)
{
  if (id < 0 || id >= cursor_)
    throw LogicError("tape node " + std::to_string(id) + " is not recorded");
  return nodes_[static_cast<std::size_t>(id)];
}

template <class Real>
typename Tape<Real>::Node& Tape<Real>::record(Op op, const DerivativeSetPtr& set, int points,
                                              int features, const char* label)
{
  if (cursor_ == static_cast<int>(nodes_.size()))
    nodes_.emplace_back();
  Node& node = nodes_[static_cast<std::size_t>(cursor_++)];
  // Reset everything but the storage, which is what rewinding preserves.
  node.op = op;
  node.set = set;
  node.points = points;
  node.features = features;
  node.a = none;
  node.b = none;
  node.c = none;
  node.d = none;
  node.sequence = nullptr;
  node.contraction = nullptr;
  node.wave_derivative = false;
  node.scratch = nullptr;
  node.requires_grad = false;
  node.bias_offset = -1;
  node.wave_offset = -1;
  node.faa_di_bruno = nullptr;
  node.leibniz = nullptr;
  node.scalar = 0.0;
  node.seed = 0.0;
  node.adjoint_live = false;
  if (op == Op::sum_squares || op == Op::sum_values)
    node.value = JetView<Real>();
  else
    node.value = node.value_storage.view(set->size(), points, features, label);
  return node;
}

template <class Real>
Jet<Real> Tape<Real>::value(NodeId id) const
{
  const Node& node = node_(id);
  if (node.op == Op::sum_squares || node.op == Op::sum_values)
    throw LogicError("a reduction node has a scalar value, not a jet");
  return Jet<Real>{node.value, node.set};
}

template <class Real>
double Tape<Real>::scalar(NodeId id) const
{
  const Node& node = node_(id);
  if (node.op != Op::sum_squares && node.op != Op::sum_values)
    throw LogicError("scalar() of a node that is not a reduction");
  return node.scalar;
}

template <class Real>
std::size_t Tape<Real>::bytes() const
{
  std::size_t total = 0;
  for (const auto& node : nodes_)
    total += node.value_storage.bytes();
  for (const auto& node : nodes_)
    total += node.scratch_storage.bytes();
  for (const auto& storage : adjoint_pool_)
    total += storage.bytes();
  total += attention_work_.bytes();
  total += qres_work_.bytes();
  for (const auto& node : nodes_)
    total += (node.scaled_weight.extent(0) + node.scaled_gradient.extent(0)) * sizeof(Real);
  return total;
}

// --- inputs ----------------------------------------------------------------------

template <class Real>
typename Tape<Real>::NodeId
Tape<Real>::coordinates(const Kokkos::View<const Real**, Kokkos::LayoutRight, MemorySpace>& points,
                        const DerivativeSetPtr& set)
{
  const int dimension = static_cast<int>(points.extent(1));
  if (dimension != set->dimension())
    throw LogicError("coordinate jet: points have " + std::to_string(dimension) +
                     " coordinates, the derivative set " + std::to_string(set->dimension()));
  std::vector<int> units(static_cast<std::size_t>(dimension));
  for (int j = 0; j < dimension; ++j)
    units[static_cast<std::size_t>(j)] = set->find(MultiIndex::unit(j));
  Node& node = record(Op::coordinates, set, static_cast<int>(points.extent(0)), dimension,
                      "pinnbench::jet::coordinates");
  coordinate_jet<Real>(points, units, node.value);
  return last();
}

template <class Real>
typename Tape<Real>::NodeId
Tape<Real>::coordinates(const Kokkos::View<const Real**, Kokkos::LayoutRight, MemorySpace>& points,
                        const DerivativeSetPtr& set,
                        const std::vector<std::vector<double>>& directions)
{
  const int count = static_cast<int>(directions.size());
  if (count != set->dimension())
    throw LogicError("directional coordinate jet: " + std::to_string(count) +
                     " directions, the derivative set has " + std::to_string(set->dimension()) +
                     " coordinates");
  std::vector<int> components(static_cast<std::size_t>(count));
  for (int k = 0; k < count; ++k)
    components[static_cast<std::size_t>(k)] = set->find(MultiIndex::unit(k));
  const int dimension = static_cast<int>(points.extent(1));
  Node& node = record(Op::coordinates, set, static_cast<int>(points.extent(0)), dimension,
                      "pinnbench::jet::coordinates");
  coordinate_jet<Real>(points, directions, components, node.value);
  return last();
}

template <class Real>
typename Tape<Real>::NodeId
Tape<Real>::constants(const Kokkos::View<const Real**, Kokkos::LayoutRight, MemorySpace>& values,
                      const DerivativeSetPtr& set)
{
  const int features = static_cast<int>(values.extent(1));
  if (features < 1 || features > kMaxCoordinates)
    throw LogicError("constant jet: " + std::to_string(features) + " columns (supported: 1.." +
                     std::to_string(kMaxCoordinates) + ")");
  Node& node = record(Op::coordinates, set, static_cast<int>(values.extent(0)), features,
                      "pinnbench::jet::constants");
  // The coordinate kernel without unit components: values, zero derivatives.
  coordinate_jet<Real>(values, std::vector<int>(static_cast<std::size_t>(features), -1),
                       node.value);
  return last();
}

// --- network ops ---------------------------------------------------------------------

template <class Real>
typename Tape<Real>::NodeId Tape<Real>::linear(NodeId input, std::size_t weight_offset, int outputs,
                                               std::int64_t bias_offset)
{
  const Node& in = node_(input);
  const std::size_t inputs = static_cast<std::size_t>(in.features);
  const std::size_t end = weight_offset + static_cast<std::size_t>(outputs) * inputs;
  if (end > parameters_.extent(0) ||
      (bias_offset >= 0 && static_cast<std::size_t>(bias_offset + outputs) > parameters_.extent(0)))
    throw LogicError("linear layer parameters outside the parameter vector");
  const JetView<Real> a = in.value;
  Node& node = record(Op::linear, in.set, in.points, outputs, "pinnbench::jet::linear");
  node.a = input;
  node.requires_grad = true;
  node.weight_offset = weight_offset;
  node.bias_offset = bias_offset;
  WeightView<Real> weight(parameters_.data() + weight_offset, static_cast<std::size_t>(outputs),
                          inputs);
  BiasView<Real> bias(bias_offset >= 0 ? parameters_.data() + bias_offset : nullptr,
                      bias_offset >= 0 ? static_cast<std::size_t>(outputs) : 0);
  gemm_.flops += linear_forward<Real>(a, weight, bias, node.value);
  gemm_.calls += 1;
  return last();
}

template <class Real>
typename Tape<Real>::NodeId Tape<Real>::unary(NodeId input, UnaryKind kind,
                                              std::int64_t wave_offset)
{
  const Node& in = node_(input);
  if (kind == UnaryKind::wave &&
      (wave_offset < 0 || static_cast<std::size_t>(wave_offset + 2) > parameters_.extent(0)))
    throw LogicError("wave activation needs its two parameters in the parameter vector");
  const JetView<Real> z = in.value;
  const bool input_grad = in.requires_grad;
  Node& node = record(Op::unary, in.set, in.points, in.features, "pinnbench::jet::unary");
  node.a = input;
  node.kind = kind;
  node.wave_offset = kind == UnaryKind::wave ? wave_offset : -1;
  node.requires_grad = input_grad || kind == UnaryKind::wave;
  node.faa_di_bruno = &faa_di_bruno_program(node.set);
  Real w1 = Real(1), w2 = Real(1);
  if (kind == UnaryKind::wave) {
    auto host = Kokkos::create_mirror_view_and_copy(
        Kokkos::HostSpace(),
        Kokkos::subview(parameters_, std::make_pair(wave_offset, wave_offset + 2)));
    w1 = host(0);
    w2 = host(1);
  }
  unary_forward<Real>(kind, w1, w2, *node.faa_di_bruno, z, node.value, variant_);
  return last();
}

template <class Real>
typename Tape<Real>::NodeId Tape<Real>::wave_derivative(NodeId a, std::int64_t wave_offset)
{
  if (wave_offset < 0 || static_cast<std::size_t>(wave_offset + 2) > parameters_.extent(0))
    throw LogicError("wave derivative needs its two parameters in the parameter vector");
  const Node& in = node_(a);
  const JetView<Real> z = in.value;
  Node& node = record(Op::unary, in.set, in.points, in.features, "pinnbench::jet::wave_derivative");
  node.a = a;
  node.kind = UnaryKind::wave;
  node.wave_offset = wave_offset;
  node.wave_derivative = true;
  node.requires_grad = true;
  node.faa_di_bruno = &faa_di_bruno_program(node.set);
  auto host = Kokkos::create_mirror_view_and_copy(
      Kokkos::HostSpace(),
      Kokkos::subview(parameters_, std::make_pair(wave_offset, wave_offset + 2)));
  // w1 cos z - w2 sin z is the wave a sin z + b cos z with (a, b) = (-w2, w1).
  unary_forward<Real>(UnaryKind::wave, -host(1), host(0), *node.faa_di_bruno, z, node.value,
                      variant_);
  return last();
}

template <class Real>
typename Tape<Real>::NodeId Tape<Real>::bspline(NodeId input, const BSplineGrid<Real>& grid)
{
  const Node& in = node_(input);
  const JetView<Real> z = in.value;
  const bool input_grad = in.requires_grad;
  Node& node =
      record(Op::bspline, in.set, in.points, in.features * grid.bases(), "pinnbench::jet::bspline");
  node.a = input;
  node.grid = grid;
  node.requires_grad = input_grad;
  node.faa_di_bruno = &faa_di_bruno_program(node.set);
  bspline_forward<Real>(grid, *node.faa_di_bruno, z, node.value, variant_);
  return last();
}

template <class Real>
typename Tape<Real>::NodeId Tape<Real>::scaled_linear(NodeId input, std::size_t weight_offset,
                                                      int outputs, std::size_t scale_offset,
                                                      int group, std::int64_t bias_offset)
{
  const Node& in = node_(input);
  const std::size_t inputs = static_cast<std::size_t>(in.features);
  const std::size_t size = static_cast<std::size_t>(outputs) * inputs;
  if (group < 1 || size % static_cast<std::size_t>(group) != 0)
    throw LogicError("scaled linear layer: weight entries are not whole groups");
  if (weight_offset + size > parameters_.extent(0) ||
      scale_offset + size / static_cast<std::size_t>(group) > parameters_.extent(0) ||
      (bias_offset >= 0 && static_cast<std::size_t>(bias_offset + outputs) > parameters_.extent(0)))
    throw LogicError("scaled linear layer parameters outside the parameter vector");
  const JetView<Real> a = in.value;
  Node& node =
      record(Op::scaled_linear, in.set, in.points, outputs, "pinnbench::jet::scaled_linear");
  node.a = input;
  node.requires_grad = true;
  node.weight_offset = weight_offset;
  node.bias_offset = bias_offset;
  node.scale_offset = scale_offset;
  node.group = group;
  if (node.scaled_weight.extent(0) < size) {
    node.scaled_weight = Kokkos::View<Real*, MemorySpace>(
        Kokkos::view_alloc("pinnbench::jet::scaled_weight", Kokkos::WithoutInitializing), size);
    node.scaled_gradient = Kokkos::View<Real*, MemorySpace>(
        Kokkos::view_alloc("pinnbench::jet::scaled_gradient", Kokkos::WithoutInitializing), size);
  }
  const BiasView<Real> weight(parameters_.data() + weight_offset, size);
  const BiasView<Real> scale(parameters_.data() + scale_offset,
                             size / static_cast<std::size_t>(group));
  const BiasGradientView<Real> scaled(node.scaled_weight.data(), size);
  scaled_weight_forward<Real>(weight, scale, group, scaled);
  WeightView<Real> effective(node.scaled_weight.data(), static_cast<std::size_t>(outputs), inputs);
  BiasView<Real> bias(bias_offset >= 0 ? parameters_.data() + bias_offset : nullptr,
                      bias_offset >= 0 ? static_cast<std::size_t>(outputs) : 0);
  gemm_.flops += linear_forward<Real>(a, effective, bias, node.value);
  gemm_.calls += 1;
  return last();
}

template <class Real>
typename Tape<Real>::NodeId Tape<Real>::qres_block(NodeId input, const QResBlockParameters& block,
                                                   int outputs, UnaryKind kind)
{
  const Node& in = node_(input);
  const std::size_t inputs = static_cast<std::size_t>(in.features);
  const std::size_t weights = static_cast<std::size_t>(outputs) * inputs;
  const std::size_t total = parameters_.extent(0);
  auto bias_fits = [&](std::int64_t offset) {
    return offset < 0 ||
           static_cast<std::size_t>(offset) + static_cast<std::size_t>(outputs) <= total;
  };
  if (outputs < 1 || block.h1_weight + weights > total || block.h2_weight + weights > total ||
      !bias_fits(block.h1_bias) || !bias_fits(block.h2_bias))
    throw LogicError("QRes block parameters outside the parameter vector");
  const JetView<Real> a = in.value;
  Node& node = record(Op::qres_block, in.set, in.points, outputs, "pinnbench::jet::qres_block");
  node.a = input;
  node.requires_grad = true;
  node.kind = kind;
  node.qres = block;
  node.leibniz = &leibniz_program(node.set, node.set, node.set);
  node.faa_di_bruno = &faa_di_bruno_program(node.set);
  const std::size_t packed = 2 * weights + 2 * static_cast<std::size_t>(outputs);
  if (node.scaled_weight.extent(0) < packed) {
    node.scaled_weight = Kokkos::View<Real*, MemorySpace>(
        Kokkos::view_alloc("pinnbench::jet::qres_weight", Kokkos::WithoutInitializing), packed);
    node.scaled_gradient = Kokkos::View<Real*, MemorySpace>(
        Kokkos::view_alloc("pinnbench::jet::qres_gradient", Kokkos::WithoutInitializing), packed);
  }
  qres_pack_parameters<Real>(BiasView<Real>(parameters_.data(), total), block, outputs,
                             static_cast<int>(inputs),
                             BiasGradientView<Real>(node.scaled_weight.data(), packed));
  // z = [z1 | z2] and p live in the node's scratch: [S][N][2F] then [S][N][F].
  const int components = node.set->size();
  const std::size_t plane = static_cast<std::size_t>(components) * in.points * outputs;
  node.scratch =
      node.scratch_storage.view(1, 1, static_cast<int>(3 * plane), "pinnbench::jet::qres_state")
          .data();
  Real* scratch = node.scratch;
  const JetView<Real> z(scratch, components, in.points, 2 * outputs);
  const JetView<Real> p(scratch + 2 * plane, components, in.points, outputs);
  WeightView<Real> weight(node.scaled_weight.data(), 2 * static_cast<std::size_t>(outputs), inputs);
  BiasView<Real> bias(node.scaled_weight.data() + 2 * weights,
                      2 * static_cast<std::size_t>(outputs));
  gemm_.flops += linear_forward<Real>(a, weight, bias, z);
  gemm_.calls += 1;
  qres_forward<Real>(kind, *node.leibniz, *node.faa_di_bruno, z, p, node.value, variant_);
  return last();
}

// --- jet algebra ----------------------------------------------------------------------

template <class Real>
typename Tape<Real>::NodeId
Tape<Real>::combine(const DerivativeSetPtr& set, int features, Real alpha, NodeId a,
                    const ComponentMap& map_a, FeatureSelection sel_a, Real beta, NodeId b,
                    const ComponentMap& map_b, FeatureSelection sel_b, Real constant)
{
  const Node& na = node_(a);
  const JetView<Real> va = na.value;
  const bool grad_a = na.requires_grad;
  JetView<Real> vb;
  bool grad_b = false;
  if (b != none) {
    const Node& nb = node_(b);
    vb = nb.value;
    grad_b = nb.requires_grad;
  }
  Node& node = record(Op::combine, set, na.points, features, "pinnbench::jet::combine");
  node.a = a;
  node.b = b;
  node.alpha = alpha;
  node.beta = beta;
  node.map_a = map_a;
  node.map_b = map_b;
  node.sel_a = sel_a;
  node.sel_b = sel_b;
  node.requires_grad = grad_a || grad_b;
  combine_forward<Real>(node.value, alpha, va, map_a, sel_a, beta, ConstJetView<Real>(vb), map_b,
                        sel_b, constant);
  return last();
}

template <class Real>
typename Tape<Real>::NodeId Tape<Real>::axpby(Real alpha, NodeId a, Real beta, NodeId b)
{
  const Node& na = node_(a);
  const Node& nb = node_(b);
  if (na.points != nb.points)
    throw LogicError("adding jets over different point counts");
  const auto set = DerivativeSet::intersection_of(*na.set, *nb.set);
  const int features = std::max(na.features, nb.features);
  return combine(set, features, alpha, a, device_component_map(na.set, set),
                 broadcast_selection(na.features, features), beta, b,
                 device_component_map(nb.set, set), broadcast_selection(nb.features, features),
                 Real(0));
}

template <class Real>
typename Tape<Real>::NodeId Tape<Real>::affine(NodeId a, const std::vector<double>& scale,
                                               const std::vector<double>& shift)
{
  const Node& na = node_(a);
  if (static_cast<int>(scale.size()) != na.features ||
      static_cast<int>(shift.size()) != na.features || na.features > kMaxCoordinates)
    throw LogicError("affine map: one scale and one shift per feature (at most " +
                     std::to_string(kMaxCoordinates) + "), the jet has " +
                     std::to_string(na.features) + " features");
  FeatureAffine<Real> map;
  for (std::size_t f = 0; f < scale.size(); ++f) {
    map.scale[f] = static_cast<Real>(scale[f]);
    map.shift[f] = static_cast<Real>(shift[f]);
  }
  const JetView<Real> va = na.value;
  const bool grad = na.requires_grad;
  Node& node = record(Op::affine, na.set, na.points, na.features, "pinnbench::jet::affine");
  node.a = a;
  node.affine_map = map;
  node.requires_grad = grad;
  affine_forward<Real>(va, map, node.value);
  return last();
}

template <class Real>
typename Tape<Real>::NodeId Tape<Real>::scale(NodeId a, Real alpha)
{
  const Node& na = node_(a);
  return combine(na.set, na.features, alpha, a, device_component_map(na.set, na.set),
                 FeatureSelection{}, Real(0), none, ComponentMap(), FeatureSelection{}, Real(0));
}

template <class Real>
typename Tape<Real>::NodeId Tape<Real>::add_constant(NodeId a, Real constant)
{
  const Node& na = node_(a);
  return combine(na.set, na.features, Real(1), a, device_component_map(na.set, na.set),
                 FeatureSelection{}, Real(0), none, ComponentMap(), FeatureSelection{}, constant);
}

template <class Real>
typename Tape<Real>::NodeId Tape<Real>::derivative(NodeId a, int coordinate)
{
  const Node& na = node_(a);
  const auto set = na.set->shifted(coordinate).first;
  return combine(set, na.features, Real(1), a, device_shift_map(na.set, coordinate),
                 FeatureSelection{}, Real(0), none, ComponentMap(), FeatureSelection{}, Real(0));
}

template <class Real>
typename Tape<Real>::NodeId Tape<Real>::collapsed_laplacian(NodeId a, AxisMask axes)
{
  const Node& na = node_(a);
  return combine(DerivativeSet::value_only(na.set->dimension()), na.features, Real(1), a,
                 device_laplacian_map(na.set, axes), FeatureSelection{}, Real(0), none,
                 ComponentMap(), FeatureSelection{}, Real(0));
}

template <class Real>
typename Tape<Real>::NodeId Tape<Real>::feature(NodeId a, int feature)
{
  const Node& na = node_(a);
  if (feature < 0 || feature >= na.features)
    throw LogicError("feature " + std::to_string(feature) + " of a jet with " +
                     std::to_string(na.features) + " features");
  return combine(na.set, 1, Real(1), a, device_component_map(na.set, na.set),
                 FeatureSelection{feature, 1}, Real(0), none, ComponentMap(), FeatureSelection{},
                 Real(0));
}

template <class Real>
typename Tape<Real>::NodeId Tape<Real>::embed(NodeId a, const DerivativeSetPtr& target, int offset)
{
  const Node& na = node_(a);
  return combine(target, na.features, Real(1), a, device_embed_map(na.set, target, offset),
                 FeatureSelection{}, Real(0), none, ComponentMap(), FeatureSelection{}, Real(0));
}

template <class Real>
typename Tape<Real>::NodeId Tape<Real>::restrict_to(NodeId a, const DerivativeSetPtr& set)
{
  const Node& na = node_(a);
  if (!set->is_subset_of(*na.set))
    throw LogicError("restricting a jet to derivatives it does not carry");
  return combine(set, na.features, Real(1), a, device_component_map(na.set, set),
                 FeatureSelection{}, Real(0), none, ComponentMap(), FeatureSelection{}, Real(0));
}

template <class Real>
typename Tape<Real>::NodeId Tape<Real>::mul(NodeId a, NodeId b)
{
  const Node& na = node_(a);
  const Node& nb = node_(b);
  if (na.points != nb.points)
    throw LogicError("multiplying jets over different point counts");
  const auto set = DerivativeSet::intersection_of(*na.set, *nb.set);
  const int features = std::max(na.features, nb.features);
  const FeatureSelection sel_a = broadcast_selection(na.features, features);
  const FeatureSelection sel_b = broadcast_selection(nb.features, features);
  const JetView<Real> va = na.value;
  const JetView<Real> vb = nb.value;
  const auto set_a = na.set;
  const auto set_b = nb.set;
  const bool grad = na.requires_grad || nb.requires_grad;
  Node& node = record(Op::mul, set, na.points, features, "pinnbench::jet::mul");
  node.a = a;
  node.b = b;
  node.sel_a = sel_a;
  node.sel_b = sel_b;
  node.requires_grad = grad;
  node.leibniz = &leibniz_program(set, set_a, set_b);
  leibniz_forward<Real>(*node.leibniz, va, sel_a, vb, sel_b, node.value);
  return last();
}

template <class Real>
typename Tape<Real>::NodeId
Tape<Real>::segment_project(NodeId a, const ProjectionWeights<Real>& weights, int segment)
{
  const Node& na = node_(a);
  if (segment < 1 || na.points % segment != 0)
    throw LogicError("segment_project: the chunk is not made of whole segments");
  const JetView<Real> va = na.value;
  const bool grad = na.requires_grad;
  const int features = na.features * static_cast<int>(weights.extent(1));
  Node& node = record(Op::project, DerivativeSet::value_only(na.set->dimension()),
                      na.points / segment, features, "pinnbench::jet::project");
  node.a = a;
  node.requires_grad = grad;
  node.weights = weights;
  node.segment = segment;
  jet::segment_project<Real>(va, weights, segment, node.value);
  return last();
}

// --- fixed neighbourhoods -------------------------------------------------------------

template <class Real>
typename Tape<Real>::NodeId Tape<Real>::perturb(NodeId a, const OffsetView<Real>& offsets)
{
  const Node& na = node_(a);
  if (static_cast<int>(offsets.extent(1)) != na.features || offsets.extent(0) < 1)
    throw LogicError("perturb: offsets of " + std::to_string(offsets.extent(1)) +
                     " coordinates for a jet of " + std::to_string(na.features));
  const JetView<Real> va = na.value;
  const bool grad = na.requires_grad;
  const int copies = static_cast<int>(offsets.extent(0));
  Node& node =
      record(Op::perturb, na.set, na.points * copies, na.features, "pinnbench::jet::perturb");
  node.a = a;
  node.requires_grad = grad;
  node.offsets = offsets;
  node.rows = copies;
  perturb_forward<Real>(va, offsets, node.value, variant_);
  return last();
}

template <class Real>
typename Tape<Real>::NodeId Tape<Real>::group_mean(NodeId a, const GroupBounds& bounds, int copies)
{
  const Node& na = node_(a);
  const int groups = static_cast<int>(bounds.extent(0)) - 1;
  if (groups < 1 || copies < 1 || na.points % copies != 0)
    throw LogicError("group_mean: " + std::to_string(na.points) + " rows are not whole points of " +
                     std::to_string(copies));
  const JetView<Real> va = na.value;
  const bool grad = na.requires_grad;
  Node& node = record(Op::group_mean, na.set, na.points / copies * groups, na.features,
                      "pinnbench::jet::group_mean");
  node.a = a;
  node.requires_grad = grad;
  node.bounds = bounds;
  group_mean_forward<Real>(va, bounds, node.value, variant_);
  return last();
}

template <class Real>
typename Tape<Real>::NodeId Tape<Real>::regroup(NodeId a, int rows)
{
  const Node& na = node_(a);
  if (rows < 1 || na.points % rows != 0)
    throw LogicError("regroup: " + std::to_string(na.points) + " rows are not whole groups of " +
                     std::to_string(rows));
  const JetView<Real> va = na.value;
  const bool grad = na.requires_grad;
  Node& node =
      record(Op::regroup, na.set, na.points / rows * na.features, rows, "pinnbench::jet::regroup");
  node.a = a;
  node.requires_grad = grad;
  node.rows = rows;
  regroup_forward<Real>(va, rows, node.value, variant_);
  return last();
}

// --- pseudo-sequences ----------------------------------------------------------------------

template <class Real>
typename Tape<Real>::NodeId Tape<Real>::sequence_lift(NodeId a, int tokens)
{
  const Node& na = node_(a);
  if (tokens < 1 || na.points % tokens != 0)
    throw LogicError("sequence_lift: rows are not whole sequences of " + std::to_string(tokens));
  const JetView<Real> va = na.value;
  const bool grad = na.requires_grad;
  const SequenceProgram& program = sequence_program(na.set, tokens);
  Node& node = record(Op::sequence_lift, program.extended, na.points, na.features,
                      "pinnbench::jet::sequence_lift");
  node.a = a;
  node.requires_grad = grad;
  node.tokens = tokens;
  node.sequence = &program;
  sequence_lift_forward<Real>(program, va, node.value);
  return last();
}

template <class Real>
typename Tape<Real>::NodeId Tape<Real>::sequence_collapse(NodeId a, const DerivativeSetPtr& base,
                                                          int tokens)
{
  const Node& na = node_(a);
  const SequenceProgram& program = sequence_program(base, tokens);
  if (na.set != program.extended || na.points % tokens != 0)
    throw LogicError("sequence_collapse: the jet is not on the sequence set of its base");
  const JetView<Real> va = na.value;
  const bool grad = na.requires_grad;
  Node& node = record(Op::sequence_collapse, base, na.points, na.features,
                      "pinnbench::jet::sequence_collapse");
  node.a = a;
  node.requires_grad = grad;
  node.tokens = tokens;
  node.sequence = &program;
  sequence_collapse_forward<Real>(program, va, node.value);
  return last();
}

template <class Real>
typename Tape<Real>::NodeId Tape<Real>::attention(NodeId q, NodeId k, NodeId v, int heads,
                                                  int tokens)
{
  if (q == k || q == v || k == v)
    throw LogicError("attention: queries, keys and values must be distinct nodes");
  const Node& nq = node_(q);
  const Node& nk = node_(k);
  const Node& nv = node_(v);
  if (nk.set != nq.set || nv.set != nq.set)
    throw LogicError("attention: operands on different derivative sets");
  const JetView<Real> vq = nq.value, vk = nk.value, vv = nv.value;
  const bool grad = nq.requires_grad || nk.requires_grad || nv.requires_grad;
  Node& node = record(Op::attention, nq.set, nq.points, nq.features, "pinnbench::jet::attention");
  node.a = q;
  node.b = k;
  node.c = v;
  node.requires_grad = grad;
  node.tokens = tokens;
  node.heads = heads;
  node.leibniz = &leibniz_program(node.set, node.set, node.set);
  node.faa_di_bruno = &faa_di_bruno_program(node.set);
  const std::size_t scratch = attention_scratch_per_head(node.set->size(), tokens) *
                              static_cast<std::size_t>(node.points / std::max(tokens, 1)) *
                              static_cast<std::size_t>(heads);
  node.scratch =
      node.scratch_storage.view(1, 1, static_cast<int>(scratch), "pinnbench::jet::attention_state")
          .data();
  attention_forward<Real>(*node.leibniz, *node.faa_di_bruno, heads, tokens, vq, vk, vv,
                          node.scratch, node.value);
  return last();
}

template <class Real>
typename Tape<Real>::NodeId Tape<Real>::attention_adjoint(NodeId q, NodeId k, NodeId v,
                                                          NodeId adjoint, int heads, int tokens,
                                                          AttentionPart part)
{
  const Node& nq = node_(q);
  const Node& nk = node_(k);
  const Node& nv = node_(v);
  const Node& ng = node_(adjoint);
  if (nq.set->size() != 1 || nk.set != nq.set || nv.set != nq.set || ng.set != nq.set)
    throw LogicError("attention_adjoint: operands must be values on one set");
  const JetView<Real> vq = nq.value, vk = nk.value, vv = nv.value, vg = ng.value;
  const bool grad = nq.requires_grad || nk.requires_grad || nv.requires_grad || ng.requires_grad;
  Node& node =
      record(Op::attention_adjoint, nq.set, nq.points, attention_part_width(part) * nq.features,
             "pinnbench::jet::attention_adjoint");
  node.a = q;
  node.b = k;
  node.c = v;
  node.d = adjoint;
  node.requires_grad = grad;
  node.tokens = tokens;
  node.heads = heads;
  node.part = part;
  attention_adjoint_forward<Real>(heads, tokens, part, vq, vk, vv, vg, node.value);
  return last();
}

template <class Real>
typename Tape<Real>::NodeId Tape<Real>::select_rows(NodeId a, int stride, int offset)
{
  const Node& na = node_(a);
  if (stride < 1 || na.points % stride != 0 || offset < 0 || offset >= stride)
    throw LogicError("select_rows: rows are not whole groups of " + std::to_string(stride));
  const JetView<Real> va = na.value;
  const bool grad = na.requires_grad;
  Node& node = record(Op::select_rows, na.set, na.points / stride, na.features,
                      "pinnbench::jet::select_rows");
  node.a = a;
  node.requires_grad = grad;
  node.stride = stride;
  node.offset = offset;
  select_rows_forward<Real>(va, stride, offset, node.value);
  return last();
}

// --- a token-wise tail in reverse mode ---------------------------------------------------

template <class Real>
typename Tape<Real>::NodeId Tape<Real>::linear_transposed(NodeId a, std::size_t weight_offset,
                                                          int inputs)
{
  const Node& in = node_(a);
  const std::size_t outputs = static_cast<std::size_t>(in.features);
  if (inputs < 1 ||
      weight_offset + outputs * static_cast<std::size_t>(inputs) > parameters_.extent(0))
    throw LogicError("transposed linear layer parameters outside the parameter vector");
  const JetView<Real> va = in.value;
  Node& node =
      record(Op::linear_transposed, in.set, in.points, inputs, "pinnbench::jet::linear_transposed");
  node.a = a;
  node.requires_grad = true;
  node.weight_offset = weight_offset;
  WeightView<Real> weight(parameters_.data() + weight_offset, outputs,
                          static_cast<std::size_t>(inputs));
  gemm_.flops += linear_transposed_forward<Real>(va, weight, node.value);
  gemm_.calls += 1;
  return last();
}

template <class Real>
typename Tape<Real>::NodeId Tape<Real>::scale_features(NodeId a, std::size_t offset)
{
  const Node& in = node_(a);
  if (offset + static_cast<std::size_t>(in.features) > parameters_.extent(0))
    throw LogicError("feature scales outside the parameter vector");
  const JetView<Real> va = in.value;
  Node& node =
      record(Op::scale_features, in.set, in.points, in.features, "pinnbench::jet::scale_features");
  node.a = a;
  node.requires_grad = true;
  node.weight_offset = offset;
  feature_scale_forward<Real>(va, BiasView<Real>(parameters_.data() + offset, in.features),
                              node.value);
  return last();
}

template <class Real>
typename Tape<Real>::NodeId Tape<Real>::sequence_contract(NodeId value, NodeId gradient,
                                                          NodeId tangents,
                                                          const DerivativeSetPtr& base, int tokens)
{
  const ContractionProgram& program = contraction_program(base, tokens);
  const Node& nv = node_(value);
  const Node& ng = node_(gradient);
  const Node& nt = node_(tangents);
  if (nt.set != program.extended || ng.set != program.shared || nv.features != 1 ||
      ng.features != nt.features || nv.points != nt.points || ng.points != nt.points)
    throw LogicError("sequence_contract: operands are not a tail's output, gradient and input");
  const JetView<Real> vv = nv.value, vg = ng.value, vt = nt.value;
  const bool grad = nv.requires_grad || ng.requires_grad || nt.requires_grad;
  Node& node =
      record(Op::sequence_contract, base, nt.points, 1, "pinnbench::jet::sequence_contract");
  node.a = value;
  node.b = gradient;
  node.c = tangents;
  node.requires_grad = grad;
  node.tokens = tokens;
  node.contraction = &program;
  sequence_contract_forward<Real>(program, vv, vg, vt, node.value);
  return last();
}

// --- reductions -------------------------------------------------------------------------

template <class Real>
typename Tape<Real>::NodeId Tape<Real>::reduce(Op op, NodeId a)
{
  const Node& na = node_(a);
  const JetView<Real> va = na.value;
  const bool grad = na.requires_grad;
  const bool squares = op == Op::sum_squares;
  Node& node = record(op, na.set, na.points, 1,
                      squares ? "pinnbench::jet::sum_squares" : "pinnbench::jet::sum_values");
  node.a = a;
  node.requires_grad = grad;
  node.scalar = squares ? jet::sum_squares<Real>(va) : jet::sum_values<Real>(va);
  return last();
}

template <class Real>
typename Tape<Real>::NodeId Tape<Real>::sum_squares(NodeId a)
{
  return reduce(Op::sum_squares, a);
}

template <class Real>
typename Tape<Real>::NodeId Tape<Real>::sum_values(NodeId a)
{
  return reduce(Op::sum_values, a);
}

// --- reverse pass -------------------------------------------------------------------------

template <class Real>
JetView<Real> Tape<Real>::contribute(NodeId id, bool& accumulate)
{
  Node& node = node_(id);
  accumulate = node.adjoint_live;
  node.adjoint_live = true;
  if (node.adjoint_buffer < 0) {
    // Best fit among the free buffers; when none fits, grow the largest.
    const std::size_t needed = static_cast<std::size_t>(node.set->size()) *
                               static_cast<std::size_t>(node.points) *
                               static_cast<std::size_t>(node.features);
    auto capacity = [&](std::size_t k) {
      return adjoint_pool_[static_cast<std::size_t>(free_adjoints_[k])].capacity();
    };
    const std::size_t none_chosen = free_adjoints_.size();
    std::size_t chosen = none_chosen;
    for (std::size_t k = 0; k < free_adjoints_.size(); ++k)
      if (free_adjoints_[k] == node.previous_adjoint_buffer && capacity(k) >= needed)
        chosen = k;
    const bool reused = chosen != none_chosen;
    for (std::size_t k = 0; k < free_adjoints_.size() && !reused; ++k) {
      if (chosen == none_chosen) {
        chosen = k;
        continue;
      }
      const bool fits = capacity(k) >= needed;
      const bool best_fits = capacity(chosen) >= needed;
      if ((fits && (!best_fits || capacity(k) < capacity(chosen))) ||
          (!fits && !best_fits && capacity(k) > capacity(chosen)))
        chosen = k;
    }
    if (chosen < free_adjoints_.size()) {
      node.adjoint_buffer = free_adjoints_[chosen];
      free_adjoints_.erase(free_adjoints_.begin() + static_cast<std::ptrdiff_t>(chosen));
    } else {
      node.adjoint_buffer = static_cast<int>(adjoint_pool_.size());
      adjoint_pool_.emplace_back();
    }
  }
  return adjoint_of(node);
}

template <class Real>
JetView<Real> Tape<Real>::adjoint_of(const Node& node)
{
  if (node.adjoint_buffer < 0)
    throw LogicError("adjoint of a node no contribution reached");
  return adjoint_pool_[static_cast<std::size_t>(node.adjoint_buffer)].view(
      node.set->size(), node.points, node.features, "pinnbench::jet::adjoint");
}

template <class Real>
void Tape<Real>::release_adjoint(Node& node)
{
  if (node.adjoint_buffer >= 0) {
    free_adjoints_.push_back(node.adjoint_buffer);
    node.previous_adjoint_buffer = node.adjoint_buffer;
    node.adjoint_buffer = -1;
  }
}

template <class Real>
void Tape<Real>::backward(const std::vector<std::pair<NodeId, double>>& seeds)
{
  if (gradient_.extent(0) != parameters_.extent(0))
    throw LogicError("backward() before bind_parameters()");
  for (int i = 0; i < cursor_; ++i) {
    Node& node = nodes_[static_cast<std::size_t>(i)];
    node.adjoint_live = false;
    node.seed = 0.0;
    release_adjoint(node);
  }
  for (const auto& [id, seed] : seeds) {
    Node& node = node_(id);
    if (node.op != Op::sum_squares && node.op != Op::sum_values)
      throw LogicError("backward() is seeded at reduction nodes");
    node.seed += seed;
    node.adjoint_live = true;
  }
  for (int i = cursor_ - 1; i >= 0; --i) {
    Node& node = nodes_[static_cast<std::size_t>(i)];
    if (node.requires_grad && node.adjoint_live)
      backward_node(node);
    // Every consumer of this node came later on the tape: its adjoint is final
    // and, once propagated, dead.
    release_adjoint(node);
  }
}

template <class Real>
void Tape<Real>::backward_node(Node& node)
{
  bool accumulate = false;
  switch (node.op) {
  case Op::coordinates:
    return;
  case Op::sum_squares: {
    const Node& in = node_(node.a);
    const JetView<Real> value = in.value;
    auto adjoint = contribute(node.a, accumulate);
    sum_squares_vjp<Real>(value, node.seed, adjoint, accumulate);
    return;
  }
  case Op::sum_values: {
    auto adjoint = contribute(node.a, accumulate);
    sum_values_vjp<Real>(node.seed, adjoint, accumulate);
    return;
  }
  case Op::linear: {
    const Node& in = node_(node.a);
    const JetView<Real> a = in.value;
    const std::size_t inputs = static_cast<std::size_t>(in.features);
    const std::size_t outputs = static_cast<std::size_t>(node.features);
    JetView<Real> adjoint_a;
    if (in.requires_grad)
      adjoint_a = contribute(node.a, accumulate);
    WeightView<Real> weight(parameters_.data() + node.weight_offset, outputs, inputs);
    WeightGradientView<Real> grad_weight(gradient_.data() + node.weight_offset, outputs, inputs);
    BiasGradientView<Real> grad_bias(node.bias_offset >= 0 ? gradient_.data() + node.bias_offset
                                                           : nullptr,
                                     node.bias_offset >= 0 ? outputs : 0);
    const auto adjoint_z = adjoint_of(node);
    gemm_.flops +=
        linear_vjp<Real>(a, weight, adjoint_z, adjoint_a, accumulate, grad_weight, grad_bias);
    gemm_.calls += in.requires_grad ? 2 : 1;
    return;
  }
  case Op::scaled_linear: {
    const Node& in = node_(node.a);
    const JetView<Real> a = in.value;
    const std::size_t inputs = static_cast<std::size_t>(in.features);
    const std::size_t outputs = static_cast<std::size_t>(node.features);
    const std::size_t size = inputs * outputs;
    const std::size_t scales = size / static_cast<std::size_t>(node.group);
    JetView<Real> adjoint_a;
    if (in.requires_grad)
      adjoint_a = contribute(node.a, accumulate);
    // The effective weight was formed in the forward pass from the same parameters.
    WeightView<Real> effective(node.scaled_weight.data(), outputs, inputs);
    const auto grad_effective =
        Kokkos::subview(node.scaled_gradient, std::make_pair(std::size_t{0}, size));
    Kokkos::deep_copy(grad_effective, Real(0));
    WeightGradientView<Real> grad_weight(node.scaled_gradient.data(), outputs, inputs);
    BiasGradientView<Real> grad_bias(node.bias_offset >= 0 ? gradient_.data() + node.bias_offset
                                                           : nullptr,
                                     node.bias_offset >= 0 ? outputs : 0);
    const auto adjoint_z = adjoint_of(node);
    gemm_.flops +=
        linear_vjp<Real>(a, effective, adjoint_z, adjoint_a, accumulate, grad_weight, grad_bias);
    gemm_.calls += in.requires_grad ? 2 : 1;
    scaled_weight_vjp<Real>(BiasView<Real>(parameters_.data() + node.weight_offset, size),
                            BiasView<Real>(parameters_.data() + node.scale_offset, scales),
                            node.group, BiasView<Real>(node.scaled_gradient.data(), size),
                            BiasGradientView<Real>(gradient_.data() + node.weight_offset, size),
                            BiasGradientView<Real>(gradient_.data() + node.scale_offset, scales));
    return;
  }
  case Op::qres_block: {
    const Node& in = node_(node.a);
    const JetView<Real> a = in.value;
    const std::size_t inputs = static_cast<std::size_t>(in.features);
    const std::size_t outputs = static_cast<std::size_t>(node.features);
    const std::size_t weights = outputs * inputs;
    const std::size_t packed = 2 * weights + 2 * outputs;
    const int components = node.set->size();
    const std::size_t plane = static_cast<std::size_t>(components) * node.points * outputs;
    Real* scratch = node.scratch;
    const JetView<Real> z(scratch, components, node.points, 2 * outputs);
    const JetView<Real> p(scratch + 2 * plane, components, node.points, outputs);
    Real* work =
        qres_work_.view(1, 1, static_cast<int>(3 * plane), "pinnbench::jet::qres_work").data();
    const JetView<Real> adjoint_z(work, components, node.points, 2 * outputs);
    const JetView<Real> adjoint_p(work + 2 * plane, components, node.points, outputs);
    qres_vjp<Real>(node.kind, *node.leibniz, *node.faa_di_bruno, z, p, node.value, adjoint_of(node),
                   adjoint_p, adjoint_z, variant_);
    JetView<Real> adjoint_a;
    if (in.requires_grad)
      adjoint_a = contribute(node.a, accumulate);
    const auto grad_packed =
        Kokkos::subview(node.scaled_gradient, std::make_pair(std::size_t{0}, packed));
    Kokkos::deep_copy(grad_packed, Real(0));
    WeightView<Real> weight(node.scaled_weight.data(), 2 * outputs, inputs);
    WeightGradientView<Real> grad_weight(node.scaled_gradient.data(), 2 * outputs, inputs);
    BiasGradientView<Real> grad_bias(node.scaled_gradient.data() + 2 * weights, 2 * outputs);
    gemm_.flops +=
        linear_vjp<Real>(a, weight, adjoint_z, adjoint_a, accumulate, grad_weight, grad_bias);
    gemm_.calls += in.requires_grad ? 2 : 1;
    qres_unpack_gradient<Real>(BiasView<Real>(node.scaled_gradient.data(), packed), node.qres,
                               static_cast<int>(outputs), static_cast<int>(inputs),
                               BiasGradientView<Real>(gradient_.data(), gradient_.extent(0)));
    return;
  }
  case Op::bspline: {
    const Node& in = node_(node.a);
    if (in.requires_grad) {
      const JetView<Real> z = in.value;
      const auto adjoint_y = adjoint_of(node);
      auto adjoint_z = contribute(node.a, accumulate);
      bspline_vjp<Real>(node.grid, *node.faa_di_bruno, z, adjoint_y, adjoint_z, accumulate,
                        variant_);
    }
    return;
  }
  case Op::unary: {
    const Node& in = node_(node.a);
    const JetView<Real> z = in.value;
    const auto adjoint_y = adjoint_of(node);
    if (node.kind == UnaryKind::wave) {
      auto range = std::make_pair(node.wave_offset, node.wave_offset + 2);
      auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(),
                                                      Kokkos::subview(parameters_, range));
      // y = w1 sin z + w2 cos z, or its derivative -w2 sin z + w1 cos z.
      const Real sin_weight = node.wave_derivative ? -host(1) : host(0);
      const Real cos_weight = node.wave_derivative ? host(0) : host(1);
      double grad_sin = 0.0, grad_cos = 0.0;
      if (in.requires_grad) {
        auto adjoint_z = contribute(node.a, accumulate);
        wave_vjp<Real>(sin_weight, cos_weight, *node.faa_di_bruno, z, adjoint_y, adjoint_z,
                       accumulate, grad_sin, grad_cos, variant_);
      } else {
        wave_parameter_gradient<Real>(*node.faa_di_bruno, z, adjoint_y, grad_sin, grad_cos,
                                      variant_);
      }
      auto grad = Kokkos::subview(gradient_, range);
      auto grad_host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), grad);
      grad_host(0) += static_cast<Real>(node.wave_derivative ? grad_cos : grad_sin);
      grad_host(1) += static_cast<Real>(node.wave_derivative ? -grad_sin : grad_cos);
      Kokkos::deep_copy(grad, grad_host);
      return;
    }
    if (in.requires_grad) {
      auto adjoint_z = contribute(node.a, accumulate);
      unary_vjp<Real>(node.kind, Real(1), Real(1), *node.faa_di_bruno, z, adjoint_y, adjoint_z,
                      accumulate, variant_, node.value);
    }
    return;
  }
  case Op::combine: {
    const auto adjoint_out = adjoint_of(node);
    if (node_(node.a).requires_grad) {
      auto adjoint_a = contribute(node.a, accumulate);
      combine_vjp<Real>(adjoint_out, node.alpha, node.map_a, node.sel_a, adjoint_a, accumulate);
    }
    if (node.b != none && node_(node.b).requires_grad) {
      auto adjoint_b = contribute(node.b, accumulate);
      combine_vjp<Real>(adjoint_out, node.beta, node.map_b, node.sel_b, adjoint_b, accumulate);
    }
    return;
  }
  case Op::affine: {
    const auto adjoint_out = adjoint_of(node);
    auto adjoint_a = contribute(node.a, accumulate);
    affine_vjp<Real>(adjoint_out, node.affine_map, adjoint_a, accumulate);
    return;
  }
  case Op::project: {
    const auto adjoint_out = adjoint_of(node);
    auto adjoint_a = contribute(node.a, accumulate);
    segment_project_vjp<Real>(node.weights, node.segment, adjoint_out, adjoint_a, accumulate);
    return;
  }
  case Op::perturb: {
    const auto adjoint_out = adjoint_of(node);
    auto adjoint_a = contribute(node.a, accumulate);
    perturb_vjp<Real>(adjoint_out, node.rows, adjoint_a, accumulate, variant_);
    return;
  }
  case Op::group_mean: {
    const auto adjoint_out = adjoint_of(node);
    auto adjoint_a = contribute(node.a, accumulate);
    group_mean_vjp<Real>(adjoint_out, node.bounds, adjoint_a, accumulate, variant_);
    return;
  }
  case Op::regroup: {
    const auto adjoint_out = adjoint_of(node);
    auto adjoint_a = contribute(node.a, accumulate);
    regroup_vjp<Real>(adjoint_out, node.rows, adjoint_a, accumulate, variant_);
    return;
  }
  case Op::sequence_lift: {
    const auto adjoint_out = adjoint_of(node);
    auto adjoint_a = contribute(node.a, accumulate);
    sequence_lift_vjp<Real>(*node.sequence, adjoint_out, adjoint_a, accumulate);
    return;
  }
  case Op::sequence_collapse: {
    const auto adjoint_out = adjoint_of(node);
    auto adjoint_a = contribute(node.a, accumulate);
    sequence_collapse_vjp<Real>(*node.sequence, adjoint_out, adjoint_a, accumulate);
    return;
  }
  case Op::select_rows: {
    const auto adjoint_out = adjoint_of(node);
    auto adjoint_a = contribute(node.a, accumulate);
    select_rows_vjp<Real>(adjoint_out, node.stride, node.offset, adjoint_a, accumulate);
    return;
  }
  case Op::attention: {
    const auto adjoint_out = adjoint_of(node);
    const JetView<Real> vq = node_(node.a).value, vk = node_(node.b).value,
                        vv = node_(node.c).value;
    // Operands that need no gradient still get their adjoint computed, into a
    // buffer nobody reads: attention operands always depend on parameters here.
    bool acc_q = false, acc_k = false, acc_v = false;
    auto adjoint_q = contribute(node.a, acc_q);
    auto adjoint_k = contribute(node.b, acc_k);
    auto adjoint_v = contribute(node.c, acc_v);
    const std::size_t work = attention_scratch_per_head(node.set->size(), node.tokens) *
                             static_cast<std::size_t>(node.points / node.tokens) *
                             static_cast<std::size_t>(node.heads);
    Real* work_data =
        attention_work_.view(1, 1, static_cast<int>(work), "pinnbench::jet::attention_work").data();
    attention_vjp<Real>(*node.leibniz, *node.faa_di_bruno, node.heads, node.tokens, vq, vk, vv,
                        node.scratch, work_data, adjoint_out, adjoint_q, acc_q, adjoint_k, acc_k,
                        adjoint_v, acc_v);
    return;
  }
  case Op::attention_adjoint: {
    const auto adjoint_out = adjoint_of(node);
    const JetView<Real> vq = node_(node.a).value, vk = node_(node.b).value,
                        vv = node_(node.c).value, vg = node_(node.d).value;
    // As for attention: every operand depends on parameters where this op is used.
    bool acc_q = false, acc_k = false, acc_v = false, acc_g = false;
    auto adjoint_q = contribute(node.a, acc_q);
    auto adjoint_k = contribute(node.b, acc_k);
    auto adjoint_v = contribute(node.c, acc_v);
    auto adjoint_g = contribute(node.d, acc_g);
    attention_adjoint_vjp<Real>(node.heads, node.tokens, node.part, vq, vk, vv, vg, adjoint_out,
                                adjoint_q, acc_q, adjoint_k, acc_k, adjoint_v, acc_v, adjoint_g,
                                acc_g);
    return;
  }
  case Op::linear_transposed: {
    const Node& in = node_(node.a);
    const JetView<Real> a = in.value;
    const std::size_t outputs = static_cast<std::size_t>(in.features);
    const std::size_t inputs = static_cast<std::size_t>(node.features);
    JetView<Real> adjoint_a;
    if (in.requires_grad)
      adjoint_a = contribute(node.a, accumulate);
    WeightView<Real> weight(parameters_.data() + node.weight_offset, outputs, inputs);
    WeightGradientView<Real> grad_weight(gradient_.data() + node.weight_offset, outputs, inputs);
    gemm_.flops += linear_transposed_vjp<Real>(a, weight, adjoint_of(node), adjoint_a, accumulate,
                                               grad_weight);
    gemm_.calls += in.requires_grad ? 2 : 1;
    return;
  }
  case Op::scale_features: {
    const Node& in = node_(node.a);
    const std::size_t features = static_cast<std::size_t>(node.features);
    JetView<Real> adjoint_a;
    if (in.requires_grad)
      adjoint_a = contribute(node.a, accumulate);
    feature_scale_vjp<Real>(
        in.value, BiasView<Real>(parameters_.data() + node.weight_offset, features),
        adjoint_of(node), adjoint_a, accumulate,
        BiasGradientView<Real>(gradient_.data() + node.weight_offset, features));
    return;
  }
  case Op::sequence_contract: {
    const auto adjoint_out = adjoint_of(node);
    const JetView<Real> vg = node_(node.b).value, vt = node_(node.c).value;
    // Every operand gets its adjoint (a tail's operands depend on parameters).
    bool acc_value = false, acc_gradient = false, acc_tangents = false;
    auto adjoint_value = contribute(node.a, acc_value);
    auto adjoint_gradient = contribute(node.b, acc_gradient);
    auto adjoint_tangents = contribute(node.c, acc_tangents);
    sequence_contract_vjp<Real>(*node.contraction, vg, vt, adjoint_out, adjoint_value, acc_value,
                                adjoint_gradient, acc_gradient, adjoint_tangents, acc_tangents);
    return;
  }
  case Op::mul: {
    const auto adjoint_c = adjoint_of(node);
    const JetView<Real> va = node_(node.a).value;
    const JetView<Real> vb = node_(node.b).value;
    if (node_(node.a).requires_grad) {
      auto adjoint_a = contribute(node.a, accumulate);
      leibniz_vjp<Real>(*node.leibniz, adjoint_c, vb, node.sel_b, adjoint_a, node.sel_a, true,
                        accumulate);
    }
    if (node_(node.b).requires_grad) {
      auto adjoint_b = contribute(node.b, accumulate);
      leibniz_vjp<Real>(*node.leibniz, adjoint_c, va, node.sel_a, adjoint_b, node.sel_b, false,
                        accumulate);
    }
    return;
  }
  }
}

template class Tape<float>;
template class Tape<double>;

} // namespace pinnbench::jet
