#pragma once
// Forward and VJP kernels of the jet operations. Each is one fused kernel over
// all components of the jet. The tape (Tape.hpp) decides which kernels run and
// owns the buffers; these functions only compute.
//
// "accumulate" in a VJP: false writes the input adjoint (first contribution),
// true adds to it. That saves zeroing adjoint buffers before every backward pass.
#include <cstdint>
#include <pinnbench/jet/BSpline.hpp>
#include <pinnbench/jet/Jet.hpp>
#include <pinnbench/jet/Programs.hpp>
#include <pinnbench/jet/UnaryFunction.hpp>

namespace pinnbench::jet {

/// Which implementation of the elementwise kernels to use. `host_blocked`
/// processes one point at a time with vectorisable loops over blocks of
/// features; `flat` gives every (point, feature) its own thread (GPUs).
/// `automatic` picks host_blocked on host spaces. Tests run both.
enum class KernelVariant
{
  automatic,
  host_blocked,
  flat
};

/// Feature f of an operation reads feature offset + stride * f of its input
/// (stride 0 broadcasts a one-feature jet, offset selects one output of many).
struct FeatureSelection
{
  int offset = 0;
  int stride = 1;
};

// --- unary functions (Faa di Bruno) -------------------------------------------

template <class Real>
void unary_forward(UnaryKind kind, Real w1, Real w2, const FaaDiBrunoProgram& program,
                   const ConstJetView<Real>& z, const JetView<Real>& y,
                   KernelVariant variant = KernelVariant::automatic);

/// `y`, when not empty, is the forward's output f(z): the host kernels then read
/// the derivatives of tanh and sigmoid off its value instead of evaluating f again.
template <class Real>
void unary_vjp(UnaryKind kind, Real w1, Real w2, const FaaDiBrunoProgram& program,
               const ConstJetView<Real>& z, const ConstJetView<Real>& adjoint_y,
               const JetView<Real>& adjoint_z, bool accumulate,
               KernelVariant variant = KernelVariant::automatic, const ConstJetView<Real>& y = {});

/// dL/dw1 and dL/dw2 of the wave activation y = w1 sin z + w2 cos z, given dL/dy.
template <class Real>
void wave_parameter_gradient(const FaaDiBrunoProgram& program, const ConstJetView<Real>& z,
                             const ConstJetView<Real>& adjoint_y, double& grad_w1, double& grad_w2,
                             KernelVariant variant = KernelVariant::automatic);

/// The wave activation's VJP and its parameter sums together: adjoint_z (written, or
/// added to) and dL/dw1 = <dL/dy, jet of sin z>, dL/dw2 = <dL/dy, jet of cos z>. On
/// the host and sets of order <= 2 one kernel does both with one sincos per element;
/// otherwise it is wave_parameter_gradient followed by unary_vjp.
template <class Real>
void wave_vjp(Real w1, Real w2, const FaaDiBrunoProgram& program, const ConstJetView<Real>& z,
              const ConstJetView<Real>& adjoint_y, const JetView<Real>& adjoint_z, bool accumulate,
              double& grad_sin, double& grad_cos, KernelVariant variant = KernelVariant::automatic);

// --- linear combinations, component gathers --------------------------------------

/// out[c][n][f] = alpha * a[map_a[c]][n][sel_a(f)] + beta * b[map_b[c]][n][sel_b(f)],
/// plus `constant` on the value component. A map entry of -1 reads zero; an empty
/// `b` is skipped. Covers add, sub, scale, d(j), feature slices and embeddings.
template <class Real>
void combine_forward(const JetView<Real>& out, Real alpha, const ConstJetView<Real>& a,
                     const ComponentMap& map_a, FeatureSelection sel_a, Real beta,
                     const ConstJetView<Real>& b, const ComponentMap& map_b, FeatureSelection sel_b,
                     Real constant);

/// adjoint_a[map[c]][n][sel(f)] (+)= alpha * adjoint_out[c][n][f].
template <class Real>
void combine_vjp(const ConstJetView<Real>& adjoint_out, Real alpha, const ComponentMap& map,
                 FeatureSelection sel, const JetView<Real>& adjoint_a, bool accumulate);

// --- products (Leibniz) -------------------------------------------------------------

template <class Real>
void leibniz_forward(const LeibnizProgram& program, const ConstJetView<Real>& a,
                     FeatureSelection sel_a, const ConstJetView<Real>& b, FeatureSelection sel_b,
                     const JetView<Real>& c);

/// Adjoint of one operand of c = a * b: adjoint_self (+)= d(c)/d(self)^T adjoint_c.
/// `self_is_left` says whether self is a (program.left) or b (program.right).
template <class Real>
void leibniz_vjp(const LeibnizProgram& program, const ConstJetView<Real>& adjoint_c,
                 const ConstJetView<Real>& other, FeatureSelection sel_other,
                 const JetView<Real>& adjoint_self, FeatureSelection sel_self, bool self_is_left,
                 bool accumulate);

// --- inputs ---------------------------------------------------------------------------

/// The coordinate jet of points [N][d]: value = the points, d/dz_j of coordinate
/// j is 1, everything else 0. `unit_components[j]` is the component of e_j in
/// the set (or -1 when the set carries no first derivative in j).
template <class Real>
void coordinate_jet(const Kokkos::View<const Real**, Kokkos::LayoutRight, MemorySpace>& points,
                    const std::vector<int>& unit_components, const JetView<Real>& out);
/// The coordinate jet of points [N][d] whose jet coordinates are directions in
/// input space: d/dz_k of input j is directions[k][j] (directional jets);
/// `direction_components[k]` is the component of e_k in the set (or -1).
template <class Real>
void coordinate_jet(const Kokkos::View<const Real**, Kokkos::LayoutRight, MemorySpace>& points,
                    const std::vector<std::vector<double>>& directions,
                    const std::vector<int>& direction_components, const JetView<Real>& out);

/// A per-feature affine map z_f = scale_f a_f + shift_f (at most kMaxCoordinates
/// features): input normalisation, whose jet keeps derivatives in the original
/// coordinates (every derivative of z_f is scale_f times a_f's).
template <class Real>
struct FeatureAffine
{
  Real scale[kMaxCoordinates] = {};
  Real shift[kMaxCoordinates] = {};
};

template <class Real>
void affine_forward(const ConstJetView<Real>& a, const FeatureAffine<Real>& map,
                    const JetView<Real>& out);
/// adjoint_a (+)= scale_f adjoint_out.
template <class Real>
void affine_vjp(const ConstJetView<Real>& adjoint_out, const FeatureAffine<Real>& map,
                const JetView<Real>& adjoint_a, bool accumulate);

// --- linear layers --------------------------------------------------------------------

template <class Real>
using WeightView = Kokkos::View<const Real**, Kokkos::LayoutRight, MemorySpace,
                                Kokkos::MemoryTraits<Kokkos::Unmanaged>>;
template <class Real>
using WeightGradientView =
    Kokkos::View<Real**, Kokkos::LayoutRight, MemorySpace, Kokkos::MemoryTraits<Kokkos::Unmanaged>>;
template <class Real>
using BiasView = Kokkos::View<const Real*, MemorySpace, Kokkos::MemoryTraits<Kokkos::Unmanaged>>;
template <class Real>
using BiasGradientView = Kokkos::View<Real*, MemorySpace, Kokkos::MemoryTraits<Kokkos::Unmanaged>>;

/// z = a W^T on every component, + bias on the value component. Returns the
/// floating-point operations done by GEMMs (0 when the small-input kernel ran).
template <class Real>
std::int64_t linear_forward(const ConstJetView<Real>& a, const WeightView<Real>& weight,
                            const BiasView<Real>& bias, const JetView<Real>& z);

/// grad_W += adjoint_z^T a (all components), grad_b += column sums of the value
/// component, and, when adjoint_a is non-empty, adjoint_a (+)= adjoint_z W.
/// Returns the GEMM flops.
template <class Real>
std::int64_t linear_vjp(const ConstJetView<Real>& a, const WeightView<Real>& weight,
                        const ConstJetView<Real>& adjoint_z, const JetView<Real>& adjoint_a,
                        bool accumulate_a, const WeightGradientView<Real>& grad_weight,
                        const BiasGradientView<Real>& grad_bias);

// --- a linear layer's reverse pass, carried forward as a jet (PINNsFormer's tail) ---

/// z = a W on every component, W [outputs][inputs] stored as for linear_forward
/// (a has `outputs` features, z `inputs`): the input adjoint of a linear layer,
/// here a function whose own derivatives the tape takes. Returns the GEMM flops.
template <class Real>
std::int64_t linear_transposed_forward(const ConstJetView<Real>& a, const WeightView<Real>& weight,
                                       const JetView<Real>& z);

/// grad_W += a^T adjoint_z (all components) and, when adjoint_a is non-empty,
/// adjoint_a (+)= adjoint_z W^T. Returns the GEMM flops.
template <class Real>
std::int64_t linear_transposed_vjp(const ConstJetView<Real>& a, const WeightView<Real>& weight,
                                   const ConstJetView<Real>& adjoint_z,
                                   const JetView<Real>& adjoint_a, bool accumulate_a,
                                   const WeightGradientView<Real>& grad_weight);

/// out(c, n, f) = a(c, n, f) s(f): every feature times its own parameter.
template <class Real>
void feature_scale_forward(const ConstJetView<Real>& a, const BiasView<Real>& scale,
                           const JetView<Real>& out);

/// adjoint_a (+)= adjoint_out s (when non-empty) and grad_s(f) += sum over
/// components and points of adjoint_out(c, n, f) a(c, n, f).
template <class Real>
void feature_scale_vjp(const ConstJetView<Real>& a, const BiasView<Real>& scale,
                       const ConstJetView<Real>& adjoint_out, const JetView<Real>& adjoint_a,
                       bool accumulate, const BiasGradientView<Real>& grad_scale);

// --- B-spline bases (KAN) ---------------------------------------------------------

/// y[c][n][i * bases + m] = d^{S[c]} of B_m(z_i): the jets of every basis of
/// `grid` at every input feature (Faa di Bruno with exact piecewise-polynomial
/// derivatives).
template <class Real>
void bspline_forward(const BSplineGrid<Real>& grid, const FaaDiBrunoProgram& program,
                     const ConstJetView<Real>& z, const JetView<Real>& y,
                     KernelVariant variant = KernelVariant::automatic);

template <class Real>
void bspline_vjp(const BSplineGrid<Real>& grid, const FaaDiBrunoProgram& program,
                 const ConstJetView<Real>& z, const ConstJetView<Real>& adjoint_y,
                 const JetView<Real>& adjoint_z, bool accumulate,
                 KernelVariant variant = KernelVariant::automatic);

/// out[q] = weight[q] * scale[q / group] (a KAN layer's scale_sp times its coef).
template <class Real>
void scaled_weight_forward(const BiasView<Real>& weight, const BiasView<Real>& scale, int group,
                           const BiasGradientView<Real>& out);

/// grad_weight[q] += scale[q / group] grad_scaled[q];
/// grad_scale[e] += sum_m weight[e group + m] grad_scaled[e group + m].
template <class Real>
void scaled_weight_vjp(const BiasView<Real>& weight, const BiasView<Real>& scale, int group,
                       const BiasView<Real>& grad_scaled, const BiasGradientView<Real>& grad_weight,
                       const BiasGradientView<Real>& grad_scale);

// --- QRes blocks (fused) -----------------------------------------------------------

/// A QRes block y = f(z1 z2 + z1) after its two linear layers, z = [z1 | z2] a
/// [S][N][2F] jet (biases included): p = z1 z2 + z1 (Leibniz) is kept for the
/// VJP, y = f(p). f has no parameters (QRes uses sigmoid).
template <class Real>
void qres_forward(UnaryKind kind, const LeibnizProgram& leibniz, const FaaDiBrunoProgram& program,
                  const ConstJetView<Real>& z, const JetView<Real>& p, const JetView<Real>& y,
                  KernelVariant variant = KernelVariant::automatic);

/// adjoint_z = dL/dz ([S][N][2F], written, not accumulated) given dL/dy;
/// `work` ([S][N][F]) holds dL/dp on the host-blocked path, which reads the
/// activation's derivatives off y (the forward's output) where it can (unary_vjp).
template <class Real>
void qres_vjp(UnaryKind kind, const LeibnizProgram& leibniz, const FaaDiBrunoProgram& program,
              const ConstJetView<Real>& z, const ConstJetView<Real>& p, const ConstJetView<Real>& y,
              const ConstJetView<Real>& adjoint_y, const JetView<Real>& work,
              const JetView<Real>& adjoint_z, KernelVariant variant = KernelVariant::automatic);

/// Where a QRes block's two linear layers live in the parameter vector (a bias
/// offset of -1: no bias). They need not be adjacent (PyTorch's state_dict puts
/// H1.bias between the weights).
struct QResBlockParameters
{
  std::size_t h1_weight = 0;
  std::int64_t h1_bias = -1;
  std::size_t h2_weight = 0;
  std::int64_t h2_bias = -1;
};

/// packed = [H1.weight; H2.weight] ([2F][K] row-major), then [H1.bias; H2.bias]
/// (zeros for a missing bias): the concatenated layer of one GEMM.
template <class Real>
void qres_pack_parameters(const BiasView<Real>& parameters, const QResBlockParameters& block,
                          int outputs, int inputs, const BiasGradientView<Real>& packed);

/// gradient += the packed gradient, scattered back to the two layers' entries.
template <class Real>
void qres_unpack_gradient(const BiasView<Real>& packed, const QResBlockParameters& block,
                          int outputs, int inputs, const BiasGradientView<Real>& gradient);

// --- element projections (vPINN) ---------------------------------------------------

template <class Real>
using ProjectionWeights = Kokkos::View<const Real**, Kokkos::LayoutRight, MemorySpace>;

/// Points come in segments of `segment` (one element's quadrature points):
/// out(0, e, f * K + k) = sum_q weights(e * segment + q, k) * a(0, e * segment + q, f).
/// Only values are projected; `out` is a value-only jet [1][N / segment][F K].
template <class Real>
void segment_project(const ConstJetView<Real>& a, const ProjectionWeights<Real>& weights,
                     int segment, const JetView<Real>& out);

/// adjoint_a(0, q, f) (+)= sum_k weights(q, k) adjoint_out(0, q / segment, f K + k);
/// the derivative components of adjoint_a get 0.
template <class Real>
void segment_project_vjp(const ProjectionWeights<Real>& weights, int segment,
                         const ConstJetView<Real>& adjoint_out, const JetView<Real>& adjoint_a,
                         bool accumulate);

// --- fixed neighbourhoods of a point (ProPINN) --------------------------------------

/// Offsets [K][d] added to every point.
template <class Real>
using OffsetView = Kokkos::View<const Real**, Kokkos::LayoutRight, MemorySpace>;
/// Group g of a point's K rows is [bounds(g), bounds(g + 1)).
using GroupBounds = Kokkos::View<const int*, MemorySpace>;

/// K shifted copies of every point of a coordinate jet a [S][N][d]:
/// out(c, n K + k, j) = a(c, n, j) + (c == 0 ? offsets(k, j) : 0). The offsets
/// are constants, so the derivative components are copied unchanged.
template <class Real>
void perturb_forward(const ConstJetView<Real>& a, const OffsetView<Real>& offsets,
                     const JetView<Real>& out, KernelVariant variant = KernelVariant::automatic);

/// adjoint_a(c, n, j) (+)= sum_k adjoint_out(c, n K + k, j).
template <class Real>
void perturb_vjp(const ConstJetView<Real>& adjoint_out, int copies, const JetView<Real>& adjoint_a,
                 bool accumulate, KernelVariant variant = KernelVariant::automatic);

/// Mean over each group of a point's K rows: a [S][N K][F] -> out [S][N G][F],
/// out(c, n G + g, f) = mean over k in group g of a(c, n K + k, f).
template <class Real>
void group_mean_forward(const ConstJetView<Real>& a, const GroupBounds& bounds,
                        const JetView<Real>& out, KernelVariant variant = KernelVariant::automatic);

/// adjoint_a(c, n K + k, f) (+)= adjoint_out(c, n G + g(k), f) / |group g(k)|.
template <class Real>
void group_mean_vjp(const ConstJetView<Real>& adjoint_out, const GroupBounds& bounds,
                    const JetView<Real>& adjoint_a, bool accumulate,
                    KernelVariant variant = KernelVariant::automatic);

/// Rows and features of each point swap roles: a [S][N R][F] -> out [S][N F][R],
/// out(c, n F + f, r) = a(c, n R + r, f). With F = 1 it folds R rows back into
/// R features of one point.
template <class Real>
void regroup_forward(const ConstJetView<Real>& a, int rows, const JetView<Real>& out,
                     KernelVariant variant = KernelVariant::automatic);

/// adjoint_a(c, n R + r, f) (+)= adjoint_out(c, n F + f, r).
template <class Real>
void regroup_vjp(const ConstJetView<Real>& adjoint_out, int rows, const JetView<Real>& adjoint_a,
                 bool accumulate, KernelVariant variant = KernelVariant::automatic);

// --- reductions -----------------------------------------------------------------------

/// sum over points and features of the value component squared, in double.
template <class Real>
double sum_squares(const ConstJetView<Real>& a);

/// adjoint_a (+)= d/da (scale * sum_squares(a)): 2 scale a on the value
/// component, 0 on the others.
template <class Real>
void sum_squares_vjp(const ConstJetView<Real>& a, double scale, const JetView<Real>& adjoint_a,
                     bool accumulate);

/// sum over points and features of the value component, in double.
template <class Real>
double sum_values(const ConstJetView<Real>& a);

/// adjoint_a (+)= scale on the value component, 0 on the others.
template <class Real>
void sum_values_vjp(double scale, const JetView<Real>& adjoint_a, bool accumulate);

/// true when every entry is finite.
template <class Real>
bool all_finite(const ConstJetView<Real>& a);

} // namespace pinnbench::jet
