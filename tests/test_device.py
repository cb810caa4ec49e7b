"""ember.device against torch.device: parsing, equality, hashing, printing and errors."""
from __future__ import annotations

import pickle

import numpy as np
import pytest

import ember
from tests.oracle import assert_same, check, check_raises


def same(fn):
    return check(fn, inputs=[], grad=False)


@pytest.mark.parametrize("args", [("cpu",), ("cuda:1",), ("cuda", 0), ("cuda",), ("cuda:0",),
                                  ("meta",), ("mps",), ("cpu:0",), ("cuda", 3)])
def test_device_parsing(args):
    same(lambda lib: (repr(lib.device(*args)), str(lib.device(*args)), lib.device(*args).type,
                      lib.device(*args).index))


def test_device_index_keyword_and_copy():
    same(lambda lib: repr(lib.device("cuda", index=3)))
    same(lambda lib: repr(lib.device(lib.device("cuda:2"))))


@pytest.mark.parametrize("fn", [
    lambda lib: lib.device("cuda:1") == lib.device("cuda", 1),
    lambda lib: lib.device("cuda") == lib.device("cuda:0"),
    lambda lib: lib.device("cpu") == "cpu",
    lambda lib: lib.device("cpu") == lib.device("cpu", 0),
    lambda lib: lib.device("cpu") != lib.device("cuda"),
    lambda lib: hash(lib.device("cpu")) == hash(lib.device("cpu")),
    lambda lib: {lib.device("cpu"): 1}[lib.device("cpu")],
    lambda lib: repr(pickle.loads(pickle.dumps(lib.device("cuda:1")))),
    lambda lib: lib.ones(2).device == lib.device("cpu"),
    lambda lib: repr(lib.ones(2, device="cpu").device),
    lambda lib: repr(lib.zeros(2, device=lib.device("cpu")).device),
    lambda lib: repr(lib.zeros(2, device="cpu:0").device),
])
def test_device_equality_and_use(fn):
    same(fn)


@pytest.mark.parametrize("fn", [
    lambda lib: lib.device("gpu"), lambda lib: lib.device("cuda:x"), lambda lib: lib.device("cuda:-1"),
    lambda lib: lib.device("cuda", -1), lambda lib: lib.device("cuda:0", 1),
    lambda lib: lib.device(" cpu"), lambda lib: lib.device("cuda:01"), lambda lib: lib.device("CPU"),
    lambda lib: lib.device("cuda:"), lambda lib: lib.device(True), lambda lib: lib.device(1.5),
])
def test_device_errors(fn):
    check_raises(fn, inputs=[])


def test_int_device_without_gpu():
    if ember.cuda.is_available():
        assert ember.device(1) == ember.device("cuda:1")
    else:
        check_raises(lambda lib: lib.device(1), inputs=[])


def test_tensors_on_the_device_fixture(device):
    """Tensors made on `device` (cpu; cuda too where CuPy and a GPU are present) report it and
    hold the values torch computes on the CPU."""
    import torch

    e = (ember.arange(6.0, device=device).reshape(2, 3) * 2).softmax(1)
    assert e.device == ember.device(device) and e.is_cuda == (device == "cuda")
    assert_same(e.cpu(), (torch.arange(6.0).reshape(2, 3) * 2).softmax(1))


def test_default_device_and_device_context():
    import torch

    for lib in (torch, ember):
        assert lib.get_default_device() == lib.device("cpu")
        lib.set_default_device("cpu")
        assert lib.ones(2).device == lib.device("cpu")
        lib.set_default_device("cuda")  # accepted without a GPU; the factories then fail
        try:
            with pytest.raises(AssertionError, match="Torch not compiled with CUDA enabled"):
                lib.zeros(2)
            assert lib.zeros_like(lib.from_numpy(np.ones(2))).device == lib.device("cpu")
        finally:
            lib.set_default_device(None)
        assert lib.get_default_device() == lib.device("cpu")
        with lib.device("cuda"):
            with pytest.raises(AssertionError, match="Torch not compiled with CUDA enabled"):
                lib.arange(3)
            with lib.device("cpu"):
                assert lib.rand(2).device == lib.device("cpu")
        assert lib.tensor([1.0]).device == lib.device("cpu")
