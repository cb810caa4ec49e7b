"""F.linear's op: x @ W.T + b over any leading dims in one fused node (nn.functional checks the
arguments; bilinear is composed there)."""
from __future__ import annotations

import numpy as np

from ..backend import array_module
from . import shape as _s
from ._op import Op
from .linalg import MM, _product_wide, matmul

__all__ = ["linear"]

_ndarray = np.ndarray


class Linear(Op):
    """y = x @ W.T + b in one node; grad_fn named as PyTorch's decomposition ends
    (AddmmBackward0)."""

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
            y = _product_wide(array_module(x), x2, w.T)
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


def linear(input, weight, bias=None):
    """y = input @ weight.T + bias for checked arguments (nn.functional.linear checks them): one
    node named as PyTorch's decomposition ends; a 1-D weight is a matrix-vector product."""
    x = input._data
    if weight._data.ndim != 2:
        y = matmul(input, weight)
        return y if bias is None else y + bias
    if bias is None:
        op = _LinearMm if x.ndim == 2 else (_LinearSqueeze if x.ndim == 1 else _LinearUnsafeView)
        return op.apply(input, weight)
    op = Linear if x.ndim == 2 else _LinearView
    return op.apply(input, weight, bias)
