#pragma once
// A multi-index alpha over the input coordinates names one partial derivative
// d^alpha = d^{alpha_0}/dz_0^{alpha_0} ... d^{alpha_{d-1}}/dz_{d-1}^{alpha_{d-1}}.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace pinnbench::jet {

/// Most input coordinates a jet can differentiate in (x, y, z, t plus two more
/// for the high-dimensional tasks, two paired evaluations of (x, t), or the
/// shared plus per-token coordinates of a pseudo-sequence: 2 (1 + 5) for
/// PINNsFormer on (x, t)).
inline constexpr int kMaxCoordinates = 12;
/// Highest derivative order (gPINN and double PINN of a 3rd-order PDE).
inline constexpr int kMaxOrder = 4;

class MultiIndex
{
public:
  MultiIndex() = default;

  /// The multi-index of d^order/dz_j^order.
  static MultiIndex unit(int coordinate, int order = 1);
  /// From explicit exponents, e.g. {2, 0} for d^2/dx^2 in (x, t).
  static MultiIndex from(const std::vector<int>& exponents);

  int operator[](int coordinate) const { return exponents_[static_cast<std::size_t>(coordinate)]; }
  int order() const;
  bool is_zero() const { return order() == 0; }

  MultiIndex plus(int coordinate, int count = 1) const;
  MultiIndex operator+(const MultiIndex& other) const;
  /// alpha - beta; only meaningful when beta <= alpha.
  MultiIndex operator-(const MultiIndex& other) const;
  /// Componentwise beta <= alpha.
  bool divides(const MultiIndex& alpha) const;
  /// alpha! = prod_j alpha_j!
  double factorial() const;

  /// Graded order: lower total order first, then lexicographic with the first
  /// coordinate most significant (so d/dz_0 comes before d/dz_1).
  bool operator<(const MultiIndex& other) const;
  bool operator==(const MultiIndex& other) const { return exponents_ == other.exponents_; }
  bool operator!=(const MultiIndex& other) const { return !(*this == other); }

  /// "u" for the value, otherwise e.g. "xxt" given names {"x", "t"}.
  std::string to_string(const std::vector<std::string>& coordinate_names) const;

private:
  std::array<std::uint8_t, kMaxCoordinates> exponents_{};
};

} // namespace pinnbench::jet
