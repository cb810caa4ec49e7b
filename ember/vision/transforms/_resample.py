"""Antialiased bilinear/bicubic resizing (torch's interpolate(antialias=True), PIL's filters).

Each output pixel averages the input pixels under a filter stretched by the downscale factor; the
weights are normalised per output pixel. Separable, width then height; each pass gathers the few
taps under the filter (a banded matrix stored as (taps, weights) per output pixel).
"""
from __future__ import annotations

import functools

import numpy as np

import ember
from ember import Tensor


def _bilinear(x: np.ndarray) -> np.ndarray:
    return np.clip(1.0 - np.abs(x), 0.0, None)


def _bicubic(x: np.ndarray) -> np.ndarray:
    a = -0.5  # PIL's (and torch's antialias) bicubic coefficient
    x = np.abs(x)
    near = ((a + 2.0) * x - (a + 3.0)) * x * x + 1.0
    far = ((a * x - 5.0 * a) * x + 8.0 * a) * x - 4.0 * a
    return np.where(x < 1.0, near, np.where(x < 2.0, far, 0.0))


_FILTERS = {"bilinear": (_bilinear, 1.0), "bicubic": (_bicubic, 2.0)}


@functools.lru_cache(maxsize=64)
def _taps(in_size: int, out_size: int, mode: str, dtype) -> tuple[np.ndarray, np.ndarray]:
    """(out_size, K) input indices and normalised weights along one axis (cached: a pipeline
    resizes image after image between the same sizes)."""
    kernel, support = _FILTERS[mode]
    scale = in_size / out_size
    invscale = 1.0 / scale if scale >= 1.0 else 1.0
    support = support * scale if scale >= 1.0 else support
    rows = []
    for i in range(out_size):
        center = scale * (i + 0.5)
        lo = max(int(center - support + 0.5), 0)
        hi = min(int(center + support + 0.5), in_size)
        w = kernel((np.arange(lo, hi) - center + 0.5) * invscale)
        total = w.sum()
        rows.append((lo, w / total if total != 0.0 else w))
    k = max(len(w) for _, w in rows)
    index = np.zeros((out_size, k), dtype=np.intp)
    weight = np.zeros((out_size, k), dtype=np.float64)
    for i, (lo, w) in enumerate(rows):
        index[i] = np.minimum(np.arange(lo, lo + k), in_size - 1)  # padded taps weigh 0
        weight[i, :len(w)] = w
    weight = weight.astype(dtype)
    index.flags.writeable = weight.flags.writeable = False
    return index, weight


def _pass(x: np.ndarray, axis: int, out_size: int, mode: str) -> np.ndarray:
    """Resample `x` along `axis` (-1 or -2) to out_size."""
    index, weight = _taps(x.shape[axis], out_size, mode, np.dtype(x.dtype))
    if axis == -1:
        return np.einsum("...ok,ok->...o", x[..., index], weight)
    return np.einsum("...okw,ok->...ow", x[..., index, :], weight)


def resize_antialias(img: Tensor, size: list[int], mode: str) -> Tensor:
    """Resize float (N, C, H, W) to (N, C, *size) with torch's antialiased filter."""
    x = img.detach().numpy()
    out_h, out_w = int(size[0]), int(size[1])
    h, w = x.shape[-2:]
    if out_h <= 0 or out_w <= 0:
        raise RuntimeError(f"Input and output sizes should be greater than 0, but got input ({h}, "
                           f"{w}) output ({out_h}, {out_w})")
    dtype = x.dtype
    if out_w != w:
        x = _pass(x, -1, out_w, mode)
    if out_h != h:
        x = _pass(x, -2, out_h, mode)
    return ember.from_numpy(np.ascontiguousarray(x, dtype=dtype))
