#pragma once
// Reader for the PyTorch reference trajectories in tests/data/optim/ (format
// documented in generate_reference.py): a '#' header, then one E line per
// closure evaluation and one S line per step() call.
#include <map>
#include <pinnbench/optim/Adam.hpp>
#include <pinnbench/optim/Lbfgs.hpp>
#include <string>
#include <vector>

namespace pinnbench::test {

struct ReferenceEvaluation
{
  int step;  // the 0-based step() call it belongs to
  int index; // running count over the whole run
  double loss;
  std::vector<double> x; // the evaluated point
};

struct ReferenceStep
{
  int step;
  double returned;       // what step() returned
  std::vector<double> x; // the parameters after the step
};

struct ReferenceTrajectory
{
  std::string scenario;
  std::string problem;   // "rosenbrock" or "least_squares"
  std::string optimizer; // "lbfgs" or "adam"
  std::map<std::string, std::string> settings;
  std::string torch_version;
  std::string generator; // what produced a non-torch reference (generate_optax_reference.py)
  int steps = 0;
  int dimension = 0;
  std::vector<ReferenceEvaluation> evaluations;
  std::vector<ReferenceStep> results;

  /// The evaluations of step() call `step`, in call order.
  std::vector<const ReferenceEvaluation*> evaluations_of(int step) const;
  double number(const std::string& key) const;
  int integer(const std::string& key) const;
};

/// Parses `path`; throws std::runtime_error naming the file and line on bad input.
ReferenceTrajectory read_reference_trajectory(const std::string& path);
/// The recorded scenario tests/data/optim/<scenario>.txt.
ReferenceTrajectory read_reference_scenario(const std::string& scenario);

/// |x - reference|_inf / |reference|_inf: componentwise relative error is
/// meaningless for coordinates passing through zero (least squares starts at 0).
double relative_deviation(const std::vector<double>& x, const std::vector<double>& reference);
/// |f - reference| / |reference|, or |f| when the reference is 0.
double relative_deviation(double f, double reference);

/// The optimiser settings a trajectory was recorded with.
optim::LbfgsSettings lbfgs_settings(const ReferenceTrajectory& reference);
optim::AdamSettings adam_settings(const ReferenceTrajectory& reference);

} // namespace pinnbench::test
