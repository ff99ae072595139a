#include <cmath>
#include <pinnbench/core/Error.hpp>
#include <pinnbench/pde/DevicePoints.hpp>
#include <pinnbench/train/Evaluator.hpp>

namespace pinnbench::train {

template <class Real>
Evaluator<Real>::Evaluator(const pde::Task& task, const nn::Model<Real>& model,
                           const parallel::MpiContext& mpi, int chunk_points)
    : task_(task), model_(model), mpi_(mpi), chunk_points_(chunk_points)
{
  const pde::PointCloud all = task.test_points();
  local_points_ = pde::slice(all, pde::local_block(all.size(), mpi.rank(), mpi.size()));
  local_reference_ = task.reference(local_points_);
  device_points_ = pde::to_device<Real>(local_points_, "pinnbench::evaluator::points");
  // The residual at the test points is the PDE term's, evaluated elsewhere.
  for (const auto& term : task.training_terms())
    if (term.kind == pde::TermKind::pde && term.evaluations.size() == 1) {
      pde_term_ = term;
      pde_term_.evaluations = {local_points_};
      break;
    }
  if (pde_term_.evaluations.empty())
    throw LogicError("task '" + task.name() + "' has no single-evaluation PDE term");
  // Per-point coefficients of the PDE term (PINNacle's piecewise fields) at the
  // test points come with the task's test terms.
  pde_term_.point_data = {};
  for (const auto& term : task.test_terms())
    if (term.name == pde_term_.name && term.point_data.size() > 0) {
      if (term.point_data.size() != all.size())
        throw LogicError("task '" + task.name() + "': PDE point data off the test points");
      pde_term_.point_data =
          pde::slice(term.point_data, pde::local_block(all.size(), mpi.rank(), mpi.size()));
      device_data_ = pde::to_device<Real>(pde_term_.point_data, "pinnbench::evaluator::data");
    }
  unused_gradient_ = Vector<Real>("pinnbench::evaluator::gradient", model.layout().size());
}

template <class Real>
template <class Body>
void Evaluator<Real>::for_each_chunk(const Vector<Real>& parameters,
                                     const jet::DerivativeSetPtr& set, Body&& body)
{
  tape_.bind_parameters(parameters, unused_gradient_);
  for (std::int64_t begin = 0; begin < local_points_.size(); begin += chunk_points_) {
    const std::int64_t count = std::min<std::int64_t>(chunk_points_, local_points_.size() - begin);
    tape_.rewind();
    const auto rows =
        std::make_pair(static_cast<std::size_t>(begin), static_cast<std::size_t>(begin + count));
    const jet::Var<Real> z(
        tape_, tape_.coordinates(Kokkos::subview(device_points_, rows, Kokkos::ALL), set));
    body(begin, count, z);
  }
}

template <class Real>
std::vector<double> Evaluator<Real>::predict(const Vector<Real>& parameters)
{
  const int outputs = model_.outputs();
  std::vector<double> prediction(static_cast<std::size_t>(local_points_.size() * outputs));
  for_each_chunk(parameters, jet::DerivativeSet::value_only(task_.dimension()),
                 [&](std::int64_t begin, std::int64_t count, const jet::Var<Real>& z) {
                   const auto u = model_.forward(z).value().values;
                   auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), u);
                   for (std::int64_t n = 0; n < count; ++n)
                     for (int f = 0; f < outputs; ++f)
                       prediction[static_cast<std::size_t>((begin + n) * outputs + f)] =
                           host(0, n, f);
                 });
  return prediction;
}

template <class Real>
std::vector<double> Evaluator<Real>::residuals(const Vector<Real>& parameters)
{
  const int dimension = task_.dimension();
  std::vector<double> values;
  for_each_chunk(
      parameters,
      jet::DerivativeSet::for_residual(dimension, pde_term_.derivatives.front(),
                                       pde_term_.laplacian_masks(0, dimension), 0, true),
      [&](std::int64_t begin, std::int64_t count, const jet::Var<Real>& z) {
        jet::Var<Real> data;
        if (device_data_.extent(0) > 0)
          data = jet::Var<Real>(
              tape_, tape_.constants(
                         Kokkos::subview(device_data_,
                                         std::make_pair(static_cast<std::size_t>(begin),
                                                        static_cast<std::size_t>(begin + count)),
                                         Kokkos::ALL),
                         z.set()));
        const pde::TermContext<Real> context(dimension, {model_.forward(z)}, {z}, 0, data);
        const auto r = task_.residual(pde_term_, context).value().values;
        residual_features_ = static_cast<int>(r.extent(2));
        auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), r);
        for (std::int64_t n = 0; n < count; ++n)
          for (int f = 0; f < residual_features_; ++f)
            values.push_back(host(0, n, f));
      });
  return values;
}

template <class Real>
RelativeErrors Evaluator<Real>::errors(const Vector<Real>& parameters)
{
  const auto prediction = predict(parameters);
  ErrorSums sums(model_.outputs());
  sums.add(prediction.data(), local_reference_.data(), prediction.size());
  sums.reduce(mpi_);
  return sums.metrics();
}

template <class Real>
TestArrays Evaluator<Real>::gather(const Vector<Real>& parameters)
{
  TestArrays arrays;
  arrays.x = mpi_.gather_to_root(local_points_.coordinates);
  arrays.u_pred = mpi_.gather_to_root(predict(parameters));
  arrays.u_ref = mpi_.gather_to_root(local_reference_);
  arrays.residual = mpi_.gather_to_root(residuals(parameters));
  arrays.dimension = task_.dimension();
  arrays.outputs = model_.outputs();
  arrays.points = static_cast<std::int64_t>(arrays.x.size()) / arrays.dimension;
  arrays.residuals =
      arrays.points > 0
          ? static_cast<int>(arrays.residual.size() / static_cast<std::size_t>(arrays.points))
          : 0;
  return arrays;
}

template class Evaluator<float>;
template class Evaluator<double>;

} // namespace pinnbench::train
