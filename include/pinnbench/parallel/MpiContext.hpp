#pragma once
// The communicator a run uses and the few collectives it needs. Data
// parallelism is plain: every point set is split into contiguous blocks, each
// closure ends with ONE allreduce of [loss terms, gradient].
#include <cstdint>
#include <mpi.h>
#include <stdexcept>
#include <string>
#include <vector>

namespace pinnbench::parallel {

/// Thrown on every rank when some rank failed: what the lowest failing rank
/// reported, prefixed with "rank R: " when there are several ranks.
class CollectiveFailure : public std::runtime_error
{
public:
  using std::runtime_error::runtime_error;
};

class MpiContext
{
public:
  explicit MpiContext(MPI_Comm comm = MPI_COMM_WORLD);

  MPI_Comm comm() const { return comm_; }
  int rank() const { return rank_; }
  int size() const { return size_; }
  bool is_root() const { return rank_ == 0; }

  /// In-place sum over ranks of a host buffer of float or double.
  template <class Real>
  void allreduce_sum(Real* data, std::size_t count) const;
  /// Logical OR over ranks.
  bool any(bool flag) const;
  /// Rank 0 receives every rank's values concatenated in rank order; others get {}.
  std::vector<double> gather_to_root(const std::vector<double>& local) const;
  /// Rank 0's string on every rank.
  std::string broadcast(const std::string& text) const;

  /// Collective check after work that may fail on some ranks only: `local_error`
  /// is this rank's failure message (empty: none). Returns "" on every rank when
  /// no rank failed, else the lowest failing rank's message on every rank. One
  /// allreduce when all is well, one broadcast more when not; so ranks never
  /// wait for a rank that left (no hang) and never need MPI_Abort.
  std::string first_error(const std::string& local_error) const;
  /// first_error, then throws CollectiveFailure on every rank when any failed.
  void agree(const std::string& local_error) const;

private:
  MPI_Comm comm_;
  int rank_ = 0;
  int size_ = 1;
};

/// Loss sums (accumulated in double) ride in the same allreduce as the
/// gradient. In float runs a value is split into hi + lo floats: exact on one
/// rank, and across ranks as accurate as the float sum of the hi parts, i.e.
/// the loss of an FP32 run is FP32-accurate, like the reference codes'.
template <class Real>
struct ReductionSlots
{
  static constexpr int per_value = sizeof(Real) == sizeof(double) ? 1 : 2;
  static void pack(double value, Real* slots);
  static double unpack(const Real* slots);
};

} // namespace pinnbench::parallel
