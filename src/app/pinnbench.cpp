// pinnbench executable. The full driver lands with the suite, training and
// result-file pieces; until then it only reports its version.
#include <pinnbench/BuildVersion.hpp>

#include <cstdio>

int main()
{
  std::printf("pinnbench %s (%s)\n", pinnbench::build::version, pinnbench::build::git_commit);
  return 0;
}
