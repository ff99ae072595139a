#pragma once
// The two problems of tests/data/optim/generate_reference.py, written from its
// docstring, with analytic gradients, and a device-side objective that records
// every closure call the way the generator's closure does.
#include <cmath>
#include <functional>
#include <pinnbench/core/Types.hpp>
#include <stdexcept>
#include <string>
#include <vector>

namespace pinnbench::test {

/// f(x) and its gradient, on the host.
template <class Real>
using Objective = std::function<Real(const std::vector<Real>& x, std::vector<Real>& gradient)>;

template <class Real>
struct Problem
{
  std::string name;
  Objective<Real> objective;
  std::vector<Real> x0;
};

/// f(x) = sum_{i<n-1} 100 (x_{i+1} - x_i^2)^2 + (1 - x_i)^2, x0 = (-1.2, 1, -1.2, 1, ...).
template <class Real>
Problem<Real> rosenbrock(int n = 10)
{
  Problem<Real> p;
  p.name = "rosenbrock";
  for (int i = 0; i < n; ++i)
    p.x0.push_back(i % 2 == 0 ? Real(-1.2) : Real(1));
  p.objective = [](const std::vector<Real>& x, std::vector<Real>& g) {
    const std::size_t size = x.size();
    g.assign(size, Real(0));
    Real f = 0;
    for (std::size_t i = 0; i + 1 < size; ++i) {
      const Real u = x[i + 1] - x[i] * x[i];
      const Real v = Real(1) - x[i];
      f += Real(100) * (u * u) + v * v;
      // As autograd forms it: d/du 100 u^2 = 100 (2 u), chained through -x_i^2 and 1 - x_i.
      const Real du = Real(100) * (Real(2) * u);
      g[i] += -du * (Real(2) * x[i]) - Real(2) * v;
      g[i + 1] += du;
    }
    return f;
  };
  return p;
}

/// m = 30, n = 12: A_ij = cos(0.37 (i+1) (j+1)) + 0.1 [i == j], b_i = sin(0.5 (i+1)),
/// f(x) = (1/m) sum_i ((A x)_i - b_i)^2, x0 = 0. A and b are formed in double
/// (as the generator forms them from Python floats), then rounded to Real.
struct LeastSquaresData
{
  static constexpr int m = 30;
  static constexpr int n = 12;
  std::vector<double> a; // row-major m x n
  std::vector<double> b;

  LeastSquaresData()
  {
    for (int i = 0; i < m; ++i)
      for (int j = 0; j < n; ++j)
        a.push_back(std::cos(0.37 * (i + 1) * (j + 1)) + (i == j ? 0.1 : 0.0));
    for (int i = 0; i < m; ++i)
      b.push_back(std::sin(0.5 * (i + 1)));
  }
};

template <class Real>
Problem<Real> least_squares()
{
  const LeastSquaresData data;
  const std::vector<Real> a(data.a.begin(), data.a.end());
  const std::vector<Real> b(data.b.begin(), data.b.end());
  Problem<Real> p;
  p.name = "least_squares";
  p.x0.assign(LeastSquaresData::n, Real(0));
  p.objective = [a, b](const std::vector<Real>& x, std::vector<Real>& g) {
    constexpr int m = LeastSquaresData::m, n = LeastSquaresData::n;
    std::vector<Real> r(m);
    Real sum = 0;
    for (int i = 0; i < m; ++i) {
      Real ax = 0;
      for (int j = 0; j < n; ++j)
        ax += a[static_cast<std::size_t>(i * n + j)] * x[static_cast<std::size_t>(j)];
      r[static_cast<std::size_t>(i)] = ax - b[static_cast<std::size_t>(i)];
      sum += r[static_cast<std::size_t>(i)] * r[static_cast<std::size_t>(i)];
    }
    // Autograd of sum(r^2) / m: w = (1/m) (2 r), g = A^T w.
    g.assign(n, Real(0));
    const Real inverse_m = Real(1) / Real(m);
    for (int i = 0; i < m; ++i) {
      const Real w = inverse_m * (Real(2) * r[static_cast<std::size_t>(i)]);
      for (int j = 0; j < n; ++j)
        g[static_cast<std::size_t>(j)] += a[static_cast<std::size_t>(i * n + j)] * w;
    }
    return sum / Real(m);
  };
  return p;
}

template <class Real>
Problem<Real> problem_named(const std::string& name)
{
  if (name == "rosenbrock")
    return rosenbrock<Real>();
  if (name == "least_squares")
    return least_squares<Real>();
  throw std::runtime_error("unknown test problem '" + name + "'");
}

/// Device parameters and gradient for a host objective; the call operator is
/// the optimiser's closure and records (step, x, f) for every evaluation.
template <class Real>
class DeviceObjective
{
  Objective<Real> objective_;

public:
  struct Record
  {
    int step;
    Real loss;
    std::vector<Real> x;
  };

  DeviceObjective(Objective<Real> objective, const std::vector<Real>& x0)
      : objective_(std::move(objective)), parameters("parameters", x0.size()),
        gradient("gradient", x0.size())
  {
    set_point(x0);
  }

  Real operator()()
  {
    const std::vector<Real> x = point();
    std::vector<Real> g;
    const Real loss = objective_(x, g);
    auto host = Kokkos::create_mirror_view(gradient);
    for (std::size_t i = 0; i < g.size(); ++i)
      host(i) = g[i];
    Kokkos::deep_copy(gradient, host);
    records.push_back(Record{step, loss, x});
    return loss;
  }

  /// The closure to hand to an optimiser (refers to this object).
  std::function<Real()> closure()
  {
    return [this] { return (*this)(); };
  }

  std::vector<Real> point() const
  {
    const auto host = Kokkos::create_mirror_view_and_copy(HostSpace(), parameters);
    return std::vector<Real>(host.data(), host.data() + host.extent(0));
  }

  void set_point(const std::vector<Real>& x)
  {
    auto host = Kokkos::create_mirror_view(parameters);
    for (std::size_t i = 0; i < x.size(); ++i)
      host(i) = x[i];
    Kokkos::deep_copy(parameters, host);
  }

  /// Records of step() call `s`.
  std::vector<const Record*> records_of(int s) const
  {
    std::vector<const Record*> out;
    for (const Record& r : records)
      if (r.step == s)
        out.push_back(&r);
    return out;
  }

  Vector<Real> parameters;
  Vector<Real> gradient;
  std::vector<Record> records;
  int step = 0; // tag for the records of the step() call under way
};

} // namespace pinnbench::test
