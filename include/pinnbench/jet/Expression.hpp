#pragma once
// Value-semantics handles to tape nodes, so residuals are written as formulas:
//   Var r = d(u, T) + beta * d(u, X);
// Every operator records one op on the tape of its operands.
#include <pinnbench/core/Error.hpp>
#include <pinnbench/jet/Tape.hpp>

namespace pinnbench::jet {

template <class Real>
class Var
{
public:
  Var() = default;
  Var(Tape<Real>& tape, typename Tape<Real>::NodeId id) : tape_(&tape), id_(id) {}

  Tape<Real>& tape() const
  {
    if (!tape_)
      throw LogicError("use of an unset jet variable");
    return *tape_;
  }
  typename Tape<Real>::NodeId id() const { return id_; }
  bool valid() const { return tape_ != nullptr; }
  const DerivativeSetPtr& set() const { return tape().set(id_); }
  Jet<Real> value() const { return tape().value(id_); }

private:
  Tape<Real>* tape_ = nullptr;
  typename Tape<Real>::NodeId id_ = Tape<Real>::none;
};

namespace detail {
template <class Real>
Tape<Real>& same_tape(const Var<Real>& a, const Var<Real>& b)
{
  if (&a.tape() != &b.tape())
    throw LogicError("jet variables from different tapes");
  return a.tape();
}
} // namespace detail

template <class Real>
Var<Real> operator+(const Var<Real>& a, const Var<Real>& b)
{
  auto& tape = detail::same_tape(a, b);
  return {tape, tape.add(a.id(), b.id())};
}

template <class Real>
Var<Real> operator-(const Var<Real>& a, const Var<Real>& b)
{
  auto& tape = detail::same_tape(a, b);
  return {tape, tape.sub(a.id(), b.id())};
}

template <class Real>
Var<Real> operator*(const Var<Real>& a, const Var<Real>& b)
{
  auto& tape = detail::same_tape(a, b);
  return {tape, tape.mul(a.id(), b.id())};
}

template <class Real>
Var<Real> operator*(Real alpha, const Var<Real>& a)
{
  return {a.tape(), a.tape().scale(a.id(), alpha)};
}

template <class Real>
Var<Real> operator*(const Var<Real>& a, Real alpha)
{
  return alpha * a;
}

template <class Real>
Var<Real> operator-(const Var<Real>& a)
{
  return Real(-1) * a;
}

template <class Real>
Var<Real> operator+(const Var<Real>& a, Real constant)
{
  return {a.tape(), a.tape().add_constant(a.id(), constant)};
}

template <class Real>
Var<Real> operator+(Real constant, const Var<Real>& a)
{
  return a + constant;
}

template <class Real>
Var<Real> operator-(const Var<Real>& a, Real constant)
{
  return a + (-constant);
}

template <class Real>
Var<Real> operator-(Real constant, const Var<Real>& a)
{
  return {a.tape(), a.tape().add_constant(a.tape().scale(a.id(), Real(-1)), constant)};
}

/// d a / d z_coordinate.
template <class Real>
Var<Real> d(const Var<Real>& a, int coordinate)
{
  return {a.tape(), a.tape().derivative(a.id(), coordinate)};
}

/// sum_{j in axes} d^2 a / d z_j^2. Read from the collapsed Laplacian component
/// when a's set carries one over exactly these axes (one component instead of
/// one per axis: DerivativeSet.hpp), otherwise summed from second derivatives,
/// which then also carries the derivatives of the Laplacian the set allows.
template <class Real>
Var<Real> laplacian(const Var<Real>& a, const std::vector<int>& axes)
{
  const auto& set = a.set();
  const AxisMask mask = axis_mask(axes, set->dimension());
  if (set->find_laplacian(mask) >= 0)
    return {a.tape(), a.tape().collapsed_laplacian(a.id(), mask)};
  Var<Real> sum;
  for (int j : axes) {
    const Var<Real> second = d(d(a, j), j);
    sum = sum.valid() ? sum + second : second;
  }
  return sum;
}

/// One feature (network output) of a multi-feature jet.
template <class Real>
Var<Real> feature(const Var<Real>& a, int index)
{
  return {a.tape(), a.tape().feature(a.id(), index)};
}

template <class Real>
Var<Real> apply(UnaryKind kind, const Var<Real>& a)
{
  return {a.tape(), a.tape().unary(a.id(), kind)};
}

template <class Real>
Var<Real> tanh(const Var<Real>& a)
{
  return apply(UnaryKind::tanh, a);
}
template <class Real>
Var<Real> sin(const Var<Real>& a)
{
  return apply(UnaryKind::sin, a);
}
template <class Real>
Var<Real> cos(const Var<Real>& a)
{
  return apply(UnaryKind::cos, a);
}
template <class Real>
Var<Real> exp(const Var<Real>& a)
{
  return apply(UnaryKind::exp, a);
}
template <class Real>
Var<Real> square(const Var<Real>& a)
{
  return apply(UnaryKind::square, a);
}

} // namespace pinnbench::jet
