#pragma once
// Forward and VJP kernels of the jet operations. Each is one fused kernel over
// all components of the jet. The tape (Tape.hpp) decides which kernels run and
// owns the buffers; these functions only compute.
//
// "accumulate" in a VJP: false writes the input adjoint (first contribution),
// true adds to it. That saves zeroing adjoint buffers before every backward pass.
#include <cstdint>
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

template <class Real>
void unary_vjp(UnaryKind kind, Real w1, Real w2, const FaaDiBrunoProgram& program,
               const ConstJetView<Real>& z, const ConstJetView<Real>& adjoint_y,
               const JetView<Real>& adjoint_z, bool accumulate,
               KernelVariant variant = KernelVariant::automatic);

/// dL/dw1 and dL/dw2 of the wave activation y = w1 sin z + w2 cos z, given dL/dy.
template <class Real>
void wave_parameter_gradient(const FaaDiBrunoProgram& program, const ConstJetView<Real>& z,
                             const ConstJetView<Real>& adjoint_y, double& grad_w1, double& grad_w2,
                             KernelVariant variant = KernelVariant::automatic);

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
