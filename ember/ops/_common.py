"""Helpers every op family shares: PyTorch's type promotion for binary ops, broadcast checks.

This module sits at the bottom of ops/: it imports only _op, _dtype and the backend, never another
op family, so any family can import it without an import circle.
"""
from __future__ import annotations

import builtins

import numpy as np

from .. import _dtype as _dt
from ..backend import array_module
from . import _op
from .creation import _wrapped_scalar

_float = builtins.float
_int = builtins.int
_bool = builtins.bool


# ---- dtype resolution shared by every binary op -----------------------------------------------


def _np_scalar(value, np_dtype):
    """A Python scalar as a NumPy scalar of `np_dtype`, wrapping integers as PyTorch does."""
    return np.array(value).astype(np_dtype)[()]


def _cast(x, np_dtype):
    """Cast one forward operand (array or Python scalar) to the op's computation dtype."""
    if np_dtype is None:
        return x
    if isinstance(x, (np.ndarray, np.generic)) or hasattr(x, "__cuda_array_interface__"):
        return x if x.dtype == np_dtype else x.astype(np_dtype)
    return _np_scalar(x, np_dtype)


def _scalar_or_none(x):
    """The number (Python or NumPy scalar) a forward received in place of a tensor (backward
    multiplies by it); None for an array."""
    return None if hasattr(x, "shape") and not isinstance(x, np.generic) else x


def result_dtype(a, b) -> _dt.dtype:
    return _dt.result_type(a, b)


def _check_operand(x) -> None:
    if not isinstance(x, (_op.Tensor, _int, _float, _bool, builtins.complex, np.number, np.bool_)):
        raise TypeError(f"unsupported operand type: '{type(x).__name__}'; expected a Tensor or a "
                        "number")


def binary(op, a, b, *, float_only: bool = False, **kwargs):
    """Apply a binary Op to Tensor/number operands after PyTorch's type promotion.

    Two tensors of one dtype, or a float tensor and a number it holds exactly, go to forward as
    they are; all other operands get the result dtype as `dtype=`. `float_only` ops (true
    division, atan2, ...) compute integer inputs in the default float dtype.
    """
    try:
        T = _op.Tensor
        if a.__class__ is T:
            x = a._data.dtype
            if b.__class__ is T:
                if b._data.dtype is x and (x.kind == "f" or not float_only):
                    return op.apply(a, b, **kwargs) if kwargs else op.apply(a, b)
            elif x.kind == "f":
                f = b if b.__class__ is _float else _exact_float(b, x)
                if f is not None:
                    return op.apply(a, f, **kwargs) if kwargs else op.apply(a, f)
        return _promoted(op, a, b, float_only, kwargs)
    except ValueError:
        check_broadcast(getattr(a, "shape", ()), getattr(b, "shape", ()))
        raise


def no_complex(name: str, a, b) -> None:
    """torch's NotImplementedError for an op without a complex kernel when the operands promote
    to a complex dtype (`"lt_cpu" not implemented for 'ComplexFloat'`)."""
    T = _op.Tensor
    if any(x.__class__ is builtins.complex or isinstance(x, np.complexfloating) or
           (isinstance(x, T) and x._data.dtype.kind == "c") for x in (a, b)):
        d = _dt.result_type(a, b)
        if d.is_complex:
            raise NotImplementedError(f'"{name}_cpu" not implemented for '
                                      f"'{_dt._scalar_name(d)}'")


def _exact_float(b, x):
    """A Python number as the float NumPy casts to float dtype `x` just as PyTorch does: a float,
    or an int that float64 holds exactly (so it is rounded once); None for anything else."""
    if b.__class__ is _float:
        return b
    if b.__class__ is _int and x.itemsize >= 4 and -_INT_EXACT <= b <= _INT_EXACT:
        return _float(b)
    return None


def _promoted(op, a, b, float_only: bool, kwargs):
    """The general case: check the operands, then compute in PyTorch's result dtype."""
    _check_operand(a)
    _check_operand(b)
    if not isinstance(a, _op.Tensor) and not isinstance(b, _op.Tensor):
        a = _wrapped_scalar(a)
    d = _dt.result_type(a, b)
    if float_only and not d.is_floating_point and not d.is_complex:
        d = _dt.get_default_dtype()
    return op.apply(a, b, dtype=d.np_dtype, **kwargs)


def check_broadcast(sa, sb) -> tuple:
    """The broadcast shape of two shapes, or PyTorch's RuntimeError naming the clashing dim."""
    n = max(len(sa), len(sb))
    pa, pb = (1,) * (n - len(sa)) + tuple(sa), (1,) * (n - len(sb)) + tuple(sb)
    out = []
    for i, (x, y) in enumerate(zip(pa, pb)):
        if x != y and x != 1 and y != 1:
            raise RuntimeError(f"The size of tensor a ({x}) must match the size of tensor b ({y}) "
                               f"at non-singleton dimension {i}")
        out.append(x if y == 1 else y)
    return tuple(out)


_ndarray = np.ndarray
_grad_state = _op._grad_state
_INT_EXACT = 1 << 53  # Python ints up to this convert to float64 exactly (then float32: once)
_np_add = np.add
_np_multiply = np.multiply
_NO_SCALARS = (None, None)


def _xp(x, y=None):
    if isinstance(x, (np.ndarray, np.generic)):
        return np
    return array_module(x)


def _float_input(x):
    """Unary float ops promote integer tensors to the default float dtype (exp(int) is float)."""
    if x.__class__ is not _op.Tensor and not isinstance(x, _op.Tensor):
        raise TypeError(f"expected a Tensor as input, but got {type(x).__name__}")
    if x._data.dtype.kind in "iub":
        return x.to(_dt.get_default_dtype())
    return x


def _check_alpha(input, other, alpha) -> None:
    """PyTorch refuses a float alpha for integer results and a bool alpha for non-bool ones."""
    d = _dt.result_type(input, other)
    if isinstance(alpha, _bool):
        if d is not _dt.bool:
            raise RuntimeError("Boolean alpha only supported for Boolean results.")
    elif isinstance(alpha, _float) and not d.is_floating_point:
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating "
                           "point number.")


def keep_or_zero(g, keep):
    """where(keep, g, 0) bit for bit (NaN, inf and -0.0 in g included), as an AND of g's bits with
    an all-ones or all-zeros word per element: NumPy's where branches per element, ~10-20x slower
    on a random mask. The result owns its memory, so .grad can take it over uncopied."""
    xp = array_module(g)
    size = g.dtype.itemsize
    if size not in (2, 4, 8):
        return xp.where(keep, g, 0).astype(g.dtype, copy=False)
    bits = np.dtype(f"i{size}")
    out = xp.empty(g.shape, dtype=g.dtype)
    word = out.view(bits)
    xp.negative(xp.asarray(keep).view(np.int8), out=word)  # True -> -1: every bit set
    word &= g.view(bits)
    return out
