"""Resampling and patch ops behind nn.functional's interpolate and fold/unfold (which check the
arguments first).

interpolate builds, per spatial dim, PyTorch's source indices and weights (same float precision)
and applies them as a separable gather-and-weight map whose adjoint is the transposed matrix.
fold/unfold are a strided-window gather and its col2im adjoint.
"""
from __future__ import annotations

import numpy as np

from ..backend import array_module
from ._op import Op
from .pooling import _col2im, _named, _padded, _SepLinear, _windows

__all__ = ["fold", "resample", "unfold"]

_A = -0.75  # PyTorch's bicubic convolution coefficient


# ---- per-dim indices and weights ---------------------------------------------------------------


def _nearest_taps(n, o, scale, exact):
    i = np.arange(o)
    if not exact and o == n:
        return i
    if not exact and o == 2 * n:
        return i >> 1
    sc = np.float32(1.0 / scale) if scale is not None and scale > 0 else \
        np.float32(n) / np.float32(o)
    if exact:
        src = np.floor(((i + 0.5) * np.float64(sc)).astype(np.float32))
    else:
        src = np.floor(i.astype(np.float32) * sc)
    return np.minimum(src.astype(np.int64), n - 1)


def _area_scale(n, o, align_corners, scale, T):
    if align_corners:
        return T(n - 1) / T(o - 1) if o > 1 else T(0)
    if scale is not None and scale > 0:
        return T(1.0 / scale)
    return T(n) / T(o)


def _linear_taps(n, o, scale, align_corners, T):
    sc = _area_scale(n, o, align_corners, scale, T)
    i = np.arange(o).astype(T)
    src = sc * i if align_corners else sc * (i + T(0.5)) - T(0.5)
    src = np.maximum(src, T(0))
    i0 = np.minimum(np.floor(src).astype(np.int64), n - 1)
    l1 = np.clip(src - i0.astype(T), T(0), T(1)).astype(T)
    l0 = (T(1) - l1).astype(T)
    i1 = np.minimum(i0 + 1, n - 1)
    return [(i0, l0), (i1, l1)]


def _cubic_taps(n, o, scale, align_corners, T):
    sc = _area_scale(n, o, align_corners, scale, T)
    i = np.arange(o).astype(T)
    src = sc * i if align_corners else sc * (i + T(0.5)) - T(0.5)
    i0 = np.floor(src)
    t = (src - i0).astype(T)
    i0 = i0.astype(np.int64)
    a = T(_A)

    def cc1(x):
        return ((a + T(2)) * x - (a + T(3))) * x * x + T(1)

    def cc2(x):
        return ((a * x - T(5) * a) * x + T(8) * a) * x - T(4) * a

    ws = [cc2(t + T(1)), cc1(t), cc1(T(1) - t), cc2(T(2) - t)]
    return [(np.clip(i0 - 1 + k, 0, n - 1), w.astype(T)) for k, w in enumerate(ws)]


def _dense(n, o, taps, dtype):
    m = np.zeros((o, n), dtype=np.float64)
    rows = np.arange(o)
    for idx, w in taps:
        np.add.at(m, (rows, idx), 1.0 if w is None else w.astype(np.float64))
    return m.astype(dtype)


_NODE_NAMES = {("nearest", 1): "UpsampleNearest1DBackward0",
               ("nearest", 2): "UpsampleNearest2DBackward0",
               ("nearest", 3): "UpsampleNearest3DBackward0",
               ("nearest-exact", 1): "UpsampleNearestExact1DBackward0",
               ("nearest-exact", 2): "UpsampleNearestExact2DBackward0",
               ("nearest-exact", 3): "UpsampleNearestExact3DBackward0",
               ("linear", 1): "UpsampleLinear1DBackward0",
               ("bilinear", 2): "UpsampleBilinear2DBackward0",
               ("bicubic", 2): "UpsampleBicubic2DBackward0",
               ("trilinear", 3): "UpsampleTrilinear3DBackward0"}
_NODES = {key: _named(_SepLinear, name) for key, name in _NODE_NAMES.items()}


def resample(input, out, scales, mode: str, align_corners: bool):
    """input's trailing len(out) dims resized to out by PyTorch's per-dim source indices and
    weights for `mode` (checked arguments; scales None where the size was given)."""
    x = input._data
    nd = len(out)
    spatial = x.shape[-nd:]
    xp = array_module(x)
    T = np.float64 if x.dtype == np.float64 else np.float32
    plan = []
    for n, o, sc in zip(spatial, out, scales):
        if mode in ("nearest", "nearest-exact"):
            taps = [(_nearest_taps(n, o, sc, mode == "nearest-exact"), None)]
        elif mode == "bicubic":
            taps = _cubic_taps(n, o, sc, align_corners, T)
        else:
            taps = _linear_taps(n, o, sc, align_corners, T)
        m = xp.asarray(_dense(n, o, taps, x.dtype if x.dtype.kind == "f" else np.float64))
        dev = [(xp.asarray(i), None if w is None else xp.asarray(w.astype(x.dtype)))
               for i, w in taps]
        plan.append((m, dev))
    return _NODES[(mode, nd)].apply(input, plan)


# ---- fold / unfold ----------------------------------------------------------------------------


class _Unfold(Op):
    """im2col: (lead, C, H, W) -> (lead, C*kh*kw, L)."""

    node_name = "Im2ColBackward0"

    @staticmethod
    def forward(ctx, x, k, d, p, s, out):
        ctx.args = (k, d, p, s, out, x.shape[-2:])
        lengths = [max((o - 1) * si + di * (ki - 1) + 1, n + pi)
                   for o, ki, di, pi, si, n in zip(out, k, d, p, s, x.shape[-2:])]
        a = _padded(x, 2, p, lengths, 0)
        win = _windows(a, 2, k, s, d, out)  # lead, C, oh, ow, kh, kw
        L = win.ndim
        win = win.transpose(tuple(range(L - 4)) + (L - 2, L - 1, L - 4, L - 3))
        lead = x.shape[:-3]
        return win.reshape(lead + (x.shape[-3] * k[0] * k[1], out[0] * out[1]))

    @staticmethod
    def backward(ctx, g):
        k, d, p, s, out, spatial = ctx.args
        return _Fold.apply(g, k, d, p, s, out, spatial), None, None, None, None, None


class _Fold(Op):
    """col2im: (lead, C*kh*kw, L) -> (lead, C, H, W), summing overlapping blocks."""

    node_name = "Col2ImBackward0"

    @staticmethod
    def forward(ctx, cols, k, d, p, s, out, spatial):
        ctx.args = (k, d, p, s, out)
        xp = array_module(cols)
        lead = cols.shape[:-2]
        c = cols.shape[-2] // (k[0] * k[1])
        blocks = cols.reshape(lead + (c, k[0], k[1], out[0], out[1]))
        lengths = [max((o - 1) * si + di * (ki - 1) + 1, n + pi)
                   for o, ki, di, pi, si, n in zip(out, k, d, p, s, spatial)]
        buf = _col2im(lambda kp: blocks[..., kp[0], kp[1], :, :], lead + (c,), lengths, 2, k, s,
                      d, out, cols.dtype, xp)
        crop = (Ellipsis, slice(p[0], p[0] + spatial[0]), slice(p[1], p[1] + spatial[1]))
        return xp.ascontiguousarray(buf[crop])

    @staticmethod
    def backward(ctx, g):
        k, d, p, s, out = ctx.args
        return _Unfold.apply(g, k, d, p, s, out), None, None, None, None, None, None


def unfold(input, k: tuple, d: tuple, p: tuple, s: tuple, out: tuple):
    """im2col of checked arguments: (lead, C, H, W) -> (lead, C*kh*kw, out[0]*out[1])."""
    return _Unfold.apply(input, k, d, p, s, out)


def fold(input, k: tuple, d: tuple, p: tuple, s: tuple, out: tuple, output_size: tuple):
    """col2im of checked arguments, summing overlapping blocks into output_size."""
    return _Fold.apply(input, k, d, p, s, out, output_size)
