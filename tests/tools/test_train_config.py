"""ember-train refuses every unusable setting in one line with exit code 2, before it loads any data;
`--resume` trains on with the checkpoint's own hyper-parameters, next to the checkpoint.

The refusals run in one subprocess (PyTorch hidden, the data loader replaced by a sentinel that
records a load), once with PyYAML and once with the flat `key: value` reader used without it."""
from __future__ import annotations

import json
import os
import pathlib
import re
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
ENV = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))

# Runs ember-train's main() on each case of a JSON list read from stdin; prints one JSON result each.
RUNNER = r"""
import contextlib, errno, io, json, os, sys
sys.modules["torch"] = None  # as on an install without PyTorch
if sys.argv[1] == "no-yaml":
    sys.modules["yaml"] = None
from ember.tools import train

class DataLoaded(Exception):
    pass

def no_data(torch):
    raise DataLoaded

def full_disk(fd):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

real_open, real_fsync = os.open, os.fsync
def read_only(path, *args, **kw):
    if "probe" in os.fspath(path):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
    return real_open(path, *args, **kw)

train.digits_dataset = no_data
results = []
for case in json.load(sys.stdin):
    out, err = io.StringIO(), io.StringIO()
    os.fsync = full_disk if case["fault"] == "full" else real_fsync
    os.open = read_only if case["fault"] == "read-only" else real_open
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            rc = train.main(case["argv"])
        except DataLoaded:
            rc = "data loaded"
        except SystemExit as exc:
            rc = exc.code
    results.append({"rc": rc, "out": out.getvalue(), "err": err.getvalue()})
print(json.dumps(results))
"""

# (config file bytes or None, extra argv, fault, message expected on the one stderr line)
REFUSED = [
    (b"channels: [24]\n", [], None, "'channels' must be a list of two positive integers"),
    (b"channels: [24, 0]\n", [], None, "'channels' must be a list of two positive integers"),
    (b"dropout: 1.5\n", [], None, "'dropout' must be between 0 and 1, got 1.5"),
    (b"num_workers: -1\n", [], None, "'num_workers' must be at least 0, got -1"),
    (b"hidden: 0\n", [], None, "'hidden' must be at least 1, got 0"),
    (b"scheduler_step: 0\n", [], None, "'scheduler_step' must be at least 1, got 0"),
    (b"scheduler_gamma: 0\n", [], None, "'scheduler_gamma' must be a positive number"),
    (b"lr: -0.1\n", [], None, "'lr' must be a positive number, got -0.1"),
    (b"weight_decay: -0.5\n", [], None, "'weight_decay' must be a number >= 0"),
    (b"batch_size: 0\n", [], None, "'batch_size' must be at least 1, got 0"),
    (b"epochs: 0\n", [], None, "'epochs' must be at least 1, got 0"),
    (b"epochs: -3\n", [], None, "'epochs' must be at least 1, got -3"),
    (b"split: [0.5, 0.5]\n", [], None, "'split' must be three positive fractions that sum to 1"),
    (b"split: [0.7, 0.2, 0.2]\n", [], None, "'split' must be three positive fractions"),
    (b"seed: 1.5\n", [], None, "'seed' must be an int, got 1.5"),
    (b"lr: fast\n", [], None, "'lr' must be a float, got 'fast'"),
    (b"# caf\xe9 in Latin-1\nlr: 0.1\n", [], None, "is not UTF-8 text (byte 0xe9 at offset 5)"),
    (None, ["--epochs", "-1"], None, "--epochs must be at least 1, got -1"),
    (None, ["--backend", "torch"], None, "--backend torch needs PyTorch, which is not installed"),
    (None, [], "full", "cannot write to the output folder {tmp}/out: No space left on device"),
    (None, [], "read-only", "cannot write to the output folder {tmp}/out: Permission denied"),
]
# Settings that are fine: the run goes on until it loads the data (the sentinel stops it there).
ACCEPTED = [b"lr: 1e-3\n", b"dropout: 1\nnum_workers: 0\nsplit: [0.8, 0.1, 0.1]\n"]


def _run_cases(tmp: pathlib.Path, mode: str, cases) -> list[dict]:
    batch = []
    for i, (text, argv, fault) in enumerate(cases):
        config = []
        if text is not None:
            (tmp / f"c{i}.yaml").write_bytes(text)
            config = ["--config", str(tmp / f"c{i}.yaml")]
        batch.append({"argv": ["--quiet", "--out-dir", str(tmp / "out"), *config, *argv],
                      "fault": fault})
    proc = subprocess.run([sys.executable, "-c", RUNNER, mode], input=json.dumps(batch),
                          capture_output=True, text=True, timeout=120, cwd=tmp, env=ENV,
                          check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout)


@pytest.fixture(scope="module", params=["yaml", "no-yaml"])
def runs(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp(request.param)
    cases = [(text, argv, fault) for text, argv, fault, _ in REFUSED]
    cases += [(text, [], None) for text in ACCEPTED]
    results = _run_cases(tmp, request.param, cases)
    return tmp, dict(zip(range(len(REFUSED)), results)), results[len(REFUSED):]


@pytest.mark.parametrize("case", range(len(REFUSED)), ids=[r[3][:40] for r in REFUSED])
def test_refused_in_one_line_before_the_data(runs, case):
    tmp, results, _ = runs
    got = results[case]
    err = got["err"].strip().splitlines()
    assert got["rc"] == 2, got
    assert len(err) == 1 and err[0].startswith("ember-train: error: "), err
    assert REFUSED[case][3].format(tmp=tmp) in err[0], err
    assert got["out"] == ""  # nothing printed, no data loaded


def test_good_settings_reach_the_data(runs):
    tmp, _, accepted = runs
    for got in accepted:
        assert got["rc"] == "data loaded" and got["err"] == "", got
    assert not [p for p in (tmp / "out").iterdir() if "probe" in p.name]  # the probe is removed


def test_help_describes_the_tool_in_whole_sentences():
    proc = subprocess.run([sys.executable, "-m", "ember.tools.train", "--help"],
                          capture_output=True, text=True, timeout=60, env=ENV, check=True)
    text = " ".join(proc.stdout.split())
    found = re.findall(r"\] ([A-Z][^\[\]]*?) options:", text)  # after the usage's last option
    assert found, text
    description = found[-1]
    assert description[0].isupper() and description.endswith("."), description
    assert "test accuracy" in description


def _train(cwd: pathlib.Path, *argv: str, rc: int = 0) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "ember.tools.train", "--quiet", *argv],
                          capture_output=True, text=True, timeout=300, cwd=cwd, env=ENV,
                          check=False)
    assert proc.returncode == rc, proc.stderr
    return proc


def test_resume_reuses_the_checkpoints_settings_and_folder(tmp_path):
    """A run with a custom config resumes without it (no "does not fit this model"), writing next
    to its checkpoint; --out-dir sends the continuation elsewhere."""
    import ember

    (tmp_path / "small.yaml").write_text("channels: [4, 8]\nhidden: 16\nbatch_size: 128\n"
                                         "epochs: 1\nscheduler_step: 1\n")
    first = tmp_path / "first"
    _train(tmp_path, "--config", "small.yaml", "--out-dir", str(first))
    lines = _train(tmp_path, "--resume", str(first / "last.pt"), "--epochs", "2").stdout.split("\n")
    assert f"resumed from {first / 'last.pt'} after epoch 1" in lines
    assert any(line.startswith("epoch 2/2: ") for line in lines), lines
    assert not (tmp_path / "ember-train-out").exists()  # not the default folder of another run
    ckpt = ember.load(first / "last.pt")
    assert ckpt["epoch"] == 2
    assert ckpt["config"]["channels"] == [4, 8] and ckpt["config"]["hidden"] == 16
    assert ckpt["history"][1]["lr"] == pytest.approx(0.003 * 0.5)  # StepLR(step 1) carried on

    other = tmp_path / "other"
    _train(tmp_path, "--resume", str(first / "last.pt"), "--epochs", "3", "--out-dir", str(other))
    assert ember.load(other / "last.pt")["epoch"] == 3
    assert ember.load(first / "last.pt")["epoch"] == 2

    # A --config that changes the model's shape: one line with the mismatch, before the data.
    (tmp_path / "wider.yaml").write_text("channels: [6, 8]\n")
    proc = _train(tmp_path, "--resume", str(first / "last.pt"), "--config", "wider.yaml",
                  "--epochs", "4", rc=2)
    err = proc.stderr.strip().splitlines()
    assert len(err) == 1 and "does not fit this model: Error(s) in loading state_dict" in err[0]
    assert "size mismatch for 0.weight" in err[0]
    assert "data:" not in proc.stdout
