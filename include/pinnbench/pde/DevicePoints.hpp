#pragma once
// A point cloud copied into device memory as a [points][coordinates] matrix,
// in the run's precision.
#include <pinnbench/core/Types.hpp>
#include <pinnbench/pde/PointCloud.hpp>
#include <string>

namespace pinnbench::pde {

template <class Real>
Matrix<Real> to_device(const PointCloud& cloud, const std::string& label)
{
  Matrix<Real> points(label, static_cast<std::size_t>(cloud.size()),
                      static_cast<std::size_t>(cloud.dimension));
  auto host = Kokkos::create_mirror_view(points);
  for (std::int64_t n = 0; n < cloud.size(); ++n)
    for (int j = 0; j < cloud.dimension; ++j)
      host(n, j) = static_cast<Real>(cloud(n, j));
  Kokkos::deep_copy(points, host);
  return points;
}

} // namespace pinnbench::pde
