#pragma once
// A DerivativeSet is a downward-closed set S of multi-indices (alpha in S and
// beta <= alpha imply beta in S). A jet stores one component per element of S;
// component 0 is always the value. Downward closure is what makes Faa di Bruno
// and Leibniz products computable inside the set.
//
// Sets are interned: equal sets are the same object, so programs compiled for a
// set can be cached by pointer and set equality is pointer equality.
#include <memory>
#include <pinnbench/jet/MultiIndex.hpp>
#include <string>
#include <utility>
#include <vector>

namespace pinnbench::jet {

class DerivativeSet;
using DerivativeSetPtr = std::shared_ptr<const DerivativeSet>;

class DerivativeSet
{
public:
  /// The smallest downward-closed set over `dimension` coordinates containing
  /// every requested multi-index (and the value).
  static DerivativeSetPtr closure_of(int dimension, const std::vector<MultiIndex>& requested);
  static DerivativeSetPtr value_only(int dimension);
  /// Every multi-index of order <= max_order.
  static DerivativeSetPtr full(int dimension, int max_order);

  int dimension() const { return dimension_; }
  int size() const { return static_cast<int>(indices_.size()); }
  int max_order() const { return max_order_; }
  const MultiIndex& operator[](int component) const
  {
    return indices_[static_cast<std::size_t>(component)];
  }
  const std::vector<MultiIndex>& indices() const { return indices_; }

  /// Component of alpha, or -1 when alpha is not in the set.
  int find(const MultiIndex& alpha) const;
  bool contains(const MultiIndex& alpha) const { return find(alpha) >= 0; }
  bool is_subset_of(const DerivativeSet& other) const;

  /// The set {alpha : alpha + e_j in S}, the derivatives d_j of a jet on S
  /// still knows, and for each of its components the component of alpha + e_j in S.
  std::pair<DerivativeSetPtr, std::vector<int>> shifted(int coordinate) const;

  /// S with every index raised by up to `extra` orders in every coordinate
  /// (closure of {alpha + beta : |beta| <= extra}); what gPINN and double PINN need.
  DerivativeSetPtr raised(int extra) const;
  /// The union of two sets over the same coordinates.
  static DerivativeSetPtr union_of(const DerivativeSet& a, const DerivativeSet& b);
  /// The intersection (downward closed again).
  static DerivativeSetPtr intersection_of(const DerivativeSet& a, const DerivativeSet& b);
  /// The same derivatives seen as a set over `dimension` coordinates in which this
  /// set's coordinate j becomes coordinate offset + j.
  DerivativeSetPtr embedded(int dimension, int offset) const;

  /// "{u, x, t, xx}" given coordinate names.
  std::string to_string(const std::vector<std::string>& coordinate_names) const;

  DerivativeSet(int dimension, std::vector<MultiIndex> sorted_indices);

private:
  int dimension_;
  int max_order_;
  std::vector<MultiIndex> indices_;
};

} // namespace pinnbench::jet
