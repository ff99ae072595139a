#!/usr/bin/env bash
# Installs the Debian 12 packages pinnbench needs. Idempotent: packages already
# installed are skipped, and `apt-get update` runs once, only when something is
# missing.
#
#   scripts/install-deps.sh            build and run (compiler, Kokkos, MPI, HDF5, ...)
#   scripts/install-deps.sh --tests    also what the test suite needs (GoogleTest,
#                                      pytest, PyTorch for the independent checks, and
#                                      clang for the second compiler's build)
#   scripts/install-deps.sh --baselines  also PyTorch, for benchmarks/closure_vs_torch.sh
set -euo pipefail

packages=(
  build-essential cmake pkg-config git
  libtrilinos-kokkos-dev libtrilinos-kokkos-kernels-dev
  libblas-dev liblapack-dev     # Kokkos Kernels links -lblas -llapack
  libopenblas0-pthread          # Kokkos Kernels' BLAS at run time (~20x the reference BLAS)
  openmpi-bin libopenmpi-dev
  libhdf5-openmpi-dev
  libyaml-cpp-dev libfftw3-dev
  python3-h5py python3-numpy python3-matplotlib   # analysis/
)
for option in "$@"; do
  case "$option" in
    --tests) packages+=(libgtest-dev python3-pytest python3-torch clang) ;;
    --baselines) packages+=(python3-torch) ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "install-deps.sh: unknown option '$option' (see --help)" >&2; exit 2 ;;
  esac
done

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps.sh: all ${#packages[@]} packages are installed"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps.sh: need root or sudo for: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
echo "install-deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
echo "install-deps.sh: done"
