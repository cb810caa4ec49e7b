"""`python -m ember` reports the versions, NumPy's BLAS and the optional extras, importing none."""
from __future__ import annotations

import importlib.util
import os
import pathlib
import platform
import re
import subprocess
import sys

import numpy as np

import ember
from ember.__main__ import EXTRAS

ROOT = pathlib.Path(__file__).resolve().parent.parent
ENV = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
# Runs `python -m ember`, then lists on stderr the optional packages that ended up imported.
PROBE = ("import runpy, sys\ntry:\n    runpy.run_module('ember', run_name='__main__')\n"
         "finally:\n    print(sorted(m for m in {names!r} if sys.modules.get(m)), file=sys.stderr)")


def _run(prelude: str = "") -> tuple[list[str], str]:
    names = [module for module, *_ in EXTRAS]
    proc = subprocess.run([sys.executable, "-c", prelude + PROBE.format(names=names)],
                          capture_output=True, text=True, timeout=120, env=ENV, check=False)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.splitlines(), proc.stderr.strip()


def test_reports_versions_blas_and_extras_without_importing_them():
    lines, imported = _run()
    assert imported == "[]"
    assert lines[0].startswith(f"ember {ember.__version__} (")
    assert lines[1].startswith(f"Python {platform.python_version()} (")
    assert lines[2] == f"NumPy {np.__version__}"
    blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
    assert lines[3].startswith(f"BLAS: {blas['name']} {blas.get('version', '')}".rstrip())
    assert lines[4].startswith("LAPACK: ")
    assert lines[5] == "optional extras:"
    assert len(lines) == 6 + len(EXTRAS) and max(map(len, lines)) < 120  # no dumped dicts
    for line, (module, dist, _, _) in zip(lines[6:], EXTRAS):
        name, state = line.split()[:2]
        assert name == dist
        assert (state != "not") == (importlib.util.find_spec(module) is not None), line
        if state != "not":
            assert re.match(r"\d", state), line


def test_a_hidden_extra_is_reported_missing_with_its_pip_extra():
    lines, imported = _run("import sys\nsys.modules['ml_dtypes'] = None\n")
    assert imported == "[]"
    line = next(line for line in lines if line.split()[0] == "ml_dtypes")
    assert "not installed" in line and "pip install 'ember[bf16]'" in line
