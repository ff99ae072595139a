#!/usr/bin/env bash
# Seconds per training iteration of the PINNacle tasks at PINNacle's configuration
# (suite `pinnacle`: 5 x 100 tanh, fp32, Adam, PINNacle's point counts), 1 rank of
# 1 thread and 2 MPI ranks of 1 thread, next to PyTorch nested autograd
# (benchmarks/torch_baseline.py) for the tasks it has.
#
#   benchmarks/pinnacle_seconds_per_iteration.sh [--build DIR] [--data DIR] [--iterations N]
#       [--tasks "poisson2d_classic wave1d ..."] [--objectives "vanilla"] [--suite pinnacle]
#
# Each configuration is a short run (--max-iterations N); pinnbench's result file
# gives seconds_per_iteration (training wall time / iterations, evaluation passes
# excluded). cpu_s/iter is (CPU seconds of an N-iteration run - those of a
# 0-iteration run) / N, all ranks together (/usr/bin/time): on a loaded machine
# it is the better measure of cost. Tasks that are not implemented or lack data are reported
# as such. Prints one line per configuration and the load average before and after.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build="$here/../build"
data=${PINNBENCH_DATA:-$here/../../shared/data/pinnacle}
iterations=5
suite=pinnacle
objectives=vanilla
tasks="burgers1d burgers2d poisson2d_classic poisson_boltzmann2d poisson3d_complex_geometry
poisson2d_many_area heat2d_varying_coef heat2d_multiscale heat2d_complex_geometry ns2d_lid_driven
ns2d_back_step wave1d wave2d_heterogeneous gray_scott poisson_nd heat_nd"
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --data) data=$2; shift 2 ;;
    --iterations) iterations=$2; shift 2 ;;
    --tasks) tasks=$2; shift 2 ;;
    --objectives) objectives=$2; shift 2 ;;
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
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; $iterations iterations"
printf '%-28s %-8s %-6s %14s %14s %s\n' task objective ranks "s/iteration" "cpu_s/iter" status

seconds_per_iteration() {
  /usr/bin/python3 -c 'import h5py, sys
r = h5py.File(sys.argv[1], "r")["run"].attrs
status = r["status"] if isinstance(r["status"], str) else r["status"].decode()
print("%.4f" % float(r["seconds_per_iteration"]), status)' "$1"
}

for task in $tasks; do
  for objective in $objectives; do
    for ranks in 1 2; do
      out="$work/$task-$objective-$ranks"
      launch=("$exe")
      [ "$ranks" = 2 ] && launch=("${mpirun[@]}" "$exe")
      # cpu_seconds N: CPU seconds (all ranks) of a run of N iterations.
      cpu_seconds() {
        /usr/bin/time -f '%U %S' -o "$out-$1.time" "${launch[@]}" --suite "$suite" \
          --data-dir "$data" --filter "task=$task,model=pinn,objective=$objective,seed=0" \
          --max-iterations "$1" --out "$out-$1" >"$out-$1.log" 2>&1
        tail -n 1 "$out-$1.time" | awk '{print $1 + $2}'
      }
      cpu0=$(cpu_seconds 0)
      cpu=$(cpu_seconds "$iterations")
      cpu_per=$(awk -v a="$cpu0" -v b="$cpu" -v n="$iterations" 'BEGIN {printf "%.4f", (b - a) / n}')
      file=$(find "$out-$iterations" -name '*.h5' 2>/dev/null | head -n 1)
      if [ -n "$file" ]; then
        read -r spi status < <(seconds_per_iteration "$file")
      else
        spi=-; cpu_per=-
        status=$(grep -m1 -o -E 'not implemented yet[^)]*|missing[^;]*|error[^;]*' \
          "$out-$iterations.log" | head -c 60)
      fi
      printf '%-28s %-8s %-6s %14s %14s %s\n' "$task" "$objective" "$ranks" "$spi" "$cpu_per" "$status"
      [ -z "$file" ] && break
    done
  done
  case $task in
    burgers1d|heat2d_multiscale|heat_nd)
      for threads in 1 2; do
        json=$(/usr/bin/python3 "$here/torch_baseline.py" --problem "$task" --threads "$threads" \
          --warmup 1 --repeats 2 2>/dev/null) &&
          printf '%-28s %-8s %-6s %14s %14s %s\n' "$task" torch "t$threads" \
            $(echo "$json" | /usr/bin/python3 -c 'import json, sys
j = json.load(sys.stdin)
print("%.4f %.4f" % (j["seconds_per_iteration"], j["cpu_seconds_per_iteration"]))') \
            "torch nested autograd, $threads thread(s)"
      done ;;
  esac
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
