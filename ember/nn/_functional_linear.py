"""nn.functional's linear and bilinear: torch's argument checks (types, ranks, sizes, dtypes), then
ember.ops.nn_linear's fused node; bilinear is an einsum, as torch composes it."""
from __future__ import annotations

import math

import numpy as np

from .._tensor import Tensor
from ..ops import nn_linear as _ops
from ..ops.linalg import _C_NAME, _CAP, einsum

__all__ = ["bilinear", "linear"]


def _check_tensor(name, arg, pos, v):
    if not isinstance(v, Tensor):
        raise TypeError(f"{name}(): argument '{arg}' (position {pos}) must be Tensor, not "
                        f"{type(v).__name__}")


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
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
        return _ops.linear(input, weight, bias)  # a 1-D weight: a matrix-vector product
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
        return _ops.linear(input, weight)
    b = bias._data
    if b.dtype != x.dtype:
        raise RuntimeError("self and mat2 must have the same dtype, but got "
                           f"{_CAP[bias.dtype.name]} and {_CAP[input.dtype.name]}")
    n_out = w.shape[0]
    if b.ndim > 2 or (b.ndim >= 1 and b.shape[-1] not in (1, n_out)) or (
            b.ndim == 2 and b.shape[0] not in (1, math.prod(x.shape[:-1]))):
        target = list(x.shape[:-1]) + [n_out] if x.ndim == 2 else [n_out]
        raise RuntimeError(f"The expanded size of the tensor ({target[-1]}) must match the "
                           f"existing size ({b.shape[-1]}) at non-singleton dimension "
                           f"{len(target) - 1}.  "
                           f"Target sizes: {target}.  Tensor sizes: {list(b.shape)}")
    return _ops.linear(input, weight, bias)


def bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """y_o = x1 @ W_o @ x2 + b_o over matching leading dims of input1 and input2."""
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
