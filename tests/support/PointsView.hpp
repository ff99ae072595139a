#pragma once
// Host points [n][d] copied to the device layout the tape's coordinates read:
// how every jet and model test hands its points to a tape.
#include "support/FiniteDifference.hpp"

#include <pinnbench/core/Types.hpp>
#include <vector>

namespace pinnbench::test {

template <class Real>
using PointsView = Kokkos::View<Real**, Kokkos::LayoutRight, MemorySpace>;

template <class Real>
PointsView<Real> make_points(const std::vector<Point>& points)
{
  PointsView<Real> view("points", points.size(), points.front().size());
  auto host = Kokkos::create_mirror_view(view);
  for (std::size_t n = 0; n < points.size(); ++n)
    for (std::size_t j = 0; j < points[n].size(); ++j)
      host(n, j) = static_cast<Real>(points[n][j]);
  Kokkos::deep_copy(view, host);
  return view;
}

} // namespace pinnbench::test
