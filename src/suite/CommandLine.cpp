#include "Diagnostics.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <functional>
#include <pinnbench/core/Error.hpp>
#include <pinnbench/suite/CommandLine.hpp>
#include <pinnbench/suite/Schema.hpp>
#include <set>

namespace pinnbench::suite {
namespace {

using namespace detail;

struct OptionSpec
{
  std::string name;        ///< "--suite"
  std::string value_name;  ///< "NAME|PATH"; empty for flags
  std::string description; ///< for usage()
  std::function<void(Options&, const std::string& value)> apply;
};

std::int64_t parse_max_iterations(const std::string& value)
{
  const bool digits = !value.empty() && std::all_of(value.begin(), value.end(),
                                                    [](char c) { return c >= '0' && c <= '9'; });
  errno = 0;
  const long long n = digits ? std::strtoll(value.c_str(), nullptr, 10) : -1;
  if (!digits || errno == ERANGE) {
    throw ConfigError(
        explain("--max-iterations: invalid value " + in_quotes(value), "an integer N >= 0"));
  }
  return n;
}

const std::vector<OptionSpec>& option_specs()
{
  static const std::vector<OptionSpec> specs = {
      {"--suite", "NAME|PATH",
       "suite to run: NAME reads suites/NAME.yaml (source tree, then the install prefix's "
       "share/pinnbench/suites); a PATH (with '/' or ending in .yaml) reads that file",
       [](Options& o, const std::string& v) { o.suite = v; }},
      {"--list", "", "print the selected runs (after --filter and --shard) and exit",
       [](Options& o, const std::string&) { o.list = true; }},
      {"--filter", "SPEC",
       "run only matching runs; SPEC is key=value[,key=value...] with keys task, model, "
       "objective, optimizer (name or label), precision, seed; a repeated key means OR, "
       "different keys AND; the option may be repeated",
       [](Options& o, const std::string& v) { o.filter.merge(parse_filter(v)); }},
      {"--shard", "i/n",
       "run only shard i of n (0 <= i < n): run k of the selected runs belongs to shard k mod n",
       [](Options& o, const std::string& v) { o.shard = parse_shard(v); }},
      {"--out", "DIR", "result directory; files go to DIR/<suite>/<run_id>.h5 (default: results)",
       [](Options& o, const std::string& v) { o.out_dir = v; }},
      {"--resume", "",
       "skip runs whose result file is complete and has the same resolved configuration",
       [](Options& o, const std::string&) { o.resume = true; }},
      {"--max-iterations", "N", "cap every run's training.iterations at N (N >= 0)",
       [](Options& o, const std::string& v) { o.max_iterations = parse_max_iterations(v); }},
      {"--data-dir", "DIR",
       "directory of reference data files (default: $PINNBENCH_DATA, else none)",
       [](Options& o, const std::string& v) { o.data_dir = v; }},
      {"--help", "", "print this help and exit",
       [](Options& o, const std::string&) { o.help = true; }},
      {"--version", "", "print the version and exit",
       [](Options& o, const std::string&) { o.version = true; }},
  };
  return specs;
}

const OptionSpec* find_option(const std::string& name)
{
  const auto& specs = option_specs();
  const auto it =
      std::find_if(specs.begin(), specs.end(), [&](const OptionSpec& s) { return s.name == name; });
  return it == specs.end() ? nullptr : &*it;
}

std::vector<std::string> option_names()
{
  std::vector<std::string> names;
  for (const auto& s : option_specs()) {
    names.push_back(s.name);
  }
  return names;
}

[[noreturn]] void bad_option(const std::string& message, const std::string& expected = {},
                             const std::vector<std::string>& choices = {})
{
  throw ConfigError(explain(message, expected, choices) + "; see pinnbench --help");
}

/// `text` wrapped at about 80 columns, every line indented by `indent` spaces.
std::string wrapped(const std::string& text, std::size_t indent)
{
  std::string out, line(indent, ' ');
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find(' ', start);
    if (end == std::string::npos)
      end = text.size();
    const std::string word = text.substr(start, end - start);
    if (line.size() + word.size() + 1 > 80 && line.size() > indent) {
      out += line + "\n";
      line.assign(indent, ' ');
    }
    line += (line.size() > indent ? " " : "") + word;
    start = end + 1;
  }
  return out + line + "\n";
}

/// The tasks and models of this build (from their registries): name,
/// description, keys with their defaults, and a task's loss terms.
std::string variant_table(const std::string& section_name, const std::string& title)
{
  const SectionSpec& section = schema().section(section_name);
  std::string text = title + "\n";
  for (const auto& variant : section.variants) {
    text += "  " + variant.name + "  " + variant.description +
            (variant.implemented ? "" : " (not implemented yet)") + "\n";
    std::string keys;
    for (const auto& key : variant.keys)
      keys += (keys.empty() ? "" : ", ") + key.name +
              (key.default_yaml.empty() ? "" : "=" + key.default_yaml);
    std::string details;
    if (!keys.empty())
      details = "keys: " + keys;
    if (!variant.terms.empty()) {
      std::string terms;
      for (const auto& term : variant.terms)
        terms += (terms.empty() ? "" : ", ") + term;
      details += (details.empty() ? "" : "; ") + std::string("terms: ") + terms;
    }
    if (!details.empty())
      text += wrapped(details, 6);
  }
  return text;
}

} // namespace

Options parse_command_line(int argc, char** argv)
{
  Options options;
  if (const char* data = std::getenv("PINNBENCH_DATA")) {
    options.data_dir = data;
  }
  std::set<std::string> seen;
  for (int i = 1; i < argc; ++i) {
    const std::string argument = argv[i];
    std::string name = argument;
    std::string value;
    bool inline_value = false;
    if (argument == "-h") {
      name = "--help";
    } else if (argument.rfind("--", 0) == 0) {
      const std::size_t equals = argument.find('=');
      if (equals != std::string::npos) {
        name = argument.substr(0, equals);
        value = argument.substr(equals + 1);
        inline_value = true;
      }
    } else if (argument.rfind('-', 0) == 0 && argument.size() > 1) {
      bad_option("unknown option " + in_quotes(argument), "", option_names());
    } else {
      bad_option("unexpected argument " + in_quotes(argument), "options starting with --",
                 option_names());
    }
    const OptionSpec* spec = find_option(name);
    if (!spec) {
      bad_option("unknown option " + in_quotes(name) + did_you_mean(name, option_names()), "",
                 option_names());
    }
    if (spec->value_name.empty()) {
      if (inline_value) {
        bad_option("option " + spec->name + " takes no value (got " + in_quotes(value) + ")");
      }
    } else if (!inline_value) {
      // A following option is not a value: `--out --resume` forgot the directory.
      if (i + 1 >= argc || std::string(argv[i + 1]).rfind("--", 0) == 0) {
        bad_option("option " + spec->name + " needs a value", spec->value_name);
      }
      value = argv[++i];
    }
    if (!spec->value_name.empty() && value.empty()) {
      bad_option("option " + spec->name + " needs a value", spec->value_name);
    }
    if (spec->name != "--filter" && !seen.insert(spec->name).second) {
      bad_option("option " + spec->name + " is given more than once");
    }
    spec->apply(options, value);
  }
  if (options.suite.empty() && !options.help && !options.version) {
    bad_option("no suite given", "--suite NAME|PATH");
  }
  return options;
}

std::string usage()
{
  std::string text =
      "Usage: mpirun [-n RANKS] pinnbench --suite NAME|PATH [options]\n"
      "\n"
      "Runs the training runs of a benchmark suite: a YAML file whose matrix of tasks,\n"
      "models, objectives, optimizers, precisions and seeds expands into runs. Every run\n"
      "writes one HDF5 result file. Suite files are described in docs/suites.md, result\n"
      "files in docs/results.md.\n"
      "\n"
      "Options (--opt VALUE and --opt=VALUE are the same):\n";
  for (const auto& spec : option_specs()) {
    std::string head = "  " + spec.name;
    if (spec.name == "--help") {
      head = "  -h, --help";
    }
    if (!spec.value_name.empty()) {
      head += " " + spec.value_name;
    }
    text += head + "\n";
    // Wrap the description at about 80 columns, indented under the option.
    std::string line = "      ";
    std::size_t start = 0;
    const std::string& d = spec.description;
    while (start < d.size()) {
      std::size_t end = d.find(' ', start);
      if (end == std::string::npos) {
        end = d.size();
      }
      const std::string word = d.substr(start, end - start);
      if (line.size() + word.size() + 1 > 80 && line.size() > 6) {
        text += line + "\n";
        line = "      ";
      }
      line += (line.size() > 6 ? " " : "") + word;
      start = end + 1;
    }
    text += line + "\n";
  }
  text += "\n" +
          variant_table("task", "Tasks (suite 'task:' names, their keys with defaults and loss "
                                "terms; docs/suites.md):") +
          "\n" + variant_table("model", "Models (suite 'model:' names and keys):");
  text += "\n"
          "Exit codes:\n"
          "  0  every selected run finished (or was skipped by --resume)\n"
          "  1  at least one run failed (its result file records what happened)\n"
          "  2  bad input: command line, suite file or data files; nothing was run\n"
          "\n"
          "Examples:\n"
          "  pinnbench --suite quickstart --list\n"
          "  mpirun -n 4 pinnbench --suite quickstart --filter task=convection --out results\n"
          "  pinnbench --suite my_suite.yaml --shard 0/8 --resume\n";
  return text;
}

} // namespace pinnbench::suite
