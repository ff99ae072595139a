// Kernels of the ops that give each point a fixed neighbourhood (ProPINN's
// differential perturbation): shifted copies of a coordinate jet, the mean over
// groups of a point's copies, and the reshuffle of rows and features within a
// point. All are linear in the jet, so a VJP is the transposed gather.
//
// host_blocked: one point (or one point and component) per iteration, inner
// loops along contiguous features. flat: one output element per thread (GPUs).
#include <pinnbench/core/Error.hpp>
#include <pinnbench/jet/Kernels.hpp>

namespace pinnbench::jet {

namespace {

bool use_flat(KernelVariant variant)
{
  if (variant == KernelVariant::automatic)
    return !Kokkos::SpaceAccessibility<ExecutionSpace, Kokkos::HostSpace>::accessible;
  return variant == KernelVariant::flat;
}

} // namespace

// --- shifted copies -------------------------------------------------------------

template <class Real>
void perturb_forward(const ConstJetView<Real>& a, const OffsetView<Real>& offsets,
                     const JetView<Real>& out, KernelVariant variant)
{
  const int components = static_cast<int>(a.extent(0));
  const int points = static_cast<int>(a.extent(1));
  const int dimension = static_cast<int>(a.extent(2));
  const int copies = static_cast<int>(offsets.extent(0));
  if (static_cast<int>(offsets.extent(1)) != dimension || out.extent(0) != a.extent(0) ||
      static_cast<std::int64_t>(out.extent(1)) != static_cast<std::int64_t>(points) * copies ||
      static_cast<int>(out.extent(2)) != dimension)
    throw LogicError("perturb: shapes of input, offsets and output disagree");
  if (use_flat(variant)) {
    const std::int64_t total = static_cast<std::int64_t>(components) * points * copies * dimension;
    Kokkos::parallel_for(
        "pinnbench::jet::perturb_forward_flat", Kokkos::RangePolicy<ExecutionSpace>(0, total),
        KOKKOS_LAMBDA(const std::int64_t i) {
          const int j = static_cast<int>(i % dimension);
          const std::int64_t row = (i / dimension) % (static_cast<std::int64_t>(points) * copies);
          const int c =
              static_cast<int>(i / (static_cast<std::int64_t>(dimension) * points * copies));
          const int n = static_cast<int>(row / copies);
          const int k = static_cast<int>(row % copies);
          out(c, row, j) = a(c, n, j) + (c == 0 ? offsets(k, j) : Real(0));
        });
    return;
  }
  Kokkos::parallel_for(
      "pinnbench::jet::perturb_forward", Kokkos::RangePolicy<ExecutionSpace>(0, points),
      KOKKOS_LAMBDA(const int n) {
        for (int c = 0; c < components; ++c) {
          const std::int64_t first = static_cast<std::int64_t>(n) * copies;
          for (int k = 0; k < copies; ++k)
            for (int j = 0; j < dimension; ++j)
              out(c, first + k, j) = a(c, n, j) + (c == 0 ? offsets(k, j) : Real(0));
        }
      });
}

template <class Real>
void perturb_vjp(const ConstJetView<Real>& adjoint_out, int copies, const JetView<Real>& adjoint_a,
                 bool accumulate, KernelVariant variant)
{
  const int components = static_cast<int>(adjoint_a.extent(0));
  const int points = static_cast<int>(adjoint_a.extent(1));
  const int dimension = static_cast<int>(adjoint_a.extent(2));
  if (static_cast<std::int64_t>(adjoint_out.extent(1)) !=
      static_cast<std::int64_t>(points) * copies)
    throw LogicError("perturb_vjp: adjoint shapes disagree");
  if (use_flat(variant)) {
    const std::int64_t total = static_cast<std::int64_t>(components) * points * dimension;
    Kokkos::parallel_for(
        "pinnbench::jet::perturb_vjp_flat", Kokkos::RangePolicy<ExecutionSpace>(0, total),
        KOKKOS_LAMBDA(const std::int64_t i) {
          const int c = static_cast<int>(i / (static_cast<std::int64_t>(points) * dimension));
          const int n = static_cast<int>((i / dimension) % points);
          const int j = static_cast<int>(i % dimension);
          const std::int64_t first = static_cast<std::int64_t>(n) * copies;
          Real sum = Real(0);
          for (int k = 0; k < copies; ++k)
            sum += adjoint_out(c, first + k, j);
          adjoint_a(c, n, j) = accumulate ? adjoint_a(c, n, j) + sum : sum;
        });
    return;
  }
  Kokkos::parallel_for(
      "pinnbench::jet::perturb_vjp", Kokkos::RangePolicy<ExecutionSpace>(0, points),
      KOKKOS_LAMBDA(const int n) {
        const std::int64_t first = static_cast<std::int64_t>(n) * copies;
        for (int c = 0; c < components; ++c)
          for (int j = 0; j < dimension; ++j) {
            Real sum = Real(0);
            for (int k = 0; k < copies; ++k)
              sum += adjoint_out(c, first + k, j);
            adjoint_a(c, n, j) = accumulate ? adjoint_a(c, n, j) + sum : sum;
          }
      });
}

// --- group means ----------------------------------------------------------------

template <class Real>
void group_mean_forward(const ConstJetView<Real>& a, const GroupBounds& bounds,
                        const JetView<Real>& out, KernelVariant variant)
{
  const int components = static_cast<int>(a.extent(0));
  const int features = static_cast<int>(a.extent(2));
  const int groups = static_cast<int>(bounds.extent(0)) - 1;
  const int points = groups > 0 ? static_cast<int>(out.extent(1)) / groups : 0;
  const int copies = points > 0 ? static_cast<int>(a.extent(1)) / points : 0;
  if (groups < 1 || out.extent(0) != a.extent(0) || static_cast<int>(out.extent(2)) != features ||
      static_cast<std::int64_t>(a.extent(1)) != static_cast<std::int64_t>(points) * copies)
    throw LogicError("group_mean: shapes of input, groups and output disagree");
  if (use_flat(variant)) {
    const std::int64_t total = static_cast<std::int64_t>(components) * points * groups * features;
    Kokkos::parallel_for(
        "pinnbench::jet::group_mean_forward_flat", Kokkos::RangePolicy<ExecutionSpace>(0, total),
        KOKKOS_LAMBDA(const std::int64_t i) {
          const int f = static_cast<int>(i % features);
          const std::int64_t row = (i / features) % (static_cast<std::int64_t>(points) * groups);
          const int c =
              static_cast<int>(i / (static_cast<std::int64_t>(features) * points * groups));
          const int n = static_cast<int>(row / groups);
          const int g = static_cast<int>(row % groups);
          const std::int64_t first = static_cast<std::int64_t>(n) * copies;
          Real sum = Real(0);
          for (int k = bounds(g); k < bounds(g + 1); ++k)
            sum += a(c, first + k, f);
          out(c, row, f) = sum / static_cast<Real>(bounds(g + 1) - bounds(g));
        });
    return;
  }
  Kokkos::parallel_for(
      "pinnbench::jet::group_mean_forward",
      Kokkos::MDRangePolicy<ExecutionSpace, Kokkos::Rank<2>>({0, 0}, {components, points}),
      KOKKOS_LAMBDA(const int c, const int n) {
        const Real* in = a.data() + (static_cast<std::size_t>(c) * a.extent(1) +
                                     static_cast<std::size_t>(n) * copies) *
                                        features;
        Real* o = out.data() + (static_cast<std::size_t>(c) * out.extent(1) +
                                static_cast<std::size_t>(n) * groups) *
                                   features;
        for (int g = 0; g < groups; ++g) {
          Real* og = o + static_cast<std::size_t>(g) * features;
          for (int f = 0; f < features; ++f)
            og[f] = Real(0);
          for (int k = bounds(g); k < bounds(g + 1); ++k) {
            const Real* row = in + static_cast<std::size_t>(k) * features;
            for (int f = 0; f < features; ++f)
              og[f] += row[f];
          }
          const Real inverse = Real(1) / static_cast<Real>(bounds(g + 1) - bounds(g));
          for (int f = 0; f < features; ++f)
            og[f] *= inverse;
        }
      });
}

template <class Real>
void group_mean_vjp(const ConstJetView<Real>& adjoint_out, const GroupBounds& bounds,
                    const JetView<Real>& adjoint_a, bool accumulate, KernelVariant variant)
{
  const int components = static_cast<int>(adjoint_a.extent(0));
  const int features = static_cast<int>(adjoint_a.extent(2));
  const int groups = static_cast<int>(bounds.extent(0)) - 1;
  const int points = groups > 0 ? static_cast<int>(adjoint_out.extent(1)) / groups : 0;
  const int copies = points > 0 ? static_cast<int>(adjoint_a.extent(1)) / points : 0;
  if (groups < 1 ||
      static_cast<std::int64_t>(adjoint_a.extent(1)) != static_cast<std::int64_t>(points) * copies)
    throw LogicError("group_mean_vjp: adjoint shapes disagree");
  if (use_flat(variant)) {
    const std::int64_t total = static_cast<std::int64_t>(components) * points * copies * features;
    Kokkos::parallel_for(
        "pinnbench::jet::group_mean_vjp_flat", Kokkos::RangePolicy<ExecutionSpace>(0, total),
        KOKKOS_LAMBDA(const std::int64_t i) {
          const int f = static_cast<int>(i % features);
          const std::int64_t row = (i / features) % (static_cast<std::int64_t>(points) * copies);
          const int c =
              static_cast<int>(i / (static_cast<std::int64_t>(features) * points * copies));
          const int n = static_cast<int>(row / copies);
          const int k = static_cast<int>(row % copies);
          int g = 0;
          while (k >= bounds(g + 1))
            ++g;
          const Real value = adjoint_out(c, static_cast<std::int64_t>(n) * groups + g, f) /
                             static_cast<Real>(bounds(g + 1) - bounds(g));
          adjoint_a(c, row, f) = accumulate ? adjoint_a(c, row, f) + value : value;
        });
    return;
  }
  Kokkos::parallel_for(
      "pinnbench::jet::group_mean_vjp",
      Kokkos::MDRangePolicy<ExecutionSpace, Kokkos::Rank<2>>({0, 0}, {components, points}),
      KOKKOS_LAMBDA(const int c, const int n) {
        const Real* o = adjoint_out.data() + (static_cast<std::size_t>(c) * adjoint_out.extent(1) +
                                              static_cast<std::size_t>(n) * groups) *
                                                 features;
        Real* in = adjoint_a.data() + (static_cast<std::size_t>(c) * adjoint_a.extent(1) +
                                       static_cast<std::size_t>(n) * copies) *
                                          features;
        for (int g = 0; g < groups; ++g) {
          const Real inverse = Real(1) / static_cast<Real>(bounds(g + 1) - bounds(g));
          const Real* og = o + static_cast<std::size_t>(g) * features;
          for (int k = bounds(g); k < bounds(g + 1); ++k) {
            Real* row = in + static_cast<std::size_t>(k) * features;
            if (accumulate)
              for (int f = 0; f < features; ++f)
                row[f] += og[f] * inverse;
            else
              for (int f = 0; f < features; ++f)
                row[f] = og[f] * inverse;
          }
        }
      });
}

// --- rows <-> features within a point ------------------------------------------

template <class Real>
void regroup_forward(const ConstJetView<Real>& a, int rows, const JetView<Real>& out,
                     KernelVariant variant)
{
  const int components = static_cast<int>(a.extent(0));
  const int features = static_cast<int>(a.extent(2));
  const int points = rows > 0 ? static_cast<int>(a.extent(1)) / rows : 0;
  if (rows < 1 || out.extent(0) != a.extent(0) || static_cast<int>(out.extent(2)) != rows ||
      static_cast<std::int64_t>(out.extent(1)) != static_cast<std::int64_t>(points) * features ||
      static_cast<std::int64_t>(a.extent(1)) != static_cast<std::int64_t>(points) * rows)
    throw LogicError("regroup: shapes of input and output disagree");
  if (use_flat(variant)) {
    const std::int64_t total = static_cast<std::int64_t>(components) * points * rows * features;
    Kokkos::parallel_for(
        "pinnbench::jet::regroup_forward_flat", Kokkos::RangePolicy<ExecutionSpace>(0, total),
        KOKKOS_LAMBDA(const std::int64_t i) {
          // One thread per output element (c, n F + f, r).
          const int r = static_cast<int>(i % rows);
          const std::int64_t row = (i / rows) % (static_cast<std::int64_t>(points) * features);
          const int c = static_cast<int>(i / (static_cast<std::int64_t>(rows) * points * features));
          const int n = static_cast<int>(row / features);
          const int f = static_cast<int>(row % features);
          out(c, row, r) = a(c, static_cast<std::int64_t>(n) * rows + r, f);
        });
    return;
  }
  Kokkos::parallel_for(
      "pinnbench::jet::regroup_forward",
      Kokkos::MDRangePolicy<ExecutionSpace, Kokkos::Rank<2>>({0, 0}, {components, points}),
      KOKKOS_LAMBDA(const int c, const int n) {
        // A rows x features block transposed into features x rows.
        const std::size_t block = static_cast<std::size_t>(rows) * features;
        const Real* in = a.data() + (static_cast<std::size_t>(c) * a.extent(1) * features) +
                         static_cast<std::size_t>(n) * block;
        Real* o = out.data() + (static_cast<std::size_t>(c) * out.extent(1) * rows) +
                  static_cast<std::size_t>(n) * block;
        for (int f = 0; f < features; ++f)
          for (int r = 0; r < rows; ++r)
            o[static_cast<std::size_t>(f) * rows + r] =
                in[static_cast<std::size_t>(r) * features + f];
      });
}

template <class Real>
void regroup_vjp(const ConstJetView<Real>& adjoint_out, int rows, const JetView<Real>& adjoint_a,
                 bool accumulate, KernelVariant variant)
{
  const int components = static_cast<int>(adjoint_a.extent(0));
  const int features = static_cast<int>(adjoint_a.extent(2));
  const int points = rows > 0 ? static_cast<int>(adjoint_a.extent(1)) / rows : 0;
  if (rows < 1 || static_cast<int>(adjoint_out.extent(2)) != rows ||
      static_cast<std::int64_t>(adjoint_out.extent(1)) !=
          static_cast<std::int64_t>(points) * features)
    throw LogicError("regroup_vjp: adjoint shapes disagree");
  if (use_flat(variant)) {
    const std::int64_t total = static_cast<std::int64_t>(components) * points * rows * features;
    Kokkos::parallel_for(
        "pinnbench::jet::regroup_vjp_flat", Kokkos::RangePolicy<ExecutionSpace>(0, total),
        KOKKOS_LAMBDA(const std::int64_t i) {
          // One thread per input element (c, n R + r, f).
          const int f = static_cast<int>(i % features);
          const std::int64_t row = (i / features) % (static_cast<std::int64_t>(points) * rows);
          const int c = static_cast<int>(i / (static_cast<std::int64_t>(features) * points * rows));
          const int n = static_cast<int>(row / rows);
          const int r = static_cast<int>(row % rows);
          const Real value = adjoint_out(c, static_cast<std::int64_t>(n) * features + f, r);
          adjoint_a(c, row, f) = accumulate ? adjoint_a(c, row, f) + value : value;
        });
    return;
  }
  Kokkos::parallel_for(
      "pinnbench::jet::regroup_vjp",
      Kokkos::MDRangePolicy<ExecutionSpace, Kokkos::Rank<2>>({0, 0}, {components, points}),
      KOKKOS_LAMBDA(const int c, const int n) {
        const std::size_t block = static_cast<std::size_t>(rows) * features;
        const Real* o = adjoint_out.data() +
                        (static_cast<std::size_t>(c) * adjoint_out.extent(1) * rows) +
                        static_cast<std::size_t>(n) * block;
        Real* in = adjoint_a.data() +
                   (static_cast<std::size_t>(c) * adjoint_a.extent(1) * features) +
                   static_cast<std::size_t>(n) * block;
        for (int r = 0; r < rows; ++r) {
          Real* row = in + static_cast<std::size_t>(r) * features;
          if (accumulate)
            for (int f = 0; f < features; ++f)
              row[f] += o[static_cast<std::size_t>(f) * rows + r];
          else
            for (int f = 0; f < features; ++f)
              row[f] = o[static_cast<std::size_t>(f) * rows + r];
        }
      });
}

#define PINNBENCH_INSTANTIATE_REGION(Real)                                                         \
  template void perturb_forward<Real>(const ConstJetView<Real>&, const OffsetView<Real>&,          \
                                      const JetView<Real>&, KernelVariant);                        \
  template void perturb_vjp<Real>(const ConstJetView<Real>&, int, const JetView<Real>&, bool,      \
                                  KernelVariant);                                                  \
  template void group_mean_forward<Real>(const ConstJetView<Real>&, const GroupBounds&,            \
                                         const JetView<Real>&, KernelVariant);                     \
  template void group_mean_vjp<Real>(const ConstJetView<Real>&, const GroupBounds&,                \
                                     const JetView<Real>&, bool, KernelVariant);                   \
  template void regroup_forward<Real>(const ConstJetView<Real>&, int, const JetView<Real>&,        \
                                      KernelVariant);                                              \
  template void regroup_vjp<Real>(const ConstJetView<Real>&, int, const JetView<Real>&, bool,      \
                                  KernelVariant);

PINNBENCH_INSTANTIATE_REGION(float)
PINNBENCH_INSTANTIATE_REGION(double)

} // namespace pinnbench::jet
