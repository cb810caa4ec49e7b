"""The training programs in tests/programs/ (argparse CLIs written against `torch` only) run
under PyTorch and under `python -m ember.as_torch`, and print the same lines (float32 rounding
of the last printed digit tolerated)."""
from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import pytest

from tests.test_spec_examples import same_line

ROOT = pathlib.Path(__file__).resolve().parent.parent
PROGRAMS = {
    "classify_cnn.py": [["--epochs", "2"], ["--epochs", "1", "--resume"]],
    "char_lstm.py": [["--epochs", "2"]],
    "regression_plateau.py": [["--epochs", "6"]],
    "vae_fake.py": [["--epochs", "2"]],
}


def _run(program: str, args: list[str], out: pathlib.Path, ember: bool) -> list[str]:
    script = str(ROOT / "tests" / "programs" / program)
    if program in ("classify_cnn.py", "char_lstm.py"):
        args = [*args, "--out", str(out)]
    cmd = [sys.executable] + (["-m", "ember.as_torch"] if ember else []) + [script, *args]
    env = dict(os.environ, PYTHONPATH=str(ROOT), OMP_NUM_THREADS="1")
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300, cwd=out, env=env,
                          check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout.splitlines()


@pytest.mark.parametrize("program", list(PROGRAMS))
def test_program_prints_what_torch_prints(program, tmp_path):
    for framework in ("torch", "ember"):
        (tmp_path / framework).mkdir()
    for args in PROGRAMS[program]:  # later runs continue from the files earlier runs wrote
        want = _run(program, args, tmp_path / "torch", ember=False)
        have = _run(program, args, tmp_path / "ember", ember=True)
        assert want, f"{program} printed nothing under torch"
        diffs = [f"line {i + 1}: torch {w!r}\n         ember {h!r}"
                 for i, (w, h) in enumerate(zip(want, have)) if not same_line(w, h)]
        if len(want) != len(have):
            diffs.append(f"torch printed {len(want)} lines, ember {len(have)}")
        assert not diffs, "\n".join(diffs[:10])
    if program == "classify_cnn.py":  # TensorBoard event files were written by both
        assert list((tmp_path / "ember" / "runs").glob("events.out.tfevents.*"))
