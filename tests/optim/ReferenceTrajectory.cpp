#include "ReferenceTrajectory.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace pinnbench::test {

namespace {

class LineError
{
public:
  LineError(std::string path, int line) : path_(std::move(path)), line_(line) {}
  [[noreturn]] void fail(const std::string& what) const
  {
    throw std::runtime_error(path_ + ":" + std::to_string(line_) + ": " + what);
  }

private:
  std::string path_;
  int line_;
};

double parse_double(const std::string& token, const LineError& where)
{
  // strtod reads repr(float) output exactly (shortest round-trip decimal).
  errno = 0;
  char* end = nullptr;
  const double value = std::strtod(token.c_str(), &end);
  if (token.empty() || *end != '\0' || errno == ERANGE)
    where.fail("not a number: '" + token + "'");
  return value;
}

int parse_int(const std::string& token, const LineError& where)
{
  char* end = nullptr;
  const long value = std::strtol(token.c_str(), &end, 10);
  if (token.empty() || *end != '\0')
    where.fail("not an integer: '" + token + "'");
  return static_cast<int>(value);
}

std::vector<double> parse_point(std::istringstream& in, int dimension, const LineError& where)
{
  std::vector<double> x;
  std::string token;
  while (in >> token)
    x.push_back(parse_double(token, where));
  if (static_cast<int>(x.size()) != dimension)
    where.fail("expected " + std::to_string(dimension) + " coordinates, found " +
               std::to_string(x.size()));
  return x;
}

} // namespace

std::vector<const ReferenceEvaluation*> ReferenceTrajectory::evaluations_of(int step) const
{
  std::vector<const ReferenceEvaluation*> out;
  for (const ReferenceEvaluation& e : evaluations)
    if (e.step == step)
      out.push_back(&e);
  return out;
}

double ReferenceTrajectory::number(const std::string& key) const
{
  const auto it = settings.find(key);
  if (it == settings.end())
    throw std::runtime_error(scenario + ": no optimizer setting '" + key + "'");
  return std::stod(it->second);
}

int ReferenceTrajectory::integer(const std::string& key) const
{
  const auto it = settings.find(key);
  if (it == settings.end())
    throw std::runtime_error(scenario + ": no optimizer setting '" + key + "'");
  return std::stoi(it->second);
}

ReferenceTrajectory read_reference_trajectory(const std::string& path)
{
  std::ifstream file(path);
  if (!file)
    throw std::runtime_error("cannot open reference trajectory " + path);
  ReferenceTrajectory ref;
  std::string line;
  int number = 0;
  while (std::getline(file, line)) {
    ++number;
    const LineError where(path, number);
    if (line.empty())
      continue;
    if (line[0] == '#') {
      const std::size_t colon = line.find(':');
      if (colon == std::string::npos)
        where.fail("header line without ':'");
      std::string key = line.substr(1, colon - 1);
      key.erase(0, key.find_first_not_of(' '));
      std::istringstream value(line.substr(colon + 1));
      if (key == "scenario")
        value >> ref.scenario;
      else if (key == "problem")
        value >> ref.problem;
      else if (key == "torch")
        value >> ref.torch_version;
      else if (key == "generator")
        std::getline(value >> std::ws, ref.generator);
      else if (key == "steps")
        value >> ref.steps;
      else if (key == "n")
        value >> ref.dimension;
      else if (key == "optimizer") {
        value >> ref.optimizer;
        std::string item;
        while (value >> item) {
          const std::size_t equals = item.find('=');
          if (equals == std::string::npos)
            where.fail("optimizer setting without '=': '" + item + "'");
          ref.settings[item.substr(0, equals)] = item.substr(equals + 1);
        }
      } else
        where.fail("unknown header '" + key + "'");
      continue;
    }
    std::istringstream in(line);
    std::string tag, token;
    in >> tag;
    if (ref.dimension <= 0)
      where.fail("data before the '# n:' header");
    if (tag == "E") {
      ReferenceEvaluation e;
      in >> token;
      e.step = parse_int(token, where);
      in >> token;
      e.index = parse_int(token, where);
      in >> token;
      e.loss = parse_double(token, where);
      e.x = parse_point(in, ref.dimension, where);
      if (e.index != static_cast<int>(ref.evaluations.size()))
        where.fail("evaluation index out of sequence");
      ref.evaluations.push_back(std::move(e));
    } else if (tag == "S") {
      ReferenceStep s;
      in >> token;
      s.step = parse_int(token, where);
      in >> token;
      s.returned = parse_double(token, where);
      s.x = parse_point(in, ref.dimension, where);
      if (s.step != static_cast<int>(ref.results.size()))
        where.fail("step index out of sequence");
      ref.results.push_back(std::move(s));
    } else {
      where.fail("unknown record '" + tag + "'");
    }
  }
  if (static_cast<int>(ref.results.size()) != ref.steps)
    throw std::runtime_error(path + ": " + std::to_string(ref.results.size()) +
                             " S lines, header says " + std::to_string(ref.steps) + " steps");
  return ref;
}

optim::LbfgsSettings lbfgs_settings(const ReferenceTrajectory& reference)
{
  optim::LbfgsSettings s;
  s.lr = reference.number("lr");
  s.max_iter = reference.integer("max_iter");
  s.max_eval = reference.integer("max_eval");
  s.tolerance_grad = reference.number("tolerance_grad");
  s.tolerance_change = reference.number("tolerance_change");
  s.history_size = reference.integer("history_size");
  const std::string line_search = reference.settings.at("line_search");
  if (line_search != "strong_wolfe" && line_search != "none")
    throw std::runtime_error(reference.scenario + ": unknown line_search '" + line_search + "'");
  s.strong_wolfe = line_search == "strong_wolfe";
  return s;
}

optim::AdamSettings adam_settings(const ReferenceTrajectory& reference)
{
  optim::AdamSettings s;
  s.lr = reference.number("lr");
  s.beta1 = reference.number("beta1");
  s.beta2 = reference.number("beta2");
  s.eps = reference.number("eps");
  s.weight_decay = reference.number("weight_decay");
  return s;
}

ReferenceTrajectory read_reference_scenario(const std::string& scenario)
{
  return read_reference_trajectory(std::string(PINNBENCH_TEST_DATA_DIR) + "/optim/" + scenario +
                                   ".txt");
}

double relative_deviation(const std::vector<double>& x, const std::vector<double>& reference)
{
  double difference = 0, scale = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    difference = std::max(difference, std::abs(x[i] - reference[i]));
    scale = std::max(scale, std::abs(reference[i]));
  }
  return scale == 0 ? difference : difference / scale;
}

double relative_deviation(double f, double reference)
{
  const double scale = std::abs(reference);
  return scale == 0 ? std::abs(f) : std::abs(f - reference) / scale;
}

} // namespace pinnbench::test
