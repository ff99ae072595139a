#pragma once
// Shared machinery for the model tests: points, a PINN loss built on a tape,
// central differences of that loss along every parameter, the network's jets
// against finite differences of a long-double reference.
#include "support/FiniteDifference.hpp"
#include "support/PointsView.hpp"

#include <functional>
#include <gtest/gtest.h>
#include <pinnbench/jet/Expression.hpp>
#include <pinnbench/nn/Model.hpp>
#include <random>
#include <string>

namespace pinnbench::test {

inline std::vector<Point> random_points(std::mt19937& rng, int count, double lo, double hi)
{
  std::uniform_real_distribution<double> u(lo, hi);
  std::vector<Point> points;
  for (int n = 0; n < count; ++n)
    points.push_back({u(rng), u(rng)});
  return points;
}

/// Host copy of a parameter vector, in long double.
template <class Real>
std::vector<long double> host_parameters(const Vector<Real>& parameters)
{
  auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), parameters);
  return std::vector<long double>(host.data(), host.data() + host.size());
}

/// A PINN loss recorded on a tape: the seeds of its scalar terms.
template <class Real>
using LossBuilder =
    std::function<std::vector<std::pair<int, double>>(jet::Tape<Real>&, const nn::Model<Real>&)>;

template <class Real>
double evaluate(jet::Tape<Real>& tape, const nn::Model<Real>& model, const Vector<Real>& parameters,
                const Vector<Real>& gradient, const LossBuilder<Real>& build, bool with_gradient)
{
  tape.bind_parameters(parameters, gradient);
  tape.rewind();
  const auto seeds = build(tape, model);
  double loss = 0;
  for (const auto& [node, weight] : seeds)
    loss += weight * tape.scalar(node);
  if (with_gradient) {
    Kokkos::deep_copy(gradient, Real(0));
    tape.backward(seeds);
  }
  return loss;
}

/// Central differences of the loss along every parameter.
template <class Real>
std::vector<double> finite_difference_gradient(const nn::Model<Real>& model,
                                               const Vector<Real>& parameters,
                                               const LossBuilder<Real>& build, double h)
{
  jet::Tape<Real> tape;
  Vector<Real> shifted("shifted", parameters.extent(0));
  Vector<Real> unused("unused", parameters.extent(0));
  auto base = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), parameters);
  auto host = Kokkos::create_mirror_view(shifted);
  std::vector<double> gradient(parameters.extent(0));
  for (std::size_t p = 0; p < gradient.size(); ++p) {
    double values[2];
    for (int side = 0; side < 2; ++side) {
      Kokkos::deep_copy(host, base);
      host(p) += static_cast<Real>(side == 0 ? h : -h);
      Kokkos::deep_copy(shifted, host);
      values[side] = evaluate(tape, model, shifted, unused, build, false);
    }
    gradient[p] = (values[0] - values[1]) / (2 * h);
  }
  return gradient;
}

/// max |expected - actual| / max |expected| over all parameters.
template <class Real>
double gradient_mismatch(const std::vector<double>& expected, const Vector<Real>& actual)
{
  auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), actual);
  double diff = 0, norm = 0;
  for (std::size_t p = 0; p < expected.size(); ++p) {
    diff = std::max(diff, std::fabs(expected[p] - static_cast<double>(host(p))));
    norm = std::max(norm, std::fabs(expected[p]));
  }
  return diff / norm;
}

/// The gradient check of every model test: `build`'s loss recorded on `tape` with
/// its parameter gradient in `gradient`, against central differences (h = 1e-6);
/// returns gradient_mismatch, and the loss in `loss` when given.
template <class Real>
double tape_gradient_mismatch(jet::Tape<Real>& tape, const nn::Model<Real>& model,
                              const Vector<Real>& parameters, const Vector<Real>& gradient,
                              const LossBuilder<Real>& build, double* loss = nullptr)
{
  const double value = evaluate(tape, model, parameters, gradient, build, true);
  if (loss)
    *loss = value;
  return gradient_mismatch(finite_difference_gradient(model, parameters, build, 1e-6), gradient);
}

/// The wave residual u_tt - 4 u_xx, and with `gradient_enhanced` its x and t
/// derivatives (gPINN, third derivatives of the network), as mean squares.
template <class Real>
LossBuilder<Real> wave_loss(PointsView<Real> points, bool gradient_enhanced)
{
  return [points, gradient_enhanced](jet::Tape<Real>& tape, const nn::Model<Real>& model) {
    constexpr int X = 0, T = 1;
    const auto set = jet::DerivativeSet::full(2, gradient_enhanced ? 3 : 2);
    jet::Var<Real> z(tape, tape.coordinates(points, set));
    jet::Var<Real> u = model.forward(z);
    jet::Var<Real> r = d(d(u, T), T) - Real(4) * d(d(u, X), X);
    const double inverse = 1.0 / static_cast<double>(points.extent(0));
    std::vector<std::pair<int, double>> seeds{{tape.sum_squares(r.id()), inverse},
                                              {tape.sum_squares(u.id()), 0.5 * inverse}};
    if (gradient_enhanced) {
      seeds.push_back({tape.sum_squares(d(r, X).id()), inverse});
      seeds.push_back({tape.sum_squares(d(r, T).id()), inverse});
    }
    return seeds;
  };
}

/// The relative error of each component of `set` in the network's output jet at
/// `points` against long-double finite differences of `reference` with step h
/// (-1 = the default steps): the derivative check of every model test.
template <class Real>
std::vector<double> component_errors_against_finite_differences(
    const nn::Model<Real>& model, const Vector<Real>& parameters, const std::vector<Point>& points,
    const ScalarFunction& reference, const jet::DerivativeSetPtr& set, long double h = -1,
    jet::KernelVariant variant = jet::KernelVariant::automatic)
{
  jet::Tape<Real> tape(variant);
  Vector<Real> gradient("gradient", parameters.extent(0));
  tape.bind_parameters(parameters, gradient);
  jet::Var<Real> u =
      model.forward(jet::Var<Real>(tape, tape.coordinates(make_points<Real>(points), set)));
  auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), u.value().values);
  std::vector<double> errors;
  for (int c = 0; c < set->size(); ++c) {
    std::vector<double> actual;
    std::vector<long double> expected;
    for (std::size_t n = 0; n < points.size(); ++n) {
      actual.push_back(static_cast<double>(host(c, n, 0)));
      expected.push_back(partial_derivative(reference, points[n], (*set)[c], h));
    }
    errors.push_back(relative_error(actual, expected));
  }
  return errors;
}

/// Every component of the network's output jet on the full order-`order` set at
/// `points` against long-double finite differences of `reference` with step h
/// (-1 = the default steps). Returns the worst relative error per order.
template <class Real>
std::vector<double> jet_errors_against_finite_differences(
    const nn::Model<Real>& model, const Vector<Real>& parameters, const std::vector<Point>& points,
    const ScalarFunction& reference, int order, long double h = -1,
    jet::KernelVariant variant = jet::KernelVariant::automatic)
{
  const auto set = jet::DerivativeSet::full(2, order);
  const auto errors = component_errors_against_finite_differences(model, parameters, points,
                                                                  reference, set, h, variant);
  std::vector<double> worst(static_cast<std::size_t>(order + 1), 0.0);
  for (int c = 0; c < set->size(); ++c) {
    auto& slot = worst[static_cast<std::size_t>((*set)[c].order())];
    slot = std::max(slot, errors[static_cast<std::size_t>(c)]);
  }
  return worst;
}

} // namespace pinnbench::test
