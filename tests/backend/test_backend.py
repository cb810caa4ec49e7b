"""ember.backend: array_module, device moves and availability, on every device the `device`
fixture offers (cpu; cuda where CuPy and a GPU are present), and against torch where torch has
the same surface."""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import torch

import ember
from ember import backend
from ember.backend import cupy_backend, numpy_backend
from tests.oracle import check, check_raises

INTERFACE = ("DEVICE_TYPE", "module", "is_available", "device_count", "owns", "device_of",
             "to_host", "from_host")
CUDA = ember.cuda.is_available()


def same(fn):
    return check(fn, inputs=[], grad=False)


def test_array_module_of_a_tensor_on_each_device(device):
    t = ember.arange(6, dtype=ember.float32, device=device).reshape(2, 3)
    xp = backend.array_module(t._data)
    assert xp is backend.backend_for(device).module()
    assert (xp is np) == (device == "cpu")
    assert backend.device_of(t._data) == str(ember.device(device, 0 if device == "cuda" else None))


def test_array_module_of_host_values_is_numpy():
    for x in (np.ones(3), np.ones((2, 2))[:, 0], np.float32(1.5), np.int64(3), np.ones(2).view(
            np.recarray), 2.5, 3, [1.0]):
        assert backend.array_module(x) is np, type(x)
    assert backend.device_of(np.ones(2)) == "cpu"


def test_to_device_round_trip(device):
    a = np.arange(12, dtype=np.float32).reshape(3, 4)
    moved = backend.to_device(a, ember.device(device))
    assert backend.device_of(moved) == ("cpu" if device == "cpu" else "cuda:0")
    if device == "cpu":
        assert moved is a  # already there: no copy
    back = backend.to_device(moved, ember.device("cpu"))
    assert type(back) is np.ndarray and back.dtype == a.dtype and np.array_equal(back, a)


def test_tensor_moves_keep_values(device):
    t = ember.tensor([[1.0, -2.0], [3.5, 0.25]])
    on = t.to(device)
    assert on.device == ember.device(device, 0 if device == "cuda" else None)
    assert on.cpu().tolist() == t.tolist() and (on * 2).device == on.device


@pytest.mark.skipif(CUDA, reason="a GPU is present")
@pytest.mark.parametrize("fn", [
    lambda lib: lib.ones(2, device="cuda"),
    lambda lib: lib.ones(2).to("cuda"),
    lambda lib: lib.ones(2).cuda(),
    lambda lib: lib.cuda.current_device(),
])
def test_cuda_unavailable_raises_torchs_error(fn):
    check_raises(fn, inputs=[], match="^Torch not compiled with CUDA enabled$")


@pytest.mark.skipif(CUDA, reason="a GPU is present")
def test_backend_without_cuda():
    with pytest.raises(AssertionError, match="^Torch not compiled with CUDA enabled$"):
        backend.to_device(np.ones(2), ember.device("cuda", 1))
    assert not backend.cuda_available() and backend.cuda_device_count() == 0
    assert not cupy_backend.owns(np.ones(2)) and cupy_backend.load() is None


@pytest.mark.skipif(CUDA, reason="torch is a CPU build: it agrees only where no GPU is present")
@pytest.mark.parametrize("fn", [
    lambda lib: lib.cuda.is_available(),
    lambda lib: lib.cuda.device_count(),
    lambda lib: lib.accelerator.is_available(),
    lambda lib: lib.accelerator.device_count(),
    lambda lib: lib.accelerator.current_accelerator(),
])
def test_availability_matches_torch(fn):
    assert fn(ember) == fn(torch)


@pytest.mark.parametrize("spec", ["cpu", "cuda", "cuda:0", "cuda:3", "meta"])
def test_device_parsing_and_equality_match_torch(spec):
    same(lambda lib: (repr(lib.device(spec)), str(lib.device(spec)),
                      lib.device(spec) == lib.device(str(lib.device(spec))),
                      lib.device(spec) == lib.device("cuda", 0), lib.device(spec).index))


def test_every_backend_has_the_interface():
    for module in (numpy_backend, cupy_backend):
        missing = [name for name in INTERFACE if not hasattr(module, name)]
        assert not missing, (module.__name__, missing)
    assert backend.backend_for("cpu") is numpy_backend
    assert backend.backend_for("cuda") is cupy_backend
    assert numpy_backend.is_available() and numpy_backend.device_count() == 1
    assert numpy_backend.owns(np.ones(1)) and not numpy_backend.owns([1.0])
    with pytest.raises(RuntimeError, match="no backend for device type 'mps'"):
        backend.backend_for("mps")


def test_import_ember_loads_no_gpu_backend():
    code = ("import sys, ember; ember.ones(2) + 1; "
            "print('cupy' in sys.modules, 'ember.backend.cupy_backend' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=60)
    assert out.stdout.split() == ["False", "False"]


class _FakeArray:
    """A device array as CuPy has it: .device.id, .get() to the host."""

    def __init__(self, host, device_id):
        self.host, self.device = np.array(host), type("Device", (), {"id": device_id})()

    def get(self):
        return self.host.copy()


def _fake_cupy():
    cp = type("FakeCuPy", (), {"ndarray": _FakeArray})()
    current = [0]

    class Device:
        def __init__(self, i):
            self.i = i

        def __enter__(self):
            self.prev, current[0] = current[0], self.i

        def __exit__(self, *exc):
            current[0] = self.prev

    runtime = type("Runtime", (), {"getDeviceCount": staticmethod(lambda: 2)})()
    cp.cuda = type("Cuda", (), {"Device": Device, "runtime": runtime})()
    cp.asarray = lambda x: _FakeArray(x.get() if isinstance(x, _FakeArray) else x, current[0])
    return cp


def test_the_cuda_side_of_the_seam_through_a_fake_cupy(monkeypatch):
    cp = _fake_cupy()
    monkeypatch.setattr(backend, "_cupy", cp)
    assert backend.cuda_available() and backend.cuda_device_count() == 2
    on = backend.to_device(np.arange(3.0), ember.device("cuda:1"))
    assert type(on) is _FakeArray and backend.device_of(on) == "cuda:1"
    assert backend.array_module(on) is cp and backend.array_module(np.ones(1)) is np
    moved = backend.to_device(on, ember.device("cuda"))  # default index 0
    assert backend.device_of(moved) == "cuda:0"
    back = backend.to_device(on, ember.device("cpu"))
    assert type(back) is np.ndarray and back.tolist() == [0.0, 1.0, 2.0]
