#!/usr/bin/env bash
# pinnbench closure vs PyTorch nested autograd, side by side in one run.
#
#   benchmarks/closure_vs_torch.sh [--build DIR] [--repeats R] [--problems "convection reaction wave gpinn_wave pnd"]
#                                   [--precisions "fp32 fp64"] [--workers "t1 t2 r2"] [--grid N]
#                                   [--models "pinn fls qres kan propinn pinnsformer"] [--model NAME] [--points N] [--chunk C]
#
# Needs an existing build (the pinnbench_closure_benchmark target) and Debian's
# python3-torch. Workers: t1 = 1 thread, t2 = 2 BLAS threads, r2 = 2 MPI ranks of 1
# thread (PyTorch, which has no ranks, runs with 2 threads for r2). Each
# configuration runs in its own process, so peak memory is per configuration.
# pnd (PINNacle's 5-D Poisson residual, 5 x 100 net, --points uniform points) runs
# pinnbench twice, with the Laplacian collapsed into one jet component (pnd/lap,
# 7 components) and as five second derivatives (pnd/full, 11), against one
# PyTorch run; convection and wave likewise run on directional jets
# (convection/dir, 2 components: u and its derivative along (50, 1); wave/dir, 4:
# u, its derivatives along (2, 1) and (-2, 1) and the mixed one) and along the
# inputs (convection/xt, 3; wave/xt, 5). reaction/w compares with PyTorch's
# closure as RoPINN's scripts write it (they also take the unused u_x; plain
# reaction leaves it out). cpu_x is the speed-up in process CPU time, which
# other processes on a shared machine disturb less than wall time. pb_GFLOP and
# pt_GFLOP are the GEMM work of one closure (pinnbench's own count; PyTorch's
# profiler on one more closure after the timed ones); gemm_bound is PyTorch's
# time over pinnbench's GEMM time at peak_GF/s: the speed-up pinnbench would
# reach if its closure were its GEMMs alone, at the BLAS peak of their shape.
# Prints one line per configuration; JSON of every run goes to closure_vs_torch.jsonl.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build="$here/../build"
repeats=5
problems="convection wave gpinn_wave"
precisions="fp32 fp64"
workers="t1 t2 r2"
grid=101
models="pinn"
points=32768
chunk=1024
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --repeats) repeats=$2; shift 2 ;;
    --problems) problems=$2; shift 2 ;;
    --precisions) precisions=$2; shift 2 ;;
    --workers) workers=$2; shift 2 ;;
    --grid) grid=$2; shift 2 ;;
    --models) models=$2; shift 2 ;;
    --model) models=$2; shift 2 ;;
    --points) points=$2; shift 2 ;;
    --chunk) chunk=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
bench="$build/benchmarks/pinnbench_closure_benchmark"
[ -x "$bench" ] || { echo "no $bench: build the project first" >&2; exit 2; }
python=/usr/bin/python3
log=closure_vs_torch.jsonl
: > "$log"
mpirun_flags="--allow-run-as-root --oversubscribe --bind-to none"

# One table line: pinnbench's JSON against PyTorch's.
compare() {
  "$python" - "$@" <<'PY'
import json, sys
worker, ours, theirs = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
speedup = theirs["seconds_per_closure"] / ours["seconds_per_closure"]
cpu_speedup = theirs["cpu_seconds_per_closure"] / ours["cpu_seconds_per_closure"]
memory = ours["peak_rss_mb"] / theirs["peak_rss_mb"]
problem = ours["problem"]
if problem == "pnd":
    problem += "/lap" if ours["collapse"] else "/full"
elif problem in ("convection", "wave"):
    problem += "/dir" if ours["collapse"] else "/xt"
if theirs.get("as_written"):
    problem += "/w"
# The speed-up pinnbench would reach if its closure were nothing but its GEMMs at
# the BLAS peak rate of their shape: PyTorch's time over that GEMM time.
gemm_seconds = ours["gemm_gflop_per_closure"] / ours["peak_gemm_gflops"]
gemm_bound = theirs["seconds_per_closure"] / gemm_seconds if gemm_seconds > 0 else float("inf")
print("%-5s %-11s %-5s %-3s %10.3f %10.3f %7.2fx %6.2fx %9.1f %9.1f %9.2f %8.1f %8.1f %9.2fx %9.0f %9.0f %6.2fx" % (
    ours["model"], problem, ours["precision"], worker, ours["seconds_per_closure"],
    theirs["seconds_per_closure"], speedup, cpu_speedup, ours["achieved_gemm_gflops"],
    ours["peak_gemm_gflops"], ours["closure_over_gemm_time"], ours["gemm_gflop_per_closure"],
    theirs["gemm_gflop_per_closure"], gemm_bound, ours["peak_rss_mb"], theirs["peak_rss_mb"],
    memory))
PY
}

# Which OpenBLAS kernels both tools run (the environment may pin them with
# OPENBLAS_CORETYPE): ratios are only comparable between runs on the same ones.
core=$(OPENBLAS_VERBOSE=2 "$bench" --help 2>&1 | sed -n 's/^Core: //p' | head -n 1)
echo "# OpenBLAS kernels: ${core:-unknown} (OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset})"
printf '%-5s %-11s %-5s %-3s %10s %10s %8s %7s %9s %9s %9s %8s %8s %10s %9s %9s %7s\n' model problem prec wrk \
  pinnbench_s torch_s speedup cpu_x gemm_GF/s peak_GF/s over_gemm pb_GFLOP pt_GFLOP gemm_bound \
  pb_MB torch_MB mem
for model in $models; do
for problem in $problems; do
  variants=on
  case $problem in pnd|convection|wave) variants="on off" ;; esac
  for precision in $precisions; do
    for worker in $workers; do
      case $worker in
        t1) threads=1; ranks=1 ;;
        t2) threads=2; ranks=1 ;;
        r2) threads=1; ranks=2 ;;
        *) echo "unknown worker spec $worker" >&2; exit 2 ;;
      esac
      args=(--model "$model" --problem "$problem" --precision "$precision" --repeats "$repeats"
            --grid "$grid" --points "$points")
      torch_threads=$((threads * ranks))
      theirs=$(OMP_NUM_THREADS=$torch_threads "$python" "$here/torch_baseline.py" "${args[@]}" \
               --threads "$torch_threads" --warmup 1 --count-flops)
      echo "$theirs" >> "$log"
      for collapse in $variants; do
        ours_args=("${args[@]}" --chunk "$chunk" --collapse "$collapse")
        if [ "$ranks" = 1 ]; then
          ours=$(OPENBLAS_NUM_THREADS=$threads OMP_NUM_THREADS=$threads "$bench" "${ours_args[@]}")
        else
          ours=$(OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 mpirun $mpirun_flags -np "$ranks" "$bench" "${ours_args[@]}")
        fi
        echo "$ours" >> "$log"
        compare "$worker" "$ours" "$theirs"
      done
      if [ "$problem" = reaction ]; then
        # RoPINN's reaction scripts also take the unused u_x: reaction/w.
        written=$(OMP_NUM_THREADS=$torch_threads "$python" "$here/torch_baseline.py" "${args[@]}" \
                  --threads "$torch_threads" --warmup 1 --count-flops --as-written)
        echo "$written" >> "$log"
        compare "$worker" "$ours" "$written"
      fi
    done
  done
done
done
echo "raw results: $log"
