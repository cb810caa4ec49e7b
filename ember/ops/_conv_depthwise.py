"""Depthwise 2-D convolutions (groups == in == out channels, MobileNet's 3x3 layers) on NumPy
arrays, without im2col: channels-last, every tap of every output read through one strided view
(N, oh, ow, kh, kw, C) of the padded input, summed by einsum's C loop (contiguous over channels).

im2col builds kh*kw copies of the input and then runs C matrix-vector products of length kh*kw;
here nothing is copied but the channels-last input itself: 3-5x faster forward and weight
gradient (16x192x28x28, 3x3: 6 ms against 20 ms). The input gradient is the forward kernel on the
flipped taps at stride 1, a strided per-tap add otherwise.
"""
from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import as_strided

from . import _conv_kernels as _cl


def _taps_view(xcl, g, out_sp):
    """(N, oh, ow, kh, kw, C) view: element [n, h, w, i, j] is padded x at the tap (i, j) of
    output (h, w)."""
    sn, sh, sw, sc = xcl.strides
    shape = (xcl.shape[0],) + tuple(out_sp) + tuple(g.ksize) + (xcl.shape[3],)
    strides = (sn, sh * g.stride[0], sw * g.stride[1], sh * g.dilation[0], sw * g.dilation[1], sc)
    return as_strided(xcl, shape, strides, writeable=False)


def _taps_weight(w):
    """(C, 1, kh, kw) -> contiguous (kh, kw, C)."""
    return np.ascontiguousarray(w[:, 0].transpose(1, 2, 0))


def _to_nchw(a):
    return np.ascontiguousarray(a.transpose(0, 3, 1, 2))


def _rows(a):
    return np.ascontiguousarray(a.transpose(0, 2, 3, 1))


def conv_forward(x, w, g):
    """y (N, C, *out_sp) = depthwise conv of x (N, C, H, W) with w (C, 1, kh, kw)."""
    v = _taps_view(_cl._channels_last_padded(x, g), g, g.out_sp)
    return _to_nchw(np.einsum("nhwijc,ijc->nhwc", v, _taps_weight(w)))


def conv_weight(x, gy, g):
    """gw (C, 1, kh, kw): the adjoint of conv_forward in w."""
    v = _taps_view(_cl._channels_last_padded(x, g), g, g.out_sp)
    gw = np.einsum("nhwijc,nhwc->ijc", v, _rows(gy))
    return np.ascontiguousarray(gw.transpose(2, 0, 1))[:, None]


def conv_transpose(gy, w, g):
    """gx (N, C, *in_sp): the adjoint of conv_forward in x."""
    n, c = gy.shape[:2]
    if all(s == 1 for s in g.stride) and all(
            p <= d * (k - 1) for p, d, k in zip(g.lo, g.dilation, g.ksize)):
        lo = tuple(d * (k - 1) - p for p, d, k in zip(g.lo, g.dilation, g.ksize))
        flipped = type(g)(g.stride, g.dilation, lo, g.out_sp, g.in_sp, g.ksize, g.groups)
        return conv_forward(gy, w[:, :, ::-1, ::-1], flipped)
    wk = _taps_weight(w)
    gcl = _rows(gy)
    buf = np.zeros((n,) + g.buf_sp + (c,), gy.dtype)
    tmp = np.empty_like(gcl)
    for i in range(g.ksize[0]):
        for j in range(g.ksize[1]):
            r, q = i * g.dilation[0], j * g.dilation[1]
            dst = buf[:, r:r + g.stride[0] * (g.out_sp[0] - 1) + 1:g.stride[0],
                      q:q + g.stride[1] * (g.out_sp[1] - 1) + 1:g.stride[1]]
            np.multiply(gcl, wk[i, j], out=tmp)
            dst += tmp
    inner = buf[:, g.lo[0]:g.lo[0] + g.in_sp[0], g.lo[1]:g.lo[1] + g.in_sp[1]]
    return _to_nchw(inner)
