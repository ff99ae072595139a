#pragma once
// A jet stores, for N points and F features, every derivative in a set S:
// values(c, n, f) = d^{S[c]} of feature f at point n. The [S][N][F] LayoutRight
// layout stacks components so that a linear layer is one GEMM on the
// [S*N, F] matrix (ARCHITECTURE §2.2).
#include <pinnbench/core/Types.hpp>
#include <pinnbench/jet/DerivativeSet.hpp>

namespace pinnbench::jet {

template <class Real>
using JetView = Kokkos::View<Real***, Kokkos::LayoutRight, MemorySpace,
                             Kokkos::MemoryTraits<Kokkos::Unmanaged>>;
template <class Real>
using ConstJetView = Kokkos::View<const Real***, Kokkos::LayoutRight, MemorySpace,
                                  Kokkos::MemoryTraits<Kokkos::Unmanaged>>;

/// The [S*N, F] matrix view of a jet, for GEMMs.
template <class Real>
using StackedView =
    Kokkos::View<Real**, Kokkos::LayoutRight, MemorySpace, Kokkos::MemoryTraits<Kokkos::Unmanaged>>;
template <class Real>
using ConstStackedView = Kokkos::View<const Real**, Kokkos::LayoutRight, MemorySpace,
                                      Kokkos::MemoryTraits<Kokkos::Unmanaged>>;

template <class Real>
struct Jet
{
  JetView<Real> values;
  DerivativeSetPtr set;

  int components() const { return static_cast<int>(values.extent(0)); }
  int points() const { return static_cast<int>(values.extent(1)); }
  int features() const { return static_cast<int>(values.extent(2)); }
};

template <class Real>
StackedView<Real> stacked(const JetView<Real>& view)
{
  return StackedView<Real>(view.data(), view.extent(0) * view.extent(1), view.extent(2));
}

template <class Real>
ConstStackedView<Real> stacked(const ConstJetView<Real>& view)
{
  return ConstStackedView<Real>(view.data(), view.extent(0) * view.extent(1), view.extent(2));
}

/// Storage that grows to the largest jet asked of it and is then reused, so a
/// closure evaluated again allocates nothing.
template <class Real>
class JetStorage
{
public:
  JetView<Real> view(int components, int points, int features, const char* label)
  {
    const std::size_t needed = static_cast<std::size_t>(components) *
                               static_cast<std::size_t>(points) *
                               static_cast<std::size_t>(features);
    if (storage_.extent(0) < needed)
      storage_ = Kokkos::View<Real*, MemorySpace>(
          Kokkos::view_alloc(std::string(label), Kokkos::WithoutInitializing), needed);
    return JetView<Real>(storage_.data(), static_cast<std::size_t>(components),
                         static_cast<std::size_t>(points), static_cast<std::size_t>(features));
  }
  std::size_t capacity() const { return storage_.extent(0); }
  std::size_t bytes() const { return storage_.extent(0) * sizeof(Real); }

private:
  Kokkos::View<Real*, MemorySpace> storage_;
};

} // namespace pinnbench::jet
