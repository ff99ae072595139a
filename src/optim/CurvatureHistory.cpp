#include "VectorKernels.hpp"

#include <pinnbench/core/Error.hpp>
#include <pinnbench/optim/CurvatureHistory.hpp>
#include <utility>

namespace pinnbench::optim {

template <class Real>
CurvatureHistory<Real>::CurvatureHistory(std::size_t dimension, int capacity)
    : dimension_(dimension), capacity_(capacity)
{
  if (capacity < 1)
    throw LogicError("L-BFGS history size must be at least 1, got " + std::to_string(capacity));
  // Handles only: the device storage behind them is allocated as pairs arrive.
  y_.reserve(static_cast<std::size_t>(capacity));
  s_.reserve(static_cast<std::size_t>(capacity));
  rho_.assign(static_cast<std::size_t>(capacity), Real(0));
}

template <class Real>
const Vector<Real>& CurvatureHistory<Real>::candidate_y()
{
  if (candidate_y_.extent(0) != dimension_)
    candidate_y_ = kernels::allocate<Real>("pinnbench::optim::lbfgs_history_y", dimension_);
  return candidate_y_;
}

template <class Real>
const Vector<Real>& CurvatureHistory<Real>::candidate_s()
{
  if (candidate_s_.extent(0) != dimension_)
    candidate_s_ = kernels::allocate<Real>("pinnbench::optim::lbfgs_history_s", dimension_);
  return candidate_s_;
}

template <class Real>
void CurvatureHistory<Real>::accept_candidate(Real rho)
{
  if (candidate_y_.extent(0) != dimension_ || candidate_s_.extent(0) != dimension_)
    throw LogicError("CurvatureHistory::accept_candidate without a candidate pair");
  // Full: the slot after the newest is the oldest's, which is dropped.
  const std::size_t slot = physical(count_);
  if (slot < y_.size()) {
    // Reuse: the dropped (or cleared) pair's storage becomes the next scratch.
    std::swap(y_[slot], candidate_y_);
    std::swap(s_[slot], candidate_s_);
  } else {
    // Still filling: the candidate's storage joins the history and the next
    // candidate allocates afresh.
    y_.push_back(candidate_y_);
    s_.push_back(candidate_s_);
    candidate_y_ = Vector<Real>();
    candidate_s_ = Vector<Real>();
  }
  rho_[slot] = rho;
  if (count_ == capacity_)
    head_ = (head_ + 1) % capacity_;
  else
    ++count_;
}

template <class Real>
void CurvatureHistory<Real>::clear()
{
  head_ = 0;
  count_ = 0;
}

template class CurvatureHistory<float>;
template class CurvatureHistory<double>;

} // namespace pinnbench::optim
