// Multi-head attention over the tokens of every point, on jets: one thread per
// (point, head) runs scores -> softmax -> weighted values with every product a
// Leibniz product, exp and 1/x by Faa di Bruno. The VJP replays the same chain
// backwards from the saved scores, exponentials, sums and probabilities.
// Both kernels keep their per-(point, head) state in caller-owned buffers, so a
// closure allocates nothing; the same kernel serves host and GPU. Loops over a
// head's features run innermost on contiguous rows, so they vectorise on the host
// (about a tenth of a PINNsFormer closure; the linear layers take most of it).
#include <cmath>
#include <pinnbench/core/Error.hpp>
#include <pinnbench/jet/Sequence.hpp>
#include <pinnbench/jet/UnaryFunction.hpp>

namespace pinnbench::jet {

namespace {

struct Programs
{
  Kokkos::View<const LeibnizTerm*, MemorySpace> product;
  Kokkos::View<const int*, MemorySpace> product_offsets;
  Kokkos::View<const FaaDiBrunoTerm*, MemorySpace> chain;
  Kokkos::View<const int*, MemorySpace> chain_offsets;
  int components;
  int max_order;
};

/// y = f(z) on one jet of `components` entries; d[k] = f^(k)(z[0]).
template <class Real>
KOKKOS_INLINE_FUNCTION void chain_rule(const Programs& p, const Real* d, const Real* z, Real* y)
{
  y[0] = d[0];
  for (int c = 1; c < p.components; ++c) {
    Real value = Real(0);
    for (int t = p.chain_offsets(c); t < p.chain_offsets(c + 1); ++t) {
      const FaaDiBrunoTerm& term = p.chain(t);
      Real product = static_cast<Real>(term.coefficient) * d[term.order];
      for (int q = 0; q < term.order; ++q)
        product *= z[term.factors[q]];
      value += product;
    }
    y[c] = value;
  }
}

/// z_bar += (dy/dz)^T y_bar for y = f(z); d[k] = f^(k)(z[0]) up to max_order + 1.
template <class Real>
KOKKOS_INLINE_FUNCTION void chain_rule_vjp(const Programs& p, const Real* d, const Real* z,
                                           const Real* y_bar, Real* z_bar)
{
  z_bar[0] += y_bar[0] * d[1];
  for (int c = 1; c < p.components; ++c) {
    const Real g = y_bar[c];
    for (int t = p.chain_offsets(c); t < p.chain_offsets(c + 1); ++t) {
      const FaaDiBrunoTerm& term = p.chain(t);
      const Real coefficient = static_cast<Real>(term.coefficient) * g;
      Real all = Real(1);
      for (int q = 0; q < term.order; ++q)
        all *= z[term.factors[q]];
      z_bar[0] += coefficient * d[term.order + 1] * all;
      // Product of the other factors, one factor dropped at a time (repeated
      // factors each get their own share).
      for (int q = 0; q < term.order; ++q) {
        Real others = Real(1);
        for (int s = 0; s < term.order; ++s)
          if (s != q)
            others *= z[term.factors[s]];
        z_bar[term.factors[q]] += coefficient * d[term.order] * others;
      }
    }
  }
}

/// c = a * b (Leibniz) on one jet.
template <class Real>
KOKKOS_INLINE_FUNCTION void product(const Programs& p, const Real* a, const Real* b, Real* c)
{
  for (int k = 0; k < p.components; ++k) {
    Real value = Real(0);
    for (int t = p.product_offsets(k); t < p.product_offsets(k + 1); ++t) {
      const LeibnizTerm& term = p.product(t);
      value += static_cast<Real>(term.coefficient) * a[term.left] * b[term.right];
    }
    c[k] = value;
  }
}

/// a_bar += (dc/da)^T c_bar and b_bar += (dc/db)^T c_bar for c = a * b.
template <class Real>
KOKKOS_INLINE_FUNCTION void product_vjp(const Programs& p, const Real* a, const Real* b,
                                        const Real* c_bar, Real* a_bar, Real* b_bar)
{
  for (int k = 0; k < p.components; ++k) {
    const Real g = c_bar[k];
    for (int t = p.product_offsets(k); t < p.product_offsets(k + 1); ++t) {
      const LeibnizTerm& term = p.product(t);
      const Real share = static_cast<Real>(term.coefficient) * g;
      a_bar[term.left] += share * b[term.right];
      b_bar[term.right] += share * a[term.left];
    }
  }
}

/// y[e] += w * x[e] for e < n (the inner loops run along a head's features,
/// which are contiguous, so they vectorise on the host).
template <class Real>
KOKKOS_FORCEINLINE_FUNCTION void scaled_add(int n, Real w, const Real* KOKKOS_RESTRICT x,
                                            Real* KOKKOS_RESTRICT y)
{
  for (int e = 0; e < n; ++e)
    y[e] += w * x[e];
}

/// Lanes of a folded dot product: acc[l] collects the products at e = l mod kLanes.
/// The compiler may not reorder a floating-point sum, so the lanes are explicit
/// (one vector) and fold_sum adds them in a fixed order.
constexpr int kLanes = 8;

/// acc[e mod kLanes] += w * a[e] * b[e] for e < n.
template <class Real>
KOKKOS_FORCEINLINE_FUNCTION void fold_products(int n, Real w, const Real* KOKKOS_RESTRICT a,
                                               const Real* KOKKOS_RESTRICT b,
                                               Real* KOKKOS_RESTRICT acc)
{
  int e = 0;
  for (; e + kLanes <= n; e += kLanes)
    for (int l = 0; l < kLanes; ++l)
      acc[l] += w * a[e + l] * b[e + l];
  for (int l = 0; e < n; ++e, ++l)
    acc[l] += w * a[e] * b[e];
}

/// First feature of a jet row: component `component`, row `row`.
template <class View>
KOKKOS_FORCEINLINE_FUNCTION auto row_of(const View& view, int component, int row)
    -> decltype(view.data())
{
  return view.data() + static_cast<std::size_t>(component) * view.stride(0) +
         static_cast<std::size_t>(row) * view.stride(1);
}

/// The lanes summed in a fixed pairwise order.
template <class Real>
KOKKOS_FORCEINLINE_FUNCTION Real fold_sum(const Real* acc)
{
  static_assert(kLanes == 8, "fold_sum adds eight lanes");
  return ((acc[0] + acc[4]) + (acc[2] + acc[6])) + ((acc[1] + acc[5]) + (acc[3] + acc[7]));
}

Programs programs_of(const LeibnizProgram& leibniz, const FaaDiBrunoProgram& faa_di_bruno,
                     int components)
{
  if (leibniz.components != components || faa_di_bruno.components != components)
    throw LogicError("attention: programs compiled for a different derivative set");
  if (faa_di_bruno.max_order > kMaxOrder)
    throw LogicError("attention: jet order above kMaxOrder");
  return Programs{leibniz.terms,        leibniz.offsets, faa_di_bruno.terms,
                  faa_di_bruno.offsets, components,      faa_di_bruno.max_order};
}

template <class Real>
void check_shapes(int heads, int tokens, const ConstJetView<Real>& q, const ConstJetView<Real>& k,
                  const ConstJetView<Real>& v)
{
  const int features = static_cast<int>(q.extent(2));
  if (heads < 1 || tokens < 1 || features % heads != 0 ||
      static_cast<int>(q.extent(1)) % tokens != 0)
    throw LogicError("attention: rows must be whole sequences and features whole heads");
  for (const auto* other : {&k, &v})
    if (other->extent(0) != q.extent(0) || other->extent(1) != q.extent(1) ||
        other->extent(2) != q.extent(2))
      throw LogicError("attention: queries, keys and values differ in shape");
}

} // namespace

template <class Real>
void attention_forward(const LeibnizProgram& leibniz, const FaaDiBrunoProgram& faa_di_bruno,
                       int heads, int tokens, const ConstJetView<Real>& q,
                       const ConstJetView<Real>& k, const ConstJetView<Real>& v, Real* scratch,
                       const JetView<Real>& out)
{
  check_shapes(heads, tokens, q, k, v);
  const int C = static_cast<int>(q.extent(0));
  const Programs p = programs_of(leibniz, faa_di_bruno, C);
  const int T = tokens;
  const int points = static_cast<int>(q.extent(1)) / T;
  const int head_dim = static_cast<int>(q.extent(2)) / heads;
  const Real scale = static_cast<Real>(1.0 / std::sqrt(static_cast<double>(head_dim)));
  const std::size_t block = attention_scratch_per_head(C, T);
  Kokkos::parallel_for(
      "pinnbench::jet::attention_forward",
      Kokkos::RangePolicy<ExecutionSpace>(0, static_cast<std::int64_t>(points) * heads),
      KOKKOS_LAMBDA(const std::int64_t index) {
        const int n = static_cast<int>(index / heads);
        const int h = static_cast<int>(index % heads);
        const int row = n * T;
        const int f0 = h * head_dim;
        Real* S = scratch + static_cast<std::size_t>(index) * block; // [T T][C]
        Real* E = S + T * T * C;
        Real* P = E + T * T * C;
        Real* Z = P + T * T * C; // [T][C]
        Real* R = Z + T * C;
        // Scores: scale * sum over the head's features of q_i * k_j.
        for (int i = 0; i < T; ++i)
          for (int j = 0; j < T; ++j) {
            Real* s = S + (i * T + j) * C;
            for (int c = 0; c < C; ++c) {
              Real lanes[kLanes] = {};
              for (int t = p.product_offsets(c); t < p.product_offsets(c + 1); ++t) {
                const LeibnizTerm& term = p.product(t);
                fold_products(head_dim, static_cast<Real>(term.coefficient),
                              row_of(q, term.left, row + i) + f0,
                              row_of(k, term.right, row + j) + f0, lanes);
              }
              s[c] = scale * fold_sum(lanes);
            }
          }
        // Softmax over j; the row maximum is a constant shift (softmax ignores it).
        Real d[kMaxDerivative + 1];
        for (int i = 0; i < T; ++i) {
          Real largest = S[i * T * C];
          for (int j = 1; j < T; ++j)
            largest = S[(i * T + j) * C] > largest ? S[(i * T + j) * C] : largest;
          Real* z = Z + i * C;
          for (int c = 0; c < C; ++c)
            z[c] = Real(0);
          for (int j = 0; j < T; ++j) {
            Real* s = S + (i * T + j) * C;
            s[0] -= largest;
            unary_derivatives(UnaryKind::exp, s[0], p.max_order, d);
            Real* e = E + (i * T + j) * C;
            chain_rule(p, d, s, e);
            for (int c = 0; c < C; ++c)
              z[c] += e[c];
          }
          unary_derivatives(UnaryKind::reciprocal, z[0], p.max_order, d);
          chain_rule(p, d, z, R + i * C);
          for (int j = 0; j < T; ++j)
            product(p, E + (i * T + j) * C, R + i * C, P + (i * T + j) * C);
        }
        // out_i = sum_j p_ij * v_j, per feature of the head.
        for (int i = 0; i < T; ++i)
          for (int c = 0; c < C; ++c) {
            Real* o = row_of(out, c, row + i) + f0;
            for (int e = 0; e < head_dim; ++e)
              o[e] = Real(0);
            for (int j = 0; j < T; ++j) {
              const Real* pij = P + (i * T + j) * C;
              for (int t = p.product_offsets(c); t < p.product_offsets(c + 1); ++t) {
                const LeibnizTerm& term = p.product(t);
                scaled_add(head_dim, static_cast<Real>(term.coefficient) * pij[term.left],
                           row_of(v, term.right, row + j) + f0, o);
              }
            }
          }
      });
}

template <class Real>
void attention_vjp(const LeibnizProgram& leibniz, const FaaDiBrunoProgram& faa_di_bruno, int heads,
                   int tokens, const ConstJetView<Real>& q, const ConstJetView<Real>& k,
                   const ConstJetView<Real>& v, const Real* scratch, Real* work,
                   const ConstJetView<Real>& adjoint_out, const JetView<Real>& adjoint_q,
                   bool accumulate_q, const JetView<Real>& adjoint_k, bool accumulate_k,
                   const JetView<Real>& adjoint_v, bool accumulate_v)
{
  check_shapes(heads, tokens, q, k, v);
  if (!accumulate_q)
    Kokkos::deep_copy(adjoint_q, Real(0));
  if (!accumulate_k)
    Kokkos::deep_copy(adjoint_k, Real(0));
  if (!accumulate_v)
    Kokkos::deep_copy(adjoint_v, Real(0));
  const int C = static_cast<int>(q.extent(0));
  const Programs p = programs_of(leibniz, faa_di_bruno, C);
  const int T = tokens;
  const int points = static_cast<int>(q.extent(1)) / T;
  const int head_dim = static_cast<int>(q.extent(2)) / heads;
  const Real scale = static_cast<Real>(1.0 / std::sqrt(static_cast<double>(head_dim)));
  const std::size_t block = attention_scratch_per_head(C, T);
  Kokkos::parallel_for(
      "pinnbench::jet::attention_vjp",
      Kokkos::RangePolicy<ExecutionSpace>(0, static_cast<std::int64_t>(points) * heads),
      KOKKOS_LAMBDA(const std::int64_t index) {
        const int n = static_cast<int>(index / heads);
        const int h = static_cast<int>(index % heads);
        const int row = n * T;
        const int f0 = h * head_dim;
        const Real* S = scratch + static_cast<std::size_t>(index) * block;
        const Real* E = S + T * T * C;
        const Real* P = E + T * T * C;
        const Real* Z = P + T * T * C;
        const Real* R = Z + T * C;
        Real* S_bar = work + static_cast<std::size_t>(index) * block;
        Real* E_bar = S_bar + T * T * C;
        Real* P_bar = E_bar + T * T * C;
        Real* Z_bar = P_bar + T * T * C;
        Real* R_bar = Z_bar + T * C;
        for (std::size_t i = 0; i < block; ++i)
          S_bar[i] = Real(0);
        // out_i = sum_j p_ij * v_j
        for (int i = 0; i < T; ++i)
          for (int j = 0; j < T; ++j) {
            const Real* pij = P + (i * T + j) * C;
            Real* pij_bar = P_bar + (i * T + j) * C;
            for (int c = 0; c < C; ++c) {
              const Real* g = row_of(adjoint_out, c, row + i) + f0;
              for (int t = p.product_offsets(c); t < p.product_offsets(c + 1); ++t) {
                const LeibnizTerm& term = p.product(t);
                const Real coefficient = static_cast<Real>(term.coefficient);
                Real lanes[kLanes] = {};
                fold_products(head_dim, coefficient, g, row_of(v, term.right, row + j) + f0, lanes);
                pij_bar[term.left] += fold_sum(lanes);
                scaled_add(head_dim, coefficient * pij[term.left], g,
                           row_of(adjoint_v, term.right, row + j) + f0);
              }
            }
          }
        Real d[kMaxDerivative + 1];
        for (int i = 0; i < T; ++i) {
          // p_ij = e_ij * r_i
          for (int j = 0; j < T; ++j)
            product_vjp(p, E + (i * T + j) * C, R + i * C, P_bar + (i * T + j) * C,
                        E_bar + (i * T + j) * C, R_bar + i * C);
          // r_i = 1 / z_i
          unary_derivatives(UnaryKind::reciprocal, Z[i * C], p.max_order + 1, d);
          chain_rule_vjp(p, d, Z + i * C, R_bar + i * C, Z_bar + i * C);
          // z_i = sum_j e_ij, e_ij = exp(s_ij)
          for (int j = 0; j < T; ++j) {
            Real* e_bar = E_bar + (i * T + j) * C;
            for (int c = 0; c < C; ++c)
              e_bar[c] += Z_bar[i * C + c];
            const Real* s = S + (i * T + j) * C;
            unary_derivatives(UnaryKind::exp, s[0], p.max_order + 1, d);
            chain_rule_vjp(p, d, s, e_bar, S_bar + (i * T + j) * C);
          }
        }
        // s_ij = scale * sum_e q_i * k_j
        for (int i = 0; i < T; ++i)
          for (int j = 0; j < T; ++j) {
            const Real* s_bar = S_bar + (i * T + j) * C;
            for (int c = 0; c < C; ++c) {
              const Real g = scale * s_bar[c];
              for (int t = p.product_offsets(c); t < p.product_offsets(c + 1); ++t) {
                const LeibnizTerm& term = p.product(t);
                const Real share = static_cast<Real>(term.coefficient) * g;
                scaled_add(head_dim, share, row_of(k, term.right, row + j) + f0,
                           row_of(adjoint_q, term.left, row + i) + f0);
                scaled_add(head_dim, share, row_of(q, term.left, row + i) + f0,
                           row_of(adjoint_k, term.right, row + j) + f0);
              }
            }
          }
      });
}

// ---------------------------------------------------------------------------------
// The attention VJP as an op of its own, on values only: the reverse pass of
// PINNsFormer's first-order token sums, which the outer reverse pass then
// differentiates (attention_adjoint_vjp: attention's second-order terms). One
// thread per (point, head); its token matrices live on the stack.

namespace {

constexpr int kAdjointSquare = kMaxAdjointTokens * kMaxAdjointTokens;

template <class Real>
KOKKOS_FORCEINLINE_FUNCTION Real dot(int n, const Real* a, const Real* b)
{
  Real lanes[kLanes] = {};
  fold_products(n, Real(1), a, b, lanes);
  return fold_sum(lanes);
}

/// Row `row` of an order-0 jet, from feature f0 on.
template <class View>
KOKKOS_FORCEINLINE_FUNCTION auto head_row(const View& view, int row, int f0)
    -> decltype(view.data())
{
  return row_of(view, 0, row) + f0;
}

/// y[e] = 0 for e < n unless accumulating (the start of a written adjoint).
template <class Real>
KOKKOS_FORCEINLINE_FUNCTION void clear_unless(bool accumulate, int n, Real* y)
{
  if (!accumulate)
    for (int e = 0; e < n; ++e)
      y[e] = Real(0);
}

/// The attention state of one point and head from its values: P = softmax(q k^T
/// scale) (row maximum shifted out, as in attention_forward), dP = g v^T,
/// delta_i = sum_j P_ij dP_ij and dS = P (.) (dP - delta).
template <class Real, class View>
KOKKOS_INLINE_FUNCTION void adjoint_state(const View& q, const View& k, const View& v,
                                          const View& g, int row, int f0, int head_dim, int T,
                                          Real scale, Real* P, Real* dP, Real* delta, Real* dS)
{
  Real d[kMaxDerivative + 1];
  for (int i = 0; i < T; ++i) {
    Real* p = P + i * T;
    for (int j = 0; j < T; ++j)
      p[j] = scale * dot(head_dim, head_row(q, row + i, f0), head_row(k, row + j, f0));
    Real largest = p[0];
    for (int j = 1; j < T; ++j)
      largest = p[j] > largest ? p[j] : largest;
    Real sum = Real(0);
    for (int j = 0; j < T; ++j) {
      unary_derivatives(UnaryKind::exp, p[j] - largest, 0, d);
      p[j] = d[0];
      sum += d[0];
    }
    const Real reciprocal = Real(1) / sum;
    Real weighted = Real(0);
    for (int j = 0; j < T; ++j) {
      p[j] *= reciprocal;
      dP[i * T + j] = dot(head_dim, head_row(g, row + i, f0), head_row(v, row + j, f0));
      weighted += p[j] * dP[i * T + j];
    }
    delta[i] = weighted;
    for (int j = 0; j < T; ++j)
      dS[i * T + j] = p[j] * (dP[i * T + j] - weighted);
  }
}

template <class Real>
void check_adjoint_shapes(int heads, int tokens, AttentionPart part, const ConstJetView<Real>& q,
                          const ConstJetView<Real>& k, const ConstJetView<Real>& v,
                          const ConstJetView<Real>& g, int out_features)
{
  check_shapes(heads, tokens, q, k, v);
  if (tokens > kMaxAdjointTokens)
    throw LogicError("attention_adjoint: more than kMaxAdjointTokens tokens");
  if (q.extent(0) != 1)
    throw LogicError("attention_adjoint: operands must be values (order-0 jets)");
  if (g.extent(0) != q.extent(0) || g.extent(1) != q.extent(1) || g.extent(2) != q.extent(2))
    throw LogicError("attention_adjoint: the adjoint differs in shape from the queries");
  if (out_features != attention_part_width(part) * static_cast<int>(q.extent(2)))
    throw LogicError("attention_adjoint: output width does not match its part");
}

/// Sizes of an attention_adjoint call, and where dq, dk and dv sit in a row of
/// its output (-1: not in this part).
template <class Real>
struct AdjointLayout
{
  int heads, T, E, points, head_dim, at_q, at_k, at_v;
  Real scale;

  AdjointLayout(int heads_, int tokens, AttentionPart part, const ConstJetView<Real>& q)
      : heads(heads_), T(tokens), E(static_cast<int>(q.extent(2))),
        points(static_cast<int>(q.extent(1)) / T), head_dim(E / heads),
        at_q(part == AttentionPart::key_value ? -1 : 0),
        at_k(part == AttentionPart::query ? -1 : (part == AttentionPart::all ? E : 0)),
        at_v(at_k < 0 ? -1 : at_k + E),
        scale(static_cast<Real>(1.0 / std::sqrt(static_cast<double>(head_dim))))
  {}
};

/// One (point, head) of an attention_adjoint call: its rows, and the state
/// adjoint_state computes from the operands' values.
template <class Real>
struct AdjointHead
{
  int row, f0;
  Real P[kAdjointSquare], dP[kAdjointSquare], dS[kAdjointSquare], delta[kMaxAdjointTokens];

  template <class View>
  KOKKOS_INLINE_FUNCTION AdjointHead(const AdjointLayout<Real>& layout, std::int64_t index,
                                     const View& q, const View& k, const View& v, const View& g)
      : row(static_cast<int>(index / layout.heads) * layout.T),
        f0(static_cast<int>(index % layout.heads) * layout.head_dim)
  {
    adjoint_state(q, k, v, g, row, f0, layout.head_dim, layout.T, layout.scale, P, dP, delta, dS);
  }
};

} // namespace

template <class Real>
void attention_adjoint_forward(int heads, int tokens, AttentionPart part,
                               const ConstJetView<Real>& q, const ConstJetView<Real>& k,
                               const ConstJetView<Real>& v, const ConstJetView<Real>& g,
                               const JetView<Real>& out)
{
  check_adjoint_shapes(heads, tokens, part, q, k, v, g, static_cast<int>(out.extent(2)));
  if (out.extent(0) != 1 || out.extent(1) != q.extent(1))
    throw LogicError("attention_adjoint: output rows differ from the operands'");
  const AdjointLayout<Real> layout(heads, tokens, part, q);
  Kokkos::parallel_for(
      "pinnbench::jet::attention_adjoint_forward",
      Kokkos::RangePolicy<ExecutionSpace>(0, static_cast<std::int64_t>(layout.points) * heads),
      KOKKOS_LAMBDA(const std::int64_t index) {
        const AdjointHead<Real> head(layout, index, q, k, v, g);
        const int T = layout.T, head_dim = layout.head_dim, row = head.row, f0 = head.f0;
        const int at_q = layout.at_q, at_k = layout.at_k, at_v = layout.at_v;
        const Real scale = layout.scale;
        const Real *P = head.P, *dS = head.dS;
        for (int i = 0; i < T; ++i) {
          Real* o = out.data() + static_cast<std::size_t>(row + i) * out.stride(1) + f0;
          if (at_q >= 0) { // dq_i = scale sum_j dS_ij k_j
            clear_unless(false, head_dim, o + at_q);
            for (int j = 0; j < T; ++j)
              scaled_add(head_dim, scale * dS[i * T + j], head_row(k, row + j, f0), o + at_q);
          }
          if (at_k >= 0) { // dk_i = scale sum_j dS_ji q_j, dv_i = sum_j P_ji g_j
            clear_unless(false, head_dim, o + at_k);
            clear_unless(false, head_dim, o + at_v);
            for (int j = 0; j < T; ++j) {
              scaled_add(head_dim, scale * dS[j * T + i], head_row(q, row + j, f0), o + at_k);
              scaled_add(head_dim, P[j * T + i], head_row(g, row + j, f0), o + at_v);
            }
          }
        }
      });
}

template <class Real>
void attention_adjoint_vjp(int heads, int tokens, AttentionPart part, const ConstJetView<Real>& q,
                           const ConstJetView<Real>& k, const ConstJetView<Real>& v,
                           const ConstJetView<Real>& g, const ConstJetView<Real>& adjoint_out,
                           const JetView<Real>& adjoint_q, bool accumulate_q,
                           const JetView<Real>& adjoint_k, bool accumulate_k,
                           const JetView<Real>& adjoint_v, bool accumulate_v,
                           const JetView<Real>& adjoint_g, bool accumulate_g)
{
  check_adjoint_shapes(heads, tokens, part, q, k, v, g, static_cast<int>(adjoint_out.extent(2)));
  for (const auto* adjoint : {&adjoint_q, &adjoint_k, &adjoint_v, &adjoint_g})
    if (adjoint->extent(0) != q.extent(0) || adjoint->extent(1) != q.extent(1) ||
        adjoint->extent(2) != q.extent(2))
      throw LogicError("attention_adjoint: operand adjoints differ in shape from the operands");
  const AdjointLayout<Real> layout(heads, tokens, part, q);
  Kokkos::parallel_for(
      "pinnbench::jet::attention_adjoint_vjp",
      Kokkos::RangePolicy<ExecutionSpace>(0, static_cast<std::int64_t>(layout.points) * heads),
      KOKKOS_LAMBDA(const std::int64_t index) {
        const AdjointHead<Real> head(layout, index, q, k, v, g);
        const int T = layout.T, head_dim = layout.head_dim, row = head.row, f0 = head.f0;
        const int at_q = layout.at_q, at_k = layout.at_k, at_v = layout.at_v;
        const Real scale = layout.scale;
        const Real *P = head.P, *dP = head.dP, *dS = head.dS, *delta = head.delta;
        // A_q, A_k, A_v: the given adjoints of dq, dk, dv (rows of adjoint_out).
        auto given = [&](int at, int i) -> const Real* {
          return at < 0 ? nullptr
                        : adjoint_out.data() +
                              static_cast<std::size_t>(row + i) * adjoint_out.stride(1) + f0 + at;
        };
        // Adjoints of the state: bar_dS from dq and dk, bar_P from dv, then
        // through dS = P (.) (dP - delta) and delta = rowsum(P (.) dP).
        Real bar_P[kAdjointSquare], bar_dP[kAdjointSquare];
        for (int i = 0; i < T; ++i) {
          Real bar_delta = Real(0);
          for (int j = 0; j < T; ++j) {
            Real bar_dS = Real(0);
            if (at_q >= 0)
              bar_dS += dot(head_dim, given(at_q, i), head_row(k, row + j, f0));
            if (at_k >= 0)
              bar_dS += dot(head_dim, head_row(q, row + i, f0), given(at_k, j));
            bar_dS *= scale;
            const Real from_v =
                at_v >= 0 ? dot(head_dim, head_row(g, row + i, f0), given(at_v, j)) : Real(0);
            bar_P[i * T + j] = from_v + bar_dS * (dP[i * T + j] - delta[i]);
            bar_dP[i * T + j] = bar_dS * P[i * T + j];
            bar_delta -= bar_dS * P[i * T + j];
          }
          for (int j = 0; j < T; ++j) {
            bar_P[i * T + j] += bar_delta * dP[i * T + j];
            bar_dP[i * T + j] += bar_delta * P[i * T + j];
          }
        }
        // Through the softmax: bar_S = P (.) (bar_P - rowsum(P (.) bar_P)), kept in bar_P.
        for (int i = 0; i < T; ++i) {
          Real weighted = Real(0);
          for (int j = 0; j < T; ++j)
            weighted += P[i * T + j] * bar_P[i * T + j];
          for (int j = 0; j < T; ++j)
            bar_P[i * T + j] = P[i * T + j] * (bar_P[i * T + j] - weighted);
        }
        // The operands: q_i gets scale sum_j (dS_ij A_k,j + bar_S_ij k_j), k_j gets
        // scale sum_i (dS_ij A_q,i + bar_S_ij q_i), v_j gets sum_i bar_dP_ij g_i and
        // g_i gets sum_j (P_ij A_v,j + bar_dP_ij v_j).
        for (int i = 0; i < T; ++i) {
          Real* out_q = head_row(adjoint_q, row + i, f0);
          Real* out_k = head_row(adjoint_k, row + i, f0);
          Real* out_v = head_row(adjoint_v, row + i, f0);
          Real* out_g = head_row(adjoint_g, row + i, f0);
          clear_unless(accumulate_q, head_dim, out_q);
          clear_unless(accumulate_k, head_dim, out_k);
          clear_unless(accumulate_v, head_dim, out_v);
          clear_unless(accumulate_g, head_dim, out_g);
          for (int j = 0; j < T; ++j) {
            scaled_add(head_dim, scale * bar_P[i * T + j], head_row(k, row + j, f0), out_q);
            scaled_add(head_dim, scale * bar_P[j * T + i], head_row(q, row + j, f0), out_k);
            scaled_add(head_dim, bar_dP[j * T + i], head_row(g, row + j, f0), out_v);
            scaled_add(head_dim, bar_dP[i * T + j], head_row(v, row + j, f0), out_g);
            if (at_k >= 0)
              scaled_add(head_dim, scale * dS[i * T + j], given(at_k, j), out_q);
            if (at_q >= 0)
              scaled_add(head_dim, scale * dS[j * T + i], given(at_q, j), out_k);
            if (at_v >= 0)
              scaled_add(head_dim, P[i * T + j], given(at_v, j), out_g);
          }
        }
      });
}

#define PINNBENCH_INSTANTIATE_ATTENTION(Real)                                                      \
  template void attention_forward<Real>(const LeibnizProgram&, const FaaDiBrunoProgram&, int, int, \
                                        const ConstJetView<Real>&, const ConstJetView<Real>&,      \
                                        const ConstJetView<Real>&, Real*, const JetView<Real>&);   \
  template void attention_vjp<Real>(const LeibnizProgram&, const FaaDiBrunoProgram&, int, int,     \
                                    const ConstJetView<Real>&, const ConstJetView<Real>&,          \
                                    const ConstJetView<Real>&, const Real*, Real*,                 \
                                    const ConstJetView<Real>&, const JetView<Real>&, bool,         \
                                    const JetView<Real>&, bool, const JetView<Real>&, bool);       \
  template void attention_adjoint_forward<Real>(                                                   \
      int, int, AttentionPart, const ConstJetView<Real>&, const ConstJetView<Real>&,               \
      const ConstJetView<Real>&, const ConstJetView<Real>&, const JetView<Real>&);                 \
  template void attention_adjoint_vjp<Real>(                                                       \
      int, int, AttentionPart, const ConstJetView<Real>&, const ConstJetView<Real>&,               \
      const ConstJetView<Real>&, const ConstJetView<Real>&, const ConstJetView<Real>&,             \
      const JetView<Real>&, bool, const JetView<Real>&, bool, const JetView<Real>&, bool,          \
      const JetView<Real>&, bool);

PINNBENCH_INSTANTIATE_ATTENTION(float)
PINNBENCH_INSTANTIATE_ATTENTION(double)

} // namespace pinnbench::jet
