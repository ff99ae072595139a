// Seconds per closure (loss + parameter gradient) of a RoPINN base model (PINN,
// FLS, QRes or KAN at the papers' sizes unless --width/--hidden-layers say otherwise)
// on the RoPINN 101 x 101 grid, the number benchmarks/torch_baseline.py measures for
// PyTorch's nested autograd. One configuration per process, so the peak memory
// is the configuration's. Prints one JSON line (rank 0).
//
// `--problem pnd` is PINNacle's high-dimensional Poisson residual alone,
// -Δu - (pi^2 / 4) sum_i sin(pi x_i / 2) on uniform points in [0, 1]^5, with a
// 5 x 100 tanh network (PINNacle's; Glorot normal, zero biases): the Laplacian
// is carried as one collapsed jet component (7 components), or, with
// `--collapse off`, as five second derivatives (11). Likewise convection's
// u_t + 50 u_x is carried on directional jets (2 components: u and its
// derivative along (50, 1)) or, with `--collapse off`, as u_x and u_t (3), and
// the wave's u_tt - 4 u_xx as the mixed derivative along (2, 1) and (-2, 1) (4
// components) or as u_xx and u_tt (5).
//
// Also measures, in the same run, a plain KokkosBlas::gemm of the closure's
// hidden-layer shape: the closure's GEMM flops divided by that rate is the time
// its GEMMs alone would take, and closure time / that time is the overhead of
// everything else.
#include "BenchmarkTiming.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <mpi.h>
#include <pinnbench/core/BuildInfo.hpp>
#include <pinnbench/nn/Kan.hpp>
#include <pinnbench/nn/Mlp.hpp>
#include <pinnbench/nn/PinnsFormer.hpp>
#include <pinnbench/nn/ProPinn.hpp>
#include <pinnbench/nn/QRes.hpp>
#include <pinnbench/objective/Gpinn.hpp>
#include <pinnbench/pde/SpaceTimeTask.hpp>
#include <pinnbench/pde/Task.hpp>
#include <pinnbench/train/LossFunction.hpp>
#include <sstream>
#include <string>
#include <sys/resource.h>
#include <time.h>
#include <vector>

using namespace pinnbench;
using namespace pinnbench::benchmarks;

namespace {

struct Options
{
  std::string problem = "wave";
  /// pinn, propinn, or pinnsformer at the paper's size (encoder-only on the wave
  /// problems, as RoPINN's wave scripts; encoder-decoder on convection; its chunk
  /// counts token rows, 5 per point).
  std::string model = "pinn";
  std::string precision = "fp64";
  int repeats = 5;
  int warmup = 1;
  int grid = 101;
  int points = 32768;     ///< pnd only
  int width = -1;         ///< -1: the model's paper size (PINN 512, QRes 256, KAN 5; pnd 100)
  int hidden_layers = -1; ///< -1: PINN 3, QRes 3 (point scripts), KAN 2 ([2, 5, 5, 1]); pnd 5
  int chunk = 1024;
  bool collapse = true;
};

[[noreturn]] void usage(int code)
{
  std::printf(
      "usage: pinnbench_closure_benchmark\n"
      "  [--problem convection|reaction|wave|gpinn_wave|pnd]\n"
      "  [--precision fp32|fp64] [--repeats R] [--warmup W] [--grid N] [--points N]\n"
      "  [--width W] [--hidden-layers L] [--chunk C] [--collapse on|off]\n"
      "  [--model pinn|fls|qres|kan|propinn|pinnsformer]\n"
      "pinn, fls, qres, kan: the papers' sizes unless --width / --hidden-layers say otherwise\n"
      "  (PINN 512 x 3, QRes 256 x 3 blocks, KAN [2, 5, 5, 1]; pnd: PINN 100 x 5).\n"
      "propinn: the paper's ProPINN (15 030 parameters; pi (x, t) on the wave problems);\n"
      "  --width / --hidden-layers do not apply to it.\n"
      "pinnsformer: the paper's PINNsFormer (encoder-only on the wave problems, 5 tokens;\n"
      "  --chunk counts token rows); --width / --hidden-layers do not apply to it.\n"
      "Threads: OPENBLAS_NUM_THREADS / OMP_NUM_THREADS; ranks: mpirun -np.\n");
  std::exit(code);
}

Options parse(int argc, char** argv)
{
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc)
        usage(2);
      return argv[++i];
    };
    if (arg == "--problem")
      o.problem = value();
    else if (arg == "--model")
      o.model = value();
    else if (arg == "--precision")
      o.precision = value();
    else if (arg == "--repeats")
      o.repeats = std::stoi(value());
    else if (arg == "--warmup")
      o.warmup = std::stoi(value());
    else if (arg == "--grid")
      o.grid = std::stoi(value());
    else if (arg == "--points")
      o.points = std::stoi(value());
    else if (arg == "--collapse") {
      const std::string v = value();
      if (v != "on" && v != "off")
        usage(2);
      o.collapse = v == "on";
    } else if (arg == "--width")
      o.width = std::stoi(value());
    else if (arg == "--hidden-layers")
      o.hidden_layers = std::stoi(value());
    else if (arg == "--chunk")
      o.chunk = std::stoi(value());
    else if (arg == "--help" || arg == "-h")
      usage(0);
    else if (arg.rfind("--kokkos", 0) != 0)
      usage(2);
  }
  if ((o.problem != "convection" && o.problem != "reaction" && o.problem != "wave" &&
       o.problem != "gpinn_wave" && o.problem != "pnd") ||
      (o.precision != "fp32" && o.precision != "fp64") || o.repeats < 1 || o.points < 1 ||
      (o.model != "pinn" && o.model != "fls" && o.model != "qres" && o.model != "kan" &&
       o.model != "propinn" && o.model != "pinnsformer") ||
      (o.model != "pinn" && o.problem == "pnd"))
    usage(2);
  if (o.width < 0)
    o.width = o.problem == "pnd" ? 100 : o.model == "kan" ? 5 : o.model == "qres" ? 256 : 512;
  if (o.hidden_layers < 0)
    o.hidden_layers = o.problem == "pnd" ? 5 : o.model == "kan" ? 2 : 3;
  return o;
}

constexpr double kPi = 3.14159265358979323846;

/// PINNacle's PNd residual alone: -Δu - (pi^2 / 4) sum_i sin(pi x_i / 2) on
/// uniform points in [0, 1]^5 (spec/pinnacle.md §3.15), the Laplacian declared
/// so the loss may collapse it.
class PoissonNdResidual final : public pde::TaskWithResidual<PoissonNdResidual>
{
public:
  static constexpr int kDimension = 5;
  explicit PoissonNdResidual(int points) : points_(points) {}
  std::string name() const override { return "pnd_residual"; }
  int dimension() const override { return kDimension; }
  int outputs() const override { return 1; }
  std::vector<std::string> coordinate_names() const override
  {
    return {"x1", "x2", "x3", "x4", "x5"};
  }
  std::vector<std::pair<double, double>> domain() const override
  {
    return std::vector<std::pair<double, double>>(kDimension, {0.0, 1.0});
  }
  std::vector<pde::Term> training_terms() const override
  {
    pde::Term term;
    term.name = "pde";
    term.evaluations = {pde::uniform_in_box(domain(), points_, 0, 0)};
    term.derivatives = {{}};
    term.add_laplacian(axes());
    return {term};
  }
  std::vector<pde::Term> test_terms() const override { return training_terms(); }
  pde::PointCloud test_points() const override { return training_terms()[0].evaluations[0]; }
  std::vector<double> reference(const pde::PointCloud& cloud) const override
  {
    // The exact solution u = sum_i sin(pi x_i / 2).
    std::vector<double> u(static_cast<std::size_t>(cloud.size()), 0.0);
    for (std::int64_t n = 0; n < cloud.size(); ++n)
      for (int i = 0; i < kDimension; ++i)
        u[static_cast<std::size_t>(n)] += std::sin(kPi / 2 * cloud(n, i));
    return u;
  }

  template <class Real>
  jet::Var<Real> residual_of(const pde::Term&, const pde::TermContext<Real>& c) const
  {
    jet::Var<Real> sines = sin(c.coordinate(0) * Real(kPi / 2));
    for (int i = 1; i < kDimension; ++i)
      sines = sines + sin(c.coordinate(i) * Real(kPi / 2));
    return -c.laplacian(c.u(), axes()) - Real(kPi * kPi / 4) * sines;
  }

private:
  static std::vector<int> axes() { return {0, 1, 2, 3, 4}; }
  int points_;
};

double resident_mb()
{
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmRSS:", 0) == 0)
      return std::stod(line.substr(6)) / 1024.0;
  return 0.0;
}

double peak_resident_mb()
{
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

template <class Real>
void run(const Options& o, const parallel::MpiContext& mpi)
{
  const double baseline_mb = resident_mb();
  pde::SpaceTimeSettings points;
  points.train.domain.nx = points.train.domain.nt = o.grid;
  points.train.initial = points.train.boundary = o.grid;
  std::unique_ptr<pde::Task> task;
  const bool periodic = o.problem == "convection" || o.problem == "reaction";
  if (o.problem == "convection")
    task = std::make_unique<pde::ConvectionTask>(50.0, points);
  else if (o.problem == "reaction")
    task = std::make_unique<pde::ReactionTask>(5.0, points);
  else if (o.problem == "pnd")
    task = std::make_unique<PoissonNdResidual>(o.points);
  else
    task = std::make_unique<pde::WaveTask>(2.0, 3.0, points);

  std::unique_ptr<nn::Model<Real>> network;
  int gemm_width = o.width; // inner dimension of the largest GEMMs
  if (o.model == "propinn") {
    nn::ProPinnShape shape;
    shape.input_scale = periodic ? 1.0 : 3.141592653589793;
    network = std::make_unique<nn::ProPinn<Real>>(shape);
    gemm_width = shape.head_width;
  } else if (o.model == "qres") {
    nn::QResShape shape;
    shape.width = o.width;
    shape.hidden_layers = o.hidden_layers;
    network = std::make_unique<nn::QRes<Real>>(shape);
  } else if (o.model == "kan") {
    nn::KanShape shape;
    shape.width.assign(static_cast<std::size_t>(o.hidden_layers + 2), o.width);
    shape.width.front() = 2;
    shape.width.back() = 1;
    network = std::make_unique<nn::Kan<Real>>(shape);
  } else if (o.model == "pinnsformer") {
    nn::PinnsFormerShape shape;
    shape.decoder = periodic;
    network = std::make_unique<nn::PinnsFormer<Real>>(shape);
    gemm_width = shape.hidden;
  } else {
    nn::MlpShape shape;
    shape.inputs = task->dimension();
    shape.width = o.width;
    shape.hidden_layers = o.hidden_layers;
    if (o.model == "fls")
      shape.first_activation = jet::UnaryKind::sin;
    if (o.problem == "pnd") {
      shape.weight_init = nn::WeightInit::glorot_normal;
      shape.bias_init = 0.0;
    }
    network = std::make_unique<nn::Mlp<Real>>(shape);
  }
  const nn::Model<Real>& model = *network;
  Vector<Real> parameters("parameters", model.layout().size());
  model.initialize(parameters, 0);

  std::unique_ptr<objective::Objective<Real>> objective;
  if (o.problem == "gpinn_wave")
    objective = std::make_unique<objective::Gpinn<Real>>(0.1);
  else
    objective = std::make_unique<objective::Vanilla<Real>>();
  train::LossSettings settings;
  settings.chunk_points = o.chunk;
  settings.collapse_laplacians = o.collapse;
  settings.carry_directions = o.collapse;
  train::LossFunction<Real> loss(*task, task->training_terms(), model, objective.get(), mpi,
                                 settings);

  double first_loss = 0.0;
  std::vector<double> seconds, cpu_seconds;
  std::int64_t flops = 0;
  for (int r = 0; r < o.warmup + o.repeats; ++r) {
    loss.reset_gemm_statistics();
    MPI_Barrier(mpi.comm());
    const double start = MPI_Wtime();
    const double cpu_start = process_cpu_seconds();
    const auto value = loss.evaluate(parameters, true, static_cast<std::uint64_t>(r));
    Kokkos::fence();
    const double cpu_elapsed = process_cpu_seconds() - cpu_start;
    MPI_Barrier(mpi.comm());
    const double elapsed = MPI_Wtime() - start;
    if (r == 0)
      first_loss = value.loss;
    if (r >= o.warmup) {
      seconds.push_back(elapsed);
      cpu_seconds.push_back(cpu_elapsed);
    }
    flops = loss.gemm_statistics().flops;
  }
  const double closure_seconds = median(seconds);

  // The hidden-layer GEMM of the closure: [components * chunk, width] x [width, width].
  // The residual's set: directional jets unless --collapse off (LossFunction).
  const auto wave_set = o.collapse
                            ? jet::DerivativeSet::closure_of(2, {jet::MultiIndex::from({1, 1})})
                            : jet::DerivativeSet::closure_of(
                                  2, {jet::MultiIndex::unit(0, 2), jet::MultiIndex::unit(1, 2)});
  const auto gpinn_wave_set =
      jet::DerivativeSet::closure_of(2, {jet::MultiIndex::unit(0, 2), jet::MultiIndex::unit(1, 2)})
          ->raised(1);
  const auto pnd_set = jet::DerivativeSet::for_residual(
      PoissonNdResidual::kDimension, {}, {jet::axis_mask({0, 1, 2, 3, 4}, 5)}, 0, o.collapse);
  const auto convection_set =
      o.collapse
          ? jet::DerivativeSet::closure_of(1, {jet::MultiIndex::unit(0)})
          : jet::DerivativeSet::closure_of(2, {jet::MultiIndex::unit(0), jet::MultiIndex::unit(1)});
  const auto reaction_set = jet::DerivativeSet::closure_of(2, {jet::MultiIndex::unit(1)});
  const auto& set = o.problem == "convection" ? convection_set
                    : o.problem == "reaction" ? reaction_set
                    : o.problem == "wave"     ? wave_set
                    : o.problem == "pnd"      ? pnd_set
                                              : gpinn_wave_set;
  const int tokens = model.sequence().length;
  const int components =
      tokens > 1 ? jet::sequence_set(set, tokens)->size() : static_cast<int>(set->size());
  const long global_points =
      o.problem == "pnd" ? static_cast<long>(o.points) : static_cast<long>(o.grid) * o.grid;
  const int local_points = static_cast<int>((global_points * tokens + mpi.size() - 1) / mpi.size());
  const int rows = components * std::min(o.chunk, local_points);
  const double peak_gflops = gemm_rate<Real>(rows, gemm_width, gemm_width, 1, 5, MPI_Wtime);
  const double gemm_seconds = static_cast<double>(flops) / (peak_gflops * 1e9);

  double peak_mb = peak_resident_mb();
  double max_peak_mb = 0.0;
  MPI_Reduce(&peak_mb, &max_peak_mb, 1, MPI_DOUBLE, MPI_MAX, 0, mpi.comm());
  if (!mpi.is_root())
    return;
  std::ostringstream all;
  for (std::size_t i = 0; i < seconds.size(); ++i)
    all << (i ? ", " : "") << seconds[i];
  const char* threads = std::getenv("OPENBLAS_NUM_THREADS");
  std::printf(
      "{\"tool\": \"pinnbench\", \"version\": \"%s\", \"problem\": \"%s\", "
      "\"model\": \"%s\", \"precision\": \"%s\", \"threads\": %s, \"ranks\": %d, \"grid\": %d, "
      "\"points\": %ld, \"collapse\": %s, "
      "\"width\": %d, \"hidden_layers\": %d, \"chunk\": %d, \"components\": %d, "
      "\"repeats\": %d, \"seconds_per_closure\": %.6g, \"seconds_all\": [%s], "
      "\"cpu_seconds_per_closure\": %.6g, "
      "\"loss\": %.9g, \"gemm_gflop_per_closure\": %.6g, \"achieved_gemm_gflops\": %.4g, "
      "\"peak_gemm_gflops\": %.4g, \"closure_over_gemm_time\": %.4g, "
      "\"peak_rss_mb\": %.1f, \"baseline_rss_mb\": %.1f, \"working_mb\": %.1f}\n",
      version_line().c_str(), o.problem.c_str(), o.model.c_str(), o.precision.c_str(),
      threads ? threads : "null", mpi.size(), o.grid, global_points, o.collapse ? "true" : "false",
      o.width, o.hidden_layers, o.chunk, components, o.repeats, closure_seconds, all.str().c_str(),
      median(cpu_seconds), first_loss, static_cast<double>(flops) / 1e9,
      static_cast<double>(flops) / 1e9 / closure_seconds, peak_gflops,
      closure_seconds / gemm_seconds, max_peak_mb, baseline_mb,
      static_cast<double>(loss.working_bytes()) / (1024.0 * 1024.0));
}

} // namespace

int main(int argc, char** argv)
{
  MPI_Init(&argc, &argv);
  int code = 0;
  {
    Kokkos::ScopeGuard kokkos(argc, argv);
    const Options options = parse(argc, argv);
    const parallel::MpiContext mpi;
    if (options.precision == "fp32")
      run<float>(options, mpi);
    else
      run<double>(options, mpi);
  }
  MPI_Finalize();
  return code;
}
