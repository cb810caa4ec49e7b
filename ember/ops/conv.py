"""Convolution ops (conv1d/2d/3d and their transposes) through im2col on strided slices + BLAS.

Three ops share one geometry (`_Geom`): `Convolution` (x, w -> y), its adjoint in x
`ConvTranspose` (g, w -> x-shaped) and its adjoint in w `ConvWeight` (x, g -> w-shaped). Each one's
backward is written with the other two, so second derivatives work to any order. Large column
copies are split over threads by channel (NumPy releases the GIL while copying). The faster kernels
sit beside the im2col path, each picked per geometry by ember.ops._conv_plan: Winograd for stride-1
3x3 (_conv_winograd), flat-plane shifted multiply-adds for depthwise (_conv_depthwise),
channels-last columns for small-map forwards and the gradients of wide ungrouped convs
(_conv_kernels), flat-plane col2im for narrow stride-1 input gradients (_conv_qspace),
per-image GEMMs for 1x1 weight grads.
nn.functional checks the arguments and computes the geometry; `conv`/`conv_transpose` compute.
"""
from __future__ import annotations

import itertools
import os

import numpy as np

from ..backend import array_module
from . import _conv_depthwise as _dw
from . import _conv_kernels as _cl
from . import _conv_plan as _plan
from . import _conv_qspace as _qs
from . import _conv_winograd as _wino
from . import creation as _creation
from ._conv_winograd import _scratch
from ._op import Op

__all__ = ["conv", "conv_transpose"]

_ndarray = np.ndarray
_COLS_BUDGET = 1 << 22  # bytes of im2col columns per batch chunk: cache-sized copies (1.2-1.3x
# faster than 32 MB on large images) ...
_MIN_COLUMNS = 1024  # ... but at least this many GEMM columns (small images: few, wide GEMMs)
_PARALLEL_BYTES = 1 << 23  # copies above this size are split over threads by channel
_THREADS = min(8, os.cpu_count() or 1)
_POOL = None


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

    def chunk(self, n: int, rows: int, itemsize: int, budget: int = 0) -> int:
        """Images per im2col chunk: keeps the column buffer near the budget (_COLS_BUDGET
        bytes), unless that leaves the GEMM fewer than _MIN_COLUMNS columns."""
        lsp = max(_prod(self.out_sp), 1)
        per = max(rows * lsp * itemsize, 1)
        return max(1, min(n, max((budget or _COLS_BUDGET) // per, -(-_MIN_COLUMNS // lsp))))


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
    inner = tuple(slice(p, p + n) for p, n in zip(g.lo, g.in_sp))
    if xp is not np:
        buf = xp.zeros(x.shape[:2] + g.buf_sp, x.dtype)
    else:  # a reused buffer (fresh pages fault on first touch: 10x the copy): zero the border
        buf = _scratch("cpad", x.shape[:2] + g.buf_sp, x.dtype)
        for d, (p, n) in enumerate(zip(g.lo, g.in_sp)):
            lead = (slice(None),) * (2 + d)
            buf[lead + (slice(0, p),)] = 0
            buf[lead + (slice(p + n, None),)] = 0

    def copy(c0, c1):
        buf[(slice(None), slice(c0, c1)) + inner] = x[:, c0:c1]
    _by_channels(copy, x.shape[1], x.nbytes, xp)
    return buf


def _im2col(xpad, g: _Geom, xp):
    """Columns (C, *K, n, *out_sp), contiguous: one strided-slice copy per kernel tap.

    Channels and taps first, images and positions last, so the product with the weight is one
    (O, C*K) @ (C*K, n*L) GEMM per group however many images the chunk holds.
    """
    shape = xpad.shape[1:2] + g.ksize + xpad.shape[:1] + g.out_sp
    cols = xp.empty(shape, xpad.dtype) if xp is not np else _scratch("cols", shape, xpad.dtype)
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
    m = _plan.forward_tile(x, w, g)
    if m:
        return _wino.conv3x3(x, w, g.lo, g.out_sp, m)
    if _plan.depthwise(x, w, g, x.shape[1], w.shape[0]):
        return _dw.conv_forward(x, w, g)
    if _plan.channels_last_forward(x, w, g):
        return _cl.conv_forward(x, w, g)
    xp = array_module(x)
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
    m = _plan.transpose_tile(gy, w, g)
    if m:  # stride 1: a conv of gy with the flipped, transposed kernel
        flipped = w.swapaxes(0, 1)[:, :, ::-1, ::-1]
        return _wino.conv3x3(gy, flipped, tuple(2 - p for p in g.lo), g.in_sp, m)
    if _plan.depthwise(gy, w, g, w.shape[1] * g.groups, w.shape[0]):
        return _dw.conv_transpose(gy, w, g)
    if _channels_last(gy, w, g) and not g.is_pointwise():
        return _cl.conv_transpose(gy, w, g)
    if _qs.transpose_applies(gy, w, g):
        return _qs.conv_transpose(gy, w, g)
    xp = array_module(gy)
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
    m = _plan.weight_tile(x, gy, g)
    if m:
        return _wino.conv3x3_weight(x, gy, g.lo, m)
    if _plan.depthwise(x, gy, g, x.shape[1], gy.shape[1]):
        return _dw.conv_weight(x, gy, g)
    if _plan.pointwise_weight_per_image(x, gy, g):
        return _pointwise_weight(x, gy)
    if _channels_last(x, gy, g):
        return _cl.conv_weight(x, gy, g)
    xp = array_module(x)
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


def _pointwise_weight(x, gy):
    """Weight gradient of a 1x1 stride-1 conv: sum over images of (O, L) @ (L, C), the larger of
    O and C as the GEMM's rows (OpenBLAS is slow when they are few), no layout copies."""
    n, c = x.shape[:2]
    o = gy.shape[1]
    xs, gs = x.reshape(n, c, -1), gy.reshape(n, o, -1)
    a, b = (gs, xs) if o >= c else (xs, gs)
    acc = a[0] @ b[0].T
    for i in range(1, n):
        acc += a[i] @ b[i].T
    gw = acc if o >= c else acc.T
    return np.ascontiguousarray(gw).reshape((o, c) + (1,) * (x.ndim - 2))


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
            return array_module(x).zeros(x.shape[:2] + geom.out_sp, x.dtype)
        y = _conv_arrays(x, w, geom)
        if b is not None:
            y += b.reshape((-1,) + (1,) * len(geom.out_sp))
        return y if y.dtype == x.dtype else y.astype(x.dtype)  # NumPy's bf16 matmul is float32

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
        return x if x.dtype == gy.dtype else x.astype(gy.dtype)

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


# ---- the computing entry points (nn.functional checks the arguments first) ----------------------


def conv(x, weight, bias, stride: tuple, dilation: tuple, lo: tuple, groups: int, out_sp: tuple):
    """Batched cross-correlation of checked arguments: x (N, C, *in_sp) zero-padded by lo in front
    (and as much behind as out_sp needs) -> (N, O, *out_sp)."""
    g = _Geom(stride, dilation, lo, tuple(x.shape[2:]), out_sp, tuple(weight.shape[2:]), groups)
    return Convolution.apply(x, weight, bias, g)


def conv_transpose(x, weight, bias, stride: tuple, dilation: tuple, padding: tuple, groups: int,
                   out_sp: tuple):
    """Batched transposed convolution of checked arguments: the adjoint (in x) of a conv from
    out_sp down to x's spatial size."""
    g = _Geom(stride, dilation, padding, out_sp, tuple(x.shape[2:]), tuple(weight.shape[2:]),
              groups)
    return ConvTranspose.apply(x, weight, bias, g)
