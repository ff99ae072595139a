// pinnbench: expand a suite into runs, train each, write one HDF5 result per run.
//
// Exit codes: 0 every selected run finished (ok or diverged); 1 at least one run
// failed or is not implemented yet; 2 bad input (suite file, command line).
// Every rank parses the same suite and takes the same decisions; rank 0 prints
// and writes files.
#include <Kokkos_Core.hpp>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <mpi.h>
#include <pinnbench/core/BuildInfo.hpp>
#include <pinnbench/core/Error.hpp>
#include <pinnbench/io/ResultReader.hpp>
#include <pinnbench/io/ResultWriter.hpp>
#include <pinnbench/io/RunMetadata.hpp>
#include <pinnbench/pde/TaskRegistry.hpp>
#include <pinnbench/suite/CommandLine.hpp>
#include <pinnbench/suite/RunSelection.hpp>
#include <pinnbench/suite/Suite.hpp>
#include <pinnbench/train/Checkpoint.hpp>
#include <pinnbench/train/Trainer.hpp>
#include <string>
#include <vector>

using namespace pinnbench;

namespace {

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

int run_suite(int argc, char** argv, const parallel::MpiContext& mpi)
{
  const suite::Options options = suite::parse_command_line(argc, argv);
  const bool root = mpi.is_root();
  if (options.help) {
    if (root)
      std::cout << suite::usage();
    return 0;
  }
  if (options.version) {
    if (root)
      std::cout << version_line() << "\nKokkos " << kokkos_version() << " (" << kokkos_backends()
                << "), " << compiler() << "\n";
    return 0;
  }
  if (options.suite.empty())
    throw ConfigError("no suite given: use --suite NAME|PATH (see --help)");
  if (!options.data_dir.empty() && !std::filesystem::is_directory(options.data_dir))
    throw ConfigError("--data-dir: '" + options.data_dir + "' is not a directory");

  const suite::Suite suite = suite::load_suite(options.suite, suite::default_suite_search_dirs());
  auto runs = suite::apply_filter(suite.runs, options.filter);
  runs = suite::apply_shard(runs, options.shard.index, options.shard.count);
  // --max-iterations changes what a run is: it goes into the resolved
  // configuration, so result files and --resume see it.
  if (options.max_iterations)
    for (auto& run : runs) {
      auto iterations = run.config["training"]["iterations"];
      iterations = std::min(iterations.as<std::int64_t>(), *options.max_iterations);
    }
  if (options.list) {
    if (root)
      for (const auto& run : runs)
        std::cout << run.run_id << "\n";
    return 0;
  }

  // Every data file of every selected run is there before the first run starts.
  for (const auto& run : runs)
    pde::require_data_files(run.config["task"], options.data_dir, run.run_id);

  const io::RunMetadata metadata = io::collect_run_metadata(mpi.comm(), argc, argv);
  const std::filesystem::path directory = std::filesystem::path(options.out_dir) / suite.name;
  std::vector<RunRow> rows;
  bool any_failed = false;
  for (std::size_t index = 0; index < runs.size(); ++index) {
    const auto& run = runs[index];
    const auto path = directory / (run.run_id + ".h5");
    RunRow row;
    row.run_id = run.run_id;
    // Rank 0 looks at the file system; every rank follows its decision.
    bool skip = false;
    if (options.resume && root) {
      const auto summary = io::read_result_summary(path);
      skip = summary && summary->config_yaml == run.config_yaml() && summary->status != "failed";
      if (skip) {
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
    std::string error;
    io::RunResult result;
    bool have_result = false;
    try {
      result = train::run_training(run, context);
      have_result = true;
    } catch (const NotImplementedError& e) {
      error = e.what();
      row.status = "not implemented";
    } catch (const ConfigError& e) {
      error = e.what();
      row.status = "failed";
    } catch (const std::exception& e) {
      error = e.what();
      row.status = "failed";
      result = failed_result(run, metadata, error);
      have_result = true;
    }
    // A run that failed on any rank failed everywhere.
    if (mpi.any(!error.empty()) && error.empty()) {
      error = "failed on another rank";
      row.status = "failed";
      result = failed_result(run, metadata, error);
      have_result = true;
    }
    if (!error.empty()) {
      any_failed = true;
      if (root)
        std::fprintf(stderr, "pinnbench: run %s: %s\n", run.run_id.c_str(), error.c_str());
    }
    if (root && have_result) {
      io::write_result_file(path, result);
      // The result supersedes the checkpoint (a failed run keeps it for a retry).
      if (error.empty())
        std::filesystem::remove(train::checkpoint_path(path));
      if (error.empty()) {
        const auto* status = result.run.get<std::string>("status");
        row.status = status ? *status : "ok";
        const auto* iterations = result.run.get<std::int64_t>("iterations");
        row.iterations = iterations ? *iterations : 0;
        row.loss = attribute(result.run, "final_loss");
        row.rmae = attribute(result.run, "rMAE");
        row.rmse = attribute(result.run, "rMSE");
        row.seconds = attribute(result.run, "wall_seconds");
      }
      std::printf("  -> %s (%s)\n", path.c_str(), row.status.c_str());
    }
    rows.push_back(row);
  }
  if (root)
    print_table(suite.name, rows);
  return any_failed ? 1 : 0;
}

} // namespace

int main(int argc, char** argv)
{
  MPI_Init(&argc, &argv);
  int code = 0;
  {
    // Kokkos after MPI so it sees the binding MPI set up; finalised before MPI.
    Kokkos::ScopeGuard kokkos(argc, argv);
    const parallel::MpiContext mpi;
    try {
      code = run_suite(argc, argv, mpi);
    } catch (const ConfigError& e) {
      if (mpi.is_root())
        std::fprintf(stderr, "pinnbench: %s\n", e.what());
      code = 2;
    } catch (const std::exception& e) {
      if (mpi.is_root())
        std::fprintf(stderr, "pinnbench: error: %s\n", e.what());
      code = 1;
    }
  }
  MPI_Finalize();
  return code;
}
