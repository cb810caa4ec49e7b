"""Resampling and patch ops (interpolate, pixel_shuffle, fold/unfold, channel_shuffle); exported
via nn.functional.

interpolate builds, per spatial dim, PyTorch's source indices and weights (same float precision)
and applies them as a separable gather-and-weight map whose adjoint is the transposed matrix.
fold/unfold are a strided-window gather and its col2im adjoint.
"""
from __future__ import annotations

import math
import warnings

import numpy as np

from ._op import Op
from .pooling import (
    _col2im,
    _named,
    _ntuple,
    _padded,
    _SepLinear,
    _windows,
    _xp,
    adaptive_avg_pool1d,
    adaptive_avg_pool2d,
    adaptive_avg_pool3d,
)

__all__ = ["channel_shuffle", "fold", "interpolate", "native_channel_shuffle", "pixel_shuffle",
           "pixel_unshuffle", "unfold", "upsample", "upsample_bilinear", "upsample_nearest"]

_A = -0.75  # PyTorch's bicubic convolution coefficient
_MODE_DIMS = {"linear": 1, "bilinear": 2, "bicubic": 2, "trilinear": 3}


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


def _resample(input, out, scales, mode, align_corners):
    x = input._data
    nd = len(out)
    spatial = x.shape[-nd:]
    if any(n <= 0 for n in spatial) or any(o <= 0 for o in out):
        raise RuntimeError(f"Input and output sizes should be greater than 0, but got input "
                           f"{tuple(spatial)} output {tuple(out)}")
    if mode not in ("nearest", "nearest-exact") and x.dtype.kind != "f":
        raise NotImplementedError(f'"upsample_{mode}{nd}d" not implemented for '
                                  f"'{input.dtype}'")
    xp = _xp(x)
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


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False):
    """Resize the spatial dims of (N, C, *spatial) by `size` or `scale_factor` (PyTorch's rules
    for output size, scale and align_corners; antialias is not supported)."""
    if mode in ("nearest", "area", "nearest-exact"):
        if align_corners is not None:
            raise ValueError("align_corners option can only be set with the interpolating modes: "
                             "linear | bilinear | bicubic | trilinear")
    elif align_corners is None:
        align_corners = False
    dim = input.dim() - 2
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        if isinstance(size, (list, tuple)):
            if len(size) != dim:
                raise ValueError(
                    "Input and output must have the same number of spatial dimensions, but got "
                    f"input with spatial dimensions of {list(input.shape[2:])} and output size of "
                    f"{size}. Please provide input tensor in (N, C, d1, d2, ...,dK) format and "
                    "output size in (o1, o2, ...,oK) format.")
            output_size = [int(s) for s in size]
        else:
            output_size = [int(size)] * dim
        scale_factors = None
    elif scale_factor is not None:
        if isinstance(scale_factor, (list, tuple)):
            if len(scale_factor) != dim:
                raise ValueError(
                    "Input and scale_factor must have the same number of spatial dimensions, but "
                    f"got input with spatial dimensions of {list(input.shape[2:])} and "
                    f"scale_factor of shape {scale_factor}. Please provide input tensor in (N, C, "
                    "d1, d2, ...,dK) format and scale_factor in (s1, s2, ...,sK) format.")
            scale_factors = [float(s) for s in scale_factor]
        else:
            scale_factors = [float(scale_factor)] * dim
        output_size = None
    else:
        raise ValueError("either size or scale_factor should be defined")
    if recompute_scale_factor is not None and recompute_scale_factor and size is not None:
        raise ValueError("recompute_scale_factor is not meaningful with an explicit size.")
    if mode == "area" and output_size is None:
        recompute_scale_factor = True
    if recompute_scale_factor is not None and recompute_scale_factor:
        output_size = [math.floor(float(input.shape[i + 2]) * scale_factors[i])
                       for i in range(dim)]
        scale_factors = None
    if antialias:
        raise NotImplementedError("ember's interpolate does not support antialias=True")
    if dim not in (1, 2, 3):
        raise NotImplementedError(
            f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.dim()}D) for "
            "the modes: nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact "
            f"(got {mode})")
    if mode == "area":
        return (adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_avg_pool3d)[dim - 1](
            input, output_size)
    if mode in _MODE_DIMS:
        need = _MODE_DIMS[mode]
        if dim != need:
            raise NotImplementedError(f"Got {input.dim()}D input, but {mode} mode needs "
                                      f"{need + 2}D input")
    elif mode not in ("nearest", "nearest-exact"):
        raise NotImplementedError(
            "Input Error: Only 3D, 4D and 5D input Tensors supported (got "
            f"{input.dim()}D) for the modes: nearest | linear | bilinear | bicubic | trilinear | "
            f"area | nearest-exact (got {mode})")
    if output_size is None:
        output_size = [int(float(input.shape[i + 2]) * scale_factors[i]) for i in range(dim)]
        scales = scale_factors
    else:
        scales = [None] * dim
    return _resample(input, output_size, scales, mode, bool(align_corners))


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    """Deprecated alias of interpolate."""
    warnings.warn("`nn.functional.upsample` is deprecated. Use `nn.functional.interpolate` "
                  "instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None):
    """Deprecated: interpolate(mode='nearest')."""
    warnings.warn("`nn.functional.upsample_nearest` is deprecated. Use "
                  "`nn.functional.interpolate` instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input, size=None, scale_factor=None):
    """Deprecated: interpolate(mode='bilinear', align_corners=True)."""
    warnings.warn("`nn.functional.upsample_bilinear` is deprecated. Use "
                  "`nn.functional.interpolate` instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


# ---- pixel and channel shuffles ------------------------------------------------------------------


def pixel_shuffle(input, upscale_factor):
    """(*, C*r^2, H, W) -> (*, C, H*r, W*r)."""
    r = int(upscale_factor)
    if input.dim() < 3:
        raise RuntimeError("pixel_shuffle expects input to have at least 3 dimensions, but got "
                           f"input with {input.dim()} dimension(s)")
    if r <= 0:
        raise RuntimeError(f"pixel_shuffle expects a positive upscale_factor, but got {r}")
    *lead, c, h, w = input.shape
    if c % (r * r):
        raise RuntimeError("pixel_shuffle expects its input's 'channel' dimension to be "
                           f"divisible by the square of upscale_factor, but input.size(-3)={c} "
                           f"is not divisible by {r * r}")
    L = len(lead)
    y = input.reshape(*lead, c // (r * r), r, r, h, w)
    y = y.permute(*range(L), L, L + 3, L + 1, L + 4, L + 2)
    return y.reshape(*lead, c // (r * r), h * r, w * r)


def pixel_unshuffle(input, downscale_factor):
    """(*, C, H*r, W*r) -> (*, C*r^2, H, W)."""
    r = int(downscale_factor)
    if input.dim() < 3:
        raise RuntimeError("pixel_unshuffle expects input to have at least 3 dimensions, but got "
                           f"input with {input.dim()} dimension(s)")
    if r <= 0:
        raise RuntimeError(f"pixel_unshuffle expects a positive downscale_factor, but got {r}")
    *lead, c, h, w = input.shape
    if h % r:
        raise RuntimeError("pixel_unshuffle expects height to be divisible by downscale_factor, "
                           f"but input.size(-2)={h} is not divisible by {r}")
    if w % r:
        raise RuntimeError("pixel_unshuffle expects width to be divisible by downscale_factor, "
                           f"but input.size(-1)={w} is not divisible by {r}")
    if input.numel() == 0:  # PyTorch returns an empty input unchanged (a copy)
        return input.clone()
    L = len(lead)
    y = input.reshape(*lead, c, h // r, r, w // r, r)
    y = y.permute(*range(L), L, L + 2, L + 4, L + 1, L + 3)
    return y.reshape(*lead, c * r * r, h // r, w // r)


def channel_shuffle(input, groups):
    """Interleave channel groups: (N, g*k, *) viewed as (N, g, k, *) -> (N, k, g, *)."""
    g = int(groups)
    if input.dim() < 3:
        raise RuntimeError("channel_shuffle expects input to have at least 3 dimensions, but got "
                           f"input with {input.dim()} dimension(s)")
    if g <= 0:
        raise RuntimeError(f"Number of groups to divide channels in must be positive. Value of "
                           f"groups:{g}")
    n, c, *rest = input.shape
    if c % g:
        raise RuntimeError(f"Number of channels must be divisible by groups. Got {c} channels and "
                           f"{g} groups.")
    y = input.reshape(n, g, c // g, *rest).transpose(1, 2)
    return y.reshape(n, c, *rest)


native_channel_shuffle = channel_shuffle


# ---- fold / unfold ----------------------------------------------------------------------------


def _pair_args(kernel_size, dilation, padding, stride):
    return (_ntuple(kernel_size, 2, "kernel_size"), _ntuple(dilation, 2, "dilation"),
            _ntuple(padding, 2, "padding"), _ntuple(stride, 2, "stride"))


def _check_pos(k, d, p, s):
    if any(i <= 0 for i in k):
        raise RuntimeError(f"kernel size should be greater than zero, but got kernel_height: "
                           f"{k[0]} kernel_width: {k[1]}")
    if any(i <= 0 for i in s):
        raise RuntimeError(f"stride should be greater than zero, but got stride_height: {s[0]} "
                           f"stride_width: {s[1]}")
    if any(i <= 0 for i in d):
        raise RuntimeError(f"dilation should be greater than zero, but got dilation_height: "
                           f"{d[0]} dilation_width: {d[1]}")
    if any(i < 0 for i in p):
        raise RuntimeError(f"padding should be non-negative, but got pad_height: {p[0]} "
                           f"pad_width: {p[1]}")


def _blocks(spatial, k, d, p, s):
    return tuple((n + 2 * pi - di * (ki - 1) - 1) // si + 1
                 for n, ki, di, pi, si in zip(spatial, k, d, p, s))


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
        xp = _xp(cols)
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


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """Extract sliding blocks: (N, C, H, W) -> (N, C*prod(kernel_size), L)."""
    k, d, p, s = _pair_args(kernel_size, dilation, padding, stride)
    _check_pos(k, d, p, s)
    if input.dim() < 3:
        raise IndexError(f"Dimension out of range (expected to be in range of "
                         f"[{-input.dim()}, {input.dim() - 1}], but got 2)")
    if input.dim() not in (3, 4) or any(n == 0 for n in input.shape[-3:]):
        raise RuntimeError("Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size "
                           f"for input, but got: {list(input.shape)}")
    spatial = tuple(input.shape[-2:])
    out = _blocks(spatial, k, d, p, s)
    if any(o < 1 for o in out):
        raise RuntimeError(
            f"Given input with spatial size {spatial}, kernel_size={k}, dilation={d}, "
            f"padding={p}, calculated shape of the array of sliding blocks as {out}, but its "
            "components must be at least one.")
    return _Unfold.apply(input, k, d, p, s, out)


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """Combine sliding blocks into a tensor: (N, C*prod(kernel_size), L) -> (N, C, *output_size)."""
    k, d, p, s = _pair_args(kernel_size, dilation, padding, stride)
    osz = _ntuple(output_size, 2, "output_size")
    _check_pos(k, d, p, s)
    if input.dim() not in (2, 3) or any(n == 0 for n in input.shape[-2:]):
        raise RuntimeError("Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size "
                           f"for input, but got: {list(input.shape)}")
    kk = k[0] * k[1]
    if input.shape[-2] % kk:
        raise RuntimeError("Expected size of input's dimension 1 to be divisible by the product "
                           f"of kernel_size, but got input.size(1)={input.shape[-2]} and "
                           f"kernel_size={k}")
    out = _blocks(osz, k, d, p, s)
    if any(o < 1 for o in out) or out[0] * out[1] != input.shape[-1]:
        raise RuntimeError(
            f"Given output_size={osz}, kernel_size={k}, dilation={d}, padding={p}, stride={s}, "
            "expected size of input's dimension 2 to match the calculated number of sliding "
            f"blocks {out[0]} * {out[1]} = {out[0] * out[1]}, but got "
            f"input.size(2)={input.shape[-1]}.")
    return _Fold.apply(input, k, d, p, s, out, osz)

