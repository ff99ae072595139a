#pragma once
// The L-BFGS memory: the last `capacity` curvature pairs (y = g_k+1 - g_k,
// s = x_k+1 - x_k) and rho = 1 / (y . s), oldest first. Device storage is
// allocated one pair at a time as the history fills (100 pairs of a 527k-entry
// network never exist up front); once full, a new pair takes over the oldest
// pair's storage, so nothing is allocated per step.
#include <cstddef>
#include <pinnbench/core/Types.hpp>
#include <vector>

namespace pinnbench::optim {

template <class Real>
class CurvatureHistory
{
public:
  CurvatureHistory(std::size_t dimension, int capacity);

  int size() const { return count_; }
  int capacity() const { return capacity_; }
  std::size_t dimension() const { return dimension_; }

  /// Pair `i` of size(), 0 being the oldest (PyTorch's old_dirs[i], old_stps[i], ro[i]).
  const Vector<Real>& y(int i) const { return y_[physical(i)]; }
  const Vector<Real>& s(int i) const { return s_[physical(i)]; }
  Real rho(int i) const { return rho_[physical(i)]; }

  /// Scratch storage for a candidate pair. The caller fills it, then either
  /// accepts it or leaves it to be overwritten by the next candidate.
  const Vector<Real>& candidate_y();
  const Vector<Real>& candidate_s();
  /// Appends the candidate pair with rho = 1 / (y . s), dropping the oldest pair
  /// when the history is full.
  void accept_candidate(Real rho);

  /// Forgets every pair (their storage is kept for reuse).
  void clear();

private:
  std::size_t physical(int i) const { return static_cast<std::size_t>((head_ + i) % capacity_); }

  std::size_t dimension_;
  int capacity_;
  int head_ = 0; // physical index of the oldest pair
  int count_ = 0;
  std::vector<Vector<Real>> y_, s_; // grows to `capacity` entries, never shrinks
  std::vector<Real> rho_;
  Vector<Real> candidate_y_, candidate_s_;
};

extern template class CurvatureHistory<float>;
extern template class CurvatureHistory<double>;

} // namespace pinnbench::optim
