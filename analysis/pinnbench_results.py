"""Find and load pinnbench result files (schema: ``docs/results.md``).

A results directory holds one HDF5 file per training run, normally laid out as
``<results>/<suite>/<run_id>.h5``.  This module turns such a directory into a
list of :class:`RunRecord` objects: plain Python values (strings, ints, floats)
for the run's attributes and metrics, with the larger arrays (``/run/history``
and ``/run/test``) loaded only when asked for.

Typical use::

    from pinnbench_results import load_results
    records = load_results("results/")
    for rec in records:
        print(rec.run_id, rec.status, rec.final_loss, rec.rMAE, rec.rMSE)
    history = records[0].load_history()      # {"iteration": array, "loss": array, ...}
    test = records[0].load_test()             # TestSet or None

Files that cannot be opened, or that lack the ``/run`` group or one of the
attributes needed to place a run in a table, are skipped with a warning on
stderr; loading never raises because of a single bad file.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import h5py
import numpy as np

__all__ = [
    "OK_STATUS",
    "REQUIRED_RUN_ATTRS",
    "ResultFileError",
    "RunRecord",
    "TestSet",
    "decode_attr",
    "find_result_files",
    "load_results",
    "load_run",
]

#: ``/run`` attribute ``status`` of a run that finished normally.
OK_STATUS = "ok"

#: ``/run`` attributes without which a run cannot be placed in a table.
REQUIRED_RUN_ATTRS = ("task", "model", "objective", "optimizer", "precision", "seed", "status")

#: Scalar metrics of ``/run`` (doubles; NaN when absent).
METRIC_ATTRS = ("final_loss", "train_loss", "test_loss", "rMAE", "rMSE")

#: PINNacle's other test metrics (``/run`` doubles, read from ``run_attrs``; NaN when
#: absent), besides ``L2RE_<k>``, the relative L2 error of output k.
PINNACLE_METRIC_ATTRS = ("MSE", "MAE", "MXE", "CRMSE")

Warn = Callable[[str], None]


class ResultFileError(Exception):
    """A file that is not a readable pinnbench result file."""


def _warn_stderr(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


def decode_attr(value: Any) -> Any:
    """Convert an HDF5 attribute value as returned by h5py into a plain Python value.

    Fixed-length strings arrive as ``bytes``/``numpy.bytes_`` and are decoded as
    UTF-8; numpy scalars become ``int``/``float``/``bool``; string arrays become
    lists of ``str``; numeric arrays stay numpy arrays.
    """
    if isinstance(value, bytes):  # includes numpy.bytes_
        return value.decode("utf-8", errors="replace")
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        if value.shape == ():
            return decode_attr(value[()])
        if value.dtype.kind in ("S", "O", "U"):
            return [decode_attr(v) for v in value.ravel()]
        return value
    return value


def _attrs_dict(obj: h5py.HLObject) -> dict[str, Any]:
    return {name: decode_attr(obj.attrs[name]) for name in obj.attrs}


def _as_float(value: Any) -> float:
    """A float, or NaN for a missing or non-numeric value."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def _as_int(value: Any) -> int | None:
    """An int, or None for a missing or non-numeric value."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@dataclass
class TestSet:
    """The contents of ``/run/test``.

    ``x`` is [N, d] (columns named by ``coordinates``), ``u_pred`` and ``u_ref``
    are [N, m], ``residual`` is [N, r] or None.  ``grid_shape`` is ``(nt, nx)``
    for grid test sets, with points in row-major order (index = it*nx + ix).
    """

    x: np.ndarray
    u_pred: np.ndarray
    u_ref: np.ndarray
    residual: np.ndarray | None
    coordinates: list[str]
    grid_shape: tuple[int, int] | None

    @property
    def is_grid(self) -> bool:
        """True when ``grid_shape`` is present and matches the number of points."""
        if self.grid_shape is None:
            return False
        nt, nx = self.grid_shape
        return nt * nx == self.x.shape[0] and nt > 0 and nx > 0

    def to_grid(self, values: np.ndarray) -> np.ndarray:
        """Reshape a per-point vector of length N into the [nt, nx] grid."""
        if not self.is_grid:
            raise ValueError("test set is not a grid (no or inconsistent grid_shape)")
        return np.asarray(values).reshape(self.grid_shape)


def _as_2d(array: np.ndarray) -> np.ndarray:
    """Treat a 1-D dataset of length N as [N, 1]."""
    return array.reshape(-1, 1) if array.ndim == 1 else array


@dataclass
class RunRecord:
    """One training run, read from one result file.

    Scalar fields mirror the ``/run`` attributes of docs/results.md (metric names
    keep the schema's spelling: ``rMAE``, ``rMSE``).  Missing metrics are NaN,
    missing counts are None.  ``run_attrs`` and ``file_attrs`` hold every
    attribute of ``/run`` and of the root group, decoded.
    """

    path: Path
    suite: str
    run_id: str
    task: str
    model: str
    objective: str
    optimizer: str
    task_label: str
    model_label: str
    objective_label: str
    optimizer_label: str
    precision: str
    seed: int
    status: str
    status_message: str
    iterations: int | None
    closure_evals: int | None
    wall_seconds: float
    seconds_per_iteration: float
    n_params: int | None
    points_domain: int | None
    points_boundary: int | None
    points_initial: int | None
    final_loss: float
    test_loss: float
    #: The task's own loss terms on the training points at the end (no objective
    #: extras, no perturbation): compared with test_loss for overfitting. Falls
    #: back to final_loss for files written before it existed.
    train_loss: float
    rMAE: float  # schema name
    rMSE: float  # schema name
    final_loss_terms: dict[str, float] = field(default_factory=dict)
    run_attrs: dict[str, Any] = field(default_factory=dict, repr=False)
    file_attrs: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def ok(self) -> bool:
        """True for a run with status ``ok``."""
        return self.status == OK_STATUS

    def metric(self, name: str) -> float:
        """A scalar metric by schema name (``final_loss``, ``train_loss``, ``test_loss``, ``rMAE``,
        ``rMSE``, and PINNacle's ``MSE``, ``MAE``, ``MXE``, ``CRMSE``, ``L2RE_<k>``)."""
        if name in METRIC_ATTRS:
            return getattr(self, name)
        if name in PINNACLE_METRIC_ATTRS or (name.startswith("L2RE_") and name[5:].isdigit()):
            return _as_float(self.run_attrs.get(name))
        known = ", ".join(METRIC_ATTRS + PINNACLE_METRIC_ATTRS + ("L2RE_<k>",))
        raise KeyError(f"unknown metric {name!r}; known: {known}")

    def load_history(self) -> dict[str, np.ndarray]:
        """Read every dataset of ``/run/history`` (empty dict when the group is absent)."""
        with h5py.File(self.path, "r") as f:
            group = f.get("run/history")
            if not isinstance(group, h5py.Group):
                return {}
            return {name: np.asarray(ds[()]) for name, ds in group.items()
                    if isinstance(ds, h5py.Dataset)}

    def load_test(self) -> TestSet | None:
        """Read ``/run/test``; None when the group or one of x, u_pred, u_ref is absent."""
        with h5py.File(self.path, "r") as f:
            group = f.get("run/test")
            if not isinstance(group, h5py.Group):
                return None
            if not all(name in group for name in ("x", "u_pred", "u_ref")):
                return None
            attrs = _attrs_dict(group)
            x = _as_2d(np.asarray(group["x"][()]))
            coordinates = attrs.get("coordinates")
            if isinstance(coordinates, str) and coordinates:
                coord_names = [c.strip() for c in coordinates.split(",")]
            else:
                coord_names = [f"x{i}" for i in range(x.shape[1])]
            grid = attrs.get("grid_shape")
            grid_shape = None
            if grid is not None and np.size(grid) == 2:
                nt, nx = (int(v) for v in np.ravel(grid))
                grid_shape = (nt, nx)
            return TestSet(
                x=x,
                u_pred=_as_2d(np.asarray(group["u_pred"][()])),
                u_ref=_as_2d(np.asarray(group["u_ref"][()])),
                residual=_as_2d(np.asarray(group["residual"][()])) if "residual" in group else None,
                coordinates=coord_names,
                grid_shape=grid_shape,
            )


def find_result_files(root: str | Path) -> list[Path]:
    """Every ``*.h5`` file under ``root`` (recursively), sorted by path.

    Files whose name starts with ``.`` are skipped: pinnbench writes a result to
    ``.<run_id>.h5.tmp-<pid>`` first and renames it only once it is complete.
    """
    root = Path(root)
    return sorted(p for p in root.rglob("*.h5") if p.is_file() and not p.name.startswith("."))


def load_run(path: str | Path) -> RunRecord:
    """Read one result file's attributes into a :class:`RunRecord`.

    Raises :class:`ResultFileError` when the file cannot be opened as HDF5,
    lacks ``/run``, or lacks one of :data:`REQUIRED_RUN_ATTRS`.
    """
    path = Path(path)
    try:
        with h5py.File(path, "r") as f:
            run = f.get("run")
            if not isinstance(run, h5py.Group):
                raise ResultFileError("no /run group")
            file_attrs = _attrs_dict(f)
            run_attrs = _attrs_dict(run)
    except ResultFileError:
        raise
    except Exception as exc:  # h5py raises OSError, KeyError, ... for broken files
        raise ResultFileError(f"cannot read as HDF5 ({exc})") from exc

    missing = [name for name in REQUIRED_RUN_ATTRS if name not in run_attrs]
    if missing:
        raise ResultFileError(f"/run lacks attribute(s) {', '.join(missing)}")
    seed = _as_int(run_attrs["seed"])
    if seed is None:
        raise ResultFileError(f"/run attribute seed is not an integer: {run_attrs['seed']!r}")

    def text(name: str, default: str = "") -> str:
        value = run_attrs.get(name, default)
        return value if isinstance(value, str) else str(value)

    prefix = "final_loss_"
    terms = {name[len(prefix):]: _as_float(value) for name, value in run_attrs.items()
             if name.startswith(prefix)}
    suite = file_attrs.get("suite")
    run_id = file_attrs.get("run_id")
    return RunRecord(
        path=path,
        suite=suite if isinstance(suite, str) and suite else path.parent.name,
        run_id=run_id if isinstance(run_id, str) and run_id else path.stem,
        task=text("task"),
        model=text("model"),
        objective=text("objective"),
        optimizer=text("optimizer"),
        task_label=text("task_label") or text("task"),
        model_label=text("model_label") or text("model"),
        objective_label=text("objective_label") or text("objective"),
        optimizer_label=text("optimizer_label") or text("optimizer"),
        precision=text("precision"),
        seed=seed,
        status=text("status"),
        status_message=text("status_message"),
        iterations=_as_int(run_attrs.get("iterations")),
        closure_evals=_as_int(run_attrs.get("closure_evals")),
        wall_seconds=_as_float(run_attrs.get("wall_seconds")),
        seconds_per_iteration=_as_float(run_attrs.get("seconds_per_iteration")),
        n_params=_as_int(run_attrs.get("n_params")),
        points_domain=_as_int(run_attrs.get("points_domain")),
        points_boundary=_as_int(run_attrs.get("points_boundary")),
        points_initial=_as_int(run_attrs.get("points_initial")),
        final_loss=_as_float(run_attrs.get("final_loss")),
        test_loss=_as_float(run_attrs.get("test_loss")),
        train_loss=_as_float(run_attrs.get("train_loss", run_attrs.get("final_loss"))),
        rMAE=_as_float(run_attrs.get("rMAE")),
        rMSE=_as_float(run_attrs.get("rMSE")),
        final_loss_terms=terms,
        run_attrs=run_attrs,
        file_attrs=file_attrs,
    )


def load_results(root: str | Path, warn: Warn | None = None) -> list[RunRecord]:
    """Load every result file under ``root``, sorted by path.

    Unreadable or malformed files are reported through ``warn`` (default: a
    ``warning: ...`` line on stderr) and skipped.  Raises ``NotADirectoryError``
    when ``root`` is not a directory.
    """
    warn = warn or _warn_stderr
    root = Path(root)
    if not root.is_dir():
        raise NotADirectoryError(f"results directory not found: {root}")
    records = []
    for path in find_result_files(root):
        try:
            records.append(load_run(path))
        except ResultFileError as exc:
            warn(f"skipping {path}: {exc}")
    return records
