#!/usr/bin/env bash
# Optax L-BFGS iterations per second, pinnbench vs PyTorch, at 1 thread, in the
# failure-mode regime (convection FP64 double PINN, 800 points, 4 x 128, memory
# 100). The two alternate, --repeats times each; prints the medians of wall and
# CPU seconds per iteration (CPU time is the fairer number on a shared machine),
# the speedups and the projected hours of a 10^6-iteration run. JSON of every
# run goes to optax_vs_torch.jsonl. PyTorch starts from pinnbench's initial
# parameters, so both make the same closure calls (same initial loss, printed).
# --profile adds pinnbench's breakdown (closure terms, GEMM and two-loop rates).
#
#   benchmarks/optax_vs_torch.sh [--build DIR] [--repeats R] [--warmup W] [--iterations N] [--profile]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build="$here/../build"
repeats=3
warmup=105
iterations=20
profile=
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --repeats) repeats=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --iterations) iterations=$2; shift 2 ;;
    --profile) profile=--profile; shift ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
bench="$build/benchmarks/pinnbench_optax_benchmark"
[ -x "$bench" ] || { echo "no $bench: build the pinnbench_optax_benchmark target" >&2; exit 2; }
log=optax_vs_torch.jsonl
: > "$log"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
initial=$(mktemp)
trap 'rm -f "$initial"' EXIT
for r in $(seq "$repeats"); do
  "$bench" --suite "$here/../suites/failure-modes.yaml" --warmup "$warmup" \
    --iterations "$iterations" --save-initial "$initial" $profile | tail -n 1 >> "$log"
  /usr/bin/python3 "$here/optax_torch_baseline.py" --threads 1 --warmup "$warmup" \
    --iterations "$iterations" --initial "$initial" | tail -n 1 >> "$log"
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/python3 - "$log" <<'PY'
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
def med(tool, key):
    return statistics.median(r[key] for r in rows if r["tool"] == tool)
print(f"{'':10s} {'s/iter':>9s} {'cpu s/iter':>10s} {'closures/it':>11s} {'direction':>9s} {'10^6 its (h, cpu)':>18s}")
for tool in ("pinnbench", "torch"):
    print(f"{tool:10s} {med(tool, 'seconds_per_iteration'):9.4f} {med(tool, 'cpu_seconds_per_iteration'):10.4f} "
          f"{med(tool, 'closures_per_iteration'):11.3f} {med(tool, 'direction_share'):9.1%} "
          f"{med(tool, 'projected_cpu_hours_1e6'):18.1f}")
wall = med("torch", "seconds_per_iteration") / med("pinnbench", "seconds_per_iteration")
cpu = med("torch", "cpu_seconds_per_iteration") / med("pinnbench", "cpu_seconds_per_iteration")
print(f"speedup pinnbench over torch: {wall:.2f}x wall, {cpu:.2f}x cpu (medians of {len(rows) // 2} runs each)")
print("initial loss: " + ", ".join(f"{t} {rows[i]['initial_loss']:.12g}" for i, t in ((0, "pinnbench"), (1, "torch"))))
profiles = [r["profile"] for r in rows if "profile" in r]
if profiles:
    def pmed(key):
        return statistics.median(p[key] for p in profiles)
    print(f"pinnbench closure {pmed('closure_cpu_seconds') * 1e3:.1f} ms cpu, {pmed('gemm_gflop_per_closure'):.3f} GFLOP of GEMM "
          f"({pmed('closure_gemm_gflops'):.1f} GF/s over the closure; a plain GEMM runs {pmed('plain_gemm_gflops'):.1f})")
    terms = profiles[0]["terms"].keys()
    print("  terms (ms cpu / GFLOP): " + ", ".join(
        f"{t} {statistics.median(p['terms'][t]['cpu_seconds'] for p in profiles) * 1e3:.1f} / {profiles[0]['terms'][t]['gemm_gflop']:.3f}"
        for t in terms))
    print(f"pinnbench two-loop {pmed('two_loop_cpu_seconds') * 1e3:.1f} ms cpu, {pmed('two_loop_gbytes_per_second'):.1f} GB/s "
          f"(a plain read of the history runs {pmed('stream_read_gbytes_per_second'):.1f} GB/s)")
PY
