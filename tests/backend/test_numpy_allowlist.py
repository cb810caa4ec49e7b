"""No NumPy outside ember/backend/ except the explicit allowlist (tests/backend/numpy_allowlist.txt):
a new use fails, and so does an entry no longer used, so the list can only shrink."""
from __future__ import annotations

import ast
import os

from tests.backend import numpy_allowlist as al

FIX = "move it behind ember.backend, or allow it: python -m tests.backend.numpy_allowlist --write"


def test_no_numpy_use_outside_the_allowlist():
    new = sorted(al.scan() - al.read().keys())
    assert not new, f"NumPy used outside ember/backend/ ({FIX}):\n" + "\n".join(
        f"  {path}: np.{name}" for path, name in new)


def test_no_stale_allowlist_entries():
    stale = sorted(al.read().keys() - al.scan())
    assert not stale, "allowlist entries no longer used (delete them, or --write):\n" + \
        "\n".join(f"  {path}: {name}" for path, name in stale)


def test_every_entry_names_a_file_outside_backend_and_a_reason():
    for (path, name), why in al.read().items():
        assert os.path.isfile(os.path.join(al.ROOT, path)), path
        assert not path.startswith(al.EXEMPT) and name and why.strip(), (path, name)


def test_scanner_sees_every_form_of_use():
    src = """
import numpy as np
import numpy
import numpy.fft
from numpy import pi as PI, float32
from numpy.lib.stride_tricks import as_strided
from .backend import array_module

def f(x, xp=np):
    y = np.linalg.norm(x) + numpy.sum(x) + np.float64(2)
    return isinstance(x, np.ndarray) and xp is np
"""
    assert al._uses_in(ast.parse(src)) == {"pi", "float32", "lib", "fft", "linalg", "sum",
                                           "float64", "ndarray", "<module>"}
    assert al._uses_in(ast.parse("import numpyx\nfrom numpyx import a\nnp = 1\nnp.x")) == set()


def test_reasons_given_to_new_entries():
    assert al.reason("ember/ops/x.py", "float32") == "dtype objects"
    assert al.reason("ember/ops/x.py", "ndarray") == "type checks: fast path on host arrays"
    assert al.reason("ember/serialization.py", "frombuffer") == "host-only I/O"
    assert al.reason("ember/ops/x.py", "matmul").startswith("array math on tensor data")


def test_backend_modules_are_exempt_and_the_owned_device_files_use_no_numpy():
    uses = al.scan()
    assert not any(path.startswith(al.EXEMPT) for path, _ in uses)
    owned = ("ember/device.py", "ember/accelerator.py", "ember/cuda/", "ember/backends/")
    assert not [u for u in uses if u[0].startswith(owned)]
