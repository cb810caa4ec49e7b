"""ember-run (python -m ember.distributed.run): torchrun's flags on mpiexec, torchrun's
variables in every rank, a failing rank's status as the launcher's."""
from __future__ import annotations

import re
import sys

import pytest

from ember.distributed import run as launcher
from tests.distributed.mpi import PROGRAMS, need_mpi
from tests.distributed.mpi import run as run_argv

SHOW_ENV = """import os, sys
print("|".join(os.environ.get(k, "-") for k in ("RANK", "WORLD_SIZE", "LOCAL_RANK",
      "LOCAL_WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT", "TORCHELASTIC_RUN_ID")), sys.argv[1:],
      __name__, flush=True)
"""


def _launch(*args: str, timeout: float = 120.0):
    need_mpi()
    return run_argv([sys.executable, "-m", "ember.distributed.run", *args], timeout)


def test_every_rank_sees_torchruns_variables_and_its_arguments(tmp_path):
    script = tmp_path / "show_env.py"
    script.write_text(SHOW_ENV)
    res = _launch("--nproc-per-node", "2", "--master-port", "29123", str(script), "a", "--lr=1")
    assert res.returncode == 0, res.stderr
    lines = sorted(re.findall(r"\d\|2\|\d\|2\|[^ ]*", res.stdout))
    assert lines == ["0|2|0|2|127.0.0.1|29123|none", "1|2|1|2|127.0.0.1|29123|none"], res.stdout
    assert res.stdout.count("['a', '--lr=1'] __main__") == 2


def test_a_failing_rank_fails_the_launch(tmp_path):
    res = _launch("--nproc_per_node=2", str(PROGRAMS / "raises.py"), str(tmp_path), timeout=60)
    assert res.returncode != 0 and "rank 1 fails on purpose" in res.stderr


def test_command_lines_for_flags():
    parse = launcher.parse_args
    cmd = launcher.command(parse(["--nproc-per-node", "3", "-m", "pkg.train", "x"]))
    assert cmd[1:3] == ["-n", "3"] and cmd[-4:] == ["ember.distributed._bootstrap", "-m",
                                                    "pkg.train", "x"]
    cmd = launcher.command(parse(["--nnodes", "2", "--nproc-per-node", "4", "--hostfile", "hosts",
                                  "t.py"]))
    assert cmd[1:7] == ["-n", "8", "-f", "hosts", "-ppn", "4"]
    cmd = launcher.command(parse(["--standalone", "--no-python", "./a.out", "1"]))
    assert cmd[-2:] == ["./a.out", "1"] and "MASTER_PORT" in cmd
    with pytest.raises(ValueError, match="--hostfile"):
        launcher.command(parse(["--nnodes", "2", "t.py"]))
    assert launcher.main(["--nnodes", "2", "--node-rank", "1", "t.py"]) == 0  # nothing to start
