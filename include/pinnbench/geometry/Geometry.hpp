#pragma once
// Computational domains with DeepXDE 1.8.1 semantics (spec pinnacle.md §2):
//  - inside() is the closed set; on_boundary() compares with numpy.isclose
//    tolerances (|a - b| <= 1e-8 + 1e-5 |b|), as DeepXDE does;
//  - boundary_normal() is the outward unit normal of the computational domain,
//    zero off the boundary; on box edges/corners it is the normalised sum of
//    the face normals; a hole contributes minus its own normal;
//  - domain_points() follows DeepXDE's random_points() of each shape.
// Points are plain row-major arrays [n][dimension] of doubles.
#include <cstdint>
#include <memory>
#include <pinnbench/geometry/Surface.hpp>
#include <pinnbench/geometry/UnitSampler.hpp>
#include <vector>

namespace pinnbench::geometry {

/// numpy.isclose(a, b) with its default tolerances (not symmetric: relative to b).
inline bool isclose(double a, double b)
{
  const double difference = a > b ? a - b : b - a;
  return difference <= 1e-8 + 1e-5 * (b < 0 ? -b : b);
}

struct BoundingBox
{
  std::vector<double> lower;
  std::vector<double> upper;
};

class Geometry
{
public:
  virtual ~Geometry() = default;

  virtual int dimension() const = 0;
  virtual BoundingBox bounding_box() const = 0;
  virtual bool inside(const double* x) const = 0;
  virtual bool on_boundary(const double* x) const = 0;
  /// Writes dimension() values to `normal`: DeepXDE's boundary_normal(x).
  virtual void boundary_normal(const double* x, double* normal) const = 0;

  /// n points in the domain, as DeepXDE's random_points(n, distribution).
  virtual std::vector<double> domain_points(std::int64_t n, UnitSampler& sampler) const = 0;

  /// DeepXDE's uniform_points(n, boundary): a grid of about n points for boxes
  /// and space x time (PINNacle's test sets of analytic tasks, spec §4); shapes
  /// without one fall back, as DeepXDE does, to n random points, drawn here
  /// from `fallback`.
  virtual std::vector<double> uniform_points(std::int64_t n, bool boundary,
                                             UnitSampler& fallback) const
  {
    (void)boundary;
    return domain_points(n, fallback);
  }

  /// The primitive surfaces whose union contains the boundary (for a CSG shape,
  /// the surfaces of its operands, of which only the parts that lie on the
  /// boundary count).
  virtual void append_surfaces(std::vector<std::shared_ptr<const Surface>>& surfaces) const = 0;
  std::vector<std::shared_ptr<const Surface>> surfaces() const;
};

using GeometryPtr = std::shared_ptr<const Geometry>;

} // namespace pinnbench::geometry
