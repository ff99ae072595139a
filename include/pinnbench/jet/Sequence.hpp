#pragma once
// Pseudo-sequences on jets (PINNsFormer, ropinn.md §4.5 and failure_modes.md §2.6).
//
// A point becomes K token rows n K + k with its own inputs (x, t + k dt). In the
// reference every token's inputs are separate autograd leaves and derivatives
// are autograd.grad(pred, x, ones): token k receives sum_j d out_j / d in_k, and
// a second derivative repeats that on the summed first derivative. With
// S = sum_j out_j and D_c = sum_k d/d(c of token k) (moving every token's c
// together), the reference's k-th value of d^r/dc^r is
//     d/d(c of token k) D_c^{r-1} S.
// The value itself stays per token: out_k.
//
// On jets this is a function of d shared coordinates (D_c) plus d K token-local
// coordinates tau(c, k) (d/d(c of token k)), needed to first order only:
//   lift:     a token-row jet on S (over d coordinates) -> the same inputs on
//             S' = {beta, beta + e_tau(c,k) : beta + e_c in S} over d (K + 1);
//   collapse: the network output on S' -> a token-row jet on S whose component
//             alpha (|alpha| = r >= 1) at token k is
//             sum_c (alpha_c / r) sum_j out_j[alpha - e_c + e_tau(c,k)],
//             and whose value at token k is out_k.
// For a pure alpha (d^r/dc^r: every derivative the reference scripts take) the
// sum has one term and is the reference's value exactly; a mixed alpha (which
// the reference never forms: it would depend on the order of the autograd
// calls) gets the symmetric average, so that sum over tokens = D^alpha S holds
// for every alpha.
#include <pinnbench/jet/Jet.hpp>
#include <pinnbench/jet/Programs.hpp>

namespace pinnbench::jet {

/// Coordinate tau(c, k) of the extended set: shared coordinates come first.
inline int token_coordinate(int dimension, int tokens, int coordinate, int token)
{
  return dimension + coordinate * tokens + token;
}

/// S' for `base` (see above), interned.
DerivativeSetPtr sequence_set(const DerivativeSetPtr& base, int tokens);

struct SequenceTerm
{
  int source;    ///< component of S'
  double weight; ///< alpha_c / |alpha|
};

/// Device tables of lift and collapse for one (S, K), built once and cached.
struct SequenceProgram
{
  DerivativeSetPtr base;
  DerivativeSetPtr extended;
  int tokens = 1;
  /// lift(k, c'): component of S read by component c' of token k, or -1 (zero).
  Kokkos::View<const int**, Kokkos::LayoutRight, MemorySpace> lift;
  /// Terms of (alpha, k) are [offsets(alpha K + k), offsets(alpha K + k + 1)); alpha = 0 has none.
  Kokkos::View<const SequenceTerm*, MemorySpace> collapse;
  Kokkos::View<const int*, MemorySpace> collapse_offsets;
};

const SequenceProgram& sequence_program(const DerivativeSetPtr& base, int tokens);

// --- kernels (rows are tokens: points * K of them) ------------------------------------

template <class Real>
void sequence_lift_forward(const SequenceProgram& program, const ConstJetView<Real>& a,
                           const JetView<Real>& out);
template <class Real>
void sequence_lift_vjp(const SequenceProgram& program, const ConstJetView<Real>& adjoint_out,
                       const JetView<Real>& adjoint_a, bool accumulate);

template <class Real>
void sequence_collapse_forward(const SequenceProgram& program, const ConstJetView<Real>& a,
                               const JetView<Real>& out);
template <class Real>
void sequence_collapse_vjp(const SequenceProgram& program, const ConstJetView<Real>& adjoint_out,
                           const JetView<Real>& adjoint_a, bool accumulate);

/// out(c, n, f) = a(c, n * stride + offset, f): one token of every point.
template <class Real>
void select_rows_forward(const ConstJetView<Real>& a, int stride, int offset,
                         const JetView<Real>& out);
template <class Real>
void select_rows_vjp(const ConstJetView<Real>& adjoint_out, int stride, int offset,
                     const JetView<Real>& adjoint_a, bool accumulate);

// --- token sums through a token-wise tail in reverse mode ---------------------------

/// When the last part of the network is token-wise (after its last attention),
/// out_m = T(h_m), the token sums the collapse reads need no per-token forward
/// directions through T: with g_m = dT/dh at h_m (one reverse pass per token,
/// carried as a jet over the shared coordinates only),
///     sum_m out_m[beta + tau] = sum_m sum_{beta' <= beta} C(beta, beta') g_m[beta'] . h_m[beta -
///     beta' + tau].
/// A contraction program lists, for every (alpha, token k) of the collapse,
/// the terms (alpha_c / |alpha|) C(beta, beta') g[beta'] . h[gamma'] of that sum.
struct ContractionTerm
{
  int gradient;       ///< component of `shared`
  int tangent;        ///< component of `extended`
  double coefficient; ///< (alpha_c / |alpha|) C(beta, beta')
};

struct ContractionProgram
{
  DerivativeSetPtr base;
  DerivativeSetPtr extended;
  /// The components of `extended` without a token coordinate (downward closed).
  DerivativeSetPtr shared;
  int tokens = 1;
  /// Terms of (alpha, k) are [offsets(alpha K + k), offsets(alpha K + k + 1)); alpha = 0 has none.
  Kokkos::View<const ContractionTerm*, MemorySpace> terms;
  Kokkos::View<const int*, MemorySpace> offsets;
};

const ContractionProgram& contraction_program(const DerivativeSetPtr& base, int tokens);

/// out on `base`, one output feature, token rows: out(0, r) = value(0, r, 0) and,
/// for alpha != 0, the collapse of sequence_collapse_forward computed from
/// `gradient` [shared][rows][F] and `tangents` [extended][rows][F] as above.
template <class Real>
void sequence_contract_forward(const ContractionProgram& program, const ConstJetView<Real>& value,
                               const ConstJetView<Real>& gradient,
                               const ConstJetView<Real>& tangents, const JetView<Real>& out);

/// Adjoints of value (its value component; the others get 0), gradient and
/// tangents, each written or added to when its flag is set.
template <class Real>
void sequence_contract_vjp(const ContractionProgram& program, const ConstJetView<Real>& gradient,
                           const ConstJetView<Real>& tangents,
                           const ConstJetView<Real>& adjoint_out,
                           const JetView<Real>& adjoint_value, bool accumulate_value,
                           const JetView<Real>& adjoint_gradient, bool accumulate_gradient,
                           const JetView<Real>& adjoint_tangents, bool accumulate_tangents);

// --- multi-head attention over the tokens of every point ------------------------------

/// Reals of forward scratch per (point, head): scores, exponentials and
/// probabilities [K K][C], their row sums and reciprocals [K][C].
inline std::size_t attention_scratch_per_head(int components, int tokens)
{
  return static_cast<std::size_t>(components) *
         static_cast<std::size_t>(3 * tokens * tokens + 2 * tokens);
}

/// out_i = sum_j softmax_j(q_i . k_j / sqrt(head_dim)) v_j per point and head,
/// every product a Leibniz product on the common set (`leibniz` compiled for
/// (S, S, S)), exp and 1/x by Faa di Bruno. q, k, v, out: [C][points K][heads
/// head_dim]. `scratch` keeps what the VJP needs (attention_scratch_per_head
/// times points times heads).
template <class Real>
void attention_forward(const LeibnizProgram& leibniz, const FaaDiBrunoProgram& faa_di_bruno,
                       int heads, int tokens, const ConstJetView<Real>& q,
                       const ConstJetView<Real>& k, const ConstJetView<Real>& v, Real* scratch,
                       const JetView<Real>& out);

/// Adjoints of q, k and v (each written, or added to when its flag is set).
/// `work` holds the same number of reals as the forward scratch.
template <class Real>
void attention_vjp(const LeibnizProgram& leibniz, const FaaDiBrunoProgram& faa_di_bruno, int heads,
                   int tokens, const ConstJetView<Real>& q, const ConstJetView<Real>& k,
                   const ConstJetView<Real>& v, const Real* scratch, Real* work,
                   const ConstJetView<Real>& adjoint_out, const JetView<Real>& adjoint_q,
                   bool accumulate_q, const JetView<Real>& adjoint_k, bool accumulate_k,
                   const JetView<Real>& adjoint_v, bool accumulate_v);

// --- the reverse pass of attention as a differentiable op ------------------------------

/// Which adjoints an attention_adjoint node holds, side by side along the
/// features: all = [dq | dk | dv] (self-attention: one transposed in_proj GEMM
/// takes all three), query = [dq], key_value = [dk | dv] (cross-attention).
enum class AttentionPart
{
  all,
  query,
  key_value
};

inline int attention_part_width(AttentionPart part)
{
  return part == AttentionPart::all ? 3 : part == AttentionPart::query ? 1 : 2;
}

/// Longest pseudo-sequence the attention adjoint takes (its per-(point, head)
/// token matrices live in registers / on the stack).
constexpr int kMaxAdjointTokens = 8;

/// The VJP of attention on values (order-0 jets [1][points K][heads head_dim]):
/// for out = softmax(q k^T / sqrt(head_dim)) v per point and head and an
/// adjoint g of out, the adjoints of q, k and v it implies, written to `out`
/// [1][points K][width(part) heads head_dim]:
///   dP = g v^T,  dS = P (.) (dP - rowsum(P (.) dP)),
///   dq = dS k / sqrt(head_dim),  dk = dS^T q / sqrt(head_dim),  dv = P^T g.
template <class Real>
void attention_adjoint_forward(int heads, int tokens, AttentionPart part,
                               const ConstJetView<Real>& q, const ConstJetView<Real>& k,
                               const ConstJetView<Real>& v, const ConstJetView<Real>& g,
                               const JetView<Real>& out);

/// Adjoints of q, k, v and g for an adjoint `adjoint_out` of attention_adjoint_forward's
/// output (the second-order terms of attention), each written, or added to when
/// its flag is set.
template <class Real>
void attention_adjoint_vjp(int heads, int tokens, AttentionPart part, const ConstJetView<Real>& q,
                           const ConstJetView<Real>& k, const ConstJetView<Real>& v,
                           const ConstJetView<Real>& g, const ConstJetView<Real>& adjoint_out,
                           const JetView<Real>& adjoint_q, bool accumulate_q,
                           const JetView<Real>& adjoint_k, bool accumulate_k,
                           const JetView<Real>& adjoint_v, bool accumulate_v,
                           const JetView<Real>& adjoint_g, bool accumulate_g);

} // namespace pinnbench::jet
