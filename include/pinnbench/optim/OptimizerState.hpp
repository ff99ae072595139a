#pragma once
// A host-side snapshot of an optimiser's internal state, in a form a checkpoint
// writer can store without knowing which optimiser produced it: named arrays
// and named scalars, all as double (float state round-trips exactly).
#include <string>
#include <utility>
#include <vector>

namespace pinnbench::optim {

struct OptimizerState
{
  /// Which optimiser wrote the state ("lbfgs", "adam"); load_state checks it.
  std::string kind;
  /// Vectors such as "lbfgs.d" or "lbfgs.old_dirs.3", in the order written.
  std::vector<std::pair<std::string, std::vector<double>>> arrays;
  /// Counters and step sizes such as "lbfgs.n_iter" or "adam.step".
  std::vector<std::pair<std::string, double>> scalars;

  void add_array(std::string name, std::vector<double> values);
  void add_scalar(std::string name, double value);

  bool has_array(const std::string& name) const;
  bool has_scalar(const std::string& name) const;
  /// The named entry; throws LogicError naming the state's kind if it is missing.
  const std::vector<double>& array(const std::string& name) const;
  double scalar(const std::string& name) const;

  /// Throws LogicError unless this state was written by optimiser `expected`.
  void require_kind(const std::string& expected) const;
  /// The named array, which must hold exactly `size` values (LogicError otherwise).
  const std::vector<double>& array_of_size(const std::string& name, std::size_t size) const;
  /// The named scalar, which must be a non-negative integer (LogicError otherwise).
  long long count(const std::string& name) const;
};

} // namespace pinnbench::optim
