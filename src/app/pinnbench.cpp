// pinnbench: expand a suite into runs, train each, write one HDF5 result per run.
//
// Exit codes: 0 every selected run finished (ok or diverged); 1 at least one run
// failed or is not implemented yet, or a result could not be written; 2 bad
// input (suite file, command line, output directory), found before any training;
// 3 stopped by SIGTERM/SIGUSR1 after writing a checkpoint (rerun with --resume).
// Every rank parses the same suite and takes the same decisions; rank 0 prints
// and writes files, and tells the others whether that worked.
#include <Kokkos_Core.hpp>
#include <algorithm>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <mpi.h>
#include <pinnbench/core/BuildInfo.hpp>
#include <pinnbench/core/Error.hpp>
#include <pinnbench/core/FaultInjection.hpp>
#include <pinnbench/io/ResultReader.hpp>
#include <pinnbench/io/ResultWriter.hpp>
#include <pinnbench/io/RunMetadata.hpp>
#include <pinnbench/pde/TaskRegistry.hpp>
#include <pinnbench/suite/CommandLine.hpp>
#include <pinnbench/suite/Preflight.hpp>
#include <pinnbench/suite/RunSelection.hpp>
#include <pinnbench/suite/Suite.hpp>
#include <pinnbench/train/Checkpoint.hpp>
#include <pinnbench/train/InitialParameters.hpp>
#include <pinnbench/train/Trainer.hpp>
#include <string>
#include <vector>

using namespace pinnbench;

namespace {

constexpr int exit_stopped = 3;

/// SIGTERM (scancel, the time limit) or SIGUSR1 (sbatch --signal) arrived:
/// runs checkpoint at their next iteration and the suite stops.
volatile std::sig_atomic_t stop_signal = 0;

extern "C" void request_stop(int signal_number)
{
  stop_signal = signal_number;
}

void install_stop_handlers()
{
  std::signal(SIGTERM, request_stop);
  std::signal(SIGUSR1, request_stop);
}

/// Thrown on every rank to end the suite early (signal, unwritable result).
struct SuiteStopped
{
  int code;
  std::string message;
};

struct RunRow
{
  std::string run_id;
  std::string status;
  std::int64_t iterations = 0;
  double loss = std::nan("");
  double rmae = std::nan("");
  double rmse = std::nan("");
  double seconds = std::nan("");
};

void print_table(const std::string& suite, const std::vector<RunRow>& rows)
{
  std::size_t width = 6;
  for (const auto& row : rows)
    width = std::max(width, row.run_id.size());
  std::printf("\n%s: %zu run%s\n", suite.c_str(), rows.size(), rows.size() == 1 ? "" : "s");
  std::printf("%-*s  %-15s %10s %12s %8s %8s %10s\n", static_cast<int>(width), "run", "status",
              "iterations", "loss", "rMAE", "rMSE", "seconds");
  for (const auto& row : rows)
    std::printf("%-*s  %-15s %10lld %12.4e %8.4f %8.4f %10.1f\n", static_cast<int>(width),
                row.run_id.c_str(), row.status.c_str(), static_cast<long long>(row.iterations),
                row.loss, row.rmae, row.rmse, row.seconds);
  std::fflush(stdout);
}

double attribute(const io::AttributeList& list, const std::string& name)
{
  const double* value = list.get<double>(name);
  return value ? *value : std::nan("");
}

/// A result for a run that broke with an error: what is known, no numbers.
io::RunResult failed_result(const suite::RunSpec& run, const io::RunMetadata& metadata,
                            const std::string& message)
{
  io::RunResult result;
  result.metadata = metadata;
  result.config_yaml = run.config_yaml();
  result.suite = run.suite_name;
  result.run_id = run.run_id;
  result.run.set_string("task", run.task);
  result.run.set_string("model", run.model);
  result.run.set_string("objective", run.objective);
  result.run.set_string("optimizer", run.optimizer);
  result.run.set_string("task_label", run.task_label);
  result.run.set_string("model_label", run.model_label);
  result.run.set_string("objective_label", run.objective_label);
  result.run.set_string("optimizer_label", run.optimizer_label);
  result.run.set_string("precision", to_string(run.precision));
  result.run.set_int("seed", static_cast<std::int64_t>(run.seed));
  result.run.set_string("status", "failed");
  result.run.set_string("status_message", message);
  result.finished_utc = io::utc_now();
  return result;
}

/// Suites are held compactly (configuration text, not trees): a 200 000-run
/// matrix lists and runs in a few hundred MB.
suite::Suite load(const suite::Options& options)
{
  return suite::load_suite(options.suite, suite::default_suite_search_dirs(), true);
}

/// The runs this invocation does, after --filter and --shard, taken out of the
/// suite in place (no copies: a matrix may have hundreds of thousands of runs).
std::vector<suite::RunSpec> selected_runs(const suite::Options& options, suite::Suite& suite)
{
  std::vector<suite::RunSpec> runs = std::move(suite.runs);
  suite.runs.clear();
  runs.erase(
      std::remove_if(runs.begin(), runs.end(),
                     [&](const suite::RunSpec& run) { return !options.filter.matches(run); }),
      runs.end());
  if (runs.empty()) {
    // The reasons need every run of the suite: load it again (cheap next to nothing to do).
    suite::require_selection(load(options), options.filter, runs);
  }
  // Shard i/n keeps positions i, i + n, ... of the selection (apply_shard's rule).
  std::size_t kept = 0;
  for (std::size_t k = options.shard.index; k < runs.size(); k += options.shard.count)
    runs[kept++] = std::move(runs[k]);
  runs.resize(kept);
  return runs;
}

/// The run's configuration as a tree, with --max-iterations applied: it changes
/// what a run is, so it goes into the resolved configuration, and result files
/// and --resume see it.
suite::RunSpec ready_to_run(suite::RunSpec run, const suite::Options& options)
{
  run.materialize();
  if (options.max_iterations) {
    auto iterations = run.config["training"]["iterations"];
    iterations = std::min(iterations.as<std::int64_t>(), *options.max_iterations);
  }
  return run;
}

/// --help, --version and --list: no Kokkos (a GPU build must answer them on a
/// login node without a GPU). Returns true when one of them was answered.
bool answer_without_kokkos(const suite::Options& options, bool root)
{
  if (options.help) {
    if (root)
      std::cout << suite::usage();
    return true;
  }
  if (options.version) {
    if (root)
      std::cout << version_line() << "\nKokkos " << kokkos_version() << " (" << kokkos_backends()
                << "), " << compiler() << "\n";
    return true;
  }
  if (options.list) {
    suite::Suite suite = load(options);
    const auto runs = selected_runs(options, suite);
    if (root)
      for (const auto& run : runs)
        std::cout << run.run_id << "\n";
    return true;
  }
  return false;
}

/// The status of a complete result of this configuration, or nothing. Damaged
/// files (failed checksum, unreadable) are reported and set aside to be redone.
std::optional<io::ResultSummary> kept_result(const std::filesystem::path& path,
                                             const suite::RunSpec& run)
{
  auto summary = io::read_result_summary(path);
  if (summary && summary->config_yaml == run.config_yaml() && summary->status != "failed") {
    if (const auto problem = io::verify_result_file(path)) {
      const auto aside = io::set_aside(path);
      std::fprintf(stderr, "pinnbench: %s is damaged (%s); moved to %s, run %s is redone\n",
                   path.c_str(), problem->c_str(), aside.c_str(), run.run_id.c_str());
      return std::nullopt;
    }
    return summary;
  }
  return std::nullopt;
}

int run_suite(const suite::Options& options, int argc, char** argv, const parallel::MpiContext& mpi)
{
  const bool root = mpi.is_root();
  if (options.suite.empty())
    throw ConfigError("no suite given: use --suite NAME|PATH (see --help)");
  if (!options.data_dir.empty() && !std::filesystem::is_directory(options.data_dir))
    throw ConfigError("--data-dir: '" + options.data_dir + "' is not a directory");

  suite::Suite suite = load(options);
  auto runs = selected_runs(options, suite);
  const std::filesystem::path directory = std::filesystem::path(options.out_dir) / suite.name;
  // Every data file of every selected run is there before the first run starts
  // (--skip-missing-data leaves out the runs whose files are missing instead).
  std::vector<suite::RunSpec> ready;
  for (const auto& compact_run : runs) {
    suite::RunSpec run = compact_run;
    run.materialize();
    if (!options.skip_missing_data)
      pde::require_data_files(run.config["task"], options.data_dir, run.run_id);
    else if (const auto missing = pde::missing_data_files(run.config["task"], options.data_dir);
             !missing.empty()) {
      if (root)
        std::printf("%s: left out, data file %s is missing (--skip-missing-data)\n",
                    run.run_id.c_str(), missing.front().string().c_str());
      continue;
    }
    ready.push_back(compact_run);
  }
  runs = std::move(ready);
  // Bad parameter files are configuration errors: found before any run starts.
  train::check_initial_parameters(runs, options.data_dir);

  // Everything that can be known wrong before training: rank 0 looks, all follow.
  {
    std::string problem;
    if (root) {
      problem = suite::preflight_memory(suite, runs, suite::physical_memory_bytes());
      if (problem.empty())
        problem = suite::preflight_output(options.out_dir, directory, suite, runs);
    }
    problem = mpi.broadcast(problem);
    if (!problem.empty())
      throw ConfigError(problem);
  }

  const io::RunMetadata metadata = io::collect_run_metadata(mpi.comm(), argc, argv);
  std::vector<RunRow> rows;
  bool any_failed = false;
  for (std::size_t index = 0; index < runs.size(); ++index) {
    const suite::RunSpec run = ready_to_run(runs[index], options);
    const auto path = directory / (run.run_id + ".h5");
    RunRow row;
    row.run_id = run.run_id;
    if (mpi.any(stop_signal != 0))
      throw SuiteStopped{exit_stopped, "stopped by a signal before run " + run.run_id +
                                           "; rerun with --resume to continue"};
    // Rank 0 looks at the file system; every rank follows its decision.
    bool skip = false;
    if (options.resume && root) {
      train::remove_stale_checkpoint_temporaries(path);
      if (const auto summary = kept_result(path, run)) {
        skip = true;
        // A complete result supersedes any checkpoint left next to it.
        std::error_code ignored;
        std::filesystem::remove(train::checkpoint_path(path), ignored);
        row.status = summary->status + " (kept)";
        const auto* iterations = summary->run.get<std::int64_t>("iterations");
        row.iterations = iterations ? *iterations : 0;
        row.loss = attribute(summary->run, "final_loss");
        row.rmae = attribute(summary->run, "rMAE");
        row.rmse = attribute(summary->run, "rMSE");
        row.seconds = attribute(summary->run, "wall_seconds");
      }
    }
    skip = mpi.broadcast(skip ? "1" : "0") == "1";
    if (root)
      std::printf("[%zu/%zu] %s%s\n", index + 1, runs.size(), run.run_id.c_str(),
                  skip ? ": complete result kept (--resume)" : "");
    if (skip) {
      rows.push_back(row);
      continue;
    }
    std::fflush(stdout);

    train::RunContext context(mpi, metadata);
    context.checkpoint = train::checkpoint_path(path);
    context.resume = options.resume;
    context.data_dir = options.data_dir;
    context.progress = [](const std::string& line) {
      std::printf("%s\n", line.c_str());
      std::fflush(stdout);
    };
    context.stop_requested = [] { return stop_signal != 0; };
    std::string error;
    io::RunResult result;
    bool have_result = false, not_implemented = false;
    try {
      result = train::run_training(run, context);
      have_result = true;
    } catch (const train::RunInterrupted& e) {
      // Every rank stopped at the same iteration after the same checkpoint.
      throw SuiteStopped{exit_stopped, "run " + run.run_id + " " + e.what() +
                                           " on a stop signal (SIGTERM or SIGUSR1); rerun with "
                                           "--resume to continue"};
    } catch (const train::PeerSetupFailed&) {
      // Another rank's setup failed: its own message is the one agreed below.
    } catch (const NotImplementedError& e) {
      error = e.what();
      not_implemented = true;
    } catch (const std::exception& e) {
      error = e.what();
    }
    // A run that failed on any rank failed everywhere, with one message.
    error = mpi.first_error(error);
    if (!error.empty()) {
      any_failed = true;
      row.status = not_implemented ? "not implemented" : "failed";
      have_result = !not_implemented;
      if (have_result)
        result = failed_result(run, metadata, error);
      if (root)
        std::fprintf(stderr, "pinnbench: run %s: %s\n", run.run_id.c_str(), error.c_str());
    }
    if (have_result) {
      std::string write_error;
      if (root) {
        try {
          io::write_result_file(path, result);
          // The result supersedes the checkpoint (a failed run keeps it for a retry).
          if (error.empty()) {
            std::error_code ignored;
            std::filesystem::remove(train::checkpoint_path(path), ignored);
          }
        } catch (const std::exception& e) {
          write_error = e.what();
        }
      }
      write_error = mpi.first_error(write_error);
      if (!write_error.empty())
        throw SuiteStopped{1, "cannot write the result of run " + run.run_id + ": " + write_error +
                                  "; stopping (results written so far are kept; rerun with "
                                  "--resume once the problem is fixed)"};
      if (root && error.empty()) {
        const auto* status = result.run.get<std::string>("status");
        row.status = status ? *status : "ok";
        const auto* iterations = result.run.get<std::int64_t>("iterations");
        row.iterations = iterations ? *iterations : 0;
        row.loss = attribute(result.run, "final_loss");
        row.rmae = attribute(result.run, "rMAE");
        row.rmse = attribute(result.run, "rMSE");
        row.seconds = attribute(result.run, "wall_seconds");
      }
      if (root)
        std::printf("  -> %s (%s)\n", path.c_str(), row.status.c_str());
    }
    rows.push_back(row);
  }
  if (root)
    print_table(suite.name, rows);
  return any_failed ? 1 : 0;
}

/// Kokkos' own options (--kokkos-help's text) without starting a run.
int print_kokkos_help()
{
  char program[] = "pinnbench";
  char help[] = "--kokkos-help";
  char* arguments[] = {program, help, nullptr};
  int count = 2;
  Kokkos::ScopeGuard kokkos(count, arguments);
  return 0;
}

} // namespace

int main(int argc, char** argv)
{
  MPI_Init(&argc, &argv);
  int code = 0;
  {
    const parallel::MpiContext mpi;
    const auto report = [&](const char* prefix, const std::string& message) {
      if (mpi.is_root())
        std::fprintf(stderr, "pinnbench: %s%s\n", prefix, message.c_str());
    };
    try {
      fault::set_rank(mpi.rank());
      const suite::Options options = suite::parse_command_line(argc, argv);
      if (options.help_kokkos) {
        code = mpi.is_root() ? print_kokkos_help() : 0;
      } else if (!answer_without_kokkos(options, mpi.is_root())) {
        install_stop_handlers();
        // Kokkos after MPI so it sees the binding MPI set up; finalised before MPI.
        Kokkos::ScopeGuard kokkos(argc, argv);
        code = run_suite(options, argc, argv, mpi);
      }
    } catch (const SuiteStopped& stopped) {
      report("", stopped.message);
      code = stopped.code;
    } catch (const ConfigError& e) {
      report("", e.what());
      code = 2;
    } catch (const std::exception& e) {
      report("error: ", e.what());
      code = 1;
    }
  }
  MPI_Finalize();
  return code;
}
