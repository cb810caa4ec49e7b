"""Binary math beyond arithmetic: maximum/minimum, fmax/fmin, atan2, fmod/remainder, floor_divide,
lerp, hypot, copysign, xlogy, and clamp (arithmetic is in elementwise.py).

Result dtypes follow PyTorch's promotion through _common.binary(); gradients of the piecewise
ops are masks built on raw arrays (constant in the graph), as PyTorch's formulas are.
"""
from __future__ import annotations

import numpy as np

from .. import _dtype as _dt
from ..backend import array_module
from . import _op
from ._common import _cast, _check_operand, binary, check_broadcast, no_complex
from ._op import Op
from ._output import _cap, _out, inplace
from ._util import _const, _zeros
from .elementwise import _rounded_divide, where

__all__ = [
    "arctan2",
    "atan2",
    "clamp",
    "clamp_",
    "clamp_max",
    "clamp_max_",
    "clamp_min",
    "clamp_min_",
    "clip",
    "clip_",
    "copysign",
    "floor_divide",
    "fmax",
    "fmin",
    "fmod",
    "hypot",
    "lerp",
    "maximum",
    "minimum",
    "remainder",
    "xlogy",
    "xlogy_",
]


def _mask_grad(grad, mask):
    """grad where mask else 0 (mask a raw bool array)."""
    return where(_const(mask), grad, 0.0)


def _data(t, scalar):
    return t._data if t is not None else scalar


def _tensors(name: str, input, other) -> None:
    T = _op.Tensor
    if not isinstance(input, T):
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    if not isinstance(other, T):
        raise TypeError(f"{name}(): argument 'other' (position 2) must be Tensor, not "
                        f"{type(other).__name__}")


def _no_bool(name: str, *ts) -> None:
    """PyTorch refuses these ops when the promoted (computation) dtype is bool."""
    if all(t._data.dtype.kind == "b" if isinstance(t, _op.Tensor) else t.__class__ is bool
           for t in ts):
        raise NotImplementedError(f'"{name}_cpu" not implemented for \'Bool\'')


# ---- maximum, minimum, fmax, fmin ------------------------------------------------------------


class Maximum(Op):
    save_inputs = (0, 1)

    @staticmethod
    def forward(ctx, x, y, dtype=None):
        x, y = _cast(x, dtype), _cast(y, dtype)
        return array_module(x).maximum(x, y)

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.inputs
        return _tie_grads(ctx, grad, x._data, y._data, -1)


class Minimum(Op):
    save_inputs = (0, 1)

    @staticmethod
    def forward(ctx, x, y, dtype=None):
        x, y = _cast(x, dtype), _cast(y, dtype)
        return array_module(x).minimum(x, y)

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.inputs
        return _tie_grads(ctx, grad, x._data, y._data, 1)


def _tie_grads(ctx, grad, x, y, loser):
    """max/min: the winner gets grad, ties split it in half (PyTorch's rule); NaN feeds both."""
    half = where(_const(x == y), grad * 0.5, grad)
    lose_x = x < y if loser < 0 else x > y
    lose_y = x > y if loser < 0 else x < y
    gx = where(_const(lose_x), 0.0, half) if ctx.needs_input_grad[0] else None
    gy = where(_const(lose_y), 0.0, half) if ctx.needs_input_grad[1] else None
    return gx, gy


class Fmax(Op):
    save_inputs = (0, 1)

    @staticmethod
    def forward(ctx, x, y, dtype=None):
        x, y = _cast(x, dtype), _cast(y, dtype)
        return array_module(x).fmax(x, y)

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.inputs
        xp = array_module(x._data)
        keep_x = (x._data >= y._data) | xp.isnan(y._data)
        return _pick_grads(ctx, grad, keep_x)


class Fmin(Op):
    save_inputs = (0, 1)

    @staticmethod
    def forward(ctx, x, y, dtype=None):
        x, y = _cast(x, dtype), _cast(y, dtype)
        return array_module(x).fmin(x, y)

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.inputs
        xp = array_module(x._data)
        keep_x = (x._data <= y._data) | xp.isnan(y._data)
        return _pick_grads(ctx, grad, keep_x)


def _pick_grads(ctx, grad, keep_x):
    gx = _mask_grad(grad, keep_x) if ctx.needs_input_grad[0] else None
    gy = _mask_grad(grad, ~keep_x) if ctx.needs_input_grad[1] else None
    return gx, gy


# ---- atan2, hypot, copysign, xlogy -----------------------------------------------------------


class Atan2(Op):
    save_inputs = (0, 1)

    @staticmethod
    def forward(ctx, x, y, dtype=None):
        x, y = _cast(x, dtype), _cast(y, dtype)
        return array_module(x).arctan2(x, y)

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.inputs
        r = grad / (x * x + y * y)
        return (r * y if ctx.needs_input_grad[0] else None,
                r * -x if ctx.needs_input_grad[1] else None)


class Hypot(Op):
    save_inputs = (0, 1)

    @staticmethod
    def forward(ctx, x, y, dtype=None):
        x, y = _cast(x, dtype), _cast(y, dtype)
        ctx.save_output()
        return array_module(x).hypot(x, y)

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.inputs
        r = grad / ctx.output
        return (r * x if ctx.needs_input_grad[0] else None,
                r * y if ctx.needs_input_grad[1] else None)


class Copysign(Op):
    """copysign(x, y): |x| with y's sign; d/dx is result/x (0 where x == 0), d/dy is 0."""

    save_inputs = (0,)

    @staticmethod
    def forward(ctx, x, y, dtype=None):
        x, y = _cast(x, dtype), _cast(y, dtype)
        ctx.save_output()
        return array_module(x).copysign(x, y)

    @staticmethod
    def backward(ctx, grad):
        gx = gy = None
        if ctx.needs_input_grad[0]:
            x = ctx.inputs[0]
            gx = grad * where(_const(x._data == 0), 0.0, ctx.output / x)
        if ctx.needs_input_grad[1]:
            gy = _zeros(grad)
        return gx, gy


class CopysignScalar(Copysign):
    node_name = "CopysignBackward1"


class Xlogy(Op):
    """x * log(y), 0 where x == 0 (unless y is NaN)."""

    save_inputs = (0, 1)

    @staticmethod
    def forward(ctx, x, y, dtype=None):
        ctx.scalars = (None if hasattr(x, "shape") else x, None if hasattr(y, "shape") else y)
        if dtype is None:  # a float tensor with a Python float: compute in the tensor's dtype
            dtype = x.dtype if hasattr(x, "shape") else y.dtype
        x, y = _cast(x, dtype), _cast(y, dtype)
        xp = array_module(x if hasattr(x, "shape") else y)
        r = xp.multiply(x, xp.log(y))
        return xp.where((x == 0) & ~xp.isnan(y), 0, r).astype(r.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.inputs
        sx, sy = ctx.scalars
        x = x if x is not None else sx
        y = y if y is not None else sy
        gx = gy = None
        if ctx.needs_input_grad[0]:  # x is a tensor here; torch's d/dx is log(y), 0 where x == y == 0
            yd = y._data if hasattr(y, "_data") else y
            gx = grad * xlogy(_const((x._data != 0) | (yd != 0)).to(grad.dtype), y)
        if ctx.needs_input_grad[1]:
            gy = grad * x / y
        return gx, gy


class XlogyScalarSelf(Xlogy):
    node_name = "XlogyBackward1"


class XlogyScalarOther(Xlogy):
    node_name = "XlogyBackward2"


# ---- fmod, remainder, floor_divide -----------------------------------------------------------


def _check_int_zero(xp, x, y) -> None:
    """Integer division by zero is PyTorch's RuntimeError, never NumPy's silent 0."""
    if np.result_type(x, y).kind in "iu" and getattr(x, "size", 1) \
            and xp.any(xp.asarray(y) == 0):  # an empty result never divides
        raise RuntimeError("ZeroDivisionError")


class Fmod(Op):
    """C's fmod: the result takes the dividend's sign. FmodBackward1 (tensor other)."""

    node_name = "FmodBackward1"
    save_inputs = (0, 1)

    @staticmethod
    def forward(ctx, x, y, dtype=None):
        ctx.other = None if hasattr(y, "shape") else y
        x, y = _cast(x, dtype), _cast(y, dtype)
        xp = array_module(x)
        _check_int_zero(xp, x, y)
        return xp.fmod(x, y)

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.inputs
        gy = None
        if ctx.needs_input_grad[1]:
            gy = grad * -x.div(y, rounding_mode="trunc")
        return (grad if ctx.needs_input_grad[0] else None), gy


class FmodScalar(Fmod):
    node_name = "FmodBackward0"


class Remainder(Op):
    """Python's modulo: the result takes the divisor's sign. RemainderBackward1 (tensor other)."""

    node_name = "RemainderBackward1"
    save_inputs = (0, 1)

    @staticmethod
    def forward(ctx, x, y, dtype=None):
        ctx.scalars = (None if hasattr(x, "shape") else x, None if hasattr(y, "shape") else y)
        x, y = _cast(x, dtype), _cast(y, dtype)
        xp = array_module(y if hasattr(y, "shape") else x)
        _check_int_zero(xp, x, y)
        return xp.remainder(x, y)

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.inputs
        gx = gy = None
        if ctx.needs_input_grad[0]:
            gx = grad
        if ctx.needs_input_grad[1]:
            if x is None:  # number % tensor: PyTorch has no derivative for the divisor
                raise RuntimeError("derivative for aten::remainder is not implemented")
            gy = grad * -x.div(y, rounding_mode="floor")
        return gx, gy


class RemainderScalar(Remainder):
    node_name = "RemainderBackward0"


class FloorDivide(Op):
    """floor(x / y); PyTorch has no derivative for it and says so in backward."""

    node_name = "NotImplemented"

    @staticmethod
    def forward(ctx, x, y, dtype=None):
        x, y = _cast(x, dtype), _cast(y, dtype)
        return _rounded_divide(array_module(y if hasattr(y, "shape") else x), x, y, "floor")

    @staticmethod
    def backward(ctx, grad):
        raise RuntimeError("the derivative for 'floor_divide' is not implemented.")


# ---- lerp ------------------------------------------------------------------------------------


class Lerp(Op):
    """start + weight * (end - start), in PyTorch's two-sided form for accuracy near weight 1."""

    node_name = "LerpBackward0"
    save_inputs = (0, 1, 2)

    @staticmethod
    def forward(ctx, x, end, weight):
        ctx.weight = None if hasattr(weight, "shape") else weight
        xp = array_module(x)
        w = weight if hasattr(weight, "shape") else x.dtype.type(weight)
        d = end - x
        return xp.where(xp.abs(w) < 0.5, x + w * d, end - d * (1 - w)).astype(x.dtype,
                                                                             copy=False)

    @staticmethod
    def backward(ctx, grad):
        x, end, w = ctx.inputs
        w = w if w is not None else ctx.weight
        gx = grad * (1 - w) if ctx.needs_input_grad[0] else None
        ge = grad * w if ctx.needs_input_grad[1] else None
        gw = grad * (end - x) if ctx.needs_input_grad[2] else None
        return gx, ge, gw


class LerpTensor(Lerp):
    node_name = "LerpBackward1"


# ---- clamp -----------------------------------------------------------------------------------


class Clamp(Op):
    """clamp with number bounds (ClampBackward1): grad passes where min <= x <= max."""

    node_name = "ClampBackward1"

    @staticmethod
    def forward(ctx, x, lo, hi, dtype=None):
        x = _cast(x, dtype)
        xp = array_module(x)
        if x.dtype.kind != "f":  # float tensors take Python bounds as they are (NEP 50 scalars)
            lo = None if lo is None else _cast(lo, x.dtype)
            hi = None if hi is None else _cast(hi, x.dtype)
        if ctx.needs_input_grad:
            m = True if lo is None else x >= lo
            ctx.mask = m if hi is None else m & (x <= hi)
        y = x if lo is None else xp.maximum(x, lo)
        return y if hi is None else xp.minimum(y, hi)

    @staticmethod
    def backward(ctx, grad):
        return _mask_grad(grad, ctx.mask)


class ClampMin(Clamp):
    node_name = "ClampMinBackward0"


class ClampMax(Clamp):
    node_name = "ClampMaxBackward0"


class ClampTensor(Op):
    """clamp with tensor bounds (ClampBackward0): each bound gets grad where it is active."""

    node_name = "ClampBackward0"
    save_inputs = (0, 1, 2)

    @staticmethod
    def forward(ctx, x, lo, hi, dtype=None):
        ctx.bounds = (lo, hi)
        x = _cast(x, dtype)
        xp = array_module(x)
        y = x if lo is None else xp.maximum(x, _cast(lo, dtype))
        return y if hi is None else xp.minimum(y, _cast(hi, dtype))

    @staticmethod
    def backward(ctx, grad):
        x, lo_t, hi_t = ctx.inputs
        lo = _data(lo_t, ctx.bounds[0])
        hi = _data(hi_t, ctx.bounds[1])
        x = x._data
        need = ctx.needs_input_grad
        gx = glo = ghi = None
        if need[0]:
            m = True if lo is None else x >= lo
            gx = _mask_grad(grad, m if hi is None else m & (x <= hi))
        if lo is not None and hi is not None:
            if need[1]:
                glo = _mask_grad(grad, (x < lo) & (lo < hi))
            if need[2]:
                ghi = _mask_grad(grad, (x > hi) | (hi < lo))
        elif lo is not None and need[1]:
            glo = _mask_grad(grad, x < lo)
        elif hi is not None and need[2]:
            ghi = _mask_grad(grad, x > hi)
        return gx, glo, ghi


class ClampMinTensor(ClampTensor):
    node_name = "ClampMinBackward1"


class ClampMaxTensor(ClampTensor):
    node_name = "ClampMaxBackward1"


# ---- public functions ------------------------------------------------------------------------


def maximum(input, other, *, out=None):
    _tensors("maximum", input, other)
    return _out(binary(Maximum, input, other), out)


def minimum(input, other, *, out=None):
    _tensors("minimum", input, other)
    return _out(binary(Minimum, input, other), out)


def fmax(input, other, *, out=None):
    _tensors("fmax", input, other)
    return _out(binary(Fmax, input, other), out)


def fmin(input, other, *, out=None):
    _tensors("fmin", input, other)
    return _out(binary(Fmin, input, other), out)


def atan2(input, other, *, out=None):
    _tensors("atan2", input, other)
    return _out(binary(Atan2, input, other, float_only=True), out)


arctan2 = atan2


def hypot(input, other, *, out=None):
    _tensors("hypot", input, other)
    d = _dt.result_type(input, other)
    if not d.is_floating_point:
        raise NotImplementedError(f'"hypot_cpu" not implemented for \'{_cap(d)}\'')
    return _out(binary(Hypot, input, other), out)


def copysign(input, other, *, out=None):
    if not isinstance(input, _op.Tensor):
        raise TypeError(f"copysign() received an invalid combination of arguments - got "
                        f"({type(input).__name__}, {type(other).__name__})")
    op = Copysign if isinstance(other, _op.Tensor) else CopysignScalar
    return _out(binary(op, input, other, float_only=True), out)


def xlogy(input, other, *, out=None):
    T = _op.Tensor
    if isinstance(input, T):
        op = Xlogy if isinstance(other, T) else XlogyScalarOther
    elif isinstance(other, T):
        op = XlogyScalarSelf
    else:
        raise TypeError("xlogy(): expected at least one Tensor argument")
    return _out(binary(op, input, other, float_only=True), out)


def fmod(input, other, *, out=None):
    if not isinstance(input, _op.Tensor):
        raise TypeError(f"fmod() received an invalid combination of arguments - got "
                        f"({type(input).__name__}, {type(other).__name__})")
    _no_bool("fmod", input, other)
    op = Fmod if isinstance(other, _op.Tensor) else FmodScalar
    return _out(binary(op, input, other), out)


def remainder(input, other, *, out=None):
    _no_bool("remainder", input, other)
    no_complex("remainder", input, other)
    op = Remainder if isinstance(other, _op.Tensor) else RemainderScalar
    return _out(binary(op, input, other), out)


def floor_divide(input, other, *, out=None):
    _no_bool("div_floor", input, other)
    no_complex("div_floor", input, other)
    return _out(binary(FloorDivide, input, other), out)


def lerp(input, end, weight, *, out=None):
    """input + weight * (end - input); all tensors must share input's floating dtype."""
    T = _op.Tensor
    _tensors("lerp", input, end)
    for name, t in (("end", end), ("weight", weight)):
        if isinstance(t, T) and t.dtype is not input.dtype:
            raise RuntimeError(f"expected dtype {_cap(input.dtype).lower()} for `{name}` but got "
                               f"dtype {_cap(t.dtype).lower()}")
    if input._data.dtype.kind != "f" and input.dtype is not _dt.bfloat16:
        raise NotImplementedError(f'"lerp_kernel_scalar" not implemented for '
                                  f"'{_cap(input.dtype)}'")
    op = LerpTensor if isinstance(weight, T) else Lerp
    if not isinstance(weight, T):
        _check_operand(weight)
    try:
        return _out(op.apply(input, end, weight), out)
    except ValueError:
        check_broadcast(input.shape, end.shape)
        check_broadcast(check_broadcast(input.shape, end.shape), getattr(weight, "shape", ()))
        raise


_PLAIN = (float, int, type(None))


def _clamp_dtype(input, lo, hi):
    d = _dt.result_type(*(a for a in (input, lo, hi) if a is not None))
    if d is _dt.bool and not isinstance(lo, _op.Tensor) and not isinstance(hi, _op.Tensor):
        raise NotImplementedError("\"clamp_min_scalar_cpu\" not implemented for 'Bool'")
    return d


def clamp(input, min=None, max=None, *, out=None):
    """Limit input to [min, max]; either bound may be None, a number, or a tensor."""
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    T = _op.Tensor
    if not isinstance(input, T):
        raise TypeError(f"clamp(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    if input._data.dtype.kind == "f" and min.__class__ in _PLAIN and max.__class__ in _PLAIN:
        return _out(Clamp.apply(input, min, max), out)  # the common case: float, number bounds
    d = _clamp_dtype(input, min, max)
    if isinstance(min, T) or isinstance(max, T):
        if not all(b is None or isinstance(b, T) for b in (min, max)) and any(
                isinstance(b, T) and b._data.ndim for b in (min, max)):  # 0-d tensors are numbers
            raise TypeError(f"clamp() received an invalid combination of arguments - got "
                            f"(Tensor, {type(min).__name__}, {type(max).__name__})")
        return _out(ClampTensor.apply(input, min, max, dtype=d.np_dtype), out)
    kw = {} if d is input.dtype else {"dtype": d.np_dtype}
    for b in (min, max):
        if b is not None:
            _check_operand(b)
    return _out(Clamp.apply(input, min, max, **kw), out)


clip = clamp


def clamp_min(input, min, *, out=None):
    d = _clamp_dtype(input, min, None)
    if isinstance(min, _op.Tensor):
        return _out(ClampMinTensor.apply(input, min, None, dtype=d.np_dtype), out)
    kw = {} if d is input.dtype else {"dtype": d.np_dtype}
    _check_operand(min)
    return _out(ClampMin.apply(input, min, None, **kw), out)


def clamp_max(input, max, *, out=None):
    d = _clamp_dtype(input, None, max)
    if isinstance(max, _op.Tensor):
        return _out(ClampMaxTensor.apply(input, None, max, dtype=d.np_dtype), out)
    kw = {} if d is input.dtype else {"dtype": d.np_dtype}
    _check_operand(max)
    return _out(ClampMax.apply(input, None, max, **kw), out)


def clamp_(input, min=None, max=None):
    return inplace(input, clamp, min, max)


clip_ = clamp_


def clamp_min_(input, min):
    return inplace(input, clamp_min, min)


def clamp_max_(input, max):
    return inplace(input, clamp_max, max)


def xlogy_(input, other):
    return inplace(input, xlogy, other)
