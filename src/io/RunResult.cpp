#include <functional>
#include <numeric>
#include <pinnbench/io/RunResult.hpp>

namespace pinnbench::io {

std::size_t Tensor::element_count() const noexcept
{
  if (shape.empty()) {
    return 0;
  }
  return std::accumulate(shape.begin(), shape.end(), std::size_t{1}, std::multiplies<>());
}

std::size_t HistorySeries::size() const
{
  return std::visit([](const auto& series) { return series.size(); }, values);
}

} // namespace pinnbench::io
