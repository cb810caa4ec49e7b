"""Which kernel computes a convolution: chosen once per geometry and dtype (a small cache), by
fixed rules measured on this project's 2-core AMD EPYC (1 thread, CPU time, float32):

- Winograd F(4x4, 3x3) / F(2x2, 3x3) (ember.ops._conv_winograd) for ungrouped, stride-1,
  undilated 3x3 convolutions in float32 with >= 16 channels on both sides and enough tiles
  (>= 384) that the filter transform is paid back: 1.3-1.6x faster than im2col at 14x14 and up
  (e.g. 64->64 on 16x28x28: 11 ms against 15 ms forward, 12 against 18 for the weight gradient);
  slower at 7x7 and below, where im2col stays. F(4x4) from 24 pixels a side, F(2x2) below.
- Depthwise 2-D convolutions (groups == in == out channels) in float32 through
  ember.ops._conv_depthwise: 3-5x faster than im2col at every size measured (MobileNet's 3x3
  layers from 7x7 to 56x56); at stride 1 its flat-plane multiply-adds, 1.3-1.5x faster again
  than its channels-last einsum (16x192x28x28: 8 ms against 12 forward, 7 against 9 weight).
- The weight gradient of a 1x1, stride-1 convolution over >= 196 positions as one GEMM per image
  accumulated, (O, L) @ (L, C), with no layout copies (1.7x faster than the channels-last path).

- The forward of other ungrouped convolutions with >= 4 input channels, small output maps
  (<= 196 positions) and short GEMM rows (C*K <= 1152) through the channels-last columns of
  ember.ops._conv_kernels: 1.2-1.5x faster than NCHW im2col there (3x3 64->64 on 16x64x8x8:
  1.14 ms against 1.69, LeNet's 6->16 5x5 on 64x6x14x14: 0.96 against 1.25); slower with 1-3
  input channels (rows too short), for wide layers (512 channels at 7x7: 26 ms against 22) and
  for strided 1x1 kernels (the channels-last copy of the whole input is then the cost).

The rules are deterministic (same shapes, same kernel, same bits): a timing-based choice would
make results depend on machine load. float64 and the other dtypes keep the exact im2col paths.
"""
from __future__ import annotations

import functools
import math

import numpy as np

_WINOGRAD_MIN_CHANNELS = 16
_WINOGRAD_MIN_TILES = 384
_WINOGRAD_F4_MIN_SIDE = 24
_POINTWISE_MIN_POSITIONS = 196
_CL_FORWARD_MIN_CHANNELS = 4
_CL_FORWARD_MAX_POSITIONS = 196
_CL_FORWARD_MAX_ROWS = 1152


@functools.lru_cache(maxsize=1024)
def winograd_tile(n: int, c: int, o: int, ksize: tuple, stride: tuple, dilation: tuple,
                  groups: int, out_sp: tuple, dtype: str) -> int:
    """Output tile side m of the Winograd F(m x m, 3 x 3) kernel for a forward convolution with
    these shapes, or 0 where im2col is faster (or Winograd does not apply)."""
    if (dtype != "float32" or groups != 1 or ksize != (3, 3) or stride != (1, 1)
            or dilation != (1, 1) or min(c, o) < _WINOGRAD_MIN_CHANNELS):
        return 0
    m = 4 if min(out_sp) >= _WINOGRAD_F4_MIN_SIDE else 2
    tiles = n * math.prod(-(-s // m) for s in out_sp)
    return m if tiles >= _WINOGRAD_MIN_TILES else 0


def _tile(a, b, g, n: int, c: int, o: int, out_sp: tuple) -> int:
    if a.__class__ is not np.ndarray or b.__class__ is not np.ndarray:
        return 0
    return winograd_tile(n, c, o, g.ksize, g.stride, g.dilation, g.groups, out_sp, a.dtype.name)


def forward_tile(x, w, g) -> int:
    """Winograd tile for y = conv(x, w) (0: use im2col)."""
    return _tile(x, w, g, x.shape[0], x.shape[1], w.shape[0], g.out_sp)


def transpose_tile(gy, w, g) -> int:
    """Winograd tile for the input gradient: a stride-1 conv of gy with the flipped kernel, which
    needs the padding within the kernel's reach."""
    if any(p > d * (k - 1) for p, d, k in zip(g.lo, g.dilation, g.ksize)):
        return 0
    return _tile(gy, w, g, gy.shape[0], gy.shape[1], w.shape[1], g.in_sp)


def weight_tile(x, gy, g) -> int:
    """Winograd tile for the weight gradient (the same tiles as the forward)."""
    return _tile(x, gy, g, x.shape[0], x.shape[1], gy.shape[1], g.out_sp)


def pointwise_weight_per_image(x, gy, g) -> bool:
    """Whether the weight gradient of this 1x1 conv is best as accumulated per-image GEMMs."""
    return (g.is_pointwise() and g.groups == 1 and x.__class__ is np.ndarray
            and gy.__class__ is np.ndarray and x.shape[0] > 0 and x.dtype == gy.dtype
            and x.dtype.name in ("float32", "float64")
            and math.prod(g.out_sp) >= _POINTWISE_MIN_POSITIONS)


def depthwise(a, b, g, c: int, o: int) -> bool:
    """Whether a 2-D conv with c input and o output channels, computed from arrays a and b, takes
    the depthwise kernels."""
    return (len(g.ksize) == 2 and g.groups > 1 and c == o == g.groups
            and a.__class__ is np.ndarray and b.__class__ is np.ndarray
            and a.dtype.name == "float32" and b.dtype == a.dtype)


def channels_last_forward(x, w, g) -> bool:
    """Whether the forward of this (non-Winograd) conv takes the channels-last columns."""
    return (g.groups == 1 and x.__class__ is np.ndarray and w.__class__ is np.ndarray
            and x.dtype.name == "float32" and w.dtype == x.dtype
            and x.shape[1] >= _CL_FORWARD_MIN_CHANNELS
            and math.prod(g.out_sp) <= _CL_FORWARD_MAX_POSITIONS
            and x.shape[1] * math.prod(g.ksize) <= _CL_FORWARD_MAX_ROWS
            and math.prod(g.ksize) > 1)  # strided 1x1: 1.4-1.9x slower (ResNet-50's downsampling)
