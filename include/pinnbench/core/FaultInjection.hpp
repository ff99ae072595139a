#pragma once
// Test-only fault injection: PINNBENCH_FAULT=OPERATION:N[@RANK] makes the N-th
// occurrence (1-based, counted per process) of OPERATION fail on RANK (every
// rank when omitted), as the real failure would. Operations:
//   result_write      a result file's HDF5 write fails like a full disk (ENOSPC)
//   checkpoint_write  a checkpoint's HDF5 write fails like a full disk (ENOSPC)
//   closure           a training closure throws before its allreduce (N counts closures)
//   setup             a run's setup throws after its task is built (N counts runs)
// Unset (the normal case), every check is one integer comparison.
#include <stdexcept>
#include <string>

namespace pinnbench::fault {

/// What an injected fault throws where the operation has no error type of its own.
class InjectedFault : public std::runtime_error
{
public:
  using std::runtime_error::runtime_error;
};

/// Tells the injector this process's rank (for `@RANK`); call once after MPI_Init.
void set_rank(int rank);

/// True when this occurrence of `operation` must fail. Counts every call.
/// Throws ConfigError for a malformed PINNBENCH_FAULT.
bool should_fail(const char* operation);

/// Throws InjectedFault("injected fault: MESSAGE") when should_fail(operation).
void maybe_throw(const char* operation, const std::string& message);

} // namespace pinnbench::fault
