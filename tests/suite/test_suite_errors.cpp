// Bad suites: every error is a ConfigError "FILE:LINE:COL: message (expected ...;
// valid choices: ...)" pointing at the node where the offending text was written.
// Line and column numbers are 1-based; the YAML below starts at line 1.
#include "SuiteTesting.hpp"

#include <gtest/gtest.h>

namespace pinnbench::suite {
namespace {

using namespace testing;

/// Checks that loading `yaml` fails at LINE:COL and that the message has every part.
void expect_error(const std::string& yaml, int line, int column,
                  const std::vector<std::string>& parts)
{
  const std::string message = load_error(yaml);
  const std::string where =
      inline_file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": ";
  EXPECT_TRUE(starts_with(message, where)) << "expected " << where << "\n got " << message;
  for (const auto& part : parts) {
    EXPECT_TRUE(contains(message, part)) << "missing \"" << part << "\" in\n" << message;
  }
}

// --- Unknown keys ----------------------------------------------------------------

TEST(SuiteErrors, UnknownTopLevelKey)
{
  expect_error("name: x\n"
               "matrx:\n"
               "  tasks: [convection]\n",
               2, 1,
               {"unknown key 'matrx' at the top level; did you mean 'matrix'?",
                "(valid choices: name, description, defaults, matrix, overrides)"});
}

TEST(SuiteErrors, UnknownKeyInASection)
{
  expect_error("defaults:\n"
               "  model:\n"
               "    widht: 64\n" +
                   minimal_matrix,
               3, 5,
               {"unknown key 'widht' in 'defaults.model'; did you mean 'width'?",
                "valid choices: name, initial_parameters, normalize_inputs, width, hidden_layers, "
                "activation, init, bias_init"});
}

TEST(SuiteErrors, UnknownKeyInDefaultsNestedMapping)
{
  expect_error("defaults:\n"
               "  training: {iterations: 5, stopping: {rul: none}}\n" +
                   minimal_matrix,
               2, 40,
               {"unknown key 'rul' in 'training.stopping'; did you mean 'rule'?",
                "valid choices: rule, window, tolerance"});
  expect_error("defaults:\n"
               "  trainig: {iterations: 5}\n" +
                   minimal_matrix,
               2, 3, {"unknown key 'trainig' in 'defaults'; did you mean 'training'?"});
}

// The ropinn block applies to no run (only vanilla runs), and is checked all the same.
TEST(SuiteErrors, UnknownKeyInAVariantBlock)
{
  expect_error("defaults:\n"
               "  objective:\n"
               "    ropinn:\n"
               "      past_iteratons: 5\n" +
                   minimal_matrix,
               4, 7,
               {"unknown key 'past_iteratons' for objective 'ropinn' in "
                "'defaults.objective.ropinn'; did you mean 'past_iterations'?",
                "valid choices: initial_region, max_region, samples, past_iterations, "
                "perturb_conditions, fixed_sigma"});
}

TEST(SuiteErrors, UnknownKeysInOverrides)
{
  expect_error(minimal_matrix + // lines 1-5
                   "overrides:\n"
                   "  - when: {task: convection}\n"
                   "    set:\n"
                   "      training: {iteration: 5}\n",
               9, 18, {"unknown key 'iteration' in 'training'; did you mean 'iterations'?"});
  expect_error(minimal_matrix + "overrides:\n"
                                "  - when: {tsk: convection}\n"
                                "    set: {}\n",
               7, 12,
               {"unknown key 'tsk' in 'overrides[0].when'; did you mean 'task'?",
                "valid choices: task, model, objective, optimizer, precision, seed"});
  expect_error(
      minimal_matrix + "overrides:\n"
                       "  - when: {task: convection}\n"
                       "    sett: {}\n",
      8, 5,
      {"unknown key 'sett' in 'overrides[0]'; did you mean 'set'?", "valid choices: when, set"});
  expect_error(minimal_matrix + "overrides:\n"
                                "  - set: {}\n"
                                "  - set: {modle: {width: 3}}\n",
               8, 11, {"unknown key 'modle' in 'overrides[1].set'; did you mean 'model'?"});
}

// An override that matches no run is checked too.
TEST(SuiteErrors, UnknownKeyInAnOverrideThatMatchesNothing)
{
  expect_error(minimal_matrix + "overrides:\n"
                                "  - when: {task: wave}\n"
                                "    set:\n"
                                "      task: {weights: {initial_velocty: 2}}\n",
               9, 24,
               {"unknown loss term 'initial_velocty' in 'task.weights'; did you mean "
                "'initial_velocity'?"});
}

TEST(SuiteErrors, UnknownKeyInAMatrixEntry)
{
  expect_error("matrix:\n"
               "  tasks: [{name: convection, bta: 5}]\n",
               2, 30,
               {"unknown key 'bta' for task 'convection' in an entry of 'matrix.tasks'; did you "
                "mean 'beta'?",
                "valid choices: name, label, beta, points, test, weights"});
  expect_error("matrix:\n"
               "  task: [convection]\n",
               2, 3,
               {"unknown axis 'task' in 'matrix'; did you mean 'tasks'?",
                "valid choices: tasks, models, objectives, optimizers, precisions, seeds"});
}

// --- Types and ranges --------------------------------------------------------------------

TEST(SuiteErrors, WrongTypes)
{
  expect_error("defaults:\n"
               "  training:\n"
               "    iterations: lots\n" +
                   minimal_matrix,
               3, 17, {"wrong type for 'training.iterations': got 'lots' (expected int >= 0)"});
  expect_error("defaults:\n"
               "  task:\n"
               "    beta: \"5\"\n" +
                   minimal_matrix,
               3, 11, {"wrong type for 'task.beta': got the quoted string \"5\" (expected float)"});
  expect_error(
      "defaults:\n"
      "  model: pinn\n" +
          minimal_matrix,
      2, 10,
      {"wrong type for 'defaults.model': got 'pinn'", "(expected a mapping of model settings)"});
  expect_error(
      "defaults:\n"
      "  objective: {ropinn: {fixed_sigma: yes}}\n" +
          minimal_matrix,
      2, 37,
      {"wrong type for 'objective.fixed_sigma': got 'yes'", "(expected bool (true or false))"});
  expect_error("defaults:\n"
               "  model: {width: [64]}\n" +
                   minimal_matrix,
               2, 18,
               {"wrong type for 'model.width': got a list (expected int in [1, 2147483647])"});
  expect_error("defaults:\n"
               "  training: {iterations: 2.5}\n" +
                   minimal_matrix,
               2, 26, {"wrong type for 'training.iterations': got '2.5'"});
  // vpinn.elements: one count per task input, checked once the run is resolved.
  expect_error("matrix:\n"
               "  tasks: [convection]\n"
               "  objectives: [{name: vpinn, elements: [8]}]\n"
               "  models: [pinn]\n"
               "  optimizers: [lbfgs]\n",
               3, 40,
               {"'objective.elements' needs one entry per input of task 'convection' (2), got 1",
                "(expected a list of 2 ints in [1, 2147483647], one per task input)"});
  // Checked against the task's input count wherever the list was written.
  expect_error("defaults:\n"
               "  objective: {vpinn: {elements: [8, 8]}}\n"
               "matrix:\n"
               "  tasks: [convection, {name: heat_nd, dimension: 3}]\n"
               "  objectives: [vpinn]\n"
               "  models: [pinn]\n"
               "  optimizers: [lbfgs]\n",
               2, 33,
               {"'objective.elements' needs one entry per input of task 'heat_nd' (4), got 2"});
  expect_error("matrix:\n"
               "  tasks: [convection]\n"
               "  objectives: [{name: vpinn, elements: []}]\n",
               3, 40, {"'objective.elements' needs at least one entries, got 0"});
  expect_error("matrix:\n"
               "  tasks: convection\n",
               2, 10,
               {"wrong type for 'matrix.tasks': got 'convection'",
                "(expected a list of task names or {name: ..., ...} entries)"});
}

TEST(SuiteErrors, UnknownNames)
{
  expect_error("matrix:\n"
               "  tasks: [convektion]\n",
               2, 11,
               {"unknown task 'convektion'; did you mean 'convection'?",
                "(valid choices: convection, reaction, wave, allen_cahn, burgers1d,"});
  expect_error("matrix:\n"
               "  tasks: [convection]\n"
               "  models: [pinn, pinnn]\n",
               3, 18,
               {"unknown model 'pinnn'; did you mean 'pinn'?",
                "(valid choices: pinn, fls, qres, pinnsformer, kan, propinn)"});
  expect_error("matrix:\n"
               "  tasks: [convection]\n"
               "  objectives: [ro_pinn]\n",
               3, 16, {"unknown objective 'ro_pinn'; did you mean 'ropinn'?"});
  expect_error("matrix:\n"
               "  tasks: [convection]\n"
               "  optimizers: [{name: lbgfs}]\n",
               3, 23,
               {"unknown optimizer 'lbgfs'; did you mean 'lbfgs'?",
                "(valid choices: lbfgs, lbfgs_optax, adam)"});
  expect_error("defaults:\n"
               "  task: {name: wav}\n",
               2, 16, {"unknown task 'wav'; did you mean 'wave'?"});
  expect_error("defaults:\n"
               "  precision: fp16\n" +
                   minimal_matrix,
               2, 14, {"invalid value 'fp16' for 'precision'", "(valid choices: fp32, fp64)"});
  expect_error(minimal_matrix + "  precisions: [fp64, double]\n", 6, 22,
               {"invalid value 'double' for 'matrix.precisions'", "(valid choices: fp32, fp64)"});
  expect_error("defaults:\n"
               "  model: {activation: relu}\n" +
                   minimal_matrix,
               2, 23,
               {"invalid value 'relu' for 'model.activation'",
                "(valid choices: tanh, sin, cos, sigmoid, silu)"});
}

TEST(SuiteErrors, OutOfRange)
{
  expect_error("defaults:\n"
               "  task:\n"
               "    points: {domain: {kind: grid, nx: 1}}\n" +
                   minimal_matrix,
               3, 39,
               {"'task.points.domain.nx' is out of range: 1 (expected int in [2, 2147483647])"});
  expect_error("defaults:\n"
               "  training: {iterations: -5}\n" +
                   minimal_matrix,
               2, 26, {"'training.iterations' is out of range: -5 (expected int >= 0)"});
  expect_error("matrix:\n"
               "  tasks: [convection]\n"
               "  optimizers: [{name: adam, beta1: 1}]\n",
               3, 36, {"'optimizer.beta1' is out of range: 1 (expected float in [0, 1))"});
  expect_error("defaults:\n"
               "  training: {stopping: {tolerance: 0}}\n" +
                   minimal_matrix,
               2, 36,
               {"'training.stopping.tolerance' is out of range: 0 (expected float > 0 or "
                "sqrt_eps)"});
  expect_error(minimal_matrix + "  seeds: [0, -1]\n", 6, 14,
               {"'matrix.seeds' is out of range: -1 (expected int >= 0)"});
  expect_error("defaults:\n"
               "  seed: 99999999999999999999\n" +
                   minimal_matrix,
               2, 9, {"'seed' is out of range"});
}

// --- Syntax ------------------------------------------------------------------------------------

TEST(SuiteErrors, YamlSyntax)
{
  expect_error("matrix:\n"
               "  tasks: [convection\n"
               "  models: [pinn]\n",
               3, 9, {"YAML syntax error: end of sequence flow not found"});
  expect_error("defaults:\n"
               "  seed: 1\n"
               "    model: pinn\n",
               3, 10, {"YAML syntax error: illegal map value"});
  expect_error("a: 1\n"
               "---\n"
               "b: 2\n",
               3, 1, {"a suite file holds one YAML document"});
  expect_error("# nothing but a comment\n", 1, 1, {"the suite is empty"});
  expect_error("- convection\n", 1, 1,
               {"wrong type for the suite: got a list",
                "(expected a mapping with keys name, description, defaults, matrix, overrides)"});
}

TEST(SuiteErrors, DuplicateKeysAndLabels)
{
  expect_error("defaults:\n"
               "  seed: 1\n"
               "  seed: 2\n",
               3, 3, {"duplicate key 'seed' in 'defaults' (first at inline.yaml:2:3)"});
  expect_error("matrix:\n"
               "  tasks:\n"
               "    - convection\n"
               "    - {name: convection, beta: 50}\n"
               "    - {name: reaction, label: convection}\n",
               5, 31,
               {"duplicate label 'convection' on axis 'tasks' (first at inline.yaml:3:7)",
                "(expected labels unique on an axis; give one entry another 'label')"});
  expect_error("matrix:\n"
               "  tasks: [convection]\n"
               "  objectives: [{name: ropinn, samples: 2}, {samples: 2, name: ropinn}]\n",
               3, 44,
               {"duplicate label 'ropinn_samples2' on axis 'objectives' (first at "
                "inline.yaml:3:16)"});
  expect_error(minimal_matrix + "  seeds: [0, 1, 0]\n", 6, 17,
               {"duplicate entry '0' on axis 'seeds'"});
  expect_error("matrix:\n"
               "  tasks: [{name: convection, label: Conv}]\n",
               2, 37, {"invalid label 'Conv'", "(expected lower-case letters, digits and '_'"});
}

TEST(SuiteErrors, EmptyAxesAndMissingVariants)
{
  expect_error("matrix:\n"
               "  tasks: [convection]\n"
               "  models: []\n",
               3, 11, {"axis 'models' is empty", "(expected a non-empty list of model names"});
  expect_error("description: no tasks\n"
               "matrix:\n"
               "  models: [pinn]\n"
               "  objectives: [vanilla]\n"
               "  optimizers: [lbfgs]\n",
               2, 1,
               {"no task named",
                "(expected a 'tasks' axis in 'matrix' or 'task: {name: ...}' in 'defaults')"});
  expect_error("defaults:\n"
               "  task: {name: convection}\n"
               "  model: {name: pinn}\n"
               "  objective: {name: vanilla}\n",
               1, 1, {"no optimizer named"});
  expect_error("matrix:\n"
               "  tasks: [{beta: 5}]\n",
               2, 11, {"an entry of 'matrix.tasks' has no 'name'"});
}

// --- Values that are only wrong for some runs: the error points where they were written -----

TEST(SuiteErrors, SharedKeyThatARunsVariantLacks)
{
  expect_error("defaults:\n"
               "  task:\n"
               "    beta: 5\n"
               "matrix:\n"
               "  tasks: [convection, reaction]\n"
               "  models: [pinn]\n"
               "  objectives: [vanilla]\n"
               "  optimizers: [lbfgs]\n",
               3, 5,
               {"'beta' in 'defaults.task' applies to every task, but task 'reaction' has no "
                "such key",
                "valid choices: rho, points, test, weights"});
  // A pinn setting at the shared level does not fit pinnsformer, which has no width.
  expect_error("defaults:\n"
               "  model: {width: 64}\n"
               "matrix:\n"
               "  tasks: [convection]\n"
               "  models: [pinn, pinnsformer]\n"
               "  objectives: [vanilla]\n"
               "  optimizers: [lbfgs]\n",
               2, 11,
               {"'width' in 'defaults.model' applies to every model, but model 'pinnsformer'"});
}

TEST(SuiteErrors, MergedPointSetPointsAtTheOverride)
{
  expect_error("defaults:\n"
               "  task:\n"
               "    points: {domain: {kind: random}}\n"
               "matrix:\n"
               "  tasks: [convection]\n"
               "  models: [pinn]\n"
               "  objectives: [vanilla]\n"
               "  optimizers: [lbfgs]\n"
               "overrides:\n"
               "  - when: {model: pinn}\n"
               "    set:\n"
               "      task:\n"
               "        points: {domain: {nx: 9}}\n",
               13, 27,
               {"unknown key 'nx' for a point set of kind 'random' in 'task.points.domain'",
                "(valid choices: kind, n)"});
}

TEST(SuiteErrors, MergedPointSetPointsAtTheMatrixEntry)
{
  expect_error("defaults:\n"
               "  task:\n"
               "    test: {domain: {kind: random, n: 50}}\n"
               "matrix:\n"
               "  tasks:\n"
               "    - convection\n"
               "    - {name: convection, label: b, test: {domain: {nt: 5}}}\n"
               "  models: [pinn]\n"
               "  objectives: [vanilla]\n"
               "  optimizers: [lbfgs]\n",
               7, 52, {"unknown key 'nt' for a point set of kind 'random' in 'task.test.domain'"});
}

TEST(SuiteErrors, WeightsOnlyForTheTasksTerms)
{
  expect_error("defaults:\n"
               "  task:\n"
               "    convection: {weights: {initial_velocity: 2}}\n" +
                   minimal_matrix,
               3, 28,
               {"unknown loss term 'initial_velocity' in 'task.weights' of task 'convection'",
                "(valid choices: residual, initial, boundary)"});
  expect_error("defaults:\n"
               "  task: {weights: {initial: -1}}\n" +
                   minimal_matrix,
               2, 29, {"'task.weights.initial' is out of range: -1 (expected float >= 0)"});
}

TEST(SuiteErrors, OverridesCannotChangeWhatIdentifiesARun)
{
  expect_error(minimal_matrix + "overrides:\n"
                                "  - when: {task: convection}\n"
                                "    set: {precision: fp64}\n",
               8, 11,
               {"an override cannot set 'precision' (it identifies the run)",
                "(expected 'precisions' in 'matrix' or 'precision' in 'defaults')"});
  expect_error(minimal_matrix + "overrides:\n"
                                "  - when: {task: convection}\n"
                                "    set: {task: {name: wave}}\n",
               8, 18, {"an override cannot change the task name"});
  expect_error(minimal_matrix + "overrides:\n"
                                "  - when: {task: convection}\n",
               7, 5, {"'overrides[0]' has no 'set'"});
  expect_error(minimal_matrix + "overrides:\n"
                                "  - when: {task: convektion}\n"
                                "    set: {}\n",
               7, 18,
               {"unknown task 'convektion' in 'overrides[0].when.task'; did you mean "
                "'convection'?"});
  expect_error(minimal_matrix + "overrides:\n"
                                "  - when: {seed: [0, x]}\n"
                                "    set: {}\n",
               7, 22, {"wrong type for 'overrides[0].when.seed': got 'x'"});
}

TEST(SuiteErrors, SuiteName)
{
  expect_error("name: ../elsewhere\n" + minimal_matrix, 1, 7,
               {"invalid suite name '../elsewhere'"});
}

TEST(SuiteErrors, ExclusionsAreChecked)
{
  // An exclusion naming no run of the matrix: a typo'd label.
  expect_error("matrix:\n"
               "  tasks: [convection]\n"
               "  models: [pinn]\n"
               "  objectives: [vanilla]\n"
               "  optimizers: [lbfgs]\n"
               "  exclude:\n"
               "    - {objective: ropinn}\n",
               7, 7, {"'matrix.exclude[0]' matches no run"});
  expect_error("matrix:\n"
               "  tasks: [convection]\n"
               "  models: [pinn]\n"
               "  objectives: [vanilla]\n"
               "  optimizers: [lbfgs]\n"
               "  exclude:\n"
               "    - {objectiv: vanilla}\n",
               7, 8, {"unknown key 'objectiv'", "did you mean 'objective'?"});
  expect_error("matrix:\n"
               "  tasks: [convection]\n"
               "  models: [pinn]\n"
               "  objectives: [vanilla]\n"
               "  optimizers: [lbfgs]\n"
               "  exclude: {task: convection}\n",
               6, 12, {"wrong type for 'matrix.exclude'"});
}

} // namespace
} // namespace pinnbench::suite
