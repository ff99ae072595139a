#!/bin/bash
# Run pinnbench with mpirun on a workstation without Slurm, with the same
# settings and log format as the pinnbench-*.sbatch job scripts.
# `run-local.sh --help` explains the options.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: jobscripts/run-local.sh [options] [-- pinnbench options...]

Runs a pinnbench suite with mpirun on this machine: RANKS MPI ranks with
THREADS OpenMP threads each, optionally split into N shards (pinnbench
--shard i/N) that run one after another or at the same time. Everything after
`--` goes to pinnbench; --suite, --out and --resume are added from the
environment unless given there.

Options:
  -n, --ranks RANKS     MPI ranks per shard (default 1)
  -t, --threads THREADS OpenMP and BLAS threads per rank (default 1)
      --shards N        split the selected runs into N shards (default 1: no split)
      --parallel        run the shards at the same time (default: in sequence)
      --oversubscribe   let mpirun start more ranks than cores; added anyway
                        when RANKS exceeds the number of cores
      --log-dir DIR     with --parallel: shard i writes DIR/shard-i-of-N.log
                        (default: a new directory in $TMPDIR or /tmp)
      --dry-run         print the commands and exit
  -h, --help            print this help and exit

Environment (as for the job scripts):
  PINNBENCH         executable, a name on PATH or a path (default: pinnbench)
  PINNBENCH_SUITE   suite when the pinnbench options have no --suite (default: smoke)
  PINNBENCH_OUT     results directory when they have no --out (default: results)
  PINNBENCH_ARGS    more pinnbench options, put before the ones after `--`
  PINNBENCH_RESUME  1 (default): add --resume, so a rerun skips finished runs; 0: don't
  MPIRUN            MPI launcher (default: mpirun)

Ranks are bound to cores (THREADS cores each) when the run fits on the
machine; parallel shards and oversubscribed runs are left unbound, since
separate mpirun instances would otherwise bind their ranks to the same cores.

Exit status: the highest exit status of the shards (pinnbench: 0 all runs
finished, 1 a run failed, 2 bad input); 2 for a bad option of this script.

Examples:
  jobscripts/run-local.sh -n 2 -- --suite quickstart
  PINNBENCH=build/src/pinnbench jobscripts/run-local.sh --shards 3 -- --suite smoke --out /tmp/r
  jobscripts/run-local.sh --shards 4 --parallel -- --suite smoke --filter model=pinn
USAGE
}

die() { trap - EXIT; echo "run-local.sh: $*" >&2; exit 2; }

ranks=1 threads=1 shards=1 parallel=0 oversubscribe=0 dry_run=0 log_dir=
while (($#)); do
  case $1 in
    -n | --ranks) (($# >= 2)) || die "$1 needs a value"; ranks=$2; shift 2 ;;
    --ranks=*) ranks=${1#*=}; shift ;;
    -t | --threads) (($# >= 2)) || die "$1 needs a value"; threads=$2; shift 2 ;;
    --threads=*) threads=${1#*=}; shift ;;
    --shards) (($# >= 2)) || die "$1 needs a value"; shards=$2; shift 2 ;;
    --shards=*) shards=${1#*=}; shift ;;
    --log-dir) (($# >= 2)) || die "$1 needs a value"; log_dir=$2; shift 2 ;;
    --log-dir=*) log_dir=${1#*=}; shift ;;
    --parallel) parallel=1; shift ;;
    --oversubscribe) oversubscribe=1; shift ;;
    --dry-run) dry_run=1; shift ;;
    -h | --help) usage; exit 0 ;;
    --) shift; break ;;
    *) die "unknown option '$1' (pinnbench options go after --; see --help)" ;;
  esac
done
for value in "$ranks" "$threads" "$shards"; do
  [[ $value =~ ^[1-9][0-9]*$ ]] || die "'$value' is not a positive integer"
done

# ==== pinnbench common: begin ================================================
# Byte-identical in pinnbench-{cpu,gpu,array}.sbatch and run-local.sh
# (test-jobscripts.sh checks it). It is repeated rather than sourced because
# sbatch copies the script into Slurm's spool directory before running it, so
# nothing next to the original file can be found reliably.

# Settings, from the environment. sbatch exports the submitting shell's
# environment by default, so `PINNBENCH_SUITE=quickstart sbatch FILE` works.
: "${PINNBENCH:=pinnbench}"      # executable: a name on PATH or a path
: "${PINNBENCH_SUITE:=smoke}"    # --suite, unless the arguments give one
: "${PINNBENCH_OUT:=results}"    # --out, unless the arguments give one
: "${PINNBENCH_ARGS:=}"          # more pinnbench options, split at whitespace
: "${PINNBENCH_RESUME:=1}"       # 1: add --resume, so a resubmitted job skips finished runs
: "${PINNBENCH_REQUEUE:=1}"      # 1: requeue a job that stopped at the time-limit signal (exit 3)

PB_STARTED=$(date -u +%Y-%m-%dT%H:%M:%SZ)
PB_CHILDREN=()                   # pids to pass a TERM/INT/USR1 on to
PB_RC=0
PB_TIME_LIMIT=0                  # 1: the time-limit warning (USR1) arrived

# pb_has_opt OPT ARG...: whether OPT appears as "OPT" or "OPT=value".
pb_has_opt() {
  local opt=$1 arg
  shift
  for arg in "$@"; do
    if [[ $arg == "$opt" || $arg == "$opt="* ]]; then return 0; fi
  done
  return 1
}

# pb_resolve_exe: make PINNBENCH an absolute path, so the log names exactly the
# binary that ran (and srun finds it whatever the task's PATH is).
pb_resolve_exe() {
  local path
  if ! path=$(command -v -- "$PINNBENCH"); then
    echo "error: pinnbench executable '$PINNBENCH' not found;" \
      "set PINNBENCH=/path/to/pinnbench or put it on PATH" >&2
    exit 2
  fi
  [[ $path == /* ]] || path=$PWD/$path
  PINNBENCH=$path
}

# pb_build_args ARG...: set the array PB_ARGS to the pinnbench arguments:
# --suite/--out from the settings unless given, PINNBENCH_ARGS, ARG..., and
# --resume. pinnbench rejects a repeated option, hence the checks.
pb_build_args() {
  local -a user=()
  # read -a splits at whitespace without glob expansion; an argument that
  # contains spaces has to be passed as a script argument instead.
  [[ -z $PINNBENCH_ARGS ]] || read -r -a user <<<"$PINNBENCH_ARGS"
  user+=("$@")
  PB_ARGS=()
  pb_has_opt --suite "${user[@]}" || PB_ARGS+=(--suite "$PINNBENCH_SUITE")
  pb_has_opt --out "${user[@]}" || PB_ARGS+=(--out "$PINNBENCH_OUT")
  PB_ARGS+=("${user[@]}")
  if [[ $PINNBENCH_RESUME == 1 ]] && ! pb_has_opt --resume "${user[@]}"; then
    PB_ARGS+=(--resume)
  fi
}

# pb_quote ARG...: print the arguments as one shell command line, quoting
# only where needed (printf %q alone would also escape every comma).
pb_quote() {
  local arg
  local -a out=()
  for arg in "$@"; do
    if [[ $arg =~ ^[A-Za-z0-9_./=:,+@%-]+$ ]]; then
      out+=("$arg")
    else
      out+=("$(printf '%q' "$arg")")
    fi
  done
  echo "${out[*]}"
}

# pb_header CMD...: what a later reader of the log needs to reproduce the job.
pb_header() {
  local hosts
  echo "==== pinnbench job: start"
  echo "started_utc=$PB_STARTED"
  echo "host=$(hostname)"
  if [[ -n ${SLURM_JOB_NODELIST:-} ]]; then
    hosts=$(scontrol show hostnames "$SLURM_JOB_NODELIST" 2>/dev/null | paste -sd, -) ||
      hosts=$SLURM_JOB_NODELIST
    echo "job_hosts=${hosts:-$SLURM_JOB_NODELIST}"
  fi
  echo "working_dir=$PWD"
  # `module` is a shell function that batch shells only have when the site's
  # profile defines it; Lmod and Environment Modules both print to stderr.
  if command -v module >/dev/null 2>&1; then
    echo "-- module list"
    module list 2>&1 || true
  fi
  echo "-- environment"
  env | grep -E '^(SLURM_(JOB_ID|JOB_NAME|JOB_PARTITION|NNODES|NTASKS|NTASKS_PER_NODE|CPUS_PER_TASK|GPUS_PER_TASK|GPU_BIND|CPU_BIND|ARRAY_[A-Z_]+)|OMP_|KOKKOS_|OPENBLAS_|PINNBENCH|CUDA_VISIBLE_DEVICES|ROCR_VISIBLE_DEVICES)' |
    sort || true
  echo "-- $PINNBENCH --version"
  # pinnbench initialises MPI even for --version; do not let a launcher that
  # refuses singleton MPI here (or hangs) stop the job before it starts.
  timeout 120 "$PINNBENCH" --version 2>&1 || echo "(pinnbench --version failed: exit $?)"
  echo "-- command"
  pb_quote "$@"
  echo "===="
}

# pb_footer: EXIT trap; the job's outcome as the last lines of the log.
# shellcheck disable=SC2317  # reached through the trap
pb_footer() {
  local rc=$?
  echo "==== pinnbench job: end"
  echo "started_utc=$PB_STARTED"
  echo "finished_utc=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "exit_code=$rc"
}

# pb_on_signal NAME STATUS: scancel and the time limit send TERM; pass it on
# to the launcher (srun forwards it to the ranks) and exit with 128+signal.
# shellcheck disable=SC2317  # reached through the trap
pb_on_signal() {
  trap - TERM INT
  echo "pinnbench job: caught SIG$1, stopping" >&2
  local pid
  for pid in "${PB_CHILDREN[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait || true
  exit "$2"
}

# pb_on_time_limit: `#SBATCH --signal=B:USR1@300` warns the batch shell five
# minutes before the time limit. Pass USR1 on (srun forwards it to every
# rank): pinnbench writes a checkpoint at its next iteration on all ranks and
# exits 3, and pb_requeue puts the job back in the queue.
# shellcheck disable=SC2317  # reached through the trap
pb_on_time_limit() {
  echo "pinnbench job: caught SIGUSR1 (time limit near), asking pinnbench to checkpoint" >&2
  PB_TIME_LIMIT=1
  local pid
  for pid in "${PB_CHILDREN[@]}"; do kill -USR1 "$pid" 2>/dev/null || true; done
}

# pb_run CMD...: run CMD in the background and wait for it: bash runs a trap
# only once the foreground command has ended, but interrupts `wait` at once.
# A USR1 trap lets CMD run on, so `wait` again until CMD has really ended.
# Sets PB_RC to CMD's exit status.
pb_run() {
  "$@" &
  PB_CHILDREN=("$!")
  while :; do
    PB_RC=0
    wait "${PB_CHILDREN[0]}" || PB_RC=$?
    kill -0 "${PB_CHILDREN[0]}" 2>/dev/null || break
  done
  PB_CHILDREN=()
}

# pb_requeue: after pinnbench stopped at the time-limit warning (exit 3, every
# run's state in a checkpoint), requeue this job: it starts again with
# --resume and continues each run where it stopped. Sets PB_RC to 0 when the
# job was requeued (it is not finished, but nothing failed).
# shellcheck disable=SC2317  # run-local.sh never calls it
pb_requeue() {
  if [[ $PB_RC == 3 && $PB_TIME_LIMIT == 1 && $PINNBENCH_REQUEUE == 1 && -n ${SLURM_JOB_ID:-} ]]; then
    if scontrol requeue "$SLURM_JOB_ID"; then
      echo "pinnbench job: requeued job $SLURM_JOB_ID; it continues with --resume" >&2
      PB_RC=0
    else
      echo "pinnbench job: scontrol requeue failed; submit the job again to continue" >&2
    fi
  fi
}

trap pb_footer EXIT
trap 'pb_on_signal TERM 143' TERM
trap 'pb_on_signal INT 130' INT
trap pb_on_time_limit USR1
# ==== pinnbench common: end ==================================================

: "${MPIRUN:=mpirun}"

pb_resolve_exe
pb_build_args "$@"
if ((shards > 1)) && pb_has_opt --shard "${PB_ARGS[@]}"; then
  die "--shards and a pinnbench --shard option do not go together"
fi
command -v -- "$MPIRUN" >/dev/null || die "MPI launcher '$MPIRUN' not found (set MPIRUN)"

# ---- placement -----------------------------------------------------------
cores=$(nproc)
((ranks <= cores)) || oversubscribe=1
# Bind only when this mpirun is alone on the machine and every rank gets its
# own THREADS cores. mpirun does not know about other mpirun instances, so
# parallel shards would each bind their rank 0 to core 0.
bind=0
if ((!parallel || shards == 1)) && ((!oversubscribe && ranks * threads <= cores)); then
  bind=1
fi

export OMP_NUM_THREADS=$threads
export OMP_PLACES=threads
# Unbound ranks must not pin their threads either: every rank would pin its
# thread 0 to the first core of the machine.
if ((bind)); then export OMP_PROC_BIND=spread; else export OMP_PROC_BIND=false; fi
export KOKKOS_NUM_THREADS=$threads
export OPENBLAS_NUM_THREADS=$threads

launcher=("$MPIRUN" -n "$ranks")
mpi_version=$("$MPIRUN" --version 2>&1 || true)
if [[ $mpi_version == *"Open MPI"* ]]; then
  # Open MPI refuses to run as root unless told to; only add it when needed.
  ((EUID != 0)) || launcher+=(--allow-run-as-root)
  ((!oversubscribe)) || launcher+=(--oversubscribe)
  if ((!bind)); then
    launcher+=(--bind-to none)
  elif ((threads == 1)); then
    launcher+=(--map-by core --bind-to core --report-bindings)
  else
    launcher+=(--map-by "slot:PE=$threads" --bind-to core --report-bindings)
  fi
  # Ranks on this host inherit the environment anyway; -x also covers a
  # hostfile that reaches other hosts.
  for var in OMP_NUM_THREADS OMP_PROC_BIND OMP_PLACES KOKKOS_NUM_THREADS OPENBLAS_NUM_THREADS; do
    launcher+=(-x "$var")
  done
else
  echo "run-local.sh: '$MPIRUN' is not Open MPI's; running it with -n only" \
    "(no binding or oversubscription options)" >&2
fi
command_base=("${launcher[@]}" "$PINNBENCH" "${PB_ARGS[@]}")

if ((dry_run)); then
  trap - EXIT
  if ((shards == 1)); then
    pb_quote "${command_base[@]}"
  else
    for ((i = 0; i < shards; i++)); do
      pb_quote "${command_base[@]}" --shard "$i/$shards"
    done
  fi
  exit 0
fi

# ---- run -----------------------------------------------------------------
if ((shards == 1)); then
  pb_header "${command_base[@]}"
  pb_run "${command_base[@]}"
  exit "$PB_RC"
fi

pb_header "${command_base[@]}" --shard "I/$shards"
mode=$([[ $parallel == 1 ]] && echo "at the same time" || echo "one after another")
echo "$shards shards, I = 0..$((shards - 1)), $mode"
declare -a rcs=()
if ((parallel)); then
  if [[ -z $log_dir ]]; then
    log_dir=$(mktemp -d "${TMPDIR:-/tmp}/pinnbench-run-local.XXXXXX")
  else
    mkdir -p -- "$log_dir"
  fi
  echo "shard logs: $log_dir"
  for ((i = 0; i < shards; i++)); do
    # Straight into a file, so that $! is mpirun itself and a TERM reaches it.
    "${command_base[@]}" --shard "$i/$shards" >"$log_dir/shard-$i-of-$shards.log" 2>&1 &
    PB_CHILDREN+=("$!")
  done
  for ((i = 0; i < shards; i++)); do
    rcs[i]=0
    wait "${PB_CHILDREN[i]}" || rcs[i]=$?
  done
  PB_CHILDREN=()
  for ((i = 0; i < shards; i++)); do
    echo "---- shard $i/$shards: exit ${rcs[i]} ($log_dir/shard-$i-of-$shards.log)"
    cat -- "$log_dir/shard-$i-of-$shards.log"
  done
else
  for ((i = 0; i < shards; i++)); do
    echo "---- shard $i/$shards"
    pb_run "${command_base[@]}" --shard "$i/$shards"
    rcs[i]=$PB_RC
    # Bad input (exit 2) is the same for every shard: stop early.
    ((PB_RC != 2)) || break
  done
fi

rc=0 summary=
for ((i = 0; i < shards; i++)); do
  if [[ -z ${rcs[i]+set} ]]; then
    summary+=" $i:skipped"
    continue
  fi
  summary+=" $i:${rcs[i]}"
  ((rcs[i] <= rc)) || rc=${rcs[i]}
done
echo "shard exit codes:$summary"
exit "$rc"
