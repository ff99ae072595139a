#pragma once
// Error kinds that map to distinct exit codes of the pinnbench executable.
#include <stdexcept>
#include <string>

namespace pinnbench {

/// Bad input (suite files, command line, data files): exit code 2. The message
/// already names the file, line and key ("FILE:LINE:COL: ...").
class ConfigError : public std::runtime_error
{
public:
  using std::runtime_error::runtime_error;
};

/// A valid configuration that names a component this build does not implement.
class NotImplementedError : public std::runtime_error
{
public:
  explicit NotImplementedError(const std::string& what)
      : std::runtime_error("not implemented yet: " + what)
  {}
};

/// A violated internal precondition (a bug, or an impossible request from code).
class LogicError : public std::logic_error
{
public:
  using std::logic_error::logic_error;
};

} // namespace pinnbench
