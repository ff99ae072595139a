// Good suites: matrix expansion, resolution order, labels, the resolved config
// and finding suite files.
#include "SuiteTesting.hpp"

#include <gtest/gtest.h>
#include <pinnbench/pde/TaskRegistry.hpp>
#include <pinnbench/suite/RunSpec.hpp>
#include <pinnbench/suite/Suite.hpp>

namespace pinnbench::suite {
namespace {

using namespace testing;

// The example of docs/suites.md.
const std::string doc_example = R"(name: quickstart
description: Convection failure mode next to a beta where PINNs succeed.

defaults:
  precision: fp64
  seed: 0
  task:
    points: {domain: {kind: grid, nx: 51, nt: 51}, initial: 51, boundary: 51}
    convection: {beta: 50}
  model: {width: 64, hidden_layers: 3}
  objective:
    ropinn: {past_iterations: 5}
  optimizer:
    lbfgs: {history_size: 100}
  training: {iterations: 200, history_every: 10}

matrix:
  tasks: [{name: convection, beta: 5}, convection]
  models: [pinn]
  objectives: [vanilla, ropinn]
  optimizers: [lbfgs]
  precisions: [fp64]
  seeds: [0]

overrides:
  - when: {task: convection}
    set:
      model: {bias_init: 0.0}
)";

std::vector<std::string> run_ids(const Suite& suite)
{
  std::vector<std::string> ids;
  for (const auto& run : suite.runs) {
    ids.push_back(run.run_id);
  }
  return ids;
}

TEST(SuiteLoading, DocExampleExpandsAndResolves)
{
  const Suite suite = load(doc_example);
  EXPECT_EQ(suite.name, "quickstart");
  EXPECT_EQ(suite.description, "Convection failure mode next to a beta where PINNs succeed.");
  EXPECT_EQ(suite.source_path, inline_file);
  const std::vector<std::string> expected = {
      "convection_beta5-pinn-vanilla-lbfgs-fp64-s0", "convection_beta5-pinn-ropinn-lbfgs-fp64-s0",
      "convection-pinn-vanilla-lbfgs-fp64-s0", "convection-pinn-ropinn-lbfgs-fp64-s0"};
  EXPECT_EQ(run_ids(suite), expected);

  const RunSpec& beta5 = run_named(suite, "convection_beta5-pinn-ropinn-lbfgs-fp64-s0");
  EXPECT_EQ(beta5.suite_name, "quickstart");
  EXPECT_EQ(beta5.task, "convection");
  EXPECT_EQ(beta5.task_label, "convection_beta5");
  EXPECT_EQ(beta5.model, "pinn");
  EXPECT_EQ(beta5.objective, "ropinn");
  EXPECT_EQ(beta5.optimizer, "lbfgs");
  EXPECT_EQ(beta5.precision, Precision::fp64);
  EXPECT_EQ(beta5.seed, 0u);
  const YAML::Node& c = beta5.config;
  EXPECT_EQ(c["task"]["beta"].as<double>(), 5.0); // matrix entry beats the variant block
  EXPECT_EQ(c["task"]["label"].as<std::string>(), "convection_beta5");
  EXPECT_EQ(c["task"]["points"]["domain"]["nx"].as<int>(), 51);
  EXPECT_EQ(c["task"]["points"]["initial"].as<int>(), 51);
  EXPECT_EQ(c["task"]["test"]["domain"]["nx"].as<int>(), 101); // built-in
  EXPECT_EQ(c["model"]["width"].as<int>(), 64);
  EXPECT_EQ(c["model"]["bias_init"].as<double>(), 0.0); // override
  EXPECT_EQ(c["model"]["activation"].as<std::string>(), "tanh");
  EXPECT_EQ(c["objective"]["past_iterations"].as<int>(), 5);
  EXPECT_EQ(c["objective"]["initial_region"].as<double>(), 1e-4);
  EXPECT_EQ(c["optimizer"]["history_size"].as<int>(), 100);
  EXPECT_EQ(c["training"]["iterations"].as<int>(), 200);
  EXPECT_EQ(c["training"]["chunk_points"].as<int>(), 1024);
  EXPECT_EQ(c["precision"].as<std::string>(), "fp64");
  EXPECT_EQ(c["seed"].as<int>(), 0);

  const RunSpec& plain = run_named(suite, "convection-pinn-vanilla-lbfgs-fp64-s0");
  EXPECT_EQ(plain.config["task"]["beta"].as<double>(), 50.0); // variant block of defaults
  EXPECT_EQ(plain.task_label, "convection");
}

TEST(SuiteLoading, MatrixOrderIsTasksOutermostSeedsInnermost)
{
  const Suite suite = load(R"(
matrix:
  tasks: [convection, reaction]
  models: [pinn]
  objectives: [vanilla, gpinn]
  optimizers: [adam]
  precisions: [fp32, fp64]
  seeds: [7, 3]
)");
  std::vector<std::string> expected;
  for (const char* task : {"convection", "reaction"}) {
    for (const char* objective : {"vanilla", "gpinn"}) {
      for (const char* precision : {"fp32", "fp64"}) {
        for (const char* seed : {"7", "3"}) {
          expected.push_back(std::string(task) + "-pinn-" + objective + "-adam-" + precision +
                             "-s" + seed);
        }
      }
    }
  }
  EXPECT_EQ(run_ids(suite), expected);
  EXPECT_EQ(suite.name, "inline");
  EXPECT_EQ(suite.runs[1].seed, 3u);
  EXPECT_EQ(suite.runs[1].config["seed"].as<int>(), 3);
  EXPECT_EQ(suite.runs[2].precision, Precision::fp64);
}

// Every key present, every default as docs/suites.md lists it, in schema order,
// with floats that read back as floats.
TEST(SuiteLoading, BuiltInDefaultsFillEveryKey)
{
  const Suite suite = load(R"(
defaults:
  task: {name: wave}
  model: {name: pinn}
  objective: {name: vanilla}
  optimizer: {name: adam}
)");
  ASSERT_EQ(suite.runs.size(), 1u);
  EXPECT_EQ(suite.runs[0].run_id, "wave-pinn-vanilla-adam-fp32-s0");
  EXPECT_EQ(suite.runs[0].precision, Precision::fp32);
  EXPECT_EQ(suite.runs[0].config_yaml(), R"(task:
  name: wave
  label: wave
  c: 2.0
  beta: 3.0
  points:
    domain:
      kind: grid
      nx: 101
      nt: 101
    initial: 101
    boundary: 101
  test:
    domain:
      kind: grid
      nx: 101
      nt: 101
    initial: 101
    boundary: 101
  weights:
    residual: 1.0
    initial: 1.0
    initial_velocity: 1.0
    boundary_lower: 1.0
    boundary_upper: 1.0
model:
  name: pinn
  label: pinn
  width: 512
  hidden_layers: 3
  activation: tanh
  init: xavier_uniform
  bias_init: 0.01
  initial_parameters: ""
  normalize_inputs: false
objective:
  name: vanilla
  label: vanilla
optimizer:
  name: adam
  label: adam
  lr: 0.001
  beta1: 0.9
  beta2: 0.999
  eps: 1.0e-08
  weight_decay: 0.0
precision: fp32
seed: 0
training:
  iterations: 1000
  history_every: 10
  chunk_points: 1024
  checkpoint_seconds: 600.0
  stopping:
    rule: none
    window: 100
    tolerance: sqrt_eps
evaluation:
  test_loss: true
)");
}

TEST(SuiteLoading, DefaultsOfTheOtherVariants)
{
  const Suite suite = load(R"(
matrix:
  tasks: [convection, reaction, allen_cahn]
  models: [pinn]
  objectives: [gpinn, vpinn, ropinn, double_pinn, l1, l2]
  optimizers: [lbfgs]
)");
  ASSERT_EQ(suite.runs.size(), 18u);
  const YAML::Node& ac = run_named(suite, "allen_cahn-pinn-gpinn-lbfgs-fp32-s0").config;
  EXPECT_EQ(ac["task"]["diffusion"].as<double>(), 1e-4);
  EXPECT_EQ(ac["task"]["reaction"].as<double>(), 5.0);
  EXPECT_EQ(ac["task"]["reference"]["fourier_points"].as<int>(), 512);
  EXPECT_EQ(ac["task"]["reference"]["time_step"].as<double>(), 1e-5);
  EXPECT_EQ(ac["task"]["weights"].size(), 4u);
  EXPECT_EQ(ac["task"]["weights"]["boundary_derivative"].as<double>(), 1.0);
  EXPECT_EQ(ac["objective"]["weight"].as<double>(), 0.1);
  EXPECT_EQ(ac["optimizer"]["lr"].as<double>(), 1.0);
  EXPECT_EQ(ac["optimizer"]["max_iter"].as<int>(), 20);
  EXPECT_EQ(ac["optimizer"]["max_eval"].as<int>(), 0);
  EXPECT_EQ(ac["optimizer"]["tolerance_grad"].as<double>(), 1e-7);
  EXPECT_EQ(ac["optimizer"]["tolerance_change"].as<double>(), 1e-9);
  EXPECT_EQ(ac["optimizer"]["line_search"].as<std::string>(), "strong_wolfe");

  const YAML::Node& conv = run_named(suite, "convection-pinn-vpinn-lbfgs-fp32-s0").config;
  EXPECT_EQ(conv["task"]["beta"].as<double>(), 50.0);
  EXPECT_EQ(conv["objective"]["elements"].as<std::vector<int>>(), (std::vector<int>{8, 8}));
  EXPECT_EQ(conv["objective"]["quadrature_points"].as<int>(), 10);
  EXPECT_EQ(conv["objective"]["test_functions"].as<int>(), 5);

  const YAML::Node& reaction = run_named(suite, "reaction-pinn-ropinn-lbfgs-fp32-s0").config;
  EXPECT_EQ(reaction["task"]["rho"].as<double>(), 5.0);
  EXPECT_EQ(reaction["objective"]["initial_region"].as<double>(), 1e-4);
  EXPECT_EQ(reaction["objective"]["max_region"].as<double>(), 0.01);
  EXPECT_EQ(reaction["objective"]["samples"].as<int>(), 1);
  EXPECT_EQ(reaction["objective"]["past_iterations"].as<int>(), 10);
  EXPECT_FALSE(reaction["objective"]["perturb_conditions"].as<bool>());
  EXPECT_FALSE(reaction["objective"]["fixed_sigma"].as<bool>());

  const YAML::Node& dp = run_named(suite, "reaction-pinn-double_pinn-lbfgs-fp32-s0").config;
  EXPECT_EQ(dp["objective"]["lambda"].as<double>(), 1e-3);
  EXPECT_EQ(dp["objective"]["form"].as<std::string>(), "grad_sq_residual");
  EXPECT_EQ(dp["objective"]["coordinates"].as<std::string>(), "all_network_inputs");
  EXPECT_EQ(dp["objective"]["reduction"].as<std::string>(), "mean");

  for (const char* penalty : {"l1", "l2"}) {
    const YAML::Node& p =
        run_named(suite, std::string("reaction-pinn-") + penalty + "-lbfgs-fp32-s0").config;
    EXPECT_EQ(p["objective"]["lambda"].as<double>(), 1e-6);
    EXPECT_TRUE(p["objective"]["include_biases"].as<bool>());
  }
}

// built-in < defaults (shared, then variant block) < overrides in file order < matrix entry.
TEST(SuiteLoading, ResolutionOrder)
{
  const Suite suite = load(R"(
defaults:
  task:
    convection: {beta: 20}
    beta: 10
  model: {name: pinn}
  optimizer: {name: lbfgs}
matrix:
  tasks: [convection, {name: convection, beta: 60, label: pinned}, wave]
  objectives: [vanilla, ropinn]
overrides:
  - when: {task: convection}
    set: {task: {beta: 30}}
  - when: {objective: ropinn}
    set:
      task:
        convection: {beta: 40}
        beta: 45
  - when: {task: wave}
    set: {task: {c: 4}, training: {iterations: 5}}
  - when: {task: wave, objective: ropinn}
    set: {training: {iterations: 6}}
)");
  const auto beta = [&](const std::string& id) {
    return run_named(suite, id).config["task"]["beta"].as<double>();
  };
  // defaults' block (20) beats its shared key (10) whatever the file order; override 1: 30.
  EXPECT_EQ(beta("convection-pinn-vanilla-lbfgs-fp32-s0"), 30.0);
  // override 2's block (40) beats its own shared key (45) and override 1.
  EXPECT_EQ(beta("convection-pinn-ropinn-lbfgs-fp32-s0"), 40.0);
  // the matrix entry beats everything.
  EXPECT_EQ(beta("pinned-pinn-vanilla-lbfgs-fp32-s0"), 60.0);
  EXPECT_EQ(beta("pinned-pinn-ropinn-lbfgs-fp32-s0"), 60.0);
  // shared keys apply to every task that has them: wave has beta too.
  EXPECT_EQ(beta("wave-pinn-vanilla-lbfgs-fp32-s0"), 10.0);
  EXPECT_EQ(beta("wave-pinn-ropinn-lbfgs-fp32-s0"), 45.0);
  const RunSpec& wave_vanilla = run_named(suite, "wave-pinn-vanilla-lbfgs-fp32-s0");
  EXPECT_EQ(wave_vanilla.config["task"]["c"].as<double>(), 4.0);
  EXPECT_EQ(wave_vanilla.config["training"]["iterations"].as<int>(), 5);
  EXPECT_EQ(
      run_named(suite, "wave-pinn-ropinn-lbfgs-fp32-s0").config["training"]["iterations"].as<int>(),
      6);
}

TEST(SuiteLoading, OverridesMatchLabelsListsPrecisionsAndSeeds)
{
  const Suite suite = load(R"(
matrix:
  tasks: [convection, {name: convection, beta: 5}]
  models: [pinn]
  objectives: [vanilla]
  optimizers: [lbfgs, adam, {name: lbfgs, lr: 0.5, label: lbfgs_unused}]
  precisions: [fp32, fp64]
  seeds: [0, 1]
overrides:
  - when: {task: convection_beta5}
    set: {model: {width: 8}}
  - when: {seed: [1], precision: fp64}
    set: {training: {iterations: 11}}
  - when: {optimizer: [adam, lbfgs_unused]}
    set: {model: {hidden_layers: 2}}
)");
  ASSERT_EQ(suite.runs.size(), 24u);
  for (const auto& run : suite.runs) {
    const YAML::Node& c = run.config;
    EXPECT_EQ(c["model"]["width"].as<int>(), run.task_label == "convection_beta5" ? 8 : 512)
        << run.run_id;
    const bool seed1_fp64 = run.seed == 1 && run.precision == Precision::fp64;
    EXPECT_EQ(c["training"]["iterations"].as<int>(), seed1_fp64 ? 11 : 1000) << run.run_id;
    const bool adam_or_unused = run.optimizer == "adam" || run.optimizer_label == "lbfgs_unused";
    EXPECT_EQ(c["model"]["hidden_layers"].as<int>(), adam_or_unused ? 2 : 3) << run.run_id;
  }
}

TEST(SuiteLoading, DefaultAndExplicitLabels)
{
  const Suite suite = load(R"(
matrix:
  tasks:
    - {name: convection, beta: 0.5}
    - {name: wave, c: 1.5e-3, beta: 3}
    - {name: convection, points: {initial: 51, domain: {kind: random, n: 100}}}
    - {name: reaction, rho: 2, label: mild}
  models: [pinn, {name: pinn, activation: sin, width: 64}]
  objectives: [{name: vpinn, elements: [4, 16]}, {name: double_pinn, lambda: -0, form: grad_residual}]
  optimizers: [{name: lbfgs, lr: +1E+0}]
)");
  std::vector<std::string> task_labels, model_labels, objective_labels;
  for (const auto& run : suite.runs) {
    if (run.model_label == "pinn" && run.objective == "vpinn") {
      task_labels.push_back(run.task_label);
    }
  }
  EXPECT_EQ(task_labels,
            (std::vector<std::string>{"convection_beta0p5", "wave_beta3_c1p5em3",
                                      "convection_points_domain_kindrandom_points_domain_n100_"
                                      "points_initial51",
                                      "mild"}));
  const RunSpec& run = suite.runs.back();
  EXPECT_EQ(run.model_label, "pinn_activationsin_width64");
  EXPECT_EQ(run.objective_label, "double_pinn_formgrad_residual_lambdam0");
  EXPECT_EQ(run.optimizer_label, "lbfgs_lr1e0");
  EXPECT_EQ(run.run_id,
            "mild-pinn_activationsin_width64-double_pinn_formgrad_residual_lambdam0-lbfgs_lr1e0-"
            "fp32-s0");
  EXPECT_EQ(run.config["task"]["label"].as<std::string>(), "mild");
  EXPECT_EQ(run.config["optimizer"]["label"].as<std::string>(), "lbfgs_lr1e0");
  EXPECT_EQ(suite.runs.front().objective_label, "vpinn_elements4x16");
  EXPECT_EQ(suite.runs.front().config["objective"]["elements"].as<std::vector<int>>(),
            (std::vector<int>{4, 16}));
}

// A different `kind` starts from that kind's defaults; no kind merges key by key.
TEST(SuiteLoading, PointSetsMergeWithinAKind)
{
  const Suite suite = load(R"(
defaults:
  task:
    points: {domain: {kind: grid, nx: 51, nt: 41}}
    test: {domain: {kind: random, n: 77}}
matrix:
  tasks:
    - {name: convection, label: random, points: {domain: {kind: random}}}
    - {name: convection, label: partial, points: {domain: {nt: 11}}, test: {domain: {n: 5}}}
    - {name: convection, label: back, test: {domain: {kind: grid, nx: 3}}}
  models: [pinn]
  objectives: [vanilla]
  optimizers: [lbfgs]
)");
  const YAML::Node random = suite.runs[0].config["task"]["points"]["domain"];
  EXPECT_EQ(YAML::Dump(random), "kind: random\nn: 10201");
  const YAML::Node partial = suite.runs[1].config["task"];
  EXPECT_EQ(YAML::Dump(partial["points"]["domain"]), "kind: grid\nnx: 51\nnt: 11");
  EXPECT_EQ(YAML::Dump(partial["test"]["domain"]), "kind: random\nn: 5");
  EXPECT_EQ(YAML::Dump(suite.runs[2].config["task"]["test"]["domain"]),
            "kind: grid\nnx: 3\nnt: 101");
}

TEST(SuiteLoading, ConfigTextIsCanonical)
{
  // The same settings written differently resolve to the same text.
  const std::string a = R"(
defaults:
  task: {name: convection, beta: 5, weights: {initial: 1e1}}
  model: {name: pinn, bias_init: 0}
  objective: {name: ropinn, initial_region: 0.0001, fixed_sigma: True}
  optimizer: {name: lbfgs, tolerance_grad: 1e-5}
  training: {stopping: {rule: relative_change, tolerance: 1e-12}}
)";
  const std::string b = R"(
defaults:
  optimizer: {tolerance_grad: 0.00001, name: lbfgs}
  objective: {fixed_sigma: true, initial_region: 1.0e-4, name: ropinn}
  model: {bias_init: 0.0, name: pinn}
  task: {weights: {initial: 10.0}, name: convection, beta: 5.00}
  training: {stopping: {tolerance: 0.000000000001, rule: relative_change}}
)";
  const RunSpec ra = load(a).runs.at(0);
  const RunSpec rb = load(b).runs.at(0);
  EXPECT_EQ(ra.config_yaml(), rb.config_yaml());
  EXPECT_NE(ra.config_yaml().find("  beta: 5.0\n"), std::string::npos);
  EXPECT_NE(ra.config_yaml().find("  tolerance_grad: 1.0e-05\n"), std::string::npos);
  EXPECT_NE(ra.config_yaml().find("    tolerance: 1.0e-12\n"), std::string::npos);
  EXPECT_NE(ra.config_yaml().find("  fixed_sigma: true\n"), std::string::npos);
  EXPECT_NE(ra.config_yaml().find("  bias_init: 0.0\n"), std::string::npos);

  // It reads back to the same configuration, and the values are plain.
  const YAML::Node reread = YAML::Load(ra.config_yaml());
  EXPECT_EQ(YAML::Dump(reread), YAML::Dump(ra.config));
  EXPECT_EQ(reread["task"]["weights"]["initial"].as<double>(), 10.0);
}

TEST(SuiteLoading, RunSpecCopiesOwnTheirConfig)
{
  Suite suite = load(doc_example);
  RunSpec copy = suite.runs[0];
  copy.config["model"]["width"] = 7;
  EXPECT_EQ(suite.runs[0].config["model"]["width"].as<int>(), 64);

  // Erasing shifts runs by assignment; each must keep its own settings.
  const std::string last_yaml = suite.runs[3].config_yaml();
  const std::string third_yaml = suite.runs[2].config_yaml();
  suite.runs.erase(suite.runs.begin());
  suite.runs.erase(suite.runs.begin());
  EXPECT_EQ(suite.runs[0].config_yaml(), third_yaml);
  EXPECT_EQ(suite.runs[1].config_yaml(), last_yaml);
  suite.runs[0].config["model"]["width"] = 9;
  EXPECT_EQ(suite.runs[1].config["model"]["width"].as<int>(), 64);
}

TEST(SuiteLoading, VariantNamedKeysAndBlocks)
{
  // allen_cahn has a key named like the reaction task: a mapping is the block of
  // the reaction task, a number is allen_cahn's coefficient.
  const Suite suite = load(R"(
defaults:
  task:
    reaction: {rho: 2}
    allen_cahn: {reaction: 3, reference: {time_step: 2e-5}}
matrix:
  tasks: [reaction, allen_cahn, {name: allen_cahn, reaction: 4}]
  models: [pinn]
  objectives: [vanilla]
  optimizers: [lbfgs]
)");
  EXPECT_EQ(suite.runs[0].config["task"]["rho"].as<double>(), 2.0);
  EXPECT_EQ(suite.runs[1].config["task"]["reaction"].as<double>(), 3.0);
  EXPECT_EQ(suite.runs[1].config["task"]["reference"]["time_step"].as<double>(), 2e-5);
  EXPECT_EQ(suite.runs[1].config["task"]["reference"]["fourier_points"].as<int>(), 512);
  EXPECT_EQ(suite.runs[2].task_label, "allen_cahn_reaction4");
  EXPECT_EQ(suite.runs[2].config["task"]["reaction"].as<double>(), 4.0);
}

TEST(SuiteLoading, UnimplementedNamesLoadButCannotRun)
{
  // A task name the registry knows but this build does not implement yet.
  std::string planned;
  for (const auto& entry : pde::task_registry())
    if (!entry.implemented() && planned.empty())
      planned = entry.name;
  if (planned.empty())
    GTEST_SKIP() << "every registered task is implemented";
  const Suite suite = load(R"(
matrix:
  tasks: [convection, {name: )" +
                           planned + R"(, weights: {residual_u: 2}}]
  models: [pinn, pinnsformer]
  objectives: [vanilla]
  optimizers: [lbfgs]
)");
  ASSERT_EQ(suite.runs.size(), 4u);
  EXPECT_NO_THROW(require_implemented(suite.runs[0]));
  try {
    require_implemented(suite.runs[1]);
    ADD_FAILURE() << "pinnsformer ran";
  } catch (const NotImplementedError& e) {
    EXPECT_STREQ(e.what(), "not implemented yet: model 'pinnsformer'");
  }
  try {
    require_implemented(suite.runs[2]);
    ADD_FAILURE() << planned << " ran";
  } catch (const NotImplementedError& e) {
    EXPECT_EQ(std::string(e.what()), "not implemented yet: task '" + planned + "'");
  }
  EXPECT_EQ(suite.runs[2].config["task"]["weights"]["residual_u"].as<double>(), 2.0);
  EXPECT_FALSE(suite.runs[1].config["model"]["width"]); // pinnsformer has no pinn keys
}

TEST(SuiteLoading, EmptySectionsAndAnOverrideWithoutWhen)
{
  const Suite suite = load(R"(
name: my-suite.v2
description:
defaults:
overrides:
  - set: {evaluation: {test_loss: false}}
matrix:
  tasks: [convection]
  models: [pinn]
  objectives: [vanilla]
  optimizers: [lbfgs]
)");
  EXPECT_EQ(suite.name, "my-suite.v2");
  EXPECT_EQ(suite.description, "");
  EXPECT_FALSE(suite.runs.at(0).config["evaluation"]["test_loss"].as<bool>());
}

TEST(SuiteFiles, NamesAreSearchedInOrder)
{
  const std::filesystem::path data = PINNBENCH_SUITE_TEST_DATA;
  const Suite alpha = load_suite("alpha", {data / "first", data / "second"});
  EXPECT_EQ(alpha.name, "alpha");
  EXPECT_EQ(alpha.description, "alpha from the first directory");
  EXPECT_EQ(alpha.source_path, (data / "first" / "alpha.yaml").string());
  EXPECT_EQ(alpha.runs.at(0).run_id, "reaction-pinn-vanilla-adam-fp32-s0");

  const Suite beta = load_suite("beta", {data / "first", data / "second"});
  EXPECT_EQ(beta.name, "beta_suite");
  EXPECT_EQ(beta.runs.size(), 2u);
  EXPECT_EQ(beta.runs[1].suite_name, "beta_suite");
}

TEST(SuiteFiles, PathsAreReadDirectly)
{
  const std::string path = std::string(PINNBENCH_SUITE_TEST_DATA) + "/second/alpha.yaml";
  const Suite alpha = load_suite(path, {});
  EXPECT_EQ(alpha.description, "alpha from the second directory");
  EXPECT_EQ(alpha.source_path, path);
}

TEST(SuiteFiles, MissingSuitesNameWhereTheyWereSearched)
{
  const std::filesystem::path data = PINNBENCH_SUITE_TEST_DATA;
  try {
    load_suite("alpah", {data / "first", data / "second"});
    ADD_FAILURE() << "no error";
  } catch (const ConfigError& e) {
    const std::string message = e.what();
    EXPECT_TRUE(starts_with(message, "cannot open suite 'alpah': searched " +
                                         (data / "first" / "alpah.yaml").string() + ", " +
                                         (data / "second" / "alpah.yaml").string()))
        << message;
    EXPECT_TRUE(contains(message, "did you mean 'alpha'?")) << message;
  }
  try {
    load_suite("no/such/suite.yaml", {data});
    ADD_FAILURE() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(), "cannot open suite 'no/such/suite.yaml': no such file");
  }
  EXPECT_THROW(load_suite(data.string() + "/first", {}), ConfigError); // a directory
}

TEST(SuiteFiles, SyntaxErrorsInFilesNameTheFile)
{
  const std::string path = std::string(PINNBENCH_SUITE_TEST_DATA) + "/broken.yaml";
  try {
    load_suite(path, {});
    ADD_FAILURE() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_TRUE(starts_with(e.what(), path + ":3:9: YAML syntax error: ")) << e.what();
  }
}

TEST(SuiteFiles, DefaultSearchDirectoriesAreSourceThenInstall)
{
  const auto dirs = default_suite_search_dirs();
  ASSERT_EQ(dirs.size(), 2u);
  EXPECT_EQ(dirs[0], std::filesystem::path(PINNBENCH_SOURCE_DIR) / "suites");
  EXPECT_EQ(dirs[1].filename(), "suites");
}

TEST(SuiteLoading, ExcludedCombinationsAreLeftOut)
{
  const Suite suite = load_suite_from_string(R"(name: ex
matrix:
  tasks: [{name: convection, beta: 5, label: slow}, {name: convection, label: fast}]
  models: [pinn]
  objectives: [vanilla, ropinn, double_pinn]
  optimizers: [lbfgs]
  seeds: [0, 1]
  exclude:
    - {task: slow, objective: [ropinn, double_pinn]}
    - {objective: vanilla, seed: 1}
)",
                                             "inline.yaml");
  const std::vector<std::string> expected{
      "slow-pinn-vanilla-lbfgs-fp32-s0",     "fast-pinn-vanilla-lbfgs-fp32-s0",
      "fast-pinn-ropinn-lbfgs-fp32-s0",      "fast-pinn-ropinn-lbfgs-fp32-s1",
      "fast-pinn-double_pinn-lbfgs-fp32-s0", "fast-pinn-double_pinn-lbfgs-fp32-s1"};
  EXPECT_EQ(run_ids(suite), expected);
}

} // namespace
} // namespace pinnbench::suite
