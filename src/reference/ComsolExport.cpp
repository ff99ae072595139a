#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <pinnbench/core/Error.hpp>
#include <pinnbench/reference/ComsolExport.hpp>

namespace pinnbench::reference {

namespace {

std::string at_line(const TextTable& table, std::size_t comment)
{
  return table.path + ":" + std::to_string(table.comment_line_numbers[comment]) + ": ";
}

/// The "% Nodes: N" header, checked against the data rows.
void check_node_count(const TextTable& table)
{
  for (std::size_t c = 0; c < table.comment_lines.size(); ++c) {
    const std::string& line = table.comment_lines[c];
    const std::size_t key = line.find("Nodes:");
    if (key == std::string::npos || line.find_first_not_of("% \t") != key)
      continue;
    char* end = nullptr;
    const long long nodes = std::strtoll(line.c_str() + key + 6, &end, 10);
    if (end == line.c_str() + key + 6)
      throw ConfigError(at_line(table, c) + "expected a node count after 'Nodes:'");
    if (nodes != table.rows)
      throw ConfigError(at_line(table, c) + "the header announces " + std::to_string(nodes) +
                        " nodes but the file has " + std::to_string(table.rows) +
                        " data rows (truncated or corrupt file?)");
  }
}

/// The t= values of the column-name line with `labels` '@' marks.
std::vector<double> read_times(const TextTable& table, std::int64_t labels, int outputs)
{
  for (std::size_t c = 0; c < table.comment_lines.size(); ++c) {
    const std::string& line = table.comment_lines[c];
    if (std::count(line.begin(), line.end(), '@') != labels)
      continue;
    std::vector<double> times;
    for (std::size_t at = line.find('@'); at != std::string::npos; at = line.find('@', at + 1)) {
      const std::size_t next = line.find('@', at + 1);
      const std::size_t key = line.find("t=", at);
      const char* number = key == std::string::npos ? nullptr : line.c_str() + key + 2;
      char* end = nullptr;
      const double t = number == nullptr ? 0.0 : std::strtod(number, &end);
      if (number == nullptr || (next != std::string::npos && key > next) || end == number)
        throw ConfigError(at_line(table, c) + "column label " + std::to_string(times.size() + 1) +
                          ": expected 't=<time>' after '@'");
      times.push_back(t);
    }
    // Each time's outputs are consecutive and share its t.
    std::vector<double> distinct;
    for (std::size_t k = 0; k < times.size(); k += static_cast<std::size_t>(outputs)) {
      for (int j = 1; j < outputs; ++j)
        if (times[k + static_cast<std::size_t>(j)] != times[k])
          throw ConfigError(at_line(table, c) + "the " + std::to_string(outputs) +
                            " output columns of time t=" + std::to_string(times[k]) +
                            " are not consecutive");
      distinct.push_back(times[k]);
    }
    return distinct;
  }
  throw ConfigError(table.path + ": no '%' header line with " + std::to_string(labels) +
                    " '@ t=' column labels (one per time and output); cannot read the times");
}

} // namespace

pde::PointCloud ReferenceData::points() const
{
  pde::PointCloud cloud;
  cloud.dimension = input_dimension;
  cloud.coordinates = inputs;
  return cloud;
}

ReferenceData comsol_reference(const TextTable& table, const ComsolLayout& layout)
{
  if (layout.spatial_dimension < 1 || layout.outputs < 1)
    throw LogicError("ComsolLayout: need at least one coordinate and one output");
  check_node_count(table);
  const int s = layout.spatial_dimension;
  const int o = layout.outputs;
  ReferenceData data;
  data.nodes = table.rows;
  data.output_dimension = o;
  std::int64_t times = 1;
  if (!layout.time_series) {
    if (table.columns != s + o)
      throw ConfigError(table.path + ": expected " + std::to_string(s) + " coordinate + " +
                        std::to_string(o) + " output columns, found " +
                        std::to_string(table.columns));
    data.input_dimension = s;
  } else {
    if (table.columns <= s || (table.columns - s) % o != 0)
      throw ConfigError(table.path + ": expected " + std::to_string(s) +
                        " coordinate columns then " + std::to_string(o) +
                        " output columns per time, found " + std::to_string(table.columns) +
                        " columns");
    times = (table.columns - s) / o;
    data.times = read_times(table, times * o, o);
    data.input_dimension = s + 1;
  }
  const auto total = static_cast<std::size_t>(table.rows * times);
  data.inputs.reserve(total * static_cast<std::size_t>(data.input_dimension));
  data.outputs.reserve(total * static_cast<std::size_t>(o));
  std::vector<double> row_in(static_cast<std::size_t>(data.input_dimension));
  std::vector<double> row_out(static_cast<std::size_t>(o));
  for (std::int64_t node = 0; node < table.rows; ++node)
    for (std::int64_t k = 0; k < times; ++k) {
      for (int i = 0; i < s; ++i)
        row_in[static_cast<std::size_t>(i)] = table(node, i);
      if (layout.time_series)
        row_in[static_cast<std::size_t>(s)] = data.times[static_cast<std::size_t>(k)];
      for (int j = 0; j < o; ++j)
        row_out[static_cast<std::size_t>(j)] = table(node, s + static_cast<int>(k) * o + j);
      const auto is_nan = [](double v) { return std::isnan(v); };
      if (std::any_of(row_in.begin(), row_in.end(), is_nan) ||
          std::any_of(row_out.begin(), row_out.end(), is_nan)) {
        ++data.dropped_rows;
        continue;
      }
      data.inputs.insert(data.inputs.end(), row_in.begin(), row_in.end());
      data.outputs.insert(data.outputs.end(), row_out.begin(), row_out.end());
    }
  if (data.rows() == 0)
    throw ConfigError(table.path + ": every row holds a NaN; no reference values left");
  return data;
}

ReferenceData read_comsol_export(const std::string& path, const ComsolLayout& layout)
{
  return comsol_reference(read_text_table(path), layout);
}

} // namespace pinnbench::reference
