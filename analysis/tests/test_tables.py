"""Tests of analysis/tables.py against values computed by hand from the fixture (conftest.RUNS)."""

from __future__ import annotations

import csv
import dataclasses
import io
import math
import re
import subprocess
import sys
from pathlib import Path

import pytest

import tables
from pinnbench_results import load_results

ROPINN_HEADER = ["Objective", "Convection Loss", "Convection rMAE", "Convection rMSE",
                 "1D-Reaction Loss", "1D-Reaction rMAE", "1D-Reaction rMSE", "Status"]

# RoPINN table of ropinn/ (by hand from RUNS):
#  PINN convection vanilla: loss 1,2,3 e-2 -> mean 2.0e-02, pop. std sqrt(2/3)e-2 = 8.2e-03;
#    rMAE .80,.84,.88 -> 0.840 +- 0.033; rMSE .79,.80,.81 -> 0.800 +- 0.008.
#  PINN convection ropinn: s2 diverged (excluded); loss .5,1.5 e-2 -> 1.0e-02 +- 5.0e-03;
#    rMAE .62,.64 -> 0.630 +- 0.010; rMSE .1,.3 -> 0.200 +- 0.100.
#  Promotion: (2e-2 - 1e-2)/2e-2 = 50%, (.84-.63)/.84 = 25%, (.8-.2)/.8 = 75%;
#    reaction (0.2-0.002)/0.2 = 99%, (.982-.056)/.982 = 94.30%, (.981-.095)/.981 = 90.32%.
#  QRes: (4.2-1.2)/4.2 = 71.43%, (.925-.819)/.925 = 11.46%, (.959-.870)/.959 = 9.28%.
ROPINN_PINN_ROWS = [
    ["Vanilla", "2.0e-02 ± 8.2e-03 (n=3)", "0.840 ± 0.033 (n=3)", "0.800 ± 0.008 (n=3)",
     "2.0e-01", "0.982", "0.981", "ok"],
    ["gPINN", "3.1e-02", "0.890", "0.935", "—", "—", "—", "ok"],
    ["vPINN", "—", "—", "—", "—", "—", "—", "—"],
    ["RoPINN", "1.0e-02 ± 5.0e-03 (n=2)", "0.630 ± 0.010 (n=2)", "0.200 ± 0.100 (n=2)",
     "2.0e-03", "0.056", "0.095", "Convection: diverged (1/3)"],
    ["Promotion", "50.0%", "25.0%", "75.0%", "99.0%", "94.3%", "90.3%", ""],
]
ROPINN_QRES_ROWS = [
    ["Vanilla", "4.2e-02", "0.925", "0.959", "—", "—", "—", "ok"],
    ["gPINN", "—", "—", "—", "—", "—", "—", "—"],
    ["vPINN", "—", "—", "—", "—", "—", "—", "—"],
    ["RoPINN", "1.2e-02", "0.819", "0.870", "—", "—", "—", "ok"],
    ["Promotion", "71.4%", "11.5%", "9.3%", "—", "—", "—", ""],
]

FAILURE_HEADER = ["Equation", "Method", "Precision", "N", "Train loss", "Test loss", "rMAE",
                  "rRMSE", "Status"]
# Failure-mode table of fm/ (by hand from RUNS): tasks alphabetical (allen_cahn, wave),
# methods Vanilla, L1, L2, Double PINN, then fp32 before fp64, then N ascending.
FAILURE_ROWS = [
    ["Allen-Cahn", "Vanilla", "fp64", "10201", "—", "—", "—", "—", "failed (1/1)"],
    ["Allen-Cahn", "Double PINN", "fp64", "441", "5.0e-03", "6.0e-03", "0.123", "0.456", "ok"],
    ["1D-Wave", "Vanilla", "fp32", "441", "2.0e-04 ± 1.0e-04 (n=2)", "2.0e-01 ± 1.0e-01 (n=2)",
     "0.600 ± 0.100 (n=2)", "0.600 ± 0.050 (n=2)", "ok"],
    ["1D-Wave", "Vanilla", "fp32", "10201", "2.0e-04", "2.1e-04", "0.010", "0.012", "ok"],
    ["1D-Wave", "Vanilla", "fp64", "441", "1.0e-05", "2.0e-03", "0.200", "0.250", "ok"],
    ["1D-Wave", "L1", "fp32", "441", "1.0e-04", "—", "0.400", "0.450", "ok"],
    ["1D-Wave", "L2", "fp32", "441", "3.0e-04", "4.0e-03", "0.300", "0.350", "ok"],
    ["1D-Wave", "Double PINN", "fp32", "441", "2.0e-04 ± 0.0e+00 (n=2)",
     "4.0e-04 ± 1.0e-04 (n=2)", "0.060 ± 0.010 (n=2)", "0.060 ± 0.000 (n=2)", "diverged (1/3)"],
]


def _records(path: Path):
    return load_results(path, warn=lambda _: None)


def _cells(table: tables.Table) -> dict[str, list[list[str]]]:
    return {section.title: [row.cells for row in section.rows] for section in table.sections}


def _run_cli(args: list[str], capsys: pytest.CaptureFixture) -> tuple[int, str, str]:
    code = tables.main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# ------------------------------------------------------------ statistics


def test_summary_uses_population_std() -> None:
    summary = tables.summarize([1.0, 2.0, 3.0, math.nan])
    assert summary.n == 3 and summary.mean == 2.0
    assert summary.std == pytest.approx(math.sqrt(2.0 / 3.0))
    assert tables.summarize([math.nan]) is None


def test_number_formats() -> None:
    assert tables.format_summary(tables.Summary(0.016375, 0.0, 1), "loss") == "1.6e-02"
    assert tables.format_summary(tables.Summary(0.840410, 0.0, 1), "relative") == "0.840"
    assert tables.format_summary(tables.Summary(0.981, 5e-4, 3), "relative") == \
        "0.981 ± 0.001 (n=3)"
    assert tables.format_summary(tables.Summary(0.981, 4e-4, 3), "relative") == \
        "0.981 ± 4.0e-04 (n=3)"
    assert tables.format_summary(None, "loss") == "—"
    assert tables.format_percent(tables.promotion(tables.Summary(0.8, 0, 1),
                                                  tables.Summary(0.2, 0, 1))) == "75.0%"
    assert tables.promotion(tables.Summary(0.0, 0, 1), tables.Summary(0.2, 0, 1)) is None


def test_display_names() -> None:
    assert tables.display_name(tables.TASK_DISPLAY, "convection", "convection_beta5") == \
        "Convection (beta5)"
    assert tables.display_name(tables.OBJECTIVE_DISPLAY, "double_pinn", "double_pinn") == \
        "Double PINN"
    assert tables.display_name(tables.MODEL_DISPLAY, "pinn", "wide") == "wide"


# --------------------------------------------------------- RoPINN table


def test_ropinn_table_values(results_dir: Path) -> None:
    table = tables.build_ropinn_table(_records(results_dir / "ropinn"))
    assert [c.flat_name for c in table.columns] == ROPINN_HEADER
    assert _cells(table) == {"PINN": ROPINN_PINN_ROWS, "QRes": ROPINN_QRES_ROWS}


def test_ropinn_task_order_option(results_dir: Path) -> None:
    table = tables.build_ropinn_table(_records(results_dir / "ropinn"), task_order=["reaction"])
    assert [c.flat_name for c in table.columns][1:4] == [
        "1D-Reaction Loss", "1D-Reaction rMAE", "1D-Reaction rMSE"]
    assert table.sections[0].rows[-1].cells == [
        "Promotion", "99.0%", "94.3%", "90.3%", "50.0%", "25.0%", "75.0%", ""]


def test_ropinn_blocks_split_by_precision_and_n(results_dir: Path) -> None:
    """Over the whole tree, vanilla wave runs differ in precision and N: separate blocks."""
    table = tables.build_ropinn_table(_records(results_dir))
    assert [s.title for s in table.sections] == [
        "PINN — fp32, N=441", "PINN — fp32, N=10201", "PINN — fp64, N=441",
        "PINN — fp64, N=10201", "QRes — fp64, N=10201"]
    pinn64 = _cells(table)["PINN — fp64, N=10201"]
    assert pinn64[0][0] == "Vanilla" and pinn64[0][-1] == "Allen-Cahn: failed (1/1)"
    assert pinn64[-1][4:7] == ["50.0%", "25.0%", "75.0%"]  # convection promotion unchanged


def test_ropinn_table_has_the_papers_five_model_layout(tmp_path: Path) -> None:
    """RoPINN Table 1: blocks PINN, QRes, FLS, PINNsFormer, KAN (not alphabetical), each
    with the Vanilla, gPINN, vPINN, RoPINN rows and a Promotion row."""
    from conftest import write_result
    suite_dir = tmp_path / "ropinn-1d"
    suite_dir.mkdir()
    models = ["kan", "fls", "qres", "pinnsformer", "pinn"]  # written out of order
    for i, model in enumerate(models):
        for objective, rmse in (("vanilla", 0.8), ("gpinn", 0.7), ("vpinn", 0.6),
                                ("ropinn", 0.4)):
            write_result(suite_dir / f"{model}-{objective}.h5", suite="ropinn-1d", task="wave",
                         model=model, objective=objective, precision="fp32", seed=0,
                         points_domain=10201, status="ok", final_loss=1e-2 * (i + 1),
                         test_loss=2e-2, rmae=rmse, rmse=rmse)
    table = tables.build_ropinn_table(_records(tmp_path))
    assert [s.title for s in table.sections] == ["PINN", "QRes", "FLS", "PINNsFormer", "KAN"]
    for section in table.sections:
        assert [row.cells[0] for row in section.rows] == [
            "Vanilla", "gPINN", "vPINN", "RoPINN", "Promotion"]
        assert section.rows[3].cells[1:4] == [section.rows[3].cells[1], "0.400", "0.400"]
        assert section.rows[4].cells[2:4] == ["50.0%", "50.0%"]  # (0.8 - 0.4) / 0.8
    kan = _cells(table)["KAN"]
    assert kan[0][1] == "1.0e-02"  # KAN was written first: loss 1e-2


# --------------------------------------------------- failure-mode table


def test_failure_table_rows_and_columns(results_dir: Path) -> None:
    table = tables.build_failure_table(_records(results_dir / "fm"))
    assert [c.flat_name for c in table.columns] == FAILURE_HEADER
    assert len(table.sections) == 1
    assert [row.cells for row in table.sections[0].rows] == FAILURE_ROWS


def test_failure_table_adds_model_column_when_models_share_a_row(results_dir: Path) -> None:
    table = tables.build_failure_table(_records(results_dir))
    header = [c.flat_name for c in table.columns]
    assert header[:5] == ["Equation", "Model", "Method", "Precision", "N"]
    rows = [row.cells for row in table.sections[0].rows]
    convection = [r for r in rows if r[0] == "Convection"]
    assert convection == [
        ["Convection", "PINN", "Vanilla", "fp64", "10201", "2.0e-02 ± 8.2e-03 (n=3)",
         "3.0e-02 ± 8.2e-03 (n=3)", "0.840 ± 0.033 (n=3)", "0.800 ± 0.008 (n=3)", "ok"],
        ["Convection", "QRes", "Vanilla", "fp64", "10201", "4.2e-02", "5.0e-02", "0.925",
         "0.959", "ok"]]


def test_no_status_column_when_every_run_is_ok(results_dir: Path) -> None:
    records = [r for r in _records(results_dir / "fm") if r.ok]
    table = tables.build_failure_table(records)
    assert "Status" not in [c.name for c in table.columns]


def test_ropinn_variant_labels_get_rows_and_promotions(results_dir: Path) -> None:
    """A second RoPINN configuration (label ropinn_<params>) gets its own row and Promotion."""
    records = _records(results_dir / "ropinn")
    variant = [dataclasses.replace(r, objective_label="ropinn_past_iterations5", rMAE=r.rMAE / 2)
               for r in records if r.objective == "ropinn" and r.model == "pinn"]
    rows = _cells(tables.build_ropinn_table(records + variant))["PINN"]
    assert [row[0] for row in rows] == [
        "Vanilla", "gPINN", "vPINN", "RoPINN", "RoPINN (past_iterations5)",
        "Promotion: RoPINN", "Promotion: RoPINN (past_iterations5)"]
    # rMAE halved: 0.315 and 0.028; promotions (.84-.315)/.84 = 62.5%, (.982-.028)/.982 = 97.1%
    assert rows[4][2] == "0.315 ± 0.005 (n=2)" and rows[4][5] == "0.028"
    assert rows[6][1:7] == ["50.0%", "62.5%", "75.0%", "99.0%", "97.1%", "90.3%"]


def test_repeated_seed_in_a_cell_is_reported(results_dir: Path) -> None:
    records = _records(results_dir / "ropinn")
    twice = records + [r for r in records if r.run_id == "convection-qres-vanilla-lbfgs-fp64-s0"]
    warnings: list[str] = []
    tables.build_ropinn_table(twice, warn=warnings.append)
    assert len(warnings) == 1 and "seed(s) [0]" in warnings[0]


# -------------------------------------------------------------- formats


def test_markdown_has_consistent_columns(results_dir: Path, capsys) -> None:
    code, out, _ = _run_cli([results_dir, "--format", "md"], capsys)
    assert code == 0
    assert out.count("## RoPINN table") == 1 and out.count("## Failure-mode table") == 1
    blocks, current = [], []
    for line in out.splitlines() + [""]:
        if line.startswith("|"):
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    assert len(blocks) == 6  # five RoPINN blocks over the whole tree + the failure-mode table
    for block in blocks:
        counts = {len(re.split(r"(?<!\\)\|", line)) for line in block}
        assert len(counts) == 1, block
        assert re.fullmatch(r"\|(:?---:?\|)+", block[1])


def test_markdown_ropinn_rows(results_dir: Path, capsys) -> None:
    code, out, _ = _run_cli([results_dir / "ropinn", "--table", "ropinn"], capsys)
    assert code == 0
    assert "### PINN" in out and "### QRes" in out and "Failure-mode" not in out
    assert "| Promotion | 50.0% | 25.0% | 75.0% | 99.0% | 94.3% | 90.3% |  |" in out


def test_csv_parses_to_the_table(results_dir: Path, capsys) -> None:
    code, out, _ = _run_cli([results_dir / "ropinn", "--table", "ropinn", "--format", "csv"],
                            capsys)
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["Model"] + ROPINN_HEADER
    assert rows[1:] == [["PINN"] + r for r in ROPINN_PINN_ROWS] + \
        [["QRes"] + r for r in ROPINN_QRES_ROWS]


def test_csv_with_both_tables(results_dir: Path, capsys) -> None:
    code, out, _ = _run_cli([results_dir / "fm", "--format", "csv"], capsys)
    assert code == 0
    parts = out.split("\n\n")
    assert len(parts) == 2
    ropinn_rows = list(csv.reader(io.StringIO(parts[0])))
    failure_rows = list(csv.reader(io.StringIO(parts[1])))
    assert ropinn_rows[0] == ["RoPINN table"]
    assert failure_rows[0] == ["Failure-mode table"]
    assert failure_rows[1] == FAILURE_HEADER
    assert failure_rows[2:] == FAILURE_ROWS


def test_latex_is_booktabs_with_consistent_columns(results_dir: Path, capsys) -> None:
    code, out, _ = _run_cli([results_dir, "--format", "latex"], capsys)
    assert code == 0
    assert out.count(r"\begin{tabular}") == 2 and out.count(r"\end{tabular}") == 2
    for rule in (r"\toprule", r"\midrule", r"\bottomrule", r"\cmidrule(lr){2-4}"):
        assert rule in out
    for tabular in re.findall(r"\\begin\{tabular\}\{(\w+)\}(.*?)\\end\{tabular\}", out, re.S):
        ncols = len(tabular[0])
        for line in tabular[1].splitlines():
            if not line.endswith(r"\\"):
                continue
            spans = re.findall(r"\\multicolumn\{(\d+)\}", line)
            cells = len(re.findall(r"(?<!\\)&", line)) + 1
            assert cells - len(spans) + sum(int(s) for s in spans) == ncols, line
    assert r"0.840 $\pm$ 0.033 (n=3)" in out
    assert r"50.0\%" in out and "Double PINN" in out and "failure_few" not in out
    assert "—" not in out and "±" not in out.split(r"\begin{tabular}")[1]


def test_output_file(results_dir: Path, tmp_path: Path, capsys) -> None:
    target = tmp_path / "table.md"
    code, out, err = _run_cli([results_dir / "fm", "--table", "failure-modes", "--output",
                               target], capsys)
    assert code == 0 and out == "" and "wrote" in err
    assert "| 1D-Wave | L1 | fp32 | 441 | 1.0e-04 | — | 0.400 | 0.450 | ok |" in \
        target.read_text(encoding="utf-8")


# ------------------------------------------------------------ exit codes


def test_empty_directory_exits_zero_with_message(tmp_path: Path, capsys) -> None:
    code, out, err = _run_cli([tmp_path], capsys)
    assert code == 0 and out == ""
    assert "no pinnbench result files" in err


def test_missing_directory_exits_two(tmp_path: Path, capsys) -> None:
    code, out, err = _run_cli([tmp_path / "missing"], capsys)
    assert code == 2 and out == ""
    assert "not found" in err


def test_suite_filter(results_dir: Path, capsys) -> None:
    code, out, _ = _run_cli([results_dir, "--suite", "failure_many", "--table", "failure-modes"],
                            capsys)
    assert code == 0
    assert "| 1D-Wave | Vanilla | fp32 | 10201 | 2.0e-04 | 2.1e-04 | 0.010 | 0.012 |" in out
    assert "441" not in out


def test_script_help_and_exit_code() -> None:
    script = Path(tables.__file__)
    result = subprocess.run([sys.executable, str(script), "--help"], capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0 and "--format" in result.stdout and "--table" in result.stdout
    result = subprocess.run([sys.executable, str(script), "/nonexistent/results"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 2 and "not found" in result.stderr


def test_failure_table_prefers_train_loss_over_final_loss(tmp_path: Path) -> None:
    """Train loss is the task terms on the training points (`train_loss`), not the
    objective's last closure (`final_loss`, which includes e.g. the double-backprop
    term), so train and test loss compare like with like."""
    import h5py
    from conftest import write_result

    path = tmp_path / "fm" / "run.h5"
    path.parent.mkdir()
    write_result(path, suite="fm", task="convection", model="pinn", objective="double_pinn",
                 precision="fp64", seed=0, points_domain=400, status="ok", final_loss=5e-2,
                 test_loss=4e-2, rmae=0.1, rmse=0.2)
    with h5py.File(path, "r+") as f:
        f["run"].attrs["train_loss"] = 3e-2
    record = load_results(tmp_path)[0]
    assert record.train_loss == 3e-2
    assert record.final_loss == 5e-2
    table = tables.build_failure_table([record])
    assert "3.0e-02" in table.sections[0].rows[0].cells
