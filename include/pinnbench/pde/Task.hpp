#pragma once
// A PDE benchmark task: geometry and point sets, loss terms, residuals written
// as jet expressions, and the reference solution the errors are measured
// against.
#include <optional>
#include <pinnbench/pde/Term.hpp>
#include <pinnbench/pde/TermContext.hpp>
#include <string>
#include <utility>
#include <vector>

namespace pinnbench::pde {

class Task
{
public:
  virtual ~Task() = default;

  virtual std::string name() const = 0;
  /// Input coordinates of the network (x, t for the 1D tasks).
  virtual int dimension() const = 0;
  virtual int outputs() const = 0;
  virtual std::vector<std::string> coordinate_names() const = 0;
  /// Bounding box of the domain, per coordinate.
  virtual std::vector<std::pair<double, double>> domain() const = 0;

  /// Loss terms on the training points and on the test points (same names, same
  /// residuals, other points).
  virtual std::vector<Term> training_terms() const = 0;
  virtual std::vector<Term> test_terms() const = 0;

  /// Where rMAE/rMSE are measured, and [nt, nx] when those points are a grid.
  virtual PointCloud test_points() const = 0;
  virtual std::optional<std::vector<std::int64_t>> test_grid_shape() const { return std::nullopt; }
  /// u at the points, [size][outputs].
  virtual std::vector<double> reference(const PointCloud& points) const = 0;

  /// The per-point constants (Term::point_data) of the PDE terms at other points
  /// (vPINN's quadrature points): an empty cloud when the PDE terms have none;
  /// nullopt when the task cannot evaluate them away from its own points.
  virtual std::optional<PointCloud> pde_data_at(const PointCloud& points) const
  {
    (void)points;
    return std::nullopt;
  }

  /// The residual of `term` (one of the terms above), built on the context's tape.
  virtual jet::Var<float> residual(const Term& term, const TermContext<float>& context) const = 0;
  virtual jet::Var<double> residual(const Term& term, const TermContext<double>& context) const = 0;
};

/// Implements both residual() overloads with one template member
/// `template <class Real> jet::Var<Real> residual_of(const Term&, const TermContext<Real>&) const`.
template <class Derived>
class TaskWithResidual : public Task
{
public:
  jet::Var<float> residual(const Term& term, const TermContext<float>& context) const override
  {
    return static_cast<const Derived*>(this)->template residual_of<float>(term, context);
  }
  jet::Var<double> residual(const Term& term, const TermContext<double>& context) const override
  {
    return static_cast<const Derived*>(this)->template residual_of<double>(term, context);
  }
};

} // namespace pinnbench::pde
