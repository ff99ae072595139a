"""Published numbers next to reproduced ones (``tables.py --published``).

``published_results.csv`` holds, transcribed once, every cell of the
failure-mode paper's Table 1 (mean ± std over seeds, with N) and of RoPINN's
Table 1 (single values; the three PINNsFormer-gPINN-wave cells are "OOM" in the
paper and left out).  Columns:

``paper, table, task, method, objective, metric``
    which cell (metric ``Loss``, ``rMAE``, ``rRMSE``/``rMSE``);
``value, spread, spread_kind``
    the published number as printed and its spread: the published std
    (``std``), or, for a single number, half a unit of its last printed digit
    (``rounding``: 0.982 stands for [0.9815, 0.9825]);
``points``
    the paper's N (failure-mode table only);
``match``
    ``key=value`` pairs a reproduced run must have (``suite``, ``task_label``,
    ``model_label``, ``objective_label``, ``precision``);
``source_file, source_line``
    where the number is printed, in ``shared/papers/``.

A cell is compared when at least one matching run finished ``ok``: the
reproduced value is the mean over those runs (seeds).  Verdicts:
``within spread`` (|reproduced - published| <= spread), ``within 3x``
(1/3 <= reproduced / published <= 3) or ``off``; the first two count as agreeing.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from pinnbench_results import OK_STATUS, RunRecord

DEFAULT_FILE = Path(__file__).resolve().parent / "published_results.csv"

#: Published metric name -> RunRecord field.
METRIC_FIELDS = {"Loss": "final_loss", "rMAE": "rMAE", "rRMSE": "rMSE", "rMSE": "rMSE"}
MATCH_KEYS = ("suite", "task_label", "model_label", "objective_label", "precision")
WITHIN_SPREAD, WITHIN_3X, OFF = "within spread", "within 3x", "off"
FIELDS = ("paper", "table", "task", "method", "objective", "metric", "value", "spread",
          "spread_kind", "points", "match", "source_file", "source_line")


@dataclass(frozen=True)
class PublishedCell:
    paper: str
    table: str
    task: str
    method: str
    objective: str
    metric: str
    value: float
    value_text: str
    spread: float
    spread_text: str
    spread_kind: str
    points: int | None
    match: dict
    source_file: str
    source_line: int

    def name(self) -> str:
        what = self.method + (f" {self.objective}" if self.objective else "")
        return f"{self.paper} {self.table}: {self.task} / {what} / {self.metric}"


@dataclass(frozen=True)
class Comparison:
    cell: PublishedCell
    reproduced: float
    seeds: int
    ratio: float
    verdict: str


def load_published(path: Path = DEFAULT_FILE) -> list[PublishedCell]:
    """Parse the data file; ValueError names the line of a bad entry."""
    cells = []
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != FIELDS:
            raise ValueError(f"{path}: header must be {','.join(FIELDS)}")
        for line, row in enumerate(reader, start=2):
            try:
                match = dict(item.split("=", 1) for item in row["match"].split())
                unknown = set(match) - set(MATCH_KEYS)
                if unknown:
                    raise ValueError(f"unknown match keys {sorted(unknown)}")
                if row["metric"] not in METRIC_FIELDS:
                    raise ValueError(f"unknown metric {row['metric']!r}")
                if row["spread_kind"] not in ("std", "rounding"):
                    raise ValueError(f"unknown spread_kind {row['spread_kind']!r}")
                source_line = int(row["source_line"])
                if not row["source_file"] or source_line < 1:
                    raise ValueError("missing source")
                cells.append(PublishedCell(
                    paper=row["paper"], table=row["table"], task=row["task"],
                    method=row["method"], objective=row["objective"], metric=row["metric"],
                    value=float(row["value"]), value_text=row["value"],
                    spread=float(row["spread"]), spread_text=row["spread"], spread_kind=row["spread_kind"],
                    points=int(row["points"]) if row["points"] else None, match=match,
                    source_file=row["source_file"], source_line=source_line))
            except (ValueError, KeyError) as error:
                raise ValueError(f"{path}:{line}: {error}") from error
    return cells


def verdict(published: float, spread: float, reproduced: float) -> str:
    """within spread / within 3x / off (non-finite or non-positive values are off
    unless they are within the spread)."""
    if not math.isfinite(reproduced):
        return OFF
    if abs(reproduced - published) <= spread:
        return WITHIN_SPREAD
    if published > 0 and reproduced > 0 and 1 / 3 <= reproduced / published <= 3:
        return WITHIN_3X
    return OFF


def _matches(record: RunRecord, match: dict) -> bool:
    return all(str(getattr(record, key)) == value for key, value in match.items())


def compare(cells: Sequence[PublishedCell], records: Iterable[RunRecord]
            ) -> tuple[list[Comparison], list[PublishedCell]]:
    """Compared cells, and the cells with no finished run yet."""
    records = [r for r in records if r.status == OK_STATUS]
    compared, missing = [], []
    for cell in cells:
        runs = [r for r in records if _matches(r, cell.match)]
        values = [getattr(r, METRIC_FIELDS[cell.metric]) for r in runs]
        if not values:
            missing.append(cell)
            continue
        reproduced = sum(values) / len(values)
        ratio = reproduced / cell.value if cell.value else math.nan
        compared.append(Comparison(cell, reproduced, len(values), ratio,
                                   verdict(cell.value, cell.spread, reproduced)))
    return compared, missing


def render(compared: Sequence[Comparison], missing: Sequence[PublishedCell]) -> str:
    """Two summary lines, the comparison table (markdown) and the cells with no run."""
    agree = [c for c in compared if c.verdict != OFF]
    spread = sum(c.verdict == WITHIN_SPREAD for c in compared)
    total = len(compared) + len(missing)
    out = [f"compared {len(compared)} of {total} published cells ({len(missing)} with no run yet)",
           f"agree: {len(agree)} of {len(compared)} ({spread} within the published spread, "
           f"{len(agree) - spread} within 3x); off: {len(compared) - len(agree)}", ""]
    if compared:
        out.append("| Paper | Task | Method | Metric | Published | Reproduced (seeds) | Ratio "
                   "| Verdict |")
        out.append("|---|---|---|---|---|---|---|---|")
        for c in compared:
            cell = c.cell
            spread_text = f" ± {cell.spread_text}" if cell.spread_kind == "std" else ""
            method = cell.method + (f" {cell.objective}" if cell.objective else "")
            out.append(f"| {cell.paper} | {cell.task} | {method} | {cell.metric} | "
                       f"{cell.value_text}{spread_text} | {c.reproduced:.3g} ({c.seeds}) | "
                       f"{c.ratio:.3g} | {c.verdict} |")
        out.append("")
    if missing:
        out.append("no run yet:")
        out.extend(f"  {cell.name()}  [{' '.join(f'{k}={v}' for k, v in cell.match.items())}]"
                   for cell in missing)
    return "\n".join(out) + "\n"
