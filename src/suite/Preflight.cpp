#include "Diagnostics.hpp"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <map>
#include <pinnbench/core/Error.hpp>
#include <pinnbench/suite/Preflight.hpp>
#include <set>
#include <unistd.h>

namespace pinnbench::suite {

namespace fs = std::filesystem;
using namespace detail;

namespace {

/// The values a filter key can take in these runs (names and labels).
std::vector<std::string> values_of(const std::vector<RunSpec>& runs, const std::string& key)
{
  std::set<std::string> values;
  for (const auto& run : runs) {
    if (key == "task") {
      values.insert({run.task, run.task_label});
    } else if (key == "model") {
      values.insert({run.model, run.model_label});
    } else if (key == "objective") {
      values.insert({run.objective, run.objective_label});
    } else if (key == "optimizer") {
      values.insert({run.optimizer, run.optimizer_label});
    } else if (key == "precision") {
      values.insert(to_string(run.precision));
    } else {
      values.insert(std::to_string(run.seed));
    }
  }
  return {values.begin(), values.end()};
}

std::string filter_text(const Filter& filter)
{
  std::vector<std::string> terms;
  for (const auto& [key, values] : filter.accepted) {
    for (const auto& value : values) {
      terms.push_back(key + "=" + value);
    }
  }
  return join(terms, ",");
}

long path_limit(const fs::path& directory, int name, long fallback)
{
  errno = 0;
  const long limit = ::pathconf(directory.c_str(), name);
  return limit > 0 ? limit : fallback;
}

/// Points of every point set (`{kind: grid, nx, nt}` or `{kind: random, n}`)
/// in a resolved configuration, and the largest one's path.
void count_points(const YAML::Node& node, const std::string& path, long double& total,
                  long double& largest, std::string& largest_path)
{
  if (!node.IsMap()) {
    return;
  }
  if (node["kind"] && node["kind"].IsScalar()) {
    long double points = 0;
    if (node["kind"].Scalar() == "grid" && node["nx"] && node["nt"]) {
      points = static_cast<long double>(node["nx"].as<std::int64_t>()) *
               static_cast<long double>(node["nt"].as<std::int64_t>());
    } else if (node["kind"].Scalar() == "random" && node["n"]) {
      points = static_cast<long double>(node["n"].as<std::int64_t>());
    }
    total += points;
    if (points > largest) {
      largest = points;
      largest_path = path;
    }
    return;
  }
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string key = it->first.Scalar();
    count_points(it->second, path.empty() ? key : path + "." + key, total, largest, largest_path);
  }
}

std::string gigabytes(long double bytes)
{
  char text[64];
  std::snprintf(text, sizeof text, "%.3Lg GB", bytes / 1e9L);
  return text;
}

} // namespace

std::string preflight_memory(const Suite& suite, const std::vector<RunSpec>& runs,
                             long double memory_bytes)
{
  for (const auto& run : runs) {
    long double total = 0, largest = 0;
    std::string largest_path;
    RunSpec resolved = run;
    resolved.materialize();
    count_points(resolved.config, "", total, largest, largest_path);
    // A lower bound: two coordinates of 8 bytes per point, held on the host and
    // on the device. Training, tests and gathers need more.
    const long double bytes = total * 2 * 8 * 2;
    if (bytes > memory_bytes) {
      char points[64];
      std::snprintf(points, sizeof points, "%.4Lg", largest);
      return suite.source_path + ": run " + in_quotes(run.run_id) +
             " cannot fit in memory: its point sets need at least " + gigabytes(bytes) +
             " for their coordinates alone, this machine has " + gigabytes(memory_bytes) +
             " (the largest, " + in_quotes(largest_path) + ", has " + points + " points)";
    }
  }
  return {};
}

long double physical_memory_bytes()
{
  const long pages = ::sysconf(_SC_PHYS_PAGES);
  const long page_size = ::sysconf(_SC_PAGE_SIZE);
  return pages > 0 && page_size > 0 ? static_cast<long double>(pages) * page_size : 1e30L;
}

void require_selection(const Suite& suite, const Filter& filter,
                       const std::vector<RunSpec>& selected)
{
  if (!selected.empty()) {
    return;
  }
  if (suite.runs.empty()) {
    throw ConfigError(suite.source_path +
                      ": the matrix selects no run ('matrix.exclude' removes every combination)");
  }
  for (const auto& [key, values] : filter.accepted) {
    const std::vector<std::string> known = values_of(suite.runs, key);
    for (const auto& value : values) {
      if (std::find(known.begin(), known.end(), value) == known.end() && values.size() == 1) {
        throw ConfigError("--filter " + key + "=" + value + " matches no run of suite " +
                          in_quotes(suite.name) + did_you_mean(value, known) + " (values of " +
                          key + " in this suite: " + join(known) + ")");
      }
    }
    bool any = false;
    for (const auto& value : values) {
      any = any || std::find(known.begin(), known.end(), value) != known.end();
    }
    if (!any) {
      throw ConfigError("--filter " + key + "=" + join(values, "|") + " matches no run of suite " +
                        in_quotes(suite.name) + " (values of " + key +
                        " in this suite: " + join(known) + ")");
    }
  }
  throw ConfigError("--filter " + filter_text(filter) + " selects no run of suite " +
                    in_quotes(suite.name) +
                    ": each value occurs in the suite, but no run has them all together");
}

std::size_t longest_file_name(const RunSpec& run)
{
  // ".<id>.checkpoint.h5.tmp-<pid>" and "<id>.h5.corrupt-YYYYmmddTHHMMSSZ-<pid>";
  // pids have at most 10 digits.
  const std::size_t checkpoint_temporary = 1 + run.run_id.size() + 19 + 10;
  const std::size_t set_aside = run.run_id.size() + 3 + 25 + 10;
  return std::max(checkpoint_temporary, set_aside);
}

std::string preflight_output(const std::string& out_dir, const fs::path& directory,
                             const Suite& suite, const std::vector<RunSpec>& runs)
{
  std::error_code error;
  fs::create_directories(directory, error);
  if (error) {
    return "--out " + in_quotes(out_dir) + ": cannot create the result directory " +
           in_quotes(directory.string()) + ": " + error.message();
  }
  // A probe file: permissions, read-only mounts and quotas show up here, not
  // after the first run has trained.
  const fs::path probe = directory / (".pinnbench-probe-" + std::to_string(::getpid()));
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  int probe_errno = fd < 0 ? errno : 0;
  if (fd >= 0) {
    const char byte = 0;
    if (::write(fd, &byte, 1) != 1 || ::fsync(fd) != 0) {
      probe_errno = errno;
    }
    ::close(fd);
    ::unlink(probe.c_str());
  }
  if (probe_errno != 0) {
    return "--out " + in_quotes(out_dir) + ": the result directory " +
           in_quotes(directory.string()) + " is not writable: " + std::strerror(probe_errno);
  }

  const long name_max = path_limit(directory, _PC_NAME_MAX, NAME_MAX);
  const long path_max = path_limit(directory, _PC_PATH_MAX, PATH_MAX);
  const std::size_t directory_length = fs::absolute(directory, error).string().size() + 1;
  for (const auto& run : runs) {
    const std::size_t name = longest_file_name(run);
    if (static_cast<long>(name) > name_max) {
      return suite.source_path + ": run " + in_quotes(run.run_id) + " (" +
             std::to_string(run.run_id.size()) + " characters) needs file names of up to " +
             std::to_string(name) + " characters, the file system allows " +
             std::to_string(name_max) +
             " (shorten its labels: `label:` in the matrix entries; the run id is "
             "TASK-MODEL-OBJECTIVE-OPTIMIZER-PRECISION-sSEED)";
    }
    if (static_cast<long>(directory_length + name) >= path_max) {
      return suite.source_path + ": run " + in_quotes(run.run_id) + " needs paths of up to " +
             std::to_string(directory_length + name) + " characters under " +
             in_quotes(directory.string()) + ", the file system allows " +
             std::to_string(path_max - 1) + " (shorten --out or the run's labels)";
    }
  }
  return {};
}

} // namespace pinnbench::suite
