"""Array kernels of max pooling: the fast path of ops/pooling.py's max pools.

The (padded) input is split by position modulo the stride into "phase" arrays, each contiguous,
so that every kernel offset's window values are one contiguous 1-d slice of a phase array,
shifted by the offset ("flat shift": outputs live on the phase grid, whose few extra positions
are dropped at the end). NumPy then runs every pass with its contiguous SIMD loops; on strided
window views its per-row loops were 5-10x slower. The argmax is kept as a local window offset
(one small integer per output): forward is a strict `>` compare, a running maximum and a running
offset (a maximum of uint8 words, since offsets only grow), so the first maximum in window order
wins as in torch; backward adds the gradient masked by `offset == j` into the shifted slice of
each offset j (no flat indices, no bincount). Flat indices, when return_indices or a double
backward asks for them, come from a lookup table. Measured on resnet18's 3x3/s2/p1 pool of
16x64x56x56 float32: forward ~5 ms and backward ~5 ms, where window views with bincount took
~55 ms and ~65 ms.
"""
from __future__ import annotations

import math

import numpy as np

from ..backend import array_module
from ._common import keep_or_zero


def _grid(out, i, nd, xp):
    """arange(out[i]) shaped to broadcast along output dim i of an nd-dim output block."""
    return xp.arange(out[i]).reshape([out[i] if j == i else 1 for j in range(nd)])


class PoolPlan:
    """The phase split of one max pool geometry: phase grid shape, each kernel offset's phase
    and flat shift, and the slices that move data between the input and each phase."""

    __slots__ = ("covers", "d", "k", "lead", "maps", "nd", "offsets", "out", "p", "phase_shape",
                 "s", "size", "span", "spatial", "whole")

    def __init__(self, lead, spatial, nd, k, s, p, d, out, lengths):
        self.lead, self.spatial, self.nd = tuple(lead), tuple(spatial), nd
        self.k, self.s, self.p, self.d, self.out = k, s, p, d, out
        ph = tuple(-(-L // si) for L, si in zip(lengths, s))
        self.phase_shape = ph
        strides = [math.prod(ph[i + 1:]) for i in range(nd)]
        self.offsets = []
        for kp in np.ndindex(*k):
            off = [kp[i] * d[i] for i in range(nd)]
            self.offsets.append((tuple(o % si for o, si in zip(off, s)),
                                 sum(o // si * st for o, si, st in zip(off, s, strides))))
        self.size = math.prod(lead) * math.prod(ph)
        self.span = self.size - max(sh for _, sh in self.offsets)
        self.maps = {}
        for r in dict.fromkeys(r for r, _ in self.offsets):
            dst, src = [Ellipsis], [Ellipsis]
            for i in range(nd):
                t0 = max(0, -(-(p[i] - r[i]) // s[i]))
                t1 = max(t0, min(ph[i], -(-(p[i] + spatial[i] - r[i]) // s[i])))
                a0 = r[i] + s[i] * t0 - p[i]
                dst.append(slice(t0, t1))
                src.append(slice(a0, a0 + (t1 - t0 - 1) * s[i] + 1 if t1 > t0 else a0, s[i]))
            self.maps[r] = (tuple(dst), tuple(src))
        # phases that x fills completely (no fill value needed), and whether x is all covered
        self.whole = {r: all(sl.start == 0 and sl.stop == n for sl, n in zip(dst[1:], ph))
                      for r, (dst, _) in self.maps.items()}
        self.covers = sum(math.prod(sl.stop - sl.start for sl in dst[1:])
                          for dst, _ in self.maps.values()) == math.prod(spatial)

    def grid(self, flat):
        """A flat phase-grid array as lead + phase_shape."""
        return flat.reshape(self.lead + self.phase_shape)

    def valid(self, flat):
        """The outputs (lead + out, contiguous) of a flat phase-grid array."""
        crop = (Ellipsis,) + tuple(slice(0, o) for o in self.out)
        return array_module(flat).ascontiguousarray(self.grid(flat)[crop])


def window_max(x, plan: PoolPlan, fill, need_idx: bool, is_float: bool):
    """(max, local offsets on the phase grid (flat) or None) of each window of x, padded with
    `fill`; the offset is that of the first maximum, or of the last NaN, in window order."""
    xp = array_module(x)
    phases = {}
    for r, (dst, src) in plan.maps.items():
        if plan.whole[r]:
            a = xp.empty(plan.lead + plan.phase_shape, dtype=x.dtype)
        else:
            a = xp.full(plan.lead + plan.phase_shape, fill, dtype=x.dtype)
        a[dst] = x[src]
        phases[r] = a.reshape(-1)
    n = plan.span
    views = [phases[r][sh:sh + n] for r, sh in plan.offsets]
    vals_flat = xp.empty(plan.size, dtype=x.dtype)
    vals = vals_flat[:n]
    vals[...] = views[0]
    if not need_idx:
        for w in views[1:]:
            xp.maximum(vals, w, out=vals)
        return vals_flat, None
    odt = np.uint8 if len(views) <= 255 else np.int32
    best_flat = xp.zeros(plan.size, dtype=odt)
    best = best_flat[:n]
    m = xp.empty(n, dtype=bool)
    step = xp.empty(n, dtype=odt)
    for j, w in enumerate(views[1:], 1):
        xp.greater(w, vals, out=m)
        xp.maximum(vals, w, out=vals)
        xp.multiply(m.view(np.uint8), odt(j), out=step, casting="unsafe")
        xp.maximum(best, step, out=best)  # offsets only grow: the last strict improvement wins
    if is_float and bool(xp.isnan(vals).any()):  # torch keeps the last NaN of the window
        for j, w in enumerate(views):
            xp.copyto(best, odt(j), where=xp.isnan(w))
    return vals_flat, best_flat


def first_valid_offset(plan: PoolPlan, xp):
    """Local offset of each window's first position inside the unpadded input (out-shaped)."""
    nd, k, s, p, d, out = plan.nd, plan.k, plan.s, plan.p, plan.d, plan.out
    off = None
    for i in range(nd):
        st = _grid(out, i, nd, xp) * s[i] - p[i]
        ki = (-(st.clip(None, 0)) + d[i] - 1) // d[i]
        off = ki if off is None else off * k[i] + ki
    return off


def flat_indices(best, plan: PoolPlan):
    """Per-plane flat input indices (int64) of local window offsets `best` (lead + out)."""
    xp = array_module(best)
    nd, k, s, p, d, out, spatial = plan.nd, plan.k, plan.s, plan.p, plan.d, plan.out, plan.spatial
    plane = [math.prod(spatial[i + 1:]) for i in range(nd)]
    table = xp.asarray([sum(kp[i] * d[i] * plane[i] for i in range(nd))
                        for kp in np.ndindex(*k)], dtype=np.int64)
    idx = table[best]
    for i in range(nd):
        idx += (_grid(out, i, nd, xp) * s[i] - p[i]) * plane[i]
    return idx


def scatter_windows(g, best_flat, plan: PoolPlan):
    """The max pool's input gradient: g (lead + out) added at each window's local offset
    (`best_flat` on the phase grid) into per-phase buffers, then moved back to the input layout."""
    xp = array_module(g)
    n = plan.span
    if plan.phase_shape == tuple(plan.out):  # the outputs fill the phase grid
        g_flat = xp.ascontiguousarray(g).reshape(-1)
    else:
        g_flat = xp.zeros(plan.size, dtype=g.dtype)
        plan.grid(g_flat)[(Ellipsis,) + tuple(slice(0, o) for o in plan.out)] = g
    gv, best = g_flat[:n], best_flat[:n]
    finite = g.dtype.kind not in "fV" or bool(xp.isfinite(g).all())
    hits = {}
    for r, _ in plan.offsets:
        hits[r] = hits.get(r, 0) + 1
    phases = {}
    m = xp.empty(n, dtype=bool)
    for j, (r, sh) in enumerate(plan.offsets):
        xp.equal(best, j, out=m)
        if hits[r] == 1 and n == plan.size:  # the phase's only offset, unshifted: a plain store
            phases[r] = keep_or_zero(gv, m)
            continue
        if r not in phases:
            phases[r] = xp.zeros(plan.size, dtype=g.dtype)
        if finite:  # g * mask: -0.0 off the mask, lost in the +0.0 sums
            phases[r][sh:sh + n] += xp.multiply(gv, m)
        else:
            phases[r][sh:sh + n] += keep_or_zero(gv, m)
    gx = (xp.empty if plan.covers else xp.zeros)(plan.lead + plan.spatial, dtype=g.dtype)
    for r, (dst, src) in plan.maps.items():
        gx[src] = plan.grid(phases[r])[dst]
    return gx
