"""Top-level switches (deterministic algorithms, warn-always, flush-denormal, the legacy default
tensor type, has_*) behave as torch's."""
from __future__ import annotations

import warnings

import pytest
import torch

import ember


@pytest.fixture(autouse=True)
def _restore():
    yield
    for lib in (torch, ember):
        lib.use_deterministic_algorithms(False)
        lib.set_warn_always(False)
        lib.set_default_dtype(lib.float32)


def test_deterministic_switches():
    for lib in (torch, ember):
        assert lib.get_deterministic_debug_mode() == 0
        lib.set_deterministic_debug_mode("warn")
        assert (lib.get_deterministic_debug_mode(), lib.are_deterministic_algorithms_enabled(),
                lib.is_deterministic_algorithms_warn_only_enabled()) == (1, True, True)
        lib.use_deterministic_algorithms(True)
        assert lib.get_deterministic_debug_mode() == 2
        with pytest.raises(RuntimeError, match="invalid value of debug_mode"):
            lib.set_deterministic_debug_mode("x")
        lib.set_warn_always(True)
        assert lib.is_warn_always_enabled()
        assert lib.set_flush_denormal(False) is True
        assert lib.has_lapack and lib.has_spectral


def test_set_default_tensor_type():
    for lib in (torch, ember):
        with warnings.catch_warnings(record=True) as caught:  # torch warns once per process
            warnings.simplefilter("always")
            lib.set_default_tensor_type(lib.DoubleTensor)
            assert lib.get_default_dtype() == lib.float64
            lib.set_default_tensor_type("torch.FloatTensor")
            assert lib.get_default_dtype() == lib.float32
        assert all("set_default_tensor_type() is deprecated" in str(w.message) for w in caught)
