#include <algorithm>
#include <cstring>
#include <ctime>
#include <pinnbench/core/BuildInfo.hpp>
#include <pinnbench/io/Hdf5.hpp>
#include <pinnbench/io/RunMetadata.hpp>
#include <string_view>
#include <unistd.h> // environ
#include <vector>

namespace pinnbench::io {

namespace {

/// Quotes an argument the way a POSIX shell would need it, so the recorded
/// command line can be pasted back; plain arguments stay as they are.
std::string shell_quoted(const std::string& argument)
{
  const bool plain = !argument.empty() && std::all_of(argument.begin(), argument.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("_@%+=:,./-").find(c) != std::string_view::npos;
  });
  if (plain) {
    return argument;
  }
  std::string quoted = "'";
  for (const char c : argument) {
    quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return quoted + "'";
}

std::string join_command_line(int argc, char** argv)
{
  std::string line;
  for (int i = 0; i < argc; ++i) {
    if (i > 0) {
      line += ' ';
    }
    line += shell_quoted(argv[i]);
  }
  return line;
}

bool is_recorded_variable(std::string_view name)
{
  for (const std::string_view prefix : {"SLURM_", "OMP_", "KOKKOS_", "OPENBLAS_"}) {
    if (name.substr(0, prefix.size()) == prefix) {
      return true;
    }
  }
  return name == "PINNBENCH_DATA";
}

std::string recorded_environment()
{
  std::vector<std::string> lines;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string_view variable(*entry);
    if (is_recorded_variable(variable.substr(0, variable.find('=')))) {
      lines.emplace_back(variable);
    }
  }
  // By name, not by whole line: '=' sorts after the digits.
  const auto name_of = [](const std::string& line) {
    return std::string_view(line).substr(0, line.find('='));
  };
  std::sort(lines.begin(), lines.end(),
            [&](const std::string& a, const std::string& b) { return name_of(a) < name_of(b); });
  std::string text;
  for (const std::string& line : lines) {
    text += text.empty() ? line : "\n" + line;
  }
  return text;
}

std::string mpi_library_first_line()
{
  std::vector<char> buffer(MPI_MAX_LIBRARY_VERSION_STRING, '\0');
  int length = 0;
  MPI_Get_library_version(buffer.data(), &length);
  std::string text(buffer.data(), static_cast<std::size_t>(std::max(length, 0)));
  text.erase(std::min(text.find('\n'), text.size()));
  text.erase(text.find_last_not_of(" \t\r\n\f\v") + 1);
  return text;
}

/// Unique processor names of all ranks, in rank order, comma-separated.
std::string gather_hosts(MPI_Comm comm, int world_size)
{
  std::vector<char> mine(MPI_MAX_PROCESSOR_NAME, '\0');
  int length = 0;
  MPI_Get_processor_name(mine.data(), &length);
  std::vector<char> all(static_cast<std::size_t>(MPI_MAX_PROCESSOR_NAME) *
                        static_cast<std::size_t>(world_size));
  MPI_Allgather(mine.data(), MPI_MAX_PROCESSOR_NAME, MPI_CHAR, all.data(), MPI_MAX_PROCESSOR_NAME,
                MPI_CHAR, comm);

  std::vector<std::string> unique;
  for (int rank = 0; rank < world_size; ++rank) {
    const char* name = all.data() + static_cast<std::size_t>(rank) * MPI_MAX_PROCESSOR_NAME;
    std::string host(name, strnlen(name, MPI_MAX_PROCESSOR_NAME));
    if (std::find(unique.begin(), unique.end(), host) == unique.end()) {
      unique.push_back(std::move(host));
    }
  }
  std::string hosts;
  for (const std::string& host : unique) {
    hosts += hosts.empty() ? host : "," + host;
  }
  return hosts;
}

/// Replaces `text` on every rank by rank 0's value.
void broadcast_from_rank0(MPI_Comm comm, std::string& text)
{
  unsigned long long length = text.size();
  MPI_Bcast(&length, 1, MPI_UNSIGNED_LONG_LONG, 0, comm);
  text.resize(static_cast<std::size_t>(length));
  if (length > 0) {
    MPI_Bcast(text.data(), static_cast<int>(length), MPI_CHAR, 0, comm);
  }
}

} // namespace

std::string utc_now()
{
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[sizeof "YYYY-MM-DDTHH:MM:SSZ"] = {};
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

RunMetadata collect_run_metadata(MPI_Comm comm, int argc, char** argv)
{
  int world_size = 0;
  MPI_Comm_size(comm, &world_size);

  RunMetadata metadata;
  metadata.pinnbench_version = pinnbench::version();
  metadata.git_commit = pinnbench::git_commit();
  metadata.created_utc = utc_now();
  metadata.command_line = join_command_line(argc, argv);
  metadata.world_size = world_size;
  metadata.hosts = gather_hosts(comm, world_size);
  metadata.kokkos_version = pinnbench::kokkos_version();
  metadata.kokkos_backends = pinnbench::kokkos_backends();
  metadata.mpi_library = mpi_library_first_line();
  metadata.hdf5_version = hdf5_library_version();
  metadata.compiler = pinnbench::compiler();
  metadata.environment = recorded_environment();

  // Ranks may differ in clock second, arguments seen (launchers) and
  // environment (per-rank SLURM_PROCID); the file records rank 0's view.
  broadcast_from_rank0(comm, metadata.created_utc);
  broadcast_from_rank0(comm, metadata.command_line);
  broadcast_from_rank0(comm, metadata.environment);
  return metadata;
}

} // namespace pinnbench::io
