// Kernels of the cheap jet operations: linear combinations and component
// gathers, Leibniz products, coordinate jets, reductions. These act on
// residual-level jets (a few features), so one simple kernel each is enough.
#include <pinnbench/core/Error.hpp>
#include <pinnbench/core/Math.hpp>
#include <pinnbench/jet/Kernels.hpp>

namespace pinnbench::jet {

namespace {

KOKKOS_INLINE_FUNCTION int select(FeatureSelection sel, int f)
{
  return sel.offset + sel.stride * f;
}

template <class Real>
void check_selection(const ConstJetView<Real>& input, FeatureSelection sel, int features,
                     const char* what)
{
  const int last = sel.offset + sel.stride * (features - 1);
  if (sel.offset < 0 || last < 0 || last >= static_cast<int>(input.extent(2)) ||
      sel.offset >= static_cast<int>(input.extent(2)))
    throw LogicError(std::string(what) + ": feature selection outside the input jet");
}

/// Per jet coordinate k, the component of its unit multi-index (-1: not in the
/// set) and the first derivative of every input along it (captured by value).
template <class Real>
struct CoordinateSeeds
{
  int count = 0;
  int component[kMaxCoordinates] = {};
  Real seed[kMaxCoordinates][kMaxCoordinates] = {}; // [k][input]
};

template <class Real>
void zero(const JetView<Real>& view)
{
  Kokkos::deep_copy(view, Real(0));
}

constexpr int kLeibnizBlock = 64;

bool on_host()
{
  return Kokkos::SpaceAccessibility<ExecutionSpace, Kokkos::HostSpace>::accessible;
}

/// Products of hidden-layer jets (QRes: H1 * H2) on a host: one point per
/// iteration, each program term a vectorisable loop over a block of features.
/// Both operands are read feature by feature from offset 0 (stride 1).
template <class Real>
void leibniz_forward_blocked(const LeibnizProgram& program, const ConstJetView<Real>& a,
                             const ConstJetView<Real>& b, const JetView<Real>& c)
{
  const int components = static_cast<int>(c.extent(0));
  const int points = static_cast<int>(c.extent(1));
  const int features = static_cast<int>(c.extent(2));
  const std::size_t plane = static_cast<std::size_t>(points) * features;
  const auto terms = program.terms;
  const auto offsets = program.offsets;
  const Real* a_data = a.data();
  const Real* b_data = b.data();
  Real* c_data = c.data();
  Kokkos::parallel_for(
      "pinnbench::jet::leibniz_forward_blocked", Kokkos::RangePolicy<ExecutionSpace>(0, points),
      KOKKOS_LAMBDA(const int n) {
        for (int f0 = 0; f0 < features; f0 += kLeibnizBlock) {
          const int count = features - f0 < kLeibnizBlock ? features - f0 : kLeibnizBlock;
          const std::size_t base = static_cast<std::size_t>(n) * features + f0;
          for (int k = 0; k < components; ++k) {
            Real acc[kLeibnizBlock];
            for (int f = 0; f < count; ++f)
              acc[f] = Real(0);
            for (int t = offsets(k); t < offsets(k + 1); ++t) {
              const LeibnizTerm term = terms(t);
              const Real coefficient = static_cast<Real>(term.coefficient);
              const Real* x = a_data + term.left * plane + base;
              const Real* y = b_data + term.right * plane + base;
              for (int f = 0; f < count; ++f)
                acc[f] += coefficient * x[f] * y[f];
            }
            Real* out = c_data + k * plane + base;
            for (int f = 0; f < count; ++f)
              out[f] = acc[f];
          }
        }
      });
}

/// The VJP of leibniz_forward_blocked for one operand (self and other both stride 1).
template <class Real>
void leibniz_vjp_blocked(const LeibnizProgram& program, const ConstJetView<Real>& adjoint_c,
                         const ConstJetView<Real>& other, const JetView<Real>& adjoint_self,
                         bool self_is_left, bool accumulate)
{
  const int components = static_cast<int>(adjoint_c.extent(0));
  const int self_components = static_cast<int>(adjoint_self.extent(0));
  const int points = static_cast<int>(adjoint_c.extent(1));
  const int features = static_cast<int>(adjoint_c.extent(2));
  const std::size_t plane = static_cast<std::size_t>(points) * features;
  const auto terms = program.terms;
  const auto offsets = program.offsets;
  const Real* g_data = adjoint_c.data();
  const Real* o_data = other.data();
  Real* s_data = adjoint_self.data();
  Kokkos::parallel_for(
      "pinnbench::jet::leibniz_vjp_blocked", Kokkos::RangePolicy<ExecutionSpace>(0, points),
      KOKKOS_LAMBDA(const int n) {
        for (int f0 = 0; f0 < features; f0 += kLeibnizBlock) {
          const int count = features - f0 < kLeibnizBlock ? features - f0 : kLeibnizBlock;
          const std::size_t base = static_cast<std::size_t>(n) * features + f0;
          if (!accumulate)
            for (int k = 0; k < self_components; ++k)
              for (int f = 0; f < count; ++f)
                s_data[k * plane + base + f] = Real(0);
          for (int k = 0; k < components; ++k) {
            const Real* g = g_data + k * plane + base;
            for (int t = offsets(k); t < offsets(k + 1); ++t) {
              const LeibnizTerm term = terms(t);
              const Real coefficient = static_cast<Real>(term.coefficient);
              const int mine = self_is_left ? term.left : term.right;
              const int theirs = self_is_left ? term.right : term.left;
              const Real* y = o_data + theirs * plane + base;
              Real* out = s_data + mine * plane + base;
              for (int f = 0; f < count; ++f)
                out[f] += coefficient * g[f] * y[f];
            }
          }
        }
      });
}

bool is_identity(FeatureSelection sel)
{
  return sel.offset == 0 && sel.stride == 1;
}

} // namespace

template <class Real>
void combine_forward(const JetView<Real>& out, Real alpha, const ConstJetView<Real>& a,
                     const ComponentMap& map_a, FeatureSelection sel_a, Real beta,
                     const ConstJetView<Real>& b, const ComponentMap& map_b, FeatureSelection sel_b,
                     Real constant)
{
  const int components = static_cast<int>(out.extent(0));
  const int points = static_cast<int>(out.extent(1));
  const int features = static_cast<int>(out.extent(2));
  const bool has_b = b.data() != nullptr;
  check_selection(a, sel_a, features, "combine");
  if (has_b)
    check_selection(b, sel_b, features, "combine");
  if (a.extent(1) != out.extent(1) || (has_b && b.extent(1) != out.extent(1)))
    throw LogicError("combine: operands have different point counts");
  Kokkos::parallel_for(
      "pinnbench::jet::combine_forward",
      Kokkos::RangePolicy<ExecutionSpace>(0, static_cast<std::int64_t>(points) * features),
      KOKKOS_LAMBDA(const std::int64_t i) {
        const int n = static_cast<int>(i / features);
        const int f = static_cast<int>(i % features);
        const int fa = select(sel_a, f);
        const int fb = has_b ? select(sel_b, f) : 0;
        for (int c = 0; c < components; ++c) {
          Real value = c == 0 ? constant : Real(0);
          if (map_a(c) >= 0)
            value += alpha * a(map_a(c), n, fa);
          if (has_b && map_b(c) >= 0)
            value += beta * b(map_b(c), n, fb);
          out(c, n, f) = value;
        }
      });
}

template <class Real>
void combine_vjp(const ConstJetView<Real>& adjoint_out, Real alpha, const ComponentMap& map,
                 FeatureSelection sel, const JetView<Real>& adjoint_a, bool accumulate)
{
  if (!accumulate)
    zero(adjoint_a);
  const int components = static_cast<int>(adjoint_out.extent(0));
  const int points = static_cast<int>(adjoint_out.extent(1));
  const int features = static_cast<int>(adjoint_out.extent(2));
  // One point per iteration: with broadcasting, several output features add
  // into the same input feature.
  Kokkos::parallel_for(
      "pinnbench::jet::combine_vjp", Kokkos::RangePolicy<ExecutionSpace>(0, points),
      KOKKOS_LAMBDA(const int n) {
        for (int c = 0; c < components; ++c) {
          const int source = map(c);
          if (source < 0)
            continue;
          for (int f = 0; f < features; ++f)
            adjoint_a(source, n, select(sel, f)) += alpha * adjoint_out(c, n, f);
        }
      });
}

template <class Real>
void leibniz_forward(const LeibnizProgram& program, const ConstJetView<Real>& a,
                     FeatureSelection sel_a, const ConstJetView<Real>& b, FeatureSelection sel_b,
                     const JetView<Real>& c)
{
  const int components = static_cast<int>(c.extent(0));
  const int points = static_cast<int>(c.extent(1));
  const int features = static_cast<int>(c.extent(2));
  if (program.components != components)
    throw LogicError("Leibniz program compiled for a different output set");
  check_selection(a, sel_a, features, "mul");
  check_selection(b, sel_b, features, "mul");
  if (on_host() && is_identity(sel_a) && is_identity(sel_b) &&
      static_cast<int>(a.extent(2)) == features && static_cast<int>(b.extent(2)) == features &&
      a.extent(1) == c.extent(1) && b.extent(1) == c.extent(1)) {
    leibniz_forward_blocked(program, a, b, c);
    return;
  }
  const auto terms = program.terms;
  const auto offsets = program.offsets;
  Kokkos::parallel_for(
      "pinnbench::jet::leibniz_forward",
      Kokkos::RangePolicy<ExecutionSpace>(0, static_cast<std::int64_t>(points) * features),
      KOKKOS_LAMBDA(const std::int64_t i) {
        const int n = static_cast<int>(i / features);
        const int f = static_cast<int>(i % features);
        const int fa = select(sel_a, f);
        const int fb = select(sel_b, f);
        for (int k = 0; k < components; ++k) {
          Real value = Real(0);
          for (int t = offsets(k); t < offsets(k + 1); ++t) {
            const LeibnizTerm& term = terms(t);
            value +=
                static_cast<Real>(term.coefficient) * a(term.left, n, fa) * b(term.right, n, fb);
          }
          c(k, n, f) = value;
        }
      });
}

template <class Real>
void leibniz_vjp(const LeibnizProgram& program, const ConstJetView<Real>& adjoint_c,
                 const ConstJetView<Real>& other, FeatureSelection sel_other,
                 const JetView<Real>& adjoint_self, FeatureSelection sel_self, bool self_is_left,
                 bool accumulate)
{
  const int components = static_cast<int>(adjoint_c.extent(0));
  const int points = static_cast<int>(adjoint_c.extent(1));
  const int features = static_cast<int>(adjoint_c.extent(2));
  if (on_host() && is_identity(sel_other) && is_identity(sel_self) &&
      static_cast<int>(other.extent(2)) == features &&
      static_cast<int>(adjoint_self.extent(2)) == features &&
      other.extent(1) == adjoint_c.extent(1) && adjoint_self.extent(1) == adjoint_c.extent(1)) {
    leibniz_vjp_blocked(program, adjoint_c, other, adjoint_self, self_is_left, accumulate);
    return;
  }
  if (!accumulate)
    zero(adjoint_self);
  const auto terms = program.terms;
  const auto offsets = program.offsets;
  Kokkos::parallel_for(
      "pinnbench::jet::leibniz_vjp", Kokkos::RangePolicy<ExecutionSpace>(0, points),
      KOKKOS_LAMBDA(const int n) {
        for (int f = 0; f < features; ++f) {
          const int fo = select(sel_other, f);
          const int fs = select(sel_self, f);
          for (int k = 0; k < components; ++k) {
            const Real g = adjoint_c(k, n, f);
            for (int t = offsets(k); t < offsets(k + 1); ++t) {
              const LeibnizTerm& term = terms(t);
              const int mine = self_is_left ? term.left : term.right;
              const int theirs = self_is_left ? term.right : term.left;
              adjoint_self(mine, n, fs) +=
                  static_cast<Real>(term.coefficient) * g * other(theirs, n, fo);
            }
          }
        }
      });
}

template <class Real>
void coordinate_jet(const Kokkos::View<const Real**, Kokkos::LayoutRight, MemorySpace>& points,
                    const std::vector<std::vector<double>>& directions,
                    const std::vector<int>& direction_components, const JetView<Real>& out)
{
  const int dimension = static_cast<int>(points.extent(1));
  const int count = static_cast<int>(directions.size());
  if (static_cast<int>(out.extent(2)) != dimension || dimension > kMaxCoordinates)
    throw LogicError("coordinate jet: features must equal the coordinate dimension");
  if (count > kMaxCoordinates || static_cast<int>(direction_components.size()) != count)
    throw LogicError("coordinate jet: one set component per direction, at most " +
                     std::to_string(kMaxCoordinates));
  if (points.extent(0) != out.extent(1))
    throw LogicError("coordinate jet: point count mismatch");
  zero(out);
  CoordinateSeeds<Real> seeds;
  seeds.count = count;
  for (int k = 0; k < count; ++k) {
    const auto& direction = directions[static_cast<std::size_t>(k)];
    if (static_cast<int>(direction.size()) != dimension)
      throw LogicError("coordinate jet: a direction needs one entry per coordinate");
    seeds.component[k] = direction_components[static_cast<std::size_t>(k)];
    for (int j = 0; j < dimension; ++j)
      seeds.seed[k][j] = static_cast<Real>(direction[static_cast<std::size_t>(j)]);
  }
  Kokkos::parallel_for(
      "pinnbench::jet::coordinate_jet",
      Kokkos::RangePolicy<ExecutionSpace>(0, static_cast<int>(points.extent(0))),
      KOKKOS_LAMBDA(const int n) {
        for (int j = 0; j < dimension; ++j) {
          out(0, n, j) = points(n, j);
          for (int k = 0; k < seeds.count; ++k)
            if (seeds.component[k] >= 0)
              out(seeds.component[k], n, j) = seeds.seed[k][j];
        }
      });
}

template <class Real>
void coordinate_jet(const Kokkos::View<const Real**, Kokkos::LayoutRight, MemorySpace>& points,
                    const std::vector<int>& unit_components, const JetView<Real>& out)
{
  const int dimension = static_cast<int>(points.extent(1));
  if (static_cast<int>(unit_components.size()) != dimension)
    throw LogicError("coordinate jet: features must equal the coordinate dimension");
  // The unit directions: d/dz_j of input j is 1.
  std::vector<std::vector<double>> units(static_cast<std::size_t>(dimension),
                                         std::vector<double>(static_cast<std::size_t>(dimension)));
  for (int j = 0; j < dimension; ++j)
    units[static_cast<std::size_t>(j)][static_cast<std::size_t>(j)] = 1.0;
  coordinate_jet(points, units, unit_components, out);
}

template <class Real>
void affine_forward(const ConstJetView<Real>& a, const FeatureAffine<Real>& map,
                    const JetView<Real>& out)
{
  const int components = static_cast<int>(out.extent(0));
  const int points = static_cast<int>(out.extent(1));
  const int features = static_cast<int>(out.extent(2));
  if (a.extent(0) != out.extent(0) || a.extent(1) != out.extent(1) ||
      a.extent(2) != out.extent(2) || features > kMaxCoordinates)
    throw LogicError("affine: operand and result shapes differ (or too many features)");
  Kokkos::parallel_for(
      "pinnbench::jet::affine_forward",
      Kokkos::RangePolicy<ExecutionSpace>(0, static_cast<std::int64_t>(points) * features),
      KOKKOS_LAMBDA(const std::int64_t i) {
        const int n = static_cast<int>(i / features);
        const int f = static_cast<int>(i % features);
        out(0, n, f) = map.scale[f] * a(0, n, f) + map.shift[f];
        for (int c = 1; c < components; ++c)
          out(c, n, f) = map.scale[f] * a(c, n, f);
      });
}

template <class Real>
void affine_vjp(const ConstJetView<Real>& adjoint_out, const FeatureAffine<Real>& map,
                const JetView<Real>& adjoint_a, bool accumulate)
{
  const int components = static_cast<int>(adjoint_out.extent(0));
  const int points = static_cast<int>(adjoint_out.extent(1));
  const int features = static_cast<int>(adjoint_out.extent(2));
  Kokkos::parallel_for(
      "pinnbench::jet::affine_vjp",
      Kokkos::RangePolicy<ExecutionSpace>(0, static_cast<std::int64_t>(points) * features),
      KOKKOS_LAMBDA(const std::int64_t i) {
        const int n = static_cast<int>(i / features);
        const int f = static_cast<int>(i % features);
        for (int c = 0; c < components; ++c) {
          const Real contribution = map.scale[f] * adjoint_out(c, n, f);
          adjoint_a(c, n, f) = accumulate ? adjoint_a(c, n, f) + contribution : contribution;
        }
      });
}

template <class Real>
void segment_project(const ConstJetView<Real>& a, const ProjectionWeights<Real>& weights,
                     int segment, const JetView<Real>& out)
{
  const int points = static_cast<int>(a.extent(1));
  const int features = static_cast<int>(a.extent(2));
  const int functions = static_cast<int>(weights.extent(1));
  if (segment < 1 || points % segment != 0 || static_cast<int>(weights.extent(0)) != points ||
      static_cast<int>(out.extent(1)) != points / segment ||
      static_cast<int>(out.extent(2)) != features * functions)
    throw LogicError("segment_project: shapes of points, weights and segments disagree");
  Kokkos::parallel_for(
      "pinnbench::jet::segment_project",
      Kokkos::RangePolicy<ExecutionSpace>(0, points / segment * features * functions),
      KOKKOS_LAMBDA(const int i) {
        const int e = i / (features * functions);
        const int f = (i / functions) % features;
        const int k = i % functions;
        Real sum = Real(0);
        for (int q = e * segment; q < (e + 1) * segment; ++q)
          sum += weights(q, k) * a(0, q, f);
        out(0, e, f * functions + k) = sum;
      });
}

template <class Real>
void segment_project_vjp(const ProjectionWeights<Real>& weights, int segment,
                         const ConstJetView<Real>& adjoint_out, const JetView<Real>& adjoint_a,
                         bool accumulate)
{
  if (!accumulate)
    zero(adjoint_a);
  const int points = static_cast<int>(adjoint_a.extent(1));
  const int features = static_cast<int>(adjoint_a.extent(2));
  const int functions = static_cast<int>(weights.extent(1));
  Kokkos::parallel_for(
      "pinnbench::jet::segment_project_vjp",
      Kokkos::RangePolicy<ExecutionSpace>(0, points * features), KOKKOS_LAMBDA(const int i) {
        const int q = i / features;
        const int f = i % features;
        Real sum = Real(0);
        for (int k = 0; k < functions; ++k)
          sum += weights(q, k) * adjoint_out(0, q / segment, f * functions + k);
        adjoint_a(0, q, f) += sum;
      });
}

template <class Real>
double sum_squares(const ConstJetView<Real>& a)
{
  const int points = static_cast<int>(a.extent(1));
  const int features = static_cast<int>(a.extent(2));
  double sum = 0.0;
  Kokkos::parallel_reduce(
      "pinnbench::jet::sum_squares",
      Kokkos::RangePolicy<ExecutionSpace>(0, static_cast<std::int64_t>(points) * features),
      KOKKOS_LAMBDA(const std::int64_t i, double& local) {
        const double v = a(0, i / features, i % features);
        local += v * v;
      },
      sum);
  return sum;
}

template <class Real>
void sum_squares_vjp(const ConstJetView<Real>& a, double scale, const JetView<Real>& adjoint_a,
                     bool accumulate)
{
  if (!accumulate)
    zero(adjoint_a);
  const int points = static_cast<int>(a.extent(1));
  const int features = static_cast<int>(a.extent(2));
  const Real factor = static_cast<Real>(2.0 * scale);
  Kokkos::parallel_for(
      "pinnbench::jet::sum_squares_vjp",
      Kokkos::RangePolicy<ExecutionSpace>(0, static_cast<std::int64_t>(points) * features),
      KOKKOS_LAMBDA(const std::int64_t i) {
        const int n = static_cast<int>(i / features);
        const int f = static_cast<int>(i % features);
        adjoint_a(0, n, f) += factor * a(0, n, f);
      });
}

template <class Real>
double sum_values(const ConstJetView<Real>& a)
{
  const int points = static_cast<int>(a.extent(1));
  const int features = static_cast<int>(a.extent(2));
  double sum = 0.0;
  Kokkos::parallel_reduce(
      "pinnbench::jet::sum_values",
      Kokkos::RangePolicy<ExecutionSpace>(0, static_cast<std::int64_t>(points) * features),
      KOKKOS_LAMBDA(const std::int64_t i, double& local) {
        local += static_cast<double>(a(0, i / features, i % features));
      },
      sum);
  return sum;
}

template <class Real>
void sum_values_vjp(double scale, const JetView<Real>& adjoint_a, bool accumulate)
{
  if (!accumulate)
    zero(adjoint_a);
  const int points = static_cast<int>(adjoint_a.extent(1));
  const int features = static_cast<int>(adjoint_a.extent(2));
  const Real value = static_cast<Real>(scale);
  Kokkos::parallel_for(
      "pinnbench::jet::sum_values_vjp",
      Kokkos::RangePolicy<ExecutionSpace>(0, static_cast<std::int64_t>(points) * features),
      KOKKOS_LAMBDA(const std::int64_t i) { adjoint_a(0, i / features, i % features) += value; });
}

template <class Real>
bool all_finite(const ConstJetView<Real>& a)
{
  const std::size_t count = a.size();
  const Real* data = a.data();
  int bad = 0;
  Kokkos::parallel_reduce(
      "pinnbench::jet::all_finite",
      Kokkos::RangePolicy<ExecutionSpace>(0, static_cast<std::int64_t>(count)),
      KOKKOS_LAMBDA(const std::int64_t i, int& local) {
        if (!math::isfinite(data[i]))
          local += 1;
      },
      bad);
  return bad == 0;
}

#define PINNBENCH_INSTANTIATE_ELEMENTWISE(Real)                                                    \
  template void combine_forward<Real>(const JetView<Real>&, Real, const ConstJetView<Real>&,       \
                                      const ComponentMap&, FeatureSelection, Real,                 \
                                      const ConstJetView<Real>&, const ComponentMap&,              \
                                      FeatureSelection, Real);                                     \
  template void combine_vjp<Real>(const ConstJetView<Real>&, Real, const ComponentMap&,            \
                                  FeatureSelection, const JetView<Real>&, bool);                   \
  template void leibniz_forward<Real>(const LeibnizProgram&, const ConstJetView<Real>&,            \
                                      FeatureSelection, const ConstJetView<Real>&,                 \
                                      FeatureSelection, const JetView<Real>&);                     \
  template void leibniz_vjp<Real>(const LeibnizProgram&, const ConstJetView<Real>&,                \
                                  const ConstJetView<Real>&, FeatureSelection,                     \
                                  const JetView<Real>&, FeatureSelection, bool, bool);             \
  template void coordinate_jet<Real>(                                                              \
      const Kokkos::View<const Real**, Kokkos::LayoutRight, MemorySpace>&,                         \
      const std::vector<int>&, const JetView<Real>&);                                              \
  template void coordinate_jet<Real>(                                                              \
      const Kokkos::View<const Real**, Kokkos::LayoutRight, MemorySpace>&,                         \
      const std::vector<std::vector<double>>&, const std::vector<int>&, const JetView<Real>&);     \
  template void affine_forward<Real>(const ConstJetView<Real>&, const FeatureAffine<Real>&,        \
                                     const JetView<Real>&);                                        \
  template void affine_vjp<Real>(const ConstJetView<Real>&, const FeatureAffine<Real>&,            \
                                 const JetView<Real>&, bool);                                      \
  template double sum_squares<Real>(const ConstJetView<Real>&);                                    \
  template void sum_squares_vjp<Real>(const ConstJetView<Real>&, double, const JetView<Real>&,     \
                                      bool);                                                       \
  template double sum_values<Real>(const ConstJetView<Real>&);                                     \
  template void sum_values_vjp<Real>(double, const JetView<Real>&, bool);                          \
  template bool all_finite<Real>(const ConstJetView<Real>&);                                       \
  template void segment_project<Real>(const ConstJetView<Real>&, const ProjectionWeights<Real>&,   \
                                      int, const JetView<Real>&);                                  \
  template void segment_project_vjp<Real>(const ProjectionWeights<Real>&, int,                     \
                                          const ConstJetView<Real>&, const JetView<Real>&, bool);

PINNBENCH_INSTANTIATE_ELEMENTWISE(float)
PINNBENCH_INSTANTIATE_ELEMENTWISE(double)

} // namespace pinnbench::jet
