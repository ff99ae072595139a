#pragma once
// Test-set evaluation: predictions, relative errors against the reference, and
// the PDE residual at the test points. Points are split over ranks like the
// training points; errors are reduced, arrays gathered to rank 0.
#include <pinnbench/nn/Model.hpp>
#include <pinnbench/parallel/MpiContext.hpp>
#include <pinnbench/pde/Task.hpp>
#include <pinnbench/train/TestMetrics.hpp>

namespace pinnbench::train {

/// rmae = sum |u - u_hat| / sum |u|, rmse = sqrt(sum (u - u_hat)^2 / sum u^2),
/// and PINNacle's other metrics (TestMetrics.hpp).
using RelativeErrors = TestMetrics;

/// Full test arrays (on rank 0; empty elsewhere), row-major.
struct TestArrays
{
  std::int64_t points = 0;
  int dimension = 0;
  int outputs = 0;
  int residuals = 0;
  std::vector<double> x, u_pred, u_ref, residual;
};

template <class Real>
class Evaluator
{
public:
  Evaluator(const pde::Task& task, const nn::Model<Real>& model, const parallel::MpiContext& mpi,
            int chunk_points);

  /// Collective.
  RelativeErrors errors(const Vector<Real>& parameters);
  /// Collective; rank 0 receives everything.
  TestArrays gather(const Vector<Real>& parameters);

private:
  /// u_hat at this rank's test points, [n][outputs].
  std::vector<double> predict(const Vector<Real>& parameters);
  /// PDE residual at this rank's test points, [n][residuals].
  std::vector<double> residuals(const Vector<Real>& parameters);
  /// Calls body(begin, count, z) for each chunk of this rank's test points, z
  /// being the chunk's coordinates as a jet over `set` on the rewound tape.
  template <class Body>
  void for_each_chunk(const Vector<Real>& parameters, const jet::DerivativeSetPtr& set,
                      Body&& body);

  const pde::Task& task_;
  const nn::Model<Real>& model_;
  parallel::MpiContext mpi_;
  int chunk_points_;
  int tokens_ = 1; ///< rows per point (pseudo-sequence models)
  pde::PointCloud local_points_;
  Matrix<Real> device_points_;
  std::vector<double> local_reference_;
  pde::Term pde_term_;
  Matrix<Real> device_data_; ///< the PDE term's per-point data at the local test points, or empty
  jet::Tape<Real> tape_;
  Vector<Real> unused_gradient_;
  int residual_features_ = 0;
};

} // namespace pinnbench::train
