#include <Kokkos_Core.hpp>
#include <pinnbench/BuildVersion.hpp>
#include <pinnbench/core/BuildInfo.hpp>

namespace pinnbench {

std::string version()
{
  return build::version;
}

std::string git_commit()
{
  return build::git_commit;
}

std::string version_line()
{
  return "pinnbench " + version() + " (git " + git_commit() + ")";
}

std::string kokkos_version()
{
  // KOKKOS_VERSION is MMmmpp: 30401 -> 3.4.1, 40601 -> 4.6.1.
  const int v = KOKKOS_VERSION;
  return std::to_string(v / 10000) + "." + std::to_string((v / 100) % 100) + "." +
         std::to_string(v % 100);
}

std::string kokkos_backends()
{
  return PINNBENCH_KOKKOS_BACKENDS;
}

std::string compiler()
{
  return PINNBENCH_CXX_COMPILER;
}

} // namespace pinnbench
