#!/usr/bin/python3
"""Turn a pinnbench results directory into the papers' tables.

Two layouts:

``ropinn``
    RoPINN Table 1.  One block per model label, in the paper's model order
    (PINN, QRes, FLS, PINNsFormer, KAN, then others by name); rows Vanilla, gPINN, vPINN,
    RoPINN (objectives ``vanilla``, ``gpinn``, ``vpinn``, ``ropinn``) and a
    Promotion row, ``(vanilla - ropinn) / vanilla`` in percent per metric
    (positive = RoPINN is better); columns Loss / rMAE / rMSE per task label.

``propinn``
    ProPINN Table 1 (1D).  Rows are base models (objective ``vanilla``) in the
    paper's order, Vanilla PINN, QRes, FLS, KAN, PINNsFormer, ProPINN (others
    after them, sorted), and a Promotion row, ``1 - ProPINN / best baseline`` in
    percent per metric (the best baseline is the lowest mean of the other
    rows); columns rMAE / rRMSE per task label, Convection, 1D-Reaction,
    Allen-Cahn, 1D-Wave first.  Printed only when the results hold a ProPINN run.

``failure-modes``
    The failure-mode table.  One row per equation (task label) x method
    (objective ``vanilla``, ``l1``, ``l2``, ``double_pinn``) x precision x N
    (``points_domain``); columns train loss, test loss, rMAE, rRMSE, and a
    status column when some run diverged or failed.

``pinnacle``
    RoPINN Table 1's PINNacle part in full.  One block per model label; one
    row per PINNacle task (in the paper's order), columns rMAE / rMSE per
    objective (Vanilla, gPINN, vPINN, RoPINN), and a last row "Improved over
    Vanilla": the share of the tasks (with results for both) on which the
    objective's mean is lower than Vanilla's, as in the table's last two
    columns.  Printed only when the results hold a run of a PINNacle task.

Task columns/rows are in alphabetical order of the task label unless
``--task-order`` names some first.  Objectives follow the order above; models,
precisions and N are sorted.

Several seeds in one cell print ``mean ± std (n=seeds)`` with the population
std; one seed prints its value alone.  Only runs with status ``ok`` enter the
statistics; the others are counted in the status column (``diverged (1/3)``).
When runs that would share a cell differ in another setting (optimizer,
precision, N or suite in the RoPINN table; model, optimizer or suite in the
failure-mode table), that setting is added to the block title or as a column.

Run ``tables.py --help`` for the options.
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

import numpy as np

import published
from pinnbench_results import OK_STATUS, RunRecord, load_results

MISSING = "—"
PLUS_MINUS = "±"

MODEL_DISPLAY = {"pinn": "PINN", "qres": "QRes", "fls": "FLS", "pinnsformer": "PINNsFormer",
                 "kan": "KAN", "propinn": "ProPINN"}
TASK_DISPLAY = {"convection": "Convection", "reaction": "1D-Reaction", "wave": "1D-Wave",
                "allen_cahn": "Allen-Cahn"}
OBJECTIVE_DISPLAY = {"vanilla": "Vanilla", "gpinn": "gPINN", "vpinn": "vPINN", "ropinn": "RoPINN",
                     "l1": "L1", "l2": "L2", "double_pinn": "Double PINN"}

#: Base models of RoPINN Table 1 (and ProPINN), in the papers' block order.
MODEL_ORDER = ("pinn", "qres", "fls", "pinnsformer", "kan", "propinn")

#: Objectives of the RoPINN table, in row order.
ROPINN_OBJECTIVES = ("vanilla", "gpinn", "vpinn", "ropinn")
#: Base models of the ProPINN table, in row order, and its task order.
PROPINN_MODELS = ("pinn", "qres", "fls", "kan", "pinnsformer", "propinn")
PROPINN_TASKS = ("convection", "reaction", "allen_cahn", "wave")
#: (column title, RunRecord metric, kind) of the ProPINN table, per task.
PROPINN_METRICS = (("rMAE", "rMAE", "relative"), ("rRMSE", "rMSE", "relative"))
#: Objectives of the failure-mode table, in row order.
FAILURE_OBJECTIVES = ("vanilla", "l1", "l2", "double_pinn")

#: (column title, RunRecord metric, kind) of the RoPINN table, per task.
ROPINN_METRICS = (("Loss", "final_loss", "loss"), ("rMAE", "rMAE", "relative"),
                  ("rMSE", "rMSE", "relative"))
#: (column title, RunRecord metric, kind) of the failure-mode table.
# Train and test loss are the same terms on different points (docs/results.md).
FAILURE_METRICS = (("Train loss", "train_loss", "loss"), ("Test loss", "test_loss", "loss"),
                   ("rMAE", "rMAE", "relative"), ("rRMSE", "rMSE", "relative"))

#: Settings that may distinguish runs of one cell, with their column titles.
CONTEXT_TITLES = {"model_label": "Model", "optimizer_label": "Optimizer",
                  "precision": "Precision", "points_domain": "N", "suite": "Suite"}

Warn = Callable[[str], None]


def _warn_stderr(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


def display_name(names: dict[str, str], name: str, label: str) -> str:
    """Human-readable name of a component: ``convection_beta5`` -> ``Convection (beta5)``.

    ``names`` maps component names to display names; a label that extends the
    name with ``_<parameters>`` keeps the suffix in parentheses, a custom label
    is printed as it is.
    """
    base = names.get(name, name)
    if not label or label == name:
        return base
    if label.startswith(name + "_"):
        return f"{base} ({label[len(name) + 1:]})"
    return label


# ---------------------------------------------------------------- statistics


@dataclass(frozen=True)
class Summary:
    """Mean and population standard deviation of ``n`` values."""

    mean: float
    std: float
    n: int


def summarize(values: Iterable[float]) -> Summary | None:
    """Summary of the finite values, or None when there are none."""
    finite = [v for v in values if math.isfinite(v)]
    if not finite:
        return None
    array = np.asarray(finite, dtype=float)
    return Summary(float(array.mean()), float(array.std(ddof=0)), len(finite))


@dataclass
class Cell:
    """The runs that share one table cell (normally: the seeds of one configuration)."""

    runs: list[RunRecord] = field(default_factory=list)

    def included(self) -> list[RunRecord]:
        """Runs that enter the statistics (status ``ok``)."""
        return [r for r in self.runs if r.ok]

    def summary(self, metric: str) -> Summary | None:
        """Mean/std of a metric over the included runs (non-finite values skipped)."""
        return summarize(r.metric(metric) for r in self.included())

    def status_counts(self) -> Counter[str]:
        """How many runs have each status other than ``ok``."""
        return Counter(r.status or "unknown" for r in self.runs if not r.ok)

    def status_text(self) -> str:
        """``ok``, or e.g. ``diverged (1/3), failed (1/3)``; empty for an empty cell."""
        if not self.runs:
            return ""
        counts = self.status_counts()
        if not counts:
            return OK_STATUS
        total = len(self.runs)
        return ", ".join(f"{status} ({count}/{total})" for status, count in sorted(counts.items()))


def format_loss(value: float) -> str:
    """Compact scientific notation, as in the papers: ``1.6e-02``."""
    return f"{value:.1e}"


def format_relative(value: float) -> str:
    """Three decimals, as in the papers: ``0.840``."""
    return f"{value:.3f}"


def format_relative_std(value: float) -> str:
    """Three decimals, or scientific notation when that would round a non-zero std to 0."""
    if value != 0.0 and round(value, 3) == 0.0:
        return f"{value:.1e}"
    return f"{value:.3f}"


def format_summary(summary: Summary | None, kind: str) -> str:
    """``mean ± std (n=k)`` for several values, the value alone for one, ``—`` for none."""
    if summary is None:
        return MISSING
    if kind == "loss":
        mean, std = format_loss(summary.mean), format_loss(summary.std)
    elif kind == "relative":
        mean, std = format_relative(summary.mean), format_relative_std(summary.std)
    else:
        raise ValueError(f"unknown metric kind {kind!r}")
    if summary.n == 1:
        return mean
    return f"{mean} {PLUS_MINUS} {std} (n={summary.n})"


def promotion(baseline: Summary | None, improved: Summary | None) -> float | None:
    """Relative improvement ``(baseline - improved) / baseline`` in percent, from the means."""
    if baseline is None or improved is None or baseline.mean == 0.0:
        return None
    return 100.0 * (baseline.mean - improved.mean) / baseline.mean


def format_percent(value: float | None) -> str:
    """``99.9%``; ``—`` when undefined."""
    return MISSING if value is None else f"{value:.1f}%"


# --------------------------------------------------------------- table model


@dataclass
class Column:
    """A table column; ``group`` is a spanning header (a task) above ``name``."""

    name: str
    group: str = ""
    key: bool = False  # a label column rather than a measured value
    numeric: bool | None = None  # right-aligned; default: not a key column

    @property
    def align(self) -> str:
        """``l`` or ``r``: numbers right-aligned, labels left-aligned."""
        numeric = (not self.key) if self.numeric is None else self.numeric
        return "r" if numeric else "l"

    @property
    def flat_name(self) -> str:
        """Single-line header for formats without spanning headers."""
        return f"{self.group} {self.name}" if self.group else self.name


@dataclass
class Row:
    """One table row; ``rule_before`` asks for a horizontal rule above it (LaTeX)."""

    cells: list[str]
    rule_before: bool = False


@dataclass
class Section:
    """A block of rows with an optional title (e.g. one model)."""

    title: str
    rows: list[Row] = field(default_factory=list)


@dataclass
class Table:
    """A rendered-agnostic table: columns, titled sections of string cells, notes.

    ``section_label`` names the column that carries section titles in flat
    formats (CSV), e.g. ``Model``.
    """

    title: str
    columns: list[Column]
    sections: list[Section]
    section_label: str = ""
    notes: list[str] = field(default_factory=list)

    def is_empty(self) -> bool:
        """True when no section has a row."""
        return not any(section.rows for section in self.sections)


# ------------------------------------------------------------------ grouping


def _sort_value(value: object) -> tuple:
    """Sort key that puts None last and compares like types."""
    return (1, "") if value is None else (0, value)


def split_dimensions(records: Sequence[RunRecord], base_key: Callable[[RunRecord], tuple],
                     candidates: Sequence[str]) -> list[str]:
    """The candidate attributes needed to keep runs that differ in more than their seed apart.

    Candidates are tried in order; one is chosen when it still takes more than
    one value within some cell keyed by ``base_key`` plus the attributes chosen
    so far (so ``suite`` is not added when ``points_domain`` already separates
    the runs of two suites).
    """
    chosen: list[str] = []
    for name in candidates:
        values: dict[tuple, set] = defaultdict(set)
        for record in records:
            key = (base_key(record), *(getattr(record, c) for c in chosen))
            values[key].add(getattr(record, name))
        if any(len(v) > 1 for v in values.values()):
            chosen.append(name)
    return chosen


def ordered_task_labels(records: Iterable[RunRecord], task_order: Sequence[str] = ()) -> list[str]:
    """Task labels: those named in ``task_order`` first (in that order), the rest sorted."""
    present = {r.task_label for r in records}
    first = [label for label in task_order if label in present]
    return first + sorted(present - set(first))


def _context_text(name: str, value: object) -> str:
    if name == "points_domain":
        return f"N={MISSING if value is None else value}"
    if name == "suite":
        return f"suite {value}"
    return str(value)


def _context_cell(name: str, value: object, record: RunRecord) -> str:
    if value is None:
        return MISSING
    if name == "model_label":
        return display_name(MODEL_DISPLAY, record.model, record.model_label)
    return str(value)


def _group_by(records: Iterable[RunRecord],
              key: Callable[[RunRecord], tuple]) -> dict[tuple, list[RunRecord]]:
    """Records per key, in first-seen order: the blocks of the paper tables."""
    groups: dict[tuple, list[RunRecord]] = defaultdict(list)
    for record in records:
        groups[key(record)].append(record)
    return groups


def _collect_cells(records: Iterable[RunRecord], key: Callable[[RunRecord], tuple],
                   warn: Warn) -> dict[tuple, Cell]:
    """Group records into cells and warn when one cell holds a seed twice."""
    cells: dict[tuple, Cell] = defaultdict(Cell)
    for record in records:
        cells[key(record)].runs.append(record)
    for cell in cells.values():
        seeds = Counter(r.seed for r in cell.runs)
        repeated = sorted(seed for seed, count in seeds.items() if count > 1)
        if repeated:
            paths = ", ".join(str(r.path) for r in cell.runs if r.seed in repeated)
            warn(f"seed(s) {repeated} appear more than once in one table cell; all are counted: "
                 f"{paths}")
    return cells


def _status_note() -> str:
    return (f"Cells: mean {PLUS_MINUS} population std over seeds (n = number of seeds) for "
            f"several seeds, the value alone for one; {MISSING} = no run. Only runs with status "
            f"ok are averaged; the others are counted in the Status column (present when some "
            f"run did not end ok).")


def _metric_columns(key_title: str, groups: Sequence[str], metrics: Sequence[tuple],
                    show_status: bool) -> list[Column]:
    """The three paper tables share this header: a key column, each group's metric
    columns, and Status when some run did not end ok."""
    columns = [Column(key_title, key=True)]
    for group in groups:
        columns += [Column(title, group=group) for title, _, _ in metrics]
    if show_status:
        columns.append(Column("Status", key=True))
    return columns


def _metric_row(label: str, groups: Sequence[tuple[str, Cell | None]], metrics: Sequence[tuple],
                show_status: bool) -> Row:
    """One row of the paper tables: each group's cell (``None``: no run) as its metric
    summaries, then, when shown, the groups' non-ok statuses (``ok``; ``—`` without runs)."""
    row = [label]
    notes = []
    for name, cell in groups:
        summary_of = (Cell() if cell is None else cell).summary
        row += [format_summary(summary_of(metric), kind) for _, metric, kind in metrics]
        if cell is not None and cell.status_counts():
            notes.append(f"{name}: {cell.status_text()}")
    if show_status:
        has_runs = any(cell is not None for _, cell in groups)
        row.append("; ".join(notes) if notes else (OK_STATUS if has_runs else MISSING))
    return Row(row)


def _model_block_title(record: RunRecord, splits: Sequence[str], values: Sequence[object]) -> str:
    """A block of the RoPINN and PINNacle tables: the model, then the settings that split it."""
    title = display_name(MODEL_DISPLAY, record.model, record.model_label)
    context = [_context_text(name, value) for name, value in zip(splits, values)]
    return title + " — " + ", ".join(context) if context else title


# ------------------------------------------------------------- RoPINN table


def build_ropinn_table(records: Sequence[RunRecord], task_order: Sequence[str] = (),
                       warn: Warn | None = None) -> Table:
    """RoPINN Table 1 layout (see the module docstring)."""
    warn = warn or _warn_stderr
    selected = [r for r in records if r.objective in ROPINN_OBJECTIVES]
    tasks = ordered_task_labels(selected, task_order)
    task_names = {r.task_label: r.task for r in selected}
    splits = split_dimensions(selected, lambda r: (r.model_label, r.objective_label, r.task_label),
                              ("precision", "points_domain", "optimizer_label", "suite"))

    def block_of(record: RunRecord) -> tuple:
        return (record.model_label, *(getattr(record, name) for name in splits))

    cells = _collect_cells(selected, lambda r: (block_of(r), r.objective_label, r.task_label), warn)
    show_status = any(not r.ok for r in selected)

    task_titles = {task: display_name(TASK_DISPLAY, task_names[task], task) for task in tasks}
    columns = _metric_columns("Objective", list(task_titles.values()), ROPINN_METRICS, show_status)

    blocks = _group_by(selected, block_of)

    def block_order(block: tuple) -> tuple:
        model = blocks[block][0].model
        rank = MODEL_ORDER.index(model) if model in MODEL_ORDER else len(MODEL_ORDER)
        return (rank, *(_sort_value(v) for v in block))

    sections = []
    for block in sorted(blocks, key=block_order):
        block_records = blocks[block]
        title = _model_block_title(block_records[0], splits, block[1:])

        # Row labels: the four canonical objectives always, plus any other label
        # of the same objectives (e.g. ropinn_past_iterations5) found in the block.
        objective_of = {name: name for name in ROPINN_OBJECTIVES}
        objective_of.update({r.objective_label: r.objective for r in block_records})
        row_labels = sorted(objective_of, key=lambda label: (
            ROPINN_OBJECTIVES.index(objective_of[label]), label != objective_of[label], label))

        section = Section(title)
        for label in row_labels:
            section.rows.append(_metric_row(
                display_name(OBJECTIVE_DISPLAY, objective_of[label], label),
                [(task_titles[task], cells.get((block, label, task))) for task in tasks],
                ROPINN_METRICS, show_status))

        section.rows += _promotion_rows(block, row_labels, objective_of, tasks, cells, show_status)
        sections.append(section)

    notes = [_status_note(),
             "Promotion: (Vanilla - RoPINN) / Vanilla of the means, in percent; positive means "
             "RoPINN is better."]
    return Table("RoPINN table", columns, sections, section_label="Model", notes=notes)


def _promotion_rows(block: tuple, row_labels: list[str], objective_of: dict[str, str],
                    tasks: list[str], cells: dict[tuple, Cell], show_status: bool) -> list[Row]:
    """One Promotion row per RoPINN row that has results (one row of ``—`` if none has).

    The baseline is the ``vanilla`` row, or the only other Vanilla-objective row
    that has results.
    """
    def has_results(label: str) -> bool:
        return any((block, label, task) in cells for task in tasks)

    vanilla_rows = [label for label in row_labels if objective_of[label] == "vanilla"]
    baseline = "vanilla" if has_results("vanilla") else None
    if baseline is None:
        others = [label for label in vanilla_rows if has_results(label)]
        baseline = others[0] if len(others) == 1 else None

    ropinn_rows = [label for label in row_labels
                   if objective_of[label] == "ropinn" and has_results(label)] or ["ropinn"]
    rows = []
    for label in ropinn_rows:
        name = "Promotion"
        if len(ropinn_rows) > 1:
            name += f": {display_name(OBJECTIVE_DISPLAY, 'ropinn', label)}"
        row = [name]
        for task in tasks:
            base_cell = cells.get((block, baseline, task), Cell()) if baseline else Cell()
            ropinn_cell = cells.get((block, label, task), Cell())
            row += [format_percent(promotion(base_cell.summary(metric),
                                             ropinn_cell.summary(metric)))
                    for _, metric, _ in ROPINN_METRICS]
        if show_status:
            row.append("")
        rows.append(Row(row, rule_before=True))
    return rows


# ------------------------------------------------------------ ProPINN table


def build_propinn_table(records: Sequence[RunRecord], task_order: Sequence[str] = (),
                        warn: Warn | None = None) -> Table:
    """ProPINN Table 1 layout (see the module docstring); empty without a ProPINN run."""
    warn = warn or _warn_stderr
    selected = [r for r in records if r.objective == "vanilla"]
    if not any(r.model == "propinn" for r in selected):
        selected = []
    present = {r.task_label: r.task for r in selected}
    paper_order = sorted(present, key=lambda label: (
        PROPINN_TASKS.index(present[label]) if present[label] in PROPINN_TASKS
        else len(PROPINN_TASKS), label))
    tasks = ordered_task_labels(selected, list(task_order) + paper_order)
    splits = split_dimensions(selected, lambda r: (r.model_label, r.task_label),
                              ("precision", "points_domain", "optimizer_label", "suite"))

    def block_of(record: RunRecord) -> tuple:
        return tuple(getattr(record, name) for name in splits)

    cells = _collect_cells(selected, lambda r: (block_of(r), r.model_label, r.task_label), warn)
    show_status = any(not r.ok for r in selected)
    task_titles = {task: display_name(TASK_DISPLAY, present[task], task) for task in tasks}
    columns = _metric_columns("Model", list(task_titles.values()), PROPINN_METRICS, show_status)

    blocks = _group_by(selected, block_of)
    sections = []
    for block in sorted(blocks, key=lambda b: tuple(_sort_value(v) for v in b)):
        model_of = {r.model_label: r.model for r in blocks[block]}
        labels = sorted(model_of, key=lambda label: (
            PROPINN_MODELS.index(model_of[label]) if model_of[label] in PROPINN_MODELS
            else len(PROPINN_MODELS), model_of[label], label != model_of[label], label))
        title = ", ".join(_context_text(name, value) for name, value in zip(splits, block))
        section = Section(title)
        for label in labels:
            name = display_name(MODEL_DISPLAY, model_of[label], label)
            section.rows.append(_metric_row(
                "Vanilla PINN" if name == "PINN" else name,
                [(task_titles[task], cells.get((block, label, task))) for task in tasks],
                PROPINN_METRICS, show_status))

        # Promotion of each ProPINN row over the best other row, per metric.
        for label in [lb for lb in labels if model_of[lb] == "propinn"]:
            row = ["Promotion" + ("" if label == "propinn" else f": {label}")]
            for task in tasks:
                for _, metric, _ in PROPINN_METRICS:
                    baselines = [cells[(block, other, task)].summary(metric)
                                 for other in labels if model_of[other] != "propinn"
                                 and (block, other, task) in cells]
                    baselines = [b for b in baselines if b is not None]
                    best = min(baselines, key=lambda b: b.mean) if baselines else None
                    row.append(format_percent(
                        promotion(best, cells.get((block, label, task), Cell()).summary(metric))))
            if show_status:
                row.append("")
            section.rows.append(Row(row, rule_before=True))
        sections.append(section)

    notes = [_status_note(),
             "Promotion: 1 - ProPINN / best baseline (the lowest mean among the other rows), "
             "in percent; positive means ProPINN is better."]
    return Table("ProPINN table", columns, sections, section_label="Setting", notes=notes)


# ------------------------------------------------------- failure-mode table


def build_failure_table(records: Sequence[RunRecord], task_order: Sequence[str] = (),
                        warn: Warn | None = None) -> Table:
    """Failure-mode layout (see the module docstring)."""
    warn = warn or _warn_stderr
    selected = [r for r in records if r.objective in FAILURE_OBJECTIVES]
    tasks = ordered_task_labels(selected, task_order)

    def base_key(record: RunRecord) -> tuple:
        return (record.task_label, record.objective_label, record.precision, record.points_domain)

    splits = split_dimensions(selected, base_key, ("model_label", "optimizer_label", "suite"))
    cells = _collect_cells(selected, lambda r: (*base_key(r), *(getattr(r, s) for s in splits)),
                           warn)
    show_status = any(not r.ok for r in selected)

    # Key columns in reading order, with the optional settings in between.
    key_layout = [("task_label", "Equation"), ("model_label", None), ("objective_label", "Method"),
                  ("optimizer_label", None), ("precision", "Precision"),
                  ("points_domain", "N"), ("suite", None)]
    key_layout = [(name, title or CONTEXT_TITLES[name]) for name, title in key_layout
                  if title is not None or name in splits]
    columns = [Column(title, key=True, numeric=name == "points_domain")
               for name, title in key_layout]
    columns += [Column(title) for title, _, _ in FAILURE_METRICS]
    if show_status:
        columns.append(Column("Status", key=True))

    def row_order(key: tuple) -> tuple:
        task, objective_label, precision, n_points, *extra = key
        objective = cells[key].runs[0].objective
        return (tasks.index(task), FAILURE_OBJECTIVES.index(objective),
                objective_label != objective, objective_label, precision,
                _sort_value(n_points), *(_sort_value(v) for v in extra))

    section = Section("")
    for key in sorted(cells, key=row_order):
        cell = cells[key]
        record = cell.runs[0]
        row = []
        for name, _ in key_layout:
            value = getattr(record, name)
            if name == "task_label":
                row.append(display_name(TASK_DISPLAY, record.task, value))
            elif name == "objective_label":
                row.append(display_name(OBJECTIVE_DISPLAY, record.objective, value))
            else:
                row.append(_context_cell(name, value, record))
        row += [format_summary(cell.summary(metric), kind) for _, metric, kind in FAILURE_METRICS]
        if show_status:
            row.append(cell.status_text())
        section.rows.append(Row(row))

    notes = [_status_note(), "N = points_domain (training collocation points in the domain)."]
    return Table("Failure-mode table", columns, [section], notes=notes)


# ------------------------------------------------------------ PINNacle table

#: The 16 PINNacle tasks of RoPINN Table 1 in the paper's row order, with display names.
PINNACLE_TASKS = (
    ("burgers1d", "Burgers 1d-C"), ("burgers2d", "Burgers 2d-C"),
    ("poisson2d_classic", "Poisson 2d-C"), ("poisson_boltzmann2d", "Poisson 2d-CG"),
    ("poisson3d_complex_geometry", "Poisson 3d-CG"), ("poisson2d_many_area", "Poisson 2d-MS"),
    ("heat2d_varying_coef", "Heat 2d-VC"), ("heat2d_multiscale", "Heat 2d-MS"),
    ("heat2d_complex_geometry", "Heat 2d-CG"), ("ns2d_lid_driven", "NS 2d-C"),
    ("ns2d_back_step", "NS 2d-CG"), ("wave1d", "Wave 1d-C"),
    ("wave2d_heterogeneous", "Wave 2d-CG"), ("gray_scott", "GS"), ("poisson_nd", "PNd"),
    ("heat_nd", "HNd"))
PINNACLE_DISPLAY = dict(PINNACLE_TASKS)
PINNACLE_ORDER = tuple(name for name, _ in PINNACLE_TASKS)
#: (column title, RunRecord metric, kind) of the PINNacle table, per objective.
PINNACLE_METRICS = (("rMAE", "rMAE", "relative"), ("rMSE", "rMSE", "relative"))


def improved_share(baseline: dict[str, Summary | None],
                   candidate: dict[str, Summary | None]) -> tuple[int, int]:
    """RoPINN Table 1's PINNacle columns: (tasks improved, tasks compared).

    A task is compared when both the baseline (vanilla) and the candidate have
    a mean for it (the paper counts PINNsFormer's 6 non-OOM tasks); it is
    improved when the candidate's mean is strictly below the baseline's.
    """
    compared = [task for task in candidate
                if candidate[task] is not None and baseline.get(task) is not None]
    improved = [task for task in compared if candidate[task].mean < baseline[task].mean]
    return len(improved), len(compared)


def format_share(improved: int, compared: int) -> str:
    """``93.8% (15/16)``; ``—`` when nothing was compared."""
    if compared == 0:
        return MISSING
    return f"{100.0 * improved / compared:.1f}% ({improved}/{compared})"


def build_pinnacle_table(records: Sequence[RunRecord], task_order: Sequence[str] = (),
                         warn: Warn | None = None) -> Table:
    """PINNacle layout: one block per model, one row per PINNacle task, rMAE/rMSE per objective.

    Rows follow RoPINN Table 1's task order (``task_order`` puts labels first);
    the columns are the objectives vanilla, gPINN, vPINN, RoPINN (and other
    labels of them) present in the results.  The last row of a block is
    RoPINN's summary: the share of tasks on which each objective's mean is
    below vanilla's (see ``improved_share``).
    """
    warn = warn or _warn_stderr
    selected = [r for r in records
                if r.task in PINNACLE_DISPLAY and r.objective in ROPINN_OBJECTIVES]
    task_names = {r.task_label: r.task for r in selected}
    paper_order = sorted(task_names, key=lambda label: (
        PINNACLE_ORDER.index(task_names[label]), label))
    tasks = ordered_task_labels(selected, list(task_order) + paper_order)
    splits = split_dimensions(selected, lambda r: (r.model_label, r.objective_label, r.task_label),
                              ("precision", "optimizer_label", "suite"))

    def block_of(record: RunRecord) -> tuple:
        return (record.model_label, *(getattr(record, name) for name in splits))

    cells = _collect_cells(selected, lambda r: (block_of(r), r.objective_label, r.task_label), warn)
    show_status = any(not r.ok for r in selected)
    objective_of = {r.objective_label: r.objective for r in selected}
    objectives = sorted(objective_of, key=lambda label: (
        ROPINN_OBJECTIVES.index(objective_of[label]), label != objective_of[label], label))

    objective_titles = {label: display_name(OBJECTIVE_DISPLAY, objective_of[label], label)
                        for label in objectives}
    columns = _metric_columns("Task", list(objective_titles.values()), PINNACLE_METRICS,
                              show_status)

    blocks = _group_by(selected, block_of)

    sections = []
    for block in sorted(blocks, key=lambda b: tuple(_sort_value(v) for v in b)):
        title = _model_block_title(blocks[block][0], splits, block[1:])
        block_tasks = [t for t in tasks if any((block, o, t) in cells for o in objectives)]
        section = Section(title)
        for task in block_tasks:
            section.rows.append(_metric_row(
                display_name(PINNACLE_DISPLAY, task_names[task], task),
                [(objective_titles[label], cells.get((block, label, task)))
                 for label in objectives],
                PINNACLE_METRICS, show_status))

        # The summary row: share of tasks improved over the vanilla column.
        baseline = "vanilla" if "vanilla" in objectives else None
        row = ["Improved over Vanilla"]
        for label in objectives:
            for _, metric, _ in PINNACLE_METRICS:
                if baseline is None or objective_of[label] == "vanilla":
                    row.append(MISSING)
                    continue
                summaries = {t: cells.get((block, label, t), Cell()).summary(metric)
                             for t in block_tasks}
                base = {t: cells.get((block, baseline, t), Cell()).summary(metric)
                        for t in block_tasks}
                row.append(format_share(*improved_share(base, summaries)))
        if show_status:
            row.append("")
        section.rows.append(Row(row, rule_before=True))
        sections.append(section)

    notes = [_status_note(),
             "Improved over Vanilla: the share of the tasks with results for both the objective "
             "and Vanilla on which the objective's mean is lower than Vanilla's (RoPINN Table 1, "
             "PINNacle columns), with (improved/compared)."]
    return Table("PINNacle table", columns, sections, section_label="Model", notes=notes)


# ---------------------------------------------------------------- renderers


def _markdown_cell(text: str) -> str:
    return text.replace("|", "\\|")


def render_markdown(tables: Sequence[Table]) -> str:
    """GitHub-flavoured markdown: a ``##`` heading per table, ``###`` per titled section."""
    out = []
    for table in tables:
        out.append(f"## {table.title}\n")
        header = "| " + " | ".join(_markdown_cell(c.flat_name) for c in table.columns) + " |"
        align = "|" + "|".join("---:" if c.align == "r" else ":---" for c in table.columns) + "|"
        for section in table.sections:
            if not section.rows:
                continue
            if section.title:
                out.append(f"### {section.title}\n")
            out.append(header)
            out.append(align)
            out += ["| " + " | ".join(_markdown_cell(c) for c in row.cells) + " |"
                    for row in section.rows]
            out.append("")
        out += [f"_{note}_\n" for note in table.notes]
    return "\n".join(out).rstrip("\n") + "\n"


_LATEX_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
                  "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
                  "^": r"\textasciicircum{}"}


def latex_escape(text: str) -> str:
    """Escape LaTeX specials and spell ``±`` and ``—`` in LaTeX."""
    escaped = "".join(_LATEX_SPECIAL.get(ch, ch) for ch in text)
    return escaped.replace(PLUS_MINUS, r"$\pm$").replace(MISSING, "---")


def render_latex(tables: Sequence[Table]) -> str:
    """booktabs tabulars (``\\toprule``/``\\midrule``/``\\bottomrule``), one per table.

    Task groups become ``\\multicolumn`` headers with ``\\cmidrule``s; section
    titles become italic full-width rows.  Requires ``\\usepackage{booktabs}``.
    """
    out = []
    for table in tables:
        columns = table.columns
        ncols = len(columns)
        out.append(f"% {table.title} (generated by analysis/tables.py; needs booktabs)")
        out += [f"% {note}".replace(PLUS_MINUS, "+/-").replace(MISSING, "---")
                for note in table.notes]
        out.append(r"\begin{tabular}{" + "".join(c.align for c in columns) + "}")
        out.append(r"\toprule")
        if any(c.group for c in columns):
            spans = []  # (group, first column index, last column index), 1-based
            for index, column in enumerate(columns, start=1):
                if spans and column.group and spans[-1][0] == column.group:
                    spans[-1][2] = index
                else:
                    spans.append([column.group, index, index])
            out.append(" & ".join(
                f"\\multicolumn{{{last - first + 1}}}{{c}}{{{latex_escape(group)}}}"
                if group and last > first else latex_escape(group)
                for group, first, last in spans) + r" \\")
            out.append(" ".join(f"\\cmidrule(lr){{{first}-{last}}}"
                                for group, first, last in spans if group))
        out.append(" & ".join(latex_escape(c.name) for c in columns) + r" \\")
        for section in table.sections:
            if not section.rows:
                continue
            out.append(r"\midrule")
            if section.title:
                title = latex_escape(section.title)
                out.append(f"\\multicolumn{{{ncols}}}{{l}}{{\\textit{{{title}}}}} \\\\")
            for row in section.rows:
                if row.rule_before:
                    out.append(f"\\cmidrule(lr){{1-{ncols}}}")
                out.append(" & ".join(latex_escape(c) for c in row.cells) + r" \\")
        out.append(r"\bottomrule")
        out.append(r"\end{tabular}")
        out.append("")
    return "\n".join(out)


def render_csv(tables: Sequence[Table]) -> str:
    """CSV with the same cell texts; section titles go into a leading column.

    With several tables, each is preceded by a one-cell title row and separated
    by an empty line.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for index, table in enumerate(tables):
        if len(tables) > 1:
            if index:
                writer.writerow([])
            writer.writerow([table.title])
        lead = [table.section_label] if table.section_label else []
        writer.writerow(lead + [c.flat_name for c in table.columns])
        for section in table.sections:
            for row in section.rows:
                writer.writerow(([section.title] if lead else []) + row.cells)
    return buffer.getvalue()


RENDERERS = {"md": render_markdown, "latex": render_latex, "csv": render_csv}
BUILDERS = {"ropinn": build_ropinn_table, "failure-modes": build_failure_table,
            "propinn": build_propinn_table, "pinnacle": build_pinnacle_table}


# ---------------------------------------------------------------------- CLI


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(
        description="Print the RoPINN (Table 1), ProPINN (Table 1) and failure-mode tables of a pinnbench "
                    "results directory.",
        epilog="Exit status: 0 on success (also when the directory holds no results), "
               "2 for a missing directory or bad options.")
    parser.add_argument("results_dir", metavar="RESULTS_DIR", type=Path,
                        help="directory searched recursively for *.h5 result files")
    parser.add_argument("--format", choices=sorted(RENDERERS), default="md",
                        help="output format (default: md)")
    parser.add_argument("--table",
                        choices=["ropinn", "failure-modes", "propinn", "pinnacle", "all"],
                        default="all",
                        help="which table to print (default: all)")
    parser.add_argument("--output", "-o", metavar="FILE", type=Path,
                        help="write to FILE instead of stdout")
    parser.add_argument("--suite", metavar="NAME", action="append", default=[],
                        help="only runs of this suite (root attribute suite); repeatable")
    parser.add_argument("--published", action="store_true",
                        help="print every published cell (failure-mode and RoPINN Table 1) "
                             "beside the reproduced one, with ratio and verdict, instead of "
                             "the tables")
    parser.add_argument("--published-file", metavar="FILE", type=Path,
                        default=published.DEFAULT_FILE,
                        help="the published numbers (default: analysis/published_results.csv)")
    parser.add_argument("--task-order", metavar="LABEL,...", default="",
                        help="comma-separated task labels to put first (default: alphabetical)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = parse_args(argv)
    if not args.results_dir.is_dir():
        print(f"error: results directory not found: {args.results_dir}", file=sys.stderr)
        return 2
    records = load_results(args.results_dir)
    if args.published:
        records = [r for r in records if not args.suite or r.suite in args.suite]
        try:
            cells = published.load_published(args.published_file)
        except (OSError, ValueError) as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        text = published.render(*published.compare(cells, records))
        if args.output:
            args.output.write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
        return 0
    if not records:
        print(f"no pinnbench result files (*.h5 with a /run group) under {args.results_dir}; "
              "nothing to tabulate", file=sys.stderr)
        return 0
    if args.suite:
        records = [r for r in records if r.suite in args.suite]
        if not records:
            print(f"no runs of suite(s) {', '.join(args.suite)} under {args.results_dir}",
                  file=sys.stderr)
            return 0

    task_order = [label.strip() for label in args.task_order.split(",") if label.strip()]
    names = list(BUILDERS) if args.table == "all" else [args.table]
    tables = []
    for name in names:
        table = BUILDERS[name](records, task_order=task_order)
        if table.is_empty():
            if name == "propinn":
                if args.table == "propinn":
                    print(f"note: {table.title}: no ProPINN runs with objective vanilla",
                          file=sys.stderr)
                continue
            if name == "pinnacle":
                if args.table == "pinnacle":
                    print(f"note: {table.title}: no runs of a PINNacle task with objective "
                          f"{', '.join(ROPINN_OBJECTIVES)}", file=sys.stderr)
                continue
            wanted = ROPINN_OBJECTIVES if name == "ropinn" else FAILURE_OBJECTIVES
            print(f"note: {table.title}: no runs with objective {', '.join(wanted)}",
                  file=sys.stderr)
        else:
            tables.append(table)
    if not tables:
        print("nothing to tabulate", file=sys.stderr)
        return 0

    text = RENDERERS[args.format](tables)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
