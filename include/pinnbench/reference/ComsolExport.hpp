#pragma once
// PINNacle reference solutions exported by COMSOL (spec pinnacle.md §5), read
// as PINNacle's load_ref_data does:
//  - steady: each row is the spatial coordinates then the outputs ('@' in the
//    column names marks a parameter such as "Re=100", not a time);
//  - time series (BaseTimePDE, t_transpose): each row is the node's coordinates
//    then, per time, its outputs (u@t0, v@t0, u@t1, ...). The times are the
//    "t=" values of the '%' line with (times x outputs) '@' marks. The result
//    is node-major, time-minor, with inputs (x..., t).
// Rows with a NaN anywhere are dropped after transposition (PINNacle's test set).
// A "% Nodes:" header, when present, must match the number of data rows.
#include <cstdint>
#include <pinnbench/pde/PointCloud.hpp>
#include <pinnbench/reference/TextTable.hpp>
#include <string>
#include <vector>

namespace pinnbench::reference {

struct ComsolLayout
{
  int spatial_dimension = 2; ///< coordinate columns in the file
  int outputs = 1;           ///< output components per node (and time)
  bool time_series = false;  ///< transpose the per-time columns into rows
};

/// The two kinds of PINNacle export, so that a task states its file's shape in one call.
inline ComsolLayout steady_export(int spatial_dimension, int outputs = 1)
{
  return {spatial_dimension, outputs, false};
}
inline ComsolLayout time_series_export(int spatial_dimension, int outputs = 1)
{
  return {spatial_dimension, outputs, true};
}

struct ReferenceData
{
  int input_dimension = 0; ///< spatial_dimension (+ 1 for time)
  int output_dimension = 0;
  std::vector<double> inputs;    ///< [rows][input_dimension]
  std::vector<double> outputs;   ///< [rows][output_dimension]
  std::vector<double> times;     ///< the file's times (time series only)
  std::int64_t nodes = 0;        ///< data rows in the file
  std::int64_t dropped_rows = 0; ///< rows dropped for NaN

  std::int64_t rows() const
  {
    return output_dimension == 0 ? 0 : static_cast<std::int64_t>(outputs.size()) / output_dimension;
  }
  double input(std::int64_t row, int column) const
  {
    return inputs[static_cast<std::size_t>(row * input_dimension + column)];
  }
  double output(std::int64_t row, int component) const
  {
    return outputs[static_cast<std::size_t>(row * output_dimension + component)];
  }
  /// The inputs as a point cloud (the test points).
  pde::PointCloud points() const;
};

ReferenceData read_comsol_export(const std::string& path, const ComsolLayout& layout);

/// The same from a parsed table (for tests and in-memory text).
ReferenceData comsol_reference(const TextTable& table, const ComsolLayout& layout);

} // namespace pinnbench::reference
