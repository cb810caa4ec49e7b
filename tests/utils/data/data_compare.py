"""Comparison helpers shared by the utils.data tests: run one function under torch and ember
and require equal results, recursing into dicts, lists, tuples and namedtuples (types must match)."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
from tests.oracle import assert_same


def same(e, t, where="output"):
    """assert_same, extended to dicts and namedtuples (types must match too)."""
    if isinstance(t, dict):
        assert type(e) is type(t) and list(e) == list(t), f"{where}: {e!r} != {t!r}"
        for k in t:
            same(e[k], t[k], f"{where}[{k!r}]")
    elif isinstance(t, (list, tuple)):
        assert type(e) is type(t), f"{where}: {type(e).__name__} != {type(t).__name__}"
        assert len(e) == len(t), f"{where}: length {len(e)} != {len(t)}"
        for i, (a, b) in enumerate(zip(e, t)):
            same(a, b, f"{where}[{i}]")
    elif isinstance(t, (np.ndarray, bytes)):
        assert type(e) is type(t) and np.array_equal(e, t) if isinstance(t, np.ndarray) \
            else e == t, f"{where}: {e!r} != {t!r}"
    else:
        assert_same(e, t, where=where)


def both(fn):
    """fn(lib) under torch and ember; results compared."""
    t = fn(torch)
    e = fn(ember)
    same(e, t)
    return e, t


def raises_same(fn):
    with pytest.raises(Exception) as t_exc:
        fn(torch)
    with pytest.raises(t_exc.type) as e_exc:
        fn(ember)
    return e_exc.value, t_exc.value
