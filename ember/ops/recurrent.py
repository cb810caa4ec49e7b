"""Recurrent ops: one fused Op per layer and direction (RNN tanh/relu, LSTM with projection, GRU).

A layer runs over a packed sequence: rows of step t are data[off:off + b], batch rows 0..b-1
(a padded (T, B, *) input is the packed case with every b = B). The input projection of all steps
is one matmul; the recurrence and backward-through-time run on arrays, the weight gradients as one
matmul over all steps. Under create_graph the backward re-derives the gradients from a per-step
graph of ember ops (`_layer_graph`), so second derivatives work. No torch.nn.functional names.
"""
from __future__ import annotations

import numpy as np

from ..autograd import grad_mode
from ..backend import array_module
from . import _op
from . import shape as _shape
from ._op import Op
from .nn_linear import linear as _linear
from .unary import relu as _relu
from .unary import sigmoid as _sigmoid
from .unary import tanh as _tanh

__all__: list = []

_grad_state = grad_mode._state
GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


def _sigmoid_(xp, a):
    """In-place logistic sigmoid, 1 / (1 + exp(-a)): exp is the cheapest transcendental in NumPy
    (exp(-a) may overflow to inf for very negative a, giving exactly 0; callers mute the warning)."""
    xp.negative(a, out=a)
    xp.exp(a, out=a)
    a += 1
    xp.reciprocal(a, out=a)
    return a


def _wrap(a):
    return None if a is None else _op._new_tensor(a, False)


# ---- the fused layer ----------------------------------------------------------------------------


class RnnLayer(Op):
    """(out, h_n[, c_n]) of one layer and direction; inputs (x, h0, c0, w_ih, w_hh, b_ih, b_hh, w_hr).

    x is packed data (N, I); `steps` lists (offset, batch) in processing order (reversed for the
    reverse direction); h0 (B, P) and c0 (B, H) hold the initial state of every batch row.
    """

    save_inputs = (0, 1, 2, 3, 4, 5, 6, 7)

    @staticmethod
    def forward(ctx, x, h0, c0, w_ih, w_hh, b_ih, b_hh, w_hr, mode, steps):
        xp = array_module(x)
        train = bool(ctx.needs_input_grad)
        xw = x @ w_ih.T  # the input projection of every step at once; becomes the gate buffer
        if b_ih is not None:
            xw += b_ih if mode == "GRU" else b_ih + b_hh  # GRU keeps b_hn inside r * (...)
        h = h0.copy()
        out = xp.empty((x.shape[0], h.shape[1]), dtype=xw.dtype)
        saved = {"hprev": xp.empty_like(out) if train else None}
        with np.errstate(over="ignore"):
            c = _run_steps(xp, mode, xw, h, c0, w_hh, b_hh, w_hr, out, steps, saved, train)
        if train:
            ctx.mode, ctx.steps, ctx.gates = mode, steps, xw
            ctx.saved = saved
            if mode.startswith("RNN"):
                ctx.out = out
        return (out, h) if c is None else (out, h, c)

    @staticmethod
    def backward(ctx, gout, ghn, gcn=None):
        if _grad_state.enabled:  # create_graph: differentiate a graph of ember ops instead
            return _graph_backward(ctx, gout, ghn, gcn)
        x, h0, c0, w_ih, w_hh, _, _, w_hr = (
            None if t is None else t._data for t in ctx.inputs)
        xp = array_module(x)
        mode, steps, saved = ctx.mode, ctx.steps, ctx.saved
        dh = xp.zeros_like(h0) if ghn is None else ghn._data.copy()
        go = None if gout is None else gout._data
        gh_bias = None
        dw_hr = None
        if mode == "LSTM":
            dc = xp.zeros_like(c0) if gcn is None else gcn._data.copy()
            dgx, dhp = _lstm_backward(xp, ctx.gates, saved, dh, dc, go, w_hh, w_hr, steps)
            dgh = dgx
            if w_hr is not None:
                dw_hr = dhp.T @ saved["hpre"]
        elif mode == "GRU":
            dc = None
            dgx, dgh = _gru_backward(xp, ctx.gates, saved, dh, go, w_hh, steps)
            gh_bias = dgh
        else:
            dc = None
            dgx = _rnn_backward(xp, ctx.out, dh, go, w_hh, steps, mode == "RNN_RELU")
            dgh = dgx
        need = ctx.needs_input_grad
        grads = [None] * 8
        if need[0]:
            grads[0] = dgx @ w_ih
        if need[1]:
            grads[1] = dh
        if need[2]:
            grads[2] = dc
        if need[3]:
            grads[3] = dgx.T @ x
        if need[4]:
            grads[4] = dgh.T @ saved["hprev"]
        if need[5]:
            grads[5] = dgx.sum(0)
        if need[6]:
            grads[6] = (dgx if gh_bias is None else gh_bias).sum(0)
        if need[7]:
            grads[7] = dw_hr
        return tuple(_wrap(g) for g in grads)


def _run_steps(xp, mode, xw, h, c0, w_hh, b_hh, w_hr, out, steps, saved, train):
    """The recurrence of one layer on arrays; updates h in place, returns the final c (LSTM)."""
    if mode == "LSTM":
        c = c0.copy()
        _lstm_forward(xp, xw, h, c, w_hh, w_hr, out, steps, saved)
        return c
    if mode == "GRU":
        _gru_forward(xp, xw, h, w_hh, b_hh, out, steps, saved)
        return None
    hprev = saved["hprev"]
    relu = mode == "RNN_RELU"
    for o, b in steps:
        g = xw[o:o + b]
        if train:
            hprev[o:o + b] = h[:b]
        g += h[:b] @ w_hh.T
        y = out[o:o + b]
        if relu:
            xp.maximum(g, 0, out=y)
        else:
            xp.tanh(g, out=y)
        h[:b] = y
    return None


def _lstm_forward(xp, gates, h, c, w_hh, w_hr, out, steps, saved) -> None:
    """LSTM steps: gates i, f, g, o activated in place in `gates`; saves what backward reads."""
    hsz = c.shape[1]
    hprev = saved["hprev"]
    train = hprev is not None
    if train:
        saved["cprev"] = cprev = xp.empty((gates.shape[0], hsz), dtype=gates.dtype)
        saved["tanh_c"] = tcs = xp.empty_like(cprev)
        saved["hpre"] = hpres = xp.empty_like(cprev) if w_hr is not None else None
    hh_buf = xp.empty((h.shape[0], gates.shape[1]), dtype=gates.dtype)
    for o, b in steps:
        g = gates[o:o + b]
        hp = h[:b]
        cp = c[:b]
        if train:
            hprev[o:o + b] = hp
            cprev[o:o + b] = cp
        hh = xp.matmul(hp, w_hh.T, out=hh_buf[:b])  # one reused buffer: no allocation per step
        g += hh
        gg = g[:, 2 * hsz:3 * hsz]
        gg *= 2  # tanh(x) = 2 sigmoid(2x) - 1: one sigmoid pass over all four gates
        _sigmoid_(xp, g)
        gg *= 2
        gg -= 1
        cn = g[:, hsz:2 * hsz] * cp
        cn += g[:, :hsz] * g[:, 2 * hsz:3 * hsz]
        tc = tcs[o:o + b] if train else xp.empty_like(cn)
        xp.tanh(cn, out=tc)
        c[:b] = cn
        if w_hr is None:
            y = out[o:o + b]
            xp.multiply(g[:, 3 * hsz:], tc, out=y)
        else:
            hpre = hpres[o:o + b] if train else xp.empty_like(cn)
            xp.multiply(g[:, 3 * hsz:], tc, out=hpre)
            y = out[o:o + b]
            xp.matmul(hpre, w_hr.T, out=y)
        h[:b] = y


def _lstm_backward(xp, gates, saved, dh, dc, go, w_hh, w_hr, steps):
    """BPTT for LSTM; returns the pre-activation gate grads (N, 4H) and the projected-h grads."""
    hsz = dc.shape[1]
    dg_all = xp.empty_like(gates)
    dhp_all = xp.empty((gates.shape[0], dh.shape[1]), dtype=gates.dtype) if w_hr is not None \
        else None
    cprev, tcs = saved["cprev"], saved["tanh_c"]
    deriv_buf = xp.empty((dh.shape[0], gates.shape[1]), dtype=gates.dtype)
    for o, b in reversed(steps):
        dhb = dh[:b]
        if go is not None:
            dhb += go[o:o + b]
        if w_hr is not None:
            dhp_all[o:o + b] = dhb
            dhb = dhb @ w_hr
        g = gates[o:o + b]
        tc = tcs[o:o + b]
        dg = dg_all[o:o + b]
        dcb = dc[:b]
        og = g[:, 3 * hsz:]
        xp.multiply(dhb, tc, out=dg[:, 3 * hsz:])  # d o
        dtc = tc * tc  # through h = o tanh(c): dc += dh o (1 - tanh(c)^2)
        xp.subtract(1, dtc, out=dtc)
        dtc *= og
        dtc *= dhb
        dcb += dtc
        xp.multiply(dcb, g[:, 2 * hsz:3 * hsz], out=dg[:, :hsz])  # d i
        xp.multiply(dcb, cprev[o:o + b], out=dg[:, hsz:2 * hsz])  # d f
        xp.multiply(dcb, g[:, :hsz], out=dg[:, 2 * hsz:3 * hsz])  # d g
        dcb *= g[:, hsz:2 * hsz]
        deriv = xp.subtract(1, g, out=deriv_buf[:b])  # s (1 - s) on i, f, o; 1 - g^2 on g
        deriv *= g
        gg = g[:, 2 * hsz:3 * hsz]
        xp.multiply(gg, gg, out=deriv[:, 2 * hsz:3 * hsz])
        xp.subtract(1, deriv[:, 2 * hsz:3 * hsz], out=deriv[:, 2 * hsz:3 * hsz])
        dg *= deriv
        xp.matmul(dg, w_hh, out=dh[:b])
    return dg_all, dhp_all


def _gru_forward(xp, gates, h, w_hh, b_hh, out, steps, saved) -> None:
    """GRU steps: r, z, n kept in `gates`; h @ W_hn + b_hn saved for backward."""
    hsz = h.shape[1]
    hprev = saved["hprev"]
    train = hprev is not None
    if train:
        saved["hn"] = hns = xp.empty((gates.shape[0], hsz), dtype=gates.dtype)
    hh_buf = xp.empty((h.shape[0], gates.shape[1]), dtype=gates.dtype)
    for o, b in steps:
        g = gates[o:o + b]
        hp = h[:b]
        if train:
            hprev[o:o + b] = hp
        hh = xp.matmul(hp, w_hh.T, out=hh_buf[:b])
        if b_hh is not None:
            hh += b_hh
        rz = g[:, :2 * hsz]
        rz += hh[:, :2 * hsz]
        _sigmoid_(xp, rz)
        hn = hh[:, 2 * hsz:]
        if train:
            hns[o:o + b] = hn
        n = g[:, 2 * hsz:]
        n += g[:, :hsz] * hn
        xp.tanh(n, out=n)
        y = out[o:o + b]
        xp.subtract(hp, n, out=y)  # h' = n + z * (h - n)
        y *= g[:, hsz:2 * hsz]
        y += n
        h[:b] = y


def _gru_backward(xp, gates, saved, dh, go, w_hh, steps):
    """BPTT for GRU; returns gate grads of the input part and of the hidden part (N, 3H) each."""
    hsz = dh.shape[1]
    dgx_all = xp.empty_like(gates)
    dgh_all = xp.empty_like(gates)
    hprev, hns = saved["hprev"], saved["hn"]
    for o, b in reversed(steps):
        dhb = dh[:b]
        if go is not None:
            dhb += go[o:o + b]
        g = gates[o:o + b]
        r, z, n = g[:, :hsz], g[:, hsz:2 * hsz], g[:, 2 * hsz:]
        dgx = dgx_all[o:o + b]
        dgh = dgh_all[o:o + b]
        dn = dgx[:, 2 * hsz:]
        xp.multiply(dhb, (1 - z) * (1 - n * n), out=dn)
        xp.multiply(dhb, (hprev[o:o + b] - n) * z * (1 - z), out=dgx[:, hsz:2 * hsz])
        xp.multiply(dn, hns[o:o + b] * r * (1 - r), out=dgx[:, :hsz])
        dgh[:, :2 * hsz] = dgx[:, :2 * hsz]
        xp.multiply(dn, r, out=dgh[:, 2 * hsz:])
        dhb *= z
        dhb += dgh @ w_hh
    return dgx_all, dgh_all


def _rnn_backward(xp, out, dh, go, w_hh, steps, relu: bool):
    """BPTT for the Elman RNN (tanh or relu), from the saved outputs."""
    dg_all = xp.empty_like(out)
    for o, b in reversed(steps):
        dhb = dh[:b]
        if go is not None:
            dhb += go[o:o + b]
        y = out[o:o + b]
        dg = dg_all[o:o + b]
        if relu:
            xp.multiply(dhb, y > 0, out=dg)
        else:
            xp.multiply(dhb, 1 - y * y, out=dg)
        xp.matmul(dg, w_hh, out=dh[:b])
    return dg_all


# ---- the differentiable path (create_graph) -----------------------------------------------------


def _layer_graph(mode, x, h0, c0, w_ih, w_hh, b_ih, b_hh, w_hr, steps):
    """The same layer as a graph of ember ops, step by step (for double backward)."""
    n_rows = h0.shape[0]
    xw = _linear(x, w_ih, b_ih)
    h, c = h0, c0
    pieces = {}
    for o, b in steps:
        hp = h[:b] if b < n_rows else h
        hh = _linear(hp, w_hh, b_hh)
        xg = xw[o:o + b]
        if mode == "LSTM":
            cp = c[:b] if b < n_rows else c
            i, f, g, og = _shape.chunk(xg + hh, 4, 1)
            cn = _sigmoid(f) * cp + _sigmoid(i) * _tanh(g)
            hn = _sigmoid(og) * _tanh(cn)
            if w_hr is not None:
                hn = _linear(hn, w_hr)
            c = _shape.cat([cn, c[b:]]) if b < n_rows else cn
        elif mode == "GRU":
            xr, xz, xn = _shape.chunk(xg, 3, 1)
            hr, hz, hnn = _shape.chunk(hh, 3, 1)
            r = _sigmoid(xr + hr)
            z = _sigmoid(xz + hz)
            n = _tanh(xn + r * hnn)
            hn = n + z * (hp - n)
        else:
            pre = xg + hh
            hn = _relu(pre) if mode == "RNN_RELU" else _tanh(pre)
        pieces[o] = hn
        h = _shape.cat([hn, h[b:]]) if b < n_rows else hn
    out = _shape.cat([pieces[o] for o in sorted(pieces)])
    return (out, h) if c is None else (out, h, c)


def _graph_backward(ctx, gout, ghn, gcn):
    """Gradients of the layer as ember-op graphs of the inputs (so they can be differentiated)."""
    from ..autograd import grad as _grad

    inputs = ctx.inputs
    with grad_mode.enable_grad():
        outs = _layer_graph(ctx.mode, *inputs, ctx.steps)
    pairs = [(o, g) for o, g in zip(outs, (gout, ghn, gcn)) if g is not None]
    wanted = [i for i, t in enumerate(inputs) if t is not None and ctx.needs_input_grad[i]]
    grads = _grad([o for o, _ in pairs], [inputs[i] for i in wanted], [g for _, g in pairs],
                  create_graph=True, allow_unused=True)
    result = [None] * 8
    for i, g in zip(wanted, grads):
        result[i] = g
    return tuple(result)


_SCALAR_NAMES = {"float64": "Double", "float32": "Float", "float16": "Half",
                 "bfloat16": "BFloat16"}


def rnn_layer(mode, x, h0, c0, w_ih, w_hh, b_ih, b_hh, w_hr, steps):
    """Run one layer and direction; returns (out, h_n, c_n or None)."""
    if h0.dtype != w_hh.dtype:  # NumPy would promote silently; PyTorch's matmul refuses
        a, b = (_SCALAR_NAMES.get(str(d).replace("torch.", "").replace("ember.", ""), str(d))
                for d in (h0.dtype, w_hh.dtype))
        raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {a} and {b}")
    res = RnnLayer.apply(x, h0, c0, w_ih, w_hh, b_ih, b_hh, w_hr, mode=mode, steps=steps)
    return res if mode == "LSTM" else (res[0], res[1], None)


def uniform_steps(n_steps: int, batch: int, reverse: bool) -> tuple:
    """(offset, batch) per step of an unpacked (T, B, *) sequence, in processing order."""
    order = range(n_steps - 1, -1, -1) if reverse else range(n_steps)
    return tuple((t * batch, batch) for t in order)


def packed_steps(batch_sizes, reverse: bool) -> tuple:
    """(offset, batch) per step of a packed sequence with the given batch_sizes."""
    sizes = [int(b) for b in batch_sizes]
    offs = np.concatenate([[0], np.cumsum(sizes)[:-1]]).tolist() if sizes else []
    steps = tuple(zip((int(o) for o in offs), sizes))
    return steps[::-1] if reverse else steps


def rnn_stack(mode, data, hx, cx, layers, steps_of, dropout: float, training: bool):
    """Every layer and direction over packed `data`: returns (out, h_n, c_n or None).

    `layers[l][d]` = (w_ih, w_hh, b_ih, b_hh, w_hr) of layer l and direction d; hx (L*D, B, P)
    and cx (L*D, B, H) hold the initial states; `steps_of(reverse)` gives the step list.
    Dropout (training only) goes on the output of every layer but the last, as PyTorch's.
    """
    from .dropout import dropout as _dropout

    n_dir = len(layers[0])
    fwd, bwd = steps_of(False), steps_of(True) if n_dir == 2 else None
    hs, cs = [], []
    x = data
    for li, dirs in enumerate(layers):
        outs = []
        for d, (w_ih, w_hh, b_ih, b_hh, w_hr) in enumerate(dirs):
            k = li * n_dir + d
            out, h, c = rnn_layer(mode, x, hx[k], None if cx is None else cx[k], w_ih, w_hh,
                                  b_ih, b_hh, w_hr, bwd if d else fwd)
            outs.append(out)
            hs.append(h)
            cs.append(c)
        x = outs[0] if n_dir == 1 else _shape.cat(outs, 1)
        if dropout and training and li + 1 < len(layers):
            x = _dropout(x, dropout, True)
    h_n = _shape.stack(hs)
    return x, h_n, (None if cx is None else _shape.stack(cs))
