"""Shared fixtures: `device` runs a test on cpu, and on cuda where CuPy and a GPU are present."""
from __future__ import annotations

import pytest

import ember

_DEVICES = ["cpu"] + (["cuda"] if ember.cuda.is_available() else []) \
    if hasattr(ember, "cuda") else ["cpu"]


@pytest.fixture(params=_DEVICES)
def device(request):
    return request.param


@pytest.fixture(autouse=True)
def _restore_global_state():
    """Tests that change the default dtype or grad mode must not leak into others."""
    default = ember.get_default_dtype()
    yield
    ember.set_default_dtype(default)
    ember.set_grad_enabled(True)
