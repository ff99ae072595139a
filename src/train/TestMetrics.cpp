#include <algorithm>
#include <limits>
#include <mpi.h>
#include <pinnbench/core/Error.hpp>
#include <pinnbench/train/TestMetrics.hpp>

namespace pinnbench::train {

namespace {
enum Slot : std::size_t
{
  abs_error,
  abs_reference,
  squared_error,
  squared_reference,
  signed_error,
  entries,
  per_output
};
} // namespace

ErrorSums::ErrorSums(int outputs)
    : outputs_(outputs), sums_(per_output + 2 * static_cast<std::size_t>(outputs), 0.0)
{
  if (outputs < 1)
    throw LogicError("ErrorSums: at least one output expected");
}

void ErrorSums::add(const double* prediction, const double* reference, std::size_t count)
{
  const auto outputs = static_cast<std::size_t>(outputs_);
  if (count % outputs != 0)
    throw LogicError("ErrorSums::add: entries are not a whole number of points");
  for (std::size_t i = 0; i < count; ++i) {
    const double y = reference[i];
    const double e = prediction[i] - y;
    sums_[abs_error] += std::fabs(e);
    sums_[abs_reference] += std::fabs(y);
    sums_[squared_error] += e * e;
    sums_[squared_reference] += y * y;
    sums_[signed_error] += e;
    sums_[per_output + 2 * (i % outputs)] += e * e;
    sums_[per_output + 2 * (i % outputs) + 1] += y * y;
    // NaN predictions must show in MXE, as numpy's max would.
    max_abs_error_ = std::isnan(e) || std::isnan(max_abs_error_)
                         ? std::numeric_limits<double>::quiet_NaN()
                         : std::max(max_abs_error_, std::fabs(e));
  }
  sums_[entries] += static_cast<double>(count);
}

void ErrorSums::reduce(const parallel::MpiContext& mpi)
{
  mpi.allreduce_sum(sums_.data(), sums_.size());
  // max over ranks, NaN winning: reduce (is NaN, value) pairs.
  double local[2] = {std::isnan(max_abs_error_) ? 1.0 : 0.0,
                     std::isnan(max_abs_error_) ? 0.0 : max_abs_error_};
  double global[2] = {0.0, 0.0};
  MPI_Allreduce(local, global, 2, MPI_DOUBLE, MPI_MAX, mpi.comm());
  max_abs_error_ = global[0] > 0.0 ? std::numeric_limits<double>::quiet_NaN() : global[1];
}

TestMetrics ErrorSums::metrics() const
{
  TestMetrics m;
  const double n = sums_[entries];
  m.rmae = sums_[abs_error] / sums_[abs_reference];
  m.rmse = std::sqrt(sums_[squared_error] / sums_[squared_reference]);
  m.mse = sums_[squared_error] / n;
  m.mae = sums_[abs_error] / n;
  m.mxe = n > 0 ? max_abs_error_ : std::nan("");
  m.crmse = std::fabs(sums_[signed_error] / n);
  for (int k = 0; k < outputs_; ++k) {
    const std::size_t slot = per_output + 2 * static_cast<std::size_t>(k);
    m.l2re_per_output.push_back(std::sqrt(sums_[slot] / sums_[slot + 1]));
  }
  return m;
}

std::vector<std::pair<std::string, double>> named_metrics(const TestMetrics& metrics, int outputs)
{
  std::vector<std::pair<std::string, double>> named = {
      {"MSE", metrics.mse}, {"MAE", metrics.mae}, {"MXE", metrics.mxe}, {"CRMSE", metrics.crmse}};
  for (int k = 0; k < outputs; ++k) {
    const auto index = static_cast<std::size_t>(k);
    named.emplace_back("L2RE_" + std::to_string(k), index < metrics.l2re_per_output.size()
                                                        ? metrics.l2re_per_output[index]
                                                        : std::nan(""));
  }
  return named;
}

} // namespace pinnbench::train
