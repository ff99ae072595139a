#include <pinnbench/core/Error.hpp>
#include <pinnbench/jet/MultiIndex.hpp>

namespace pinnbench::jet {

namespace {
void check_coordinate(int coordinate)
{
  if (coordinate < 0 || coordinate >= kMaxCoordinates)
    throw LogicError("multi-index coordinate " + std::to_string(coordinate) + " outside [0, " +
                     std::to_string(kMaxCoordinates) + ")");
}
} // namespace

MultiIndex MultiIndex::unit(int coordinate, int order)
{
  return MultiIndex{}.plus(coordinate, order);
}

MultiIndex MultiIndex::from(const std::vector<int>& exponents)
{
  if (exponents.size() > static_cast<std::size_t>(kMaxCoordinates))
    throw LogicError("multi-index with more than kMaxCoordinates entries");
  MultiIndex alpha;
  for (std::size_t j = 0; j < exponents.size(); ++j)
    alpha = alpha.plus(static_cast<int>(j), exponents[j]);
  return alpha;
}

int MultiIndex::order() const
{
  int sum = 0;
  for (auto e : exponents_)
    sum += e;
  return sum;
}

MultiIndex MultiIndex::plus(int coordinate, int count) const
{
  check_coordinate(coordinate);
  const int value = exponents_[static_cast<std::size_t>(coordinate)] + count;
  if (value < 0 || value > 255)
    throw LogicError("multi-index exponent out of range");
  MultiIndex result = *this;
  result.exponents_[static_cast<std::size_t>(coordinate)] = static_cast<std::uint8_t>(value);
  return result;
}

MultiIndex MultiIndex::operator+(const MultiIndex& other) const
{
  MultiIndex result = *this;
  for (int j = 0; j < kMaxCoordinates; ++j)
    result = result.plus(j, other[j]);
  return result;
}

MultiIndex MultiIndex::operator-(const MultiIndex& other) const
{
  MultiIndex result = *this;
  for (int j = 0; j < kMaxCoordinates; ++j)
    result = result.plus(j, -other[j]);
  return result;
}

bool MultiIndex::divides(const MultiIndex& alpha) const
{
  for (int j = 0; j < kMaxCoordinates; ++j)
    if ((*this)[j] > alpha[j])
      return false;
  return true;
}

double MultiIndex::factorial() const
{
  double result = 1.0;
  for (auto e : exponents_)
    for (int k = 2; k <= e; ++k)
      result *= k;
  return result;
}

bool MultiIndex::operator<(const MultiIndex& other) const
{
  const int a = order();
  const int b = other.order();
  if (a != b)
    return a < b;
  // Same order: more weight on earlier coordinates sorts first (x before t).
  for (int j = 0; j < kMaxCoordinates; ++j)
    if ((*this)[j] != other[j])
      return (*this)[j] > other[j];
  return false;
}

std::string MultiIndex::to_string(const std::vector<std::string>& coordinate_names) const
{
  if (is_zero())
    return "u";
  std::string text;
  for (int j = 0; j < kMaxCoordinates; ++j) {
    const std::string name = j < static_cast<int>(coordinate_names.size())
                                 ? coordinate_names[static_cast<std::size_t>(j)]
                                 : "z" + std::to_string(j);
    for (int k = 0; k < (*this)[j]; ++k)
      text += name;
  }
  return text;
}

} // namespace pinnbench::jet
