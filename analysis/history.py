#!/usr/bin/python3
"""Print training histories of pinnbench runs as tables: train and test loss, their
ratio and the test errors at chosen iterations, per run or as mean +- std over the
seeds of each label (task, model, objective, optimiser, precision).

This is how docs/failure-modes-experiment.md shows whether train and test loss move
together:

    /usr/bin/python3 analysis/history.py results/failure-modes-experiment \\
        --at 1000,5000,10000,20000 --by-label

Reads result files (docs/results.md, ``/run/history``) and, with ``--checkpoints``,
the histories of unfinished runs from their mid-run checkpoints.
"""
from __future__ import annotations

import argparse
import fnmatch
import math
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import h5py
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pinnbench_results import ResultFileError, load_run  # noqa: E402

#: Columns: (header, history series or a derived name).
COLUMNS = (("train", "train_loss"), ("test", "test_loss"), ("test/train", "ratio"),
           ("rMAE", "rMAE"), ("rMSE", "rMSE"))


@dataclass
class History:
    """One run's history: where it came from and its series by name."""

    run_id: str
    label: str  # the run id without its seed
    seed: int
    source: str  # "result" or "checkpoint"
    series: dict[str, np.ndarray]

    @property
    def last_iteration(self) -> int:
        return int(self.series["iteration"][-1])

    def value(self, name: str, row: int) -> float:
        if name == "ratio":
            return self.value("test_loss", row) / self.value("train_loss", row)
        values = self.series.get(name)
        return float(values[row]) if values is not None and row < len(values) else math.nan

    def row_at(self, iteration: int) -> int | None:
        """The last recorded row at or before ``iteration`` (None before the first)."""
        rows = np.nonzero(self.series["iteration"] <= iteration)[0]
        return int(rows[-1]) if rows.size else None


def _split_seed(run_id: str) -> tuple[str, int]:
    head, _, tail = run_id.rpartition("-s")
    return (head, int(tail)) if head and tail.isdigit() else (run_id, 0)


def _checkpoint_history(path: Path) -> dict[str, np.ndarray]:
    """The ``history.*`` arrays a mid-run checkpoint keeps (train/Checkpoint.cpp)."""
    with h5py.File(path, "r") as f:
        trainer = f["trainer"]
        names = str(trainer.attrs["array_names"]).split("\n")
        arrays = trainer["arrays"]
        return {name[len("history."):]: np.asarray(arrays[str(k)][()])
                for k, name in enumerate(names) if name.startswith("history.")}


def load_histories(root: Path, pattern: str = "*", checkpoints: bool = False) -> list[History]:
    """Every run under ``root`` whose run id matches ``pattern``; a finished result wins
    over a checkpoint of the same run."""
    found: dict[str, History] = {}
    for path in sorted(root.rglob("*.h5")):
        if path.name.startswith("."):
            continue
        try:
            record = load_run(path)
        except ResultFileError as error:
            print(f"history.py: skipping {path}: {error}", file=sys.stderr)
            continue
        if fnmatch.fnmatch(record.run_id, pattern):
            series = record.load_history()
            if "iteration" in series and len(series["iteration"]):
                label, _ = _split_seed(record.run_id)
                found[record.run_id] = History(record.run_id, label, record.seed, "result", series)
    if checkpoints:
        for path in sorted(root.rglob(".*.checkpoint.h5")):
            run_id = path.name[1:-len(".checkpoint.h5")]
            if run_id in found or not fnmatch.fnmatch(run_id, pattern):
                continue
            series = _checkpoint_history(path)
            if "iteration" in series and len(series["iteration"]):
                label, seed = _split_seed(run_id)
                found[run_id] = History(run_id, label, seed, "checkpoint", series)
    return sorted(found.values(), key=lambda h: (h.label, h.seed))


def _number(value: float) -> str:
    return "-" if not math.isfinite(value) else f"{value:.3g}"


def per_run_table(history: History, iterations: Sequence[int]) -> list[str]:
    lines = [f"### {history.run_id} ({history.source}, {history.last_iteration} iterations)", "",
             "| iteration | " + " | ".join(h for h, _ in COLUMNS) + " |",
             "|---" * (len(COLUMNS) + 1) + "|"]
    rows = [history.row_at(i) for i in iterations if i <= history.last_iteration]
    rows.append(len(history.series["iteration"]) - 1)  # always the last record
    for row in sorted({r for r in rows if r is not None}):
        cells = [_number(history.value(name, row)) for _, name in COLUMNS]
        lines.append(f"| {int(history.series['iteration'][row])} | " + " | ".join(cells) + " |")
    return lines + [""]


def by_label_table(label: str, runs: list[History], iterations: Sequence[int]) -> list[str]:
    seeds = ",".join(str(r.seed) for r in runs)
    lines = [f"### {label} (seeds {seeds}; mean +- std over the runs that reached the iteration)",
             "", "| iteration | runs | " + " | ".join(h for h, _ in COLUMNS) + " |",
             "|---" * (len(COLUMNS) + 2) + "|"]
    for iteration in iterations:
        reached = [r for r in runs if r.last_iteration >= iteration]
        if not reached:
            continue
        cells = []
        for _, name in COLUMNS:
            values = np.array([r.value(name, r.row_at(iteration)) for r in reached])
            values = values[np.isfinite(values)]
            if values.size == 0:
                cells.append("-")
            elif values.size == 1:
                cells.append(_number(values[0]))
            else:
                cells.append(f"{_number(values.mean())} +- {_number(values.std(ddof=1))}")
        lines.append(f"| {iteration} | {len(reached)} | " + " | ".join(cells) + " |")
    return lines + [""]


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("results_dir", type=Path, metavar="RESULTS_DIR")
    parser.add_argument("--run", default="*", metavar="RUN_ID_GLOB",
                        help="only runs whose id matches (default: all)")
    parser.add_argument("--at", default="", metavar="I1,I2,...",
                        help="iterations to show (default: about ten, evenly spaced)")
    parser.add_argument("--by-label", action="store_true",
                        help="mean +- std over seeds instead of one table per run")
    parser.add_argument("--checkpoints", action="store_true",
                        help="also read unfinished runs from their mid-run checkpoints")
    return parser.parse_args(argv)


def _iterations(text: str, histories: list[History]) -> list[int]:
    if text:
        try:
            return sorted({int(v) for v in text.split(",") if v.strip()})
        except ValueError:
            raise SystemExit(f"history.py: --at: expected comma-separated integers, got {text!r}")
    last = max(h.last_iteration for h in histories)
    step = max(1, last // 10)
    return list(range(0, last, step)) + [last]


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if not args.results_dir.is_dir():
        print(f"history.py: {args.results_dir}: not a directory", file=sys.stderr)
        return 2
    histories = load_histories(args.results_dir, args.run, args.checkpoints)
    if not histories:
        print(f"history.py: no run with a history under {args.results_dir}", file=sys.stderr)
        return 1
    iterations = _iterations(args.at, histories)
    lines: list[str] = []
    if args.by_label:
        groups: dict[str, list[History]] = defaultdict(list)
        for h in histories:
            groups[h.label].append(h)
        for label, runs in groups.items():
            lines += by_label_table(label, runs, iterations)
    else:
        for h in histories:
            lines += per_run_table(h, iterations)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
