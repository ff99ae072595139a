#pragma once
// Everything one run's result file holds (docs/results.md), as plain values:
// the training driver fills it on the host, the writer stores it, the reader
// gives it back. No HDF5 here.
#include <cstddef>
#include <cstdint>
#include <pinnbench/io/AttributeList.hpp>
#include <pinnbench/io/RunMetadata.hpp>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace pinnbench::io {

/// A row-major array of 1 or 2 dimensions. Values are held as double either
/// way; `single_precision` stores them as float (fp32 runs), which is exact
/// for values that came from float.
struct Tensor
{
  std::vector<std::size_t> shape; ///< empty: no tensor (only allowed in TestSet)
  std::vector<double> values;
  bool single_precision = false;

  bool present() const noexcept { return !shape.empty(); }
  /// Product of `shape` (0 when absent).
  std::size_t element_count() const noexcept;
};

/// A Tensor filled from a contiguous host buffer of float or double.
template <class Real>
Tensor make_tensor(std::vector<std::size_t> shape, const Real* data)
{
  static_assert(std::is_same_v<Real, float> || std::is_same_v<Real, double>,
                "tensors are stored as float or double");
  Tensor tensor;
  tensor.shape = std::move(shape);
  tensor.values.assign(data, data + tensor.element_count());
  tensor.single_precision = std::is_same_v<Real, float>;
  return tensor;
}

struct NamedTensor
{
  std::string name;
  Tensor tensor;
};

/// One /run/history dataset: int64 (iteration, closure_evals) or double.
struct HistorySeries
{
  std::string name;
  std::variant<std::vector<std::int64_t>, std::vector<double>> values;

  std::size_t size() const;
};

/// /run/test: 2-D datasets [N, *] and the group's attributes (`coordinates`,
/// `grid_shape`). A tensor that is not present is not written.
struct TestSet
{
  Tensor x;
  Tensor u_pred;
  Tensor u_ref;
  Tensor residual;
  AttributeList attributes;
};

struct RunResult
{
  // Root attributes.
  RunMetadata metadata;
  std::string finished_utc; ///< written last: its presence marks a complete file
  std::string config_yaml;
  std::string suite;
  std::string run_id;

  AttributeList run;                   ///< /run attributes; `status` is required
  std::vector<HistorySeries> history;  ///< /run/history, all of one length
  std::vector<NamedTensor> parameters; ///< /run/parameters in named_parameters() order
  TestSet test;                        ///< /run/test
};

} // namespace pinnbench::io
