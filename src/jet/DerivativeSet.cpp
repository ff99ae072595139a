#include <algorithm>
#include <map>
#include <mutex>
#include <pinnbench/core/Error.hpp>
#include <pinnbench/jet/DerivativeSet.hpp>
#include <set>

namespace pinnbench::jet {

namespace {

// Every set ever built stays alive: there are only a handful per run and
// programs compiled for them are cached by address.
DerivativeSetPtr intern(int dimension, std::set<MultiIndex> indices)
{
  static std::mutex mutex;
  static std::map<std::pair<int, std::vector<MultiIndex>>, DerivativeSetPtr> registry;
  std::vector<MultiIndex> sorted(indices.begin(), indices.end());
  std::lock_guard<std::mutex> lock(mutex);
  auto key = std::make_pair(dimension, sorted);
  auto found = registry.find(key);
  if (found != registry.end())
    return found->second;
  auto set = std::make_shared<const DerivativeSet>(dimension, std::move(sorted));
  registry.emplace(std::move(key), set);
  return set;
}

void check_dimension(int dimension)
{
  if (dimension < 1 || dimension > kMaxCoordinates)
    throw LogicError("derivative set over " + std::to_string(dimension) +
                     " coordinates (supported: 1.." + std::to_string(kMaxCoordinates) + ")");
}

void add_with_lower(const MultiIndex& alpha, int dimension, std::set<MultiIndex>& out)
{
  if (!out.insert(alpha).second)
    return;
  for (int j = 0; j < dimension; ++j)
    if (alpha[j] > 0)
      add_with_lower(alpha.plus(j, -1), dimension, out);
}

} // namespace

DerivativeSet::DerivativeSet(int dimension, std::vector<MultiIndex> sorted_indices)
    : dimension_(dimension), max_order_(0), indices_(std::move(sorted_indices))
{
  check_dimension(dimension);
  if (indices_.empty() || !indices_.front().is_zero())
    throw LogicError("a derivative set starts with the value component");
  for (const auto& alpha : indices_) {
    for (int j = dimension; j < kMaxCoordinates; ++j)
      if (alpha[j] != 0)
        throw LogicError("multi-index uses a coordinate beyond the set's dimension");
    if (alpha.order() > kMaxOrder)
      throw LogicError("derivative order " + std::to_string(alpha.order()) +
                       " above the supported maximum " + std::to_string(kMaxOrder));
    max_order_ = std::max(max_order_, alpha.order());
  }
}

DerivativeSetPtr DerivativeSet::closure_of(int dimension, const std::vector<MultiIndex>& requested)
{
  check_dimension(dimension);
  std::set<MultiIndex> indices;
  add_with_lower(MultiIndex{}, dimension, indices);
  for (const auto& alpha : requested) {
    for (int j = dimension; j < kMaxCoordinates; ++j)
      if (alpha[j] != 0)
        throw LogicError("requested derivative uses coordinate " + std::to_string(j) + " of a " +
                         std::to_string(dimension) + "-dimensional input");
    if (alpha.order() > kMaxOrder)
      throw LogicError("requested derivative of order " + std::to_string(alpha.order()) +
                       " (supported: up to " + std::to_string(kMaxOrder) + ")");
    add_with_lower(alpha, dimension, indices);
  }
  return intern(dimension, std::move(indices));
}

DerivativeSetPtr DerivativeSet::value_only(int dimension)
{
  return closure_of(dimension, {});
}

DerivativeSetPtr DerivativeSet::full(int dimension, int max_order)
{
  std::set<MultiIndex> all{MultiIndex{}};
  for (int order = 1; order <= max_order; ++order) {
    std::set<MultiIndex> next;
    for (const auto& alpha : all)
      if (alpha.order() == order - 1)
        for (int j = 0; j < dimension; ++j)
          next.insert(alpha.plus(j));
    all.insert(next.begin(), next.end());
  }
  return closure_of(dimension, std::vector<MultiIndex>(all.begin(), all.end()));
}

int DerivativeSet::find(const MultiIndex& alpha) const
{
  auto it = std::lower_bound(indices_.begin(), indices_.end(), alpha);
  if (it == indices_.end() || *it != alpha)
    return -1;
  return static_cast<int>(it - indices_.begin());
}

bool DerivativeSet::is_subset_of(const DerivativeSet& other) const
{
  if (dimension_ != other.dimension_)
    return false;
  for (const auto& alpha : indices_)
    if (!other.contains(alpha))
      return false;
  return true;
}

std::pair<DerivativeSetPtr, std::vector<int>> DerivativeSet::shifted(int coordinate) const
{
  if (coordinate < 0 || coordinate >= dimension_)
    throw LogicError("d/dz_" + std::to_string(coordinate) + " of a jet over " +
                     std::to_string(dimension_) + " coordinates");
  std::vector<MultiIndex> kept;
  for (const auto& alpha : indices_)
    if (contains(alpha.plus(coordinate)))
      kept.push_back(alpha);
  if (kept.empty())
    throw LogicError("the jet carries no derivative in coordinate " + std::to_string(coordinate));
  // Downward closure of S is inherited: beta <= alpha and alpha + e_j in S give
  // beta + e_j in S, so `kept` is already closed.
  auto set = closure_of(dimension_, kept);
  std::vector<int> source(static_cast<std::size_t>(set->size()));
  for (int c = 0; c < set->size(); ++c)
    source[static_cast<std::size_t>(c)] = find((*set)[c].plus(coordinate));
  return {set, source};
}

DerivativeSetPtr DerivativeSet::raised(int extra) const
{
  std::vector<MultiIndex> requested = indices_;
  for (int step = 0; step < extra; ++step) {
    std::vector<MultiIndex> next = requested;
    for (const auto& alpha : requested)
      for (int j = 0; j < dimension_; ++j)
        next.push_back(alpha.plus(j));
    requested = std::move(next);
  }
  return closure_of(dimension_, requested);
}

DerivativeSetPtr DerivativeSet::union_of(const DerivativeSet& a, const DerivativeSet& b)
{
  if (a.dimension() != b.dimension())
    throw LogicError("union of derivative sets over different dimensions");
  std::vector<MultiIndex> all = a.indices();
  all.insert(all.end(), b.indices().begin(), b.indices().end());
  return closure_of(a.dimension(), all);
}

DerivativeSetPtr DerivativeSet::intersection_of(const DerivativeSet& a, const DerivativeSet& b)
{
  if (a.dimension() != b.dimension())
    throw LogicError("intersection of derivative sets over different dimensions");
  std::vector<MultiIndex> common;
  for (const auto& alpha : a.indices())
    if (b.contains(alpha))
      common.push_back(alpha);
  return closure_of(a.dimension(), common);
}

DerivativeSetPtr DerivativeSet::embedded(int dimension, int offset) const
{
  if (offset < 0 || offset + dimension_ > dimension)
    throw LogicError("embedding a jet outside the target coordinates");
  std::vector<MultiIndex> moved;
  for (const auto& alpha : indices_) {
    MultiIndex beta;
    for (int j = 0; j < dimension_; ++j)
      beta = beta.plus(offset + j, alpha[j]);
    moved.push_back(beta);
  }
  return closure_of(dimension, moved);
}

std::string DerivativeSet::to_string(const std::vector<std::string>& coordinate_names) const
{
  std::string text = "{";
  for (std::size_t c = 0; c < indices_.size(); ++c)
    text += (c ? ", " : "") + indices_[c].to_string(coordinate_names);
  return text + "}";
}

} // namespace pinnbench::jet
