#pragma once
// Jet arithmetic compiled once per derivative set into flat term lists
// ("programs") that kernels evaluate per (point, feature) without recursion.
//
// Faa di Bruno, y = f(z) on a downward-closed set S, for alpha != 0:
//   d^alpha y = sum_k f^(k)(z_0) sum_{multisets {b_1..b_k}, b_i != 0, sum b_i = alpha}
//                 c(alpha; b) prod_i d^{b_i} z,   c = alpha! / (prod_i b_i! prod_m mult_m!)
// Leibniz, (A B)_alpha = sum_{beta <= alpha} C(alpha, beta) A_beta B_{alpha - beta}.
// A collapsed Laplacian component L over axes A (DerivativeSet.hpp) follows
//   f(z)_L = f'(z_0) z_L + f''(z_0) sum_{d in A} (z_d)^2,
//   (A B)_L = A_0 B_L + A_L B_0 + 2 sum_{d in A} A_d B_d,
// which are terms of the same two kinds, so the same kernels evaluate them.
#include <pinnbench/core/Types.hpp>
#include <pinnbench/jet/DerivativeSet.hpp>
#include <vector>

namespace pinnbench::jet {

/// coefficient * f^(order)(z_0) * z[factors[0]] * ... * z[factors[order - 1]]
/// contributes to component `output`.
using ComponentMap = Kokkos::View<const int*, MemorySpace>;

struct FaaDiBrunoTerm
{
  int output;
  int order;
  int factors[kMaxOrder];
  double coefficient;
};

/// coefficient * A[left] * B[right] contributes to component `output`.
struct LeibnizTerm
{
  int output;
  int left;
  int right;
  double coefficient;
};

/// Terms for every non-value component of S, grouped by output component in
/// increasing order.
std::vector<FaaDiBrunoTerm> faa_di_bruno_terms(const DerivativeSet& set);

/// Terms of C = A B on `output`, which must be a subset of both operand sets.
std::vector<LeibnizTerm> leibniz_terms(const DerivativeSet& output, const DerivativeSet& left,
                                       const DerivativeSet& right);

/// For every component of `to`, the component of the same multi-index in
/// `from`, or -1 where `from` lacks it.
std::vector<int> component_map(const DerivativeSet& from, const DerivativeSet& to);

/// Most collapsed Laplacians the fused gradient + Laplacian host kernels take.
inline constexpr int kMaxFastLaplacians = 4;

/// Most second derivatives the fused order-2 host kernels take (all of 4 coordinates).
inline constexpr int kMaxFastSeconds = 10;

/// Device copies, built once per set (or set triple) and cached for the process.
struct FaaDiBrunoProgram
{
  Kokkos::View<const FaaDiBrunoTerm*, MemorySpace> terms;
  /// terms of output component c are [offsets(c), offsets(c + 1)); c = 0 is empty.
  Kokkos::View<const int*, MemorySpace> offsets;
  int components = 0;
  int max_order = 0;
  /// The set is the value, `first_order` first derivatives (components 1 ..
  /// first_order) and `laplacians` collapsed Laplacians after them: host kernels
  /// then run a fused form of the same terms. Bit c of laplacian_members[l] is
  /// set when Laplacian l sums over the coordinate of component c.
  bool laplacian_fast_path = false;
  int first_order = 0;
  int laplacians = 0;
  unsigned laplacian_members[kMaxFastLaplacians] = {};
  /// The set holds multi-indices of order <= 2 only (no collapsed Laplacian):
  /// host kernels then run the terms fused, y_a = f' z_a for a first derivative
  /// and y_ab = f' z_ab + f'' z_a z_b for a second one. first_components lists
  /// the `firsts` first derivatives; second derivative s is component
  /// second_components[s] with factors first_components[second_factors[s][0 and 1]].
  bool second_order_fast_path = false;
  int firsts = 0;
  int seconds = 0;
  int first_components[kMaxCoordinates] = {};
  int second_components[kMaxFastSeconds] = {};
  int second_factors[kMaxFastSeconds][2] = {};
};

struct LeibnizProgram
{
  Kokkos::View<const LeibnizTerm*, MemorySpace> terms;
  Kokkos::View<const int*, MemorySpace> offsets;
  int components = 0;
};

const FaaDiBrunoProgram& faa_di_bruno_program(const DerivativeSetPtr& set);
const LeibnizProgram& leibniz_program(const DerivativeSetPtr& output, const DerivativeSetPtr& left,
                                      const DerivativeSetPtr& right);
/// Device copy of component_map(from, to), cached.
ComponentMap device_component_map(const DerivativeSetPtr& from, const DerivativeSetPtr& to);

/// For d/dz_j: for each component of set->shifted(j), its source component.
ComponentMap device_shift_map(const DerivativeSetPtr& set, int coordinate);
/// For reading a collapsed Laplacian as a value-only jet: {its component}.
ComponentMap device_laplacian_map(const DerivativeSetPtr& set, AxisMask axes);
/// For embedding a jet on `source` into `target` (more coordinates), its own
/// coordinates becoming offset, offset + 1, ...: for each component of `target`
/// the source component, or -1 where the multi-index involves other coordinates
/// (those derivatives are zero: the embedded function does not depend on them).
ComponentMap device_embed_map(const DerivativeSetPtr& source, const DerivativeSetPtr& target,
                              int offset);

} // namespace pinnbench::jet
