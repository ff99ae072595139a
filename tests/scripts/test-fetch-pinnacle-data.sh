#!/usr/bin/env bash
# scripts/fetch-pinnacle-data.sh without network: its git blob ids against
# well-known ids and `git hash-object`, --check on the shared bundle (whose ids
# spec §5 lists) and on corrupted copies, and a clear failure when the download
# site cannot be reached. Usage: test-fetch-pinnacle-data.sh SOURCE_DIR [SHARED_DIR]
set -uo pipefail
source_dir=$1
shared=${2:-$source_dir/../shared}/data/pinnacle
script=$source_dir/scripts/fetch-pinnacle-data.sh
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
expect_eq() { [[ $1 == "$2" ]] || fail "$3: got '$1', expected '$2'"; }

# Blob ids: git's ids of the empty file and of "hello\n" are well known.
: >"$work/empty"
printf 'hello\n' >"$work/hello"
expect_eq "$("$script" --blob-id "$work/empty" | cut -d' ' -f1)" \
  e69de29bb2d1d6434b8b29ae775ad8c2e48c5391 "empty blob"
expect_eq "$("$script" --blob-id "$work/hello" | cut -d' ' -f1)" \
  ce013625030ba8dba906f756967f9e9ca394464a "hello blob"
if command -v git >/dev/null 2>&1; then
  head -c 70000 /dev/urandom >"$work/random"
  expect_eq "$("$script" --blob-id "$work/random" | cut -d' ' -f1)" \
    "$(git hash-object "$work/random")" "random file against git hash-object"
fi

# A copy with one byte changed is reported as corrupt (exit 1); intact ones pass.
mkdir -p "$work/data/ref"
if [[ -d $shared/ref ]]; then
  out=$("$script" --check "$shared")
  expect_eq "$?" 3 "--check on the shared bundle (files missing)"
  expect_eq "$(grep -c '^ok ' <<<"$out")" 8 "intact shared files"
  expect_eq "$(grep -c '^missing ' <<<"$out")" 10 "missing shared files"
  cp "$shared/ref/poisson_a_coef.dat" "$shared/ref/heat_darcy.dat" "$work/data/ref/"
  chmod u+w "$work/data/ref/"*
  printf '7' | dd of="$work/data/ref/poisson_a_coef.dat" bs=1 seek=100 conv=notrunc 2>/dev/null
else
  echo "shared PINNacle data not found at $shared; checking a made-up file only"
  echo "not the real file" >"$work/data/ref/poisson_a_coef.dat"
fi
out=$("$script" --check "$work/data")
expect_eq "$?" 1 "--check with a corrupt file"
grep -q '^MISMATCH ref/poisson_a_coef.dat: git blob id [0-9a-f]\{40\}, expected 0db6cde39c25d7d6c9ea27317d13540193101edf$' <<<"$out" ||
  fail "mismatch line: $out"
if [[ -d $shared/ref ]]; then
  grep -q '^ok       ref/heat_darcy.dat$' <<<"$out" || fail "intact copy not ok: $out"
fi

# Offline: a download site that refuses connections fails clearly, leaving no part file.
mkdir -p "$work/offline"
out=$(PINNACLE_BASE_URL=http://127.0.0.1:9 "$script" "$work/offline" 2>&1)
status=$?
[[ $status != 0 ]] || fail "fetch without network succeeded"
grep -q 'error: cannot download http://127.0.0.1:9/ref/burgers1d.dat (no network?)' <<<"$out" ||
  fail "offline message: $out"
[[ -z $(find "$work/offline" -name '*.part') ]] || fail "a .part file was left behind"

# A mirror that serves a wrong file is rejected by its blob id.
if [[ -d $shared/ref ]]; then
  mkdir -p "$work/mirror/ref"
  cp "$shared/ref/lid_driven_a4.dat" "$work/mirror/ref/burgers1d.dat"
  out=$(PINNACLE_BASE_URL=file://$work/mirror "$script" "$work/fresh" 2>&1)
  [[ $? != 0 ]] || fail "a wrong file was accepted"
  grep -q 'error: ref/burgers1d.dat downloaded from .* has git blob id afcc1024844e5ce0ccc1c71fe3950bb30c851f11, expected 341792e6fc1ed1f2b4de0652a53135f3e40e9326' <<<"$out" ||
    fail "wrong-file message: $out"
  [[ ! -e $work/fresh/ref/burgers1d.dat ]] || fail "the wrong file was kept"
fi

# Bad usage.
"$script" >/dev/null 2>&1
expect_eq "$?" 2 "no arguments"

[[ $failures == 0 ]] && echo "all fetch-pinnacle-data checks passed"
exit $((failures > 0))
