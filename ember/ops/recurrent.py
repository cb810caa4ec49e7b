"""Recurrent ops: one fused Op per layer and direction (RNN tanh/relu, LSTM with projection, GRU).

A layer runs over a packed sequence: rows of step t are data[off:off + b], batch rows 0..b-1
(a padded (T, B, *) input is the packed case with every b = B). The input projection of all steps
is one matmul; the recurrence and backward-through-time run on arrays, the weight gradients as one
matmul over all steps. Under create_graph the backward re-derives the gradients from a per-step
graph of ember ops (`_layer_graph`), so second derivatives work. No torch.nn.functional names.
The LSTM on float32/float64 NumPy arrays runs in _rnn_lstm (feature-major steps, one GEMM each).
"""
from __future__ import annotations

import numpy as np

from ..autograd import grad as _grad
from ..autograd import grad_mode
from ..backend import array_module
from . import _op
from . import _rnn_lstm as _lstm
from . import shape as _shape
from ._op import Op
from .dropout import dropout as _dropout
from .nn_linear import linear as _linear
from .unary import relu as _relu
from .unary import sigmoid as _sigmoid
from .unary import tanh as _tanh

__all__: list = []

_grad_state = grad_mode._state
GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


def _wrap(a):
    return None if a is None else _op._new_tensor(a, False)


# ---- the fused layer ----------------------------------------------------------------------------


class RnnLayer(Op):
    """(out, h_n[, c_n]) of one layer and direction; inputs (x, h0, c0, w_ih, w_hh, b_ih, b_hh,
    w_hr).

    x is packed data (N, I); `steps` lists (offset, batch) in processing order (reversed for the
    reverse direction); h0 (B, P) and c0 (B, H) hold the initial state of every batch row.
    """

    save_inputs = (0, 1, 2, 3, 4, 5, 6, 7)

    @staticmethod
    def forward(ctx, x, h0, c0, w_ih, w_hh, b_ih, b_hh, w_hr, mode, steps):
        train = bool(ctx.needs_input_grad)
        if mode == "LSTM" and _lstm.supported(x, w_hh):
            out, h, c, saved = _lstm.forward(x, h0, c0, w_ih, w_hh, b_ih, b_hh, w_hr, steps,
                                             train)
            if train:
                ctx.mode, ctx.steps, ctx.lstm_saved = mode, steps, saved
            return out, h, c
        xp = array_module(x)
        xw = x @ w_ih.T  # the input projection of every step at once; becomes the gate buffer
        if b_ih is not None:
            xw += b_ih if mode == "GRU" else b_ih + b_hh  # GRU keeps b_hn inside r * (...)
        h = h0.copy()
        out = xp.empty((x.shape[0], h.shape[1]), dtype=x.dtype)  # NumPy: bf16 @ bf16 is f32
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
        go = None if gout is None else gout._data
        if getattr(ctx, "lstm_saved", None) is not None:
            dh = xp.zeros_like(h0) if ghn is None else ghn._data
            dc = xp.zeros_like(c0) if gcn is None else gcn._data
            grads = _lstm.backward(ctx.lstm_saved, go, dh, dc, x, w_ih, w_hh, w_hr, ctx.steps,
                                   ctx.needs_input_grad)
            return tuple(_wrap(g) for g in grads)
        mode, steps, saved = ctx.mode, ctx.steps, ctx.saved
        dh = xp.zeros_like(h0) if ghn is None else ghn._data.copy()
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
    hidden = _HiddenProduct(xp, w_hh)
    for o, b in steps:
        g = xw[o:o + b]
        if train:
            hprev[o:o + b] = h[:b]
        g += hidden(h[:b])
        y = out[o:o + b]
        if relu:
            xp.maximum(g, 0, out=y)
        else:
            xp.tanh(g, out=y)
        h[:b] = y
    return None


def _signed(xp, signs, dtype):
    """Per-gate multipliers as a (1, G, 1) array, folded into pre-activations and W_hh once so
    the per-step sigmoid is exp, add, reciprocal (no negate, no doubling)."""
    return xp.asarray(signs, dtype=dtype).reshape(1, -1, 1)


def _scaled_weight(w_hh, scale):
    """W_hh with each gate's rows scaled (a fresh (G*H, P) array)."""
    g = scale.shape[1]
    return (w_hh.reshape(g, -1, w_hh.shape[1]) * scale.reshape(g, 1, 1)).reshape(w_hh.shape)


class _HiddenProduct:
    """h @ W.T of every step into reused buffers, as (W @ h.T).T when the batch is small.

    OpenBLAS runs the wide product (G*H, P) @ (P, b) faster than (b, P) @ (P, G*H) for b up to
    ~64 (LSTM 256, b=32: 209 vs 289 us per step, the strided add after it included; b=8: 90 vs
    166 us); from b=128 on the plain order is as fast or faster (OpenBLAS 0.3.31, 1 thread).
    """

    def __init__(self, xp, w) -> None:
        self.xp, self.w, self.bufs = xp, w, {}

    def __call__(self, h):
        b = h.shape[0]
        buf = self.bufs.get(b)
        w = self.w
        if b <= _SMALL_BATCH:
            if buf is None:
                buf = self.bufs[b] = self.xp.empty((w.shape[0], b), dtype=w.dtype)
            return self.xp.matmul(w, h.T, out=buf).T
        if buf is None:
            buf = self.bufs[b] = self.xp.empty((b, w.shape[0]), dtype=w.dtype)
        return self.xp.matmul(h, w.T, out=buf)


_SMALL_BATCH = 64


# sigmoid(-a) for i, f, o via exp(-a); tanh(a) = 2 sigmoid(2a) - 1 for the cell gate via exp(-2a)
_LSTM_SIGNS = (-1.0, -1.0, -2.0, -1.0)
_GRU_SIGNS = (-1.0, -1.0, 1.0)  # r and z are sigmoids; the n part of h @ W_hn stays as it is


def _lstm_forward(xp, gates, h, c, w_hh, w_hr, out, steps, saved) -> None:
    """LSTM steps: gates i, f, g, o activated in place in `gates`; saves what backward reads."""
    n_rows, hsz = gates.shape[0], c.shape[1]
    scale = _signed(xp, _LSTM_SIGNS, gates.dtype)
    gates.reshape(n_rows, 4, hsz)[...] *= scale
    hidden = _HiddenProduct(xp, _scaled_weight(w_hh, scale))
    hprev = saved["hprev"]
    train = hprev is not None
    if train:
        saved["cprev"] = cprev = xp.empty((n_rows, hsz), dtype=gates.dtype)
        saved["tanh_c"] = tcs = xp.empty_like(cprev)
        saved["hpre"] = hpres = xp.empty_like(cprev) if w_hr is not None else None
    tmp_buf = xp.empty_like(c)
    tc_buf = None if train else xp.empty_like(c)
    h2, h3 = 2 * hsz, 3 * hsz
    for o, b in steps:
        g = gates[o:o + b]
        hp = h[:b]
        cp = c[:b]
        if train:
            hprev[o:o + b] = hp
            cprev[o:o + b] = cp
        g += hidden(hp)
        xp.exp(g, out=g)
        g += 1
        xp.reciprocal(g, out=g)  # i, f, o = sigmoid; the cell gate holds sigmoid(2a)
        gg = g[:, h2:h3]
        gg *= 2
        gg -= 1
        xp.multiply(cp, g[:, hsz:h2], out=cp)  # c = f c + i g, written in place
        cp += xp.multiply(g[:, :hsz], gg, out=tmp_buf[:b])
        tc = xp.tanh(cp, out=tcs[o:o + b] if train else tc_buf[:b])
        y = out[o:o + b]
        if w_hr is None:
            xp.multiply(g[:, h3:], tc, out=y)
        else:
            hpre = hpres[o:o + b] if train else tmp_buf[:b]
            xp.multiply(g[:, h3:], tc, out=hpre)
            xp.matmul(hpre, w_hr.T, out=y)
        h[:b] = y


def _lstm_backward(xp, gates, saved, dh, dc, go, w_hh, w_hr, steps):
    """BPTT for LSTM; returns the pre-activation gate grads (N, 4H) and the projected-h grads.

    Every factor that does not depend on the recurrence is formed for all steps at once, so a
    step is two multiplies for the four gate grads, the dc update and the matmul."""
    n_rows, hsz = gates.shape[0], dc.shape[1]
    g4 = gates.reshape(n_rows, 4, hsz)
    cprev, tcs = saved["cprev"], saved["tanh_c"]
    k4 = xp.subtract(1, gates).reshape(n_rows, 4, hsz)
    k4 *= g4  # s (1 - s) on i, f, o
    kg = k4[:, 2]
    xp.multiply(g4[:, 2], g4[:, 2], out=kg)
    xp.subtract(1, kg, out=kg)  # 1 - g^2 on the cell gate
    k4[:, 0] *= g4[:, 2]  # d i = dc g i'
    k4[:, 1] *= cprev  # d f = dc c_prev f'
    k4[:, 2] *= g4[:, 0]  # d g = dc i g'
    k4[:, 3] *= tcs  # d o = dh tanh(c) o'
    fo = tcs * tcs  # through h = o tanh(c): dc += dh o (1 - tanh(c)^2)
    xp.subtract(1, fo, out=fo)
    fo *= g4[:, 3]
    dg_all = xp.empty_like(gates)
    dg4 = dg_all.reshape(n_rows, 4, hsz)
    dhp_all = xp.empty((n_rows, dh.shape[1]), dtype=gates.dtype) if w_hr is not None \
        else None
    tmp_buf = xp.empty_like(dc)
    for o, b in reversed(steps):
        dhb = dh[:b]
        if go is not None:
            dhb += go[o:o + b]
        if w_hr is not None:
            dhp_all[o:o + b] = dhb
            dhb = dhb @ w_hr
        dcb = dc[:b]
        dcb += xp.multiply(dhb, fo[o:o + b], out=tmp_buf[:b])
        xp.multiply(dcb[:, None], k4[o:o + b, :3], out=dg4[o:o + b, :3])
        xp.multiply(dhb, k4[o:o + b, 3], out=dg4[o:o + b, 3])
        dcb *= g4[o:o + b, 1]
        xp.matmul(dg_all[o:o + b], w_hh, out=dh[:b])
    return dg_all, dhp_all


def _gru_forward(xp, gates, h, w_hh, b_hh, out, steps, saved) -> None:
    """GRU steps: r, z, n kept in `gates`; h @ W_hn + b_hn saved for backward."""
    n_rows, hsz = gates.shape[0], h.shape[1]
    scale = _signed(xp, _GRU_SIGNS, gates.dtype)
    gates.reshape(n_rows, 3, hsz)[:, :2] *= -1
    hidden = _HiddenProduct(xp, _scaled_weight(w_hh, scale))
    bias = None if b_hh is None else (b_hh.reshape(3, hsz) * scale[0]).reshape(-1)
    hprev = saved["hprev"]
    train = hprev is not None
    if train:
        saved["hn"] = hns = xp.empty((n_rows, hsz), dtype=gates.dtype)
    tmp_buf = xp.empty_like(h)
    h2 = 2 * hsz
    for o, b in steps:
        g = gates[o:o + b]
        hp = h[:b]
        if train:
            hprev[o:o + b] = hp
        hh = hidden(hp)
        if bias is not None:
            hh += bias
        rz = g[:, :h2]
        rz += hh[:, :h2]
        xp.exp(rz, out=rz)
        rz += 1
        xp.reciprocal(rz, out=rz)
        hn = hh[:, h2:]
        if train:
            hns[o:o + b] = hn
        n = g[:, h2:]
        n += xp.multiply(g[:, :hsz], hn, out=tmp_buf[:b])
        xp.tanh(n, out=n)
        y = xp.subtract(hp, n, out=out[o:o + b])  # h' = n + z * (h - n)
        y *= g[:, hsz:h2]
        y += n
        h[:b] = y


def _gru_backward(xp, gates, saved, dh, go, w_hh, steps):
    """BPTT for GRU; returns gate grads of the input part and of the hidden part (N, 3H) each.

    The factors of dh in every gate grad are formed for all steps at once: a step is two
    multiplies, the z update and the matmul."""
    n_rows, hsz = gates.shape[0], dh.shape[1]
    g3 = gates.reshape(n_rows, 3, hsz)
    r, z, n = g3[:, 0], g3[:, 1], g3[:, 2]
    hprev, hns = saved["hprev"], saved["hn"]
    kn = n * n
    xp.subtract(1, kn, out=kn)
    omz = xp.subtract(1, z)
    kn *= omz  # dn = dh (1 - z) (1 - n^2)
    kh = xp.empty((n_rows, 3, hsz), dtype=gates.dtype)  # dh -> [dr, dz, dhn] of the h part
    kz = xp.subtract(hprev, n, out=kh[:, 1])
    kz *= z
    kz *= omz  # dz = dh (h - n) z (1 - z)
    kr = xp.subtract(1, r, out=kh[:, 0])
    kr *= r
    kr *= hns
    kr *= kn  # dr = dn hn r (1 - r)
    xp.multiply(kn, r, out=kh[:, 2])  # d(h W_hn + b_hn) = dn r
    dgx_all = xp.empty_like(gates)
    dgh_all = xp.empty_like(gates)
    dgx3 = dgx_all.reshape(n_rows, 3, hsz)
    dgh3 = dgh_all.reshape(n_rows, 3, hsz)
    tmp_buf = xp.empty_like(dh)
    for o, b in reversed(steps):
        dhb = dh[:b]
        if go is not None:
            dhb += go[o:o + b]
        xp.multiply(dhb[:, None], kh[o:o + b], out=dgh3[o:o + b])
        xp.multiply(dhb, kn[o:o + b], out=dgx3[o:o + b, 2])
        dhb *= z[o:o + b]
        dhb += xp.matmul(dgh_all[o:o + b], w_hh, out=tmp_buf[:b])
    dgx3[:, :2] = dgh3[:, :2]
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
