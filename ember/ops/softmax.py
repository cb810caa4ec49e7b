"""The softmax family: softmax, log_softmax, softmin (fused, max-shifted, keeping their output).

Split from activation.py to keep files small.
"""
from __future__ import annotations

import warnings

import numpy as np

from ..backend import array_module
from . import _op
from ._op import Op
from ._output import _cap
from ._util import wrap_dim
from .unary import exp

__all__ = ["log_softmax", "softmax", "softmin"]

_grad_state = _op._grad_state


def _const(a):
    return _op._new_tensor(_op.as_array(a))


_ONES: dict = {}


def ones_vector(n: int, dtype):
    """A cached read-only vector of n ones: the GEMV operand of last-axis sums."""
    key = (n, dtype)
    r = _ONES.get(key)
    if r is None:
        r = np.ones(n, dtype)
        r.flags.writeable = False
        if n <= 1 << 16:
            _ONES[key] = r
    return r


def sum_keepdims(x, axis: int):
    """x.sum(axis, keepdims=True); over the last axis of a float32/float64 NumPy array as one
    GEMV against ones (3-5x faster than NumPy's reduction along short rows)."""
    if axis == x.ndim - 1 and x.__class__ is np.ndarray and x.ndim >= 2 and x.size >= 1024 \
            and x.dtype.char in "fd" and x.shape[-1] > 1 and x.flags.c_contiguous:
        return np.matmul(x, ones_vector(x.shape[-1], x.dtype))[..., None]
    return x.sum(axis=axis, keepdims=True)


# ---- ops -------------------------------------------------------------------------------------


def _odd_shape_or_dtype(op, x, axis):
    """Empty and 0-d inputs, and float16/bfloat16 (computed in float32, as PyTorch's opmath)."""
    if x.size == 0:
        return x.copy()
    xc = x.astype(np.float32) if x.dtype.itemsize < 4 else x
    y = op.forward(_op._ForwardOnly(), xc.reshape(1) if x.ndim == 0 else xc, axis)
    return y.reshape(x.shape).astype(x.dtype, copy=False)


class Softmax(Op):
    @staticmethod
    def forward(ctx, x, axis):
        ctx.axis = axis
        ctx.save_output()
        xp = array_module(x)
        if x.ndim == 0 or x.size == 0 or x.dtype.itemsize < 4:
            return _odd_shape_or_dtype(Softmax, x, axis)
        y = x - x.max(axis=axis, keepdims=True)
        xp.exp(y, out=y)
        y /= sum_keepdims(y, axis)
        return y

    @staticmethod
    def backward(ctx, grad):
        y = ctx.output
        axis = ctx.axis
        if not _grad_state.enabled:
            yd, g = y._data, grad._data
            if yd.ndim == 0:
                return _const(yd * (g - g * yd)), None
            gy = g * yd  # y * (g - sum(g * y)), as PyTorch, in one fresh buffer
            s = sum_keepdims(gy, axis)
            array_module(gy).subtract(g, s, out=gy)
            gy *= yd
            return _const(gy), None
        gy = grad * y
        return gy - y * (gy.sum(axis, keepdim=True) if y.ndim else gy), None


class LogSoftmax(Op):
    @staticmethod
    def forward(ctx, x, axis):
        ctx.axis = axis
        ctx.save_output()
        xp = array_module(x)
        if x.ndim == 0 or x.size == 0 or x.dtype.itemsize < 4:
            return _odd_shape_or_dtype(LogSoftmax, x, axis)
        y = x - x.max(axis=axis, keepdims=True)
        lse = xp.log(sum_keepdims(xp.exp(y), axis))
        y -= lse
        return y

    @staticmethod
    def backward(ctx, grad):
        y = ctx.output
        axis = ctx.axis
        if not _grad_state.enabled:
            yd, g = y._data, grad._data
            xp = array_module(yd)
            if yd.ndim == 0:
                return _const(g - xp.exp(yd) * g), None
            e = xp.exp(yd)  # g - exp(y) * sum(g), in one fresh buffer
            e *= sum_keepdims(g, axis)
            xp.subtract(g, e, out=e)
            return _const(e), None
        return grad - exp(y) * (grad.sum(axis, keepdim=True) if y.ndim else grad), None


# ---- public functions ------------------------------------------------------------------------


def _softmax_dim(name: str, ndim: int, stacklevel: int) -> int:
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to "
                  "include dim=X as an argument.", stacklevel=stacklevel)
    return 0 if ndim in (0, 1, 3) else 1


def _softmax_common(op, kernel, input, dim, dtype):
    if not isinstance(input, _op.Tensor):  # PyTorch calls input.softmax(dim)
        raise AttributeError(  # noqa: TRY004 - the error PyTorch gives
            f"'{type(input).__name__}' object has no attribute '{kernel}'")
    if dtype is not None:
        input = input.to(dtype)
    axis = wrap_dim(dim, input.ndim)
    if not input.dtype.is_floating_point:
        last = axis == input.ndim - 1 or input.ndim == 0
        where_ = "lastdim_kernel_impl" if last else "kernel_impl"
        raise NotImplementedError(f'"{kernel}_{where_}" not implemented for '
                                  f"'{_cap(input.dtype)}'")
    return op.apply(input, axis)


def softmax(input, dim=None, _stacklevel: int = 3, dtype=None):
    """exp(x) / sum(exp(x)) along dim, fused and max-shifted; `dtype` casts the input first."""
    if dim is None:
        dim = _softmax_dim("softmax", input.dim(), _stacklevel)
    return _softmax_common(Softmax, "softmax", input, dim, dtype)


def log_softmax(input, dim=None, _stacklevel: int = 3, dtype=None):
    """x - logsumexp(x) along dim, fused and max-shifted; `dtype` casts the input first."""
    if dim is None:
        dim = _softmax_dim("log_softmax", input.dim(), _stacklevel)
    return _softmax_common(LogSoftmax, "log_softmax", input, dim, dtype)


def softmin(input, dim=None, _stacklevel: int = 3, dtype=None):
    """softmax(-x) along dim."""
    if dim is None:
        dim = _softmax_dim("softmin", input.dim(), _stacklevel)
    return softmax(-input, dim, dtype=dtype)
