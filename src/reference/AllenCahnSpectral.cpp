// Fourier pseudo-spectral / ETDRK4 solver for u_t = L u + N(u) with
// L = D d^2/dx^2 + R (diagonal in Fourier space) and N(u) = -R u^3.
//
// State: the normalised DFT coefficients v_m (m = 0..N/2) of the grid values
// u_j = u(x_j), x_j = -1 + 2j/N, so that u(x) = sum_m v_m exp(i pi m (x + 1))
// over the symmetric range of m; the wavenumber of mode m is k_m = pi m.
#include "pinnbench/reference/AllenCahnSpectral.hpp"

#include "pinnbench/core/Error.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstddef>
#include <cstdint>
#include <fftw3.h>
#include <memory>
#include <numeric>
#include <string>
#include <utility>

namespace pinnbench::reference {

double allen_cahn_initial_condition(double x)
{
  constexpr double pi = 3.141592653589793238462643383279502884;
  return x * x * std::cos(pi * x);
}

namespace {

using Complex = std::complex<double>;
constexpr double pi = 3.141592653589793238462643383279502884;

// --- FFTW resources -----------------------------------------------------------
// Buffers come from fftw_malloc so every array has the alignment the plans were
// made for, which lets one plan run on any of them (fftw_execute_dft_*).
struct FftwFree
{
  void operator()(void* memory) const { fftw_free(memory); }
};
using RealBuffer = std::unique_ptr<double[], FftwFree>;
using ComplexBuffer = std::unique_ptr<Complex[], FftwFree>;

RealBuffer allocate_real(std::size_t size)
{
  return RealBuffer(fftw_alloc_real(size));
}
ComplexBuffer allocate_complex(std::size_t size)
{
  // std::complex<double> and fftw_complex have the same layout (FFTW manual 4.1.1).
  return ComplexBuffer(reinterpret_cast<Complex*>(fftw_alloc_complex(size)));
}
fftw_complex* as_fftw(Complex* data)
{
  return reinterpret_cast<fftw_complex*>(data);
}

struct FftwPlanDestroy
{
  void operator()(fftw_plan_s* plan) const { fftw_destroy_plan(plan); }
};
using FftwPlan = std::unique_ptr<fftw_plan_s, FftwPlanDestroy>;

// --- ETDRK4 coefficients --------------------------------------------------------
// Cox-Matthews ETDRK4 for a diagonal linear part, per Fourier mode (Kassam &
// Trefethen 2005, eq. 2.5): e = exp(hL) and e_half = exp(hL/2) propagate the
// linear part, q = (exp(hL/2) - 1) / L weights N in the half-step stages, and
// f1, f2, f3 weight the four stages' N in the final update. The closed forms of
// q and f1..f3 cancel catastrophically for small |hL|, so each is taken as the
// mean of the same expression over a circle of radius 1 around hL (Cauchy's
// integral formula; the functions are entire), where nothing cancels.
struct EtdRk4Coefficients
{
  std::vector<double> e, e_half, q, f1, f2, f3;
};

EtdRk4Coefficients etdrk4_coefficients(const std::vector<double>& linear, double h)
{
  // 32 nodes on the upper half circle; the lower half is their conjugate (L is
  // real), so the real part of this mean is the 64-point trapezoidal rule.
  constexpr int contour_points = 32;
  const std::size_t modes = linear.size();
  EtdRk4Coefficients c;
  for (auto* v : {&c.e, &c.e_half, &c.q, &c.f1, &c.f2, &c.f3})
    v->resize(modes);
  for (std::size_t m = 0; m < modes; ++m) {
    const double hl = h * linear[m];
    c.e[m] = std::exp(hl);
    c.e_half[m] = std::exp(hl / 2);
    Complex q{}, f1{}, f2{}, f3{};
    for (int j = 0; j < contour_points; ++j) {
      const Complex z = hl + std::polar(1.0, pi * (j + 0.5) / contour_points);
      const Complex ez = std::exp(z);
      const Complex z3 = z * z * z;
      q += (std::exp(z / 2.0) - 1.0) / z;
      f1 += (-4.0 - z + ez * (4.0 - 3.0 * z + z * z)) / z3;
      f2 += (2.0 + z + ez * (z - 2.0)) / z3;
      f3 += (-4.0 - 3.0 * z - z * z + ez * (4.0 - z)) / z3;
    }
    c.q[m] = h * q.real() / contour_points;
    c.f1[m] = h * f1.real() / contour_points;
    c.f2[m] = h * f2.real() / contour_points;
    c.f3[m] = h * f3.real() / contour_points;
  }
  return c;
}

// --- Time stepper -------------------------------------------------------------
// Holds the state at step n (t = n h) together with its time derivative
// u_t = L v + N(v) in Fourier space, which the next step needs anyway (N(v) is
// ETDRK4's first stage) and Hermite interpolation uses for free.
class EtdRk4Stepper
{
public:
  EtdRk4Stepper(const AllenCahnParameters& parameters, const SpectralSettings& settings,
                const AllenCahnSpectralSolver::InitialCondition& initial_condition)
      : n_(settings.fourier_points), modes_(static_cast<std::size_t>(n_ / 2 + 1)),
        reaction_(parameters.reaction),
        // Keep |m| <= N/3 when dealiasing; otherwise every mode.
        kept_modes_(settings.dealias ? static_cast<std::size_t>(n_ / 3 + 1) : modes_),
        grid_(allocate_real(static_cast<std::size_t>(n_))), spectrum_(allocate_complex(modes_))
  {
    for (auto* buffer : {&v_, &rate_, &nv_, &a_, &na_, &b_, &nb_, &c_, &nc_})
      *buffer = allocate_complex(modes_);
    // FFTW_ESTIMATE: at N = 512 it steps as fast as FFTW_MEASURE (measured), costs
    // no planning time and picks the same plan every run, so results repeat bit
    // for bit on a given machine.
    to_spectrum_.reset(fftw_plan_dft_r2c_1d(n_, grid_.get(), as_fftw(spectrum_.get()),
                                            FFTW_ESTIMATE | FFTW_DESTROY_INPUT));
    to_grid_.reset(fftw_plan_dft_c2r_1d(n_, as_fftw(spectrum_.get()), grid_.get(),
                                        FFTW_ESTIMATE | FFTW_DESTROY_INPUT));
    if (!to_spectrum_ || !to_grid_)
      throw LogicError("AllenCahnSpectralSolver: FFTW could not plan a size-" + std::to_string(n_) +
                       " transform");

    linear_.resize(modes_);
    for (std::size_t m = 0; m < modes_; ++m) {
      const double k = pi * static_cast<double>(m);
      linear_[m] = -parameters.diffusion * k * k + parameters.reaction;
    }
    coefficients_ = etdrk4_coefficients(linear_, settings.time_step);

    for (int j = 0; j < n_; ++j) {
      const double value = initial_condition(-1.0 + 2.0 * j / n_);
      if (!std::isfinite(value))
        throw ConfigError("AllenCahnSpectralSolver: the initial condition is not finite at x = " +
                          std::to_string(-1.0 + 2.0 * j / n_));
      grid_[static_cast<std::size_t>(j)] = value;
    }
    fftw_execute_dft_r2c(to_spectrum_.get(), grid_.get(), as_fftw(v_.get()));
    for (std::size_t m = 0; m < modes_; ++m)
      v_[m] /= n_;
    update_rate();
  }

  std::int64_t step() const { return step_; }
  std::size_t modes() const { return modes_; }
  const Complex* state() const { return v_.get(); }
  const Complex* rate() const { return rate_.get(); }

  /// One ETDRK4 step (Cox & Matthews 2002, Kassam & Trefethen 2005 eq. 2.5).
  void advance()
  {
    const auto& k = coefficients_;
    for (std::size_t m = 0; m < modes_; ++m)
      a_[m] = k.e_half[m] * v_[m] + k.q[m] * nv_[m];
    nonlinear_term(a_.get(), na_.get());
    for (std::size_t m = 0; m < modes_; ++m)
      b_[m] = k.e_half[m] * v_[m] + k.q[m] * na_[m];
    nonlinear_term(b_.get(), nb_.get());
    for (std::size_t m = 0; m < modes_; ++m)
      c_[m] = k.e_half[m] * a_[m] + k.q[m] * (2.0 * nb_[m] - nv_[m]);
    nonlinear_term(c_.get(), nc_.get());
    for (std::size_t m = 0; m < modes_; ++m)
      v_[m] =
          k.e[m] * v_[m] + k.f1[m] * nv_[m] + 2.0 * k.f2[m] * (na_[m] + nb_[m]) + k.f3[m] * nc_[m];
    ++step_;
    update_rate();
  }

private:
  /// N(v) = -R u^3, formed on the grid and transformed back (no dealiasing unless asked).
  void nonlinear_term(const Complex* v, Complex* result)
  {
    std::copy(v, v + modes_, spectrum_.get()); // c2r destroys its input
    fftw_execute_dft_c2r(to_grid_.get(), as_fftw(spectrum_.get()), grid_.get());
    // The 1/N folds the forward transform's normalisation into the same pass.
    const double scale = -reaction_ / n_;
    for (int j = 0; j < n_; ++j) {
      const double u = grid_[static_cast<std::size_t>(j)];
      grid_[static_cast<std::size_t>(j)] = scale * u * u * u;
    }
    fftw_execute_dft_r2c(to_spectrum_.get(), grid_.get(), as_fftw(result));
    std::fill(result + kept_modes_, result + modes_, Complex{});
  }

  void update_rate()
  {
    nonlinear_term(v_.get(), nv_.get());
    for (std::size_t m = 0; m < modes_; ++m)
      rate_[m] = linear_[m] * v_[m] + nv_[m];
  }

  int n_;
  std::size_t modes_;
  double reaction_;
  std::size_t kept_modes_;
  std::int64_t step_ = 0;
  std::vector<double> linear_;
  EtdRk4Coefficients coefficients_;
  RealBuffer grid_;
  ComplexBuffer spectrum_;
  ComplexBuffer v_, rate_, nv_, a_, na_, b_, nb_, c_, nc_;
  FftwPlan to_spectrum_, to_grid_;
};

// --- Sampling in t and x ----------------------------------------------------------
// Where time t falls on the step grid: between steps `step` and `step + 1`, at
// fraction `fraction` of the way. Times within 1e-9 steps of a step are snapped
// onto it, so t = 0.5 with dt = 1e-5 is step 50000 despite rounding in t / dt.
struct StepPosition
{
  std::int64_t step;
  double fraction;
};

StepPosition locate(double t, double h)
{
  constexpr double snap = 1e-9;
  const double steps = t / h;
  if (steps > 1e15) // would not finish, and would overflow the step counter
    throw ConfigError("AllenCahnSpectralSolver: t = " + std::to_string(t) +
                      " needs more than 1e15 time steps");
  auto step = static_cast<std::int64_t>(std::floor(steps));
  double fraction = steps - static_cast<double>(step);
  if (fraction > 1.0 - snap) {
    ++step;
    fraction = 0.0;
  } else if (fraction < snap) {
    fraction = 0.0;
  }
  return {step, fraction};
}

/// Steps once through the sorted times and calls visit(i, coefficients) with the
/// Fourier coefficients of u(., times[i]) for each i in order.
template <class Visitor>
void march(EtdRk4Stepper& stepper, double h, const std::vector<double>& sorted_times,
           Visitor&& visit)
{
  const std::size_t modes = stepper.modes();
  std::vector<Complex> previous_state(modes), previous_rate(modes), coefficients(modes);
  for (std::size_t i = 0; i < sorted_times.size(); ++i) {
    const StepPosition where = locate(sorted_times[i], h);
    const std::int64_t last_step_needed = where.fraction > 0.0 ? where.step + 1 : where.step;
    while (stepper.step() < last_step_needed) {
      // The final step of this stretch leaves the left end of the bracket behind.
      if (stepper.step() + 1 == last_step_needed) {
        std::copy(stepper.state(), stepper.state() + modes, previous_state.begin());
        std::copy(stepper.rate(), stepper.rate() + modes, previous_rate.begin());
      }
      stepper.advance();
    }
    if (where.fraction == 0.0) {
      std::copy(stepper.state(), stepper.state() + modes, coefficients.begin());
    } else {
      // Cubic Hermite on [t_n, t_n + h] from values and slopes at both ends.
      const double s = where.fraction;
      const double h00 = (1.0 + 2.0 * s) * (1.0 - s) * (1.0 - s);
      const double h10 = h * s * (1.0 - s) * (1.0 - s);
      const double h01 = s * s * (3.0 - 2.0 * s);
      const double h11 = -h * s * s * (1.0 - s);
      for (std::size_t m = 0; m < modes; ++m)
        coefficients[m] = h00 * previous_state[m] + h10 * previous_rate[m] +
                          h01 * stepper.state()[m] + h11 * stepper.rate()[m];
    }
    visit(i, coefficients);
  }
}

/// The trigonometric interpolant sum_m v_m exp(i pi m (x + 1)) over the symmetric
/// mode range, written as sum_m Re(v_m * basis_m) with the real-signal weights
/// folded into basis: 1 for m = 0, 2 for 0 < m < N/2, and cos for the Nyquist mode
/// of an even N (its sine part vanishes on the grid, and dropping it keeps u real).
class FourierBasis
{
public:
  FourierBasis(int fourier_points, double x)
      : basis_(static_cast<std::size_t>(fourier_points / 2 + 1))
  {
    // Reduce x + 1 into [0, 2) first so the phases stay accurate for any x.
    double shifted = std::fmod(x + 1.0, 2.0);
    if (shifted < 0.0)
      shifted += 2.0;
    const double theta = pi * shifted;
    basis_[0] = 1.0;
    for (std::size_t m = 1; m < basis_.size(); ++m)
      basis_[m] = std::polar(2.0, static_cast<double>(m) * theta);
    if (fourier_points % 2 == 0)
      basis_.back() = std::cos(static_cast<double>(fourier_points / 2) * theta);
  }

  double evaluate(const std::vector<Complex>& coefficients) const
  {
    double sum = 0.0;
    for (std::size_t m = 0; m < basis_.size(); ++m)
      sum += coefficients[m].real() * basis_[m].real() - coefficients[m].imag() * basis_[m].imag();
    return sum;
  }

private:
  std::vector<Complex> basis_;
};

void check_time(double t)
{
  if (!std::isfinite(t) || t < 0.0)
    throw ConfigError("AllenCahnSpectralSolver: times must be finite and >= 0, got t = " +
                      std::to_string(t));
}

void check_space(double x)
{
  if (!std::isfinite(x))
    throw ConfigError("AllenCahnSpectralSolver: x must be finite");
}

} // namespace

AllenCahnSpectralSolver::AllenCahnSpectralSolver(AllenCahnParameters parameters,
                                                 SpectralSettings settings,
                                                 InitialCondition initial_condition)
    : parameters_(parameters), settings_(settings), initial_condition_(std::move(initial_condition))
{
  const std::string where = "AllenCahnSpectralSolver: ";
  if (settings_.fourier_points < 16 || settings_.fourier_points % 2 != 0)
    throw ConfigError(where + "fourier_points must be an even integer >= 16, got " +
                      std::to_string(settings_.fourier_points));
  if (!std::isfinite(settings_.time_step) || settings_.time_step <= 0.0)
    throw ConfigError(where + "time_step must be finite and > 0, got " +
                      std::to_string(settings_.time_step));
  if (!std::isfinite(parameters_.diffusion) || parameters_.diffusion < 0.0)
    throw ConfigError(where + "diffusion must be finite and >= 0, got " +
                      std::to_string(parameters_.diffusion));
  if (!std::isfinite(parameters_.reaction))
    throw ConfigError(where + "reaction must be finite");
  if (!initial_condition_)
    throw ConfigError(where + "no initial condition given");
}

std::vector<double> AllenCahnSpectralSolver::evaluate(const std::vector<double>& x,
                                                      const std::vector<double>& t) const
{
  if (x.size() != t.size())
    throw LogicError("AllenCahnSpectralSolver::evaluate: " + std::to_string(x.size()) +
                     " x values but " + std::to_string(t.size()) + " t values");
  std::for_each(x.begin(), x.end(), check_space);
  std::for_each(t.begin(), t.end(), check_time);
  std::vector<double> u(x.size());
  if (x.empty())
    return u;

  // Points in time order, grouped by equal t so each time is interpolated once.
  std::vector<std::size_t> order(t.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return t[a] < t[b]; });
  std::vector<double> times;
  std::vector<std::size_t> group_begin;
  for (std::size_t k = 0; k < order.size(); ++k) {
    if (k == 0 || t[order[k]] != times.back()) {
      times.push_back(t[order[k]]);
      group_begin.push_back(k);
    }
  }
  group_begin.push_back(order.size());

  EtdRk4Stepper stepper(parameters_, settings_, initial_condition_);
  march(stepper, settings_.time_step, times,
        [&](std::size_t i, const std::vector<Complex>& coefficients) {
          for (std::size_t k = group_begin[i]; k < group_begin[i + 1]; ++k) {
            const std::size_t point = order[k];
            u[point] = FourierBasis(settings_.fourier_points, x[point]).evaluate(coefficients);
          }
        });
  return u;
}

std::vector<double> AllenCahnSpectralSolver::evaluate_grid(const std::vector<double>& x,
                                                           const std::vector<double>& t) const
{
  std::for_each(x.begin(), x.end(), check_space);
  std::for_each(t.begin(), t.end(), check_time);
  std::vector<double> u(x.size() * t.size());
  if (u.empty())
    return u;

  // One basis per x, reused for every t (N/2 + 1 complex numbers each).
  std::vector<FourierBasis> bases;
  bases.reserve(x.size());
  for (double xi : x)
    bases.emplace_back(settings_.fourier_points, xi);

  std::vector<std::size_t> order(t.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return t[a] < t[b]; });
  std::vector<double> times(t.size());
  std::transform(order.begin(), order.end(), times.begin(), [&](std::size_t i) { return t[i]; });

  EtdRk4Stepper stepper(parameters_, settings_, initial_condition_);
  march(stepper, settings_.time_step, times,
        [&](std::size_t i, const std::vector<Complex>& coefficients) {
          double* row = u.data() + order[i] * x.size();
          for (std::size_t ix = 0; ix < x.size(); ++ix)
            row[ix] = bases[ix].evaluate(coefficients);
        });
  return u;
}

} // namespace pinnbench::reference
