"""Each program in examples/spec_notebook/ (one per section of the spec notebook) prints the same
under ember as under PyTorch: run with and without `--torch`, compared line by line, tolerating
only float32 last-digit rounding (tests/test_spec_examples.py's `same_line`).

All programs run in one process per framework (examples/spec_notebook/_run_all.py), the two
processes side by side, so that torch is imported once: the file stays fast."""
from __future__ import annotations

import json
import os
import pathlib
import re
import subprocess
import sys

import pytest

from tests.test_spec_examples import same_line

ROOT = pathlib.Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "examples" / "spec_notebook"
PROGRAMS = sorted(p.name for p in NOTEBOOK.glob("[0-9][0-9]_*.py"))
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+>")


def _start(use_torch: bool) -> subprocess.Popen:
    args = [sys.executable, str(NOTEBOOK / "_run_all.py")] + (["--torch"] if use_torch else [])
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
               OMP_NUM_THREADS="1")  # tiny workloads: torch's thread pool only adds contention
    return subprocess.Popen(args + PROGRAMS, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, cwd=ROOT, env=env)


def _collect(proc: subprocess.Popen) -> dict:
    stdout, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 0, stderr[-3000:]
    return json.loads(stdout)


@pytest.fixture(scope="module")
def outputs():
    ref, got = _start(use_torch=True), _start(use_torch=False)
    return _collect(ref), _collect(got)


def lines_of(stdout: str) -> list[str]:
    return [_ADDRESS.sub(" at 0x…>", line) for line in stdout.splitlines()]


@pytest.mark.parametrize("name", PROGRAMS)
def test_ember_prints_what_torch_prints(outputs, name):
    ref, got = outputs[0][name], outputs[1][name]
    assert ref["error"] is None, ref["error"]
    want, have = lines_of(ref["stdout"]), lines_of(got["stdout"])
    assert want, f"{name} printed nothing under torch"
    diffs = [f"line {i + 1}: torch {w!r}\n         ember {h!r}"
             for i, (w, h) in enumerate(zip(want, have)) if not same_line(w, h)]
    if len(want) != len(have):
        diffs.append(f"torch printed {len(want)} lines, ember {len(have)}")
    tail = got["error"].strip().splitlines()[-1:] if got["error"] else []
    assert not diffs and got["error"] is None, "\n".join(diffs + tail)


def test_ember_run_does_not_import_torch(outputs):
    assert outputs[0]["_torch_imported"] is True
    assert outputs[1]["_torch_imported"] is False


def test_each_program_runs_standalone_and_prints_the_same():
    """The in-process runner matches running a program on its own (checked on one program)."""
    name = "07_optimizer.py"
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    alone = subprocess.run([sys.executable, str(NOTEBOOK / name)], capture_output=True,
                           text=True, timeout=120, cwd=ROOT, env=env, check=True).stdout
    runner = subprocess.run([sys.executable, str(NOTEBOOK / "_run_all.py"), name],
                            capture_output=True, text=True, timeout=120, cwd=ROOT, env=env,
                            check=True).stdout
    assert json.loads(runner)[name]["stdout"] == alone


def test_readme_lists_every_program():
    readme = (NOTEBOOK / "README.md").read_text(encoding="utf-8")
    assert len(PROGRAMS) >= 8
    missing = [name for name in PROGRAMS if f"`{name}`" not in readme]
    assert not missing, f"README.md does not list {missing}"
