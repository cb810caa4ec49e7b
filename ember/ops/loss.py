"""The fused losses behind nn.functional (which checks their arguments; the composite losses are
written there from other ops, as torch writes them).

cross_entropy / nll_loss (class indices) are one fused Op each (log-softmax + NLL in one forward;
backward (softmax - onehot) * scale in one pass); mse, smooth_l1, huber, soft_margin, BCE and
BCE-with-logits are elementwise ops reduced in forward. Every backward has an ember-op form, so
create_graph (second derivatives) works.
"""
from __future__ import annotations

import math

import numpy as np

from ..backend import array_module
from . import _op
from ._op import Op
from .activation import logsigmoid
from .softmax import ones_vector, softmax

__all__ = ["BinaryCrossEntropy", "BinaryCrossEntropyWithLogits", "HuberLoss", "MseLoss",
           "SmoothL1Loss", "SoftMarginLoss", "class_nll", "cross_entropy_2d"]

_grad_state = _op._grad_state


_INT64 = np.dtype(np.int64)
_UINT8 = np.dtype(np.uint8)
_UINT64 = np.dtype(np.uint64)
_F32 = np.dtype(np.float32)
_F64 = np.dtype(np.float64)


def _const(a):
    """A raw array as a Tensor outside the graph."""
    return _op._new_tensor(_op.as_array(a))


def _reduce_array(xp, loss, reduction: str):
    if reduction == "mean":
        if not loss.size:
            return xp.asarray(math.nan, dtype=loss.dtype)
        if loss.dtype.itemsize < 4:  # half types: mean() accumulates in float32
            return loss.mean()
        return xp.add.reduce(loss, axis=None) / loss.size  # loss.mean()'s sum and division
    if reduction == "sum":
        return loss.sum()
    return loss


# ---- elementwise losses: one fused op each -------------------------------------------------------


class _PointwiseLoss(Op):
    """Elementwise l(x, y) reduced in forward; backward multiplies dl/dx, dl/dy (ember ops) by grad.

    Subclasses give `_loss(xp, x, y, **kw)` on arrays and `_grads(ctx, x, y)` on Tensors.
    """

    differentiable_args = (0, 1)
    save_inputs = (0, 1)

    @staticmethod
    def forward(ctx, x, y, reduction, **kw):
        ctx.reduction = reduction
        ctx.kw = kw
        xp = array_module(x)
        loss = ctx._op._loss(xp, x, y, **kw)
        ctx.numel = loss.size
        return _reduce_array(xp, loss, reduction)

    _grads_array = None  # optional array form of _grads: the fast path without create_graph

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.inputs
        need = ctx.needs_input_grad
        fast = ctx._op._grads_array
        if fast is not None and not _grad_state.enabled:
            g = grad._data
            if ctx.reduction == "mean" and ctx.numel:
                g = g / ctx.numel
            dx, dy = fast(ctx, array_module(g), x._data, y._data, need)
            wrap = _op._new_tensor
            return (wrap(_scaled(dx, g)) if need[0] else None,
                    wrap(_scaled(dy, g)) if need[1] else None)
        if ctx.reduction == "mean" and ctx.numel:
            grad = grad / ctx.numel
        dx, dy = ctx._op._grads(ctx, x, y)
        return (dx * grad if need[0] else None), (dy * grad if need[1] and dy is not None else None)


def _scaled(d, g):
    """d * g, in place when g is one number (a mean or sum loss): `d` is a fresh gradient."""
    if getattr(g, "ndim", 0) == 0 and d.__class__ is _ndarray and d.dtype == g.dtype:
        d *= g
        return d
    return _op.as_array(d * g)


class MseLoss(_PointwiseLoss):
    @staticmethod
    def _loss(xp, x, y):
        d = x - y
        return d * d

    @staticmethod
    def _grads(ctx, x, y):
        dx = (x - y) * 2.0
        return dx, (-dx if ctx.needs_input_grad[1] else None)

    @staticmethod
    def _grads_array(ctx, xp, x, y, need):
        dx = x - y
        dx *= 2
        return dx, (-dx if need[1] else None)


class SmoothL1Loss(_PointwiseLoss):
    @staticmethod
    def _loss(xp, x, y, beta):
        d = xp.abs(x - y)
        return xp.where(d < beta, 0.5 * d * d / beta, d - 0.5 * beta).astype(d.dtype, copy=False)

    @staticmethod
    def _grads(ctx, x, y):
        dx = ((x - y) / ctx.kw["beta"]).clamp(-1.0, 1.0)
        return dx, -dx


class HuberLoss(_PointwiseLoss):
    @staticmethod
    def _loss(xp, x, y, delta):
        d = xp.abs(x - y)
        out = xp.where(d < delta, 0.5 * d * d, delta * (d - 0.5 * delta))
        return out.astype(d.dtype, copy=False)

    @staticmethod
    def _grads(ctx, x, y):
        delta = ctx.kw["delta"]
        dx = (x - y).clamp(-delta, delta)
        return dx, -dx


class SoftMarginLoss(_PointwiseLoss):
    @staticmethod
    def _loss(xp, x, y):
        return xp.log1p(xp.exp(-y * x))

    @staticmethod
    def _grads(ctx, x, y):
        s = (-y * x).sigmoid()
        return -y * s, -x * s


class BinaryCrossEntropy(_PointwiseLoss):
    @staticmethod
    def _loss(xp, x, y, weight):
        # log clamped at -100, as torch, so x = 0 or 1 gives a finite loss
        lx = xp.maximum(xp.log(x), -100.0)
        l1x = xp.maximum(xp.log1p(-x), -100.0)
        loss = -(y * lx + (1 - y) * l1x)
        if weight is not None:
            loss = loss * weight
        return loss.astype(x.dtype, copy=False)

    @staticmethod
    def _grads(ctx, x, y):
        w = ctx.kw["weight"]
        dx = (x - y) / ((1 - x) * x).clamp_min(1e-12)
        dy = (1 - x).log().clamp_min(-100.0) - x.log().clamp_min(-100.0)
        if w is not None:
            w = _const(w)
            dx, dy = dx * w, dy * w
        return dx, dy


class BinaryCrossEntropyWithLogits(_PointwiseLoss):
    @staticmethod
    def _loss(xp, x, y, weight, pos_weight):
        # logsigmoid(x) = min(x, 0) - log1p(exp(-|x|)): stable for large |x|
        if x.ndim == 0:  # the in-place passes below want arrays, not NumPy scalars
            return BinaryCrossEntropyWithLogits._loss(xp, x.reshape(1), y.reshape(1), weight,
                                                      pos_weight).reshape(())
        sp = xp.abs(x)  # softplus(-|x|) = log1p(exp(-|x|)), in one buffer
        xp.negative(sp, out=sp)
        xp.exp(sp, out=sp)
        xp.log1p(sp, out=sp)
        if pos_weight is None:  # (1 - y) x - logsigmoid(x) = max(x, 0) - x y + softplus(-|x|)
            loss = x * y
            pos = xp.zeros_like(x)  # (maximum against an array of zeros: 3x faster than 0)
            xp.maximum(x, pos, out=pos)
            xp.subtract(pos, loss, out=loss)
            loss += sp
        else:
            ls = xp.minimum(x, 0)
            ls -= sp
            loss = (1 - y) * x - ((pos_weight - 1) * y + 1) * ls
        if weight is not None:
            loss = loss * weight
        return loss.astype(x.dtype, copy=False)

    @staticmethod
    def _grads(ctx, x, y):
        w, pw = ctx.kw["weight"], ctx.kw["pos_weight"]
        if pw is None:
            dx = x.sigmoid() - y
            dy = -x
        else:
            pw = _const(pw)
            dx = ((pw - 1) * y + 1) * x.sigmoid() - pw * y
            dy = -x - (pw - 1) * logsigmoid(x)
        if w is not None:
            w = _const(w)
            dx, dy = dx * w, dy * w
        return dx, dy

    @staticmethod
    def _grads_array(ctx, xp, x, y, need):
        w, pw = ctx.kw["weight"], ctx.kw["pos_weight"]
        sig = xp.negative(x.reshape(1) if x.ndim == 0 else x)  # 1 / (1 + exp(-x)), one buffer
        xp.exp(sig, out=sig)
        sig += 1
        xp.reciprocal(sig, out=sig)
        dy = None
        if pw is None:
            sig -= y
            dx = sig
            if need[1]:
                dy = -x
        else:
            dx = ((pw - 1) * y + 1) * sig - pw * y
            if need[1]:
                dy = -x - (pw - 1) * (xp.minimum(x, 0) - xp.log1p(xp.exp(-xp.abs(x))))
        if w is not None:
            dx = dx * w
            dy = None if dy is None else dy * w
        return dx.reshape(x.shape), dy


# ---- class-index losses: nll_loss and cross_entropy ----------------------------------------------


def _nll_forward(ctx, xp, lp, t, w, ignore_index, reduction, axis, shift=None):
    """NLL of log-probabilities `lp - shift` at targets `t`; keeps per-target scale for backward.

    The scale (weight / total weight) is a Python float when every target counts equally.
    """
    C = lp.shape[axis]
    all_valid = True
    tt = t
    if t.size:
        # one pass finds negatives and targets >= C: negatives wrap to huge unsigned values
        out_of_range = bool((t.view(_UINT64) >= C).any())
        if out_of_range or 0 <= ignore_index < C:  # some target is ignored or bad
            valid = t != ignore_index
            all_valid = bool(valid.all())
            if not all_valid:
                tt = xp.where(valid, t, 0)
            bad = (tt < 0) | (tt >= C)
            if bad.any():
                raise IndexError(f"Target {int(tt[bad].ravel()[0])} is out of bounds.")
    if lp.ndim == 2:
        picked = lp[xp.arange(lp.shape[0]), tt]
    else:
        picked = xp.take_along_axis(lp, xp.expand_dims(tt, axis), axis).squeeze(axis)
    if shift is not None:
        picked = picked - shift
    if w is not None:
        wt = w.astype(lp.dtype, copy=False)[tt]
        if not all_valid:
            wt = wt * valid
    elif not all_valid:
        wt = valid.astype(lp.dtype)
    else:
        wt = None
    loss = -picked if wt is None else -picked * wt
    scale = 1.0 if wt is None else wt
    if reduction == "none":
        out = loss
    elif reduction == "sum":
        out = loss.sum()
    else:
        denom = float(t.size) if wt is None else float(wt.sum())
        out = loss.sum() / lp.dtype.type(denom) if denom else xp.asarray(math.nan, lp.dtype)
        if not denom:
            scale = 0.0
        else:
            scale = 1.0 / denom if wt is None else wt / lp.dtype.type(denom)
    ctx.tt, ctx.scale, ctx.axis, ctx.reduction = tt, scale, axis, reduction
    return xp.asarray(out, dtype=lp.dtype)


def _onehot(xp, tt, shape, axis, dtype):
    """One-hot of class indices `tt` along `axis` of `shape` (a comparison: NumPy and CuPy)."""
    classes = xp.arange(shape[axis]).reshape((-1,) + (1,) * (len(shape) - axis - 1))
    return (classes == xp.expand_dims(tt, axis)).astype(dtype)


_ndarray = np.ndarray
_max_reduce = np.maximum.reduce
_add_reduce = np.add.reduce
_ROWS: dict = {}  # cached aranges for the row index of small batches


def _rows(n: int):
    r = _ROWS.get(n)
    if r is None:
        r = np.arange(n)
        if n <= 4096:
            _ROWS[n] = r
    return r


def _cross_entropy_2d(ctx, x, t, ignore_index, reduction):
    """cross_entropy of (N, C) host logits with every target a valid class, reduced: one max,
    subtract, gather, exp, sum and log (None when a target is ignored or out of range)."""
    n, c = x.shape
    if _max_reduce(t.view(_UINT64)) >= c or 0 <= ignore_index < c:
        return None  # negatives wrap to huge unsigned values: the general path sorts them out
    if c < 64:  # short rows: the max runs down the columns of the transposed copy (2x faster)
        z = x - _max_reduce(np.ascontiguousarray(x.T), 0)[:, None]
    else:
        z = x - _max_reduce(x, 1, keepdims=True)
    picked = z[_rows(n), t]
    e = np.exp(z, out=z)
    ssum = e @ ones_vector(c, e.dtype)  # row sums as one GEMV: 3x faster than add.reduce along rows
    losses = np.log(ssum)
    losses -= picked  # log sum exp(z) - z[target], per row
    total = _add_reduce(losses)
    ctx.e, ctx.ssum, ctx.tt, ctx.axis, ctx.reduction = e, ssum[:, None], t, 1, reduction
    if reduction == "sum":
        ctx.scale = 1.0
        return total
    ctx.scale = 1.0 / n
    return total / x.dtype.type(n)


class NllLoss(Op):
    """nll_loss, or (fused=True) cross_entropy: log_softmax and NLL in one forward.

    backward: fused (softmax - onehot) * scale * grad; plain -onehot * scale * grad.
    """

    differentiable_args = (0,)
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, x, t, w, ignore_index, reduction, axis, fused):
        ctx.fused = fused
        if fused and w is None and x.ndim == 2 and reduction != "none" and x.size and t.size \
                and x.__class__ is _ndarray and (x.dtype == _F32 or x.dtype == _F64):
            out = _cross_entropy_2d(ctx, x, t, ignore_index, reduction)
            if out is not None:
                return out
        xp = array_module(x)
        ctx.e = shift = None
        if fused and x.size:
            # log p = x - (m + log sum exp(x - m)); keep e = exp(x - m) and its sum: softmax = e / s
            m = x.max(axis=axis, keepdims=True)
            e = x - m
            xp.exp(e, out=e)
            ssum = e.sum(axis=axis, keepdims=True)
            shift = (m + xp.log(ssum)).squeeze(axis)
            ctx.e, ctx.ssum = e, ssum
        return _nll_forward(ctx, xp, x, t, w, ignore_index, reduction, axis, shift)

    @staticmethod
    def backward(ctx, grad):
        if not ctx.needs_input_grad[0]:
            return None
        axis, tt, scale = ctx.axis, ctx.tt, ctx.scale
        none = ctx.reduction == "none"
        if _grad_state.enabled:  # create_graph: stay in ember ops
            x = ctx.inputs[0]
            xd = x._data
            xp = array_module(xd)
            g = grad.unsqueeze(axis) if none else grad
            if isinstance(scale, float):
                s = g * scale
            else:
                s = g * _const(xp.expand_dims(scale, axis))
            oh = _const(_onehot(xp, tt, xd.shape, axis, xd.dtype))
            if ctx.fused:
                return (softmax(x, axis) - oh) * s
            # torch's gradient is a function of the input too (with zero second derivative)
            return x * 0.0 - oh * s
        g = grad._data
        xp = array_module(g)
        s = g * scale if none else g[()] * scale  # per-target (or one) multiplier
        # a per-target multiplier (reduction none, class weights, ignored targets) broadcasts
        # along the class axis; a single one is a scalar
        s_col = xp.expand_dims(s, axis) if getattr(s, "ndim", 0) else s
        shape = ctx.inputs[0]._data.shape
        if ctx.e is not None:
            gx = ctx.e * (s_col / ctx.ssum)  # softmax * multiplier, one full-size pass
        else:
            gx = xp.zeros(shape, g.dtype)
        if gx.size == 0:
            return _op._new_tensor(gx)
        if gx.ndim == 2:
            gx[_rows(gx.shape[0]) if xp is np else xp.arange(gx.shape[0]), tt] -= s
        else:
            gx -= _onehot(xp, tt, gx.shape, axis, gx.dtype) * s_col
        return _op._new_tensor(gx)


class NllLoss2d(NllLoss):
    """The spatial (N, C, d1, ...) form; its own class only for torch's node name."""

    node_name = "NllLoss2DBackward0"


# ---- the computing entry points (nn.functional checks the arguments first) ----------------------


def class_nll(input, t, w, ignore_index: int, reduction: str, axis: int, fused: bool):
    """NLL at int64 class indices t (log_softmax fused in when `fused`), weights w or None."""
    op = NllLoss2d if input._data.ndim >= 3 else NllLoss
    return op.apply(input, t, w, ignore_index, reduction, axis, fused)


def cross_entropy_2d(input, t, ignore_index: int, reduction: str):
    """cross_entropy of (N, C) float logits at int64 classes t, unweighted, mean or sum: the
    common case, computed without recording when no graph is needed."""
    x = input._data
    if not (input._requires_grad and _grad_state.enabled) and x.size and t.size \
            and x.__class__ is _ndarray:
        out = _cross_entropy_2d(_op._ForwardOnly(), x, t, ignore_index, reduction)
        if out is not None:
            return _op._new_tensor(np.asarray(out), False)
    return NllLoss.apply(input, t, None, ignore_index, reduction, 1, True)
