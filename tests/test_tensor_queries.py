"""Top-level Tensor queries (is_nonzero, is_same_size, is_signed, is_inference, get_device,
is_storage) and detach/detach_ as functions, against torch."""
from __future__ import annotations

import pytest
import torch

import ember


def test_queries():
    for lib in (torch, ember):
        assert lib.is_nonzero(lib.tensor([0.5])) and not lib.is_nonzero(lib.tensor(0))
        for bad, msg in ((lib.ones(2), "more than one value"), (lib.ones(0), "no values")):
            with pytest.raises(RuntimeError, match=msg):
                lib.is_nonzero(bad)
        assert lib.is_same_size(lib.ones(2, 3), lib.zeros(2, 3))
        assert not lib.is_same_size(lib.ones(2), lib.ones(2, 1))
        assert lib.is_signed(lib.ones(1)) and not lib.is_signed(lib.ones(1, dtype=lib.uint8))
        assert not lib.is_inference(lib.ones(1)) and lib.get_device(lib.ones(1)) == -1
        assert not lib.is_storage(lib.ones(1))
        assert lib.is_storage(lib.ones(1).untyped_storage())
        x = lib.ones(2, requires_grad=True) * 2
        assert not lib.detach(x).requires_grad
        lib.detach_(x)
        assert not x.requires_grad
