#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <limits>
#include <pinnbench/core/Error.hpp>
#include <pinnbench/core/FaultInjection.hpp>
#include <pinnbench/io/ResultReader.hpp>
#include <pinnbench/io/RunMetadata.hpp>
#include <pinnbench/jet/Kernels.hpp>
#include <pinnbench/nn/ModelRegistry.hpp>
#include <pinnbench/nn/NormalizedInputs.hpp>
#include <pinnbench/objective/ObjectiveFactory.hpp>
#include <pinnbench/optim/Adam.hpp>
#include <pinnbench/optim/Lbfgs.hpp>
#include <pinnbench/optim/OptaxLbfgs.hpp>
#include <pinnbench/pde/TaskRegistry.hpp>
#include <pinnbench/train/Checkpoint.hpp>
#include <pinnbench/train/Evaluator.hpp>
#include <pinnbench/train/InitialParameters.hpp>
#include <pinnbench/train/LossFunction.hpp>
#include <pinnbench/train/Trainer.hpp>
#include <set>

namespace pinnbench::train {

namespace {

/// The end of a run's setup is a collective point. A rank whose setup throws
/// (bad_alloc, a file it cannot read) joins it while unwinding, so the others do
/// not wait for it in the first closure's allreduce; they throw PeerSetupFailed
/// there and the failing rank reports its own error.
class SetupAgreement
{
public:
  explicit SetupAgreement(const parallel::MpiContext& mpi)
      : mpi_(mpi), uncaught_(std::uncaught_exceptions())
  {}
  SetupAgreement(const SetupAgreement&) = delete;
  SetupAgreement& operator=(const SetupAgreement&) = delete;
  ~SetupAgreement()
  {
    if (reached_ || std::uncaught_exceptions() <= uncaught_)
      return;
    try {
      (void)mpi_.first_error("the run's setup failed");
    } catch (...) {
      // Unwinding already: the original exception says what went wrong.
    }
  }
  /// Every rank that got here: throws PeerSetupFailed when another rank's setup failed.
  void reached()
  {
    reached_ = true;
    const std::string failure = mpi_.first_error("");
    if (!failure.empty())
      throw PeerSetupFailed(failure);
  }

private:
  const parallel::MpiContext& mpi_;
  int uncaught_;
  bool reached_ = false;
};

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

/// Thrown out of a closure whose loss or gradient is not finite: the run stops.
struct Diverged
{};

/// Every series of /run/history, in the order they are written.
class History
{
public:
  void add(const std::string& name, double value) { series(name).push_back(value); }
  void add_iteration(std::int64_t iteration, std::int64_t closures)
  {
    iterations_.push_back(iteration);
    closures_.push_back(closures);
  }
  /// As checkpoint arrays "history.<name>", in order.
  void save(optim::OptimizerState& state) const
  {
    state.add_array("history.iteration", {iterations_.begin(), iterations_.end()});
    state.add_array("history.closure_evals", {closures_.begin(), closures_.end()});
    for (const auto& [name, values] : doubles_)
      state.add_array("history." + name, values);
  }
  void load(const optim::OptimizerState& state)
  {
    const std::string prefix = "history.";
    iterations_.clear();
    closures_.clear();
    doubles_.clear();
    for (const auto& [name, values] : state.arrays) {
      if (name.rfind(prefix, 0) != 0)
        continue;
      const std::string series = name.substr(prefix.size());
      if (series == "iteration")
        iterations_.assign(values.begin(), values.end());
      else if (series == "closure_evals")
        closures_.assign(values.begin(), values.end());
      else
        doubles_.emplace_back(series, values);
    }
  }
  std::vector<io::HistorySeries> series_list() const
  {
    std::vector<io::HistorySeries> list;
    list.push_back({"iteration", iterations_});
    list.push_back({"closure_evals", closures_});
    for (const auto& [name, values] : doubles_)
      list.push_back({name, values});
    return list;
  }

private:
  std::vector<double>& series(const std::string& name)
  {
    for (auto& entry : doubles_)
      if (entry.first == name)
        return entry.second;
    doubles_.emplace_back(name, std::vector<double>(iterations_.size() - 1, nan));
    return doubles_.back().second;
  }
  std::vector<std::int64_t> iterations_;
  std::vector<std::int64_t> closures_;
  std::vector<std::pair<std::string, std::vector<double>>> doubles_;
};

std::map<std::string, double> term_weights(const YAML::Node& weights)
{
  std::map<std::string, double> map;
  if (weights && weights.IsMap())
    for (const auto& entry : weights)
      map[entry.first.as<std::string>()] = entry.second.as<double>();
  return map;
}

double stopping_tolerance(const YAML::Node& node, bool single)
{
  if (node.as<std::string>() == "sqrt_eps")
    return std::sqrt(single ? static_cast<double>(std::numeric_limits<float>::epsilon())
                            : std::numeric_limits<double>::epsilon());
  return node.as<double>();
}

/// Global point counts, initial/boundary counted once per distinct point set.
std::array<std::int64_t, 3> point_counts(const std::vector<pde::Term>& terms)
{
  std::array<std::int64_t, 3> counts{0, 0, 0};
  std::set<std::vector<double>> seen;
  for (const auto& term : terms)
    for (const auto& cloud : term.evaluations) {
      if (!seen.insert(cloud.coordinates).second)
        continue;
      const auto slot = term.kind == pde::TermKind::pde        ? 0
                        : term.kind == pde::TermKind::boundary ? 1
                                                               : 2;
      counts[slot] += cloud.size();
    }
  return counts;
}

std::uint64_t fnv1a(const std::string& text)
{
  std::uint64_t hash = 1469598103934665603ull;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

template <class Real>
bool finite(const Vector<Real>& values)
{
  return jet::all_finite<Real>(jet::ConstJetView<Real>(values.data(), 1, 1, values.extent(0)));
}

template <class Real>
io::RunResult train(const suite::RunSpec& run, const RunContext& context)
{
  const YAML::Node& config = run.config;
  const parallel::MpiContext& mpi = context.mpi;
  const std::uint64_t seed = run.seed;
  const YAML::Node training = config["training"];
  const std::int64_t iterations = training["iterations"].as<std::int64_t>();
  const std::int64_t history_every = training["history_every"].as<std::int64_t>();
  const int chunk = training["chunk_points"].as<int>();
  const bool stop_on_plateau = training["stopping"]["rule"].as<std::string>() == "relative_change";
  const std::int64_t window = training["stopping"]["window"].as<std::int64_t>();
  const double tolerance =
      stopping_tolerance(training["stopping"]["tolerance"], std::is_same_v<Real, float>);
  const bool test_loss_enabled = config["evaluation"]["test_loss"].as<bool>();
  const double checkpoint_seconds = training["checkpoint_seconds"].as<double>();

  // --- components ---------------------------------------------------------------
  SetupAgreement setup(mpi);
  pde::TaskInputs task_inputs;
  task_inputs.config = config["task"];
  task_inputs.seed = seed;
  task_inputs.data_dir = context.data_dir;
  const auto task = pde::make_task(task_inputs);
  fault::maybe_throw("setup", "setup of run " + run.run_id + " failed");
  std::unique_ptr<nn::Model<Real>> model =
      nn::make_model<Real>(config["model"], task->dimension(), task->outputs());
  if (config["model"]["normalize_inputs"].as<bool>())
    model = std::make_unique<nn::NormalizedInputs<Real>>(std::move(model), task->domain());
  auto objective =
      objective::make_objective<Real>(config["objective"], model->layout(), seed, *task);
  Vector<Real> parameters("pinnbench::parameters", model->layout().size());
  model->initialize(parameters, seed);
  if (const auto file = config["model"]["initial_parameters"].as<std::string>(""); !file.empty()) {
    const auto values = load_initial_parameters(file, model->layout());
    auto host = Kokkos::create_mirror_view(parameters);
    for (std::size_t i = 0; i < values.size(); ++i)
      host(i) = static_cast<Real>(values[i]);
    Kokkos::deep_copy(parameters, host);
  }

  LossSettings settings;
  settings.chunk_points = chunk;
  settings.weights = term_weights(config["task"]["weights"]);
  const auto training_terms = task->training_terms();
  LossFunction<Real> loss(*task, training_terms, *model, objective.get(), mpi, settings);
  // The task's own terms without objective extras or perturbations: the train
  // loss and test loss compared in the overfitting diagnostic.
  LossFunction<Real> train_monitor(*task, training_terms, *model, nullptr, mpi, settings);
  std::unique_ptr<LossFunction<Real>> test_monitor;
  if (test_loss_enabled)
    test_monitor = std::make_unique<LossFunction<Real>>(*task, task->test_terms(), *model, nullptr,
                                                        mpi, settings);
  Evaluator<Real> evaluator(*task, *model, mpi, chunk);

  const YAML::Node optimizer_config = config["optimizer"];
  std::function<Real(const std::function<Real()>&)> step;
  std::unique_ptr<optim::Lbfgs<Real>> lbfgs;
  std::unique_ptr<optim::Adam<Real>> adam;
  std::unique_ptr<optim::OptaxLbfgs<Real>> optax;
  if (run.optimizer == "lbfgs") {
    optim::LbfgsSettings s;
    s.lr = optimizer_config["lr"].as<double>();
    s.max_iter = optimizer_config["max_iter"].as<int>();
    s.max_eval = optimizer_config["max_eval"].as<int>();
    s.tolerance_grad = optimizer_config["tolerance_grad"].as<double>();
    s.tolerance_change = optimizer_config["tolerance_change"].as<double>();
    s.history_size = optimizer_config["history_size"].as<int>();
    s.strong_wolfe = optimizer_config["line_search"].as<std::string>() == "strong_wolfe";
    lbfgs = std::make_unique<optim::Lbfgs<Real>>(parameters, loss.gradient(), s);
    step = [&](const std::function<Real()>& closure) { return lbfgs->step(closure); };
  } else if (run.optimizer == "lbfgs_optax") {
    optim::OptaxLbfgsSettings s;
    s.memory_size = optimizer_config["memory_size"].as<int>();
    s.scale_init_precond = optimizer_config["scale_init_precond"].as<bool>();
    s.line_search.max_steps = optimizer_config["max_linesearch_steps"].as<int>();
    optax = std::make_unique<optim::OptaxLbfgs<Real>>(parameters, loss.gradient(), s);
    step = [&](const std::function<Real()>& closure) { return optax->step(closure); };
  } else if (run.optimizer == "adam") {
    optim::AdamSettings s;
    s.lr = optimizer_config["lr"].as<double>();
    s.beta1 = optimizer_config["beta1"].as<double>();
    s.beta2 = optimizer_config["beta2"].as<double>();
    s.eps = optimizer_config["eps"].as<double>();
    s.weight_decay = optimizer_config["weight_decay"].as<double>();
    adam = std::make_unique<optim::Adam<Real>>(parameters, loss.gradient(), s);
    step = [&](const std::function<Real()>& closure) { return adam->step(closure); };
  } else {
    throw NotImplementedError("optimizer '" + run.optimizer + "'");
  }

  // --- training loop ----------------------------------------------------------------
  History history;
  LossValue last;
  std::int64_t closures = 0;
  std::uint64_t closure_index = 0;
  double wall = 0.0;
  std::int64_t done = 0;
  std::string status = "ok", message;
  std::vector<double> per_iteration_loss;
  // Train and test loss and errors at the parameters after iteration `measured_at`.
  RelativeErrors errors; // NaN until measured
  LossValue train_value, test_value;
  train_value.loss = test_value.loss = nan;
  std::int64_t measured_at = -1;
  const auto measure = [&] {
    train_value = train_monitor.evaluate(parameters, false, 0);
    if (test_monitor)
      test_value = test_monitor->evaluate(parameters, false, 0);
    errors = evaluator.errors(parameters);
    measured_at = done;
  };

  auto record = [&](std::int64_t iteration, const LossValue& current) {
    history.add_iteration(iteration, closures);
    history.add("wall_time", wall);
    history.add("loss", current.loss);
    for (std::size_t k = 0; k < current.terms.size(); ++k)
      history.add("loss_" + loss.term_names()[k], current.terms[k]);
    measure();
    history.add("train_loss", train_value.loss);
    if (test_monitor) {
      history.add("test_loss", test_value.loss);
      for (std::size_t k = 0; k < test_value.terms.size(); ++k)
        history.add("test_loss_" + test_monitor->term_names()[k], test_value.terms[k]);
    }
    history.add("rMAE", errors.rmae);
    history.add("rMSE", errors.rmse);
    for (const auto& [name, value] : named_metrics(errors, model->outputs()))
      history.add(name, value);
    for (const auto& [name, value] : objective->diagnostics())
      history.add(name, value);
    if (context.progress && mpi.is_root()) {
      char line[256];
      std::snprintf(line, sizeof line,
                    "  iteration %6lld  loss %.4e  train %.4e  test %.4e  rMAE %.4f  rMSE %.4f  "
                    "(%.1f s)",
                    static_cast<long long>(iteration), current.loss, train_value.loss,
                    test_value.loss, errors.rmae, errors.rmse, wall);
      context.progress(line);
    }
  };

  // --- checkpoints ----------------------------------------------------------------
  const auto save_checkpoint = [&] {
    // Every rank holds the same state and only rank 0 writes: the others skip
    // the host copies, which for L-BFGS are as large as its whole history.
    if (!mpi.is_root())
      return;
    optim::OptimizerState trainer;
    trainer.kind = "trainer";
    trainer.add_scalar("done", static_cast<double>(done));
    trainer.add_scalar("closures", static_cast<double>(closures));
    trainer.add_scalar("closure_index", static_cast<double>(closure_index));
    trainer.add_scalar("wall", wall);
    trainer.add_scalar("last_loss", last.loss);
    trainer.add_array("last_terms", last.terms);
    trainer.add_array("per_iteration_loss", per_iteration_loss);
    auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), parameters);
    trainer.add_array("parameters", std::vector<double>(host.data(), host.data() + host.size()));
    history.save(trainer);
    // Moved, not copied: a braced list would copy each state twice, tripling the
    // transient memory of a checkpoint (3 GB for a 512-wide net's 100 L-BFGS pairs).
    CheckpointParts parts;
    parts.reserve(3);
    parts.emplace_back("trainer", std::move(trainer));
    parts.emplace_back("optimizer", lbfgs   ? lbfgs->save_state()
                                    : optax ? optax->save_state()
                                            : adam->save_state());
    parts.emplace_back("objective", objective->save_state());
    write_checkpoint(context.checkpoint, run.config_yaml(), std::move(parts));
  };
  // Rank 0 writes, then every rank learns whether that worked (a failed write
  // leaving rank 0 alone would strand the others in the next closure's allreduce).
  const auto checkpoint_collectively = [&] {
    std::string error;
    try {
      save_checkpoint();
    } catch (const std::exception& e) {
      error = "cannot write checkpoint " + context.checkpoint.string() + ": " + e.what();
    }
    mpi.agree(error);
  };
  setup.reached();
  bool resumed = false;
  if (context.resume && !context.checkpoint.empty()) {
    std::string damage;
    auto parts = read_checkpoint(context.checkpoint, run.config_yaml(), &damage);
    // All ranks must continue from the same iteration or their allreduces would
    // pair different closures: one rank that cannot read the file restarts all.
    if (mpi.any(!parts.has_value()))
      parts.reset();
    if (mpi.any(!damage.empty()) && mpi.is_root()) {
      std::error_code error;
      std::string aside = "(could not be moved)";
      if (std::filesystem::exists(context.checkpoint, error))
        try {
          aside = io::set_aside(context.checkpoint).string();
        } catch (const std::exception&) {
        }
      std::fprintf(stderr,
                   "pinnbench: checkpoint %s is damaged (%s); moved to %s, run %s starts over\n",
                   context.checkpoint.c_str(), damage.empty() ? "on another rank" : damage.c_str(),
                   aside.c_str(), run.run_id.c_str());
    }
    if (parts) {
      const auto& trainer = parts->at(0).second;
      done = trainer.count("done");
      closures = trainer.count("closures");
      closure_index = static_cast<std::uint64_t>(trainer.count("closure_index"));
      wall = trainer.scalar("wall");
      last.loss = trainer.scalar("last_loss");
      last.terms = trainer.array("last_terms");
      per_iteration_loss = trainer.array("per_iteration_loss");
      const auto& values = trainer.array_of_size("parameters", parameters.extent(0));
      auto host = Kokkos::create_mirror_view(parameters);
      for (std::size_t i = 0; i < values.size(); ++i)
        host(i) = static_cast<Real>(values[i]);
      Kokkos::deep_copy(parameters, host);
      history.load(trainer);
      if (lbfgs)
        lbfgs->load_state(parts->at(1).second);
      else if (optax)
        optax->load_state(parts->at(1).second);
      else
        adam->load_state(parts->at(1).second);
      objective->load_state(parts->at(2).second);
      resumed = true;
      if (context.progress && mpi.is_root())
        context.progress("  continuing from the checkpoint at iteration " + std::to_string(done));
    }
  }
  auto last_checkpoint = std::chrono::steady_clock::now();

  if (!resumed) {
    // Entry 0: the initial network. Its training loss uses closure indices that
    // training closures never reach, so RoPINN's draws during training are unchanged.
    const std::uint64_t monitoring_closure = std::uint64_t(1) << 62;
    last = loss.evaluate(parameters, false, monitoring_closure);
    record(0, last);
  }

  // Optax's L-BFGS reads a non-finite trial as a failed one and may accept an
  // earlier trial (or stay put): its closure keeps every evaluation of the
  // iteration, and `last` becomes the accepted one after the step.
  std::vector<LossValue> step_values(
      optax ? static_cast<std::size_t>(optax->settings().line_search.max_steps) + 1 : 0);
  std::size_t step_evaluation = 0;
  const auto closure = [&]() -> Real {
    last = loss.evaluate(parameters, true, closure_index++);
    ++closures;
    if (optax) {
      step_values[step_evaluation++] = last;
      return static_cast<Real>(last.loss);
    }
    if (!last.finite)
      throw Diverged{};
    return static_cast<Real>(last.loss);
  };
  LossValue accepted_before = last;

  for (std::int64_t iteration = done + 1; iteration <= iterations; ++iteration) {
    const auto start = std::chrono::steady_clock::now();
    bool diverged = false;
    step_evaluation = 0;
    try {
      step(closure);
    } catch (const Diverged&) {
      diverged = true;
    }
    if (optax) {
      const int accepted = optax->last_accepted_evaluation();
      last = accepted >= 0 ? step_values[static_cast<std::size_t>(accepted)] : accepted_before;
      accepted_before = last;
      diverged = !last.finite;
    }
    objective->after_step();
    wall += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    done = iteration;
    if (diverged || !finite(parameters)) {
      status = "diverged";
      message = "loss or gradient became NaN/Inf at iteration " + std::to_string(iteration);
      record(iteration, last);
      break;
    }
    per_iteration_loss.push_back(last.loss);
    bool stop = false;
    if (stop_on_plateau && static_cast<std::int64_t>(per_iteration_loss.size()) > window) {
      const double before =
          per_iteration_loss[per_iteration_loss.size() - 1 - static_cast<std::size_t>(window)];
      stop = std::fabs(before - last.loss) / std::fabs(before) < tolerance;
      if (stop) {
        char text[128];
        std::snprintf(text, sizeof text,
                      "stopped: relative loss change over %lld iterations below %.3g",
                      static_cast<long long>(window), tolerance);
        message = text;
      }
    }
    if (iteration % history_every == 0 || iteration == iterations || stop)
      record(iteration, last);
    if (stop)
      break;
    if (!context.checkpoint.empty()) {
      const auto now = std::chrono::steady_clock::now();
      // A stop request (SIGTERM/SIGUSR1) may reach one rank only, or ranks at
      // different iterations: the OR over ranks makes them stop at the same one.
      const bool requested = context.stop_requested && context.stop_requested();
      const bool interrupt =
          iteration == context.interrupt_after || (context.stop_requested && mpi.any(requested));
      // Time-based checkpoints follow rank 0's clock, for the same reason.
      const bool due =
          checkpoint_seconds > 0 &&
          mpi.any(mpi.is_root() && std::chrono::duration<double>(now - last_checkpoint).count() >=
                                       checkpoint_seconds);
      if (interrupt || due) {
        checkpoint_collectively();
        last_checkpoint = now;
      }
      if (interrupt)
        throw RunInterrupted("stopped after iteration " + std::to_string(iteration) +
                             "; checkpoint written");
    }
  }

  // A run resumed from a checkpoint taken after its last iteration has not
  // measured the final parameters in this process.
  if (measured_at != done)
    measure();

  // --- result -------------------------------------------------------------------------
  io::RunResult result;
  result.metadata = context.metadata;
  result.config_yaml = run.config_yaml();
  result.suite = run.suite_name;
  result.run_id = run.run_id;
  auto& a = result.run;
  a.set_string("task", run.task);
  a.set_string("model", run.model);
  a.set_string("objective", run.objective);
  a.set_string("optimizer", run.optimizer);
  a.set_string("task_label", run.task_label);
  a.set_string("model_label", run.model_label);
  a.set_string("objective_label", run.objective_label);
  a.set_string("optimizer_label", run.optimizer_label);
  a.set_string("precision", to_string(run.precision));
  a.set_int("seed", static_cast<std::int64_t>(run.seed));
  a.set_string("status", status);
  a.set_string("status_message", message);
  a.set_int("iterations", done);
  a.set_int("closure_evals", closures);
  a.set_double("wall_seconds", wall);
  a.set_double("seconds_per_iteration", done > 0 ? wall / static_cast<double>(done) : nan);
  a.set_int("n_params", static_cast<std::int64_t>(model->layout().size()));
  const auto counts = point_counts(training_terms);
  a.set_int("points_domain", counts[0]);
  a.set_int("points_boundary", counts[1]);
  a.set_int("points_initial", counts[2]);
  a.set_double("final_loss", last.loss);
  for (std::size_t k = 0; k < last.terms.size(); ++k)
    a.set_double("final_loss_" + loss.term_names()[k], last.terms[k]);
  a.set_double("train_loss", train_value.loss);
  a.set_double("test_loss", test_monitor ? test_value.loss : nan);
  if (test_monitor)
    for (std::size_t k = 0; k < test_value.terms.size(); ++k)
      a.set_double("test_loss_" + test_monitor->term_names()[k], test_value.terms[k]);
  a.set_double("rMAE", errors.rmae);
  a.set_double("rMSE", errors.rmse);
  for (const auto& [name, value] : named_metrics(errors, model->outputs()))
    a.set_double(name, value);
  char hash[17];
  std::snprintf(hash, sizeof hash, "%016llx",
                static_cast<unsigned long long>(fnv1a(result.config_yaml)));
  a.set_string("config_hash", hash);
  a.set_int("world_size", mpi.size());
  result.history = history.series_list();

  auto host_parameters = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), parameters);
  for (const auto& tensor : model->layout().tensors())
    result.parameters.push_back(
        {tensor.name, io::make_tensor<Real>(tensor.shape, host_parameters.data() + tensor.offset)});

  const TestArrays arrays = evaluator.gather(parameters);
  if (mpi.is_root()) {
    const auto n = static_cast<std::size_t>(arrays.points);
    result.test.x =
        io::make_tensor<double>({n, static_cast<std::size_t>(arrays.dimension)}, arrays.x.data());
    result.test.u_pred = io::make_tensor<double>({n, static_cast<std::size_t>(arrays.outputs)},
                                                 arrays.u_pred.data());
    result.test.u_ref =
        io::make_tensor<double>({n, static_cast<std::size_t>(arrays.outputs)}, arrays.u_ref.data());
    result.test.residual = io::make_tensor<double>({n, static_cast<std::size_t>(arrays.residuals)},
                                                   arrays.residual.data());
    std::string coordinates;
    for (const auto& name : task->coordinate_names())
      coordinates += (coordinates.empty() ? "" : ",") + name;
    result.test.attributes.set_string("coordinates", coordinates);
    if (const auto shape = task->test_grid_shape())
      result.test.attributes.set_int_array("grid_shape", *shape);
  }
  result.finished_utc = io::utc_now();
  return result;
}

} // namespace

io::RunResult run_training(const suite::RunSpec& run, const RunContext& context)
{
  suite::require_implemented(run);
  if (run.precision == Precision::fp32)
    return train<float>(run, context);
  return train<double>(run, context);
}

} // namespace pinnbench::train
