// Clocks, medians and the plain-GEMM reference rate the benchmarks share, so
// that every benchmark measures its reference the same way.
#pragma once

#include <KokkosBlas3_gemm.hpp>
#include <algorithm>
#include <pinnbench/core/Types.hpp>
#include <time.h>
#include <vector>

namespace pinnbench::benchmarks {

/// CPU seconds of this process (all threads): with one thread a measure that
/// other processes on a shared machine disturb far less than wall time.
inline double process_cpu_seconds()
{
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + 1e-9 * static_cast<double>(now.tv_nsec);
}

inline double median(std::vector<double> values)
{
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

/// GFLOP/s of C[m, n] = A[m, k] B[n, k]^T: median of `timed` calls after
/// `untimed` warm-up calls, each read off `clock` (wall or CPU seconds).
template <class Real, class Clock>
double gemm_rate(int m, int k, int n, int untimed, int timed, Clock clock)
{
  Kokkos::View<Real**, Kokkos::LayoutRight, MemorySpace> a("a", m, k), b("b", n, k), c("c", m, n);
  Kokkos::deep_copy(a, Real(0.5));
  Kokkos::deep_copy(b, Real(0.25));
  std::vector<double> seconds;
  for (int r = 0; r < untimed + timed; ++r) {
    Kokkos::fence();
    const double start = clock();
    KokkosBlas::gemm("N", "T", Real(1), a, b, Real(0), c);
    Kokkos::fence();
    if (r >= untimed)
      seconds.push_back(clock() - start);
  }
  return 2.0 * m * k * n / median(seconds) / 1e9;
}

} // namespace pinnbench::benchmarks
