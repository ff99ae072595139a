#pragma once
// Built-in reference solution of the 1D Allen-Cahn equation
//
//   u_t = D u_xx + R (u - u^3),  x in [-1, 1] periodic,  u(x, 0) = u0(x),
//
// by the method that produced the published reference (Chebfun `spin`):
// Fourier pseudo-spectral in x and ETDRK4 (Cox & Matthews 2002) in time, with
// the phi-function coefficients computed by the Kassam & Trefethen (2005)
// contour integral. Defaults (D = 1e-4, R = 5, N = 512, dt = 1e-5) give the
// failure-mode suite's Allen-Cahn problem with u0 = x^2 cos(pi x).
#include <functional>
#include <vector>

namespace pinnbench::reference {

/// Coefficients of u_t = diffusion * u_xx + reaction * (u - u^3).
struct AllenCahnParameters
{
  double diffusion = 1e-4; ///< D >= 0
  double reaction = 5.0;   ///< R, any finite value (R = 0 is the heat equation)
};

/// Discretisation of the reference solver.
struct SpectralSettings
{
  /// Fourier grid size N (even, >= 16). The grid is x_j = -1 + 2 j / N, j = 0..N-1.
  int fourier_points = 512;
  /// Constant ETDRK4 step dt > 0.
  double time_step = 1e-5;
  /// Zero the Fourier modes |m| > N/3 of the nonlinear term (the 2/3 rule).
  /// Off by default, as in Chebfun `spin`, which made the published data. At the
  /// default settings it also costs accuracy, since u^3 keeps only N/3 modes: at
  /// t = 1 the error (against N = 2048) grows from 9e-6 to 3e-4.
  bool dealias = false;
};

/// The failure-mode suite's initial condition, u0(x) = x^2 cos(pi x).
double allen_cahn_initial_condition(double x);

/// Solves the Allen-Cahn equation on demand and samples u at requested points.
///
/// Each evaluate call time-steps from t = 0 once, up to its largest requested t,
/// and keeps nothing between calls. Off-step times are filled in by cubic Hermite
/// interpolation between the two bracketing steps, with u_t = L u + N(u) taken
/// from the PDE itself (error O(dt^4), far below the ETDRK4 error at dt = 1e-5);
/// the step is never shortened, so every evaluate call follows the same
/// trajectory. In x, u is the exact trigonometric interpolant of the Fourier
/// coefficients, so it is periodic and smooth for any x.
///
/// Serial and host-only: call it from each MPI rank that needs it. FFTW's planner
/// is not thread-safe, so do not call evaluate from several threads at once.
class AllenCahnSpectralSolver
{
public:
  using InitialCondition = std::function<double(double)>;

  /// Throws pinnbench::ConfigError when a parameter or setting is out of range.
  explicit AllenCahnSpectralSolver(
      AllenCahnParameters parameters = {}, SpectralSettings settings = {},
      InitialCondition initial_condition = allen_cahn_initial_condition);

  /// u(x[i], t[i]) for every i. x may be any finite value (taken modulo 2 into
  /// [-1, 1)); every t must be finite and >= 0. Throws pinnbench::ConfigError for
  /// a bad point or a non-finite initial value on the grid, and
  /// pinnbench::LogicError when x and t differ in length.
  std::vector<double> evaluate(const std::vector<double>& x, const std::vector<double>& t) const;

  /// u on the tensor grid x (inner) by t (outer): result[it * x.size() + ix] =
  /// u(x[ix], t[it]), the row-major (Nt, Nx) layout of the reference data files.
  std::vector<double> evaluate_grid(const std::vector<double>& x,
                                    const std::vector<double>& t) const;

  const AllenCahnParameters& parameters() const { return parameters_; }
  const SpectralSettings& settings() const { return settings_; }

private:
  AllenCahnParameters parameters_;
  SpectralSettings settings_;
  InitialCondition initial_condition_;
};

} // namespace pinnbench::reference
