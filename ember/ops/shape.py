"""Shape ops: view/reshape, transpose/permute, squeeze/unsqueeze, expand, cat/stack, split...

Views share memory with their input (NumPy views), as PyTorch's do; backward is the inverse
reshuffle of the gradient.
"""
from __future__ import annotations

import math
import warnings

import numpy as np

from .. import _dtype as _dt
from ..backend import array_module
from ..size import Size
from . import _op
from ._common import check_broadcast
from ._op import Expand, Op
from ._output import _out
from ._util import wrap_dim
from .inplace_view import BasicIndex

__all__ = [
    "adjoint",
    "atleast_1d",
    "atleast_2d",
    "atleast_3d",
    "broadcast_shapes",
    "broadcast_tensors",
    "broadcast_to",
    "cat",
    "chunk",
    "column_stack",
    "concat",
    "concatenate",
    "dstack",
    "flatten",
    "hstack",
    "moveaxis",
    "movedim",
    "narrow",
    "permute",
    "ravel",
    "reshape",
    "reshape_as",
    "row_stack",
    "split",
    "squeeze",
    "stack",
    "swapaxes",
    "swapdims",
    "t",
    "tensor_split",
    "transpose",
    "unbind",
    "unflatten",
    "unsqueeze",
    "view_as",
    "vstack",
]


def infer_shape(shape, numel: int) -> tuple:
    """Resolve one -1 in a requested shape, checking that it holds exactly `numel` elements."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = shape[0]
    shape = tuple([s if s.__class__ is int else int(s) for s in shape])
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
    if len(shape) == 1 and isinstance(shape[0], _dt.dtype):
        return _view_dtype(input, shape[0])
    return View.apply(input, infer_shape(shape, input._data.size))


class ReshapeAlias(View):
    """reshape of a non-contiguous tensor whose strides allow a view (ReshapeAliasBackward0)."""


class ViewDtype(Op):
    """view(dtype): the same bytes read as another dtype (a view; last dim rescaled)."""

    is_view = True
    node_name = "ViewBackward0"

    @staticmethod
    def forward(ctx, x, np_dtype):
        ctx.in_dtype = x.dtype
        return x.view(np_dtype)

    @staticmethod
    def backward(ctx, grad):
        return ViewDtype.apply(grad, ctx.in_dtype), None


def _view_dtype(input, dtype):
    a = input._data
    if a.dtype == dtype.np_dtype:
        return View.apply(input, a.shape)
    old, new = a.dtype.itemsize, dtype.itemsize
    if old != new:
        if a.ndim == 0:
            raise RuntimeError("self.dim() cannot be 0 to view " + str(input.dtype) + " as " +
                               str(dtype) + " (different element sizes)")
        if a.ndim and a.strides[-1] != old and a.shape[-1] != 1:
            raise RuntimeError("self.stride(-1) must be 1 to view " + str(input.dtype) + " as " +
                               str(dtype) + " (different element sizes), but got "
                               f"{a.strides[-1] // old}")
        if (a.shape[-1] * old) % new:
            raise RuntimeError(f"self.size(-1) must be divisible by {new // old} to view "
                               f"{input.dtype} as {dtype} (different element sizes), but got "
                               f"{a.shape[-1]}")
    try:
        return ViewDtype.apply(input, dtype.np_dtype)
    except ValueError as exc:
        raise RuntimeError(str(exc)) from None


def reshape(input, *shape):
    shape = infer_shape(shape, input._data.size)
    a = input._data
    if a.flags.c_contiguous:
        return View.apply(input, shape)
    if _viewable(a, shape):
        return ReshapeAlias.apply(input, shape)
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
    d0, d1 = wrap_dim(dim0, n), wrap_dim(dim1, n)
    if n == 0:  # transposing a 0-d tensor is a view of it
        return Permute.apply(input, ())
    return Transpose.apply(input, d0, d1)


swapaxes = swapdims = transpose


def t(input):
    n = input._data.ndim
    if n > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {n}D")
    return T.apply(input, 0, 1)


def permute(input, *dims):
    if not dims:
        raise TypeError('permute() missing 1 required positional arguments: "dims"')
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



# ---- squeeze / unsqueeze / flatten -------------------------------------------------------------


class Squeeze(Op):
    """squeeze() of every size-1 dim (SqueezeBackward0); subclasses name the dim forms."""

    is_view = True

    @staticmethod
    def forward(ctx, x, shape):
        ctx.in_shape = x.shape
        return x.reshape(shape)

    @staticmethod
    def backward(ctx, grad):
        return View.apply(grad, ctx.in_shape), None


class SqueezeDim(Squeeze):
    node_name = "SqueezeBackward1"


class SqueezeDims(Squeeze):
    node_name = "SqueezeBackward2"


class Unsqueeze(Squeeze):
    node_name = "UnsqueezeBackward0"


def squeeze(input, dim=None):
    shape = input._data.shape
    n = len(shape)
    if dim is None:
        return Squeeze.apply(input, tuple(s for s in shape if s != 1))
    if isinstance(dim, (tuple, list)):
        axes = {wrap_dim(d, n) for d in dim}
        op = SqueezeDims
    else:
        axes = {wrap_dim(dim, n)}
        op = SqueezeDim
    return op.apply(input, tuple(s for i, s in enumerate(shape) if not (i in axes and s == 1)))


def unsqueeze(input, dim: int):
    shape = input._data.shape
    d = wrap_dim(dim, len(shape) + 1)
    return Unsqueeze.apply(input, shape[:d] + (1,) + shape[d:])


def flatten(input, start_dim: int = 0, end_dim: int = -1):
    shape = input._data.shape
    n = len(shape)
    if n == 0:
        return reshape(input, (1,))
    s, e = wrap_dim(start_dim, n), wrap_dim(end_dim, n)
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return input
    return reshape(input, shape[:s] + (math.prod(shape[s:e + 1]),) + shape[e + 1:])


def unflatten(input, dim: int, sizes):
    shape = input._data.shape
    if not shape:
        raise RuntimeError(f"unflatten: Dimension specified as {dim} but tensor has no dimensions")
    d = wrap_dim(dim, len(shape))
    sizes = tuple(int(s) for s in sizes)
    if not sizes:
        raise RuntimeError("unflatten: sizes must be non-empty")
    known = math.prod(s for s in sizes if s != -1)
    if sizes.count(-1) > 1 or (-1 not in sizes and known != shape[d]) or (
            -1 in sizes and (known == 0 or shape[d] % known)):
        raise RuntimeError(f"unflatten: Provided sizes {list(sizes)} don't multiply up to the size "
                           f"of dim {dim} ({shape[d]}) in the input tensor")
    if -1 in sizes:
        sizes = tuple(shape[d] // known if s == -1 else s for s in sizes)
    return view(input, shape[:d] + sizes + shape[d + 1:])


def ravel(input):
    return reshape(input, (-1,))


def view_as(input, other):
    return view(input, other._data.shape)


def reshape_as(input, other):
    return reshape(input, other._data.shape)


def expand_as(input, other):
    return expand(input, other._data.shape)


def broadcast_to(input, size):
    return expand(input, tuple(size))


def broadcast_shapes(*shapes):
    out = ()
    for s in shapes:
        s = (s,) if isinstance(s, int) else tuple(s)
        out = check_broadcast(out, s)
    return Size(out)


def broadcast_tensors(*tensors):
    if len(tensors) == 1 and isinstance(tensors[0], (tuple, list)):
        tensors = tensors[0]
    shape = ()
    for t in tensors:
        shape = check_broadcast(shape, t._data.shape)
    return tuple(t if t._data.shape == shape else Expand.apply(t, shape) for t in tensors)


def movedim(input, source, destination):
    n = input._data.ndim
    src = [source] if isinstance(source, int) else list(source)
    dst = [destination] if isinstance(destination, int) else list(destination)
    if len(src) != len(dst):
        raise RuntimeError(f"movedim: Invalid source or destination dims: source ({src} dims) "
                           f"should contain the same number of dims as destination ({dst} dims)")
    src = [wrap_dim(d, n) for d in src]
    dst = [wrap_dim(d, n) for d in dst]
    for name, ds in (("source", src), ("destination", dst)):
        if len(set(ds)) != len(ds):
            raise RuntimeError(f"movedim: repeated dim in `{name}` ({ds})")
    if n == 0:
        return Permute.apply(input, ())
    order = [None] * n
    for s, d in zip(src, dst):
        order[d] = s
    rest = iter(i for i in range(n) if i not in src)
    order = tuple(o if o is not None else next(rest) for o in order)
    return Permute.apply(input, order)


moveaxis = movedim


def adjoint(input):
    if input._data.ndim == 0:  # torch returns the tensor itself, with a deprecation warning
        warnings.warn("adjoint() is deprecated on 0-D tensors. Consider using x.conj().",
                      UserWarning, stacklevel=2)
        return input
    t = transpose(input, -2, -1)
    return t.conj() if input.is_complex() else t


# ---- atleast_nd --------------------------------------------------------------------------------


def _atleast(tensors, n: int):
    single = len(tensors) == 1 and not isinstance(tensors[0], (tuple, list))
    if len(tensors) == 1 and isinstance(tensors[0], (tuple, list)):
        tensors = tensors[0]
    out = []
    for t in tensors:
        s = t._data.shape
        if len(s) < n:
            if n == 1 or not s:
                new = (1,) * n
            elif n == 2 or len(s) == 2:
                new = (1,) * (n - len(s)) + s if n == 2 else s + (1,)
            else:
                new = (1,) + s + (1,)
            t = view(t, new)
        out.append(t)
    return out[0] if single else tuple(out)


def atleast_1d(*tensors):
    return _atleast(tensors, 1)


def atleast_2d(*tensors):
    return _atleast(tensors, 2)


def atleast_3d(*tensors):
    return _atleast(tensors, 3)


# ---- cat / stack / split -----------------------------------------------------------------------


class Cat(Op):
    @staticmethod
    def forward(ctx, *xs, axis, np_dtype):
        ctx.meta = (axis, tuple(x.shape[axis] if x.ndim > 1 or x.shape != (0,) else 0
                                for x in xs), tuple(x.ndim for x in xs))
        xp = array_module(xs[0])
        keep = [x if x.dtype == np_dtype else x.astype(np_dtype) for x in xs
                if not (x.ndim == 1 and x.shape[0] == 0)]
        if not keep:
            return xp.empty((0,), np_dtype)
        return xp.concatenate(keep, axis=axis)

    @staticmethod
    def backward(ctx, grad):
        axis, sizes, ndims = ctx.meta
        out = []
        start = 0
        for n, nd, need in zip(sizes, ndims, ctx.needs_input_grad):
            if need and not (nd == 1 and n == 0 and grad.ndim != 1):
                out.append(narrow(grad, axis, start, n) if grad.ndim else grad)
            elif need:
                out.append(_op._new_tensor(array_module(grad._data).zeros((0,), grad._data.dtype)))
            else:
                out.append(None)
            start += n
        return tuple(out)


def _tensor_list(tensors, name: str):
    if isinstance(tensors, _op.Tensor) or not isinstance(tensors, (tuple, list)):
        raise TypeError(f"{name}(): argument 'tensors' (position 1) must be tuple of Tensors, "
                        f"not {type(tensors).__name__}")
    if not tensors:
        raise ValueError(f"torch.{name}(): expected a non-empty list of Tensors")
    return list(tensors)


def cat(tensors, dim: int = 0, *, out=None):
    tensors = _tensor_list(tensors, "cat")
    d = tensors[0].dtype
    for t in tensors[1:]:
        if t.dtype is not d:
            d = _dt.promote_types(d, t.dtype)
    ref = next((t for t in tensors if not (t._data.ndim == 1 and t._data.shape[0] == 0)), None)
    if ref is None:
        return _out(Cat.apply(*tensors, axis=0, np_dtype=d.np_dtype), out)
    n = ref._data.ndim
    if n == 0:
        raise RuntimeError("zero-dimensional tensor (at position 0) cannot be concatenated")
    axis = wrap_dim(dim, n)
    rs = ref._data.shape
    for i, t in enumerate(tensors):
        s = t._data.shape
        if len(s) == 1 and s[0] == 0:
            continue
        if len(s) != n:
            if len(s) == 0:
                raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be "
                                   "concatenated")
            raise RuntimeError(f"Tensors must have same number of dimensions: got {n} and "
                               f"{len(s)}")
        for j in range(n):
            if j != axis and s[j] != rs[j]:
                raise RuntimeError(f"Sizes of tensors must match except in dimension {axis}. "
                                   f"Expected size {rs[j]} but got size {s[j]} for tensor number "
                                   f"{i} in the list.")
    return _out(Cat.apply(*tensors, axis=axis, np_dtype=d.np_dtype), out)


concat = concatenate = cat


class Stack(Op):
    @staticmethod
    def forward(ctx, *xs, axis, np_dtype):
        ctx.axis = axis
        xs = [x if x.dtype == np_dtype else x.astype(np_dtype) for x in xs]
        return array_module(xs[0]).stack(xs, axis=axis)

    @staticmethod
    def backward(ctx, grad):
        parts = Unbind.apply(grad, ctx.axis)
        return tuple(p if need else None for p, need in zip(parts, ctx.needs_input_grad))


def stack(tensors, dim: int = 0, *, out=None):
    tensors = _tensor_list(tensors, "stack")
    s0 = tensors[0]._data.shape
    d = tensors[0].dtype
    for i, t in enumerate(tensors[1:], 1):
        if t._data.shape != s0:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(s0)} "
                               f"at entry 0 and {list(t._data.shape)} at entry {i}")
        if t.dtype is not d:
            d = _dt.promote_types(d, t.dtype)
    axis = wrap_dim(dim, len(s0) + 1)
    return _out(Stack.apply(*tensors, axis=axis, np_dtype=d.np_dtype), out)


def hstack(tensors, *, out=None):
    tensors = atleast_1d(tuple(_tensor_list(tensors, "hstack")))
    return cat(tensors, 0 if tensors[0]._data.ndim == 1 else 1, out=out)


def vstack(tensors, *, out=None):
    return cat(atleast_2d(tuple(_tensor_list(tensors, "vstack"))), 0, out=out)


row_stack = vstack


def dstack(tensors, *, out=None):
    return cat(atleast_3d(tuple(_tensor_list(tensors, "dstack"))), 2, out=out)


def column_stack(tensors, *, out=None):
    tensors = [reshape(t, (-1, 1)) if t._data.ndim <= 1 else t
               for t in _tensor_list(tensors, "column_stack")]
    return cat(tensors, 1, out=out)


class SplitWithSizes(Op):
    """Views of consecutive pieces along an axis; backward concatenates the pieces' grads."""

    is_view = True

    @staticmethod
    def forward(ctx, x, axis, sizes):
        ctx.axis = axis
        pre = (slice(None),) * axis
        out = []
        start = 0
        for n in sizes:
            out.append(x[pre + (slice(start, start + n),)])
            start += n
        return tuple(out)

    @staticmethod
    def backward(ctx, *grads):
        g0 = grads[0]
        return Cat.apply(*grads, axis=ctx.axis, np_dtype=g0._data.dtype), None, None


class Split(SplitWithSizes):
    pass


class Unbind(Op):
    is_view = True

    @staticmethod
    def forward(ctx, x, axis):
        ctx.axis = axis
        pre = (slice(None),) * axis
        return tuple(x[pre + (i,)] for i in range(x.shape[axis]))

    @staticmethod
    def backward(ctx, *grads):
        return Stack.apply(*grads, axis=ctx.axis, np_dtype=grads[0]._data.dtype), None


def split(tensor, split_size_or_sections, dim: int = 0):
    n = tensor._data.ndim
    if n == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    axis = wrap_dim(dim, n)
    size = tensor._data.shape[axis]
    s = split_size_or_sections
    if isinstance(s, (list, tuple)):
        s = tuple(int(v) for v in s)
        if sum(s) != size or any(v < 0 for v in s):
            raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {size} "
                               f"(input tensor's size at dimension {axis}), but got "
                               f"split_sizes={list(s)}")
        return SplitWithSizes.apply(tensor, axis, s)
    s = int(s)
    if s < 0:
        raise RuntimeError(f"split expects split_size be non-negative, but got split_size={s}")
    if s == 0:
        if size != 0:
            raise RuntimeError("split_size can only be 0 if dimension size is 0, but got "
                               f"dimension size of {size}")
        return Split.apply(tensor, axis, (0,))
    sizes = [s] * (size // s) + ([size % s] if size % s else [])
    return Split.apply(tensor, axis, tuple(sizes or [0]))


def chunk(input, chunks: int, dim: int = 0):
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    n = input._data.ndim
    if n == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    size = input._data.shape[wrap_dim(dim, n)]
    if size == 0:  # PyTorch gives `chunks` empty pieces
        return split(input, [0] * chunks, dim)
    return split(input, -(-size // chunks), dim)


def tensor_split(input, indices_or_sections, dim: int = 0):
    n = input._data.ndim
    if n == 0:
        raise RuntimeError("tensor_split expected at least a 1-dimensional tensor, but got a "
                           "tensor with 0 dims")
    axis = wrap_dim(dim, n)
    size = input._data.shape[axis]
    s = indices_or_sections
    if isinstance(s, _op.Tensor):
        s = s.tolist()
    if isinstance(s, int):
        if s <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {s}")
        q, r = divmod(size, s)
        sizes = [q + 1] * r + [q] * (s - r)
    else:
        bounds = [min(max(int(i), 0), size) for i in s]
        sizes = []
        prev = 0
        for b in bounds + [size]:
            b = max(b, prev)
            sizes.append(b - prev)
            prev = b
    return SplitWithSizes.apply(input, axis, tuple(sizes))


def unbind(input, dim: int = 0):
    n = input._data.ndim
    if n == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    return Unbind.apply(input, wrap_dim(dim, n))


def narrow(input, dim: int, start, length: int):
    n = input._data.ndim
    if n == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    axis = wrap_dim(dim, n)
    size = input._data.shape[axis]
    start = int(start)
    if not -size <= start <= size:
        raise IndexError(f"start out of range (expected to be in range of [{-size}, {size}], but "
                         f"got {start})")
    if start < 0:
        start += size
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    if start + length > size:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
    return BasicIndex.apply(input, (slice(None),) * axis + (slice(start, start + length),))
