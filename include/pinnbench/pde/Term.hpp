#pragma once
// One loss term of a task: its points and which derivatives of the network
// output its residual reads. A term may evaluate the network on several paired
// point sets (a periodic boundary compares u(x_lo, t) with u(x_hi, t)).
#include <pinnbench/jet/MultiIndex.hpp>
#include <pinnbench/pde/PointCloud.hpp>
#include <string>
#include <vector>

namespace pinnbench::pde {

enum class TermKind
{
  pde,      ///< the PDE residual on domain points (gPINN/vPINN/RoPINN act here)
  initial,  ///< an initial condition on t = t0
  boundary, ///< a boundary condition
};

struct Term
{
  std::string name;
  TermKind kind = TermKind::pde;
  /// One point set per network evaluation; all of the same size, paired by index.
  std::vector<PointCloud> evaluations;
  /// Derivatives of u the residual reads, per evaluation.
  std::vector<std::vector<jet::MultiIndex>> derivatives;
  /// Per-point constants of the first evaluation's points, [size][columns]
  /// (at most 6 columns; the outward normals of Neumann and Robin conditions),
  /// read by TermContext::data(); empty when the term has none.
  PointCloud point_data;
  /// Coordinates held fixed on this term's points (x on a boundary, t on the
  /// initial line): double PINN's "free" variant does not differentiate them.
  std::vector<int> fixed_coordinates;
  /// The loss term it is reported as, when not its name (vPINN reports the PDE
  /// term's element integrals as "variational").
  std::string reported_name;

  const std::string& reported() const { return reported_name.empty() ? name : reported_name; }

  std::int64_t size() const { return evaluations.empty() ? 0 : evaluations.front().size(); }
};

} // namespace pinnbench::pde
