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

# Tolerances (rtol, atol) of values by dtype; a derivative of order k gets GRAD_SLACK**k times
# them (each backward step adds its own rounding).
TOLERANCES = {
    "float64": (1e-7, 1e-9),
    "float32": (1.3e-5, 1e-5),
    "float16": (1e-3, 1e-3),
    "bfloat16": (1.6e-2, 1e-2),
    "complex128": (1e-7, 1e-9),
    "complex64": (1.3e-5, 1e-5),
}
GRAD_SLACK = 4.0

_F32x4, _F64x4 = (5.2e-5, 4e-5), (4e-7, 4e-9)
_RECURRENT = {"float32": (_F32x4, _F32x4), "float64": (_F64x4, _F64x4)}
_TRANSFORMER = {"float32": ((1.04e-4, 8e-5),)}

# Ops whose rounding differs from torch's by more than the dtype default, looked up by the name
# given to check(op=...) / assert_same(op=...) (a module's class name in check_module).
# op -> {dtype: ((rtol, atol) of values, of first derivatives, ...)}; orders left out scale the
# last one given by GRAD_SLACK per order.
OP_TOLERANCES: dict[str, dict[str, tuple[tuple[float, float], ...]]] = {
    # a float16 sum of 4,000 terms in [0, 1] (about 2,000, where a float16 ulp is 1): the two
    # libraries accumulate in another order, so the rounded results may differ by a few ulps
    "sum": {"float16": ((2e-3, 1e-3), (2e-3, 4e-3))},
    # float16 attention: softmax(q k^T) v rounds scores, weights and output to float16 in steps
    # that differ between torch's math kernel and ember's
    "scaled_dot_product_attention": {"float16": ((5e-3, 5e-3),)},
    # torch's float32 group_norm backward loses ~1e-4 on 2-element groups (ember's is closer to
    # float64)
    "group_norm": {"float32": ((1.3e-5, 1e-5), (1e-3, 1e-4))},
    # a sequence of steps compounds rounding; torch's fused gate kernels sum in another order
    "RNN": _RECURRENT, "LSTM": _RECURRENT, "GRU": _RECURRENT,
    # on packed input the outputs keep the default, the gradients through the packing do not
    "RNN on packed input": {"float32": ((1.3e-5, 1e-5), _F32x4)},
    # four projections and a softmax in float32
    "MultiheadAttention": {"float32": (_F32x4,)},
    # torch's fused inference kernels (eval, no grad) against ember's composite forward
    "MultiheadAttention fast path": {"float32": (_F32x4,), "float64": (_F64x4,)},
    "TransformerEncoderLayer fast path": {"float32": ((1.04e-4, 8e-5),),
                                          "float64": ((8e-7, 8e-9),)},
    # attention, two layer norms and a feed-forward block per layer, in float32
    "TransformerEncoderLayer": _TRANSFORMER, "TransformerDecoderLayer": _TRANSFORMER,
    "TransformerEncoder": _TRANSFORMER, "TransformerDecoder": _TRANSFORMER,
    "Transformer": _TRANSFORMER,
}


def tolerance(dtype: str, op: str | None = None, order: int = 0) -> tuple[float, float]:
    """(rtol, atol) for `op`'s results (order 0) or its order-`order` derivatives in `dtype`."""
    row = OP_TOLERANCES.get(op, {}).get(dtype) or (TOLERANCES.get(dtype, (0.0, 0.0)),)
    r, a = row[min(order, len(row) - 1)]
    scale = GRAD_SLACK ** max(0, order - len(row) + 1)
    return r * scale, a * scale


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
        return t.resolve_conj().resolve_neg().cpu().numpy().copy()
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
        arr = t.detach().cpu().resolve_conj().numpy()
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
    elif dtype.startswith("complex"):  # real and imaginary parts each uniform in [low, high)
        arr = rng.uniform(low, high, size=shape) + 1j * rng.uniform(low, high, size=shape)
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
            floating = d in ("float16", "bfloat16", "float32", "float64", "complex64",
                             "complex128")
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


def _tol(dtype: str, rtol, atol, op, order):
    r, a = tolerance(dtype, op, order)
    return (rtol if rtol is not None else r), (atol if atol is not None else a)


def assert_same(e_out, t_out, rtol=None, atol=None, where="output", check_dtype=True, *,
                op=None, order=0):
    """Recursively compare an ember result with a torch result: types, shapes, dtypes, values.

    Tolerances: rtol/atol when given, else tolerance(dtype, op, order) (order 1 for gradients)."""
    if isinstance(t_out, torch.Tensor):
        assert isinstance(e_out, ember.Tensor), f"{where}: ember gave {type(e_out).__name__}, " \
                                                "torch gave a Tensor"
        assert tuple(e_out.shape) == tuple(t_out.shape), \
            f"{where}: shape {tuple(e_out.shape)} != torch {tuple(t_out.shape)}"
        tname, ename = dtype_name(t_out.dtype), dtype_name(e_out.dtype)
        if check_dtype:
            assert ename == tname, f"{where}: dtype {ename} != torch {tname}"
        r, a = _tol(tname, rtol, atol, op, order)
        assert_values(to_numpy(e_out), to_numpy(t_out), r, a, where)
        return
    if isinstance(t_out, torch.Size):
        assert tuple(e_out) == tuple(t_out), f"{where}: size {tuple(e_out)} != {tuple(t_out)}"
        return
    if isinstance(t_out, (tuple, list)):
        assert isinstance(e_out, (tuple, list)), f"{where}: ember gave {type(e_out).__name__}"
        assert len(e_out) == len(t_out), f"{where}: {len(e_out)} results != torch {len(t_out)}"
        for i, (e, t) in enumerate(zip(e_out, t_out)):
            assert_same(e, t, rtol, atol, f"{where}[{i}]", check_dtype, op=op, order=order)
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
            r, a = _tol("float64", rtol, atol, op, order)
            assert abs(e_out - t_out) <= a + r * abs(t_out), f"{where}: {e_out!r} != {t_out!r}"
        else:
            assert e_out == t_out, f"{where}: {e_out!r} != torch {t_out!r}"
        return
    raise AssertionError(f"{where}: don't know how to compare {type(t_out).__name__}")


def assert_values(e: np.ndarray, t: np.ndarray, rtol: float, atol: float, where: str) -> None:
    """Elementwise closeness with equal NaN/inf positions; names the first bad element."""
    if e.dtype.kind in "biu" or t.dtype.kind in "biu":
        bad = e != t
    elif e.dtype.kind == "c" or t.dtype.kind == "c":  # distance in the complex plane
        e128, t128 = e.astype(np.complex128), t.astype(np.complex128)
        with np.errstate(invalid="ignore"):
            bad = ~((np.abs(e128 - t128) <= atol + rtol * np.abs(t128)) | (e128 == t128)
                    | (np.isnan(e128) & np.isnan(t128)))
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
          check_dtype=True, op=None):
    """Run `fn` under torch and ember on identical inputs; compare values and gradients.

    Tolerances: rtol/atol (grad_rtol/grad_atol) when given, else OP_TOLERANCES[op] by dtype.
    Gradients are taken under a seeded random upstream gradient for every floating output that
    requires grad; with grad2=True second derivatives are compared through create_graph=True.
    Returns (ember_out, torch_out) for extra assertions.
    """
    if shapes is not None and inputs is None and shapes and not isinstance(shapes[0], tuple):
        shapes = [shapes]
    t_args, e_args = build_inputs(shapes, inputs, dtype, dtypes, grad, low, high, seed)
    t_out = _call(fn, torch, t_args)
    e_out = _call(fn, ember, e_args)
    assert_same(e_out, t_out, rtol, atol, "output", check_dtype=check_dtype, op=op)
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
    ups = [_upstream(rng, o) for o in t_outs]
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
        assert_same(e, t, gr, ga, f"grad[{i}]", op=op, order=1)
    if grad2:
        _check_second_order(t_g, e_g, t_leaves, e_leaves, rng, gr, ga, op)
    return e_out, t_out


def _upstream(rng, out) -> np.ndarray:
    """A random upstream gradient for `out` (complex outputs get a complex one)."""
    u = rng.uniform(-1, 1, tuple(out.shape))
    if out.dtype.is_complex:
        u = np.asarray(u + 1j * rng.uniform(-1, 1, tuple(out.shape)))
    return u


def _real(s):
    """A real scalar to differentiate: the real part of a complex one."""
    return s.real if s.dtype.is_complex else s


def _check_second_order(t_g, e_g, t_leaves, e_leaves, rng, rtol, atol, op) -> None:
    pairs = [(t, e) for t, e in zip(t_g, e_g) if t is not None and t.requires_grad]
    assert pairs or all(e is None or not e.requires_grad for e in e_g), \
        "ember's first-order grads require grad but torch's do not"
    if not pairs:
        return
    vs = [rng.uniform(-1, 1, tuple(t.shape)) for t, _ in pairs]
    t_s = builtins.sum(_real((t * torch.from_numpy(v).to(t.dtype)).sum())
                       for (t, _), v in zip(pairs, vs))
    e_s = builtins.sum(_real((e * to_ember(torch.from_numpy(v).to(t.dtype))).sum())
                       for (t, e), v in zip(pairs, vs))
    t_gg = torch.autograd.grad(t_s, t_leaves, allow_unused=True)
    e_gg = ember.autograd.grad(e_s, e_leaves, allow_unused=True)
    for i, (e, t) in enumerate(zip(e_gg, t_gg)):
        if t is None:
            assert e is None or not np.any(to_numpy(e)), f"grad2[{i}]: torch None, ember nonzero"
            continue
        assert e is not None, f"grad2[{i}]: ember gave None, torch a gradient"
        assert_same(e, t, rtol, atol, f"grad2[{i}]", op=op, order=2)


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


# ---- modules -------------------------------------------------------------------------------------


def _build_module(lib, ctor, args, kwargs, dtype):
    if dtype is not None:
        kwargs = {**kwargs, "dtype": getattr(lib, dtype)}
    return getattr(lib.nn, ctor)(*args, **kwargs) if isinstance(ctor, str) \
        else ctor(lib, *args, **kwargs)


def module_pair(ctor, *args, init: str = "copy", seed: int = 0, dtype: str | None = None,
                **kwargs) -> tuple:
    """(torch_module, ember_module) built from `ctor` (an nn class name, or f(lib, *args, **kw)).

    Both are built after manual_seed(seed); init="copy" loads torch's state_dict into ember,
    init="seed" asserts that ember's default init drew exactly torch's parameters.
    """
    assert init in ("copy", "seed"), init
    torch.manual_seed(seed)
    t = _build_module(torch, ctor, args, kwargs, dtype)
    ember.manual_seed(seed)
    e = _build_module(ember, ctor, args, kwargs, dtype)
    assert list(e.state_dict()) == list(t.state_dict()), "state_dict keys differ"
    if init == "copy":
        e.load_state_dict({k: to_ember(v) for k, v in t.state_dict().items()})
    else:
        e_state = e.state_dict()
        for k, v in t.state_dict().items():
            assert_same(e_state[k], v, rtol=0, atol=0, where=f"init {k}")
    return t, e


def _to_pair(x, requires_grad):
    """A numpy array (or a tuple of them) as matching torch and ember tensors."""
    if isinstance(x, tuple):
        pairs = [_to_pair(v, requires_grad) for v in x]
        return tuple(p[0] for p in pairs), tuple(p[1] for p in pairs)
    if not isinstance(x, np.ndarray):
        return x, x
    t = torch.from_numpy(np.array(x, copy=True))
    return (t.requires_grad_(True) if requires_grad and x.dtype.kind == "f" else t), \
        to_ember(t, requires_grad=requires_grad and x.dtype.kind == "f")


def _grad_outputs(out):
    return [o for o in _flat_tensors(out) if o.requires_grad]


def compare_module(t, e, inputs: list, *, call=None, seed: int | None = None,
                   upstream_seed: int = 3, op: str | None = None, **call_kwargs) -> tuple:
    """Call torch module `t` and ember module `e` on the same inputs; compare the outputs, then,
    under one seeded random upstream gradient, the input and parameter gradients and the state_dict.

    `inputs`: numpy arrays (floating ones require grad), tuples of them (an RNN's (h, c)) or
    anything else, passed as is; arrays in `call_kwargs` become tensors without grad. `call(m,
    *inputs, **kw)` replaces `m(*inputs, **kw)`; `seed` seeds both libraries before the forward
    (dropout draws); `op` names the OP_TOLERANCES row (default: the module's class name).
    Returns (ember_out, torch_out).
    """
    op = op or type(t).__name__
    pairs = [_to_pair(x, True) for x in inputs]
    kw = {k: _to_pair(v, False) for k, v in call_kwargs.items()}
    call = call or (lambda m, *xs, **k: m(*xs, **k))
    if seed is not None:
        torch.manual_seed(seed)
    t_out = call(t, *(p[0] for p in pairs), **{k: v[0] for k, v in kw.items()})
    if seed is not None:
        ember.manual_seed(seed)
    e_out = call(e, *(p[1] for p in pairs), **{k: v[1] for k, v in kw.items()})
    assert_same(e_out, t_out, op=op)
    t_outs, e_outs = _grad_outputs(t_out), _grad_outputs(e_out)
    assert len(e_outs) == len(t_outs), f"{len(e_outs)} outputs require grad, torch {len(t_outs)}"
    if t_outs:
        rng = np.random.default_rng(upstream_seed)
        ups = [torch.from_numpy(rng.uniform(-1, 1, tuple(o.shape))).to(o.dtype) for o in t_outs]
        torch.autograd.backward(t_outs, ups)
        ember.autograd.backward(e_outs, [to_ember(u) for u in ups])
    leaves = [(tl, el) for tp, ep in pairs for tl, el in zip(_flat_tensors(tp), _flat_tensors(ep))
              if isinstance(tl, torch.Tensor) and tl.requires_grad]
    for i, (tl, el) in enumerate(leaves):
        _same_grad(el.grad, tl.grad, f"input {i} grad", op)
    for (tn, tp), (en, ep) in zip(t.named_parameters(), e.named_parameters(), strict=True):
        assert tn == en, f"parameter {en} != torch {tn}"
        _same_grad(ep.grad, tp.grad, f"{tn}.grad", op)
    t_state, e_state = t.state_dict(), e.state_dict()
    assert list(e_state) == list(t_state), "state_dict keys differ"
    for k, v in t_state.items():
        assert_same(e_state[k], v, where=k, op=op)
    return e_out, t_out


def _same_grad(e, t, where, op):
    if t is None:
        assert e is None, f"{where}: torch None, ember a gradient"
    else:
        assert_same(e, t, where=where, op=op, order=1)


def check_module(ctor, args: tuple = (), shapes: list | None = None, *, inputs: list | None = None,
                 kwargs: dict | None = None, dtype: str = "float32", init: str = "copy",
                 seed: int = 0, low: float = -1.0, high: float = 1.0, **compare) -> tuple:
    """Build `ctor(*args, **kwargs)` in both libraries (module_pair), run it on random inputs of
    `shapes` (or the numpy `inputs`) and compare outputs, gradients and state (compare_module).
    Returns (torch_module, ember_module) for further steps."""
    if inputs is None:
        rng = np.random.default_rng(seed)
        inputs = [make_array(s, dtype, rng, low, high) for s in shapes]
    module_dtype = dtype if dtype != "float32" else None
    t, e = module_pair(ctor, *args, init=init, seed=seed, dtype=module_dtype, **(kwargs or {}))
    compare_module(t, e, inputs, **compare)
    return t, e
