#pragma once
// Shared geometry of the 1D-in-space tasks: x in [x0, x1], t in [0, 1], a PDE
// residual on domain points, initial conditions on the t = 0 line and boundary
// conditions on the x edges. Point sets follow RoPINN's 101 x 101 grid by default
// and the failure-mode suite's layout on request (small grids, random test points,
// separately counted initial/boundary points).
#include <pinnbench/pde/Task.hpp>
#include <pinnbench/suite/Schema.hpp>
#include <yaml-cpp/yaml.h>

namespace pinnbench::pde {

constexpr int X = 0;
constexpr int T = 1;

struct DomainSampling
{
  enum class Kind
  {
    grid,
    random
  };
  Kind kind = Kind::grid;
  int nx = 101;
  int nt = 101;
  std::int64_t count = 10000; ///< for random sampling
};

struct SpaceTimeSampling
{
  DomainSampling domain;
  int initial = 101;  ///< points on the initial line
  int boundary = 101; ///< points on each x edge
};

struct SpaceTimeSettings
{
  SpaceTimeSampling train;
  SpaceTimeSampling test;
  std::uint64_t seed = 0; ///< for random point sets
};

/// The family's point keys, `points` and `test` (after each task's own keys).
std::vector<suite::KeySpec> space_time_point_keys();
/// The point settings of a resolved `task:` mapping of this family.
SpaceTimeSettings space_time_settings(const YAML::Node& config, std::uint64_t seed);

/// A condition term: where its points lie and which derivatives it reads.
struct ConditionSpec
{
  enum class Where
  {
    initial_line,  ///< (x, 0), x in linspace
    lower_edge,    ///< (x0, t), t in linspace
    upper_edge,    ///< (x1, t)
    periodic_pair, ///< evaluation 0 at (x0, t), evaluation 1 at (x1, t)
  };
  std::string name;
  Where where;
  std::vector<jet::MultiIndex> derivatives;
};

/// Builds the terms and test points; the concrete task provides its PDE.
class SpaceTimeGeometry
{
public:
  SpaceTimeGeometry(std::pair<double, double> x_range, SpaceTimeSettings settings)
      : x_range_(x_range), settings_(settings)
  {}

  std::pair<double, double> x_range() const { return x_range_; }
  std::pair<double, double> t_range() const { return {0.0, 1.0}; }
  const SpaceTimeSettings& settings() const { return settings_; }

  std::vector<Term> terms(const SpaceTimeSampling& sampling, bool test,
                          const std::vector<jet::MultiIndex>& pde_derivatives,
                          const std::vector<ConditionSpec>& conditions,
                          const DirectionalReads& pde_along = {}) const;
  PointCloud domain_points(const DomainSampling& sampling, bool test) const;

private:
  std::pair<double, double> x_range_;
  SpaceTimeSettings settings_;
};

/// x^2 cos(pi x) and friends are shared by the concrete tasks through this base.
template <class Derived>
class SpaceTimeTask : public TaskWithResidual<Derived>
{
public:
  SpaceTimeTask(std::pair<double, double> x_range, SpaceTimeSettings settings)
      : geometry_(x_range, settings)
  {}

  int dimension() const override { return 2; }
  int outputs() const override { return 1; }
  std::vector<std::string> coordinate_names() const override { return {"x", "t"}; }
  std::vector<std::pair<double, double>> domain() const override
  {
    return {geometry_.x_range(), geometry_.t_range()};
  }
  std::vector<Term> training_terms() const override
  {
    return geometry_.terms(geometry_.settings().train, false, derived().pde_derivatives(),
                           derived().conditions(), derived().pde_along());
  }
  std::vector<Term> test_terms() const override
  {
    return geometry_.terms(geometry_.settings().test, true, derived().pde_derivatives(),
                           derived().conditions(), derived().pde_along());
  }
  PointCloud test_points() const override
  {
    return geometry_.domain_points(geometry_.settings().test.domain, true);
  }
  std::optional<std::vector<std::int64_t>> test_grid_shape() const override
  {
    const auto& domain = geometry_.settings().test.domain;
    if (domain.kind != DomainSampling::Kind::grid)
      return std::nullopt;
    return std::vector<std::int64_t>{domain.nt, domain.nx};
  }
  std::vector<double> reference(const PointCloud& points) const override
  {
    std::vector<double> values(static_cast<std::size_t>(points.size()));
    for (std::int64_t n = 0; n < points.size(); ++n)
      values[static_cast<std::size_t>(n)] = derived().solution(points(n, X), points(n, T));
    return values;
  }

  /// Directions the residual differentiates along (Term::along); a task that
  /// reads some hides this.
  DirectionalReads pde_along() const { return {}; }

protected:
  const Derived& derived() const { return *static_cast<const Derived*>(this); }
  const SpaceTimeGeometry& geometry() const { return geometry_; }

private:
  SpaceTimeGeometry geometry_;
};

/// u_t + beta u_x = 0 on [0, 2 pi] x [0, 1], u(x, 0) = sin x, periodic.
class ConvectionTask final : public SpaceTimeTask<ConvectionTask>
{
public:
  ConvectionTask(double beta, SpaceTimeSettings settings);
  std::string name() const override { return "convection"; }
  std::vector<jet::MultiIndex> pde_derivatives() const;
  DirectionalReads pde_along() const { return {{characteristic()}, {}}; }
  std::vector<ConditionSpec> conditions() const;
  double solution(double x, double t) const;
  template <class Real>
  jet::Var<Real> residual_of(const Term& term, const TermContext<Real>& c) const;

private:
  /// (beta, 1): u_t + beta u_x is the derivative along it.
  std::vector<double> characteristic() const { return {beta_, 1.0}; }

  double beta_;
};

/// u_t - rho u (1 - u) = 0 on [0, 2 pi] x [0, 1], Gaussian initial condition, periodic.
class ReactionTask final : public SpaceTimeTask<ReactionTask>
{
public:
  ReactionTask(double rho, SpaceTimeSettings settings);
  std::string name() const override { return "reaction"; }
  std::vector<jet::MultiIndex> pde_derivatives() const;
  std::vector<ConditionSpec> conditions() const;
  double solution(double x, double t) const;
  template <class Real>
  jet::Var<Real> residual_of(const Term& term, const TermContext<Real>& c) const;

private:
  double rho_;
};

/// u_tt - c^2 u_xx = 0 on [0, 1]^2, u(x,0) = sin(pi x) + 0.5 sin(beta pi x),
/// u_t(x,0) = 0, u = 0 at x = 0 and x = 1.
class WaveTask final : public SpaceTimeTask<WaveTask>
{
public:
  WaveTask(double speed, double beta, SpaceTimeSettings settings);
  std::string name() const override { return "wave"; }
  std::vector<jet::MultiIndex> pde_derivatives() const;
  /// u_tt - c^2 u_xx is the mixed derivative along the two characteristics.
  DirectionalReads pde_along() const
  {
    return {{right_moving(), left_moving()}, {jet::MultiIndex::from({1, 1})}};
  }
  std::vector<ConditionSpec> conditions() const;
  double solution(double x, double t) const;
  template <class Real>
  jet::Var<Real> residual_of(const Term& term, const TermContext<Real>& c) const;

private:
  /// (c, 1) and (-c, 1): u_tt - c^2 u_xx = d/d(c, 1) d/d(-c, 1) u.
  std::vector<double> right_moving() const { return {speed_, 1.0}; }
  std::vector<double> left_moving() const { return {-speed_, 1.0}; }

  double speed_;
  double beta_;
};

} // namespace pinnbench::pde
