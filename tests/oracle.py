"""PyTorch as the oracle: run one function under torch and under ember on the same inputs and
compare outputs, gradients (under a random upstream gradient) and, with grad2=True, second
derivatives through create_graph. Failures name the element and both values.

    check(lambda x: x.exp(), shapes=[(3, 4), (), (0, 5)])
    check(lambda x, y: x + y, shapes=[(4, 1, 3), (5, 3)])
    check(lambda lib, x: lib.where(x > 0, x, 0.0), shapes=[(3,)])   # `lib` is torch or ember
    check_raises(lambda x, y: x + y, shapes=[(2, 3), (4,)])
"""
from __future__ import annotations

import builtins
import inspect
import math

import numpy as np
import torch

import ember

# dtype-aware tolerances (rtol, atol) for values; gradients get the same, scaled by GRAD_SLACK
TOLERANCES = {
    "float64": (1e-7, 1e-9),
    "float32": (1.3e-5, 1e-5),
    "float16": (1e-3, 1e-3),
    "bfloat16": (1.6e-2, 1e-2),
}
GRAD_SLACK = 4.0

BUILTIN_ERRORS = (IndexError, KeyError, TypeError, ValueError, NotImplementedError,
                  ZeroDivisionError, RuntimeError, AttributeError, AssertionError)


# ---- conversions -------------------------------------------------------------------------------


def torch_dtype(name: str):
    return getattr(torch, name)


def ember_dtype(name: str):
    return getattr(ember, name)


def dtype_name(d) -> str:
    return str(d).replace("torch.", "")


def to_numpy(t) -> np.ndarray:
    """A host copy of a torch or ember tensor (bfloat16 widened to float32)."""
    if isinstance(t, torch.Tensor):
        t = t.detach()
        if t._is_zerotensor():  # torch's lazily-zero gradients (abs'' and sgn') have no storage
            t = torch.zeros(t.shape, dtype=t.dtype)
        if t.dtype == torch.bfloat16:
            t = t.float()
        return t.cpu().numpy().copy()
    a = np.asarray(t.detach()._host())
    if dtype_name(t.dtype) == "bfloat16":
        a = a.astype(np.float32)
    return a.copy()


def to_ember(t: torch.Tensor, requires_grad: bool | None = None):
    """An ember tensor with the same values and dtype as torch tensor `t`."""
    name = dtype_name(t.dtype)
    if name == "bfloat16":
        arr = t.detach().float().numpy().astype(ember.bfloat16.np_dtype)
    else:
        arr = t.detach().cpu().numpy()
    e = ember.from_numpy(np.array(arr, copy=True, order="K"))  # keep torch's layout
    rg = t.requires_grad if requires_grad is None else requires_grad
    if rg:
        e.requires_grad_(True)
    return e


def to_torch(e, requires_grad: bool | None = None) -> torch.Tensor:
    """A torch tensor with the same values and dtype as ember tensor `e`."""
    name = dtype_name(e.dtype)
    arr = np.asarray(e.detach()._host())
    if name == "bfloat16":
        t = torch.from_numpy(arr.astype(np.float32).copy()).to(torch.bfloat16)
    else:
        t = torch.from_numpy(arr.copy())
    rg = e.requires_grad if requires_grad is None else requires_grad
    return t.requires_grad_(rg) if rg else t


# ---- inputs ------------------------------------------------------------------------------------


def make_array(shape, dtype: str, rng: np.random.Generator, low=-2.0, high=2.0) -> np.ndarray:
    """A random host array of `shape` and ember/torch dtype name (always an ndarray, even 0-d)."""
    if dtype == "bool":
        arr = rng.random(shape) < 0.5
    elif dtype == "uint8":
        arr = rng.integers(0, max(int(high), 1) + 5, size=shape)
    elif dtype.startswith("int"):
        arr = rng.integers(math.floor(low), math.ceil(high) + 1, size=shape)
    else:
        arr = rng.uniform(low, high, size=shape)
    return np.asarray(arr).astype(np.float32 if dtype == "bfloat16" else dtype)


def _make_pair(arr: np.ndarray, dtype: str, requires_grad: bool):
    t = torch.from_numpy(np.array(arr, copy=True))
    if dtype == "bfloat16":
        t = t.to(torch.bfloat16)
    e = to_ember(t, requires_grad=False)
    if requires_grad:
        t.requires_grad_(True)
        e.requires_grad_(True)
    return t, e


def _wants_lib(fn) -> bool:
    try:
        params = list(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        return False
    return bool(params) and params[0] == "lib"


def _call(fn, lib, args):
    return fn(lib, *args) if _wants_lib(fn) else fn(*args)


def build_inputs(shapes=None, inputs=None, dtype="float32", dtypes=None, requires_grad=True,
                 low=-2.0, high=2.0, seed=0):
    """Matching (torch_args, ember_args): random arrays for `shapes`, or the given `inputs`.

    An entry of `inputs` may be a NumPy array (becomes a tensor), or anything else (passed as is
    to both sides: Python numbers, tuples, None). `dtypes` gives one dtype name per shape.
    """
    rng = np.random.default_rng(seed)
    t_args, e_args = [], []
    if inputs is None:
        dtypes = dtypes or [dtype] * len(shapes)
        inputs = [make_array(s, d, rng, low, high) for s, d in zip(shapes, dtypes)]
    else:
        dtypes = dtypes or [dtype_name_of_array(a) if isinstance(a, np.ndarray) else None
                            for a in inputs]
    for arr, d in zip(inputs, dtypes):
        if isinstance(arr, np.ndarray):
            floating = d in ("float16", "bfloat16", "float32", "float64")
            t, e = _make_pair(arr, d, requires_grad and floating)
            t_args.append(t)
            e_args.append(e)
        else:
            t_args.append(arr)
            e_args.append(arr)
    return t_args, e_args


def dtype_name_of_array(a: np.ndarray) -> str:
    return "bool" if a.dtype == np.bool_ else str(a.dtype)


# ---- comparison ----------------------------------------------------------------------------------


def _tol(dtype: str, rtol, atol, slack=1.0):
    r, a = TOLERANCES.get(dtype, (0.0, 0.0))
    return (rtol if rtol is not None else r * slack), (atol if atol is not None else a * slack)


def assert_same(e_out, t_out, rtol=None, atol=None, where="output", slack=1.0, check_dtype=True):
    """Recursively compare an ember result with a torch result: types, shapes, dtypes, values."""
    if isinstance(t_out, torch.Tensor):
        assert isinstance(e_out, ember.Tensor), f"{where}: ember gave {type(e_out).__name__}, " \
                                                "torch gave a Tensor"
        assert tuple(e_out.shape) == tuple(t_out.shape), \
            f"{where}: shape {tuple(e_out.shape)} != torch {tuple(t_out.shape)}"
        tname, ename = dtype_name(t_out.dtype), dtype_name(e_out.dtype)
        if check_dtype:
            assert ename == tname, f"{where}: dtype {ename} != torch {tname}"
        r, a = _tol(tname, rtol, atol, slack)
        assert_values(to_numpy(e_out), to_numpy(t_out), r, a, where)
        return
    if isinstance(t_out, torch.Size):
        assert tuple(e_out) == tuple(t_out), f"{where}: size {tuple(e_out)} != {tuple(t_out)}"
        return
    if isinstance(t_out, (tuple, list)):
        assert isinstance(e_out, (tuple, list)), f"{where}: ember gave {type(e_out).__name__}"
        assert len(e_out) == len(t_out), f"{where}: {len(e_out)} results != torch {len(t_out)}"
        for i, (e, t) in enumerate(zip(e_out, t_out)):
            assert_same(e, t, rtol, atol, f"{where}[{i}]", slack, check_dtype)
        return
    if isinstance(t_out, torch.dtype):
        assert dtype_name(e_out) == dtype_name(t_out), f"{where}: {e_out} != {t_out}"
        return
    if isinstance(t_out, float) and math.isnan(t_out):
        assert isinstance(e_out, float) and math.isnan(e_out), f"{where}: {e_out!r} != nan"
        return
    if isinstance(t_out, (bool, int, float, str)) or t_out is None:
        assert type(e_out) is type(t_out), \
            f"{where}: ember gave {type(e_out).__name__}, torch {type(t_out).__name__}"
        if isinstance(t_out, float):
            r, a = _tol("float64", rtol, atol, slack)
            assert abs(e_out - t_out) <= a + r * abs(t_out), f"{where}: {e_out!r} != {t_out!r}"
        else:
            assert e_out == t_out, f"{where}: {e_out!r} != torch {t_out!r}"
        return
    raise AssertionError(f"{where}: don't know how to compare {type(t_out).__name__}")


def assert_values(e: np.ndarray, t: np.ndarray, rtol: float, atol: float, where: str) -> None:
    """Elementwise closeness with equal NaN/inf positions; names the first bad element."""
    if e.dtype.kind in "biu" or t.dtype.kind in "biu":
        bad = e != t
    else:
        e64, t64 = e.astype(np.float64), t.astype(np.float64)
        with np.errstate(invalid="ignore"):
            bad = ~((np.abs(e64 - t64) <= atol + rtol * np.abs(t64)) | (e64 == t64)
                    | (np.isnan(e64) & np.isnan(t64)))
    if np.any(bad):
        idx = tuple(int(i) for i in np.argwhere(bad)[0])
        raise AssertionError(
            f"{where}: element {idx} differs: ember {e[idx]!r} vs torch {t[idx]!r} "
            f"({int(np.sum(bad))} of {bad.size} elements differ; rtol={rtol}, atol={atol})")


def _flat_tensors(out):
    if isinstance(out, (torch.Tensor, ember.Tensor)):
        return [out]
    if isinstance(out, (tuple, list)):
        return [t for o in out for t in _flat_tensors(o)]
    return []


# ---- the two entry points ----------------------------------------------------------------------


def check(fn, shapes=None, *, inputs=None, dtype="float32", dtypes=None, grad=True, grad2=False,
          low=-2.0, high=2.0, rtol=None, atol=None, grad_rtol=None, grad_atol=None, seed=0,
          check_dtype=True):
    """Run `fn` under torch and ember on identical inputs; compare values and gradients.

    Gradients are taken under a seeded random upstream gradient for every floating output that
    requires grad; with grad2=True second derivatives are compared through create_graph=True.
    Returns (ember_out, torch_out) for extra assertions.
    """
    if shapes is not None and inputs is None and shapes and not isinstance(shapes[0], tuple):
        shapes = [shapes]
    t_args, e_args = build_inputs(shapes, inputs, dtype, dtypes, grad, low, high, seed)
    t_out = _call(fn, torch, t_args)
    e_out = _call(fn, ember, e_args)
    assert_same(e_out, t_out, rtol, atol, "output", check_dtype=check_dtype)
    if not grad:
        return e_out, t_out
    t_leaves = [a for a in t_args if isinstance(a, torch.Tensor) and a.requires_grad]
    e_leaves = [a for a in e_args if isinstance(a, ember.Tensor) and a.requires_grad]
    t_outs = [o for o in _flat_tensors(t_out) if o.requires_grad]
    e_outs = [o for o in _flat_tensors(e_out) if o.requires_grad]
    assert len(t_outs) == len(e_outs), \
        f"{len(e_outs)} ember outputs require grad, torch has {len(t_outs)}"
    if not t_leaves or not t_outs:
        return e_out, t_out
    rng = np.random.default_rng(seed + 1)
    ups = [rng.uniform(-1, 1, tuple(o.shape)) for o in t_outs]
    t_ups = [torch.from_numpy(u).to(o.dtype) for u, o in zip(ups, t_outs)]
    e_ups = [to_ember(u) for u in t_ups]
    t_g = torch.autograd.grad(t_outs, t_leaves, t_ups, allow_unused=True, create_graph=grad2)
    e_g = ember.autograd.grad(e_outs, e_leaves, e_ups, allow_unused=True, create_graph=grad2)
    gr = grad_rtol if grad_rtol is not None else rtol
    ga = grad_atol if grad_atol is not None else atol
    for i, (e, t) in enumerate(zip(e_g, t_g)):
        if t is None:
            assert e is None or not np.any(to_numpy(e)), f"grad[{i}]: torch None, ember nonzero"
            continue
        assert e is not None, f"grad[{i}]: ember gave None, torch a gradient"
        assert_same(e, t, gr, ga, f"grad[{i}]", slack=GRAD_SLACK)
    if grad2:
        _check_second_order(t_g, e_g, t_leaves, e_leaves, rng, gr, ga)
    return e_out, t_out


def _check_second_order(t_g, e_g, t_leaves, e_leaves, rng, rtol, atol) -> None:
    pairs = [(t, e) for t, e in zip(t_g, e_g) if t is not None and t.requires_grad]
    assert pairs or all(e is None or not e.requires_grad for e in e_g), \
        "ember's first-order grads require grad but torch's do not"
    if not pairs:
        return
    vs = [rng.uniform(-1, 1, tuple(t.shape)) for t, _ in pairs]
    t_s = builtins.sum((t * torch.from_numpy(v).to(t.dtype)).sum() for (t, _), v in zip(pairs, vs))
    e_s = builtins.sum((e * to_ember(torch.from_numpy(v).to(t.dtype))).sum()
                       for (t, e), v in zip(pairs, vs))
    t_gg = torch.autograd.grad(t_s, t_leaves, allow_unused=True)
    e_gg = ember.autograd.grad(e_s, e_leaves, allow_unused=True)
    for i, (e, t) in enumerate(zip(e_gg, t_gg)):
        if t is None:
            assert e is None or not np.any(to_numpy(e)), f"grad2[{i}]: torch None, ember nonzero"
            continue
        assert e is not None, f"grad2[{i}]: ember gave None, torch a gradient"
        assert_same(e, t, rtol, atol, f"grad2[{i}]", slack=GRAD_SLACK * 4)


def builtin_error(exc: BaseException) -> type:
    """The builtin exception class an error is (torch raises subclasses of builtins)."""
    for cls in type(exc).__mro__:
        if cls in BUILTIN_ERRORS:
            return cls
    return type(exc)


def check_raises(fn, shapes=None, *, inputs=None, dtype="float32", dtypes=None, grad=False,
                 seed=0, match=None):
    """torch raises on these inputs; ember must raise the same builtin exception type."""
    t_args, e_args = build_inputs(shapes, inputs, dtype, dtypes, grad, seed=seed)
    try:
        _call(fn, torch, t_args)
    except Exception as exc:  # noqa: BLE001 - any torch error is the expectation
        expected = builtin_error(exc)
    else:
        raise AssertionError("torch did not raise; the test case is wrong")
    try:
        _call(fn, ember, e_args)
    except Exception as exc:  # noqa: BLE001
        got = builtin_error(exc)
        assert got is expected, f"ember raised {type(exc).__name__}({exc}); torch raised " \
                                f"{expected.__name__}"
        if match is not None:
            import re

            assert re.search(match, str(exc)), f"message {str(exc)!r} does not match {match!r}"
        return exc
    raise AssertionError(f"ember did not raise; torch raised {expected.__name__}")
