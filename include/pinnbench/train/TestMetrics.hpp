#pragma once
// PINNacle's test metrics (spec pinnacle.md §4, TesterCallback), over all test
// points with all outputs pooled, e = prediction - reference:
//   rMAE  = L1RE = sum|e| / sum|y|        rMSE = L2RE = sqrt(sum e^2 / sum y^2)
//   MSE   = mean e^2    MAE = mean|e|     MXE = max|e|      CRMSE = |mean e|
// and L2RE of each output alone. Each rank accumulates its points' sums;
// reduce() adds them over ranks (and takes the max), so the metrics do not
// depend on how points are split beyond the summation order.
#include <cmath>
#include <cstddef>
#include <pinnbench/parallel/MpiContext.hpp>
#include <string>
#include <utility>
#include <vector>

namespace pinnbench::train {

struct TestMetrics
{
  double rmae = std::nan(""); ///< L1RE
  double rmse = std::nan(""); ///< L2RE
  double mse = std::nan("");
  double mae = std::nan("");
  double mxe = std::nan("");
  double crmse = std::nan("");
  std::vector<double> l2re_per_output;
};

class ErrorSums
{
public:
  explicit ErrorSums(int outputs);

  /// Adds row-major [points][outputs] predictions and references (`entries`
  /// = points * outputs values each).
  void add(const double* prediction, const double* reference, std::size_t entries);

  /// Collective: sums (and max) over the ranks of `mpi`, in place.
  void reduce(const parallel::MpiContext& mpi);

  TestMetrics metrics() const;

private:
  int outputs_;
  /// [sum|e|, sum|y|, sum e^2, sum y^2, sum e, entries, then per output k:
  ///  sum e_k^2, sum y_k^2]
  std::vector<double> sums_;
  double max_abs_error_ = 0.0;
};

/// The metrics besides rMAE/rMSE under their result-file names (docs/results.md):
/// MSE, MAE, MXE, CRMSE, then L2RE_<k> for output k = 0 .. outputs-1 (NaN where
/// not measured).
std::vector<std::pair<std::string, double>> named_metrics(const TestMetrics& metrics, int outputs);

} // namespace pinnbench::train
