#pragma once
// The 1D task tests build their small point sets the same way: training and
// test points on one grid, so every test states only its four sizes.
#include <pinnbench/pde/SpaceTimeTask.hpp>

namespace pinnbench::test_support {

/// An nx x nt domain grid, `initial` points on t = 0, `boundary` points on each
/// x edge; the test set the same.
inline pde::SpaceTimeSettings grid_settings(int nx, int nt, int initial, int boundary)
{
  pde::SpaceTimeSettings settings;
  settings.train.domain.nx = nx;
  settings.train.domain.nt = nt;
  settings.train.initial = initial;
  settings.train.boundary = boundary;
  settings.test = settings.train;
  return settings;
}

} // namespace pinnbench::test_support
