#pragma once
// Reverse mode over jet operations (ARCHITECTURE §2.4).
//
// Recording an op runs its forward kernel at once and appends a node holding
// the result. backward() replays the nodes in reverse, each running its VJP
// kernel, and accumulates parameter gradients into one flat gradient vector.
//
// A tape is meant to record the same sequence of ops again and again (one
// closure per optimiser step, one chunk of points at a time): rewind() keeps
// every node's buffers, so after the first evaluation nothing is allocated.
// Adjoints come from a pool: a node's adjoint is dead once its own VJP has run,
// so the backward pass of an MLP holds about two layer-sized adjoints at a time.
#include <cstdint>
#include <deque>
#include <pinnbench/jet/Kernels.hpp>
#include <pinnbench/jet/Sequence.hpp>
#include <string>
#include <vector>

namespace pinnbench::jet {

/// GEMM work done through a tape, for throughput reports.
struct GemmStatistics
{
  std::int64_t flops = 0;
  std::int64_t calls = 0;
};

template <class Real>
class Tape
{
public:
  using NodeId = int;
  static constexpr NodeId none = -1;

  explicit Tape(KernelVariant variant = KernelVariant::automatic) : variant_(variant) {}

  /// Parameters the ops read and the gradient vector backward() adds into.
  void bind_parameters(const Vector<Real>& parameters, const Vector<Real>& gradient);
  const Vector<Real>& parameters() const { return parameters_; }

  /// Begin a new evaluation. Node buffers are kept for reuse.
  void rewind() { cursor_ = 0; }
  int size() const { return cursor_; }

  // --- inputs ------------------------------------------------------------------

  /// The coordinate jet of `points` [N][d] on `set` (constant: no gradient).
  NodeId coordinates(const Kokkos::View<const Real**, Kokkos::LayoutRight, MemorySpace>& points,
                     const DerivativeSetPtr& set);
  /// The coordinate jet of `points` [N][d] on a set over directions in input
  /// space (directional jets): d/dz_k of input j is directions[k][j], so d/dz_k
  /// of a function of the inputs is its derivative along directions[k].
  NodeId coordinates(const Kokkos::View<const Real**, Kokkos::LayoutRight, MemorySpace>& points,
                     const DerivativeSetPtr& set,
                     const std::vector<std::vector<double>>& directions);

  /// Per-point constants `values` [N][F] (F <= 6) as a jet on `set`: the values
  /// with zero derivatives (no gradient), e.g. boundary normals.
  NodeId constants(const Kokkos::View<const Real**, Kokkos::LayoutRight, MemorySpace>& values,
                   const DerivativeSetPtr& set);

  // --- network ops --------------------------------------------------------------

  /// a W^T + b with W [outputs][inputs] at `weight_offset` in the parameter
  /// vector and b at `bias_offset` (or none).
  NodeId linear(NodeId input, std::size_t weight_offset, int outputs,
                std::int64_t bias_offset = -1);
  /// f(a) componentwise in the jet sense. For UnaryKind::wave, w1 and w2 are the
  /// parameters at `wave_offset` and `wave_offset + 1`.
  NodeId unary(NodeId input, UnaryKind kind, std::int64_t wave_offset = -1);
  /// The jets of every B-spline basis of `grid` at every feature, [S][N][F * bases]:
  /// feature i * bases + m is B_m(a_i) (KAN edges).
  NodeId bspline(NodeId input, const BSplineGrid<Real>& grid);
  /// linear() with the weight W (.) s: W_eff[o][k] = W[o][k] * s[(o * inputs + k) / group],
  /// W at `weight_offset`, s at `scale_offset` (a KAN layer's scale_sp times its coef).
  NodeId scaled_linear(NodeId input, std::size_t weight_offset, int outputs,
                       std::size_t scale_offset, int group, std::int64_t bias_offset = -1);
  /// A QRes block f(z1 z2 + z1), z1 = H1 a + b1, z2 = H2 a + b2, as one op: one
  /// GEMM on the concatenated [H1; H2] (packed from the parameter vector on each
  /// call, so the layout stays the reference's) and one fused jet kernel each way.
  NodeId qres_block(NodeId input, const QResBlockParameters& block, int outputs,
                    UnaryKind kind = UnaryKind::sigmoid);

  // --- jet algebra ---------------------------------------------------------------

  /// alpha a + beta b on the derivatives both carry (a one-feature operand broadcasts).
  NodeId axpby(Real alpha, NodeId a, Real beta, NodeId b);
  NodeId add(NodeId a, NodeId b) { return axpby(Real(1), a, Real(1), b); }
  NodeId sub(NodeId a, NodeId b) { return axpby(Real(1), a, Real(-1), b); }
  NodeId scale(NodeId a, Real alpha);
  /// a + constant (on the value component).
  NodeId add_constant(NodeId a, Real constant);
  /// The Leibniz product on the derivatives both carry.
  NodeId mul(NodeId a, NodeId b);
  /// d a / d z_coordinate: the jet on the shifted set.
  NodeId derivative(NodeId a, int coordinate);
  /// The collapsed Laplacian of a over `axes` as a value-only jet; a's set must
  /// carry it (DerivativeSet::find_laplacian).
  NodeId collapsed_laplacian(NodeId a, AxisMask axes);
  /// scale_f a_f + shift_f per feature (input normalisation): derivatives stay
  /// with respect to a's coordinates, each scaled by scale_f (the chain rule).
  NodeId affine(NodeId a, const std::vector<double>& scale, const std::vector<double>& shift);
  /// Feature `feature` of a as a one-feature jet.
  NodeId feature(NodeId a, int feature);
  /// The same function seen on the larger coordinate set of `target`, its own
  /// coordinates moved to offset, offset + 1, ...; derivatives in the other
  /// coordinates are zero. Combines several network evaluations in one term
  /// (periodic boundaries: u(x_lo, t) - u(x_hi, t) on (x_lo, t_lo, x_hi, t_hi)).
  NodeId embed(NodeId a, const DerivativeSetPtr& target, int offset);
  /// A copy restricted to a subset of its derivatives.
  NodeId restrict_to(NodeId a, const DerivativeSetPtr& set);

  /// Per-segment weighted sums of a's values (vPINN's element integrals against
  /// test functions): see segment_project() in Kernels.hpp.
  NodeId segment_project(NodeId a, const ProjectionWeights<Real>& weights, int segment);

  // --- fixed neighbourhoods (ProPINN's differential perturbation) -----------------

  /// K shifted copies of every point, [S][N][d] -> [S][N K][d]: the values move
  /// by offsets(k, :), the derivatives stay (the offsets are constants).
  NodeId perturb(NodeId a, const OffsetView<Real>& offsets);
  /// Means over groups of each point's K = `copies` rows, [S][N K][F] -> [S][N G][F];
  /// bounds (0 = b_0 < b_1 < ... < b_G = K) are the caller's to get right.
  NodeId group_mean(NodeId a, const GroupBounds& bounds, int copies);
  /// [S][N R][F] -> [S][N F][R]: out(c, n F + f, r) = a(c, n R + r, f).
  NodeId regroup(NodeId a, int rows);
  // --- pseudo-sequences (Sequence.hpp) ---------------------------------------------

  /// A token-row jet (`tokens` consecutive rows per point) on the extended set
  /// sequence_set(set, tokens): shared plus per-token coordinates.
  NodeId sequence_lift(NodeId a, int tokens);
  /// The network output on the extended set back on `base`, with the reference's
  /// token-summed derivative semantics.
  NodeId sequence_collapse(NodeId a, const DerivativeSetPtr& base, int tokens);
  /// Multi-head attention over the `tokens` rows of every point (q, k, v distinct nodes).
  NodeId attention(NodeId q, NodeId k, NodeId v, int heads, int tokens);
  /// Row n * stride + offset of a, for every n (one token of every point).
  NodeId select_rows(NodeId a, int stride, int offset);
  /// The adjoints of attention(q, k, v, heads, tokens)'s operands for an adjoint
  /// `adjoint` of its output (attention_adjoint_forward; `part` picks which), as
  /// a node of its own that the reverse pass differentiates again. Values only
  /// (order-0 sets), at most kMaxAdjointTokens tokens.
  NodeId attention_adjoint(NodeId q, NodeId k, NodeId v, NodeId adjoint, int heads, int tokens,
                           AttentionPart part);

  // --- a token-wise tail differentiated in reverse (nn/PinnsFormer.cpp) -----------

  /// a W with W [a's features][inputs] at `weight_offset`: the input adjoint of
  /// linear(., weight_offset, a's features), as a jet of its own.
  NodeId linear_transposed(NodeId a, std::size_t weight_offset, int inputs);
  /// a(c, n, f) times the parameter at offset + f.
  NodeId scale_features(NodeId a, std::size_t offset);
  /// The derivative of the wave activation at `wave_offset`,
  /// w1 cos a - w2 sin a, as a jet.
  NodeId wave_derivative(NodeId a, std::int64_t wave_offset);
  /// The collapse of sequence_collapse() from a token-wise tail's output `value`,
  /// its reverse-mode gradient `gradient` (on contraction_program(base,
  /// tokens).shared) and its input `tangents` (on the sequence set of base).
  NodeId sequence_contract(NodeId value, NodeId gradient, NodeId tangents,
                           const DerivativeSetPtr& base, int tokens);

  // --- reductions (scalar nodes, accumulated in double) ---------------------------

  /// sum over points and features of the value squared.
  NodeId sum_squares(NodeId a);
  /// sum over points and features of the value.
  NodeId sum_values(NodeId a);
  double scalar(NodeId node) const;

  // --- reverse pass ----------------------------------------------------------------

  /// Accumulates d(sum_k seed_k * scalar_k)/d(parameters) into the gradient.
  void backward(const std::vector<std::pair<NodeId, double>>& seeds);

  // --- inspection --------------------------------------------------------------------

  Jet<Real> value(NodeId node) const;
  const DerivativeSetPtr& set(NodeId node) const { return node_(node).set; }
  bool requires_grad(NodeId node) const { return node_(node).requires_grad; }
  const GemmStatistics& gemm_statistics() const { return gemm_; }
  void reset_gemm_statistics() { gemm_ = {}; }
  /// Bytes held by node buffers (values and adjoints).
  std::size_t bytes() const;

private:
  enum class Op
  {
    coordinates,
    linear,
    scaled_linear,
    qres_block,
    unary,
    bspline,
    combine,
    mul,
    project,
    perturb,
    group_mean,
    regroup,
    affine,
    sequence_lift,
    sequence_collapse,
    attention,
    attention_adjoint,
    select_rows,
    linear_transposed,
    scale_features,
    sequence_contract,
    sum_squares,
    sum_values
  };

  struct Node
  {
    Op op = Op::coordinates;
    DerivativeSetPtr set;
    int points = 0;
    int features = 0;
    NodeId a = none;
    NodeId b = none;
    bool requires_grad = false;
    // linear / unary parameters
    std::size_t weight_offset = 0;
    std::int64_t bias_offset = -1;
    UnaryKind kind = UnaryKind::tanh;
    std::int64_t wave_offset = -1;
    const FaaDiBrunoProgram* faa_di_bruno = nullptr;
    bool wave_derivative = false; ///< unary wave with weights (-w2, w1): the derivative
    // bspline
    BSplineGrid<Real> grid;
    // qres_block: its layers; packed weights and gradient in scaled_weight / scaled_gradient
    QResBlockParameters qres;
    // scaled_linear: W (.) s and its gradient, buffers kept across rewinds
    std::size_t scale_offset = 0;
    int group = 1;
    Kokkos::View<Real*, MemorySpace> scaled_weight;
    Kokkos::View<Real*, MemorySpace> scaled_gradient;
    // combine / mul
    Real alpha = Real(1);
    Real beta = Real(0);
    ComponentMap map_a;
    ComponentMap map_b;
    FeatureSelection sel_a;
    FeatureSelection sel_b;
    const LeibnizProgram* leibniz = nullptr;
    // affine
    FeatureAffine<Real> affine_map;
    // project
    ProjectionWeights<Real> weights;
    int segment = 1;
    // perturb / group_mean / regroup
    OffsetView<Real> offsets;
    GroupBounds bounds;
    int rows = 1;
    // pseudo-sequences: the third and fourth attention operands, tokens, heads, row selection
    NodeId c = none;
    NodeId d = none;
    AttentionPart part = AttentionPart::all;
    int tokens = 1;
    int heads = 1;
    int stride = 1;
    int offset = 0;
    const SequenceProgram* sequence = nullptr;
    const ContractionProgram* contraction = nullptr;
    JetStorage<Real> scratch_storage; ///< attention state the VJP reads
    Real* scratch = nullptr;
    // reductions
    double scalar = 0.0;
    double seed = 0.0;
    // storage, reused across rewinds
    JetStorage<Real> value_storage;
    JetView<Real> value;
    bool adjoint_live = false;
    int adjoint_buffer = -1;          ///< index into the adjoint pool while live
    int previous_adjoint_buffer = -1; ///< reused first, so a repeated pass never regrows
  };

  Node& record(Op op, const DerivativeSetPtr& set, int points, int features, const char* label);
  /// Records a scalar reduction (sum_squares or sum_values) of node a.
  NodeId reduce(Op op, NodeId a);
  const Node& node_(NodeId id) const;
  Node& node_(NodeId id);
  NodeId last() const { return cursor_ - 1; }
  /// The adjoint buffer of `id` for a contribution; sets `accumulate` to whether
  /// an earlier contribution already initialised it.
  JetView<Real> contribute(NodeId id, bool& accumulate);
  /// The live adjoint of a node (after contributions reached it).
  JetView<Real> adjoint_of(const Node& node);
  void release_adjoint(Node& node);
  NodeId combine(const DerivativeSetPtr& set, int features, Real alpha, NodeId a,
                 const ComponentMap& map_a, FeatureSelection sel_a, Real beta, NodeId b,
                 const ComponentMap& map_b, FeatureSelection sel_b, Real constant);
  void backward_node(Node& node);

  KernelVariant variant_;
  Vector<Real> parameters_;
  Vector<Real> gradient_;
  std::deque<Node> nodes_; // deque: references stay valid while recording
  std::vector<JetStorage<Real>> adjoint_pool_;
  JetStorage<Real> attention_work_; ///< one attention VJP at a time
  JetStorage<Real> qres_work_;      ///< one QRes block VJP at a time
  std::vector<int> free_adjoints_;
  int cursor_ = 0;
  GemmStatistics gemm_;
};

} // namespace pinnbench::jet
