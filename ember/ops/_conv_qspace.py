"""The input gradient of stride-1, ungrouped, narrow 2-D convolutions (LeNet's 5x5 layers) with
col2im in "q-space": no short strided adds.

Every channel's planes lie end to end in one flat row with zero gaps as deep as the padding
(ember.ops._conv_depthwise._Plane). There tap (i, j) of every output is one contiguous, shifted
slice, so after the one GEMM W^T @ gy the scatter is k*k long adds (columns whose tap wraps into
the neighbouring row zeroed first), not the NCHW col2im's adds of rows only Wo long:
1->6 5x5 'same' on 64x1x28x28: 1.1 ms against 1.8, 3->16 3x3 on 16x3x32x32: 0.5 against 1.0.
"""
from __future__ import annotations

import math

import numpy as np

from ._conv_depthwise import _Plane
from ._conv_winograd import _scratch

_COLS_BUDGET = 1 << 22  # bytes of columns per batch chunk
_MAX_CHANNELS = 32  # wider convs take the channels-last kernels


def transpose_applies(gy, w, g) -> bool:
    """Whether the q-space input gradient takes this NumPy float32 conv: stride 1, groups 1,
    2-D, fewer than _MAX_CHANNELS channels on one side, and outputs no larger than the input but
    at least 3/4 of it (a 'valid' 5x5 conv on 14x14 computes 2x the GEMM columns it keeps: slower)."""
    return (len(g.ksize) == 2 and g.groups == 1 and g.stride == (1, 1)
            and gy.__class__ is np.ndarray and w.__class__ is np.ndarray
            and gy.dtype.name == "float32" and w.dtype == gy.dtype and gy.shape[0] > 0
            and min(w.shape[0], w.shape[1]) < _MAX_CHANNELS and math.prod(g.ksize) > 1
            and g.out_sp[0] <= g.in_sp[0] and g.out_sp[1] <= g.in_sp[1]
            and 4 * math.prod(g.out_sp) >= 3 * math.prod(g.in_sp))  # few wasted gap columns


def conv_transpose(gy, w, g):
    """gx (N, C, *in_sp): the adjoint in x of the conv with geometry g, for gy (N, O, *out_sp)."""
    n, o = gy.shape[:2]
    c = w.shape[1]
    lay = _Plane(n, g.in_sp, g.out_sp, g.lo, g.dilation, g.ksize)
    gq = lay.fill(gy, g.out_sp[0], g.out_sp[1], "qg")
    taps = [t for row in lay.offs for t in row]
    wt = np.ascontiguousarray(w.reshape(o, -1).T)  # (C*K, O)
    buf = _scratch("qx", (c, lay.size), gy.dtype)
    buf.fill(0)
    step = max(1, min(n, _COLS_BUDGET // max(wt.shape[0] * lay.pitch * gy.itemsize, 1)))
    for i in range(0, n, step):
        m = min(step, n - i)
        start = lay.gap + i * lay.pitch
        length = m * lay.pitch
        cols = (wt @ gq[:, start:start + length]).reshape(c, len(taps), length)
        for t, (off, dj) in enumerate(taps):
            if dj:
                lay.columns(cols[:, t], m)[..., lay.masks(dj)] = 0
            buf[:, start + off:start + off + length] += cols[:, t]
    body = buf[:, lay.gap:lay.gap + lay.run]
    return np.ascontiguousarray(lay.columns(body).transpose(1, 0, 2, 3))
