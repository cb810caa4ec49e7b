"""randperm and multinomial on torch's CPU streams, vectorised.

torch's randperm is a sequential Fisher-Yates; here the swap sequence it draws is replayed with
whole-array operations (a stable sort by swap target and pointer jumping), so a permutation costs
a few NumPy passes instead of one Python step per element. The result is the loop's, element for
element (tests/test_sampling.py checks it against the loop).
"""
from __future__ import annotations

import numpy as np

_INSIDE_OUT = 0xFFFFFFFF // 20  # torch's cut: at or above it randperm draws u64, inside-out


# ---- randperm ----------------------------------------------------------------------------------


def randperm(g, n: int) -> np.ndarray:
    """torch's randperm stream as int64: for i < n - 1 swap r[i] with r[i + u32 % (n - i)]."""
    if n >= _INSIDE_OUT:
        return _randperm_inside_out(g, n)
    if n < 2:
        return np.arange(n, dtype=np.int64)
    i = np.arange(n - 1, dtype=np.int64)
    k = (g._u32(n - 1) % (n - i).astype(np.uint32)).astype(np.int64)
    k += i
    return fisher_yates(k, n)


def _stable_order(keys: np.ndarray, bound: int) -> np.ndarray:
    """argsort(keys, kind='stable') for integer keys in [0, bound): NumPy's radix sort on 16-bit
    digits, least significant first (it beats a comparison sort of int64 by ~10x)."""
    order = np.argsort((keys & 0xFFFF).astype(np.uint16), kind="stable")
    shift = 16
    while bound > 1 << shift:
        digit = ((keys[order] >> shift) & 0xFFFF).astype(np.uint16)
        order = order[np.argsort(digit, kind="stable")]
        shift += 16
    return order


def _follow(ptr: np.ndarray, spare: np.ndarray) -> np.ndarray:
    """Follow pointers to each chain's end (a fixed point) by pointer jumping: ptr = ptr[ptr]
    until nothing moves, ping-ponging between ptr and the equally long `spare`."""
    while True:
        ptr.take(ptr, out=spare, mode="wrap")  # indices are in range; "raise" would buffer
        if np.array_equal(spare, ptr):
            return ptr
        ptr, spare = spare, ptr


def fisher_yates(k: np.ndarray, n: int) -> np.ndarray:
    """The arange(n) permuted by `for i in range(n - 1): r[i], r[k[i]] = r[k[i]], r[i]`, k[i] >= i.

    Step i fixes r[i] to what position k[i] holds then. Position p >= i holds a[j] for the last
    earlier step j that swapped into p (or p itself if none), where a[j] is what step j found at
    position j; that in turn is a[prev] for the last step before j that swapped into j. So a is
    the root of a forest (found by pointer jumping), and r[i] is a[previous step into k[i]].
    """
    i = np.arange(n - 1, dtype=np.int64)
    moved = np.flatnonzero(k != i)  # steps that swap two positions; the rest keep r[i] = a[i]
    target = k[moved]
    order = _stable_order(target, n)
    steps, to = moved[order], target[order]  # grouped by target, each group in step order
    first = np.empty(to.size, np.bool_)
    first[:1] = True
    np.not_equal(to[1:], to[:-1], out=first[1:])
    ends = np.flatnonzero(first)
    ends -= 1
    parent = np.arange(n, dtype=np.int64)
    if ends.size:
        ends[0] = to.size - 1  # the last step of each group, in a rotated order
        parent[to[ends]] = steps[ends]  # a[p] = a[the last step that swapped into p]
    a = _follow(parent, np.empty(n, np.int64))  # a[p] <= p: the root of p's chain
    r = a.copy()
    vals = np.empty(to.size, np.int64)
    np.take(a, steps[:-1], out=vals[1:])
    np.copyto(vals, to, where=first)  # a group's first step finds its target untouched
    r[steps] = vals
    return r


def _randperm_inside_out(g, n: int) -> np.ndarray:
    """torch's path for huge n: r[i] = r[z], r[z] = i with z = u64 % (i + 1), i = 0 .. n - 1."""
    z = (g._u64(n) % (np.arange(n, dtype=np.uint64) + 1)).astype(np.int64)
    return inside_out(z, n)


def inside_out(z: np.ndarray, n: int) -> np.ndarray:
    """The permutation `for i in range(n): r[i] = r[z[i]]; r[z[i]] = i` builds (z[i] <= i).

    Value i lands in slot z[i]; each later step i2 with z[i2] equal to its slot moves it to slot
    i2, where it stays until a step i3 > i2 with z[i3] == i2, and so on. The chain from a slot
    ends where no later step picks it, so final slots come from pointer jumping on those moves.
    """
    order = _stable_order(z, n)
    steps, slot = order, z[order]  # grouped by slot, each group in step order
    nxt = np.empty(n, np.int64)  # the next step taking the same slot, or -1
    nxt[:-1] = np.where(slot[1:] == slot[:-1], steps[1:], -1)
    nxt[-1:] = -1
    after = np.empty(n, np.int64)
    after[steps] = nxt  # after[i]: the first step after i to pick slot z[i]
    # the first step to pick slot s strictly after time s (groups hold steps >= s)
    head = np.full(n, -1, np.int64)
    starts = np.flatnonzero(np.r_[True, slot[1:] != slot[:-1]])
    head[slot[starts]] = steps[starts]
    i = np.arange(n, dtype=np.int64)
    own = head == i  # slot s picked by step s itself: the value moves on at the next pick
    head[own] = after[own]
    # a value sitting in slot s from time s moves to head[s]; it ends in the chain's last slot
    jump = np.where(head >= 0, head, i)
    final = _follow(jump, np.empty(n, np.int64))
    start = np.where(after >= 0, final[np.maximum(after, 0)], z)
    r = np.empty(n, np.int64)
    r[start] = i
    return r


# ---- multinomial -------------------------------------------------------------------------------


def multinomial(g, probs: np.ndarray, num_samples: int, replacement: bool) -> np.ndarray:
    """Rows of `probs` (2-D); PyTorch's exponential race without replacement (or one sample),
    inverse-CDF search over the normalised running sum with replacement."""
    from ._sampling import exponential

    work = probs if probs.dtype in (np.float32, np.float64) else probs.astype(np.float32)
    if replacement and num_samples > 1:
        return _multinomial_cdf(g, work, num_samples)
    q = exponential(g, work.size, 1.0, work.dtype).astype(work.dtype, copy=False)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.divide(work, q.reshape(work.shape), out=q.reshape(work.shape))
    if num_samples == 1:
        return np.argmax(ratio, axis=1)[:, None]
    return _topk_indices(ratio, num_samples)


def _topk_indices(x: np.ndarray, k: int) -> np.ndarray:
    """Indices of each row's k largest values, largest first, equal values by index (as a stable
    descending sort), found by a partition and a sort of the k winners only (x is overwritten)."""
    neg = np.negative(x, out=x)
    if k >= x.shape[1] // 2:
        return np.argsort(neg, axis=1, kind="stable")[:, :k]
    part = np.argpartition(neg, k - 1, axis=1)[:, :k]
    part.sort(axis=1)  # by index first, so the stable sort below orders ties by index
    vals = np.take_along_axis(neg, part, axis=1)
    out = np.take_along_axis(part, np.argsort(vals, axis=1, kind="stable"), axis=1)
    kth = vals.max(axis=1)
    unsure = np.isnan(kth) | ((neg <= kth[:, None]).sum(axis=1) != k)  # ties at the cut, NaNs
    rows = np.flatnonzero(unsure)
    if rows.size:
        out[rows] = np.argsort(neg[rows], axis=1, kind="stable")[:, :k]
    return out


def _multinomial_cdf(g, work: np.ndarray, num_samples: int) -> np.ndarray:
    """With replacement: per row a cumulative sum normalised by its total (the last entry set to
    1), then for each double uniform the number of entries below it (torch's binary search)."""
    from ._sampling import uniform53

    cum = np.cumsum(work, axis=1)
    cum /= cum[:, -1:]
    cum[:, -1] = 1
    rows, cols = cum.shape
    u = uniform53(g, rows * num_samples).reshape(rows, num_samples)  # row by row, as torch
    out = np.empty((rows, num_samples), np.int64)
    step = max(1, (1 << 20) // max(1, num_samples * cols))
    for r in range(0, rows, step):
        if step == 1 and num_samples * cols > 1 << 20:
            out[r] = np.searchsorted(cum[r], u[r], side="left")
            continue
        below = cum[r:r + step, None, :] < u[r:r + step, :, None]
        out[r:r + step] = below.sum(axis=2)
    return out
