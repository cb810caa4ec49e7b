"""The ember-train demo: it learns in one epoch, prints `test accuracy: NN.N%` last, resumes exactly
where it stopped, matches the same program run on torch, and reports bad input in one line."""
from __future__ import annotations

import math
import re

import pytest

from ember.tools import train

LINE = re.compile(r"epoch (\d+)/\d+: train loss ([\d.]+) acc ([\d.]+)% \| "
                  r"val loss ([\d.]+) acc ([\d.]+)%")


def _run(capsys, *argv):
    rc = train.main(["--quiet", *argv])
    out, err = capsys.readouterr()
    return rc, out.strip().splitlines(), err.strip().splitlines()


def _epochs(lines):
    return {int(m.group(1)): [float(v) for v in m.groups()[1:]]
            for m in map(LINE.match, lines) if m}


@pytest.fixture(scope="module")
def one_epoch(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    import contextlib
    import io

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(io.StringIO()):
        rc = train.main(["--quiet", "--epochs", "1", "--out-dir", str(out)])
    return rc, buf.getvalue().strip().splitlines(), out


def test_learns_in_one_epoch(one_epoch):
    rc, lines, out = one_epoch
    assert rc == 0
    m = re.fullmatch(r"test accuracy: (\d+\.\d)%", lines[-1])
    assert m, lines[-1]
    assert float(m.group(1)) > 50.0  # chance is 10%
    _train_loss, _train_acc, val_loss, val_acc = _epochs(lines)[1]
    assert val_loss < 0.5 * math.log(10)  # the untrained loss is about ln(10)
    assert val_acc > 50.0
    assert (out / "best.pt").is_file() and (out / "last.pt").is_file()


def test_resume_continues_exactly(one_epoch, tmp_path, capsys):
    _, _, out = one_epoch
    rc, resumed, _ = _run(capsys, "--epochs", "2", "--resume", str(out / "last.pt"),
                          "--out-dir", str(tmp_path / "resumed"))
    assert rc == 0
    assert any(line.startswith("resumed from") for line in resumed)
    rc, straight, _ = _run(capsys, "--epochs", "2", "--out-dir", str(tmp_path / "straight"))
    assert rc == 0
    assert _epochs(resumed)[2] == _epochs(straight)[2]


def test_same_numbers_as_torch(one_epoch, tmp_path, capsys):
    """The demo is written against the torch API; run on torch it must print the same epoch."""
    _, lines, _ = one_epoch
    rc, ref, _ = _run(capsys, "--epochs", "1", "--backend", "torch", "--out-dir", str(tmp_path))
    assert rc == 0
    for mine, theirs in zip(_epochs(lines)[1], _epochs(ref)[1]):
        assert abs(mine - theirs) <= 2e-3 * max(1.0, abs(theirs))


@pytest.mark.parametrize("setup,argv,needle", [
    (None, ["--config", "{tmp}/missing.yaml"], "config file not found"),
    ("foo: 1\n", ["--config", "{tmp}/c.yaml"], "unknown config key 'foo'"),
    ("epochs: two\n", ["--config", "{tmp}/c.yaml"], "must be an int"),
    ("[1, 2\n", ["--config", "{tmp}/c.yaml"], "not valid YAML"),
    (None, ["--resume", "{tmp}/none.pt"], "checkpoint not found"),
    ("garbage", ["--resume", "{tmp}/c.yaml"], "cannot read checkpoint"),
    (None, ["--epochs", "0"], "--epochs must be at least 1"),
    ("a file", ["--out-dir", "{tmp}/c.yaml"], "cannot create the output folder"),
])
def test_bad_input_is_one_line(setup, argv, needle, tmp_path, capsys):
    if setup is not None:
        (tmp_path / "c.yaml").write_text(setup)
    rc, _, err = _run(capsys, *[a.format(tmp=tmp_path) for a in argv])
    assert rc == 2
    assert len(err) == 1 and err[0].startswith("ember-train: error:") and needle in err[0], err


def test_data_parallel_on_two_ranks_prints_the_single_process_numbers(one_epoch, tmp_path):
    """--nproc 2: the command restarts itself on 2 MPI ranks (DistributedDataParallel, the
    training set sharded), only rank 0 prints and saves; it learns as the 1-process run does."""
    import os
    import subprocess
    import sys

    env = dict(os.environ, OMP_NUM_THREADS="1")
    proc = subprocess.run([sys.executable, "-m", "ember.tools.train", "--quiet", "--epochs", "1",
                           "--nproc", "2", "--out-dir", str(tmp_path)], capture_output=True,
                          text=True, timeout=600, env=env, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = proc.stdout.strip().splitlines()
    assert re.fullmatch(r"test accuracy: (\d+\.\d)%", lines[-1]), lines[-1]
    assert len(_epochs(lines)) == 1 and float(lines[-1].split()[-1][:-1]) > 50.0
    assert (tmp_path / "best.pt").is_file()
