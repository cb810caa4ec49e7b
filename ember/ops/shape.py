"""Shape ops: view/reshape, transpose/permute, squeeze/unsqueeze, expand, cat/stack, split...

Views share memory with their input (NumPy views), as PyTorch's do; backward is the inverse
reshuffle of the gradient.
"""
from __future__ import annotations

import numpy as np

from ..backend import array_module
from ._op import Expand, Op
from ._util import wrap_dim

__all__ = ["reshape", "transpose", "swapaxes", "swapdims", "permute", "t"]


def infer_shape(shape, numel: int) -> tuple:
    """Resolve one -1 in a requested shape, checking that it holds exactly `numel` elements."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = shape[0]
    shape = tuple(int(s) for s in shape)
    known = 1
    infer = None
    for i, s in enumerate(shape):
        if s == -1:
            if infer is not None:
                raise RuntimeError("only one dimension can be inferred")
            infer = i
        elif s < 0:
            raise RuntimeError(f"invalid shape dimension {s}")
        else:
            known *= s
    if infer is not None:
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        shape = shape[:infer] + (numel // known,) + shape[infer + 1:]
    elif known != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return shape


class View(Op):
    is_view = True

    @staticmethod
    def forward(ctx, x, shape):
        ctx.in_shape = x.shape
        y = x.view()
        try:
            y.shape = shape  # raises when the strides cannot express the new shape without a copy
        except AttributeError:
            raise RuntimeError(
                "view size is not compatible with input tensor's size and stride (at least one "
                "dimension spans across two contiguous subspaces). Use .reshape(...) instead."
            ) from None
        return y

    @staticmethod
    def backward(ctx, grad):
        return grad.reshape(ctx.in_shape), None


class UnsafeView(Op):
    """reshape of a tensor whose strides forbid a view: a copy (UnsafeViewBackward0)."""

    @staticmethod
    def forward(ctx, x, shape):
        ctx.in_shape = x.shape
        return array_module(x).reshape(x, shape).copy()

    @staticmethod
    def backward(ctx, grad):
        return grad.reshape(ctx.in_shape), None


def _viewable(a, shape) -> bool:
    if a.flags.c_contiguous:
        return True
    y = a.view()
    try:
        y.shape = shape
    except AttributeError:
        return False
    return True


def view(input, *shape):
    if len(shape) == 1 and not isinstance(shape[0], (tuple, list, int, np.integer)):
        from .._dtype import dtype as _dtype_cls

        if isinstance(shape[0], _dtype_cls):
            from .conversion import view_dtype

            return view_dtype(input, shape[0])
    return View.apply(input, infer_shape(shape, input._data.size))


def reshape(input, *shape):
    shape = infer_shape(shape, input._data.size)
    if _viewable(input._data, shape):
        return View.apply(input, shape)
    return UnsafeView.apply(input, shape)


class Transpose(Op):
    is_view = True

    @staticmethod
    def forward(ctx, x, d0, d1):
        ctx.dims = (d0, d1)
        return array_module(x).swapaxes(x, d0, d1)

    @staticmethod
    def backward(ctx, grad):
        return Transpose.apply(grad, *ctx.dims), None, None


class T(Transpose):
    """Tensor.t(): transpose of a matrix, identity view of 0-d and 1-d tensors (TBackward0)."""

    @staticmethod
    def forward(ctx, x, d0, d1):
        ctx.dims = (d0, d1)
        return x.view() if x.ndim < 2 else x.swapaxes(d0, d1)

    @staticmethod
    def backward(ctx, grad):
        return T.apply(grad, *ctx.dims), None, None


class Permute(Op):
    is_view = True

    @staticmethod
    def forward(ctx, x, dims):
        ctx.dims = dims
        return array_module(x).transpose(x, dims)

    @staticmethod
    def backward(ctx, grad):
        return Permute.apply(grad, tuple(np.argsort(ctx.dims).tolist())), None


def transpose(input, dim0: int, dim1: int):
    n = input._data.ndim
    return Transpose.apply(input, wrap_dim(dim0, n), wrap_dim(dim1, n))


swapaxes = swapdims = transpose


def t(input):
    n = input._data.ndim
    if n > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {n}D")
    return T.apply(input, 0, 1)


def permute(input, *dims):
    if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
        dims = dims[0]
    n = input._data.ndim
    dims = tuple(wrap_dim(d, n) for d in dims)
    if len(dims) != n:
        raise RuntimeError(f"permute(sparse_coo): number of dimensions in the tensor input does "
                           f"not match the length of the desired ordering of dimensions i.e. "
                           f"input.dim() = {n} is not equal to len(dims) = {len(dims)}")
    if len(set(dims)) != n:
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return Permute.apply(input, dims)


def expand(input, *sizes):
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
        sizes = sizes[0]
    shape = input._data.shape
    if len(sizes) < len(shape):
        raise RuntimeError(f"expand(torch.FloatTensor{{[{', '.join(map(str, shape))}]}}, "
                           f"size=[{', '.join(map(str, sizes))}]): the number of sizes provided "
                           f"({len(sizes)}) must be greater or equal to the number of dimensions "
                           f"in the tensor ({len(shape)})")
    lead = len(sizes) - len(shape)
    out = []
    for i, s in enumerate(sizes):
        s = int(s)
        if i < lead:
            if s < 0:
                raise RuntimeError(f"The expanded size of the tensor ({s}) isn't allowed in a "
                                   "leading, non-existing dimension 0")
            out.append(s)
            continue
        cur = shape[i - lead]
        if s == -1:
            s = cur
        elif cur != 1 and s != cur:
            raise RuntimeError(f"The expanded size of the tensor ({s}) must match the existing "
                               f"size ({cur}) at non-singleton dimension {i}.  Target sizes: "
                               f"[{', '.join(map(str, sizes))}].  Tensor sizes: "
                               f"[{', '.join(map(str, shape))}]")
        out.append(s)
    return Expand.apply(input, tuple(out))

