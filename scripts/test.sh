#!/usr/bin/env bash
# Fresh machine to a full test run: install the Debian packages (with the test
# extras), build with warnings as errors, run every C++ test (ctest: unit tests,
# MPI tests at 1 and 2 ranks, command-line tests) and the analysis tests (pytest).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --tests
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DPINNBENCH_WARNINGS_AS_ERRORS=ON
cmake --build build -j"$(nproc)"
ctest --test-dir build --output-on-failure -j"$(nproc)"
/usr/bin/python3 -m pytest -q analysis/tests
