#!/usr/bin/env bash
# Seconds per training iteration of the PINNacle tasks at PINNacle's configuration
# (suite `pinnacle`: 5 x 100 tanh, fp32, Adam, PINNacle's point counts), 1 rank of
# 1 thread and 2 MPI ranks of 1 thread, next to PyTorch nested autograd
# (benchmarks/torch_baseline.py, the same network and point counts) for the tasks it has.
#
#   benchmarks/pinnacle_seconds_per_iteration.sh [--build DIR] [--data DIR] [--standin]
#       [--iterations K] [--repeats R] [--ranks "1 2"] [--chunk C] [--suite NAME]
#       [--tasks "poisson2d_classic wave1d ..."] [--objectives "vanilla"] [--model pinn]
#       [--torch "burgers1d heat2d_multiscale heat_nd"]
#
# Each measurement is a pair of short runs, of 1 and of 1 + K iterations
# (--max-iterations). Both do the same setup and the same two evaluation passes
# (at iteration 0 and at the end), so their difference is K steady iterations:
#   s/it      (wall_seconds(1 + K) - wall_seconds(1)) / K, training wall time from
#             the result files (evaluation passes excluded), rank 0;
#   cpu_s/it  (CPU seconds(1 + K) - CPU seconds(1)) / K, all ranks together
#             (/usr/bin/time of the launcher): on a loaded machine the better
#             measure of cost.
# R repeats (interleaved over the rank counts and PyTorch); the medians are printed.
# --chunk C runs a copy of the suite with defaults.training.chunk_points = C.
# --standin times tasks whose reference files are absent on small stand-ins in
# the tests' formats (benchmarks/pinnacle_standin_data.py; training points are
# sampled, not read, so the training cost is the real one). PyTorch: median over R
# iterations after one warm-up, process CPU time, 1 thread. Prints the load average
# before and after.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build="$here/../build"
data=${PINNBENCH_DATA:-$here/../../shared/data/pinnacle}
iterations=3
repeats=3
rank_counts="1 2"
chunk=
standin=0
suite=pinnacle
model=pinn
objectives=vanilla
torch_tasks="burgers1d heat2d_multiscale heat_nd"
tasks="burgers1d burgers2d poisson2d_classic poisson_boltzmann2d poisson3d_complex_geometry
poisson2d_many_area heat2d_varying_coef heat2d_multiscale heat2d_complex_geometry ns2d_lid_driven
ns2d_back_step wave1d wave2d_heterogeneous gray_scott poisson_nd heat_nd"
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --data) data=$2; shift 2 ;;
    --standin) standin=1; shift ;;
    --iterations) iterations=$2; shift 2 ;;
    --repeats) repeats=$2; shift 2 ;;
    --ranks) rank_counts=$2; shift 2 ;;
    --chunk) chunk=$2; shift 2 ;;
    --tasks) tasks=$2; shift 2 ;;
    --objectives) objectives=$2; shift 2 ;;
    --model) model=$2; shift 2 ;;
    --torch) torch_tasks=$2; shift 2 ;;
    --suite) suite=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
exe="$build/src/pinnbench"
mpirun=(mpirun --oversubscribe --bind-to none -np 2)
[ "$(id -u)" = 0 ] && mpirun+=(--allow-run-as-root)
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 OMP_PROC_BIND=false
work=$(mktemp -d "${TMPDIR:-/tmp}/pinnacle-bench.XXXXXX")
trap 'rm -rf -- "$work"' EXIT

if [ -n "$chunk" ]; then
  file=$suite
  [[ $file == */* || $file == *.yaml ]] || file="$here/../suites/$suite.yaml"
  /usr/bin/python3 -c 'import sys, yaml
suite = yaml.safe_load(open(sys.argv[1]))
suite.setdefault("defaults", {}).setdefault("training", {})["chunk_points"] = int(sys.argv[2])
yaml.safe_dump(suite, open(sys.argv[3], "w"), sort_keys=False)' "$file" "$chunk" "$work/suite.yaml" ||
    exit 2
  suite="$work/suite.yaml"
fi
if [ "$standin" = 1 ]; then
  /usr/bin/python3 "$here/pinnacle_standin_data.py" "$data" "$work/data" | tr '\n' ' '
  echo
  data="$work/data"
fi

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(getconf _NPROCESSORS_ONLN) cores; K = $iterations" \
  "iterations, $repeats repeats, chunk ${chunk:-suite default}; $(date -u +%FT%TZ)"
printf '%-28s %-8s %-6s %10s %10s  %s\n' task objective ranks "s/it" "cpu_s/it" "status (all wall; all cpu)"

# run N: one run of N iterations; prints "wall_seconds cpu_seconds status" (or "- - message").
run() {
  local out="$work/run-$N"
  rm -rf "$out"
  /usr/bin/time -f '%U %S' -o "$out.time" "${launch[@]}" --suite "$suite" --data-dir "$data" \
    --filter "task=$task,model=$model,objective=$objective,seed=0" --max-iterations "$N" \
    --out "$out" >"$out.log" 2>&1
  local file
  file=$(find "$out" -name '*.h5' 2>/dev/null | head -n 1)
  if [ -z "$file" ]; then
    echo "- - $(grep -m1 -o -E 'not implemented yet[^)]*|missing[^;]*|[Ee]rror[^;]*' "$out.log" |
      head -c 60)"
    return
  fi
  /usr/bin/python3 -c 'import h5py, sys
r = h5py.File(sys.argv[1], "r")["run"].attrs
text = lambda v: v if isinstance(v, str) else v.decode()
if text(r["status"]) != "ok":  # a run that stopped (e.g. vPINN on more than two inputs)
    print("- -", text(r["status"]), text(r.get("status_message", ""))[:60])
    sys.exit()
cpu = sum(float(x) for x in open(sys.argv[2]).read().split()[-2:])
print("%.6f %.4f ok" % (float(r["wall_seconds"]), cpu))' "$file" "$out.time"
}

median() { /usr/bin/python3 -c 'import statistics, sys
v = [float(x) for x in sys.argv[1:]]
print("%.4f" % statistics.median(v) if v else "-")' "$@"; }

for task in $tasks; do
  for objective in $objectives; do
    declare -A walls=() cpus=() status=()
    torch_wall=() torch_cpu=()
    for ((r = 0; r < repeats; ++r)); do
      for ranks in $rank_counts; do
        launch=(nice "$exe")
        [ "$ranks" = 2 ] && launch=(nice "${mpirun[@]}" "$exe")
        N=1; read -r w1 c1 s1 < <(run)
        N=$((1 + iterations)); read -r w2 c2 s2 < <(run)
        status[$ranks]=$s2
        [ "$w1" = - ] || [ "$w2" = - ] && { status[$ranks]="${s1:-$s2}"; continue; }
        walls[$ranks]+=" $(awk -v a="$w1" -v b="$w2" -v k="$iterations" 'BEGIN {printf "%.4f", (b - a) / k}')"
        cpus[$ranks]+=" $(awk -v a="$c1" -v b="$c2" -v k="$iterations" 'BEGIN {printf "%.4f", (b - a) / k}')"
      done
      if [ "$objective" = vanilla ] && [[ " $torch_tasks " == *" $task "* ]]; then
        json=$(nice /usr/bin/python3 "$here/torch_baseline.py" --problem "$task" --threads 1 \
          --warmup 1 --repeats "$iterations" 2>/dev/null) &&
          read -r tw tc < <(echo "$json" | /usr/bin/python3 -c 'import json, sys
j = json.load(sys.stdin)
print("%.4f %.4f" % (j["seconds_per_iteration"], j["cpu_seconds_per_iteration"]))') &&
          torch_wall+=("$tw") && torch_cpu+=("$tc")
      fi
    done
    for ranks in $rank_counts; do
      # shellcheck disable=SC2086
      printf '%-28s %-8s %-6s %10s %10s  %s (%s;%s)\n' "$task" "$objective" "$ranks" \
        "$(median ${walls[$ranks]:-})" "$(median ${cpus[$ranks]:-})" "${status[$ranks]:-}" \
        "${walls[$ranks]:-}" "${cpus[$ranks]:-}"
    done
    if [ ${#torch_wall[@]} -gt 0 ]; then
      printf '%-28s %-8s %-6s %10s %10s  %s (%s;%s)\n' "$task" torch t1 "$(median "${torch_wall[@]}")" \
        "$(median "${torch_cpu[@]}")" "torch nested autograd, 1 thread" "${torch_wall[*]}" "${torch_cpu[*]}"
    fi
    unset walls cpus status
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%FT%TZ)"
