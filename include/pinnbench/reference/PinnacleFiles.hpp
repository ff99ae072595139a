#pragma once
// The PINNacle reference files of the RoPINN tasks (spec pinnacle.md §5) and the
// check, before any run starts, that a task's files are in the data directory
// (`--data-dir` / $PINNBENCH_DATA; files live in DIR/ref/, as in PINNacle's
// repository). scripts/fetch-pinnacle-data.sh downloads and verifies them.
#include <cstdint>
#include <string>
#include <vector>

namespace pinnbench::reference {

struct PinnacleFile
{
  const char* name;    ///< path inside the repository, e.g. "ref/heat_darcy.dat"
  std::int64_t bytes;  ///< size; -1 where unconfirmed
  const char* blob_id; ///< git blob id (git hash-object)
};

/// The 18 files, in the order of spec §5.
const std::vector<PinnacleFile>& pinnacle_files();

/// The command that downloads them into `data_dir`.
std::string fetch_command(const std::string& data_dir);

/// The files of `names` (e.g. "ref/heat_darcy.dat") missing from data_dir.
std::vector<std::string> missing_files(const std::string& data_dir,
                                       const std::vector<std::string>& names);

/// ConfigError (exit 2) naming the task, every missing file and the fetch
/// command, unless all of `names` exist in data_dir. An empty data_dir means
/// none was given.
void require_files(const std::string& task, const std::string& data_dir,
                   const std::vector<std::string>& names);

/// data_dir + "/" + name.
std::string data_path(const std::string& data_dir, const std::string& name);

} // namespace pinnbench::reference
