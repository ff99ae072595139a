#pragma once
// One loss term of a task: its points and which derivatives of the network
// output its residual reads. A term may evaluate the network on several paired
// point sets (a periodic boundary compares u(x_lo, t) with u(x_hi, t)).
#include <pinnbench/jet/DerivativeSet.hpp>
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

/// Directions v_k (one entry per input each) and the derivatives along them a
/// residual reads, as multi-indices over the directions (empty: d/dv_k of each).
struct DirectionalReads
{
  std::vector<std::vector<double>> directions;
  std::vector<jet::MultiIndex> derivatives;

  bool empty() const { return directions.empty(); }
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
  /// Laplacians of u the residual reads through TermContext::laplacian, per
  /// evaluation (missing = none): each lists the coordinates summed over, e.g.
  /// {0, 1} for u_xx + u_yy on (x, y, t). Declared here rather than as d_xx, d_yy
  /// in `derivatives`, each may be carried as ONE collapsed jet component (the
  /// loss picks that automatically when it is smaller and no objective needs
  /// derivatives of the residual). Use add_laplacian().
  std::vector<std::vector<std::vector<int>>> laplacians;
  /// Fixed directions in input space along which the residual of a
  /// single-evaluation term differentiates (TermContext::along), e.g. (beta, 1)
  /// for u_t + beta u_x on (x, t). The loss may carry them as the jet's only
  /// coordinates ("directional jets": components per derivative along them
  /// instead of per input derivative) where that is smaller and nothing
  /// differentiates the residual again; `derivatives` must still list what
  /// along() sums otherwise.
  DirectionalReads along;
  /// Coordinates held fixed on this term's points (x on a boundary, t on the
  /// initial line): double PINN's "free" variant does not differentiate them.
  std::vector<int> fixed_coordinates;
  /// The loss term it is reported as, when not its name (vPINN reports the PDE
  /// term's element integrals as "variational").
  std::string reported_name;

  const std::string& reported() const { return reported_name.empty() ? name : reported_name; }

  std::int64_t size() const { return evaluations.empty() ? 0 : evaluations.front().size(); }

  /// Declares that the residual reads the Laplacian of u over `axes` (of
  /// evaluation `evaluation`) through TermContext::laplacian(v, axes).
  Term& add_laplacian(std::vector<int> axes, int evaluation = 0)
  {
    if (laplacians.size() <= static_cast<std::size_t>(evaluation))
      laplacians.resize(static_cast<std::size_t>(evaluation) + 1);
    laplacians[static_cast<std::size_t>(evaluation)].push_back(std::move(axes));
    return *this;
  }
  /// The Laplacians evaluation `evaluation` reads, as axis masks over `dimension` inputs.
  std::vector<jet::AxisMask> laplacian_masks(int evaluation, int dimension) const
  {
    std::vector<jet::AxisMask> masks;
    if (static_cast<std::size_t>(evaluation) < laplacians.size())
      for (const auto& axes : laplacians[static_cast<std::size_t>(evaluation)])
        masks.push_back(jet::axis_mask(axes, dimension));
    return masks;
  }
};

} // namespace pinnbench::pde
