#include <pinnbench/core/Error.hpp>
#include <pinnbench/parallel/MpiContext.hpp>

namespace pinnbench::parallel {

namespace {
void check(int code, const char* what)
{
  if (code != MPI_SUCCESS)
    throw LogicError(std::string("MPI call failed: ") + what);
}
} // namespace

MpiContext::MpiContext(MPI_Comm comm) : comm_(comm)
{
  check(MPI_Comm_rank(comm_, &rank_), "MPI_Comm_rank");
  check(MPI_Comm_size(comm_, &size_), "MPI_Comm_size");
}

template <>
void MpiContext::allreduce_sum<float>(float* data, std::size_t count) const
{
  check(MPI_Allreduce(MPI_IN_PLACE, data, static_cast<int>(count), MPI_FLOAT, MPI_SUM, comm_),
        "MPI_Allreduce");
}

template <>
void MpiContext::allreduce_sum<double>(double* data, std::size_t count) const
{
  check(MPI_Allreduce(MPI_IN_PLACE, data, static_cast<int>(count), MPI_DOUBLE, MPI_SUM, comm_),
        "MPI_Allreduce");
}

bool MpiContext::any(bool flag) const
{
  int local = flag ? 1 : 0, global = 0;
  check(MPI_Allreduce(&local, &global, 1, MPI_INT, MPI_MAX, comm_), "MPI_Allreduce");
  return global != 0;
}

std::vector<double> MpiContext::gather_to_root(const std::vector<double>& local) const
{
  const int count = static_cast<int>(local.size());
  std::vector<int> counts(static_cast<std::size_t>(size_));
  check(MPI_Gather(&count, 1, MPI_INT, counts.data(), 1, MPI_INT, 0, comm_), "MPI_Gather");
  std::vector<int> displacements(static_cast<std::size_t>(size_), 0);
  int total = 0;
  if (is_root())
    for (int r = 0; r < size_; ++r) {
      displacements[static_cast<std::size_t>(r)] = total;
      total += counts[static_cast<std::size_t>(r)];
    }
  std::vector<double> gathered(static_cast<std::size_t>(total));
  check(MPI_Gatherv(local.data(), count, MPI_DOUBLE, gathered.data(), counts.data(),
                    displacements.data(), MPI_DOUBLE, 0, comm_),
        "MPI_Gatherv");
  return gathered;
}

std::string MpiContext::broadcast(const std::string& text) const
{
  int length = static_cast<int>(text.size());
  check(MPI_Bcast(&length, 1, MPI_INT, 0, comm_), "MPI_Bcast");
  std::string result = is_root() ? text : std::string(static_cast<std::size_t>(length), '\0');
  check(MPI_Bcast(result.data(), length, MPI_CHAR, 0, comm_), "MPI_Bcast");
  return result;
}

std::string MpiContext::first_error(const std::string& local_error) const
{
  // The lowest failing rank speaks for all: deterministic, one message.
  int local = local_error.empty() ? size_ : rank_, first = size_;
  check(MPI_Allreduce(&local, &first, 1, MPI_INT, MPI_MIN, comm_), "MPI_Allreduce");
  if (first == size_)
    return {};
  int length = static_cast<int>(local_error.size());
  check(MPI_Bcast(&length, 1, MPI_INT, first, comm_), "MPI_Bcast");
  std::string message =
      rank_ == first ? local_error : std::string(static_cast<std::size_t>(length), '\0');
  check(MPI_Bcast(message.data(), length, MPI_CHAR, first, comm_), "MPI_Bcast");
  // A message that already names its rank (passed on from an earlier agree) keeps it.
  const bool named = message.rfind("rank ", 0) == 0;
  return size_ > 1 && !named ? "rank " + std::to_string(first) + ": " + message : message;
}

void MpiContext::agree(const std::string& local_error) const
{
  const std::string message = first_error(local_error);
  if (!message.empty())
    throw CollectiveFailure(message);
}

template <>
void ReductionSlots<double>::pack(double value, double* slots)
{
  slots[0] = value;
}
template <>
double ReductionSlots<double>::unpack(const double* slots)
{
  return slots[0];
}
template <>
void ReductionSlots<float>::pack(double value, float* slots)
{
  slots[0] = static_cast<float>(value);
  slots[1] = static_cast<float>(value - static_cast<double>(slots[0]));
}
template <>
double ReductionSlots<float>::unpack(const float* slots)
{
  return static_cast<double>(slots[0]) + static_cast<double>(slots[1]);
}

} // namespace pinnbench::parallel
