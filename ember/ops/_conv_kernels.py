"""Channels-last im2col kernels for ungrouped convolutions on NumPy arrays.

The input is laid out once as (N, *padded, C); each kernel tap then copies (or, for the transpose,
adds) whole C-long rows, and the products are row-major (rows, K*C) @ (K*C, O) GEMMs, the shape
OpenBLAS runs fastest. ember.ops.conv uses them for the input and weight gradients of wide
(>= 32 channels), ungrouped convolutions on NumPy arrays, and for the forward on small output
maps (ember.ops._conv_plan.channels_last_forward). The padded input and the columns live in
reused per-thread buffers (fresh pages fault on first touch and cost more than the copies).
"""
from __future__ import annotations

import itertools

import numpy as np
from numpy.lib.stride_tricks import as_strided as _as_strided

from ._conv_winograd import _scratch

_COLS_BUDGET = 1 << 22  # bytes of columns per batch chunk: cache-sized copies, big enough GEMMs


def _prod(shape) -> int:
    r = 1
    for s in shape:
        r *= s
    return r


def _channels_last_padded(x, g):
    """x (N, C, *in_sp) as a zero-padded (N, *buf_sp, C) buffer: one transposing copy."""
    nd = x.ndim - 2
    perm = (0,) + tuple(range(2, nd + 2)) + (1,)
    buf = _scratch("clx", (x.shape[0],) + g.buf_sp + (x.shape[1],), x.dtype)  # internal only
    for d, (p, n) in enumerate(zip(g.lo, g.in_sp)):  # zero the border, then copy x inside
        lead = (slice(None),) * (1 + d)
        buf[lead + (slice(0, p),)] = 0
        buf[lead + (slice(p + n, None),)] = 0
    buf[(slice(None),) + tuple(slice(p, p + n) for p, n in zip(g.lo, g.in_sp))] = x.transpose(perm)
    return buf


def _rows(a):
    """(n, O, *sp) -> contiguous (n * L, O): the row-major layout of an output-shaped array."""
    n, o = a.shape[:2]
    return np.ascontiguousarray(a.reshape(n, o, -1).transpose(0, 2, 1)).reshape(-1, o)


def _step(g, n: int, c: int, itemsize: int) -> int:
    return g.chunk(n, _prod(g.ksize) * c, itemsize, _COLS_BUDGET)


def _fill_cols(cols, xcl, g, i: int, m: int) -> None:
    """cols[n, *pos, *k, c] = xcl[i + n, tap k of pos, c]: one strided copy per tap, or per row of
    taps when the last kernel dim is undilated (its taps are then one contiguous K*C run)."""
    nd = len(g.ksize)
    lead = (slice(None),) * (1 + nd)
    src = slice(i, i + m)
    kl = g.ksize[-1]
    if kl > 1 and g.dilation[-1] == 1:
        sl_last = slice(0, g.stride[-1] * (g.out_sp[-1] - 1) + 1, g.stride[-1])
        step = xcl.strides[-2:]
        for off in itertools.product(*[range(k) for k in g.ksize[:-1]]):
            sl = tuple(slice(j * d, j * d + s * (o - 1) + 1, s) for j, d, s, o in
                       zip(off, g.dilation, g.stride, g.out_sp))
            view = xcl[(src,) + sl + (sl_last,)]
            cols[lead + off] = _as_strided(view, view.shape[:-1] + (kl, view.shape[-1]),
                                           view.strides[:-1] + step)
        return
    for off, sl in g.taps():
        cols[lead + off] = xcl[(src,) + sl]


def conv_forward(x, w, g):
    """y (N, O, *out_sp) = conv(x, w) with groups == 1."""
    n, c = x.shape[:2]
    o = w.shape[0]
    nd = len(g.ksize)
    kc = _prod(g.ksize) * c
    wk = np.ascontiguousarray(w.transpose(tuple(range(2, nd + 2)) + (1, 0))).reshape(kc, o)
    xcl = _channels_last_padded(x, g)
    y = np.empty((n, o) + g.out_sp, x.dtype)
    lsp = _prod(g.out_sp)
    yv = y.reshape(n, o, lsp)
    step = _step(g, n, c, x.itemsize)
    cols = _scratch("clcols", (step,) + g.out_sp + g.ksize + (c,), x.dtype)
    for i in range(0, n, step):
        m = min(step, n - i)
        cm = cols[:m]
        _fill_cols(cm, xcl, g, i, m)
        r = np.matmul(cm.reshape(m * lsp, kc), wk)
        yv[i:i + m] = r.reshape(m, lsp, o).transpose(0, 2, 1)
    return y


def conv_weight(x, gy, g):
    """gw (O, C, *K): the adjoint of conv_forward in w, one (O, rows) @ (rows, K*C) GEMM a chunk."""
    n, c = x.shape[:2]
    o = gy.shape[1]
    kc = _prod(g.ksize) * c
    xcl = _channels_last_padded(x, g)
    lsp = _prod(g.out_sp)
    step = _step(g, n, c, x.itemsize)
    cols = _scratch("clcols", (step,) + g.out_sp + g.ksize + (c,), x.dtype)
    gw = None
    for i in range(0, n, step):
        m = min(step, n - i)
        cm = cols[:m]
        _fill_cols(cm, xcl, g, i, m)
        part = np.matmul(_rows(gy[i:i + m]).T, cm.reshape(m * lsp, kc))
        if gw is None:
            gw = part
        else:
            gw += part
    if gw is None:
        gw = np.zeros((o, kc), x.dtype)
    # (O, *K, C) -> (O, C, *K): small per-row transposes, and a contiguous gradient that .grad
    # can take over (the (K*C, O) product's full transpose cost ~5x as much to copy)
    by_tap = gw.reshape(o, kc // c, c).transpose(0, 2, 1)
    return np.ascontiguousarray(by_tap).reshape((o, c) + g.ksize)


def conv_transpose(gy, w, g):
    """gx (N, C, *in_sp): the adjoint of conv_forward in x.

    Stride 1 (padding within the kernel's reach): a forward conv of gy with the flipped,
    transposed kernel, no scatter. Otherwise columns gy @ W added back into place per tap.
    """
    nd = len(g.ksize)
    if all(s == 1 for s in g.stride) and all(
            p <= d * (k - 1) for p, d, k in zip(g.lo, g.dilation, g.ksize)):
        flipped = w.swapaxes(0, 1)[(slice(None), slice(None)) + (slice(None, None, -1),) * nd]
        lo = tuple(d * (k - 1) - p for p, d, k in zip(g.lo, g.dilation, g.ksize))
        return conv_forward(gy, flipped, type(g)(g.stride, g.dilation, lo, g.out_sp, g.in_sp,
                                                 g.ksize, 1))
    return _scatter_transpose(gy, w, g)


def _scatter_transpose(gy, w, g):
    """Strided (or over-padded) transpose: per chunk one gy-rows @ W GEMM, then a per-tap add."""
    n, o = gy.shape[:2]
    c = w.shape[1]
    nd = len(g.ksize)
    kc = _prod(g.ksize) * c
    wk = np.ascontiguousarray(w.transpose((0,) + tuple(range(2, nd + 2)) + (1,))).reshape(o, kc)
    buf = _scratch("clx", (n,) + g.buf_sp + (c,), gy.dtype)  # the result is a copy of it
    buf.fill(0)
    step = _step(g, n, c, gy.itemsize)
    lead = (slice(None),) * (1 + nd)
    for i in range(0, n, step):
        m = min(step, n - i)
        cols = np.matmul(_rows(gy[i:i + m]), wk).reshape((m,) + g.out_sp + g.ksize + (c,))
        bi = buf[i:i + m]
        for off, sl in g.taps():
            bi[(slice(None),) + sl] += cols[lead + off]
    inner = tuple(slice(p, p + s) for p, s in zip(g.lo, g.in_sp))
    gx = buf[(slice(None),) + inner]
    return np.ascontiguousarray(gx.transpose((0, nd + 1) + tuple(range(1, nd + 1))))
