"""`out=` where torch has it: every torch function whose documentation lists an `out` tensor and
that ember has accepts `out=`, and the ones added last write torch's values into the given tensor
(resized, returned as the result)."""
from __future__ import annotations

import inspect
import re
import warnings

import numpy as np
import pytest
import torch

import ember


def _takes_out(fn) -> bool:
    try:
        params = inspect.signature(fn, follow_wrapped=False).parameters
    except (TypeError, ValueError):  # builtins without a signature: nothing to check
        return True
    return "out" in params or any(p.kind is p.VAR_KEYWORD for p in params.values())


# torch documents `out` for these, but none of their overloads accepts it (TypeError)
DOCUMENTED_ONLY = {"std_mean", "var_mean"}


def test_every_function_torch_documents_out_for_accepts_it():
    for name in DOCUMENTED_ONLY:
        with pytest.raises(TypeError):
            getattr(torch, name)(torch.ones(2, 2), 0, out=(torch.empty(0), torch.empty(0)))
    missing = []
    for name in sorted(set(dir(torch)) - DOCUMENTED_ONLY):
        t, e = getattr(torch, name, None), getattr(ember, name, None)
        if name.startswith("_") or e is None or not callable(e) or isinstance(t, type):
            continue
        if re.search(r"\bout \(Tensor", getattr(t, "__doc__", None) or "") and not _takes_out(e):
            missing.append(name)
    assert not missing, f"ember functions without out= where torch documents it: {missing}"


X = np.random.default_rng(0).standard_normal((3, 4)).astype(np.float32)
X[0, 0], X[1, 1] = np.inf, -np.inf
CALLS = {
    "chain_matmul": (lambda lib, x, o: lib.chain_matmul(x.nan_to_num(), x.nan_to_num().T, out=o),
                     "float32"),
    "isneginf": (lambda lib, x, o: lib.isneginf(x, out=o), "bool"),
    "isposinf": (lambda lib, x, o: lib.isposinf(x, out=o), "bool"),
    "masked_select": (lambda lib, x, o: lib.masked_select(x, x > 0, out=o), "float32"),
    "msort": (lambda lib, x, o: lib.msort(x, out=o), "float32"),
    "narrow_copy": (lambda lib, x, o: lib.narrow_copy(x, 0, 1, 2, out=o), "float32"),
    "renorm": (lambda lib, x, o: lib.renorm(x.nan_to_num(), 2, 0, 1.0, out=o), "float32"),
}


@pytest.mark.parametrize("name", list(CALLS))
def test_out_receives_torch_values(name):
    fn, dtype = CALLS[name]
    got = []
    for lib in (torch, ember):
        out = lib.empty(0, dtype=getattr(lib, dtype))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # chain_matmul's deprecation
            result = fn(lib, lib.tensor(X), out)
        assert result is out
        got.append((tuple(out.shape), out.float().numpy().round(5).tolist()))
    assert got[1] == got[0]
