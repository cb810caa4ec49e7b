"""Run one torch.func program under torch and under ember and compare everything it returns.

`fn(lib, F)` gets the library and its `func` namespace; tensors are compared with their
requires_grad flag (which tells whether a transform handed back a graph), dicts by sorted keys.
"""
from __future__ import annotations

import importlib

import numpy as np
import torch

import ember
from tests.autograd._both import same


def _plain(x):
    if isinstance(x, (torch.Tensor, ember.Tensor)):
        return x, x.requires_grad
    if isinstance(x, dict):
        return tuple((k, _plain(x[k])) for k in sorted(x))
    if isinstance(x, (tuple, list)):
        return tuple(_plain(v) for v in x)
    return x


def both(fn, **kw):
    """fn(lib, lib.func) agrees under torch and ember (results, or the exception type)."""
    return same(lambda lib: _plain(fn(lib, importlib.import_module(lib.__name__ + ".func"))),
                **kw)


def arr(lib, *shape, seed: int = 0, dtype: str = "float64", requires_grad: bool = False):
    """The same seeded normal tensor in either library."""
    a = np.random.default_rng(seed).standard_normal(shape)
    return lib.tensor(a, dtype=getattr(lib, dtype), requires_grad=requires_grad)


__all__ = ["arr", "both", "ember", "torch"]
