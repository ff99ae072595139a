#pragma once
// Models that see every point as a pseudo-sequence (PINNsFormer; ropinn.md §4.5,
// failure_modes.md §2.6): `length` tokens, token k at coordinate
// `coordinate` + k * step. Such a model's forward() takes and returns token rows
// (`length` consecutive rows per point, in token order).
#include <pinnbench/pde/PointCloud.hpp>

namespace pinnbench::nn {

struct PseudoSequence
{
  int length = 1;
  int coordinate = 0;
  double step = 0.0;
};

/// The token rows of `points` (make_time_sequence): row n * length + k is point n
/// with `coordinate` moved by k * step, computed in double like the reference.
inline pde::PointCloud sequence_points(const pde::PointCloud& points,
                                       const PseudoSequence& sequence)
{
  if (sequence.length == 1)
    return points;
  pde::PointCloud tokens;
  tokens.dimension = points.dimension;
  tokens.coordinates.reserve(points.coordinates.size() * static_cast<std::size_t>(sequence.length));
  for (std::int64_t n = 0; n < points.size(); ++n)
    for (int k = 0; k < sequence.length; ++k)
      for (int j = 0; j < points.dimension; ++j)
        tokens.coordinates.push_back(points(n, j) +
                                     (j == sequence.coordinate ? sequence.step * k : 0.0));
  return tokens;
}

} // namespace pinnbench::nn
