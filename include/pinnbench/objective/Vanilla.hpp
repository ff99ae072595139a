#pragma once
// The weighted sum of the task's mean-squared terms.
#include <pinnbench/objective/Objective.hpp>

namespace pinnbench::objective {

template <class Real>
class Vanilla final : public Objective<Real>
{
public:
  std::string name() const override { return "vanilla"; }
};

} // namespace pinnbench::objective
