"""Comparisons, logic and bits: eq/ne/lt/le/gt/ge, logical_*, bitwise_*, shifts, isnan/isinf/...,
isclose/allclose/equal, nan_to_num, and the logical reductions all/any/count_nonzero.

Comparisons and logic return bool tensors and never carry gradient, so they skip the Op machinery:
one promotion, one ufunc, one wrap.
"""
from __future__ import annotations

import builtins

import numpy as np

from .. import _dtype as _dt
from ..backend import array_module
from . import _op
from ._common import _cast, _check_operand, check_broadcast, no_complex
from ._op import Op, as_array
from ._output import _cap, _out, check_inplace, commit_inplace, inplace
from ._util import _const, reduce_axes
from .inplace import copy_

__all__ = [
    "all",
    "allclose",
    "any",
    "bitwise_and",
    "bitwise_left_shift",
    "bitwise_not",
    "bitwise_or",
    "bitwise_right_shift",
    "bitwise_xor",
    "count_nonzero",
    "eq",
    "equal",
    "ge",
    "greater",
    "greater_equal",
    "gt",
    "isclose",
    "isfinite",
    "isinf",
    "isnan",
    "isneginf",
    "isposinf",
    "isreal",
    "le",
    "less",
    "less_equal",
    "logical_and",
    "logical_not",
    "logical_or",
    "logical_xor",
    "lt",
    "nan_to_num",
    "nan_to_num_",
    "ne",
    "not_equal",
]

_float = builtins.float
_int = builtins.int


def _wrap(a):
    return _op._new_tensor(as_array(a))


def _operands(a, b, name: str):
    """Raw arrays of a Tensor and a Tensor-or-number, cast to their PyTorch common dtype."""
    T = _op.Tensor
    if not isinstance(a, T):
        raise TypeError(f"{name}() received an invalid combination of arguments - got "
                        f"({type(a).__name__}, {type(b).__name__})")
    x = a._data
    if b.__class__ is T or isinstance(b, T):
        y = b._data
        if y.dtype == x.dtype:
            return x, y
    else:
        _check_operand(b)
        if b.__class__ is _float and x.dtype.kind == "f":
            return x, b
    d = _dt.result_type(a, b).np_dtype
    return _cast(x, d), _cast(b._data if isinstance(b, T) else b, d)


def _apply(ufunc, x, y):
    try:
        return _wrap(ufunc(x, y))
    except ValueError:
        check_broadcast(getattr(x, "shape", ()), getattr(y, "shape", ()))
        raise


def _comparison(ufunc, name: str):
    ordering = name in ("lt", "le", "gt", "ge")  # no complex kernel in torch

    def fn(input, other, *, out=None):
        x, y = _operands(input, other, name)
        if ordering and x.dtype.kind == "c":
            no_complex(name, input, other)
        return _out(_apply(ufunc, x, y), out)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"Elementwise {name} after type promotion; a bool tensor."
    return fn


eq = _comparison(np.equal, "eq")
ne = not_equal = _comparison(np.not_equal, "ne")
lt = less = _comparison(np.less, "lt")
le = less_equal = _comparison(np.less_equal, "le")
gt = greater = _comparison(np.greater, "gt")
ge = greater_equal = _comparison(np.greater_equal, "ge")


def compare_(input, fn, other):
    """t.gt_(y) and friends: the bool result cast into t; t's old history gets zero gradient."""
    check_inplace(input)
    r = fn(input, other)
    if input._requires_grad and _op._grad_state.enabled:
        return copy_(input, r)
    return commit_inplace(input, r)


# ---- logical -------------------------------------------------------------------------------


def _logical(ufunc, name: str):
    def fn(input, other, *, out=None):
        T = _op.Tensor
        if not isinstance(input, T) or not isinstance(other, T):
            bad, pos = (input, 1) if not isinstance(input, T) else (other, 2)
            raise TypeError(f"{name}(): argument '{'input' if pos == 1 else 'other'}' (position "
                            f"{pos}) must be Tensor, not {type(bad).__name__}")
        return _out(_apply(ufunc, input._data, other._data), out)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"Elementwise {name} of truth values (nonzero is True); a bool tensor."
    return fn


logical_and = _logical(np.logical_and, "logical_and")
logical_or = _logical(np.logical_or, "logical_or")
logical_xor = _logical(np.logical_xor, "logical_xor")


def logical_not(input, *, out=None):
    return _out(_wrap(array_module(input._data).logical_not(input._data)), out)


# ---- bitwise -------------------------------------------------------------------------------


def _int_operands(a, b, name: str):
    x, y = _operands(a, b, name) if isinstance(a, _op.Tensor) else _operands(b, a, name)[::-1]
    d = np.result_type(x, y)
    if d.kind not in "biu":
        raise NotImplementedError(f'"{name}_cpu" not implemented for '
                                  f"'{_cap(_dt.from_numpy_dtype(d))}'")
    return x, y


def _bitwise(ufunc, name: str):
    def fn(input, other, *, out=None):
        x, y = _int_operands(input, other, name)
        return _out(_apply(ufunc, x, y), out)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"Elementwise {name} of integer or bool tensors."
    return fn


bitwise_and = _bitwise(np.bitwise_and, "bitwise_and")
bitwise_or = _bitwise(np.bitwise_or, "bitwise_or")
bitwise_xor = _bitwise(np.bitwise_xor, "bitwise_xor")


def bitwise_not(input, *, out=None):
    if input._data.dtype.kind not in "biu":
        raise NotImplementedError(f'"bitwise_not_cpu" not implemented for '
                                  f"'{_cap(input.dtype)}'")
    return _out(_wrap(array_module(input._data).invert(input._data)), out)


def _shift(x, y, left: bool):
    """PyTorch's shifts: counts < 0 or >= the bit width give 0 (left) or the sign fill (right)."""
    xp = array_module(x if hasattr(x, "shape") else y)
    dt = np.result_type(x, y)
    if dt.kind == "b":
        raise NotImplementedError(f'"{"l" if left else "r"}shift_cpu" not implemented for '
                                  "'Bool'")
    bits = dt.itemsize * 8
    x = xp.asarray(x, dtype=dt)
    y = xp.asarray(y, dtype=dt)
    bad = (y < 0) | (y >= bits)
    if left:
        return xp.where(bad, 0, xp.left_shift(x, xp.where(bad, 0, y))).astype(dt, copy=False)
    if dt.kind == "u":
        return xp.where(bad, 0, xp.right_shift(x, xp.where(bad, 0, y))).astype(dt, copy=False)
    return xp.right_shift(x, xp.where(bad, bits - 1, y))


def bitwise_left_shift(input, other, *, out=None):
    x, y = _int_operands(input, other, "lshift")
    return _out(_shift_apply(x, y, True), out)


def bitwise_right_shift(input, other, *, out=None):
    x, y = _int_operands(input, other, "rshift")
    return _out(_shift_apply(x, y, False), out)


def _shift_apply(x, y, left):
    try:
        return _wrap(_shift(x, y, left))
    except ValueError:
        check_broadcast(getattr(x, "shape", ()), getattr(y, "shape", ()))
        raise


# ---- float classification ------------------------------------------------------------------


def _classify(test, name: str, int_value: bool):
    def fn(input, *, out=None):
        if not isinstance(input, _op.Tensor):
            raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not "
                            f"{type(input).__name__}")
        x = input._data
        xp = array_module(x)
        if x.dtype.kind in "biu":
            return _out(_wrap(xp.full(x.shape, int_value, dtype=bool)), out)
        return _out(_wrap(test(xp, x)), out)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"Elementwise {name}; a bool tensor."
    return fn


isnan = _classify(lambda xp, x: xp.isnan(x), "isnan", False)
isinf = _classify(lambda xp, x: xp.isinf(x), "isinf", False)
isfinite = _classify(lambda xp, x: xp.isfinite(x), "isfinite", True)
isposinf = _classify(lambda xp, x: xp.isposinf(x), "isposinf", False)
isneginf = _classify(lambda xp, x: xp.isneginf(x), "isneginf", False)
isreal = _classify(lambda xp, x: xp.ones(x.shape, dtype=bool), "isreal", True)


# ---- closeness -----------------------------------------------------------------------------


def isclose(input, other, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False):
    """|input - other| <= atol + rtol * |other|, elementwise (same dtype required, as PyTorch)."""
    T = _op.Tensor
    if not isinstance(input, T) or not isinstance(other, T):
        bad = other if isinstance(input, T) else input
        raise TypeError(f"isclose(): argument 'other' (position 2) must be Tensor, not "
                        f"{type(bad).__name__}")
    if input.dtype is not other.dtype:
        raise RuntimeError(f"{_cap(input.dtype)} did not match {_cap(other.dtype)}")
    if rtol < 0:
        raise RuntimeError(f"rtol must be greater than or equal to zero, but got {rtol}")
    if atol < 0:
        raise RuntimeError(f"atol must be greater than or equal to zero, but got {atol}")
    x, y = input._data, other._data
    xp = array_module(x)
    try:
        close = x == y
    except ValueError:
        check_broadcast(x.shape, y.shape)
        raise
    if x.dtype.kind == "b":
        return _wrap(close)
    if equal_nan and x.dtype.kind != "i" and x.dtype.kind != "u":
        close = close | (xp.isnan(x) & xp.isnan(y))
    if x.dtype.kind in "iu":
        f = _dt.get_default_dtype().np_dtype
        err = xp.abs(x - y).astype(f)
        allowed = xp.abs(y.astype(f) * np.asarray(rtol, dtype=f)) + np.asarray(atol, dtype=f)
    else:
        err = xp.abs(x - y)
        allowed = xp.abs(y * rtol) + atol
    close = close | (xp.isfinite(err) & (err <= allowed))
    return _wrap(close)


def allclose(input, other, rtol: float = 1e-05, atol: float = 1e-08,
             equal_nan: bool = False) -> bool:
    return builtins.bool(isclose(input, other, rtol, atol, equal_nan)._data.all())


def equal(input, other) -> bool:
    """True when both tensors have the same shape and the same values (NaN is never equal)."""
    T = _op.Tensor
    if not isinstance(input, T) or not isinstance(other, T):
        bad = other if isinstance(input, T) else input
        raise TypeError(f"equal(): argument 'other' (position 2) must be Tensor, not "
                        f"{type(bad).__name__}")
    if input._data.shape != other._data.shape:
        return False
    x, y = _operands(input, other, "equal")
    return builtins.bool((x == y).all())


# ---- nan_to_num ----------------------------------------------------------------------------


class NanToNum(Op):
    """NaN, +inf, -inf replaced by numbers; gradient passes only where the input was finite."""

    @staticmethod
    def forward(ctx, x, nan, posinf, neginf):
        xp = array_module(x)
        fin = xp.isfinite(x)
        if ctx.needs_input_grad:
            ctx.mask = fin
        y = xp.where(xp.isnan(x), nan, x)
        y = xp.where(x == np.inf, posinf, y)
        return xp.where(x == -np.inf, neginf, y).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        return grad * _wrap(ctx.mask)


def nan_to_num(input, nan: float = 0.0, posinf=None, neginf=None, *, out=None):
    if input._data.dtype.kind in "biu":
        return _out(input.clone(), out)
    info = _dt.finfo(input.dtype)
    d = input._data.dtype
    vals = [d.type(v) for v in (nan, info.max if posinf is None else posinf,
                                info.min if neginf is None else neginf)]
    return _out(NanToNum.apply(input, *vals), out)


def nan_to_num_(input, nan: float = 0.0, posinf=None, neginf=None):
    return inplace(input, nan_to_num, nan, posinf, neginf)


# ---- logical reductions (no gradient) ---------------------------------------------------------


def _logical(fn_name, input, dim, keepdim):
    x = input._data
    xp = array_module(x)
    # an empty dim list reduces nothing here (unlike sum's "all dims")
    axes = () if isinstance(dim, (tuple, list)) and not dim else reduce_axes(dim, x.ndim)
    y = getattr(xp, fn_name)(x, axis=axes, keepdims=keepdim)
    y = xp.asarray(y)
    return _const(y.astype(np.uint8) if x.dtype == np.uint8 else y)


def all(input, dim=None, keepdim: bool = False, *, out=None):
    """True where every element is nonzero (uint8 inputs give uint8, as PyTorch)."""
    return _out(_logical("all", input, dim, keepdim), out)


def any(input, dim=None, keepdim: bool = False, *, out=None):
    return _out(_logical("any", input, dim, keepdim), out)


def count_nonzero(input, dim=None):
    x = input._data
    xp = array_module(x)
    axes = reduce_axes(dim, x.ndim)
    return _const(xp.asarray(xp.count_nonzero(x, axis=axes)).astype(np.int64))
