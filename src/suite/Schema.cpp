#include <algorithm>
#include <cmath>
#include <pinnbench/core/Error.hpp>
#include <pinnbench/nn/ModelRegistry.hpp>
#include <pinnbench/objective/Vpinn.hpp>
#include <pinnbench/pde/TaskRegistry.hpp>
#include <pinnbench/suite/KeyBuilders.hpp>
#include <pinnbench/suite/Schema.hpp>
#include <sstream>

namespace pinnbench::suite {
namespace {

// --- The table ---------------------------------------------------------------

/// Tasks come from the task registry (pde/TaskRegistry.hpp); `weights` is the
/// one key every task shares.
SectionSpec task_section()
{
  SectionSpec s;
  s.name = "task";
  s.axis = "tasks";
  s.shared_keys = {weights_key()};
  for (const auto& task : pde::task_registry())
    s.variants.push_back(
        {task.name, task.implemented(), task.keys, task.terms, task.description, task.inputs});
  return s;
}

/// Models come from the model registry (nn/ModelRegistry.hpp).
SectionSpec model_section()
{
  SectionSpec s;
  s.name = "model";
  s.axis = "models";
  // Keys every model has: stored starting parameters, input normalisation.
  s.shared_keys = nn::shared_model_keys();
  for (const auto& model : nn::model_registry())
    s.variants.push_back({model.name, model.implemented(), model.keys, {}, model.description, {}});
  return s;
}

SectionSpec objective_section()
{
  SectionSpec s;
  s.name = "objective";
  s.axis = "objectives";
  const auto penalty_keys = [] {
    return std::vector<KeySpec>{
        real_key("lambda", "1e-6", at_least(0), "penalty weight"),
        bool_key("include_biases", "true", "penalise biases as well as weights")};
  };
  s.variants = {
      variant("vanilla", {}, "weighted sum of the task's mean-squared terms"),
      variant("gpinn", {real_key("weight", "0.1", at_least(0), "weight of the gradient terms")},
              "gradient-enhanced PINN"),
      variant(
          "vpinn",
          {per_input(int_list_key("elements", "[8, 8]", 0, 1,
                                  "elements per input coordinate (default: by input count)"),
                     [](int d) { return yaml_list(objective::vpinn_defaults(d).elements); }),
           per_input(int_key("quadrature_points", "10", 3,
                             "GLL points per element and coordinate, end nodes included"),
                     [](int d) {
                       return std::to_string(objective::vpinn_defaults(d).quadrature_points);
                     }),
           per_input(
               int_key("test_functions", "5", 1, "test functions per element and coordinate"),
               [](int d) { return std::to_string(objective::vpinn_defaults(d).test_functions); })},
          "variational PINN (PINNacle's strong form)"),
      variant("ropinn",
              {real_key("initial_region", "1e-4", at_least(0), "r0"),
               real_key("max_region", "0.01", at_least(0), "upper clip of r0 / sigma"),
               int_key("samples", "1", 1, "perturbed copies of each residual point"),
               int_key("past_iterations", "10", 1, "T0, gradients kept for sigma"),
               bool_key("perturb_conditions", "false", "perturb initial/boundary points too"),
               bool_key("fixed_sigma", "false", "keep sigma = 1 (fixed-region ablation)")},
              "region optimisation"),
      variant("double_pinn",
              {real_key("lambda", "1e-3", at_least(0), "weight of the double-backprop term"),
               choice_key("form", {"grad_sq_residual", "grad_residual"}, "what is differentiated"),
               choice_key("coordinates", {"all_network_inputs", "free"},
                          "coordinates the gradient is taken in"),
               choice_key("reduction", {"mean", "batch_grad"}, "how points are reduced")},
              "double-backpropagation penalty"),
      variant("l1", penalty_keys(), "L1 parameter penalty"),
      variant("l2", penalty_keys(), "L2 parameter penalty"),
  };
  return s;
}

SectionSpec optimizer_section()
{
  SectionSpec s;
  s.name = "optimizer";
  s.axis = "optimizers";
  s.variants = {
      variant("lbfgs",
              {real_key("lr", "1", above(0), "step length"),
               int_key("max_iter", "20", 1, "inner iterations per step"),
               int_key("max_eval", "0", 0, "closure evaluations per step (0: max_iter * 5 / 4)"),
               real_key("tolerance_grad", "1e-7", at_least(0), "first-order optimality tolerance"),
               real_key("tolerance_change", "1e-9", at_least(0), "step / loss change tolerance"),
               int_key("history_size", "100", 1, "curvature pairs kept"),
               choice_key("line_search", {"strong_wolfe", "none"}, "line search")},
              "PyTorch-compatible L-BFGS"),
      variant("lbfgs_optax",
              {int_key("memory_size", "10", 1, "curvature pairs kept (Optax's default)"),
               bool_key("scale_init_precond", "true",
                        "initial inverse Hessian y.s / y.y (first step: min(1, 1/|g|))"),
               int_key("max_linesearch_steps", "20", 1, "zoom line-search evaluations")},
              "Optax's L-BFGS (optax.lbfgs): zoom line search, one update per iteration"),
      variant("adam",
              {real_key("lr", "1e-3", above(0), "learning rate"),
               real_key("beta1", "0.9", interval(0, 1, false), "first-moment decay"),
               real_key("beta2", "0.999", interval(0, 1, false), "second-moment decay"),
               real_key("eps", "1e-8", above(0), "denominator offset"),
               real_key("weight_decay", "0", at_least(0), "L2 weight decay")},
              "Adam"),
  };
  return s;
}

std::vector<KeySpec> run_keys()
{
  return {
      choice_key("precision", {"fp32", "fp64"}, "floating-point precision of the run"),
      int_key("seed", "0", 0, "initialisation, random point sets, RoPINN draws", no_int_limit),
      mapping_key(
          "training",
          {int_key("iterations", "1000", 0, "optimiser steps (--max-iterations caps it)",
                   no_int_limit),
           int_key("history_every", "10", 1, "history (and evaluation) cadence", no_int_limit),
           int_key("chunk_points", "1024", 1, "points per rank processed at once"),
           real_key("checkpoint_seconds", "600", at_least(0),
                    "training seconds between checkpoints (0: none)"),
           mapping_key("stopping",
                       {choice_key("rule", {"none", "relative_change"}, "early-stopping rule"),
                        int_key("window", "100", 1, "w of relative_change", no_int_limit),
                        tolerance_key("tolerance", "sqrt_eps", "threshold of relative_change")},
                       "early stopping")},
          "optimisation loop"),
      mapping_key("evaluation",
                  {bool_key("test_loss", "true", "evaluate the loss on the test point sets")},
                  "what is evaluated at history entries"),
  };
}

Schema build_schema()
{
  Schema s;
  s.suite_keys = {
      {"name", "suite name (default: the file name without .yaml)"},
      {"description", "free text"},
      {"defaults", "settings shared by every run"},
      {"matrix", "axes whose cross product is the list of runs"},
      {"overrides", "settings applied to the runs a condition matches"},
  };
  s.sections = {task_section(), model_section(), objective_section(), optimizer_section()};
  s.run_keys = run_keys();
  s.override_keys = {"when", "set"};
  s.condition_keys = {"task", "model", "objective", "optimizer", "precision", "seed"};
  return s;
}

std::string format_real(double v)
{
  std::ostringstream out;
  out << v;
  return out.str();
}

} // namespace

const VariantSpec* SectionSpec::find_variant(const std::string& variant_name) const
{
  const auto it = std::find_if(variants.begin(), variants.end(),
                               [&](const VariantSpec& v) { return v.name == variant_name; });
  return it == variants.end() ? nullptr : &*it;
}

std::vector<std::string> SectionSpec::variant_names() const
{
  std::vector<std::string> names;
  for (const auto& v : variants) {
    names.push_back(v.name);
  }
  return names;
}

const KeySpec* SectionSpec::find_key(const VariantSpec& variant, const std::string& key) const
{
  if (const KeySpec* shared = suite::find_key(shared_keys, key)) {
    return shared;
  }
  return suite::find_key(variant.keys, key);
}

std::vector<std::string> SectionSpec::key_names(const VariantSpec& variant) const
{
  std::vector<std::string> names = suite::key_names(variant.keys);
  for (const auto& k : shared_keys) {
    names.push_back(k.name);
  }
  return names;
}

const SectionSpec* Schema::find_section(const std::string& section_name) const
{
  const auto it = std::find_if(sections.begin(), sections.end(),
                               [&](const SectionSpec& s) { return s.name == section_name; });
  return it == sections.end() ? nullptr : &*it;
}

const SectionSpec& Schema::section(const std::string& section_name) const
{
  if (const SectionSpec* s = find_section(section_name)) {
    return *s;
  }
  throw LogicError("schema has no section '" + section_name + "'");
}

const KeySpec* Schema::find_run_key(const std::string& key) const
{
  return suite::find_key(run_keys, key);
}

const Schema& schema()
{
  static const Schema instance = build_schema();
  return instance;
}

const KeySpec* find_key(const std::vector<KeySpec>& keys, const std::string& name)
{
  const auto it =
      std::find_if(keys.begin(), keys.end(), [&](const KeySpec& k) { return k.name == name; });
  return it == keys.end() ? nullptr : &*it;
}

std::vector<std::string> key_names(const std::vector<KeySpec>& keys)
{
  std::vector<std::string> names;
  for (const auto& k : keys) {
    names.push_back(k.name);
  }
  return names;
}

namespace {

std::string describe_int_range(const ValueSpec& spec, const std::string& what)
{
  const bool has_min = spec.int_min != std::numeric_limits<std::int64_t>::min();
  const bool has_max = spec.int_max != std::numeric_limits<std::int64_t>::max();
  if (has_min && has_max) {
    return what + " in [" + std::to_string(spec.int_min) + ", " + std::to_string(spec.int_max) +
           "]";
  }
  if (has_min) {
    return what + " >= " + std::to_string(spec.int_min);
  }
  if (has_max) {
    return what + " <= " + std::to_string(spec.int_max);
  }
  return what;
}

std::string describe_real_range(const ValueSpec& spec)
{
  const bool has_min = std::isfinite(spec.real_min);
  const bool has_max = std::isfinite(spec.real_max);
  std::string text = "float";
  if (has_min && has_max) {
    text += std::string(" in ") + (spec.real_min_inclusive ? "[" : "(") +
            format_real(spec.real_min) + ", " + format_real(spec.real_max) +
            (spec.real_max_inclusive ? "]" : ")");
  } else if (has_min) {
    text += (spec.real_min_inclusive ? " >= " : " > ") + format_real(spec.real_min);
  } else if (has_max) {
    text += (spec.real_max_inclusive ? " <= " : " < ") + format_real(spec.real_max);
  }
  for (const auto& keyword : spec.keywords) {
    text += " or " + keyword;
  }
  return text;
}

std::string join_names(const std::vector<std::string>& names, const std::string& separator)
{
  std::string text;
  for (std::size_t i = 0; i < names.size(); ++i) {
    text += (i ? separator : "") + names[i];
  }
  return text;
}

} // namespace

std::string describe(const ValueSpec& spec)
{
  switch (spec.kind) {
  case ValueKind::integer:
    return describe_int_range(spec, "int");
  case ValueKind::real:
    return describe_real_range(spec);
  case ValueKind::boolean:
    return "bool (true or false)";
  case ValueKind::choice:
    return "one of " + join_names(spec.choices, ", ");
  case ValueKind::int_list:
    return "a list of " +
           (spec.list_length ? std::to_string(spec.list_length) + " " : std::string()) +
           describe_int_range(spec, "ints") + (spec.list_length ? "" : ", one per task input");
  case ValueKind::mapping:
    return "a mapping with keys " + join_names(key_names(spec.children), ", ");
  case ValueKind::point_set: {
    std::vector<std::string> forms;
    for (const auto& kind : spec.kinds) {
      forms.push_back("{kind: " + kind.name + ", " + join_names(key_names(kind.keys), ", ") + "}");
    }
    return "a point set " + join_names(forms, " or ");
  }
  case ValueKind::term_weights:
    return "a mapping loss term -> " + describe_real_range(spec);
  case ValueKind::text:
    return "a string";
  }
  return "?";
}

bool is_implemented(const std::string& section_name, const std::string& variant_name)
{
  const VariantSpec* v = schema().section(section_name).find_variant(variant_name);
  if (!v) {
    throw LogicError("schema has no " + section_name + " '" + variant_name + "'");
  }
  return v->implemented;
}

} // namespace pinnbench::suite
