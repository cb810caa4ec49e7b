"""Winograd F(m x m, 3 x 3) for stride-1, undilated, ungrouped 3x3 convolutions on NumPy arrays.

Paper: Lavin & Gray, "Fast Algorithms for Convolutional Neural Networks" (arXiv:1509.09308).
The output is cut into m x m tiles; each tile reads a t x t input patch (t = m + 2). With the
transform matrices B (input), G (filter) and A (output) of Cook-Toom points 0, +-1, (+-2,) inf:

    y_tile = A^T [ (G w G^T) * (B^T d B) ] A      (* elementwise, summed over input channels)

The data transforms are two separable passes (rows, then columns), each one small GEMM over all
tiles at once; the filter transform is one GEMM with kron(G, G); the channel sum is a batch of t*t
GEMMs (O, C) @ (C, tiles). The weight gradient is the exact adjoint:
gw = G^T [ sum over tiles of (A gy A^T) * (B^T d B) ] G, again t*t GEMMs. Tiles are stored
transposed ([b, a]), which saves a transpose between the passes. Batches go in cache-sized chunks
through reused per-thread buffers (fresh pages cost more than the arithmetic here).
Multiplies per output: 9 * C * O direct, t*t/(m*m) * C * O here (2.25x fewer for m = 2, 4x for 4).

Accuracy (float32, checked against float64 in tests/ops/test_conv_winograd.py): every result lies
within 1e-6 * conv(|x|, |w|) (m = 2) or 1e-5 * conv(|x|, |w|) (m = 4) of the exact value, where
conv(|x|, |w|) is the convolution of the absolute values (the scale of any summation order's
rounding); the gradients likewise. Measured maxima: 3e-7 and 2.8e-6 (torch's direct float32:
1e-7); F(4x4)'s 2.8e-6 is ~5e-5 of a typical output, well inside TF32's 1e-3 that torch uses for
convolutions on GPUs by default.
"""
from __future__ import annotations

import math
import threading

import numpy as np

_CHUNK_BYTES = 1 << 20  # transformed tiles per batch chunk: cache-sized (1.8x faster than 32 MB)

_B_T = {
    2: [[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]],
    4: [[4, 0, -5, 0, 1, 0], [0, -4, -4, 1, 1, 0], [0, 4, -4, -1, 1, 0], [0, -2, -1, 2, 1, 0],
        [0, 2, -1, -2, 1, 0], [0, 4, 0, -5, 0, 1]],
}
_G = {
    2: [[1, 0, 0], [.5, .5, .5], [.5, -.5, .5], [0, 0, 1]],
    4: [[1 / 4, 0, 0], [-1 / 6, -1 / 6, -1 / 6], [-1 / 6, 1 / 6, -1 / 6],
        [1 / 24, 1 / 12, 1 / 6], [1 / 24, -1 / 12, 1 / 6], [0, 0, 1]],
}
_A_T = {
    2: [[1, 1, 1, 0], [0, 1, -1, -1]],
    4: [[1, 1, 1, 1, 1, 0], [0, 1, -1, 2, -2, 0], [0, 1, 1, 4, 4, 0], [0, 1, -1, 8, -8, 1]],
}
_KRON: dict = {}
_WORKSPACE = threading.local()


def _kron(name: str, m: int, dtype):
    """kron(P, P) for P in B^T, G, A^T: the t*t (or 9, or m*m) square form of a 2-D transform."""
    key = (name, m, np.dtype(dtype))
    k = _KRON.get(key)
    if k is None:
        p = np.array({"B": _B_T, "G": _G, "A": _A_T}[name][m], dtype=np.float64)
        k = _KRON[key] = np.ascontiguousarray(np.kron(p, p).astype(dtype))
    return k


def _matrix(name: str, m: int, dtype):
    """B^T or A^T itself (for the separable passes)."""
    key = (name + "1", m, np.dtype(dtype))
    k = _KRON.get(key)
    if k is None:
        k = _KRON[key] = np.array({"B": _B_T, "A": _A_T}[name][m], dtype=dtype)
    return k


def _grid(out_sp, m: int):
    return -(-out_sp[0] // m), -(-out_sp[1] // m)


def _scratch(slot: str, shape, dtype):
    """A per-thread reusable buffer: the big intermediates would otherwise cost fresh pages (and
    their faults) on every call; results handed back to callers never live here."""
    size = math.prod(shape) * np.dtype(dtype).itemsize
    buf = getattr(_WORKSPACE, slot, None)
    if buf is None or buf.nbytes < size:
        buf = np.empty(size, np.uint8)
        setattr(_WORKSPACE, slot, buf)
    return buf[:size].view(dtype).reshape(shape)


def _padded_cnhw(x, lo, rows: int, cols: int, slot: str = "pad"):
    """x (N, C, H, W) as a zero-bordered scratch buffer (C, N, rows, cols) holding x at offset
    lo, cropped to it."""
    n, c, h, w = x.shape
    buf = _scratch(slot, (c, n, rows, cols), x.dtype)
    r0, c0 = max(lo[0], 0), max(lo[1], 0)
    r1, c1 = max(min(lo[0] + h, rows), r0), max(min(lo[1] + w, cols), c0)
    buf[:, :, :r0] = 0
    buf[:, :, r1:] = 0
    buf[:, :, r0:r1, :c0] = 0
    buf[:, :, r0:r1, c1:] = 0
    if r1 > r0 and c1 > c0:
        buf[:, :, r0:r1, c0:c1] = x[:, :, r0 - lo[0]:r1 - lo[0],
                                    c0 - lo[1]:c1 - lo[1]].transpose(1, 0, 2, 3)
    return buf


def _input_tiles(xb, m: int, th: int, tw: int):
    """V (t*t, C, N*th*tw) = B^T d B of every t x t patch d of the padded (C, N, rows, cols)
    buffer, in two separable passes (rows, then columns), stored transposed:
    V[b, a] = (B^T d B)[a, b]. Lives in scratch slots "a" (gathers) and "b" (V)."""
    t = m + 2
    c, n, _, cols = xb.shape
    bt = _matrix("B", m, xb.dtype)
    rows = _scratch("a", (t, c, n, th, cols), xb.dtype)
    for i in range(t):
        rows[i] = xb[:, :, i:i + m * th:m]
    z = _scratch("b", (t, c, n, th, cols), xb.dtype)
    np.matmul(bt, rows.reshape(t, -1), out=z.reshape(t, -1))
    d = _scratch("a", (t, t, c, n, th, tw), xb.dtype)
    for j in range(t):
        d[j] = z[..., j:j + m * tw:m]
    v = _scratch("b", (t * t, c, n * th * tw), xb.dtype)
    np.matmul(bt, d.reshape(t, -1), out=v.reshape(t, -1))
    return v


def _filter_tiles(w, m: int):
    """U (t*t, O, C), stored transposed like V: U[b, a] = (G w G^T)[a, b], one GEMM."""
    o, c = w.shape[:2]
    wt = np.ascontiguousarray(w.swapaxes(2, 3).reshape(o * c, 9).T)
    return np.matmul(_kron("G", m, w.dtype), wt).reshape(-1, o, c)


def _chunk(n: int, per_image: int, tiles: int, channels: int) -> int:
    """Images per chunk: _CHUNK_BYTES of tiles, but GEMMs of at least channels / 2 columns (wide
    layers re-read their (O, C) filter tiles once per chunk: 256 channels at 14x14 run 1.15x
    faster with 3 images per chunk than with 1)."""
    return max(1, min(n, max(_CHUNK_BYTES // max(per_image, 1), -(-channels // (2 * tiles)))))


def conv3x3(x, w, lo, out_sp, m: int):
    """y (N, O, *out_sp) = cross-correlation of x (N, C, H, W) zero-padded by lo in front (and as
    much behind as out_sp needs) with w (O, C, 3, 3), stride 1."""
    n, c = x.shape[:2]
    o = w.shape[0]
    t = m + 2
    th, tw = _grid(out_sp, m)
    u = _filter_tiles(w, m)
    at = _matrix("A", m, x.dtype)
    y = np.empty((n, o) + tuple(out_sp), x.dtype)
    yt = y.transpose(1, 0, 2, 3)
    step = _chunk(n, t * t * max(c, o) * th * tw * x.itemsize, th * tw, max(c, o))
    for s in range(0, n, step):
        k = min(step, n - s)
        p = k * th * tw
        xb = _padded_cnhw(x[s:s + k], lo, m * th + 2, m * tw + 2)
        mm = _scratch("a", (t * t, o, p), x.dtype)  # stored [b, a], like V
        np.matmul(u, _input_tiles(xb, m, th, tw), out=mm)
        y1 = _scratch("b", (m, t * o * p), x.dtype)  # [j, a]
        np.matmul(at, mm.reshape(t, -1), out=y1)
        yy = _scratch("a", (m, m, o * p), x.dtype)  # [j, i]
        np.matmul(at, y1.reshape(m, t, -1), out=yy)
        yy = yy.reshape(m, m, o, k, th, tw)
        for i in range(m):
            for j in range(m):
                dst = yt[:, s:s + k, i::m, j::m]
                dst[...] = yy[j, i, :, :, :dst.shape[2], :dst.shape[3]]
    return y


def conv3x3_weight(x, gy, lo, m: int):
    """gw (O, C, 3, 3): the adjoint of conv3x3 in w, for x (N, C, H, W) and gy (N, O, *out_sp)."""
    n, c = x.shape[:2]
    o = gy.shape[1]
    t = m + 2
    th, tw = _grid(gy.shape[2:], m)
    a = _matrix("A", m, x.dtype).T
    ug = np.zeros((t * t, o, c), x.dtype)
    step = _chunk(n, t * t * max(c, o) * th * tw * x.itemsize, th * tw, max(c, o))
    for s in range(0, n, step):
        k = min(step, n - s)
        p = k * th * tw
        gb = _padded_cnhw(gy[s:s + k], (0, 0), m * th, m * tw, "gpad")  # partial tiles: zeros
        g = _scratch("g1", (m, m, o, k, th, tw), gy.dtype)
        for i in range(m):
            for j in range(m):
                g[j, i] = gb[:, :, i::m, j::m]  # stored transposed, like V
        g2 = _scratch("g2", (t, m * o * p), gy.dtype)  # [b, i]
        np.matmul(a, g.reshape(m, -1), out=g2)
        mg = _scratch("g1", (t, t, o * p), gy.dtype)  # A gy A^T per tile, stored [b, a]
        np.matmul(a, g2.reshape(t, m, -1), out=mg)
        xb = _padded_cnhw(x[s:s + k], lo, m * th + 2, m * tw + 2)
        ug += np.matmul(mg.reshape(t * t, o, p), _input_tiles(xb, m, th, tw).transpose(0, 2, 1))
    gw = np.matmul(_kron("G", m, x.dtype).T, ug.reshape(t * t, -1))  # [l, k] = gw^T per tile
    return np.ascontiguousarray(gw.reshape(3, 3, o, c).transpose(2, 3, 1, 0))
