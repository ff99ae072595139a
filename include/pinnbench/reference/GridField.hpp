#pragma once
// A scalar field on a rectilinear 2-D grid, given as rows (x, y, value) in any
// order (PINNacle's coefficient and initial-condition tables: np.savetxt of a
// meshgrid, e.g. 256 x 256 on [0, 1]^2). Every (x, y) of the grid must appear
// exactly once.
//  - nearest(): the nearest grid node (scipy griddata method="nearest"; Heat
//    2d-VC's k). Ties go to the lower node.
//  - linear(): bilinear in the grid cell. PINNacle uses scipy's
//    LinearNDInterpolator (linear on a Delaunay triangulation, whose diagonals
//    on a regular grid qhull picks arbitrarily); spec §8 names bilinear as the
//    near-equivalent substitute (Wave 2d-CG's c, Burgers 2d's initial state).
//    Outside the grid it returns NaN, as scipy's fill_value.
#include <pinnbench/reference/TextTable.hpp>
#include <string>
#include <vector>

namespace pinnbench::reference {

class GridField
{
public:
  /// ConfigError (naming table.path) unless the table has 3 columns forming a full grid.
  explicit GridField(const TextTable& table);

  const std::vector<double>& x_nodes() const { return x_; }
  const std::vector<double>& y_nodes() const { return y_; }
  double at(std::size_t ix, std::size_t iy) const { return value_[ix * y_.size() + iy]; }

  double nearest(double x, double y) const;
  double linear(double x, double y) const;

private:
  std::vector<double> x_;
  std::vector<double> y_;
  std::vector<double> value_; ///< [ix][iy]
};

} // namespace pinnbench::reference
