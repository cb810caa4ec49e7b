"""LSTM layer on NumPy arrays with feature-major steps (float32/float64; ops.recurrent's RnnLayer
hands the LSTM case here).

A step is one GEMM W @ z with W = [W_hh | W_ih | b_ih + b_hh] (G = 4H rows, the sigmoid gates' rows
halved) and z = [h_{t-1}^T; x_t^T; 1] (K, b): (G, K) @ (K, b) is OpenBLAS's fast order for small
batches (no transposed add of a precomputed input projection), every gate is a contiguous (H, b)
block, and one tanh pass activates all four gates (sigmoid(a) = tanh(a / 2) / 2 + 1 / 2). Training
keeps each step's z^T as a row block of Z (N, K) and its gates, c_{t-1} and tanh(c_t) step-major;
backward-through-time writes the pre-activation gradients into dG (N, G), and the weight and bias
gradients are two GEMMs dG^T @ Z over all steps. Measured on benchmarks/rnn.py (1 thread, CPU time):
no-grad forward 13.3 -> 11.8 ms, training step 41 -> 38 ms (torch/oneDNN: 8.9 and 28.2 ms; the
GEMMs alone take ~10 and ~27 ms in OpenBLAS here).
"""
from __future__ import annotations

import threading

import numpy as np

_PAD = 16  # row padding of the (rows, N) buffers: a 2^k row stride makes strided writes slow
_POOL_BYTES = 64 << 20  # what the pool may hold at most
_pool: dict = {}
_pool_lock = threading.Lock()


def _take(shape: tuple, dtype):
    """An uninitialised array from the pool of released work arrays (or a new one): fresh
    megabyte arrays cost a page fault per 4 KiB page on every call, pooled ones do not."""
    key = (shape, np.dtype(dtype))
    with _pool_lock:
        free = _pool.get(key)
        if free:
            return free.pop()
    return np.empty(shape, dtype=dtype)


def _give(*arrays) -> None:
    """Return arrays that nothing else references to the pool (while it has room)."""
    with _pool_lock:
        held = sum(a.nbytes for v in _pool.values() for a in v)
        for a in arrays:
            if a is not None and held + a.nbytes <= _POOL_BYTES:
                _pool.setdefault((a.shape, a.dtype), []).append(a)
                held += a.nbytes


class _Saved(dict):
    """What a recorded forward keeps for its backward; its arrays go back to the pool when the
    graph drops it (they never leave this module)."""

    def __del__(self) -> None:
        _give(*self.values())


def _padded(rows: int, n: int, dtype):
    """A (rows, n) array whose rows are n + _PAD apart."""
    return np.empty((rows, n + _PAD), dtype=dtype)[:, :n]


def supported(x, w_hh) -> bool:
    """Whether this path runs the layer (NumPy float32/float64 arrays)."""
    return (type(x) is np.ndarray and x.dtype in (np.float32, np.float64)
            and w_hh.dtype == x.dtype)


def forward(x, h0, c0, w_ih, w_hh, b_ih, b_hh, w_hr, steps, train: bool):
    """(out (N, P), h_n (B, P), c_n (B, H), saved or None) of one layer over packed x (N, I)."""
    dt = x.dtype
    n_rows, n_in = x.shape
    batch, p = h0.shape
    hsz = c0.shape[1]
    g_rows = 4 * hsz
    h2, h3 = 2 * hsz, 3 * hsz
    k = p + n_in + (b_ih is not None)
    w = _take((g_rows, k), dt)
    w[:, :p] = w_hh
    w[:, p:p + n_in] = w_ih
    if b_ih is not None:
        np.add(b_ih, b_hh, out=w[:, -1])
    w[:h2] *= 0.5
    w[h3:] *= 0.5
    z = np.empty((k, batch), dtype=dt)  # [h^T; x_t^T; 1] of the step
    if b_ih is not None:
        z[-1] = 1
    if train:
        zs = _take((n_rows, k), dt)  # every step's z^T, for the weight gradients
        zs[:, p:p + n_in] = x
        if b_ih is not None:
            zs[:, -1] = 1
    h_t = np.array(h0.T, dtype=dt)
    c_t = np.array(c0.T, dtype=dt)
    out = np.empty((n_rows, p), dtype=dt)
    if train:
        gates = _take((g_rows * n_rows,), dt)  # step-major: step (o, b) at [G o, G (o + b))
        cprev = _take((hsz * n_rows,), dt)
        tanh_c = _take((hsz * n_rows,), dt)
        hpre = _padded(hsz, n_rows, dt) if w_hr is not None else None
    else:
        gates = np.empty(g_rows * batch, dtype=dt)
        tc_buf = np.empty(hsz * batch, dtype=dt)
        hp_buf = np.empty((hsz, batch), dtype=dt)
    tmp = np.empty(hsz * batch, dtype=dt)
    with np.errstate(over="ignore"):
        for o, b in steps:
            zt = z[:, :b]
            zt[:p] = h_t[:, :b]
            zt[p:p + n_in] = x[o:o + b].T
            if train:
                zs[o:o + b, :p] = h_t[:, :b].T
            hb = hsz * b
            g = (gates[g_rows * o:g_rows * (o + b)] if train else gates[:g_rows * b])
            g = g.reshape(g_rows, b)
            np.matmul(w, zt, out=g)
            np.tanh(g, out=g)
            sg = g[:h2]
            sg *= 0.5
            sg += 0.5
            og = g[h3:]
            og *= 0.5
            og += 0.5
            cb = c_t[:, :b]
            if train:
                cprev[hsz * o:hsz * o + hb].reshape(hsz, b)[...] = cb
            cb *= g[hsz:h2]
            cb += np.multiply(g[:hsz], g[h2:h3], out=tmp[:hb].reshape(hsz, b))
            tc = (tanh_c[hsz * o:hsz * o + hb] if train else tc_buf[:hb]).reshape(hsz, b)
            np.tanh(cb, out=tc)
            if w_hr is None:
                np.multiply(og, tc, out=h_t[:, :b])
            else:
                hp = hpre[:, o:o + b] if train else hp_buf[:, :b]
                np.multiply(og, tc, out=hp)
                np.matmul(w_hr, hp, out=h_t[:, :b])
            out[o:o + b] = h_t[:, :b].T
    _give(w)
    saved = None
    if train:
        saved = _Saved(z=zs, gates=gates, cprev=cprev, tanh_c=tanh_c)
        saved.hpre = hpre
    return out, np.ascontiguousarray(h_t.T), np.ascontiguousarray(c_t.T), saved


def backward(saved, go, dh_n, dc_n, x, w_ih, w_hh, w_hr, steps, need):
    """Gradients (x, h0, c0, w_ih, w_hh, b_ih, b_hh, w_hr) of the layer; `need` as the Op's."""
    z, gates, cprev, tanh_c = saved["z"], saved["gates"], saved["cprev"], saved["tanh_c"]
    dt = gates.dtype
    n_rows, n_in = x.shape
    g_rows, p = w_hh.shape
    hsz = g_rows // 4
    h2, h3 = 2 * hsz, 3 * hsz
    dh = np.array(dh_n.T, dtype=dt)
    dc = np.array(dc_n.T, dtype=dt)
    batch = dh.shape[1]
    w_hr_t = None if w_hr is None else np.ascontiguousarray(w_hr.T)
    dg_rows = _take((n_rows, g_rows), dt)  # gradients of the gate pre-activations
    dg = dg_rows.T
    dhp = _padded(p, n_rows, dt) if w_hr is not None else None
    k3 = np.empty(3 * hsz * batch, dtype=dt)
    ko = np.empty(hsz * batch, dtype=dt)
    t1 = np.empty(hsz * batch, dtype=dt)
    dg_buf = np.empty(g_rows * batch, dtype=dt)
    dh_buf = np.empty((batch, p), dtype=dt)
    for o, b in reversed(steps):
        hb = hsz * b
        g = gates[g_rows * o:g_rows * (o + b)].reshape(g_rows, b)
        cp = cprev[hsz * o:hsz * o + hb].reshape(hsz, b)
        tc = tanh_c[hsz * o:hsz * o + hb].reshape(hsz, b)
        dhb = dh[:, :b]
        if go is not None:
            dhb += go[o:o + b].T
        if w_hr is not None:
            dhp[:, o:o + b] = dhb
            dhb = w_hr_t @ dhb
        dcb = dc[:, :b]
        # through h = o tanh(c): dc += dh o (1 - tanh(c)^2); do = dh tanh(c) o (1 - o)
        fo = np.multiply(tc, tc, out=t1[:hb].reshape(hsz, b))
        np.subtract(1, fo, out=fo)
        fo *= g[h3:]
        fo *= dhb
        dcb += fo
        kob = ko[:hb].reshape(hsz, b)
        np.subtract(1, g[h3:], out=kob)
        kob *= g[h3:]
        kob *= tc
        dgt = dg_buf[:g_rows * b].reshape(g_rows, b)
        np.multiply(kob, dhb, out=dgt[h3:])
        # i, f: s (1 - s) times g and c_prev; g: i (1 - g^2)
        kb = k3[:3 * hb].reshape(3 * hsz, b)
        np.subtract(1, g[:h2], out=kb[:h2])
        kb[:h2] *= g[:h2]
        kb[:hsz] *= g[h2:h3]
        kb[hsz:h2] *= cp
        kg = np.multiply(g[h2:h3], g[h2:h3], out=kb[h2:])
        np.subtract(1, kg, out=kg)
        kg *= g[:hsz]
        np.multiply(kb.reshape(3, hsz, b), dcb, out=dgt[:h3].reshape(3, hsz, b))
        dcb *= g[hsz:h2]
        dg_rows[o:o + b] = dgt.T
        dh[:, :b] = np.matmul(dgt.T, w_hh, out=dh_buf[:b]).T
    grads = [None] * 8
    if need[0]:
        grads[0] = dg_rows @ w_ih
    if need[1]:
        grads[1] = np.ascontiguousarray(dh.T)
    if need[2]:
        grads[2] = np.ascontiguousarray(dc.T)
    if need[4]:
        grads[4] = dg @ z[:, :p]
    if need[3] or need[5] or need[6]:
        dw = dg @ z[:, p:]  # [dW_ih | db]
        if need[3]:
            grads[3] = np.ascontiguousarray(dw[:, :n_in])
        if need[5]:
            grads[5] = np.ascontiguousarray(dw[:, n_in])
        if need[6]:
            grads[6] = np.ascontiguousarray(dw[:, n_in])
    if need[7]:
        grads[7] = dhp @ saved.hpre.T
    _give(dg_rows)
    return grads
