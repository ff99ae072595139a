#!/usr/bin/env bash
# Downloads the 18 PINNacle reference files used by pinnbench's PINNacle tasks
# into DIR/ref/ (point --data-dir or $PINNBENCH_DATA at DIR) from the PINNacle
# repository at the pinned commit, and verifies every file against its git blob
# id (what `git hash-object FILE` prints: sha1 of "blob <size>\0" + content).
# Files already present and intact are not downloaded again.
#
#   scripts/fetch-pinnacle-data.sh DIR          download what is missing, verify all
#   scripts/fetch-pinnacle-data.sh --check DIR  verify only (no network): exit 0 when
#                                               all 18 are present and intact, 1 when a
#                                               file is corrupt, 3 when files are missing
#   scripts/fetch-pinnacle-data.sh --blob-id FILE...   print git blob ids
#
# PINNACLE_BASE_URL overrides the download location (a mirror, or file:// for a copy).
set -euo pipefail

commit=6f8d69c9c84c41d19644e4ceebdc64c4a11d3adf
base_url=${PINNACLE_BASE_URL:-https://raw.githubusercontent.com/i207M/PINNacle/$commit}

# name and git blob id (spec pinnacle.md §5).
files=(
  "ref/burgers1d.dat 341792e6fc1ed1f2b4de0652a53135f3e40e9326"
  "ref/burgers2d_0.dat 1ee9ee45e6a370d84822f4a2b751d89beb737672"
  "ref/burgers2d_init_u_0.dat e82480c5aeba535688c5b65268de922855162cd6"
  "ref/burgers2d_init_v_0.dat 0397a8011d71129fec90c52679fd0aa6dfa0dda4"
  "ref/poisson1_cg_data.dat 80a5710ef027c263db6f20e93926faa5cdcd8465"
  "ref/poisson_boltzmann2d.dat 3c7c88008d639b7357bbb013b3c579584ba3f09f"
  "ref/poisson_3d.dat b0bac0fbb21a6e68743c6139141c234c83cfc188"
  "ref/poisson_manyarea.dat c365143f94f2fe58f5840dae3eab5896f5e743eb"
  "ref/poisson_a_coef.dat 0db6cde39c25d7d6c9ea27317d13540193101edf"
  "ref/poisson_f_coef.dat 16a439a3b5ea9bf721beb6dadb6328abcf20eba3"
  "ref/heat_darcy.dat 59c736dd9f3fbb7b120de7267f40bed28c52f515"
  "ref/heat_2d_coef_256.dat b2818e7c4d9abe954b2ead0cf398bb60dd8fc5de"
  "ref/heat_complex.dat ab75ecfcb1ebc244a0b6d2013f4d1e8c0bb3d177"
  "ref/lid_driven_a4.dat afcc1024844e5ce0ccc1c71fe3950bb30c851f11"
  "ref/ns_0_obstacle.dat f6347c9cb1a8a810e35757e6cc8b0819b23aef05"
  "ref/wave_darcy.dat 3957772d9cb13663b6766daf237cc83aa9288189"
  "ref/darcy_2d_coef_256.dat a03b09fd20c85736befd01b0b5a2fef765c88582"
  "ref/grayscott.dat bf9f92feb5dd847aaa7cbe144b9d8df85799bc8a"
)

usage() {
  sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

# git's blob id of a file, without needing git.
blob_id() {
  local size
  size=$(wc -c <"$1")
  { printf 'blob %d\0' "$size"; cat "$1"; } | sha1sum | cut -d' ' -f1
}

download() { # URL DEST
  if command -v curl >/dev/null 2>&1; then
    curl --fail --silent --show-error --location --retry 2 --connect-timeout 20 -o "$2" "$1"
  elif command -v wget >/dev/null 2>&1; then
    wget --quiet --tries=3 --timeout=20 -O "$2" "$1"
  else
    echo "error: neither curl nor wget is installed" >&2
    return 1
  fi
}

# check DIR: prints one line per file; returns 0 / 1 (corrupt) / 3 (missing).
check() {
  local dir=$1 status=0 entry name id actual
  for entry in "${files[@]}"; do
    read -r name id <<<"$entry"
    if [[ ! -f $dir/$name ]]; then
      echo "missing  $name"
      [[ $status == 0 ]] && status=3
    else
      actual=$(blob_id "$dir/$name")
      if [[ $actual == "$id" ]]; then
        echo "ok       $name"
      else
        echo "MISMATCH $name: git blob id $actual, expected $id"
        status=1
      fi
    fi
  done
  return $status
}

fetch() {
  local dir=$1 entry name id actual part
  mkdir -p "$dir/ref"
  for entry in "${files[@]}"; do
    read -r name id <<<"$entry"
    if [[ -f $dir/$name && $(blob_id "$dir/$name") == "$id" ]]; then
      echo "present  $name"
      continue
    fi
    part="$dir/$name.part"
    echo "fetching $name"
    if ! download "$base_url/$name" "$part"; then
      rm -f "$part"
      echo "error: cannot download $base_url/$name (no network?). Copy PINNacle's ref/ files" \
        "(commit $commit) into $dir/ref/ by hand and run: $0 --check $dir" >&2
      exit 1
    fi
    actual=$(blob_id "$part")
    if [[ $actual != "$id" ]]; then
      rm -f "$part"
      echo "error: $name downloaded from $base_url has git blob id $actual, expected $id" >&2
      exit 1
    fi
    mv "$part" "$dir/$name"
  done
  echo "all ${#files[@]} PINNacle reference files are in $dir/ref (use --data-dir $dir)"
}

[[ $# -ge 1 ]] || usage
case $1 in
  --check)
    [[ $# -eq 2 ]] || usage
    set +e
    check "$2"
    status=$?
    set -e
    [[ $status == 3 ]] && echo "some files are missing; download them with: $0 $2" >&2
    exit $status
    ;;
  --blob-id)
    shift
    [[ $# -ge 1 ]] || usage
    for f in "$@"; do echo "$(blob_id "$f")  $f"; done
    ;;
  -h | --help) usage ;;
  -*) usage ;;
  *)
    [[ $# -eq 1 ]] || usage
    fetch "$1"
    ;;
esac
