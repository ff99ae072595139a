#pragma once
// A network maps the coordinate jet of a point set to the jet of its outputs,
// recording its ops on the coordinates' tape. Parameters live in one flat
// vector described by layout().
#include <cstdint>
#include <pinnbench/jet/Expression.hpp>
#include <pinnbench/nn/ParameterLayout.hpp>
#include <pinnbench/nn/PseudoSequence.hpp>
#include <string>

namespace pinnbench::nn {

template <class Real>
class Model
{
public:
  virtual ~Model() = default;
  virtual std::string name() const = 0;
  virtual int inputs() const = 0;
  virtual int outputs() const = 0;
  virtual const ParameterLayout& layout() const = 0;
  /// Initial parameters for `seed`, identical on every rank and backend.
  virtual void initialize(const Vector<Real>& parameters, std::uint64_t seed) const = 0;
  /// Output jet [S][N][outputs] for input jet [S][N][inputs].
  virtual jet::Var<Real> forward(const jet::Var<Real>& input) const = 0;
  /// Pointwise models have sequences of length 1.
  virtual PseudoSequence sequence() const { return {}; }
};

} // namespace pinnbench::nn
