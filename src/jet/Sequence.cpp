// Pseudo-sequence sets, programs and the lift / collapse / row-selection kernels.
#include <map>
#include <mutex>
#include <pinnbench/core/Error.hpp>
#include <pinnbench/jet/Sequence.hpp>

namespace pinnbench::jet {

namespace {

struct SequenceCache
{
  std::mutex mutex;
  std::map<std::pair<const DerivativeSet*, int>, SequenceProgram> programs;
  std::map<std::pair<const DerivativeSet*, int>, ContractionProgram> contractions;

  static SequenceCache& instance()
  {
    // Device views must not outlive Kokkos: emptied in a finalize hook.
    static SequenceCache* cache = [] {
      auto* created = new SequenceCache;
      Kokkos::push_finalize_hook([created] {
        created->programs.clear();
        created->contractions.clear();
      });
      return created;
    }();
    return *cache;
  }
};

void check_tokens(const DerivativeSet& base, int tokens)
{
  if (tokens < 1)
    throw LogicError("a pseudo-sequence needs at least one token");
  // Token-summed semantics are defined per multi-index; a collapsed Laplacian
  // component has none (the loss and evaluator select plain sets for these models).
  if (!base.laplacians().empty())
    throw LogicError("a pseudo-sequence over a derivative set with collapsed Laplacians");
  if (base.dimension() * (tokens + 1) > kMaxCoordinates)
    throw ConfigError("a pseudo-sequence of " + std::to_string(tokens) + " tokens over " +
                      std::to_string(base.dimension()) + " coordinates needs " +
                      std::to_string(base.dimension() * (tokens + 1)) +
                      " jet coordinates (supported: " + std::to_string(kMaxCoordinates) + ")");
}

/// The shared part (coordinates < d) and the token coordinate of an index of S'
/// (-1 when it has none).
std::pair<MultiIndex, int> split(const MultiIndex& gamma, int dimension, int extended)
{
  MultiIndex shared;
  int token = -1;
  for (int j = 0; j < extended; ++j) {
    if (gamma[j] == 0)
      continue;
    if (j < dimension)
      shared = shared.plus(j, gamma[j]);
    else
      token = j;
  }
  return {shared, token};
}

} // namespace

DerivativeSetPtr sequence_set(const DerivativeSetPtr& base, int tokens)
{
  check_tokens(*base, tokens);
  const int d = base->dimension();
  std::vector<MultiIndex> requested;
  for (const auto& alpha : base->indices())
    for (int c = 0; c < d; ++c)
      if (alpha[c] > 0)
        for (int k = 0; k < tokens; ++k)
          requested.push_back(alpha.plus(c, -1).plus(token_coordinate(d, tokens, c, k)));
  return DerivativeSet::closure_of(d * (tokens + 1), requested);
}

const SequenceProgram& sequence_program(const DerivativeSetPtr& base, int tokens)
{
  auto& cache = SequenceCache::instance();
  std::lock_guard<std::mutex> lock(cache.mutex);
  const auto key = std::make_pair(base.get(), tokens);
  auto found = cache.programs.find(key);
  if (found != cache.programs.end())
    return found->second;

  SequenceProgram program;
  program.base = base;
  program.extended = sequence_set(base, tokens);
  program.tokens = tokens;
  const int d = base->dimension();
  const int extended_dimension = program.extended->dimension();
  const int components = program.extended->size();

  Kokkos::View<int**, Kokkos::LayoutRight, MemorySpace> lift("pinnbench::jet::sequence_lift_map",
                                                             static_cast<std::size_t>(tokens),
                                                             static_cast<std::size_t>(components));
  auto lift_host = Kokkos::create_mirror_view(lift);
  for (int k = 0; k < tokens; ++k)
    for (int c = 0; c < components; ++c) {
      const auto [shared, token] = split((*program.extended)[c], d, extended_dimension);
      int source = -1;
      if (token < 0)
        source = base->find(shared);
      else if ((token - d) % tokens == k)
        source = base->find(shared.plus((token - d) / tokens));
      lift_host(k, c) = source;
    }
  Kokkos::deep_copy(lift, lift_host);
  program.lift = lift;

  std::vector<SequenceTerm> terms;
  std::vector<int> offsets(static_cast<std::size_t>(base->size() * tokens) + 1, 0);
  for (int a = 0; a < base->size(); ++a) {
    const MultiIndex& alpha = (*base)[a];
    for (int k = 0; k < tokens; ++k) {
      if (!alpha.is_zero())
        for (int c = 0; c < d; ++c)
          if (alpha[c] > 0) {
            const int source =
                program.extended->find(alpha.plus(c, -1).plus(token_coordinate(d, tokens, c, k)));
            if (source < 0)
              throw LogicError("sequence set lacks a token derivative it was built with");
            terms.push_back(SequenceTerm{source, static_cast<double>(alpha[c]) / alpha.order()});
          }
      offsets[static_cast<std::size_t>(a * tokens + k) + 1] = static_cast<int>(terms.size());
    }
  }
  Kokkos::View<SequenceTerm*, MemorySpace> device_terms("pinnbench::jet::sequence_collapse",
                                                        terms.size());
  auto terms_host = Kokkos::create_mirror_view(device_terms);
  for (std::size_t t = 0; t < terms.size(); ++t)
    terms_host(t) = terms[t];
  Kokkos::deep_copy(device_terms, terms_host);
  Kokkos::View<int*, MemorySpace> device_offsets("pinnbench::jet::sequence_collapse_offsets",
                                                 offsets.size());
  auto offsets_host = Kokkos::create_mirror_view(device_offsets);
  for (std::size_t i = 0; i < offsets.size(); ++i)
    offsets_host(i) = offsets[i];
  Kokkos::deep_copy(device_offsets, offsets_host);
  program.collapse = device_terms;
  program.collapse_offsets = device_offsets;
  return cache.programs.emplace(key, program).first->second;
}

namespace {

/// C(beta, beta') = beta! / (beta'! (beta - beta')!).
double binomial(const MultiIndex& beta, const MultiIndex& part)
{
  return beta.factorial() / (part.factorial() * (beta - part).factorial());
}

} // namespace

const ContractionProgram& contraction_program(const DerivativeSetPtr& base, int tokens)
{
  // Built from the sequence program outside the lock it takes itself.
  const SequenceProgram& sequence = sequence_program(base, tokens);
  auto& cache = SequenceCache::instance();
  std::lock_guard<std::mutex> lock(cache.mutex);
  const auto key = std::make_pair(base.get(), tokens);
  auto found = cache.contractions.find(key);
  if (found != cache.contractions.end())
    return found->second;

  ContractionProgram program;
  program.base = base;
  program.extended = sequence.extended;
  program.tokens = tokens;
  const int d = base->dimension();
  const int extended_dimension = program.extended->dimension();
  std::vector<MultiIndex> shared_indices;
  for (const auto& gamma : program.extended->indices())
    if (split(gamma, d, extended_dimension).second < 0)
      shared_indices.push_back(gamma);
  program.shared = DerivativeSet::closure_of(extended_dimension, shared_indices);

  std::vector<ContractionTerm> terms;
  std::vector<int> offsets(static_cast<std::size_t>(base->size() * tokens) + 1, 0);
  for (int a = 0; a < base->size(); ++a) {
    const MultiIndex& alpha = (*base)[a];
    for (int k = 0; k < tokens; ++k) {
      if (!alpha.is_zero())
        for (int c = 0; c < d; ++c) {
          if (alpha[c] == 0)
            continue;
          const double weight = static_cast<double>(alpha[c]) / alpha.order();
          const MultiIndex beta = alpha.plus(c, -1);
          const int tau = token_coordinate(d, tokens, c, k);
          for (int b = 0; b < program.shared->size(); ++b) {
            const MultiIndex& part = (*program.shared)[b];
            if (!part.divides(beta))
              continue;
            const int tangent = program.extended->find((beta - part).plus(tau));
            if (tangent < 0)
              throw LogicError("sequence set lacks a token derivative the contraction reads");
            terms.push_back(ContractionTerm{b, tangent, weight * binomial(beta, part)});
          }
        }
      offsets[static_cast<std::size_t>(a * tokens + k) + 1] = static_cast<int>(terms.size());
    }
  }
  Kokkos::View<ContractionTerm*, MemorySpace> device_terms("pinnbench::jet::contraction_terms",
                                                           terms.size());
  auto terms_host = Kokkos::create_mirror_view(device_terms);
  for (std::size_t t = 0; t < terms.size(); ++t)
    terms_host(t) = terms[t];
  Kokkos::deep_copy(device_terms, terms_host);
  Kokkos::View<int*, MemorySpace> device_offsets("pinnbench::jet::contraction_offsets",
                                                 offsets.size());
  auto offsets_host = Kokkos::create_mirror_view(device_offsets);
  for (std::size_t i = 0; i < offsets.size(); ++i)
    offsets_host(i) = offsets[i];
  Kokkos::deep_copy(device_offsets, offsets_host);
  program.terms = device_terms;
  program.offsets = device_offsets;
  return cache.contractions.emplace(key, program).first->second;
}

template <class Real>
void sequence_contract_forward(const ContractionProgram& program, const ConstJetView<Real>& value,
                               const ConstJetView<Real>& gradient,
                               const ConstJetView<Real>& tangents, const JetView<Real>& out)
{
  const int rows = static_cast<int>(tangents.extent(1));
  const int features = static_cast<int>(tangents.extent(2));
  const int components = static_cast<int>(out.extent(0));
  const int tokens = program.tokens;
  if (rows % tokens != 0 || gradient.extent(1) != tangents.extent(1) ||
      value.extent(1) != tangents.extent(1) || out.extent(1) != tangents.extent(1) ||
      gradient.extent(2) != tangents.extent(2) || out.extent(2) != 1 || value.extent(2) != 1 ||
      components != program.base->size() ||
      static_cast<int>(gradient.extent(0)) != program.shared->size() ||
      static_cast<int>(tangents.extent(0)) != program.extended->size())
    throw LogicError("sequence_contract: shapes of the token jets disagree");
  const auto terms = program.terms;
  const auto offsets = program.offsets;
  Kokkos::parallel_for(
      "pinnbench::jet::sequence_contract_forward",
      Kokkos::RangePolicy<ExecutionSpace>(0, rows / tokens), KOKKOS_LAMBDA(const int n) {
        const int first = n * tokens;
        for (int k = 0; k < tokens; ++k)
          out(0, first + k, 0) = value(0, first + k, 0);
        for (int alpha = 1; alpha < components; ++alpha)
          for (int k = 0; k < tokens; ++k) {
            Real total = Real(0);
            for (int t = offsets(alpha * tokens + k); t < offsets(alpha * tokens + k + 1); ++t) {
              const ContractionTerm term = terms(t);
              Real dot = Real(0);
              for (int m = 0; m < tokens; ++m) {
                const Real* g = &gradient(term.gradient, first + m, 0);
                const Real* h = &tangents(term.tangent, first + m, 0);
                for (int f = 0; f < features; ++f)
                  dot += g[f] * h[f];
              }
              total += static_cast<Real>(term.coefficient) * dot;
            }
            out(alpha, first + k, 0) = total;
          }
      });
}

template <class Real>
void sequence_contract_vjp(const ContractionProgram& program, const ConstJetView<Real>& gradient,
                           const ConstJetView<Real>& tangents,
                           const ConstJetView<Real>& adjoint_out,
                           const JetView<Real>& adjoint_value, bool accumulate_value,
                           const JetView<Real>& adjoint_gradient, bool accumulate_gradient,
                           const JetView<Real>& adjoint_tangents, bool accumulate_tangents)
{
  if (!accumulate_gradient)
    Kokkos::deep_copy(adjoint_gradient, Real(0));
  if (!accumulate_tangents)
    Kokkos::deep_copy(adjoint_tangents, Real(0));
  if (!accumulate_value)
    Kokkos::deep_copy(adjoint_value, Real(0));
  const int rows = static_cast<int>(tangents.extent(1));
  const int features = static_cast<int>(tangents.extent(2));
  const int components = static_cast<int>(adjoint_out.extent(0));
  const int tokens = program.tokens;
  const auto terms = program.terms;
  const auto offsets = program.offsets;
  // One point per iteration: a point's terms touch only its own token rows.
  Kokkos::parallel_for(
      "pinnbench::jet::sequence_contract_vjp",
      Kokkos::RangePolicy<ExecutionSpace>(0, rows / tokens), KOKKOS_LAMBDA(const int n) {
        const int first = n * tokens;
        for (int k = 0; k < tokens; ++k)
          adjoint_value(0, first + k, 0) += adjoint_out(0, first + k, 0);
        for (int alpha = 1; alpha < components; ++alpha)
          for (int k = 0; k < tokens; ++k) {
            const Real seed = adjoint_out(alpha, first + k, 0);
            for (int t = offsets(alpha * tokens + k); t < offsets(alpha * tokens + k + 1); ++t) {
              const ContractionTerm term = terms(t);
              const Real share = static_cast<Real>(term.coefficient) * seed;
              for (int m = 0; m < tokens; ++m) {
                const Real* g = &gradient(term.gradient, first + m, 0);
                const Real* h = &tangents(term.tangent, first + m, 0);
                Real* dg = &adjoint_gradient(term.gradient, first + m, 0);
                Real* dh = &adjoint_tangents(term.tangent, first + m, 0);
                for (int f = 0; f < features; ++f) {
                  dg[f] += share * h[f];
                  dh[f] += share * g[f];
                }
              }
            }
          }
      });
}

// --- lift -------------------------------------------------------------------------------

template <class Real>
void sequence_lift_forward(const SequenceProgram& program, const ConstJetView<Real>& a,
                           const JetView<Real>& out)
{
  const int rows = static_cast<int>(a.extent(1));
  const int features = static_cast<int>(a.extent(2));
  const int components = static_cast<int>(out.extent(0));
  const int tokens = program.tokens;
  if (rows % tokens != 0 || out.extent(1) != a.extent(1) || out.extent(2) != a.extent(2) ||
      components != program.extended->size() ||
      static_cast<int>(a.extent(0)) != program.base->size())
    throw LogicError("sequence_lift: shapes of the token jets disagree");
  const auto lift = program.lift;
  Kokkos::parallel_for(
      "pinnbench::jet::sequence_lift_forward",
      Kokkos::RangePolicy<ExecutionSpace>(0, static_cast<std::int64_t>(rows) * features),
      KOKKOS_LAMBDA(const std::int64_t i) {
        const int r = static_cast<int>(i / features);
        const int f = static_cast<int>(i % features);
        const int k = r % tokens;
        for (int c = 0; c < components; ++c) {
          const int source = lift(k, c);
          out(c, r, f) = source >= 0 ? a(source, r, f) : Real(0);
        }
      });
}

template <class Real>
void sequence_lift_vjp(const SequenceProgram& program, const ConstJetView<Real>& adjoint_out,
                       const JetView<Real>& adjoint_a, bool accumulate)
{
  if (!accumulate)
    Kokkos::deep_copy(adjoint_a, Real(0));
  const int rows = static_cast<int>(adjoint_out.extent(1));
  const int features = static_cast<int>(adjoint_out.extent(2));
  const int components = static_cast<int>(adjoint_out.extent(0));
  const int tokens = program.tokens;
  const auto lift = program.lift;
  // One (row, feature) per iteration: several components of S' read the same source.
  Kokkos::parallel_for(
      "pinnbench::jet::sequence_lift_vjp",
      Kokkos::RangePolicy<ExecutionSpace>(0, static_cast<std::int64_t>(rows) * features),
      KOKKOS_LAMBDA(const std::int64_t i) {
        const int r = static_cast<int>(i / features);
        const int f = static_cast<int>(i % features);
        const int k = r % tokens;
        for (int c = 0; c < components; ++c) {
          const int source = lift(k, c);
          if (source >= 0)
            adjoint_a(source, r, f) += adjoint_out(c, r, f);
        }
      });
}

// --- collapse ---------------------------------------------------------------------------

template <class Real>
void sequence_collapse_forward(const SequenceProgram& program, const ConstJetView<Real>& a,
                               const JetView<Real>& out)
{
  const int rows = static_cast<int>(a.extent(1));
  const int features = static_cast<int>(a.extent(2));
  const int components = static_cast<int>(out.extent(0));
  const int tokens = program.tokens;
  if (rows % tokens != 0 || out.extent(1) != a.extent(1) || out.extent(2) != a.extent(2) ||
      components != program.base->size() ||
      static_cast<int>(a.extent(0)) != program.extended->size())
    throw LogicError("sequence_collapse: shapes of the token jets disagree");
  const auto terms = program.collapse;
  const auto offsets = program.collapse_offsets;
  Kokkos::parallel_for(
      "pinnbench::jet::sequence_collapse_forward",
      Kokkos::RangePolicy<ExecutionSpace>(0, static_cast<std::int64_t>(rows) * features),
      KOKKOS_LAMBDA(const std::int64_t i) {
        const int r = static_cast<int>(i / features);
        const int f = static_cast<int>(i % features);
        const int k = r % tokens;
        const int first = r - k;
        out(0, r, f) = a(0, r, f);
        for (int alpha = 1; alpha < components; ++alpha) {
          Real value = Real(0);
          for (int t = offsets(alpha * tokens + k); t < offsets(alpha * tokens + k + 1); ++t) {
            Real sum = Real(0);
            for (int j = 0; j < tokens; ++j)
              sum += a(terms(t).source, first + j, f);
            value += static_cast<Real>(terms(t).weight) * sum;
          }
          out(alpha, r, f) = value;
        }
      });
}

template <class Real>
void sequence_collapse_vjp(const SequenceProgram& program, const ConstJetView<Real>& adjoint_out,
                           const JetView<Real>& adjoint_a, bool accumulate)
{
  if (!accumulate)
    Kokkos::deep_copy(adjoint_a, Real(0));
  const int rows = static_cast<int>(adjoint_out.extent(1));
  const int features = static_cast<int>(adjoint_out.extent(2));
  const int components = static_cast<int>(adjoint_out.extent(0));
  const int tokens = program.tokens;
  const auto terms = program.collapse;
  const auto offsets = program.collapse_offsets;
  // One (point, feature) per iteration: every token of a point reads every token.
  Kokkos::parallel_for(
      "pinnbench::jet::sequence_collapse_vjp",
      Kokkos::RangePolicy<ExecutionSpace>(0, static_cast<std::int64_t>(rows / tokens) * features),
      KOKKOS_LAMBDA(const std::int64_t i) {
        const int first = static_cast<int>(i / features) * tokens;
        const int f = static_cast<int>(i % features);
        for (int k = 0; k < tokens; ++k) {
          adjoint_a(0, first + k, f) += adjoint_out(0, first + k, f);
          for (int alpha = 1; alpha < components; ++alpha) {
            const Real g = adjoint_out(alpha, first + k, f);
            for (int t = offsets(alpha * tokens + k); t < offsets(alpha * tokens + k + 1); ++t) {
              const Real share = static_cast<Real>(terms(t).weight) * g;
              for (int j = 0; j < tokens; ++j)
                adjoint_a(terms(t).source, first + j, f) += share;
            }
          }
        }
      });
}

// --- row selection ----------------------------------------------------------------------

template <class Real>
void select_rows_forward(const ConstJetView<Real>& a, int stride, int offset,
                         const JetView<Real>& out)
{
  const int components = static_cast<int>(out.extent(0));
  const int rows = static_cast<int>(out.extent(1));
  const int features = static_cast<int>(out.extent(2));
  if (a.extent(0) != out.extent(0) || a.extent(2) != out.extent(2) || offset < 0 ||
      offset >= stride || static_cast<std::int64_t>(a.extent(1)) != std::int64_t(rows) * stride)
    throw LogicError("select_rows: shapes disagree");
  Kokkos::parallel_for(
      "pinnbench::jet::select_rows_forward",
      Kokkos::RangePolicy<ExecutionSpace>(0, static_cast<std::int64_t>(rows) * features),
      KOKKOS_LAMBDA(const std::int64_t i) {
        const int n = static_cast<int>(i / features);
        const int f = static_cast<int>(i % features);
        for (int c = 0; c < components; ++c)
          out(c, n, f) = a(c, n * stride + offset, f);
      });
}

template <class Real>
void select_rows_vjp(const ConstJetView<Real>& adjoint_out, int stride, int offset,
                     const JetView<Real>& adjoint_a, bool accumulate)
{
  if (!accumulate)
    Kokkos::deep_copy(adjoint_a, Real(0));
  const int components = static_cast<int>(adjoint_out.extent(0));
  const int rows = static_cast<int>(adjoint_out.extent(1));
  const int features = static_cast<int>(adjoint_out.extent(2));
  Kokkos::parallel_for(
      "pinnbench::jet::select_rows_vjp",
      Kokkos::RangePolicy<ExecutionSpace>(0, static_cast<std::int64_t>(rows) * features),
      KOKKOS_LAMBDA(const std::int64_t i) {
        const int n = static_cast<int>(i / features);
        const int f = static_cast<int>(i % features);
        for (int c = 0; c < components; ++c)
          adjoint_a(c, n * stride + offset, f) += adjoint_out(c, n, f);
      });
}

#define PINNBENCH_INSTANTIATE_SEQUENCE(Real)                                                       \
  template void sequence_lift_forward<Real>(const SequenceProgram&, const ConstJetView<Real>&,     \
                                            const JetView<Real>&);                                 \
  template void sequence_lift_vjp<Real>(const SequenceProgram&, const ConstJetView<Real>&,         \
                                        const JetView<Real>&, bool);                               \
  template void sequence_collapse_forward<Real>(const SequenceProgram&, const ConstJetView<Real>&, \
                                                const JetView<Real>&);                             \
  template void sequence_collapse_vjp<Real>(const SequenceProgram&, const ConstJetView<Real>&,     \
                                            const JetView<Real>&, bool);                           \
  template void select_rows_forward<Real>(const ConstJetView<Real>&, int, int,                     \
                                          const JetView<Real>&);                                   \
  template void select_rows_vjp<Real>(const ConstJetView<Real>&, int, int, const JetView<Real>&,   \
                                      bool);                                                       \
  template void sequence_contract_forward<Real>(                                                   \
      const ContractionProgram&, const ConstJetView<Real>&, const ConstJetView<Real>&,             \
      const ConstJetView<Real>&, const JetView<Real>&);                                            \
  template void sequence_contract_vjp<Real>(const ContractionProgram&, const ConstJetView<Real>&,  \
                                            const ConstJetView<Real>&, const ConstJetView<Real>&,  \
                                            const JetView<Real>&, bool, const JetView<Real>&,      \
                                            bool, const JetView<Real>&, bool);

PINNBENCH_INSTANTIATE_SEQUENCE(float)
PINNBENCH_INSTANTIATE_SEQUENCE(double)

} // namespace pinnbench::jet
