"""Faults, interruptions and input that must be refused before training (issue 12).

Every case runs the real executable under a timeout: a hang fails the test, and
so does a crash, an MPI abort or a result that is silently wrong. Run by CTest
with PINNBENCH_EXE and PINNBENCH_SOURCE_DIR set, like test_pinnbench_cli.py.
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
TIMEOUT = 240  # seconds; every run here takes a few, a hang takes forever


def mpirun(ranks):
    flags = ["mpirun", "--oversubscribe", "--bind-to", "none", "-np", str(ranks)]
    if os.geteuid() == 0:
        flags.insert(1, "--allow-run-as-root")
    return flags


ENV = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", OMP_PROC_BIND="false")


def pinnbench(*args, ranks=1, fault=None, timeout=TIMEOUT):
    command = (mpirun(ranks) if ranks > 1 else []) + [EXE, *args]
    env = dict(ENV)
    env.pop("PINNBENCH_FAULT", None)
    if fault:
        env["PINNBENCH_FAULT"] = fault
    # subprocess.run raises TimeoutExpired on a hang: the test fails.
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env)


def assert_clean_exit(result):
    """Left together: no crash, no abort, no HDF5 shutdown trouble."""
    text = result.stdout + result.stderr
    assert result.returncode in (0, 1, 2, 3), f"exit {result.returncode}:\n{text}"
    for symptom in ["Segmentation", "MPI_ABORT", "MPI_ERR", "infinite loop closing library",
                    "Signal:", "terminate called"]:
        assert symptom not in text, text


# Tiny runs: two seeds, a checkpoint after every iteration (checkpoint_seconds
# below one iteration's time), four iterations.
TINY = """\
name: tiny
defaults:
  task:
    name: wave
    points: {{domain: {{kind: grid, nx: 7, nt: 7}}, initial: 7, boundary: 7}}
    test: {{domain: {{kind: grid, nx: 7, nt: 7}}, initial: 7, boundary: 7}}
  model: {{name: pinn, width: 6, hidden_layers: 2}}
  objective: {{name: vanilla}}
  optimizer: {{name: lbfgs, max_iter: 4}}
  precision: fp64
  training: {{iterations: {iterations}, history_every: {every}, checkpoint_seconds: {checkpoint}}}
matrix:
  seeds: [0, 1]
"""


def tiny_suite(tmp_path, iterations=4, every=1, checkpoint="1.0e-09"):
    path = tmp_path / "tiny.yaml"
    path.write_text(TINY.format(iterations=iterations, every=every, checkpoint=checkpoint))
    return str(path)


RUN0 = "wave-pinn-vanilla-lbfgs-fp64-s0"
RUN1 = "wave-pinn-vanilla-lbfgs-fp64-s1"


def status_of(path):
    with h5py.File(path, "r") as f:
        return f["run"].attrs["status"], f["run"].attrs["status_message"]


# --- 1. failures are collective ----------------------------------------------------


@pytest.mark.parametrize("ranks", [1, 2])
def test_a_failed_result_write_stops_every_rank_cleanly(tmp_path, ranks):
    out = tmp_path / "out"
    result = pinnbench("--suite", tiny_suite(tmp_path), "--out", str(out), ranks=ranks,
                       fault="result_write:1")
    assert_clean_exit(result)
    assert result.returncode == 1
    assert "cannot write the result of run " + RUN0 in result.stderr
    assert "No space left on device" in result.stderr
    # Stopped at the first result: nothing written, no temporary left behind.
    assert sorted(os.listdir(out / "tiny")) == ["." + RUN0 + ".checkpoint.h5"]


@pytest.mark.parametrize("ranks", [1, 2])
def test_a_failed_checkpoint_write_fails_the_run_and_the_suite_goes_on(tmp_path, ranks):
    out = tmp_path / "out"
    result = pinnbench("--suite", tiny_suite(tmp_path), "--out", str(out), ranks=ranks,
                       fault="checkpoint_write:1")
    assert_clean_exit(result)
    assert result.returncode == 1
    status, message = status_of(out / "tiny" / (RUN0 + ".h5"))
    assert status == "failed"
    assert "cannot write checkpoint" in message and "No space left on device" in message
    assert status_of(out / "tiny" / (RUN1 + ".h5"))[0] == "ok"
    assert not glob.glob(str(out / "tiny" / ".*tmp*"))


@pytest.mark.parametrize("ranks, fault, origin", [
    (1, "closure:3", ""),
    (2, "closure:3", "rank 0: "),     # every rank fails: the lowest speaks
    (2, "closure:3@1", "rank 1: "),   # one rank fails inside a closure
])
def test_a_run_failing_mid_way_is_recorded_and_the_suite_goes_on(tmp_path, ranks, fault, origin):
    out = tmp_path / "out"
    result = pinnbench("--suite", tiny_suite(tmp_path), "--out", str(out), ranks=ranks,
                       fault=fault)
    assert_clean_exit(result)
    assert result.returncode == 1
    status, message = status_of(out / "tiny" / (RUN0 + ".h5"))
    assert status == "failed"
    assert message == origin + "injected fault: closure 2 failed"
    assert f"run {RUN0}: {origin}injected fault" in result.stderr
    assert status_of(out / "tiny" / (RUN1 + ".h5"))[0] == "ok"


@pytest.mark.parametrize("ranks, fault, origin", [
    (1, "setup:1", ""),
    (2, "setup:1@1", "rank 1: "),   # one rank's setup fails; the others wait in no closure
    (2, "setup:1@0", "rank 0: "),
])
def test_a_setup_failing_on_one_rank_ends_the_run_on_every_rank(tmp_path, ranks, fault, origin):
    out = tmp_path / "out"
    result = pinnbench("--suite", tiny_suite(tmp_path), "--out", str(out), ranks=ranks,
                       fault=fault)
    assert_clean_exit(result)
    assert result.returncode == 1
    status, message = status_of(out / "tiny" / (RUN0 + ".h5"))
    assert status == "failed"
    assert message == origin + f"injected fault: setup of run {RUN0} failed"
    assert f"run {RUN0}: {origin}injected fault" in result.stderr
    assert status_of(out / "tiny" / (RUN1 + ".h5"))[0] == "ok"


def mount_small_file_system(directory, size):
    directory.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("a full disk needs a small tmpfs, and mounting one needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(directory)],
                          capture_output=True)
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here: " + done.stderr.decode())


@pytest.mark.parametrize("ranks", [1, 2])
def test_a_really_full_disk_stops_cleanly(tmp_path, ranks):
    small = tmp_path / "small"
    mount_small_file_system(small, "40k")
    try:
        result = pinnbench("--suite", tiny_suite(tmp_path, checkpoint="0"), "--out", str(small),
                           ranks=ranks)
        assert_clean_exit(result)
        assert result.returncode == 1
        assert "No space left on device" in result.stderr
        # Whatever was written is complete; nothing half-written remains.
        for path in glob.glob(str(small / "tiny" / "*.h5")):
            assert status_of(path)[0] == "ok"
        assert not glob.glob(str(small / "tiny" / ".*tmp*"))
    finally:
        subprocess.run(["umount", str(small)])


def test_a_malformed_fault_specification_is_an_input_error(tmp_path):
    result = pinnbench("--suite", tiny_suite(tmp_path), "--list", fault="disk:full")
    assert result.returncode == 2
    assert "PINNBENCH_FAULT='disk:full'" in result.stderr


# --- 2. input errors before training: exit 2, FILE:LINE:COL where there is a line ---

GOOD = """\
defaults:
  task: {name: convection}
  model: {name: pinn}
  objective: {name: vanilla}
  optimizer: {name: lbfgs}
"""


@pytest.mark.parametrize("name, text, expected", [
    ("w.yaml", GOOD.replace("{name: pinn}", "{name: pinn, width: 3000000000}"),
     r"w\.yaml:3:30: 'model\.width' is out of range: 3000000000 \(expected int in \[1, 2147483647\]\)"),
    ("ac.yaml", GOOD.replace("{name: convection}",
                             "{name: allen_cahn, reference: {fourier_points: 513}}"),
     r"ac\.yaml:2:56: 'task\.reference\.fourier_points' must be even: got 513"),
    ("tabs.yaml", GOOD.replace("  model:", "\tmodel:"),
     r"tabs\.yaml:3:1: YAML forbids tabs in indentation"),
    ("...yaml", GOOD,
     r"\.\.\.yaml: the suite name taken from the file name, '\.\.', cannot name a results"),
    ("big.yaml", GOOD.replace(
        "{name: convection}",
        "{name: convection, points: {domain: {kind: grid, nx: 200000, nt: 200000}}}"),
     r"big\.yaml: run 'convection-pinn-vanilla-lbfgs-fp32-s0' cannot fit in memory: .* "
     r"'task\.points\.domain', has 4e\+10 points"),
    ("long.yaml", GOOD + "matrix:\n  tasks: [{name: convection, label: " + "a" * 300 + "}]\n",
     r"long\.yaml: run 'a{300}-pinn-vanilla-lbfgs-fp32-s0' \(327 characters\) needs file names "
     r"of up to \d+ characters, the file system allows \d+"),
    ("none.yaml", GOOD + "matrix:\n  seeds: [0]\n  exclude: [{seed: 0}]\n",
     r"none\.yaml: the matrix selects no run"),
])
def test_input_that_cannot_work_is_refused_before_training(tmp_path, name, text, expected):
    suite = tmp_path / name
    suite.write_text(text)
    out = tmp_path / "out"
    result = pinnbench("--suite", str(suite), "--out", str(out), "--max-iterations", "1")
    assert result.returncode == 2, result.stdout + result.stderr
    assert re.search(expected, result.stderr), result.stderr
    assert "iteration" not in result.stdout
    assert not glob.glob(str(out / "**" / "*.h5"), recursive=True)


def test_an_unusable_output_directory_is_refused_before_training(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    result = pinnbench("--suite", "smoke", "--out", str(blocker), ranks=2)
    assert result.returncode == 2
    assert f"--out '{blocker}': cannot create the result directory" in result.stderr
    assert "iteration" not in result.stdout


@pytest.mark.parametrize("arguments, expected", [
    (["--filter", "task=convektion"], "--filter task=convektion matches no run of suite 'smoke'; "
                                      "did you mean 'convection'?"),
    (["--filter", "task=wave,model=fls"], "each value occurs in the suite, but no run has them "
                                          "all together"),
])
def test_a_filter_that_selects_nothing_says_why(arguments, expected):
    for extra in (["--list"], ["--out", "unused"]):
        result = pinnbench("--suite", "smoke", *arguments, *extra)
        assert result.returncode == 2
        assert expected in result.stderr


# --- 3./4. integrity and clean-up on --resume ---------------------------------------


def corrupt_dataset(path, dataset):
    """Overwrites the stored bytes of a dataset with garbage (HDF5 is not told)."""
    with h5py.File(path, "r") as f:
        raw = np.ascontiguousarray(f[dataset][...]).tobytes()
    data = bytearray(open(path, "rb").read())
    offset = data.find(raw[:64])
    assert offset > 0, "dataset bytes not found"
    data[offset:offset + 64] = os.urandom(64)
    open(path, "wb").write(bytes(data))


def test_resume_sets_damaged_files_aside_and_cleans_up(tmp_path):
    suite = tiny_suite(tmp_path, checkpoint="0")
    out = tmp_path / "out"
    directory = out / "tiny"
    assert pinnbench("--suite", suite, "--out", str(out)).returncode == 0
    good = directory / (RUN0 + ".h5")
    damaged = directory / (RUN1 + ".h5")
    stamp = good.stat().st_mtime_ns
    corrupt_dataset(damaged, "run/test/x")
    # A killed checkpoint writer's temporary and a checkpoint next to a complete result.
    (directory / f".{RUN0}.checkpoint.h5.tmp-4242").write_bytes(b"partial")
    shutil.copy(good, directory / f".{RUN0}.checkpoint.h5")

    result = pinnbench("--suite", suite, "--out", str(out), "--resume")
    assert result.returncode == 0, result.stderr
    assert re.search(rf"{re.escape(str(damaged))} is damaged \(.*\); moved to "
                     rf"{re.escape(str(damaged))}\.corrupt-\d{{8}}T\d{{6}}Z-\d+, run {RUN1} is redone",
                     result.stderr), result.stderr
    assert good.stat().st_mtime_ns == stamp
    names = sorted(os.listdir(directory))
    assert names[:2] == [RUN0 + ".h5", RUN1 + ".h5"]
    assert len(names) == 3 and names[2].startswith(RUN1 + ".h5.corrupt-")
    with h5py.File(damaged, "r") as f:  # redone: readable, checksums intact
        assert f["run/test/x"][...].shape == (49, 2)
        assert f["run"].attrs["status"] == "ok"


def test_a_damaged_checkpoint_is_set_aside_and_the_run_starts_over(tmp_path):
    suite = tiny_suite(tmp_path, iterations=6)
    out = tmp_path / "out"
    directory = out / "tiny"
    # The run fails in its 5th closure; the checkpoints of earlier iterations remain.
    result = pinnbench("--suite", suite, "--out", str(out), "--filter", "seed=0",
                       fault="closure:12")
    assert result.returncode == 1
    checkpoint = directory / f".{RUN0}.checkpoint.h5"
    with h5py.File(checkpoint, "r") as f:
        names = f["trainer"].attrs["array_names"].split("\n")
        parameters = "trainer/arrays/" + str(names.index("parameters"))
    corrupt_dataset(checkpoint, parameters)

    result = pinnbench("--suite", suite, "--out", str(out), "--filter", "seed=0", "--resume")
    assert result.returncode == 0, result.stderr
    assert f"checkpoint {checkpoint} is damaged" in result.stderr
    assert f"run {RUN0} starts over" in result.stderr
    assert "continuing from the checkpoint" not in result.stdout
    assert glob.glob(str(checkpoint) + ".corrupt-*")
    # Started over: the same result as a run that never failed.
    fresh = tmp_path / "fresh"
    assert pinnbench("--suite", suite, "--out", str(fresh), "--filter", "seed=0").returncode == 0
    with h5py.File(directory / (RUN0 + ".h5"), "r") as a, \
            h5py.File(fresh / "tiny" / (RUN0 + ".h5"), "r") as b:
        np.testing.assert_array_equal(a["run/history/loss"][...], b["run/history/loss"][...])


# --- 5. SIGTERM/SIGUSR1: checkpoint, exit 3, resume bitwise ----------------------------


def pinnbench_ranks(launcher_pid):
    """Pids of the pinnbench processes below a launcher, in pid order."""
    parents = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = open(f"/proc/{entry}/stat").read()
            exe = os.readlink(f"/proc/{entry}/exe")
        except OSError:
            continue
        parents[int(entry)] = (int(stat.rsplit(")", 1)[1].split()[1]), exe)
    below = {launcher_pid}
    grew = True
    while grew:
        grew = False
        for pid, (parent, _) in parents.items():
            if parent in below and pid not in below:
                below.add(pid)
                grew = True
    return sorted(pid for pid in below if parents.get(pid, (0, ""))[1].endswith("pinnbench"))


def history_and_parameters(path):
    with h5py.File(path, "r") as f:
        run = f["run"]
        arrays = {name: run["history"][name][...] for name in run["history"]
                  if name != "wall_time"}
        arrays.update({"p." + name: run["parameters"][name][...] for name in run["parameters"]})
        arrays["u_pred"] = run["test/u_pred"][...]
        return arrays, run.attrs["iterations"]


@pytest.mark.parametrize("sig", [signal.SIGUSR1, signal.SIGTERM])
def test_a_signal_to_one_rank_checkpoints_all_and_resume_is_bitwise(tmp_path, sig):
    suite = tiny_suite(tmp_path, iterations=150, every=5, checkpoint="0")
    whole, parts = tmp_path / "whole", tmp_path / "parts"
    arguments = ["--suite", suite, "--filter", "seed=0"]
    assert pinnbench(*arguments, "--out", str(whole), ranks=2).returncode == 0

    process = subprocess.Popen(mpirun(2) + [EXE, *arguments, "--out", str(parts)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV)
    try:
        for line in process.stdout:
            if re.match(r"\s+iteration\s+20\s", line):
                break
        ranks = pinnbench_ranks(process.pid)
        assert len(ranks) == 2
        os.kill(ranks[1], sig)  # as Slurm's --signal would, but to one rank only
        stdout, stderr = process.communicate(timeout=TIMEOUT)
    finally:
        process.kill()
    assert process.returncode == 3, stderr
    assert re.search(rf"run {RUN0} stopped after iteration \d+; checkpoint written on a stop "
                     rf"signal \(SIGTERM or SIGUSR1\); rerun with --resume", stderr), stderr
    checkpoint = parts / "tiny" / f".{RUN0}.checkpoint.h5"
    assert checkpoint.exists() and not (parts / "tiny" / (RUN0 + ".h5")).exists()

    resumed = pinnbench(*arguments, "--out", str(parts), "--resume", ranks=2)
    assert resumed.returncode == 0, resumed.stderr
    assert "continuing from the checkpoint at iteration" in resumed.stdout
    assert not checkpoint.exists()
    expected, iterations = history_and_parameters(whole / "tiny" / (RUN0 + ".h5"))
    actual, resumed_iterations = history_and_parameters(parts / "tiny" / (RUN0 + ".h5"))
    assert iterations == resumed_iterations == 150
    assert sorted(actual) == sorted(expected)
    for name in expected:
        np.testing.assert_array_equal(actual[name], expected[name], err_msg=name)


# --- 6. login nodes -------------------------------------------------------------------


def test_help_version_and_list_do_not_start_kokkos(tmp_path):
    # An option Kokkos cannot parse: it fails as soon as Kokkos starts. Kokkos 3.4 and
    # >= 4 both read --kokkos-device-id (4.x dropped --kokkos-threads and only warns);
    # 3.4's std::stoi throws, 4.x aborts naming the argument.
    broken = "--kokkos-device-id=abc"
    started = pinnbench("--suite", "smoke", broken, "--max-iterations", "0",
                        "--out", str(tmp_path))
    assert started.returncode != 0
    assert "stoi" in started.stderr or f"'{broken}' to an integer" in started.stderr
    help_text = pinnbench("--help", broken)
    assert help_text.returncode == 0
    assert help_text.stdout.startswith("Usage: mpirun [-n RANKS] pinnbench --suite")
    assert "--help-kokkos" in help_text.stdout and "Kokkos command line" not in help_text.stdout
    assert pinnbench("--version", broken).stdout.startswith("pinnbench ")
    listed = pinnbench("--suite", "smoke", "--list", broken)
    plain = pinnbench("--suite", "smoke", "--list")
    assert listed.returncode == 0 and listed.stdout == plain.stdout
    assert len(listed.stdout.split()) > 10
    kokkos = pinnbench("--help-kokkos")
    assert kokkos.returncode == 0 and "--kokkos-" in kokkos.stdout
