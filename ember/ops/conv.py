"""Convolution ops (conv1d/2d/3d and their transposes) through im2col on strided slices + BLAS.

Three ops share one geometry (`_Geom`): `Convolution` (x, w -> y), its adjoint in x
`ConvTranspose` (g, w -> x-shaped) and its adjoint in w `ConvWeight` (x, g -> w-shaped). Each one's
backward is written with the other two, so second derivatives work to any order. Large column
copies are split over threads by channel (NumPy releases the GIL while copying). The gradients of
wide ungrouped convs go through the channels-last kernels of ember.ops._conv_kernels instead.
"""
from __future__ import annotations

import itertools
import os

import numpy as np

from ..backend import array_module
from . import _conv_kernels as _cl
from . import _op
from . import creation as _creation
from ._op import Op

__all__ = ["conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
           "conv_transpose3d"]

_ndarray = np.ndarray
_COLS_BUDGET = 1 << 25  # bytes of im2col columns per batch chunk: big GEMMs, bounded memory
_PARALLEL_BYTES = 1 << 23  # copies above this size are split over threads by channel
_THREADS = min(8, os.cpu_count() or 1)
_POOL = None


def _xp(x):
    return np if x.__class__ is _ndarray else array_module(x)


_CL_MIN_CHANNELS = 32  # below this the channels-last rows are too short to beat NCHW columns


def _channels_last(a, b, g: _Geom) -> bool:
    """Whether the channels-last kernels (ember.ops._conv_kernels) take this NumPy gradient:
    measured faster than NCHW columns + col2im for wide ungrouped convs (the forward is not)."""
    return (g.groups == 1 and a.__class__ is _ndarray and b.__class__ is _ndarray
            and min(a.shape[1], b.shape[1]) >= _CL_MIN_CHANNELS)


class _Geom:
    """Shapes and hyper-parameters of one convolution: x (N, C, *in_sp) -> y (N, O, *out_sp)."""

    __slots__ = ("buf_sp", "dilation", "groups", "in_sp", "ksize", "lo", "out_sp", "stride")

    def __init__(self, stride, dilation, lo, in_sp, out_sp, ksize, groups):
        self.stride, self.dilation, self.lo = stride, dilation, lo
        self.in_sp, self.out_sp, self.ksize, self.groups = in_sp, out_sp, ksize, groups
        # the zero-padded input holds x at [lo, lo + n) and every position a kernel tap reads
        self.buf_sp = tuple(max(p + n, (o - 1) * s + d * (k - 1) + 1) if o else p + n
                            for p, n, o, s, d, k in zip(lo, in_sp, out_sp, stride, dilation, ksize))

    def is_pointwise(self) -> bool:
        """1x1 kernel, stride 1, no padding: the convolution is one matmul over channels."""
        return (all(k == 1 for k in self.ksize) and all(s == 1 for s in self.stride)
                and not any(self.lo) and self.in_sp == self.out_sp)

    def taps(self):
        """(kernel offset, slice of the padded input that this tap reads for every output)."""
        for off in itertools.product(*[range(k) for k in self.ksize]):
            yield off, tuple(slice(i * d, i * d + s * (o - 1) + 1, s) for i, d, s, o in
                             zip(off, self.dilation, self.stride, self.out_sp))

    def chunk(self, n: int, rows: int, itemsize: int) -> int:
        """Images per im2col chunk: keeps the column buffer near _COLS_BUDGET bytes."""
        per = max(rows * _prod(self.out_sp) * itemsize, 1)
        return max(1, min(n, _COLS_BUDGET // per))


def _prod(shape) -> int:
    r = 1
    for s in shape:
        r *= s
    return r


def _by_channels(fn, c: int, nbytes: int, xp) -> None:
    """Run fn(c0, c1) over blocks of channels; in threads when the copy is big (NumPy's copies
    and adds release the GIL, and a single-threaded im2col is what bounds a large conv)."""
    global _POOL
    if xp is not np or _THREADS < 2 or nbytes < _PARALLEL_BYTES or c < 2:
        fn(0, c)
        return
    if _POOL is None:
        from concurrent.futures import ThreadPoolExecutor  # only large copies need threads

        _POOL = ThreadPoolExecutor(_THREADS, thread_name_prefix="ember-conv")
    k = min(_THREADS, c)
    bounds = [c * i // k for i in range(k + 1)]
    for f in [_POOL.submit(fn, bounds[i], bounds[i + 1]) for i in range(k)]:
        f.result()


def _padded(x, g: _Geom, xp):
    """x placed at offset `lo` inside a zero buffer that covers every kernel tap (or x itself)."""
    if g.buf_sp == g.in_sp:
        return x
    buf = xp.zeros(x.shape[:2] + g.buf_sp, x.dtype)
    inner = tuple(slice(p, p + n) for p, n in zip(g.lo, g.in_sp))

    def copy(c0, c1):
        buf[(slice(None), slice(c0, c1)) + inner] = x[:, c0:c1]
    _by_channels(copy, x.shape[1], x.nbytes, xp)
    return buf


def _im2col(xpad, g: _Geom, xp):
    """Columns (C, *K, n, *out_sp), contiguous: one strided-slice copy per kernel tap.

    Channels and taps first, images and positions last, so the product with the weight is one
    (O, C*K) @ (C*K, n*L) GEMM per group however many images the chunk holds.
    """
    cols = xp.empty(xpad.shape[1:2] + g.ksize + xpad.shape[:1] + g.out_sp, xpad.dtype)
    xt = xpad.swapaxes(0, 1)
    taps = list(g.taps())

    def copy(c0, c1):
        lead = (slice(c0, c1), slice(None))
        for off, sl in taps:
            cols[(slice(c0, c1),) + off] = xt[lead + sl]
    _by_channels(copy, cols.shape[0], cols.nbytes, xp)
    return cols


def _col2im(cols, g: _Geom, xp):
    """Adjoint of _im2col: add each tap's columns back into a padded buffer, then crop to x."""
    nk = len(g.ksize)
    c, n = cols.shape[0], cols.shape[1 + nk]
    buf = xp.zeros((n, c) + g.buf_sp, cols.dtype)
    taps = list(g.taps())

    def add(c0, c1):
        lead = (slice(None), slice(c0, c1))
        for off, sl in taps:
            buf[lead + sl] += cols[(slice(c0, c1),) + off].swapaxes(0, 1)
    _by_channels(add, c, cols.nbytes, xp)
    if g.buf_sp == g.in_sp:
        return buf
    return buf[(slice(None), slice(None)) + tuple(slice(p, p + s) for p, s in zip(g.lo, g.in_sp))]


def _channels_first(a, groups: int, xp):
    """(n, O, *sp) -> contiguous (G, O/G, n*L): the layout the column GEMMs consume."""
    n, o = a.shape[:2]
    return xp.ascontiguousarray(a.reshape(n, o, -1).swapaxes(0, 1)).reshape(groups, o // groups, -1)


def _conv_arrays(x, w, g: _Geom):
    """y[n, o] = sum over (c, k) of w[o, c, k] * x[n, c, tap k]: grouped GEMMs per batch chunk."""
    xp = _xp(x)
    n, c = x.shape[:2]
    o = w.shape[0]
    groups = g.groups
    wm = w.reshape(groups, o // groups, -1)
    if g.is_pointwise():  # no columns at all: (O, C) @ (C, L) per image
        y = xp.matmul(wm, x.reshape(n, groups, c // groups, -1))
        return y.reshape((n, o) + g.out_sp)
    xpad = _padded(x, g, xp)
    y = xp.empty((n, o) + g.out_sp, x.dtype)
    step = g.chunk(n, c * _prod(g.ksize), x.itemsize)
    for i in range(0, n, step):
        cols = _im2col(xpad[i:i + step], g, xp)
        m = min(step, n - i)
        r = xp.matmul(wm, cols.reshape(groups, -1, m * _prod(g.out_sp)))
        y[i:i + m] = r.reshape((o, m) + g.out_sp).swapaxes(0, 1)
    return y


def _conv_transpose_arrays(gy, w, g: _Geom):
    """Adjoint of _conv_arrays in x: columns W^T @ gy, scattered back by _col2im."""
    if _channels_last(gy, w, g) and not g.is_pointwise():
        return _cl.conv_transpose(gy, w, g)
    xp = _xp(gy)
    n, o = gy.shape[:2]
    groups = g.groups
    c = w.shape[1] * groups
    # stacked matmul only reaches BLAS with contiguous operands: transpose the (small) weight once
    wt = xp.ascontiguousarray(w.reshape(groups, o // groups, -1).transpose(0, 2, 1))
    if g.is_pointwise():
        x = xp.matmul(wt, gy.reshape(n, groups, o // groups, -1))
        return x.reshape((n, c) + g.in_sp)
    step = g.chunk(n, c * _prod(g.ksize), gy.itemsize)
    x = None
    for i in range(0, n, step):
        m = min(step, n - i)
        cols = xp.matmul(wt, _channels_first(gy[i:i + step], groups, xp))
        part = _col2im(cols.reshape((c,) + g.ksize + (m,) + g.out_sp), g, xp)
        if m == n:
            return part
        if x is None:
            x = xp.empty((n, c) + g.in_sp, gy.dtype)
        x[i:i + m] = part
    return x if x is not None else xp.zeros((n, c) + g.in_sp, gy.dtype)


def _conv_weight_arrays(x, gy, g: _Geom):
    """Adjoint of _conv_arrays in w: gw[o, c, k] = sum over n and positions of gy * x at tap k."""
    if _channels_last(x, gy, g):
        return _cl.conv_weight(x, gy, g)
    xp = _xp(x)
    n, c = x.shape[:2]
    o = gy.shape[1]
    groups = g.groups
    kk = _prod(g.ksize)
    gw = xp.zeros((groups, o // groups, c // groups * kk), x.dtype)
    xpad = _padded(x, g, xp)
    step = g.chunk(n, c * kk, x.itemsize)
    for i in range(0, n, step):
        m = min(step, n - i)
        cols = _im2col(xpad[i:i + step], g, xp).reshape(groups, -1, m * _prod(g.out_sp))
        gyc = _channels_first(gy[i:i + step], groups, xp)
        for j in range(groups):  # 2-D dots on transposed views: BLAS takes them without a copy;
            # (CK, L) @ (L, O) rather than (O, L) @ (L, CK): OpenBLAS is ~100x slower on the
            # latter when O is small (LeNet's 6 output channels)
            gw[j] += xp.dot(cols[j], gyc[j].T).T
    return gw.reshape((o, c // groups) + g.ksize)


# ---- the three Ops: each one's backward is written with the other two ---------------------------


def _bias_grad(grad):
    return grad.sum((0,) + tuple(range(2, grad.ndim)))


class Convolution(Op):
    """y = conv(x, w) + b; PyTorch's grad_fn name for every convolution."""

    node_name = "ConvolutionBackward0"
    save_inputs = (0, 1)
    differentiable_args = (0, 1, 2)

    @staticmethod
    def forward(ctx, x, w, b, geom):
        ctx.geom = geom
        if x.shape[1] == 0:  # no input channels: PyTorch returns an empty (N, 0, ...) result
            return _xp(x).zeros(x.shape[:2] + geom.out_sp, x.dtype)
        y = _conv_arrays(x, w, geom)
        if b is not None:
            y += b.reshape((-1,) + (1,) * len(geom.out_sp))
        return y

    @staticmethod
    def backward(ctx, grad):
        x, w = ctx.inputs
        g = ctx.geom
        need = ctx.needs_input_grad
        if x.shape[1] == 0:
            gb = _creation.zeros(w.shape[0], dtype=w.dtype) if need[2] else None
            return (_creation.zeros_like(x) if need[0] else None,
                    _creation.zeros_like(w) if need[1] else None, gb)
        gx = ConvTranspose.apply(grad, w, None, g) if need[0] else None
        gw = ConvWeight.apply(x, grad, g) if need[1] else None
        gb = _bias_grad(grad) if need[2] else None
        return gx, gw, gb


class ConvTranspose(Op):
    """x-shaped result of the transposed convolution of g with w (plus b per channel)."""

    node_name = "ConvolutionBackward0"
    save_inputs = (0, 1)
    differentiable_args = (0, 1, 2)

    @staticmethod
    def forward(ctx, gy, w, b, geom):
        ctx.geom = geom
        x = _conv_transpose_arrays(gy, w, geom)
        if b is not None:
            x += b.reshape((-1,) + (1,) * len(geom.in_sp))
        return x

    @staticmethod
    def backward(ctx, grad):
        gy, w = ctx.inputs
        g = ctx.geom
        need = ctx.needs_input_grad
        ggy = Convolution.apply(grad, w, None, g) if need[0] else None
        gw = ConvWeight.apply(grad, gy, g) if need[1] else None
        gb = _bias_grad(grad) if need[2] else None
        return ggy, gw, gb


class ConvWeight(Op):
    """The weight gradient of a convolution as an op of its own, so it has a backward too."""

    node_name = "ConvolutionBackwardBackward0"
    save_inputs = (0, 1)

    @staticmethod
    def forward(ctx, x, gy, geom):
        ctx.geom = geom
        return _conv_weight_arrays(x, gy, geom)

    @staticmethod
    def backward(ctx, grad):
        x, gy = ctx.inputs
        g = ctx.geom
        need = ctx.needs_input_grad
        gx = ConvTranspose.apply(gy, grad, None, g) if need[0] else None
        ggy = Convolution.apply(x, grad, None, g) if need[1] else None
        return gx, ggy, None


# ---- argument checking and the public functions ---------------------------------------------------


def _tuple(value, nd: int, name: str) -> tuple:
    """An int or a sequence of nd ints as a tuple, or PyTorch's RuntimeError."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return (int(value),) * nd
    if isinstance(value, (tuple, list)) and all(
            isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in value):
        if len(value) == 1:
            return (int(value[0]),) * nd
        if len(value) == nd:
            return tuple(int(v) for v in value)
        raise RuntimeError(f"expected {name} to be a single integer value or a list of {nd} values "
                           f"to match the convolution dimensions, but got {name}={list(value)}")
    raise TypeError(f"{name} must be an int or a tuple of ints, but got {type(value).__name__}")


def _shape_str(shape) -> str:
    return "[" + ", ".join(str(s) for s in shape) + "]"


def _check_common(x, w, b, nd: int, name: str, transposed: bool):
    """Rank, dtype and bias checks shared by conv and conv_transpose; returns batched x."""
    if not isinstance(x, _op.Tensor) or not isinstance(w, _op.Tensor):
        raise TypeError(f"{name}(): argument 'input' and 'weight' must be Tensors")
    if x.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to "
                           f"{name}, but got input of size: {_shape_str(x.shape)}")
    if w.ndim != nd + 2:
        raise RuntimeError(f"weight should have {nd + 2} dimensions for {name}, but got weight of "
                           f"size {_shape_str(w.shape)}")
    if x.dtype != w.dtype:
        raise RuntimeError(f"expected scalar type {_type_name(x)} but found {_type_name(w)}")
    if x.dtype.is_floating_point is False and x._data.dtype.kind not in "iu":
        raise NotImplementedError(f'"{name}" not implemented for \'{_type_name(x)}\'')
    if b is not None:
        if b.dtype != x.dtype:
            raise RuntimeError(f"Input type ({_c_name(x)}) and bias type ({_c_name(b)}) should be "
                               "the same")
        out_ch = w.shape[1] if transposed else w.shape[0]
        if b.ndim != 1 or (b.shape[0] != out_ch and not transposed):
            raise RuntimeError(f"Given weight of size {_shape_str(w.shape)}, expected bias to be "
                               f"1-dimensional with {out_ch} elements, but got bias of size "
                               f"{_shape_str(b.shape)} instead")


def _type_name(t) -> str:
    name = str(t.dtype).rsplit(".", 1)[-1]
    return {"float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16",
            "int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
            "bool": "Bool"}.get(name, name)


def _c_name(t) -> str:
    name = str(t.dtype).rsplit(".", 1)[-1]
    return {"float32": "float", "float64": "double", "float16": "c10::Half"}.get(name, name)


def _check_hyper(stride, dilation, groups) -> None:
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(d <= 0 for d in dilation):
        raise RuntimeError("non-positive dilation is not supported")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")


def _conv(input, weight, bias, stride, padding, dilation, groups, nd: int, name: str):
    _check_common(input, weight, bias, nd, name, False)
    stride = _tuple(stride, nd, "stride")
    dilation = _tuple(dilation, nd, "dilation")
    groups = int(groups)
    _check_hyper(stride, dilation, groups)
    ksize = tuple(weight.shape[2:])
    if isinstance(padding, str):
        if padding == "valid":
            lo = hi = (0,) * nd
        elif padding == "same":
            if any(s != 1 for s in stride):
                raise RuntimeError("padding='same' is not supported for strided convolutions")
            total = [d * (k - 1) for d, k in zip(dilation, ksize)]
            lo = tuple(t // 2 for t in total)
            hi = tuple(t - t // 2 for t in total)
        else:
            raise RuntimeError(f"Invalid padding string: '{padding}'")
    else:
        lo = hi = _tuple(padding, nd, "padding")
        if any(p < 0 for p in lo):
            raise RuntimeError("negative padding is not supported")
    unbatched = input.ndim == nd + 1
    x = input.unsqueeze(0) if unbatched else input
    out_ch, cg = weight.shape[:2]
    if x.shape[1] != cg * groups:
        raise RuntimeError(f"Given groups={groups}, weight of size {_shape_str(weight.shape)}, "
                           f"expected input{_shape_str(x.shape)} to have {cg * groups} channels, "
                           f"but got {x.shape[1]} channels instead")
    if out_ch == 0 or out_ch % groups:
        what = "at least 1" if out_ch == 0 else f"divisible by {groups}"
        raise RuntimeError(f"Given groups={groups}, expected weight to be {what} at dimension 0, "
                           f"but got weight of size {_shape_str(weight.shape)} instead")
    in_sp = tuple(x.shape[2:])
    padded = [n + a + b for n, a, b in zip(in_sp, lo, hi)]
    eff = [d * (k - 1) + 1 for d, k in zip(dilation, ksize)]
    if any(p < e for p, e in zip(padded, eff)):
        raise RuntimeError(
            f"Calculated padded input size per channel: ({' x '.join(map(str, padded))}). Kernel "
            f"size: ({' x '.join(map(str, eff))}). Kernel size can't be greater than actual input "
            "size")
    out_sp = tuple((p - e) // s + 1 for p, e, s in zip(padded, eff, stride))
    geom = _Geom(stride, dilation, lo, in_sp, out_sp, ksize, groups)
    y = Convolution.apply(x, weight, bias, geom)
    return y.squeeze(0) if unbatched else y


def _output_padding_error(op, stride, dilation) -> RuntimeError:
    if len(op) <= 2:
        op2, s2, d2 = ((0,) + op, (1,) + stride, (1,) + dilation) if len(op) == 1 else (
            op, stride, dilation)
        return RuntimeError(
            "output padding must be smaller than either stride or dilation, but got "
            f"output_padding_height: {op2[0]} output_padding_width: {op2[1]} stride_height: "
            f"{s2[0]} stride_width: {s2[1]} dilation_height: {d2[0]} dilation_width: {d2[1]}")
    return RuntimeError("output padding must be smaller than either stride or dilation, but got "
                        f"output_padding={list(op)} stride={list(stride)} "
                        f"dilation={list(dilation)}")


def _conv_transpose(input, weight, bias, stride, padding, output_padding, groups, dilation,
                    nd: int, name: str):
    _check_common(input, weight, bias, nd, name, True)
    stride = _tuple(stride, nd, "stride")
    dilation = _tuple(dilation, nd, "dilation")
    if isinstance(padding, str):
        raise TypeError(f"{name}(): argument 'padding' must be tuple of ints, not str")
    padding = _tuple(padding, nd, "padding")
    output_padding = _tuple(output_padding, nd, "output_padding")
    groups = int(groups)
    _check_hyper(stride, dilation, groups)
    if any(p < 0 for p in padding):
        raise RuntimeError("negative padding is not supported")
    if any(p < 0 for p in output_padding):
        raise RuntimeError("negative output_padding is not supported")
    if any(op >= s and op >= d for op, s, d in zip(output_padding, stride, dilation)):
        raise _output_padding_error(output_padding, stride, dilation)
    unbatched = input.ndim == nd + 1
    x = input.unsqueeze(0) if unbatched else input
    in_ch, cg = weight.shape[:2]
    if x.shape[1] != in_ch:
        raise RuntimeError(f"Given transposed=1, weight of size {_shape_str(weight.shape)}, "
                           f"expected input{_shape_str(x.shape)} to have {in_ch} channels, but "
                           f"got {x.shape[1]} channels instead")
    if in_ch % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} "
                           f"at dimension 0, but got weight of size [{_shape_str(weight.shape)}] "
                           "instead")
    if bias is not None and bias.shape[0] != cg * groups:
        raise RuntimeError(f"Given transposed=1, weight of size {_shape_str(weight.shape)}, "
                           f"expected bias to be 1-dimensional with {cg * groups} elements, but "
                           f"got bias of size {_shape_str(bias.shape)} instead")
    ksize = tuple(weight.shape[2:])
    i_sp = tuple(x.shape[2:])
    out_sp = tuple((i - 1) * s - 2 * p + d * (k - 1) + op + 1 for i, s, p, d, k, op in
                   zip(i_sp, stride, padding, dilation, ksize, output_padding))
    if any(o <= 0 for o in out_sp):
        raise RuntimeError(
            f"Given input size per channel: ({' x '.join(map(str, i_sp))}). Calculated output "
            f"size per channel: ({' x '.join(map(str, out_sp))}). Output size is too small")
    # the transposed conv is the adjoint (in x) of a conv from out_sp down to the input's size
    geom = _Geom(stride, dilation, padding, out_sp, i_sp, ksize, groups)
    y = ConvTranspose.apply(x, weight, bias, geom)
    return y.squeeze(0) if unbatched else y


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-D cross-correlation over (N, C, L) or unbatched (C, L) input."""
    return _conv(input, weight, bias, stride, padding, dilation, groups, 1, "conv1d")


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-D cross-correlation over (N, C, H, W) or unbatched (C, H, W) input."""
    return _conv(input, weight, bias, stride, padding, dilation, groups, 2, "conv2d")


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """3-D cross-correlation over (N, C, D, H, W) or unbatched (C, D, H, W) input."""
    return _conv(input, weight, bias, stride, padding, dilation, groups, 3, "conv3d")


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    """1-D transposed convolution (the gradient of conv1d with respect to its input)."""
    return _conv_transpose(input, weight, bias, stride, padding, output_padding, groups, dilation,
                           1, "conv_transpose1d")


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    """2-D transposed convolution (the gradient of conv2d with respect to its input)."""
    return _conv_transpose(input, weight, bias, stride, padding, output_padding, groups, dilation,
                           2, "conv_transpose2d")


def conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    """3-D transposed convolution (the gradient of conv3d with respect to its input)."""
    return _conv_transpose(input, weight, bias, stride, padding, output_padding, groups, dilation,
                           3, "conv_transpose3d")
