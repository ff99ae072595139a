// Iterations per second of the failure-mode setup (Appendix A) with Optax's
// L-BFGS: by default convection FP64 double PINN at the paper's sizes (800
// points, a 4 x 128 tanh network with 50 049 parameters, memory 100), taken
// from suites/failure-modes.yaml so the benchmark runs exactly the suite's run.
// The history is filled first (--warmup iterations, at least the memory), then
// --iterations are timed and split into closure (loss + gradient), direction
// (curvature pair + two-loop recursion) and the line search's own work.
// Prints one JSON line with the projected time of a 10^6-iteration run.
//
// --profile adds where a closure's time goes (each loss term's closure alone,
// in process CPU seconds, with its GEMM GFLOP), the closure's GEMM rate against
// a plain GEMM of the hidden-layer shape, and the two-loop recursion's streamed
// bytes per second against a plain read of an array the size of the history.
#include "BenchmarkTiming.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <mpi.h>
#include <pinnbench/nn/ModelRegistry.hpp>
#include <pinnbench/nn/NormalizedInputs.hpp>
#include <pinnbench/objective/ObjectiveFactory.hpp>
#include <pinnbench/optim/OptaxLbfgs.hpp>
#include <pinnbench/pde/TaskRegistry.hpp>
#include <pinnbench/suite/Suite.hpp>
#include <pinnbench/train/LossFunction.hpp>
#include <stdexcept>
#include <string>
#include <time.h>
#include <vector>

using namespace pinnbench;
using namespace pinnbench::benchmarks;

namespace {

struct Options
{
  std::string suite = "suites/failure-modes.yaml";
  std::string run = "convection-pinn-double_pinn-lbfgs_optax-fp64-s0";
  int warmup = 110;
  int iterations = 50;
  bool profile = false;
  int chunk_points = 0; ///< 0: the suite's training.chunk_points
  /// Where to write the initial parameters (raw float64, the layout's order,
  /// which is torch's parameters() order for the MLP): the PyTorch baseline
  /// starts from them, so both follow the same trajectory.
  std::string save_initial;
};

[[noreturn]] void usage(int code)
{
  std::printf("usage: pinnbench_optax_benchmark [--suite FILE] [--run RUN_ID] [--warmup W]\n"
              "  [--iterations N] [--profile] [--chunk-points C]\n"
              "  [--save-initial FILE]   (threads: OMP_NUM_THREADS / "
              "OPENBLAS_NUM_THREADS)\n");
  std::exit(code);
}

Options parse(int argc, char** argv)
{
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto value = [&]() -> std::string {
      if (i + 1 >= argc)
        usage(2);
      return argv[++i];
    };
    if (arg == "--suite")
      o.suite = value();
    else if (arg == "--run")
      o.run = value();
    else if (arg == "--warmup")
      o.warmup = std::stoi(value());
    else if (arg == "--iterations")
      o.iterations = std::stoi(value());
    else if (arg == "--chunk-points")
      o.chunk_points = std::stoi(value());
    else if (arg == "--save-initial")
      o.save_initial = value();
    else if (arg == "--profile")
      o.profile = true;
    else if (arg == "--help" || arg == "-h")
      usage(0);
    else if (arg.rfind("--kokkos", 0) != 0)
      usage(2);
  }
  if (o.iterations < 1 || o.warmup < 0)
    usage(2);
  return o;
}

/// GB/s (CPU time) of summing an array of `count` entries, median of a few passes.
template <class Real>
double stream_rate(std::size_t count)
{
  Vector<Real> a("stream", count);
  Kokkos::deep_copy(a, Real(1));
  std::vector<double> seconds;
  for (int r = 0; r < 7; ++r) {
    Real sum = 0;
    const double start = process_cpu_seconds();
    Kokkos::parallel_reduce(
        "stream", Kokkos::RangePolicy<ExecutionSpace>(0, count),
        KOKKOS_LAMBDA(const std::size_t i, Real& local) { local += a(i); }, sum);
    if (r > 0)
      seconds.push_back(process_cpu_seconds() - start);
    if (sum != static_cast<Real>(count))
      std::printf("stream sum wrong\n");
  }
  return static_cast<double>(count * sizeof(Real)) / median(seconds) / 1e9;
}

/// JSON of each training term's closure alone: CPU seconds and GEMM GFLOP.
template <class Real>
std::string term_profile(const pde::Task& task, const nn::Model<Real>& model,
                         objective::Objective<Real>* objective, const parallel::MpiContext& mpi,
                         const train::LossSettings& settings, const Vector<Real>& parameters,
                         int repeats)
{
  std::string json = "{";
  for (const auto& term : task.training_terms()) {
    train::LossFunction<Real> alone(task, {term}, model, objective, mpi, settings);
    alone.evaluate(parameters, true, 0);
    alone.reset_gemm_statistics();
    std::vector<double> seconds;
    for (int r = 0; r < repeats; ++r) {
      const double start = process_cpu_seconds();
      alone.evaluate(parameters, true, 0);
      seconds.push_back(process_cpu_seconds() - start);
    }
    const double gflop = static_cast<double>(alone.gemm_statistics().flops) / repeats / 1e9;
    char entry[256];
    std::snprintf(entry, sizeof entry, "%s\"%s\": {\"cpu_seconds\": %.6g, \"gemm_gflop\": %.6g}",
                  json.size() > 1 ? ", " : "", term.name.c_str(), median(seconds), gflop);
    json += entry;
  }
  return json + "}";
}

template <class Real>
void run(const Options& o, const suite::RunSpec& spec, const parallel::MpiContext& mpi)
{
  const YAML::Node& config = spec.config;
  const auto task = pde::make_task(config["task"], spec.seed);
  std::unique_ptr<nn::Model<Real>> model =
      nn::make_model<Real>(config["model"], task->dimension(), task->outputs());
  if (config["model"]["normalize_inputs"].as<bool>())
    model = std::make_unique<nn::NormalizedInputs<Real>>(std::move(model), task->domain());
  auto objective =
      objective::make_objective<Real>(config["objective"], model->layout(), spec.seed, *task);
  Vector<Real> parameters("parameters", model->layout().size());
  model->initialize(parameters, spec.seed);
  if (!o.save_initial.empty() && mpi.is_root()) {
    const auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), parameters);
    std::vector<double> values(host.data(), host.data() + host.extent(0));
    std::FILE* file = std::fopen(o.save_initial.c_str(), "wb");
    if (!file || std::fwrite(values.data(), sizeof(double), values.size(), file) != values.size())
      throw std::runtime_error("cannot write " + o.save_initial);
    std::fclose(file);
  }
  train::LossSettings settings;
  settings.chunk_points =
      o.chunk_points > 0 ? o.chunk_points : config["training"]["chunk_points"].as<int>();
  train::LossFunction<Real> loss(*task, task->training_terms(), *model, objective.get(), mpi,
                                 settings);
  const double initial_loss = loss.evaluate(parameters, false, 0).loss;
  optim::OptaxLbfgsSettings s;
  s.memory_size = config["optimizer"]["memory_size"].as<int>();
  optim::OptaxLbfgs<Real> lbfgs(parameters, loss.gradient(), s);
  std::uint64_t index = 0;
  const std::function<Real()> closure = [&] {
    return static_cast<Real>(loss.evaluate(parameters, true, index++).loss);
  };
  for (int k = 0; k < o.warmup; ++k)
    lbfgs.step(closure);
  const optim::OptaxTimings before = lbfgs.timings();
  const std::int64_t evaluations_before = lbfgs.function_evaluations();
  const double start = MPI_Wtime();
  const std::clock_t cpu_start = std::clock();
  Real value = 0;
  for (int k = 0; k < o.iterations; ++k)
    value = lbfgs.step(closure);
  const double seconds = MPI_Wtime() - start;
  const double cpu = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  const optim::OptaxTimings& after = lbfgs.timings();
  const double n = o.iterations;
  const double closure_s = (after.closure - before.closure) / n;
  const double direction_s = (after.direction - before.direction) / n;
  const double step_s = (after.step - before.step) / n;
  const double two_loop_s = (after.two_loop - before.two_loop) / n;
  const double two_loop_cpu_s = (after.two_loop_cpu - before.two_loop_cpu) / n;
  const double closures =
      static_cast<double>(lbfgs.function_evaluations() - evaluations_before) / n;
  const char* threads = std::getenv("OMP_NUM_THREADS");
  std::string profile;
  if (o.profile) {
    // Whole closures in CPU time, their GEMM work, and the terms one by one.
    constexpr int repeats = 9;
    loss.reset_gemm_statistics();
    std::vector<double> closure_cpu;
    for (int r = 0; r < repeats; ++r) {
      const double begin = process_cpu_seconds();
      closure();
      closure_cpu.push_back(process_cpu_seconds() - begin);
    }
    const double closure_gflop = static_cast<double>(loss.gemm_statistics().flops) / repeats / 1e9;
    const int width = config["model"]["width"].as<int>();
    const double plain = gemm_rate<Real>(2400, width, width, 2, 10, process_cpu_seconds);
    const std::size_t history =
        2 * static_cast<std::size_t>(s.memory_size) * model->layout().size();
    // The two-loop reads each stored s and y twice (the pairs filled when timing began).
    const double filled = std::min(1.0, static_cast<double>(o.warmup) / s.memory_size);
    const double two_loop_bytes = 2.0 * filled * static_cast<double>(history * sizeof(Real));
    char text[1024];
    std::snprintf(
        text, sizeof text,
        ", \"profile\": {\"closure_cpu_seconds\": %.6g, \"gemm_gflop_per_closure\": %.6g, "
        "\"closure_gemm_gflops\": %.4g, \"plain_gemm_gflops\": %.4g, "
        "\"closure_gemm_share_at_plain_rate\": %.3f, \"two_loop_cpu_seconds\": %.6g, "
        "\"two_loop_gbytes_per_second\": %.4g, \"stream_read_gbytes_per_second\": %.4g, "
        "\"terms\": ",
        median(closure_cpu), closure_gflop, closure_gflop / median(closure_cpu), plain,
        closure_gflop / plain / median(closure_cpu), two_loop_cpu_s,
        two_loop_bytes / two_loop_cpu_s / 1e9, stream_rate<Real>(history));
    profile =
        text +
        term_profile<Real>(*task, *model, objective.get(), mpi, settings, parameters, repeats) +
        "}";
  }
  if (mpi.is_root())
    std::printf("{\"tool\": \"pinnbench\", \"run\": \"%s\", \"threads\": %s, \"ranks\": %d, "
                "\"parameters\": %zu, \"memory\": %d, \"chunk_points\": %d, \"warmup\": %d, "
                "\"iterations\": %d, "
                "\"iterations_per_second\": %.4g, \"seconds_per_iteration\": %.6g, "
                "\"cpu_seconds_per_iteration\": %.6g, "
                "\"closures_per_iteration\": %.4g, \"seconds_per_closure\": %.6g, "
                "\"closure_share\": %.3f, \"direction_share\": %.3f, \"two_loop_share\": %.3f, "
                "\"line_search_share\": %.3f, "
                "\"outside_step_share\": %.3f, \"projected_hours_1e6\": %.2f, "
                "\"projected_cpu_hours_1e6\": %.2f, \"initial_loss\": %.12g, \"loss\": %.6g%s}\n",
                spec.run_id.c_str(), threads ? threads : "null", mpi.size(), model->layout().size(),
                s.memory_size, settings.chunk_points, o.warmup, o.iterations, n / seconds,
                seconds / n, cpu / n, closures, closure_s / closures, closure_s * n / seconds,
                direction_s * n / seconds, two_loop_s * n / seconds,
                (step_s - closure_s - direction_s) * n / seconds,
                (seconds / n - step_s) * n / seconds, seconds / n * 1e6 / 3600.0,
                cpu / n * 1e6 / 3600.0, initial_loss, static_cast<double>(value), profile.c_str());
}

} // namespace

int main(int argc, char** argv)
{
  MPI_Init(&argc, &argv);
  {
    Kokkos::ScopeGuard kokkos(argc, argv);
    const Options options = parse(argc, argv);
    const parallel::MpiContext mpi;
    const suite::Suite suite = suite::load_suite(options.suite, {});
    const suite::RunSpec* spec = nullptr;
    for (const auto& r : suite.runs)
      if (r.run_id == options.run)
        spec = &r;
    if (!spec) {
      std::fprintf(stderr, "no run %s in %s\n", options.run.c_str(), options.suite.c_str());
      MPI_Abort(MPI_COMM_WORLD, 2);
    }
    if (spec->config["precision"].as<std::string>() == "fp32")
      run<float>(options, *spec, mpi);
    else
      run<double>(options, *spec, mpi);
  }
  MPI_Finalize();
  return 0;
}
