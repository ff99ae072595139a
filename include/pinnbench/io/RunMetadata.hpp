#pragma once
// Where and how a run was made: the root attributes of a result file that
// describe the build and the machine rather than the run's outcome.
#include <cstdint>
#include <mpi.h>
#include <string>

namespace pinnbench::io {

struct RunMetadata
{
  std::string pinnbench_version;
  std::string git_commit;
  std::string created_utc;  ///< ISO 8601 UTC, "2026-11-22T13:05:09Z"
  std::string command_line; ///< arguments joined by spaces (quoted where needed)
  std::int64_t world_size = 0;
  std::string hosts; ///< unique processor names in rank order, comma-separated
  std::string kokkos_version;
  std::string kokkos_backends;
  std::string mpi_library; ///< first line of MPI_Get_library_version
  std::string hdf5_version;
  std::string compiler;
  std::string environment; ///< sorted KEY=VALUE lines, see collect_run_metadata
};

/// Collective over `comm`: every rank calls it and gets the same metadata.
/// Rank 0's clock, command line and environment are the ones recorded. The
/// environment keeps variables starting with SLURM_, OMP_, KOKKOS_, OPENBLAS_
/// and PINNBENCH_DATA.
RunMetadata collect_run_metadata(MPI_Comm comm, int argc, char** argv);

/// The current time as ISO 8601 UTC with seconds, e.g. "2026-11-22T13:05:09Z".
std::string utc_now();

} // namespace pinnbench::io
