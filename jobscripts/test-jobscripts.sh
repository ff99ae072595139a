#!/bin/bash
# Checks of the job scripts that need no Slurm:
#   jobscripts/test-jobscripts.sh <path-to-pinnbench>
# bash -n (and shellcheck when installed) on every script, the shared block
# identical everywhere, run-local.sh --shards 2 on the smoke suite with every
# run id in exactly one result file, and the sbatch scripts run with a
# stand-in for srun (array shard numbering included; ropinn-array.sbatch lists
# its shards of the ropinn suite). Prints one line per
# check and a last line "N passed, M failed"; exits 1 when a check failed.
# PINNBENCH_TEST_KEEP=1 keeps the temporary directory.
set -uo pipefail   # no -e: a failing check is counted, not fatal

if (($# != 1)) || [[ $1 == -h || $1 == --help ]]; then
  echo "usage: $0 <path-to-pinnbench>" >&2
  exit 2
fi
exe=$1
[[ $exe == /* ]] || exe=$PWD/$exe
if [[ ! -x $exe ]]; then
  echo "error: '$exe' is not an executable" >&2
  echo "0 passed, 1 failed"
  exit 1
fi
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# Settings from the caller's shell must not change what is tested.
unset PINNBENCH_SUITE PINNBENCH_OUT PINNBENCH_ARGS PINNBENCH_RESUME \
  PINNBENCH_SRUN_ARGS PINNBENCH_SHARDS PINNBENCH_GPU_BIND PINNBENCH_SHOW_BINDING MPIRUN
# Nor Slurm's: the test may itself run inside a job.
while read -r var; do unset "$var"; done < <(compgen -e | grep '^SLURM_' || true)
export PINNBENCH=$exe

work=$(mktemp -d "${TMPDIR:-/tmp}/test-jobscripts.XXXXXX")
cleanup() {
  if [[ ${PINNBENCH_TEST_KEEP:-0} == 1 || $failed -gt 0 ]]; then
    echo "kept $work"
  else
    rm -rf -- "$work"
  fi
}
trap cleanup EXIT

passed=0 failed=0
pass() { echo "ok   $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1"; failed=$((failed + 1)); }
# check NAME CMD...: one check. CMD's output goes to a log file, named in
# LAST_LOG for the checks that read it, and is shown when CMD fails.
LAST_LOG=
check() {
  local name=$1 rc=0
  shift
  LAST_LOG=$work/check-$((passed + failed + 1)).log
  "$@" >"$LAST_LOG" 2>&1 || rc=$?
  if ((rc == 0)); then
    pass "$name"
  else
    fail "$name (exit $rc; log $LAST_LOG)"
    sed 's/^/     | /' "$LAST_LOG" | tail -n 30
  fi
}

scripts=("$here"/*.sbatch "$here"/*.sh)

# ---- static checks -----------------------------------------------------------
for s in "${scripts[@]}"; do
  check "bash -n $(basename "$s")" bash -n "$s"
done
if command -v shellcheck >/dev/null; then
  check "shellcheck" shellcheck "${scripts[@]}"
else
  echo "skip shellcheck (not installed)"
fi

common_block() { sed -n '/^# ==== pinnbench common: begin/,/^# ==== pinnbench common: end/p' "$1"; }
same_common_block() {
  local ref s
  ref=$(common_block "$here/pinnbench-cpu.sbatch")
  [[ -n $ref ]] || { echo "no common block in pinnbench-cpu.sbatch"; return 1; }
  for s in "$here"/pinnbench-gpu.sbatch "$here"/pinnbench-array.sbatch "$here"/run-local.sh; do
    diff <(echo "$ref") <(common_block "$s") || { echo "differs: $s"; return 1; }
  done
}
check "common block identical in all scripts" same_common_block
check "run-local.sh --help" "$here/run-local.sh" --help

# ---- run-local.sh --shards 2 ---------------------------------------------------
"$exe" --suite smoke --list >"$work/smoke.list" 2>"$work/smoke.list.err"
mapfile -t run_ids <"$work/smoke.list"
if ((${#run_ids[@]} > 0)); then
  pass "pinnbench --suite smoke --list (${#run_ids[@]} runs)"
else
  fail "pinnbench --suite smoke --list gave no runs"
  cat "$work/smoke.list.err"
fi

# ends_with_exit_0 LOG: the job footer's last line says the job succeeded.
ends_with_exit_0() { [[ $(tail -n 1 "$1") == exit_code=0 ]]; }

# results_complete DIR: every listed run id has exactly one result file in
# DIR/smoke, nothing else is there (no second copy, no leftover temporary).
results_complete() {
  local dir=$1/smoke id bad=0 n
  for id in "${run_ids[@]}"; do
    n=$(find "$dir" -maxdepth 1 -name "$id.h5" | wc -l)
    ((n == 1)) || { echo "run $id: $n result files"; bad=1; }
  done
  n=$(find "$dir" -maxdepth 1 -type f | wc -l)
  ((n == ${#run_ids[@]})) || { echo "$n files for ${#run_ids[@]} runs:"; ls -A "$dir"; bad=1; }
  return "$bad"
}

out=$work/run-local
check "run-local.sh --shards 2 on smoke" \
  "$here/run-local.sh" --shards 2 -- --suite smoke --out "$out"
log=$LAST_LOG
check "run-local.sh: one result file per run id" results_complete "$out"
check "run-local.sh: log ends with exit_code=0" ends_with_exit_0 "$log"

# ---- sbatch scripts without Slurm ------------------------------------------------
# A stand-in srun on PATH: drops srun's options (the scripts give them all as
# --opt=value) and runs the program once, i.e. one MPI rank.
mkdir -p "$work/bin"
cat >"$work/bin/srun" <<'STUB'
#!/bin/bash
while (($#)) && [[ $1 == -* ]]; do shift; done
exec "$@"
STUB
chmod +x "$work/bin/srun"

# run_array ID MIN MAX COUNT STEP OUT: one array task of pinnbench-array.sbatch.
run_array() {
  env PATH="$work/bin:$PATH" SLURM_JOB_ID=1 SLURM_CPUS_PER_TASK=1 \
    SLURM_ARRAY_TASK_ID="$1" SLURM_ARRAY_TASK_MIN="$2" SLURM_ARRAY_TASK_MAX="$3" \
    SLURM_ARRAY_TASK_COUNT="$4" SLURM_ARRAY_TASK_STEP="$5" PINNBENCH_OUT="$6" \
    bash "$here/pinnbench-array.sbatch"
}
out=$work/array
# An array --array=5-9:4 (ids 5 and 9) is shards 0/2 and 1/2.
check "array task 5 of 5-9:4" run_array 5 5 9 2 4 "$out"
check "array task 5 ran shard 0/2" grep -q -- '--shard 0/2' "$LAST_LOG"
check "array task 9 of 5-9:4" run_array 9 5 9 2 4 "$out"
check "array task 9 ran shard 1/2" grep -q -- '--shard 1/2' "$LAST_LOG"
check "array: one result file per run id" results_complete "$out"
# An irregular list (--array=1,2,7) cannot be numbered 0..n-1: exit 2.
refuses_list() {
  local rc=0
  run_array 7 1 7 3 1 "$work/array-bad" || rc=$?
  ((rc == 2)) && [[ ! -e $work/array-bad ]]
}
check "array refuses the id list 1,2,7" refuses_list

# ---- ropinn-array.sbatch: the ropinn suite's array ---------------------------
array_body() { sed -n '/^set -euo pipefail$/,$p' "$1"; }
same_array_body() {
  [[ -n $(array_body "$here/ropinn-array.sbatch") ]] || { echo "no body"; return 1; }
  diff <(array_body "$here/pinnbench-array.sbatch") <(array_body "$here/ropinn-array.sbatch")
}
check "ropinn-array.sbatch repeats pinnbench-array.sbatch's body" same_array_body
# The header: one array task per shard of 380, a time limit, the estimate filled in.
ropinn_header() {
  local f=$here/ropinn-array.sbatch
  grep -qx '#SBATCH --array=0-379' "$f" || { echo "no --array=0-379"; return 1; }
  # shellcheck disable=SC2016  # the literal line
  grep -qx ': "${PINNBENCH_SHARDS:=380}"' "$f" || { echo "shard count not 380"; return 1; }
  grep -qE '^#SBATCH --time=([0-9]+-)?[0-9]{2}:[0-9]{2}:[0-9]{2}$' "$f" || { echo "no --time"; return 1; }
  grep -qE '^# Expected wall time per shard .*[0-9]' "$f" || { echo "no estimate"; return 1; }
  ! grep -n '@[A-Z]*@' "$f"  # a placeholder left unfilled
}
check "ropinn-array.sbatch header: 380 shards, time limit, estimate" ropinn_header
# run_ropinn ID MIN MAX COUNT: one array task of ropinn-array.sbatch, listing its shard.
run_ropinn() {
  env PATH="$work/bin:$PATH" SLURM_JOB_ID=3 SLURM_CPUS_PER_TASK=1 \
    SLURM_ARRAY_TASK_ID="$1" SLURM_ARRAY_TASK_MIN="$2" SLURM_ARRAY_TASK_MAX="$3" \
    SLURM_ARRAY_TASK_COUNT="$4" SLURM_ARRAY_TASK_STEP=1 PINNBENCH_OUT="$work/ropinn" \
    PINNBENCH_ARGS=--list bash "$here/ropinn-array.sbatch"
}
# lists_shard LOG K: the task ran `--suite ropinn ... --resume --shard K/380` and
# listed exactly the runs pinnbench lists for that shard.
lists_shard() {
  grep -q -- "--suite ropinn .*--resume --shard $2/380" "$1" || { echo "command"; return 1; }
  diff <(sed -n '/^array task .* runs shard/,/^==== pinnbench job: end/p' "$1" | sed '1d;$d') \
    <("$exe" --suite ropinn --list --shard "$2/380")
}
check "ropinn array task 5 of 0-379" run_ropinn 5 0 379 380
check "ropinn array task 5 listed shard 5/380" lists_shard "$LAST_LOG" 5
# A resubmission of single shards (--array=3,7): the ids are the shard indices.
check "ropinn array task 7 of the list 3,7" run_ropinn 7 3 7 2
check "ropinn array task 7 listed shard 7/380" lists_shard "$LAST_LOG" 7

# The CPU and GPU scripts on the complete directory: --resume keeps every run.
run_script() {
  env PATH="$work/bin:$PATH" SLURM_JOB_ID=2 SLURM_CPUS_PER_TASK=1 SLURM_GPUS_PER_TASK=1 \
    PINNBENCH_OUT="$out" bash "$here/$1"
}
# resumed_all LOG: every run was kept, and the log ends with exit_code=0.
resumed_all() {
  local n
  n=$(grep -c ' ok (kept) ' "$1")
  ((n == ${#run_ids[@]})) || { echo "$n of ${#run_ids[@]} runs kept"; return 1; }
  ends_with_exit_0 "$1"
}
for kind in cpu gpu; do
  check "pinnbench-$kind.sbatch on the complete directory" run_script "pinnbench-$kind.sbatch"
  check "pinnbench-$kind.sbatch: every run kept, exit_code=0" resumed_all "$LAST_LOG"
done
check "still one result file per run id" results_complete "$out"

# ---- the time-limit warning: checkpoint, exit 3, requeue, resume ------------------
# `sbatch --signal=B:USR1@300` signals the batch shell; a stand-in scontrol
# records the requeue. A run long enough to be caught mid-way.
cat >"$work/bin/scontrol" <<STUB
#!/bin/bash
echo "\$*" >>"$work/scontrol.calls"
STUB
chmod +x "$work/bin/scontrol"
cat >"$work/long.yaml" <<'SUITE'
name: long
defaults:
  task:
    name: wave
    points: {domain: {kind: grid, nx: 7, nt: 7}, initial: 7, boundary: 7}
    test: {domain: {kind: grid, nx: 7, nt: 7}, initial: 7, boundary: 7}
  model: {name: pinn, width: 6, hidden_layers: 2}
  objective: {name: vanilla}
  optimizer: {name: lbfgs, max_iter: 4}
  precision: fp64
  training: {iterations: 400, history_every: 10, checkpoint_seconds: 0}
SUITE
time_limit_job() {
  local log=$work/time-limit.log pid i
  env PATH="$work/bin:$PATH" SLURM_JOB_ID=3 SLURM_CPUS_PER_TASK=1 PINNBENCH_SUITE="$work/long.yaml" \
    PINNBENCH_OUT="$work/long-out" bash "$here/pinnbench-cpu.sbatch" >"$log" 2>&1 &
  pid=$!
  for ((i = 0; i < 600; i++)); do
    grep -q 'iteration *20 ' "$log" && break
    sleep 0.1
  done
  kill -USR1 "$pid"
  wait "$pid"
  cat "$log"
  grep -q 'stopped after iteration .*; checkpoint written' "$log" &&
    [[ $(cat "$work/scontrol.calls") == "requeue 3" ]] && ends_with_exit_0 "$log" &&
    [[ -e $work/long-out/long/.wave-pinn-vanilla-lbfgs-fp64-s0.checkpoint.h5 ]]
}
check "USR1 before the time limit: checkpoint, exit 3, requeue" time_limit_job
# The requeued job: the same script again, which continues from the checkpoint.
requeued_job_resumes() {
  env PATH="$work/bin:$PATH" SLURM_JOB_ID=3 SLURM_CPUS_PER_TASK=1 PINNBENCH_SUITE="$work/long.yaml" \
    PINNBENCH_OUT="$work/long-out" bash "$here/pinnbench-cpu.sbatch"
}
check "the requeued job finishes the run" requeued_job_resumes
requeued_log=$LAST_LOG
check "the requeued job continued from the checkpoint" \
  grep -q 'continuing from the checkpoint at iteration' "$requeued_log"
check "the requeued job ends with exit_code=0" ends_with_exit_0 "$requeued_log"

echo "$passed passed, $failed failed"
((failed == 0))
