"""analysis/history.py: history tables per run and mean +- std over seeds, checked
against values computed by hand from the synthetic histories written here."""
from __future__ import annotations

import sys
from pathlib import Path

import h5py
import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import history  # noqa: E402
from conftest import run_id_of, write_result  # noqa: E402

TRAIN = {0: np.array([1.0, 0.5, 0.25, 0.125]), 1: np.array([2.0, 0.5, 0.5, 0.25])}
TEST = {0: np.array([1.0, 1.0, 1.0, 1.0]), 1: np.array([2.0, 1.5, 2.0, 2.5])}


def _write(directory: Path, seed: int) -> None:
    path = directory / f"{run_id_of('convection', 'pinn', 'vanilla', 'fp64', seed)}.h5"
    write_result(path, suite="exp", task="convection", model="pinn", objective="vanilla",
                 precision="fp64", seed=seed, points_domain=400, status="ok", final_loss=1.0,
                 test_loss=1.0, rmae=0.5, rmse=0.5)
    with h5py.File(path, "r+") as f:  # histories at iterations 0, 10, 20, 30
        h = f["run/history"]
        h["train_loss"] = TRAIN[seed]
        del h["test_loss"]
        h["test_loss"] = TEST[seed]


@pytest.fixture()
def two_seeds(tmp_path: Path) -> Path:
    for seed in (0, 1):
        _write(tmp_path, seed)
    return tmp_path


def test_by_label_gives_mean_and_sample_std_over_seeds(two_seeds, capsys):
    assert history.main([str(two_seeds), "--at", "20", "--by-label"]) == 0
    out = capsys.readouterr().out
    # iteration 20: train 0.25 and 0.5 -> mean 0.375, sample std 0.177;
    # test 1 and 2 -> 1.5 +- 0.707; ratio 4 and 4 -> 4 +- 0
    row = next(line for line in out.splitlines() if line.startswith("| 20 |"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[:5] == ["20", "2", "0.375 +- 0.177", "1.5 +- 0.707", "4 +- 0"]


def test_per_run_rows_are_the_last_record_at_or_before_each_iteration(two_seeds, capsys):
    assert history.main([str(two_seeds), "--at", "15,100", "--run", "*-s1"]) == 0
    out = capsys.readouterr().out
    rows = [line for line in out.splitlines() if line.startswith("| ") and line[2].isdigit()]
    # 15 -> the record at 10 (train 0.5, test 1.5, ratio 3); 100 is past the end: the last
    # record (30: train 0.25, test 2.5, ratio 10) is shown once.
    assert [r.split("|")[1:5] for r in rows] == [[" 10 ", " 0.5 ", " 1.5 ", " 3 "],
                                                 [" 30 ", " 0.25 ", " 2.5 ", " 10 "]]


def test_unfinished_runs_are_read_from_checkpoints(tmp_path, capsys):
    path = tmp_path / ".convection-pinn-l2-lbfgs-fp64-s3.checkpoint.h5"
    names = ["model.parameters", "history.iteration", "history.train_loss", "history.test_loss"]
    values = [np.zeros(4), np.array([0.0, 50.0]), np.array([0.5, 0.1]), np.array([0.5, 0.4])]
    with h5py.File(path, "w") as f:
        trainer = f.create_group("trainer")
        trainer.attrs["array_names"] = "\n".join(names)
        arrays = trainer.create_group("arrays")
        for k, v in enumerate(values):
            arrays[str(k)] = v
    assert history.main([str(tmp_path)]) == 1  # results only: nothing there
    capsys.readouterr()
    assert history.main([str(tmp_path), "--checkpoints", "--at", "50"]) == 0
    out = capsys.readouterr().out
    assert "convection-pinn-l2-lbfgs-fp64-s3 (checkpoint, 50 iterations)" in out
    assert "| 50 | 0.1 | 0.4 | 4 |" in out


def test_bad_iteration_list_is_refused(two_seeds):
    with pytest.raises(SystemExit, match="comma-separated integers"):
        history.main([str(two_seeds), "--at", "10,x"])
