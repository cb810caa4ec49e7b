"""`import ember` imports no optional package: ml_dtypes loads on the first bfloat16 use, and
without it bfloat16 fails with a clear error naming the package to install."""
from __future__ import annotations

import os
import pathlib
import pickle
import re
import subprocess
import sys

import torch

import ember

ROOT = pathlib.Path(__file__).resolve().parent.parent
ENV = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
OPTIONAL = {"ml_dtypes", "yaml", "tqdm", "matplotlib", "PIL", "soundfile", "cupy", "mpi4py",
            "tensorboard", "onnx", "torch", "safetensors", "scipy"}
_IMPORT_LINE = re.compile(r"import time:\s+\d+ \|\s+(\d+) \| (\s*)(\S+)")


def _python(code: str, *flags: str) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, *flags, "-c", code], capture_output=True, text=True,
                          timeout=120, env=ENV, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


def test_import_loads_no_optional_package_and_is_quick():
    """ml_dtypes alone took ~1 s when ember imported it eagerly. The bound is generous and on CPU
    time, the best of three runs: the test machine is shared (0.3 s is the target on a quiet one)."""
    err = _python("import ember", "-X", "importtime").stderr
    loaded = {m.group(3).split(".")[0] for m in map(_IMPORT_LINE.match, err.splitlines()) if m}
    assert "ember" in loaded
    assert not loaded & OPTIONAL, sorted(loaded & OPTIONAL)
    code = "import time\nt = time.process_time()\nimport ember\nprint(time.process_time() - t)"
    best = min(float(_python(code).stdout) for _ in range(3))
    assert best < 1.5, f"import ember took {best:.2f} s of CPU time"


def test_bfloat16_loads_ml_dtypes_on_first_use():
    code = """
import sys
import numpy as np
import ember
assert "ml_dtypes" not in sys.modules
assert repr(ember.bfloat16) == "torch.bfloat16" and ember.bfloat16.is_floating_point
assert ember.bfloat16.itemsize == 2 and ember.promote_types(ember.bfloat16, ember.float16) is ember.float32
assert "ml_dtypes" not in sys.modules
t = ember.tensor([1.0, 1 / 3]).bfloat16()
assert "ml_dtypes" in sys.modules and t.dtype is ember.bfloat16
print(t)
print(ember.finfo(ember.bfloat16).eps)
"""
    lines = _python(code).stdout.splitlines()
    ref = torch.tensor([1.0, 1 / 3]).bfloat16()
    assert lines == [repr(ref), repr(torch.finfo(torch.bfloat16).eps)]


def test_an_ml_dtypes_array_from_numpy_is_bfloat16_before_any_other_use():
    code = """
import ml_dtypes, numpy as np
import ember
t = ember.from_numpy(np.array([1.5, -2.0], dtype=ml_dtypes.bfloat16))
print(t.dtype, t.tolist())
"""
    assert _python(code).stdout.split("\n")[0] == "torch.bfloat16 [1.5, -2.0]"


def test_bfloat16_pickles_as_the_same_object():
    assert pickle.loads(pickle.dumps(ember.bfloat16)) is ember.bfloat16


def test_without_ml_dtypes_bfloat16_use_is_a_clear_error():
    code = """
import sys
sys.modules["ml_dtypes"] = None  # as on a base install
import ember
print(ember.bfloat16, ember.bfloat16.is_floating_point, ember.tensor([2.5]).item())
for make in (lambda: ember.finfo(ember.bfloat16), lambda: ember.zeros(2, dtype=ember.bfloat16),
             lambda: ember.tensor([1.0], dtype=ember.bfloat16)):
    try:
        make()
    except RuntimeError as exc:
        print(exc)
"""
    lines = _python(code).stdout.splitlines()
    assert lines[0] == "torch.bfloat16 True 2.5"
    assert len(lines) == 4
    for line in lines[1:]:
        assert "ml_dtypes package" in line and "pip install 'ember[bf16]'" in line, line


def test_half_precision_notebook_program_runs_without_ml_dtypes():
    program = ROOT / "examples" / "spec_notebook" / "15_half_precision.py"
    code = ("import runpy, sys\nsys.modules['ml_dtypes'] = None\nsys.argv = [sys.argv[0]]\n"
            f"runpy.run_path({str(program)!r}, run_name='__main__')")
    proc = _python(code)
    assert "torch.float16" in proc.stdout
    assert "note: skipped the bfloat16 lines: bfloat16 needs the ml_dtypes package" in proc.stderr


def test_bfloat16_checkpoints_load_in_a_fresh_process(tmp_path):
    """Reading bf16 data (torch's zip checkpoint, safetensors) is a first use that loads ml_dtypes."""
    from safetensors.torch import save_file

    values = torch.tensor([1.0, -2.5, 1 / 3]).bfloat16()
    torch.save({"w": values}, tmp_path / "w.pt")
    save_file({"w": values}, str(tmp_path / "w.safetensors"))
    code = f"""
import ember
from ember.utils import safetensors
for w in (ember.load({str(tmp_path / "w.pt")!r})["w"],
          safetensors.load(open({str(tmp_path / "w.safetensors")!r}, "rb").read())["w"]):
    print(w.dtype, w.float().tolist())
"""
    expected = f"torch.bfloat16 {values.float().tolist()}"
    assert _python(code).stdout.splitlines() == [expected, expected]
