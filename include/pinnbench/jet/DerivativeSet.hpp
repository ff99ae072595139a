#pragma once
// A DerivativeSet is a downward-closed set S of multi-indices (alpha in S and
// beta <= alpha imply beta in S). A jet stores one component per element of S;
// component 0 is always the value. Downward closure is what makes Faa di Bruno
// and Leibniz products computable inside the set.
//
// A set may also carry collapsed Laplacian components (ARCHITECTURE §2.6, the
// "forward Laplacian"): one component holding sum_{d in A} d^2/dz_d^2 over a group
// A of coordinates instead of one component per d^2/dz_d^2. They come after the
// multi-index components; the set then also holds every d/dz_d, d in A, which is
// what their propagation rules read.
//
// Sets are interned: equal sets are the same object, so programs compiled for a
// set can be cached by pointer and set equality is pointer equality.
#include <cstdint>
#include <memory>
#include <pinnbench/jet/MultiIndex.hpp>
#include <string>
#include <utility>
#include <vector>

namespace pinnbench::jet {

/// A group of coordinates as a bit mask (bit d = coordinate d).
using AxisMask = std::uint8_t;
/// The mask of `axes`; throws when an axis is outside [0, dimension) or repeats,
/// or when there are none.
AxisMask axis_mask(const std::vector<int>& axes, int dimension);
/// The coordinates of a mask, in increasing order.
std::vector<int> mask_axes(AxisMask mask);

class DerivativeSet;
using DerivativeSetPtr = std::shared_ptr<const DerivativeSet>;

class DerivativeSet
{
public:
  /// The smallest downward-closed set over `dimension` coordinates containing
  /// every requested multi-index (and the value).
  static DerivativeSetPtr closure_of(int dimension, const std::vector<MultiIndex>& requested);
  /// The same, plus one collapsed Laplacian component per distinct mask in
  /// `laplacians` (and the first derivatives those read).
  static DerivativeSetPtr closure_of(int dimension, const std::vector<MultiIndex>& requested,
                                     const std::vector<AxisMask>& laplacians);
  /// The set a residual that reads `requested` derivatives and the Laplacians
  /// over `laplacians` needs, its orders raised by `raise` (gPINN, double PINN).
  /// Collapsed when `allow_collapse`, `raise` is 0 and that takes fewer
  /// components; otherwise every d^2/dz_d^2 of a Laplacian is its own component.
  static DerivativeSetPtr for_residual(int dimension, const std::vector<MultiIndex>& requested,
                                       const std::vector<AxisMask>& laplacians, int raise,
                                       bool allow_collapse);
  static DerivativeSetPtr value_only(int dimension);
  /// Every multi-index of order <= max_order.
  static DerivativeSetPtr full(int dimension, int max_order);

  int dimension() const { return dimension_; }
  /// Components: the multi-indices, then the collapsed Laplacians.
  int size() const { return static_cast<int>(indices_.size() + laplacians_.size()); }
  /// Highest derivative order (2 for a collapsed Laplacian).
  int max_order() const { return max_order_; }
  /// The multi-index of a component below ordinary_size() (a collapsed
  /// Laplacian has none: asking for one throws).
  const MultiIndex& operator[](int component) const
  {
    if (component < 0 || component >= ordinary_size())
      no_multi_index(component);
    return indices_[static_cast<std::size_t>(component)];
  }
  const std::vector<MultiIndex>& indices() const { return indices_; }

  /// Components 0 .. ordinary_size() - 1 are multi-indices.
  int ordinary_size() const { return static_cast<int>(indices_.size()); }
  bool collapsed() const { return !laplacians_.empty(); }
  /// The axes of the collapsed Laplacian components, in component order.
  const std::vector<AxisMask>& laplacians() const { return laplacians_; }
  /// Component of the collapsed Laplacian over `axes`, or -1.
  int find_laplacian(AxisMask axes) const;

  /// Component of alpha, or -1 when alpha is not in the set.
  int find(const MultiIndex& alpha) const;
  bool contains(const MultiIndex& alpha) const { return find(alpha) >= 0; }
  bool is_subset_of(const DerivativeSet& other) const;

  /// The set {alpha : alpha + e_j in S}, the derivatives d_j of a jet on S
  /// still knows, and for each of its components the component of alpha + e_j in S.
  /// Collapsed Laplacians are dropped (their d_j is not carried).
  std::pair<DerivativeSetPtr, std::vector<int>> shifted(int coordinate) const;

  /// S with every index raised by up to `extra` orders in every coordinate
  /// (closure of {alpha + beta : |beta| <= extra}); what gPINN and double PINN need.
  /// Refused for collapsed sets (d_j of a collapsed Laplacian is not carried).
  DerivativeSetPtr raised(int extra) const;
  /// The union of two sets over the same coordinates.
  static DerivativeSetPtr union_of(const DerivativeSet& a, const DerivativeSet& b);
  /// The intersection (downward closed again).
  static DerivativeSetPtr intersection_of(const DerivativeSet& a, const DerivativeSet& b);
  /// The same derivatives seen as a set over `dimension` coordinates in which this
  /// set's coordinate j becomes coordinate offset + j.
  DerivativeSetPtr embedded(int dimension, int offset) const;

  /// "{u, x, t, xx}" given coordinate names; a collapsed Laplacian reads "lap(x,y)".
  std::string to_string(const std::vector<std::string>& coordinate_names) const;

  DerivativeSet(int dimension, std::vector<MultiIndex> sorted_indices,
                std::vector<AxisMask> sorted_laplacians = {});

private:
  [[noreturn]] void no_multi_index(int component) const;

  int dimension_;
  int max_order_;
  std::vector<MultiIndex> indices_;
  std::vector<AxisMask> laplacians_;
};

} // namespace pinnbench::jet
