#!/usr/bin/python3
"""Plot the training curves and test-set solution of each pinnbench run.

For every result file under RESULTS_DIR (optionally only run ids matching
``--run``) three PNGs are written, each only when its data are present:

``<run_id>_loss.png``
    training loss and test loss (``/run/history`` ``loss``, ``test_loss``) over
    iterations, log y; the test curve is left out when it is absent or all NaN.
``<run_id>_errors.png``
    rMAE and rMSE over iterations (``/run/history``).
``<run_id>_solution.png``
    prediction, reference and absolute error on the test set (``/run/test``):
    colour maps for grid test sets (``grid_shape`` = [nt, nx], points row-major,
    index = it*nx + ix), scatter plots otherwise; one row per output component.

The PNGs go to ``--out`` (default ``plots``) in the same sub-directory layout as
the result files under RESULTS_DIR (``<out>/<suite>/<run_id>_loss.png`` for
``results/``).  Figures are drawn with matplotlib's Agg canvas; pyplot is not
used, so nothing global is changed.
"""

from __future__ import annotations

import argparse
import fnmatch
import sys
from pathlib import Path
from typing import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from pinnbench_results import RunRecord, TestSet, load_results


def new_figure(width: float, height: float) -> Figure:
    """A figure attached to an Agg canvas (no pyplot, no GUI)."""
    figure = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _title(record: RunRecord) -> str:
    suffix = "" if record.ok else f"  [{record.status}]"
    return f"{record.run_id}{suffix}"


def _finite_positive(values: np.ndarray) -> np.ndarray:
    """Float copy with non-finite and non-positive entries replaced by NaN (for log axes)."""
    array = np.asarray(values, dtype=float).copy()
    array[~np.isfinite(array) | (array <= 0.0)] = np.nan
    return array


def _has_data(values: np.ndarray | None) -> bool:
    return values is not None and values.size > 0 and bool(np.isfinite(values).any())


def _plot_series(axes: Axes, iterations: np.ndarray, series: dict[str, np.ndarray],
                 ylabel: str) -> None:
    """Plot the series that have finite values; log y when all of them are positive."""
    finite = np.concatenate([values[np.isfinite(values)] for values in series.values()])
    log_y = finite.size > 0 and bool((finite > 0.0).all())
    for label, values in series.items():
        values = np.asarray(values, dtype=float)
        axes.plot(iterations, _finite_positive(values) if log_y else values, label=label)
    if log_y:
        axes.set_yscale("log")
    axes.set_xlabel("iteration")
    axes.set_ylabel(ylabel)
    axes.grid(True, which="both", alpha=0.3)
    axes.legend()


def plot_loss(record: RunRecord, history: dict[str, np.ndarray]) -> Figure | None:
    """Train vs test loss over iterations (log y), or None without a loss history.

    The test curve is drawn only when ``test_loss`` has a finite positive value
    (it is all NaN when the run had ``evaluation.test_loss`` off).
    """
    # train_loss holds the same terms as test_loss; older files only have loss.
    iterations = history.get("iteration")
    loss = history.get("train_loss", history.get("loss"))
    if iterations is None or loss is None:
        return None
    series = {"train loss": _finite_positive(loss)}
    if not _has_data(series["train loss"]):
        return None  # nothing to draw on a log axis
    if history.get("test_loss") is not None:
        test = _finite_positive(history["test_loss"])
        if _has_data(test):
            series["test loss"] = test
    figure = new_figure(6.0, 4.0)
    axes = figure.add_subplot()
    _plot_series(axes, iterations, series, "loss")
    axes.set_title(_title(record), fontsize="medium")
    return figure


def plot_errors(record: RunRecord, history: dict[str, np.ndarray]) -> Figure | None:
    """rMAE and rMSE over iterations, or None when the history has neither."""
    iterations = history.get("iteration")
    series = {name: np.asarray(history[name], dtype=float) for name in ("rMAE", "rMSE")
              if _has_data(history.get(name))}
    if iterations is None or not series:
        return None
    figure = new_figure(6.0, 4.0)
    axes = figure.add_subplot()
    _plot_series(axes, iterations, series, "relative error")
    axes.set_title(_title(record), fontsize="medium")
    return figure


def _panel(figure: Figure, axes: Axes, test: TestSet, values: np.ndarray, title: str,
           vmin: float | None = None, vmax: float | None = None, cmap: str = "viridis") -> None:
    """One colour panel of per-point values: a map on a grid, a scatter otherwise."""
    names = test.coordinates
    if test.x.shape[1] == 1:
        order = np.argsort(test.x[:, 0])
        axes.plot(test.x[order, 0], values[order])
        axes.set_xlabel(names[0])
        axes.set_title(title)
        return
    if test.is_grid:
        mappable = axes.pcolormesh(test.to_grid(test.x[:, 0]), test.to_grid(test.x[:, 1]),
                                   test.to_grid(values), shading="auto", cmap=cmap,
                                   vmin=vmin, vmax=vmax)
    else:
        mappable = axes.scatter(test.x[:, 0], test.x[:, 1], c=values, s=6, cmap=cmap,
                                vmin=vmin, vmax=vmax)
    axes.set_xlabel(names[0])
    axes.set_ylabel(names[1] if len(names) > 1 else "x1")
    axes.set_title(title)
    figure.colorbar(mappable, ax=axes)


def plot_solution(record: RunRecord, test: TestSet | None) -> Figure | None:
    """Prediction / reference / |error| panels per output component, or None without a test set."""
    if test is None or test.x.shape[0] == 0:
        return None
    n_outputs = test.u_pred.shape[1]
    figure = new_figure(13.0, 3.6 * n_outputs)
    grid = figure.subplots(n_outputs, 3, squeeze=False)
    for k in range(n_outputs):
        pred, ref = test.u_pred[:, k].astype(float), test.u_ref[:, k].astype(float)
        both = np.concatenate([pred[np.isfinite(pred)], ref[np.isfinite(ref)]])
        vmin, vmax = (float(both.min()), float(both.max())) if both.size else (None, None)
        component = f" u{k}" if n_outputs > 1 else ""
        _panel(figure, grid[k, 0], test, pred, f"prediction{component}", vmin, vmax)
        _panel(figure, grid[k, 1], test, ref, f"reference{component}", vmin, vmax)
        _panel(figure, grid[k, 2], test, np.abs(pred - ref), f"absolute error{component}",
               cmap="magma")
    kind = "grid" if test.is_grid else "scattered points"
    figure.suptitle(f"{_title(record)}  (test set: {kind})", fontsize="medium")
    return figure


def plot_run(record: RunRecord, out_dir: Path, dpi: int = 120) -> list[Path]:
    """Write the run's PNGs into ``out_dir``; returns the paths written."""
    history = record.load_history()
    test = record.load_test()
    if test is not None and test.grid_shape is not None and not test.is_grid:
        print(f"warning: {record.path}: grid_shape {test.grid_shape} does not match "
              f"{test.x.shape[0]} test points; drawing a scatter plot", file=sys.stderr)
    figures = {"loss": plot_loss(record, history), "errors": plot_errors(record, history),
               "solution": plot_solution(record, test)}
    written = []
    for kind, figure in figures.items():
        if figure is None:
            continue
        out_dir.mkdir(parents=True, exist_ok=True)
        path = out_dir / f"{record.run_id}_{kind}.png"
        figure.savefig(path, dpi=dpi)
        written.append(path)
    return written


def output_dir_for(record: RunRecord, results_dir: Path, out: Path) -> Path:
    """``out`` plus the result file's directory relative to ``results_dir``."""
    try:
        relative = record.path.parent.relative_to(results_dir)
    except ValueError:
        relative = Path()
    return out / relative


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(
        description="Write loss, error and solution PNGs for each run of a pinnbench "
                    "results directory.",
        epilog="Exit status: 0 on success (also when nothing matches), 1 when some run could "
               "not be plotted, 2 for a missing directory or bad options.")
    parser.add_argument("results_dir", metavar="RESULTS_DIR", type=Path,
                        help="directory searched recursively for *.h5 result files")
    parser.add_argument("--out", metavar="DIR", type=Path, default=Path("plots"),
                        help="output directory (default: plots)")
    parser.add_argument("--run", metavar="RUN_ID_GLOB", default="*",
                        help="only runs whose run id matches this shell pattern (default: all)")
    parser.add_argument("--dpi", type=int, default=120, help="PNG resolution (default: 120)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = parse_args(argv)
    if not args.results_dir.is_dir():
        print(f"error: results directory not found: {args.results_dir}", file=sys.stderr)
        return 2
    records = [r for r in load_results(args.results_dir) if fnmatch.fnmatchcase(r.run_id, args.run)]
    if not records:
        print(f"no result files with a run id matching {args.run!r} under {args.results_dir}",
              file=sys.stderr)
        return 0
    failures = 0
    for record in records:
        try:
            written = plot_run(record, output_dir_for(record, args.results_dir, args.out), args.dpi)
        except Exception as exc:  # one bad file must not stop the others
            failures += 1
            print(f"warning: cannot plot {record.path}: {exc}", file=sys.stderr)
            continue
        for path in written:
            print(path)
        if not written:
            print(f"note: {record.path}: no history or test data to plot", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
