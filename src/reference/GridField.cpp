#include <algorithm>
#include <cmath>
#include <limits>
#include <pinnbench/core/Error.hpp>
#include <pinnbench/reference/GridField.hpp>

namespace pinnbench::reference {

namespace {

std::vector<double> distinct_sorted(std::vector<double> values)
{
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  return values;
}

/// Index i with nodes[i] <= v <= nodes[i + 1] (clamped to the last cell).
std::size_t cell(const std::vector<double>& nodes, double v)
{
  const auto upper = std::upper_bound(nodes.begin(), nodes.end(), v);
  std::size_t i = upper == nodes.begin() ? 0 : static_cast<std::size_t>(upper - nodes.begin()) - 1;
  return std::min(i, nodes.size() - 2);
}

std::size_t nearest_node(const std::vector<double>& nodes, double v)
{
  const std::size_t i = cell(nodes, v);
  return std::fabs(v - nodes[i + 1]) < std::fabs(v - nodes[i]) ? i + 1 : i;
}

} // namespace

GridField::GridField(const TextTable& table)
{
  if (table.columns != 3)
    throw ConfigError(table.path + ": expected 3 columns (x, y, value), found " +
                      std::to_string(table.columns));
  std::vector<double> xs, ys;
  for (std::int64_t r = 0; r < table.rows; ++r) {
    xs.push_back(table(r, 0));
    ys.push_back(table(r, 1));
  }
  x_ = distinct_sorted(xs);
  y_ = distinct_sorted(ys);
  if (x_.size() < 2 || y_.size() < 2 ||
      static_cast<std::int64_t>(x_.size() * y_.size()) != table.rows)
    throw ConfigError(table.path + ": the " + std::to_string(table.rows) +
                      " (x, y) rows do not form a full grid (" + std::to_string(x_.size()) +
                      " distinct x, " + std::to_string(y_.size()) + " distinct y)");
  value_.assign(x_.size() * y_.size(), std::numeric_limits<double>::quiet_NaN());
  std::vector<char> seen(value_.size(), 0);
  for (std::int64_t r = 0; r < table.rows; ++r) {
    const auto ix =
        static_cast<std::size_t>(std::lower_bound(x_.begin(), x_.end(), table(r, 0)) - x_.begin());
    const auto iy =
        static_cast<std::size_t>(std::lower_bound(y_.begin(), y_.end(), table(r, 1)) - y_.begin());
    const std::size_t k = ix * y_.size() + iy;
    if (seen[k])
      throw ConfigError(table.path + ": data row " + std::to_string(r + 1) +
                        " repeats the grid node (" + std::to_string(table(r, 0)) + ", " +
                        std::to_string(table(r, 1)) + ")");
    seen[k] = 1;
    value_[k] = table(r, 2);
  }
}

double GridField::nearest(double x, double y) const
{
  return at(nearest_node(x_, x), nearest_node(y_, y));
}

double GridField::linear(double x, double y) const
{
  if (!(x >= x_.front() && x <= x_.back() && y >= y_.front() && y <= y_.back()))
    return std::numeric_limits<double>::quiet_NaN();
  const std::size_t i = cell(x_, x), j = cell(y_, y);
  const double s = (x - x_[i]) / (x_[i + 1] - x_[i]);
  const double t = (y - y_[j]) / (y_[j + 1] - y_[j]);
  return (1 - s) * (1 - t) * at(i, j) + s * (1 - t) * at(i + 1, j) + (1 - s) * t * at(i, j + 1) +
         s * t * at(i + 1, j + 1);
}

} // namespace pinnbench::reference
