"""Depthwise 2-D convolutions (groups == in == out channels, MobileNet's 3x3 layers) on NumPy
arrays, without im2col.

Stride 1 ("plane" kernels): every channel's planes are laid end to end in one flat row, separated
by zero gaps as deep as the padding (the (C, N*(H*W + gap)) "q-space"). There an output at q reads
tap (i, j) at q + di*W + dj: each tap of every output is one contiguous, shifted slice, and the
convolution is k*k multiply-adds of long rows by one weight per channel (blocks of channels sized
for L2). Horizontal taps that wrap into the neighbouring row are zeroed per column of taps. The
input gradient is the same kernel on the flipped taps; the weight gradient one dot per tap.
16x192x28x28, 3x3: 2x faster than the channels-last einsum below, which strided convolutions keep:
one strided view (N, oh, ow, kh, kw, C) of the channels-last padded input, summed by einsum.
"""
from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import as_strided

from . import _conv_kernels as _cl
from ._conv_winograd import _scratch

_BLOCK_ELEMS = 1 << 16  # elements per row block of channels: the working set stays in L2


class _Plane:
    """The q-space layout of one stride-1 depthwise conv: gap, plane pitch and tap offsets."""

    __slots__ = ("gap", "h", "hw", "n", "offs", "out_sp", "pitch", "run", "size", "w")

    def __init__(self, n: int, in_sp, out_sp, lo, dilation, ksize):
        (h, w), (ho, wo), (ph, pw), (dh, dw), (kh, kw) = in_sp, out_sp, lo, dilation, ksize
        self.n, self.h, self.w, self.hw, self.out_sp = n, h, w, h * w, (ho, wo)
        # offs[i][j] = (di*W + dj, dj): the flat offset of tap (i, j) and its column shift
        self.offs = [[((i * dh - ph) * w + j * dw - pw, j * dw - pw) for j in range(kw)]
                     for i in range(kh)]
        flat = [o for row in self.offs for o, _ in row]
        # reads reach min(flat) before a plane's first output and max(flat) past its last row
        self.gap = max(0, -min(flat), (ho - h) * w + max(flat))
        self.pitch = self.hw + self.gap
        self.run = n * self.pitch  # outputs computed per channel (gaps included, then dropped)
        self.size = self.gap + self.run + max(0, max(flat))

    def fill(self, a, rows: int, cols: int, slot: str):
        """a (N, C, rows, cols) -> (C, size) q-space buffer holding a at each plane's origin (a
        per-thread scratch buffer: fresh pages would cost more than the copy)."""
        c = a.shape[1]
        buf = _scratch(slot, (c, self.size), a.dtype)
        buf[:, :self.gap] = 0
        body = buf[:, self.gap:self.gap + self.run].reshape(c, self.n, self.pitch)
        body[:, :, self.hw:] = 0
        buf[:, self.gap + self.run:] = 0
        planes = body[:, :, :self.hw].reshape(c, self.n, self.h, self.w)
        if cols < self.w:
            planes[..., cols:] = 0
        if rows < self.h:
            planes[:, :, rows:] = 0
        planes[:, :, :rows, :cols] = a.transpose(1, 0, 2, 3)
        return buf

    def masks(self, dj: int):
        """The output columns whose tap at column shift dj falls outside the row."""
        return slice(0, -dj) if dj < 0 else slice(max(self.w - dj, 0), self.w)

    def columns(self, a, m: int = 0):
        """(k, m * pitch) q-space rows (m images, all by default) as (k, m, H, W) planes."""
        m = m or self.n
        return a.reshape(a.shape[0], m, self.pitch)[:, :, :self.hw].reshape(
            a.shape[0], m, self.h, self.w)


def plane_applies(g) -> bool:
    """Whether the stride-1 q-space kernels take this depthwise geometry (output no larger than
    the input, so every output lies in its plane)."""
    return (g.stride == (1, 1) and g.out_sp[0] <= g.in_sp[0] and g.out_sp[1] <= g.in_sp[1]
            and all(p >= 0 for p in g.lo))


def _block(c: int, run: int, scale: int = 1) -> int:
    return max(1, min(c, scale * _BLOCK_ELEMS // max(run, 1)))


def _plane_forward(x, wk, lay: _Plane):
    """y (N, C, *out_sp): sum over taps of wk[c, i, j] * x shifted, in q-space row blocks."""
    n, c = x.shape[:2]
    ho, wo = lay.out_sp
    xq = lay.fill(x, lay.h, lay.w, "dwx")
    y = np.empty((n, c) + lay.out_sp, x.dtype)
    k = _block(c, lay.run)
    out = _scratch("dwo", (k, lay.run), x.dtype)
    acc, tmp = _scratch("dwa", (k, lay.run), x.dtype), _scratch("dwt", (k, lay.run), x.dtype)
    groups = sorted({dj for row in lay.offs for _, dj in row}, key=lambda d: d != 0)
    for c0 in range(0, c, k):
        c1 = min(c, c0 + k)
        o, a, t = out[:c1 - c0], acc[:c1 - c0], tmp[:c1 - c0]
        first = True
        for dj in groups:
            dst = o if first else a
            started = False
            for i, row in enumerate(lay.offs):
                for j, (off, d) in enumerate(row):
                    if d != dj:
                        continue
                    src = xq[c0:c1, lay.gap + off:lay.gap + off + lay.run]
                    wv = wk[c0:c1, i, j, None]
                    if not started:
                        np.multiply(src, wv, out=dst)
                        started = True
                    else:
                        np.multiply(src, wv, out=t)
                        dst += t
            if dj:
                lay.columns(dst)[..., lay.masks(dj)] = 0
            if not first:
                o += a
            first = False
        y[:, c0:c1] = lay.columns(o)[:, :, :ho, :wo].transpose(1, 0, 2, 3)
    return y


def _plane_weight(x, gy, lay: _Plane, ksize):
    """gw (C, kh, kw) = sum over images and outputs of gy * x at each tap, one dot per tap."""
    c = x.shape[1]
    ho, wo = lay.out_sp
    xq = lay.fill(x, lay.h, lay.w, "dwx")
    gq = lay.fill(gy, ho, wo, "dwg")
    gw = np.empty((c,) + tuple(ksize), x.dtype)
    k = _block(c, lay.run, 4)
    masked = _scratch("dwo", (k, lay.run), x.dtype)
    for c0 in range(0, c, k):
        c1 = min(c, c0 + k)
        base = gq[c0:c1, lay.gap:lay.gap + lay.run]
        for j in range(ksize[1]):
            dj = lay.offs[0][j][1]
            gm = base
            if dj:
                gm = masked[:c1 - c0]
                np.copyto(gm, base)
                lay.columns(gm)[..., lay.masks(dj)] = 0
            for i in range(ksize[0]):
                off = lay.offs[i][j][0]
                src = xq[c0:c1, lay.gap + off:lay.gap + off + lay.run]
                gw[c0:c1, i, j] = np.matmul(gm[:, None, :], src[:, :, None])[:, 0, 0]
    return gw


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
    if plane_applies(g):
        lay = _Plane(x.shape[0], g.in_sp, g.out_sp, g.lo, g.dilation, g.ksize)
        return _plane_forward(x, w[:, 0], lay)
    v = _taps_view(_cl._channels_last_padded(x, g), g, g.out_sp)
    return _to_nchw(np.einsum("nhwijc,ijc->nhwc", v, _taps_weight(w)))


def conv_weight(x, gy, g):
    """gw (C, 1, kh, kw): the adjoint of conv_forward in w."""
    if plane_applies(g):
        lay = _Plane(x.shape[0], g.in_sp, g.out_sp, g.lo, g.dilation, g.ksize)
        return _plane_weight(x, gy, lay, g.ksize)[:, None]
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
