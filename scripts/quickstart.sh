#!/usr/bin/env bash
# Fresh machine to first results: install the Debian packages, build, and run
# the quickstart suite on 2 MPI ranks (a few minutes on 2 cores). Results go to
# results/quickstart/; a table is printed at the end.
#   scripts/quickstart.sh [extra pinnbench options, e.g. --resume]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
cmake --build build -j"$(nproc)"
# Open MPI refuses to run as root without this flag; oversubscribe lets 2 ranks
# share fewer cores.
mpi_flags=(--oversubscribe --bind-to none)
[ "$(id -u)" -eq 0 ] && mpi_flags+=(--allow-run-as-root)
OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 \
  mpirun "${mpi_flags[@]}" -np 2 build/src/pinnbench --suite quickstart "$@"
