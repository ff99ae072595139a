"""The pinnbench executable as a user drives it.

Run by CTest with PINNBENCH_EXE (the built executable) and PINNBENCH_SOURCE_DIR
set; `/usr/bin/python3 -m pytest tests/app` works the same with those variables.
"""
import glob
import os
import re
import shutil
import signal
import subprocess
import time

import h5py
import numpy as np
import pytest

EXE = os.environ.get("PINNBENCH_EXE", "build/src/pinnbench")
SOURCE = os.environ.get("PINNBENCH_SOURCE_DIR", ".")
SUITES = os.path.join(SOURCE, "suites")


def mpirun(ranks):
    flags = ["mpirun", "--oversubscribe", "--bind-to", "none", "-np", str(ranks)]
    if os.geteuid() == 0:
        flags.insert(1, "--allow-run-as-root")
    return flags


def pinnbench(*args, ranks=None, check=False, timeout=600):
    command = (mpirun(ranks) if ranks else []) + [EXE, *args]
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", OMP_PROC_BIND="false")
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env)
    if check and result.returncode != 0:
        raise AssertionError(f"{command} exited {result.returncode}:\n{result.stdout}\n{result.stderr}")
    return result


def listed(*args):
    return pinnbench(*args, "--list", check=True).stdout.split()


# --- basics ----------------------------------------------------------------------


def test_version_and_help():
    version = pinnbench("--version", check=True).stdout
    assert re.match(r"pinnbench \d+\.\d+\.\d+ \(git [0-9a-f]{7,}(-dirty)?|unknown\)", version)
    assert "Kokkos" in version
    help_text = pinnbench("--help", check=True).stdout
    for option in ["--suite", "--list", "--filter", "--shard", "--out", "--resume",
                   "--max-iterations", "--data-dir"]:
        assert option in help_text


@pytest.mark.parametrize("suite", sorted(os.path.basename(p)[:-5] for p in glob.glob(f"{SUITES}/*.yaml")))
def test_every_shipped_suite_lists(suite):
    runs = listed("--suite", suite)
    assert runs, f"suite {suite} expands to no runs"
    assert len(runs) == len(set(runs)), "run ids must be unique"
    for run in runs:
        assert re.fullmatch(r"[a-z0-9_]+-[a-z0-9_]+-[a-z0-9_]+-[a-z0-9_]+-fp(32|64)-s\d+", run), run


# --- bad input: FILE:LINE:COL and exit code 2 ------------------------------------

GOOD = """\
defaults:
  task: {name: convection}
  model: {name: pinn}
  objective: {name: vanilla}
  optimizer: {name: lbfgs}
"""


@pytest.mark.parametrize("text, line, fragment", [
    (GOOD + "  traning: {iterations: 3}\n", 6, "unknown key 'traning'"),
    (GOOD.replace("{name: convection}", "{name: convection, beta: fast}"), 2, "beta"),
    (GOOD.replace("convection", "convektion"), 2, "unknown task 'convektion'"),
    (GOOD.replace("{name: pinn}", "{name: pinn, width: 0}"), 3, "width"),
    (GOOD + "  seed: [1\n", 7, "YAML syntax error"),
    (GOOD.replace("{name: vanilla}", "{name: vpinn, elements: [8, 8, 8]}"), 4,
     "'objective.elements' needs one entry per input of task 'convection' (2), got 3"),
])
def test_malformed_suites_name_file_and_line(tmp_path, text, line, fragment):
    suite = tmp_path / "bad.yaml"
    suite.write_text(text)
    result = pinnbench("--suite", str(suite), "--list")
    assert result.returncode == 2, result.stderr
    match = re.search(r"pinnbench: (\S+?):(\d+):(\d+): (.*)", result.stderr)
    assert match, result.stderr
    assert match.group(1).endswith("bad.yaml")
    assert int(match.group(2)) == line, result.stderr
    assert fragment in result.stderr


def test_bad_command_lines_exit_2(tmp_path):
    assert pinnbench("--suite", "smoke", "--shard", "3/3", "--list").returncode == 2
    assert pinnbench("--suite", "smoke", "--filter", "colour=red", "--list").returncode == 2
    assert pinnbench("--suite", "no_such_suite", "--list").returncode == 2
    assert pinnbench("--frobnicate").returncode == 2
    assert pinnbench("--suite", "smoke", "--data-dir", str(tmp_path / "missing")).returncode == 2


# --- selection ---------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 2, 3, 7, 100])
def test_shards_cover_the_matrix_exactly_once(count):
    everything = listed("--suite", "smoke")
    shards = [listed("--suite", "smoke", "--shard", f"{i}/{count}") for i in range(count)]
    combined = [run for shard in shards for run in shard]
    assert sorted(combined) == sorted(everything)
    assert len(combined) == len(set(combined))


# The benchmark-matrix suites (docs/suites.md): RoPINN Table 1 and PINNacle.
ROPINN_1D_TASKS = {"reaction", "wave", "convection"}
PINNACLE_TASKS = {"burgers1d", "burgers2d", "poisson2d_classic", "poisson_boltzmann2d",
                  "poisson3d_complex_geometry", "poisson2d_many_area", "heat2d_varying_coef",
                  "heat2d_multiscale", "heat2d_complex_geometry", "ns2d_lid_driven",
                  "ns2d_back_step", "wave1d", "wave2d_heterogeneous", "gray_scott", "poisson_nd",
                  "heat_nd"}
BASE_MODELS = {"pinn", "qres", "fls", "pinnsformer", "kan"}
ROPINN_OBJECTIVES = {"vanilla", "gpinn", "vpinn", "ropinn"}


def run_parts(run_id):
    task, model, objective, optimizer, precision, seed = run_id.split("-")
    return task, model, objective, optimizer, precision, int(seed[1:])


@pytest.mark.parametrize("suite,tasks,models,objectives", [
    ("pinnacle", PINNACLE_TASKS, {"pinn"}, {"vanilla"}),
    ("ropinn-pinnacle", PINNACLE_TASKS, BASE_MODELS, ROPINN_OBJECTIVES),
    ("ropinn", ROPINN_1D_TASKS | PINNACLE_TASKS, BASE_MODELS, ROPINN_OBJECTIVES),
])
def test_benchmark_matrix_suites_hold_every_combination_once_per_seed(suite, tasks, models,
                                                                      objectives):
    runs = [run_parts(r) for r in listed("--suite", suite)]
    assert {r[5] for r in runs} == {0, 1, 2}
    for seed in (0, 1, 2):
        combos = [(task, model, objective) for task, model, objective, _, _, s in runs
                  if s == seed]
        assert sorted(combos) == sorted((t, m, o) for t in tasks for m in models
                                        for o in objectives)
    assert len(runs) == 3 * len(tasks) * len(models) * len(objectives)
    assert {r[4] for r in runs} == {"fp32"}
    # The 1D tasks train with L-BFGS as RoPINN's scripts, the PINNacle tasks with Adam.
    assert all(optimizer == ("lbfgs" if task in ROPINN_1D_TASKS else "adam")
               for task, _, _, optimizer, _, _ in runs)
    if suite == "ropinn":
        assert len(runs) == 3 * 19 * 5 * 4


@pytest.mark.parametrize("count", [7, 19])
def test_ropinn_shards_cover_the_matrix_exactly_once(count):
    everything = listed("--suite", "ropinn")
    shards = [listed("--suite", "ropinn", "--shard", f"{i}/{count}") for i in range(count)]
    combined = [run for shard in shards for run in shard]
    assert sorted(combined) == sorted(everything)
    assert len(combined) == len(set(combined))
    assert max(map(len, shards)) - min(map(len, shards)) <= 1


def test_filters_select_by_name_and_label():
    runs = listed("--suite", "quickstart", "--filter", "task=convection_beta50,objective=vanilla")
    assert runs == ["convection_beta50-pinn-vanilla-lbfgs-fp64-s0"]
    assert len(listed("--suite", "quickstart", "--filter", "task=convection")) == 4


# --- running ------------------------------------------------------------------------


def results(directory):
    found = {}
    for path in sorted(glob.glob(os.path.join(directory, "smoke", "*.h5"))):
        with h5py.File(path, "r") as f:
            run = f["run"]
            found[os.path.basename(path)[:-3]] = {
                "status": run.attrs["status"],
                "loss": np.array(run["history/loss"]),
                "rmse": float(run.attrs["rMSE"]),
            }
    return found


@pytest.fixture(scope="module")
def smoke_one_and_two_ranks(tmp_path_factory):
    one = tmp_path_factory.mktemp("np1")
    two = tmp_path_factory.mktemp("np2")
    pinnbench("--suite", "smoke", "--out", str(one), check=True)
    pinnbench("--suite", "smoke", "--out", str(two), ranks=2, check=True)
    return results(one), results(two), one


def test_smoke_runs_on_two_ranks_and_writes_every_result(smoke_one_and_two_ranks):
    _, two, _ = smoke_one_and_two_ranks
    assert sorted(two) == sorted(listed("--suite", "smoke"))
    assert all(r["status"] == "ok" for r in two.values())


def test_one_and_two_ranks_give_the_same_fp64_history(smoke_one_and_two_ranks):
    one, two, _ = smoke_one_and_two_ranks
    for run, r1 in one.items():
        if "fp64" not in run:
            continue
        r2 = two[run]
        np.testing.assert_allclose(r2["loss"], r1["loss"], rtol=1e-10, err_msg=run)
        np.testing.assert_allclose(r2["rmse"], r1["rmse"], rtol=1e-10, err_msg=run)


def test_result_files_follow_the_schema(smoke_one_and_two_ranks):
    _, _, directory = smoke_one_and_two_ranks
    path = os.path.join(directory, "smoke", "wave-pinn-vanilla-lbfgs-fp64-s0.h5")
    with h5py.File(path, "r") as f:
        for name in ["pinnbench_version", "git_commit", "created_utc", "finished_utc",
                     "command_line", "world_size", "hosts", "kokkos_version", "kokkos_backends",
                     "mpi_library", "hdf5_version", "compiler", "environment", "config_yaml"]:
            assert name in f.attrs, name
        run = f["run"]
        for name in ["task", "model", "objective", "optimizer", "precision", "seed", "status",
                     "iterations", "closure_evals", "wall_seconds", "seconds_per_iteration",
                     "n_params", "final_loss", "rMAE", "rMSE"]:
            assert name in run.attrs, name
        history = run["history"]
        for name in ["iteration", "wall_time", "loss", "loss_residual", "loss_initial",
                     "loss_initial_velocity", "loss_boundary_lower", "loss_boundary_upper",
                     "rMAE", "rMSE", "test_loss"]:
            assert name in history, name
        assert run["parameters/linear.0.weight"].shape == (12, 2)
        assert run["parameters/linear.4.bias"].shape == (1,)
        assert run["test/x"].shape == (121, 2)
        assert list(run["test"].attrs["grid_shape"]) == [11, 11]
        # final_loss is the weighted sum of its terms (all weights 1 here).
        terms = [v for k, v in run.attrs.items() if k.startswith("final_loss_")]
        assert np.isclose(sum(terms), run.attrs["final_loss"], rtol=1e-12)


def test_vpinn_with_pinnsformer_runs(tmp_path):
    # The last combination that was not implemented (every name and pairing runs now).
    suite = tmp_path / "tokens.yaml"
    suite.write_text(GOOD.replace("{name: pinn}", "{name: pinnsformer, d_model: 8, hidden: 16, d_ff: 16}")
                     .replace("{name: vanilla}",
                              "{name: vpinn, elements: [2, 2], quadrature_points: 4, test_functions: 2}")
                     .replace("{name: lbfgs}", "{name: adam}")
                     .replace("{name: convection}",
                              "{name: convection, points: {domain: {kind: grid, nx: 5, nt: 5}, "
                              "initial: 5, boundary: 5}, test: {domain: {kind: grid, nx: 5, nt: 5}, "
                              "initial: 5, boundary: 5}}")
                     + "  training: {iterations: 2, history_every: 1}\n")
    result = pinnbench("--suite", str(suite), "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    files = glob.glob(str(tmp_path / "out" / "**" / "*.h5"), recursive=True)
    assert len(files) == 1
    with h5py.File(files[0]) as f:
        assert "loss_variational" in f["run/history"], list(f["run/history"])


def test_pinnsformer_beyond_two_inputs_is_not_implemented_and_writes_nothing(tmp_path):
    # Its token jets need inputs x (tokens + 1) coordinates: 18 for a 3-input task, more
    # than the jet engine holds. The run says so before any compute and leaves no file.
    suite = tmp_path / "tokens3d.yaml"
    suite.write_text(GOOD.replace("{name: pinn}", "{name: pinnsformer, d_model: 8, hidden: 16, d_ff: 16}")
                     .replace("{name: convection}", "{name: heat2d_multiscale}")
                     .replace("{name: lbfgs}", "{name: adam}")
                     + "  training: {iterations: 1}\n")
    result = pinnbench("--suite", str(suite), "--out", str(tmp_path / "out"))
    assert result.returncode == 1, result.stderr
    assert ("not implemented yet: pinnsformer on a task with 3 inputs: its pseudo-sequence of 5 "
            "tokens needs 18 jet coordinates") in result.stderr
    assert not glob.glob(str(tmp_path / "out" / "**" / "*.h5"), recursive=True)


# --- nothing lost: atomic results and --resume -------------------------------------


def test_resume_keeps_complete_results_and_reruns_the_rest(tmp_path):
    out = tmp_path / "out"
    pinnbench("--suite", "smoke", "--out", str(out), "--filter", "task=wave", check=True)
    directory = out / "smoke"
    kept = directory / "wave-pinn-vanilla-lbfgs-fp64-s0.h5"
    stamp = kept.stat().st_mtime_ns
    # A run killed mid-write leaves only a temporary; a run never started leaves nothing.
    (directory / "wave-pinn-gpinn-lbfgs-fp64-s0.h5").rename(
        directory / ".wave-pinn-gpinn-lbfgs-fp64-s0.h5.tmp-12345")
    (directory / "wave-pinn-l2-lbfgs-fp64-s0.h5").unlink()
    result = pinnbench("--suite", "smoke", "--out", str(out), "--filter", "task=wave",
                       "--resume", check=True)
    assert result.stdout.count("complete result kept") == len(listed("--suite", "smoke",
                                                                      "--filter", "task=wave")) - 2
    assert kept.stat().st_mtime_ns == stamp
    assert (directory / "wave-pinn-gpinn-lbfgs-fp64-s0.h5").exists()
    assert (directory / "wave-pinn-l2-lbfgs-fp64-s0.h5").exists()
    assert not list(directory.glob(".*tmp*"))
    # A result of a different configuration is not "complete" for this one.
    pinnbench("--suite", "smoke", "--out", str(out), "--filter", "task=wave,objective=vanilla",
              "--resume", "--max-iterations", "1", check=True)
    with h5py.File(kept, "r") as f:
        assert f["run"].attrs["iterations"] == 1


def test_a_killed_suite_resumes(tmp_path):
    out = tmp_path / "out"
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    command = [EXE, "--suite", "quickstart", "--out", str(out), "--max-iterations", "40"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    directory = out / "quickstart"
    deadline = time.time() + 300
    while time.time() < deadline and not list(directory.glob("*.h5")):
        time.sleep(0.2)
    process.send_signal(signal.SIGKILL)
    process.wait()
    finished = sorted(p.name for p in directory.glob("*.h5"))
    assert 1 <= len(finished) < 4
    for path in directory.glob("*.h5"):
        with h5py.File(path, "r") as f:
            assert "finished_utc" in f.attrs
    result = pinnbench("--suite", "quickstart", "--out", str(out), "--max-iterations", "40",
                       "--resume", check=True)
    assert result.stdout.count("complete result kept") == len(finished)
    assert len(list(directory.glob("*.h5"))) == 4


# --- an independent implementation reproduces the saved predictions ----------------


def test_saved_parameters_reproduce_predictions_and_residuals_in_pytorch(smoke_one_and_two_ranks):
    torch = pytest.importorskip("torch", reason="python3-torch is needed for this check")
    torch.set_default_dtype(torch.float64)
    _, _, directory = smoke_one_and_two_ranks

    def network(parameters, activation):
        # RoPINN's names: linear.0, linear.2, ... (an activation module between them).
        layers = sorted({int(k.split(".")[1]) for k in parameters})
        assert layers == list(range(0, 2 * len(layers), 2)), sorted(parameters)
        weights = [(torch.tensor(np.array(parameters[f"linear.{l}.weight"])),
                    torch.tensor(np.array(parameters[f"linear.{l}.bias"]))) for l in layers]

        def u(x, t):
            h = torch.stack([x, t], dim=1)
            for i, (w, b) in enumerate(weights):
                h = h @ w.T + b
                if i < len(weights) - 1:
                    h = torch.sin(h) if (i == 0 and activation == "fls") else torch.tanh(h)
            return h[:, 0]
        return u

    def grad(y, x):
        return torch.autograd.grad(y, x, torch.ones_like(y), create_graph=True)[0]

    residuals = {
        "convection": lambda u, x, t: grad(u, t) + 50.0 * grad(u, x),
        "reaction": lambda u, x, t: grad(u, t) - 5.0 * u * (1 - u),
        "wave": lambda u, x, t: grad(grad(u, t), t) - 4.0 * grad(grad(u, x), x),
        "allen_cahn": lambda u, x, t: grad(u, t) - 1e-4 * grad(grad(u, x), x) + 5 * u ** 3 - 5 * u,
    }
    checked = 0
    for path in sorted(glob.glob(os.path.join(directory, "smoke", "*-vanilla-lbfgs-fp64-s0.h5"))):
        with h5py.File(path, "r") as f:
            run = f["run"]
            task, model = run.attrs["task"], run.attrs["model"]
            u = network({k: run["parameters"][k][...] for k in run["parameters"]}, model)
            points = torch.tensor(run["test/x"][...])
            x = points[:, 0].clone().requires_grad_(True)
            t = points[:, 1].clone().requires_grad_(True)
            prediction = u(x, t)
            np.testing.assert_allclose(prediction.detach().numpy(), run["test/u_pred"][:, 0],
                                       rtol=1e-12, atol=1e-12, err_msg=path)
            residual = residuals[task](prediction, x, t)
            np.testing.assert_allclose(residual.detach().numpy(), run["test/residual"][:, 0],
                                       rtol=1e-9, atol=1e-10, err_msg=path)
            checked += 1
    assert checked == 5  # four tasks with the MLP, convection with FLS


# --- PINNacle data and tasks ------------------------------------------------------

SHARED_PINNACLE = os.path.join(SOURCE, "..", "shared", "data", "pinnacle")


def test_a_missing_data_file_exits_2_before_any_run(tmp_path):
    empty = tmp_path / "data"
    empty.mkdir()
    out = tmp_path / "out"
    result = pinnbench("--suite", "pinnacle-smoke", "--data-dir", str(empty), "--out", str(out))
    assert result.returncode == 2
    assert "poisson2d_classic" in result.stderr
    assert os.path.join("ref", "poisson1_cg_data.dat") in result.stderr
    assert f"scripts/fetch-pinnacle-data.sh {empty}" in result.stderr
    # Nothing ran: no progress line, no result directory.
    assert "[1/" not in result.stdout
    assert not out.exists()
    # Without any data directory the message says how to give one.
    result = pinnbench("--suite", "pinnacle-smoke", "--out", str(out),
                       "--filter", "task=ns2d_back_step")
    assert result.returncode == 2
    assert "--data-dir" in result.stderr and "ns_0_obstacle.dat" in result.stderr


def test_pinnacle_smoke_trains_every_task_whose_data_is_present(tmp_path):
    """CI's use: tasks whose reference files are absent are left out, not failed."""
    data = ["--data-dir", SHARED_PINNACLE] if os.path.isdir(SHARED_PINNACLE) else []
    out = tmp_path / "out"
    result = pinnbench("--suite", "pinnacle-smoke", *data, "--skip-missing-data", "--out", str(out),
                       check=True)
    files = sorted(glob.glob(str(out / "pinnacle-smoke" / "*.h5")))
    ran = {os.path.basename(f).split("-")[0] for f in files}
    # The analytic tasks always run; the others exactly when their data is there.
    assert {"wave1d", "poisson_nd", "heat_nd"} <= ran
    left_out = set(listed("--suite", "pinnacle-smoke")) - {os.path.basename(f)[:-3] for f in files}
    for run in left_out:
        assert f"{run}: left out, data file" in result.stdout
    for path in files:
        with h5py.File(path, "r") as f:
            assert f["run"].attrs["status"] == "ok"
            rmse = f["run/history/rMSE"][()]
            assert rmse[-1] < rmse[0], f"{path}: test error {rmse[0]} -> {rmse[-1]}"
