#pragma once
// Object and attribute names of result files (docs/results.md), shared by the
// writer and the reader so the two cannot drift apart. Private to src/io.
#include <array>
#include <cstdint>
#include <pinnbench/io/RunMetadata.hpp>
#include <string>

namespace pinnbench::io::schema {

// Root attributes besides the metadata.
inline const std::string config_yaml = "config_yaml";
inline const std::string suite = "suite";
inline const std::string run_id = "run_id";
inline const std::string finished_utc = "finished_utc";

inline const std::string run_group = "run";
inline const std::string status = "status";
inline const std::string status_message = "status_message";
inline const std::array<const char*, 3> statuses = {"ok", "diverged", "failed"};

inline const std::string history_group = "history";
inline const std::string parameters_group = "parameters";
inline const std::string parameters_order = "order"; ///< comma-separated dataset names
inline const std::string test_group = "test";
inline const std::string test_x = "x";
inline const std::string test_u_pred = "u_pred";
inline const std::string test_u_ref = "u_ref";
inline const std::string test_residual = "residual";

/// One root attribute taken from RunMetadata: a string member or an int64 one.
struct MetadataField
{
  const char* name;
  std::string RunMetadata::*text;
  std::int64_t RunMetadata::*number;
};

/// In the order of the schema's table.
inline const std::array<MetadataField, 12> metadata_fields = {{
    {"pinnbench_version", &RunMetadata::pinnbench_version, nullptr},
    {"git_commit", &RunMetadata::git_commit, nullptr},
    {"created_utc", &RunMetadata::created_utc, nullptr},
    {"command_line", &RunMetadata::command_line, nullptr},
    {"world_size", nullptr, &RunMetadata::world_size},
    {"hosts", &RunMetadata::hosts, nullptr},
    {"kokkos_version", &RunMetadata::kokkos_version, nullptr},
    {"kokkos_backends", &RunMetadata::kokkos_backends, nullptr},
    {"mpi_library", &RunMetadata::mpi_library, nullptr},
    {"hdf5_version", &RunMetadata::hdf5_version, nullptr},
    {"compiler", &RunMetadata::compiler, nullptr},
    {"environment", &RunMetadata::environment, nullptr},
}};

} // namespace pinnbench::io::schema
