"""Linear layers' ops: F.linear as one fused op (x @ W.T + b over any leading dims), F.bilinear."""
from __future__ import annotations

import math

import numpy as np

from . import _op
from . import shape as _s
from ._op import Op
from .linalg import _C_NAME, _CAP, MM, _product_wide, matmul

__all__ = ["bilinear", "linear"]

_ndarray = np.ndarray


class Linear(Op):
    """y = x @ W.T + b in one node; grad_fn named as PyTorch's decomposition ends (AddmmBackward0)."""

    node_name = "AddmmBackward0"
    save_inputs = (0, 1)

    @staticmethod
    def forward(ctx, x, w, b=None):
        k = x.shape[-1]
        if x.ndim == 2:
            x2 = x
        elif x.ndim == 1:
            x2 = x.reshape(1, k)
        else:
            x2 = x.reshape(-1, k)
        if x2.dtype.char in "fd" and x2.__class__ is _ndarray:
            y = x2.dot(w.T)
        else:  # half types: one rounding after the bias, as torch
            y = _product_wide(_xp(x), x2, w.T)
            if b is not None:
                y = y + b
            y = y.astype(x2.dtype, copy=False)
            b = None
        if b is not None:
            y += b
        if x.ndim != 2:
            y = y.reshape(x.shape[:-1] + (w.shape[0],))
        return y

    @staticmethod
    def backward(ctx, grad):
        x, w = ctx.inputs[:2]
        need = ctx.needs_input_grad
        gx = gw = gb = None
        if need[0]:
            gx = matmul(grad, w)
        if need[1]:
            n_out, k = w.shape
            if x.ndim == 2:
                gw = MM.apply(_s.t(grad), x)
            else:
                gw = MM.apply(_s.t(_s.reshape(grad, (-1, n_out))), _s.reshape(x, (-1, k)))
        if len(need) > 2 and need[2]:
            gb = grad  # the engine sums it over the batch dims down to the bias's shape
        return gx, gw, gb


class _LinearMm(Linear):
    node_name = "MmBackward0"


class _LinearView(Linear):
    node_name = "ViewBackward0"


class _LinearUnsafeView(Linear):
    node_name = "UnsafeViewBackward0"


class _LinearSqueeze(Linear):
    node_name = "SqueezeBackward4"


def _xp(x):
    from ..backend import array_module

    return array_module(x)


def _check_tensor(name, arg, pos, v):
    if not isinstance(v, _op.Tensor):
        raise TypeError(f"{name}(): argument '{arg}' (position {pos}) must be Tensor, not "
                        f"{type(v).__name__}")


def linear(input, weight, bias=None):
    """y = input @ weight.T + bias, for input of shape (*, in_features)."""
    _check_tensor("linear", "input", 1, input)
    _check_tensor("linear", "weight", 2, weight)
    if bias is not None:
        _check_tensor("linear", "bias", 3, bias)
    x, w = input._data, weight._data
    if x.ndim == 0 or w.ndim == 0:
        raise RuntimeError(f"both arguments to linear need to be at least 1D, but they are "
                           f"{x.ndim}D and {w.ndim}D")
    if w.ndim != 2:
        if w.ndim > 2:
            raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {w.ndim}D")
        y = matmul(input, weight)  # a 1-D weight: a plain matrix-vector product
        return y if bias is None else y + bias
    if x.shape[-1] != w.shape[1]:
        rows = math.prod(x.shape[:-1]) if x.ndim > 1 else 1
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x{x.shape[-1]} and "
                           f"{w.shape[1]}x{w.shape[0]})")
    if x.dtype != w.dtype:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: "
                           f"{_C_NAME[input.dtype.name]} != {_C_NAME[weight.dtype.name]}")
    if x.dtype == np.bool_:
        raise RuntimeError("\"addmm_impl_cpu_\" not implemented for 'Bool'")
    if bias is None:
        op = _LinearMm if x.ndim == 2 else (_LinearSqueeze if x.ndim == 1 else _LinearUnsafeView)
        return op.apply(input, weight)
    b = bias._data
    if b.dtype != x.dtype:
        raise RuntimeError(f"self and mat2 must have the same dtype, but got {_CAP[bias.dtype.name]}"
                           f" and {_CAP[input.dtype.name]}")
    n_out = w.shape[0]
    if b.ndim > 2 or (b.ndim >= 1 and b.shape[-1] not in (1, n_out)) or (
            b.ndim == 2 and b.shape[0] not in (1, math.prod(x.shape[:-1]))):
        target = list(x.shape[:-1]) + [n_out] if x.ndim == 2 else [n_out]
        raise RuntimeError(f"The expanded size of the tensor ({target[-1]}) must match the existing "
                           f"size ({b.shape[-1]}) at non-singleton dimension {len(target) - 1}.  "
                           f"Target sizes: {target}.  Tensor sizes: {list(b.shape)}")
    op = Linear if x.ndim == 2 else _LinearView
    return op.apply(input, weight, bias)


def bilinear(input1, input2, weight, bias=None):
    """y_o = x1 @ W_o @ x2 + b_o over matching leading dims of input1 and input2."""
    from .linalg import einsum

    _check_tensor("bilinear", "input1", 1, input1)
    _check_tensor("bilinear", "input2", 2, input2)
    _check_tensor("bilinear", "weight", 3, weight)
    if input1.dim() != input2.dim():
        raise RuntimeError(f"bilinear(): input dimensions do not match: got {input1.dim()} and "
                           f"{input2.dim()}")
    for d in range(input1.dim() - 1):
        if input1.shape[d] != input2.shape[d]:
            raise RuntimeError(f"bilinear(): input batch dimensions do not match at dim {d}: got "
                               f"{input1.shape[d]} and {input2.shape[d]}")
    for i, x in ((1, input1), (2, input2)):
        if weight.dim() <= i or x.shape[-1] != weight.shape[i]:
            want = weight.shape[i] if weight.dim() > i else "?"
            raise RuntimeError(f"bilinear(): input{i} size does not match weight size: got "
                               f"{x.shape[-1]} but expected {want}")
    if weight.dim() != 3:
        raise RuntimeError(f"bilinear(): weight input dimensions do not match: expected 3, got "
                           f"{weight.dim()}")
    y = einsum("...i,oij,...j->...o", input1, weight, input2)
    return y if bias is None else y + bias
