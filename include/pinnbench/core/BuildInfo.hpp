#pragma once
// What this binary is: version, git hash, and the libraries it was built with.
#include <string>

namespace pinnbench {

/// "0.1.0", from the CMake project version.
std::string version();
/// Short git hash of the source tree at build time, "-dirty" when modified.
std::string git_commit();
/// "pinnbench 0.1.0 (git 1a2b3c4d5e6f)".
std::string version_line();
/// Kokkos version as "3.4.1" and the enabled backends as "SERIAL,OPENMP".
std::string kokkos_version();
std::string kokkos_backends();
/// Compiler id and version, e.g. "GNU 12.2.0".
std::string compiler();

} // namespace pinnbench
