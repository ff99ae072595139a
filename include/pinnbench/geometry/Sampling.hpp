#pragma once
// Training point sets of a geometry, as pde::PointCloud (every rank builds the
// same global set; see pde/PointCloud.hpp).
//
// Boundary points are allotted to the primitive surfaces in proportion to the
// measure each contributes to the boundary (largest-remainder rounding), and
// drawn on each surface with the sampler, keeping the points that the CSG
// clipping keeps (a box face inside a hole, or the part of a hole outside the
// box, is dropped; Surface::keeps). A surface's share of the boundary is its
// measure times the fraction of a fixed 4096-point Hammersley set on it that
// lies on the boundary (1 for surfaces that are not cut).
// DeepXDE differs here: its CSG shapes draw n points on each operand and keep a
// random subset of the survivors, and its N-d boxes pick the face's axis
// uniformly; both give the same points where faces are equal and nothing is cut.
#include <cstdint>
#include <pinnbench/geometry/Geometry.hpp>
#include <pinnbench/geometry/SpaceTime.hpp>
#include <pinnbench/pde/PointCloud.hpp>
#include <vector>

namespace pinnbench::geometry {

struct BoundarySample
{
  pde::PointCloud points;
  /// Per point, the index of its surface in geometry.surfaces().
  std::vector<int> surface;
  /// Per surface, the number of points on it.
  std::vector<std::int64_t> count_per_surface;
};

/// n points in the domain (Geometry::domain_points).
pde::PointCloud sample_domain(const Geometry& geometry, std::int64_t n, UnitSampler& sampler);

/// n points on the boundary.
BoundarySample sample_boundary(const Geometry& geometry, std::int64_t n, UnitSampler& sampler);

/// Geometry::uniform_points as a cloud (PINNacle's analytic test sets use
/// boundary = false, n = 2500 for 2 inputs and 20000 otherwise).
pde::PointCloud uniform_grid(const Geometry& geometry, std::int64_t n, bool boundary,
                             UnitSampler& fallback);

/// n points on the initial slice t = t0.
pde::PointCloud sample_initial(const SpaceTime& domain, std::int64_t n, UnitSampler& sampler);

/// Outward unit normals [size][dimension] at the points (DeepXDE boundary_normal).
std::vector<double> boundary_normals(const Geometry& geometry, const pde::PointCloud& points);

/// Fraction of a surface's measure that it keeps (Surface::keeps), estimated
/// on a fixed Hammersley set of `probes` points.
double boundary_fraction(const Surface& surface, int probes = 4096);

} // namespace pinnbench::geometry
