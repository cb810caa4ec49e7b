"""examples/finetune_resnet18.py prints the same lines under ember and under torch + torchvision:
the ImageFolder split, the frozen backbone's parameter counts and every epoch's losses and
accuracies (an empty hub cache, so both start from the same seeded random backbone)."""
from __future__ import annotations

import os
import pathlib
import subprocess
import sys

from tests.test_spec_examples import same_line

ROOT = pathlib.Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "finetune_resnet18.py"


def _run(tmp_path: pathlib.Path, *args: str) -> list[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), TORCH_HOME=str(tmp_path / "hub"),
               OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    proc = subprocess.run([sys.executable, str(EXAMPLE), "--epochs", "2", "--image-size", "24",
                           *args], capture_output=True, text=True, timeout=300, cwd=tmp_path,
                          env=env, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout.splitlines()


def test_finetune_example_prints_what_torch_prints(tmp_path):
    want, have = _run(tmp_path, "--torch"), _run(tmp_path)
    assert len(want) == 5 and want[1].startswith("backbone: random weights"), want
    assert want[-1].startswith("epoch 2: train loss"), want
    assert len(have) == len(want), (want, have)
    diffs = [(w, h) for w, h in zip(want, have) if not same_line(w, h)]
    assert not diffs, diffs
