#include <map>
#include <mutex>
#include <pinnbench/core/Error.hpp>
#include <pinnbench/jet/Programs.hpp>
#include <tuple>

namespace pinnbench::jet {

namespace {

// Enumerate the multisets {b_1 .. b_k} of non-zero indices of `set` with
// sum = remaining, parts in non-increasing component order (each multiset once).
void partitions(const DerivativeSet& set, const MultiIndex& remaining, int largest_allowed,
                std::vector<int>& parts, std::vector<std::vector<int>>& out)
{
  if (remaining.is_zero()) {
    out.push_back(parts);
    return;
  }
  for (int c = largest_allowed; c >= 1; --c) {
    const MultiIndex& beta = set[c];
    if (!beta.divides(remaining))
      continue;
    parts.push_back(c);
    partitions(set, remaining - beta, c, parts, out);
    parts.pop_back();
  }
}

double binomial(const MultiIndex& alpha, const MultiIndex& beta)
{
  return alpha.factorial() / (beta.factorial() * (alpha - beta).factorial());
}

template <class Term>
std::pair<Kokkos::View<const Term*, MemorySpace>, Kokkos::View<const int*, MemorySpace>>
to_device(const std::vector<Term>& terms, int components, const char* label)
{
  Kokkos::View<Term*, MemorySpace> device(std::string(label) + "::terms", terms.size());
  auto host = Kokkos::create_mirror_view(device);
  std::vector<int> offsets(static_cast<std::size_t>(components) + 1, 0);
  for (std::size_t t = 0; t < terms.size(); ++t) {
    host(t) = terms[t];
    ++offsets[static_cast<std::size_t>(terms[t].output) + 1];
  }
  for (std::size_t c = 1; c < offsets.size(); ++c)
    offsets[c] += offsets[c - 1];
  Kokkos::deep_copy(device, host);
  Kokkos::View<int*, MemorySpace> device_offsets(std::string(label) + "::offsets", offsets.size());
  auto host_offsets = Kokkos::create_mirror_view(device_offsets);
  for (std::size_t c = 0; c < offsets.size(); ++c)
    host_offsets(c) = offsets[c];
  Kokkos::deep_copy(device_offsets, host_offsets);
  return {device, device_offsets};
}

ComponentMap to_device_map(const std::vector<int>& map)
{
  Kokkos::View<int*, MemorySpace> device("pinnbench::jet::component_map", map.size());
  auto host = Kokkos::create_mirror_view(device);
  for (std::size_t c = 0; c < map.size(); ++c)
    host(c) = map[c];
  Kokkos::deep_copy(device, host);
  return device;
}

// Device programs live until Kokkos shuts down: Views must not outlive it, so
// the cache empties itself in a finalize hook.
struct ProgramCache
{
  using LeibnizKey = std::tuple<const DerivativeSet*, const DerivativeSet*, const DerivativeSet*>;
  using MapKey = std::pair<const DerivativeSet*, const DerivativeSet*>;
  std::mutex mutex;
  std::map<const DerivativeSet*, FaaDiBrunoProgram> faa_di_bruno;
  std::map<LeibnizKey, LeibnizProgram> leibniz;
  std::map<MapKey, ComponentMap> maps;
  std::map<std::tuple<const DerivativeSet*, int, int>, ComponentMap> index_maps;
  std::map<std::tuple<const DerivativeSet*, const DerivativeSet*, int>, ComponentMap> embed_maps;

  static ProgramCache& instance()
  {
    static ProgramCache* cache = [] {
      auto* created = new ProgramCache;
      Kokkos::push_finalize_hook([created] {
        created->faa_di_bruno.clear();
        created->leibniz.clear();
        created->maps.clear();
        created->index_maps.clear();
        created->embed_maps.clear();
      });
      return created;
    }();
    return *cache;
  }
};

} // namespace

std::vector<FaaDiBrunoTerm> faa_di_bruno_terms(const DerivativeSet& set)
{
  std::vector<FaaDiBrunoTerm> terms;
  for (int c = 1; c < set.ordinary_size(); ++c) {
    const MultiIndex& alpha = set[c];
    std::vector<std::vector<int>> multisets;
    std::vector<int> parts;
    partitions(set, alpha, c, parts, multisets);
    for (const auto& multiset : multisets) {
      double denominator = 1.0;
      int run = 1;
      for (std::size_t i = 0; i < multiset.size(); ++i) {
        denominator *= set[multiset[i]].factorial();
        // Parts are sorted, so equal parts are adjacent: divide by mult! as it grows.
        if (i > 0 && multiset[i] == multiset[i - 1])
          denominator *= ++run;
        else
          run = 1;
      }
      FaaDiBrunoTerm term{};
      term.output = c;
      term.order = static_cast<int>(multiset.size());
      for (std::size_t i = 0; i < multiset.size(); ++i)
        term.factors[i] = multiset[i];
      term.coefficient = alpha.factorial() / denominator;
      terms.push_back(term);
    }
  }
  // Collapsed Laplacian: (f(z))_L = f'(z_0) z_L + f''(z_0) sum_d (z_d)^2.
  for (int c = set.ordinary_size(); c < set.size(); ++c) {
    const AxisMask mask = set.laplacians()[static_cast<std::size_t>(c - set.ordinary_size())];
    FaaDiBrunoTerm linear{};
    linear.output = c;
    linear.order = 1;
    linear.factors[0] = c;
    linear.coefficient = 1.0;
    terms.push_back(linear);
    for (int d : mask_axes(mask)) {
      FaaDiBrunoTerm square{};
      square.output = c;
      square.order = 2;
      square.factors[0] = square.factors[1] = set.find(MultiIndex::unit(d));
      square.coefficient = 1.0;
      terms.push_back(square);
    }
  }
  return terms;
}

std::vector<LeibnizTerm> leibniz_terms(const DerivativeSet& output, const DerivativeSet& left,
                                       const DerivativeSet& right)
{
  if (!output.is_subset_of(left) || !output.is_subset_of(right))
    throw LogicError("Leibniz product on a set its operands do not carry");
  std::vector<LeibnizTerm> terms;
  for (int c = 0; c < output.ordinary_size(); ++c) {
    const MultiIndex& alpha = output[c];
    for (int b = 0; b < output.ordinary_size(); ++b) {
      const MultiIndex& beta = output[b];
      if (!beta.divides(alpha))
        continue;
      // Downward closure of the operand sets guarantees both indices exist.
      terms.push_back(
          LeibnizTerm{c, left.find(beta), right.find(alpha - beta), binomial(alpha, beta)});
    }
  }
  // Collapsed Laplacian: (a b)_L = a_0 b_L + a_L b_0 + 2 sum_d a_d b_d.
  for (int c = output.ordinary_size(); c < output.size(); ++c) {
    const AxisMask mask = output.laplacians()[static_cast<std::size_t>(c - output.ordinary_size())];
    terms.push_back(LeibnizTerm{c, 0, right.find_laplacian(mask), 1.0});
    terms.push_back(LeibnizTerm{c, left.find_laplacian(mask), 0, 1.0});
    for (int d : mask_axes(mask)) {
      const MultiIndex unit = MultiIndex::unit(d);
      terms.push_back(LeibnizTerm{c, left.find(unit), right.find(unit), 2.0});
    }
  }
  return terms;
}

std::vector<int> component_map(const DerivativeSet& from, const DerivativeSet& to)
{
  if (from.dimension() != to.dimension())
    throw LogicError("component map between sets over different dimensions");
  std::vector<int> map(static_cast<std::size_t>(to.size()));
  for (int c = 0; c < to.ordinary_size(); ++c)
    map[static_cast<std::size_t>(c)] = from.find(to[c]);
  for (int c = to.ordinary_size(); c < to.size(); ++c)
    map[static_cast<std::size_t>(c)] =
        from.find_laplacian(to.laplacians()[static_cast<std::size_t>(c - to.ordinary_size())]);
  return map;
}

namespace {

/// Fills the order-2 fast-path fields when the set qualifies (see Programs.hpp).
void describe_second_order(const DerivativeSet& set, FaaDiBrunoProgram& program)
{
  if (set.collapsed() || set.max_order() > 2)
    return;
  int first_slot[kMaxCoordinates];
  for (int d = 0; d < set.dimension(); ++d) {
    const int component = set.find(MultiIndex::unit(d));
    first_slot[d] = component < 0 ? -1 : program.firsts;
    if (component >= 0)
      program.first_components[program.firsts++] = component;
  }
  for (int c = 1; c < set.ordinary_size(); ++c) {
    const MultiIndex& alpha = set[c];
    if (alpha.order() != 2)
      continue;
    if (program.seconds == kMaxFastSeconds)
      return; // too many for the fused kernels: the generic ones run
    int factor = 0;
    for (int d = 0; d < set.dimension(); ++d)
      for (int k = 0; k < alpha[d]; ++k)
        program.second_factors[program.seconds][factor++] = first_slot[d];
    program.second_components[program.seconds++] = c;
  }
  program.second_order_fast_path = true;
}

} // namespace

const FaaDiBrunoProgram& faa_di_bruno_program(const DerivativeSetPtr& set)
{
  auto& cache = ProgramCache::instance().faa_di_bruno;
  std::lock_guard<std::mutex> lock(ProgramCache::instance().mutex);
  auto found = cache.find(set.get());
  if (found != cache.end())
    return found->second;
  FaaDiBrunoProgram program;
  std::tie(program.terms, program.offsets) =
      to_device(faa_di_bruno_terms(*set), set->size(), "pinnbench::jet::faa_di_bruno");
  program.components = set->size();
  program.max_order = set->max_order();
  program.first_order = set->ordinary_size() - 1;
  program.laplacians = static_cast<int>(set->laplacians().size());
  bool gradient_only = true;
  for (int c = 1; c < set->ordinary_size(); ++c)
    gradient_only = gradient_only && (*set)[c].order() == 1;
  program.laplacian_fast_path =
      set->collapsed() && gradient_only && program.laplacians <= kMaxFastLaplacians;
  for (int l = 0; l < program.laplacians && program.laplacian_fast_path; ++l)
    for (int d : mask_axes(set->laplacians()[static_cast<std::size_t>(l)]))
      program.laplacian_members[l] |= 1u << set->find(MultiIndex::unit(d));
  describe_second_order(*set, program);
  return cache.emplace(set.get(), program).first->second;
}

const LeibnizProgram& leibniz_program(const DerivativeSetPtr& output, const DerivativeSetPtr& left,
                                      const DerivativeSetPtr& right)
{
  using Key = ProgramCache::LeibnizKey;
  auto& cache = ProgramCache::instance().leibniz;
  std::lock_guard<std::mutex> lock(ProgramCache::instance().mutex);
  const Key key{output.get(), left.get(), right.get()};
  auto found = cache.find(key);
  if (found != cache.end())
    return found->second;
  LeibnizProgram program;
  std::tie(program.terms, program.offsets) =
      to_device(leibniz_terms(*output, *left, *right), output->size(), "pinnbench::jet::leibniz");
  program.components = output->size();
  return cache.emplace(key, program).first->second;
}

ComponentMap device_component_map(const DerivativeSetPtr& from, const DerivativeSetPtr& to)
{
  using Key = ProgramCache::MapKey;
  auto& cache = ProgramCache::instance().maps;
  std::lock_guard<std::mutex> lock(ProgramCache::instance().mutex);
  const Key key{from.get(), to.get()};
  auto found = cache.find(key);
  if (found != cache.end())
    return found->second;
  return cache.emplace(key, to_device_map(component_map(*from, *to))).first->second;
}

ComponentMap device_shift_map(const DerivativeSetPtr& set, int coordinate)
{
  auto& cache = ProgramCache::instance().index_maps;
  std::lock_guard<std::mutex> lock(ProgramCache::instance().mutex);
  const auto key = std::make_tuple(set.get(), 0, coordinate);
  auto found = cache.find(key);
  if (found != cache.end())
    return found->second;
  return cache.emplace(key, to_device_map(set->shifted(coordinate).second)).first->second;
}

ComponentMap device_laplacian_map(const DerivativeSetPtr& set, AxisMask axes)
{
  auto& cache = ProgramCache::instance().index_maps;
  std::lock_guard<std::mutex> lock(ProgramCache::instance().mutex);
  const auto key = std::make_tuple(set.get(), 1, static_cast<int>(axes));
  auto found = cache.find(key);
  if (found != cache.end())
    return found->second;
  const int component = set->find_laplacian(axes);
  if (component < 0)
    throw LogicError("the jet carries no collapsed Laplacian over these coordinates");
  return cache.emplace(key, to_device_map({component})).first->second;
}

ComponentMap device_embed_map(const DerivativeSetPtr& source, const DerivativeSetPtr& target,
                              int offset)
{
  auto& cache = ProgramCache::instance().embed_maps;
  std::lock_guard<std::mutex> lock(ProgramCache::instance().mutex);
  const auto key = std::make_tuple(source.get(), target.get(), offset);
  auto found = cache.find(key);
  if (found != cache.end())
    return found->second;
  if (offset < 0 || offset + source->dimension() > target->dimension())
    throw LogicError("embedding a jet outside the target coordinates");
  if (source->collapsed() || target->collapsed())
    throw LogicError("embedding a jet with collapsed Laplacian components (terms with several "
                     "network evaluations use uncollapsed sets)");
  std::vector<int> map(static_cast<std::size_t>(target->size()));
  for (int c = 0; c < target->size(); ++c) {
    const MultiIndex& beta = (*target)[c];
    MultiIndex alpha;
    bool inside = true;
    for (int j = 0; j < target->dimension(); ++j) {
      const bool own = j >= offset && j < offset + source->dimension();
      if (own)
        alpha = alpha.plus(j - offset, beta[j]);
      else if (beta[j] != 0)
        inside = false;
    }
    int component = -1;
    if (inside) {
      component = source->find(alpha);
      if (component < 0)
        throw LogicError("embedding target needs a derivative the source jet does not carry");
    }
    map[static_cast<std::size_t>(c)] = component;
  }
  return cache.emplace(key, to_device_map(map)).first->second;
}

} // namespace pinnbench::jet
