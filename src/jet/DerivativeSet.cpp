#include <algorithm>
#include <map>
#include <mutex>
#include <pinnbench/core/Error.hpp>
#include <pinnbench/jet/DerivativeSet.hpp>
#include <set>
#include <tuple>

namespace pinnbench::jet {

namespace {

// Every set ever built stays alive: there are only a handful per run and
// programs compiled for them are cached by address.
DerivativeSetPtr intern(int dimension, std::set<MultiIndex> indices,
                        std::set<AxisMask> laplacians = {})
{
  static std::mutex mutex;
  static std::map<std::tuple<int, std::vector<MultiIndex>, std::vector<AxisMask>>, DerivativeSetPtr>
      registry;
  std::vector<MultiIndex> sorted(indices.begin(), indices.end());
  std::vector<AxisMask> masks(laplacians.begin(), laplacians.end());
  std::lock_guard<std::mutex> lock(mutex);
  auto key = std::make_tuple(dimension, sorted, masks);
  auto found = registry.find(key);
  if (found != registry.end())
    return found->second;
  auto set = std::make_shared<const DerivativeSet>(dimension, std::move(sorted), std::move(masks));
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

std::string axis_names(AxisMask mask, const std::vector<std::string>& coordinate_names)
{
  std::string text;
  for (int d : mask_axes(mask)) {
    if (!text.empty())
      text += ",";
    text += d < static_cast<int>(coordinate_names.size())
                ? coordinate_names[static_cast<std::size_t>(d)]
                : "z" + std::to_string(d);
  }
  return text;
}

} // namespace

AxisMask axis_mask(const std::vector<int>& axes, int dimension)
{
  if (axes.empty())
    throw LogicError("a Laplacian over no coordinates");
  unsigned mask = 0;
  for (int d : axes) {
    if (d < 0 || d >= dimension)
      throw LogicError("Laplacian over coordinate " + std::to_string(d) + " of a " +
                       std::to_string(dimension) + "-dimensional input");
    if (mask & (1u << d))
      throw LogicError("Laplacian lists coordinate " + std::to_string(d) + " twice");
    mask |= 1u << d;
  }
  return static_cast<AxisMask>(mask);
}

std::vector<int> mask_axes(AxisMask mask)
{
  std::vector<int> axes;
  for (int d = 0; d < kMaxCoordinates; ++d)
    if (mask & (1u << d))
      axes.push_back(d);
  return axes;
}

DerivativeSet::DerivativeSet(int dimension, std::vector<MultiIndex> sorted_indices,
                             std::vector<AxisMask> sorted_laplacians)
    : dimension_(dimension), max_order_(0), indices_(std::move(sorted_indices)),
      laplacians_(std::move(sorted_laplacians))
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
  for (AxisMask mask : laplacians_) {
    if (mask == 0 || (mask >> dimension) != 0)
      throw LogicError("collapsed Laplacian over coordinates outside the set's dimension");
    for (int d : mask_axes(mask))
      if (find(MultiIndex::unit(d)) < 0)
        throw LogicError("a collapsed Laplacian needs the first derivatives it sums over");
    max_order_ = std::max(max_order_, 2);
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

DerivativeSetPtr DerivativeSet::closure_of(int dimension, const std::vector<MultiIndex>& requested,
                                           const std::vector<AxisMask>& laplacians)
{
  if (laplacians.empty())
    return closure_of(dimension, requested);
  std::vector<MultiIndex> all = requested;
  std::set<AxisMask> masks;
  for (AxisMask mask : laplacians) {
    axis_mask(mask_axes(mask), dimension); // validates
    masks.insert(mask);
    for (int d : mask_axes(mask))
      all.push_back(MultiIndex::unit(d));
  }
  const auto ordinary = closure_of(dimension, all);
  return intern(dimension,
                std::set<MultiIndex>(ordinary->indices().begin(), ordinary->indices().end()),
                masks);
}

DerivativeSetPtr DerivativeSet::for_residual(int dimension,
                                             const std::vector<MultiIndex>& requested,
                                             const std::vector<AxisMask>& laplacians, int raise,
                                             bool allow_collapse)
{
  std::vector<MultiIndex> expanded = requested;
  for (AxisMask mask : laplacians)
    for (int d : mask_axes(mask))
      expanded.push_back(MultiIndex::unit(d, 2));
  const auto ordinary = closure_of(dimension, expanded);
  if (raise > 0)
    return ordinary->raised(raise);
  if (allow_collapse && !laplacians.empty()) {
    const auto collapsed = closure_of(dimension, requested, laplacians);
    if (collapsed->size() < ordinary->size())
      return collapsed;
  }
  return ordinary;
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

void DerivativeSet::no_multi_index(int component) const
{
  if (component >= ordinary_size() && component < size())
    throw LogicError("component " + std::to_string(component) +
                     " is a collapsed Laplacian, not a multi-index: this jet operation does not "
                     "support collapsed Laplacian components");
  throw LogicError("component " + std::to_string(component) + " of a derivative set with " +
                   std::to_string(size()) + " components");
}

int DerivativeSet::find_laplacian(AxisMask axes) const
{
  for (std::size_t k = 0; k < laplacians_.size(); ++k)
    if (laplacians_[k] == axes)
      return static_cast<int>(indices_.size() + k);
  return -1;
}

bool DerivativeSet::is_subset_of(const DerivativeSet& other) const
{
  if (dimension_ != other.dimension_)
    return false;
  for (const auto& alpha : indices_)
    if (!other.contains(alpha))
      return false;
  for (AxisMask mask : laplacians_)
    if (other.find_laplacian(mask) < 0)
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
    throw LogicError("the jet carries no derivative in coordinate " + std::to_string(coordinate) +
                     ": the term must declare the derivatives its residual reads (a Laplacian "
                     "declared with Term::add_laplacian may be collapsed into one component: "
                     "read it with laplacian(), not as second derivatives)");
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
  if (collapsed())
    throw LogicError("raising the order of a set with collapsed Laplacian components (d_j of a "
                     "collapsed Laplacian is not carried: raise the uncollapsed set)");
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
  std::vector<AxisMask> laplacians = a.laplacians();
  laplacians.insert(laplacians.end(), b.laplacians().begin(), b.laplacians().end());
  return closure_of(a.dimension(), all, laplacians);
}

DerivativeSetPtr DerivativeSet::intersection_of(const DerivativeSet& a, const DerivativeSet& b)
{
  if (a.dimension() != b.dimension())
    throw LogicError("intersection of derivative sets over different dimensions");
  std::vector<MultiIndex> common;
  for (const auto& alpha : a.indices())
    if (b.contains(alpha))
      common.push_back(alpha);
  // Both sets hold the first derivatives of a Laplacian they share, so the
  // intersection does too.
  std::vector<AxisMask> laplacians;
  for (AxisMask mask : a.laplacians())
    if (b.find_laplacian(mask) >= 0)
      laplacians.push_back(mask);
  return closure_of(a.dimension(), common, laplacians);
}

DerivativeSetPtr DerivativeSet::embedded(int dimension, int offset) const
{
  if (offset < 0 || offset + dimension_ > dimension)
    throw LogicError("embedding a jet outside the target coordinates");
  if (collapsed())
    throw LogicError("embedding a jet with collapsed Laplacian components (terms with several "
                     "network evaluations use uncollapsed sets)");
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
  for (AxisMask mask : laplacians_)
    text += ", lap(" + axis_names(mask, coordinate_names) + ")";
  return text + "}";
}

} // namespace pinnbench::jet
