"""Loss functions of torch.nn.functional: the fused ones here, the composites in loss_extra.py
(re-exported below, so nn.functional's star import sees every loss).

cross_entropy / nll_loss (class indices) are one fused Op each (log-softmax + NLL in one forward;
backward (softmax - onehot) * scale in one pass); mse, smooth_l1, huber, soft_margin, BCE and
BCE-with-logits are elementwise ops reduced in forward. Every backward has an ember-op form, so
create_graph (second derivatives) works.
"""
from __future__ import annotations

import math
import warnings

import numpy as np

from ..backend import array_module
from . import _op
from . import loss_extra as _extra
from ._op import Op
from .activation import _log1p_small, logsigmoid
from .elementwise import check_broadcast, where
from .loss_extra import *  # the composite losses, re-exported for nn.functional
from .loss_extra import (
    _TYPE_NAMES,
    _check_tensor,
    _const,
    _reduce,
    _reduction,
    _tname,
)
from .softmax import log_softmax, softmax

__all__ = [
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "huber_loss",
    "l1_loss",
    "mse_loss",
    "nll_loss",
    "smooth_l1_loss",
    "soft_margin_loss",
]
__all__ += _extra.__all__

_grad_state = _op._grad_state
_INT64 = np.dtype(np.int64)
_UINT8 = np.dtype(np.uint8)
_UINT64 = np.dtype(np.uint64)
_F32 = np.dtype(np.float32)
_F64 = np.dtype(np.float64)


def _reduce_array(xp, loss, reduction: str):
    if reduction == "mean":
        return loss.mean() if loss.size else xp.asarray(math.nan, dtype=loss.dtype)
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
            return (wrap(_op.as_array(dx * g)) if need[0] else None,
                    wrap(_op.as_array(dy * g)) if need[1] else None)
        if ctx.reduction == "mean" and ctx.numel:
            grad = grad / ctx.numel
        dx, dy = ctx._op._grads(ctx, x, y)
        return (dx * grad if need[0] else None), (dy * grad if need[1] and dy is not None else None)


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
        ls = xp.minimum(x, 0) - _log1p_small(xp.exp(-xp.abs(x)))
        if pos_weight is None:
            loss = (1 - y) * x - ls
        else:
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
        sig = 1 / (1 + xp.exp(-x))
        dy = None
        if pw is None:
            dx = sig - y
            if need[1]:
                dy = -x
        else:
            dx = ((pw - 1) * y + 1) * sig - pw * y
            if need[1]:
                dy = -x - (pw - 1) * (xp.minimum(x, 0) - _log1p_small(xp.exp(-xp.abs(x))))
        if w is not None:
            dx = dx * w
            dy = None if dy is None else dy * w
        return dx, dy


def _pointwise(op, input, target, reduction, kernel, cast="promote", **kw):
    """Apply an elementwise loss after torch's dtype rule for it.

    cast: "promote" (result type of both), "input" (target cast to input's dtype) or "target"
    (BCE-with-logits computes in the target's dtype).
    """
    _check_tensor(input, kernel)
    _check_tensor(target, kernel)
    if input.shape != target.shape:
        check_broadcast(input.shape, target.shape)
    xd, yd = input._data.dtype, target._data.dtype
    if xd != yd or xd.kind != "f":
        from .. import _dtype as _dt

        if cast == "promote":
            d = _dt.result_type(input, target)
        elif cast in ("input", "huber"):
            d = input.dtype
        else:
            d = target.dtype
        if not input.dtype.is_floating_point and cast != "input":
            raise NotImplementedError(f'"{kernel}" not implemented for \'{_tname(input)}\'')
        if not d.is_floating_point:
            raise RuntimeError(f"result type Float can't be cast to the desired output type "
                               f"{_TYPE_NAMES.get(str(d).replace('torch.', ''), str(d))}")
        input, target = input.to(d), target.to(d)
    return op.apply(input, target, reduction, **kw)


def _weighted(loss, weight, input, reduction):
    """torch's weighted mse/l1/huber: 'mean' divides by the sum of the weights."""
    if weight.shape != input.shape:
        raise ValueError("Weights and input must have the same size.")
    loss = loss * weight
    if reduction == "mean":
        return loss.sum() / weight.sum()
    return _reduce(loss, reduction)


def _warn_size(input, target) -> None:
    if target.shape != input.shape:
        warnings.warn(
            f"Using a target size ({target.size()}) that is different to the input size "
            f"({input.size()}). This will likely lead to incorrect results due to broadcasting. "
            "Please ensure they have the same size.", stacklevel=3)


def mse_loss(input, target, size_average=None, reduce=None, reduction: str = "mean",
             weight=None):
    """Mean squared error (x - y)^2, fused: one forward pass, backward 2 (x - y) grad / n."""
    _warn_size(input, target)
    reduction = _reduction(size_average, reduce, reduction)
    if weight is not None:
        return _weighted((input - target) ** 2, weight, input, reduction)
    return _pointwise(MseLoss, input, target, reduction, "mse_cpu")


def l1_loss(input, target, size_average=None, reduce=None, reduction: str = "mean",
            weight=None):
    """Mean absolute error |x - y| (torch's composite: abs then mean)."""
    _warn_size(input, target)
    reduction = _reduction(size_average, reduce, reduction)
    if input.shape != target.shape:
        check_broadcast(input.shape, target.shape)
    loss = (input - target).abs()
    if weight is not None:
        return _weighted(loss, weight, input, reduction)
    return _reduce(loss, reduction)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction: str = "mean",
                   beta: float = 1.0):
    """0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta; beta = 0 is l1_loss."""
    _warn_size(input, target)
    reduction = _reduction(size_average, reduce, reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    if beta == 0.0:
        return l1_loss(input, target, reduction=reduction)
    return _pointwise(SmoothL1Loss, input, target, reduction, "smooth_l1_cpu",
                      beta=float(beta))


def huber_loss(input, target, reduction: str = "mean", delta: float = 1.0, weight=None):
    """0.5 d^2 where |d| < delta, else delta (|d| - 0.5 delta)."""
    _warn_size(input, target)
    reduction = _reduction(None, None, reduction)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    if weight is not None:  # torch: weighted 'mean' is a plain mean here, unlike mse/l1
        if weight.shape != input.shape:
            raise ValueError("Weights and input must have the same size.")
        loss = _pointwise(HuberLoss, input, target, "none", "huber_cpu", "huber",
                          delta=float(delta)) * weight
        return _reduce(loss, reduction)
    return _pointwise(HuberLoss, input, target, reduction, "huber_cpu", "huber",
                      delta=float(delta))


def soft_margin_loss(input, target, size_average=None, reduce=None, reduction: str = "mean"):
    """log(1 + exp(-y x)) for targets y in {1, -1}."""
    reduction = _reduction(size_average, reduce, reduction)
    return _pointwise(SoftMarginLoss, input, target, reduction, "soft_margin", "input")


def _broadcast_weight(weight, shape):
    if weight is None:
        return None
    return array_module(weight._data).broadcast_to(weight._data, shape)


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,
                         reduction: str = "mean"):
    """-w (y log x + (1 - y) log(1 - x)) for probabilities x in [0, 1]; logs clamped at -100."""
    reduction = _reduction(size_average, reduce, reduction)
    if target.shape != input.shape:
        raise ValueError(f"Using a target size ({target.size()}) that is different to the input "
                         f"size ({input.size()}) is deprecated. Please ensure they have the same "
                         "size.")
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f'"binary_cross_entropy" not implemented for '
                                  f"'{_tname(input)}'")
    if target.dtype is not input.dtype:
        raise RuntimeError(f"Found dtype {_tname(target)} but expected {_tname(input)}")
    x = input._data
    if x.size and bool(((x < 0) | (x > 1)).any()):
        raise RuntimeError("all elements of input should be between 0 and 1")
    w = _broadcast_weight(weight, target.shape)
    return _pointwise(BinaryCrossEntropy, input, target, reduction, "binary_cross_entropy",
                      weight=w)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,
                                     reduction: str = "mean", pos_weight=None):
    """BCE on logits in the stable form (1 - y) x - w_pos(y) logsigmoid(x); no sigmoid overflow."""
    reduction = _reduction(size_average, reduce, reduction)
    if target.shape != input.shape:
        raise ValueError(f"Target size ({target.size()}) must be the same as input size "
                         f"({input.size()})")
    w = None if weight is None else weight._data
    pw = None if pos_weight is None else pos_weight._data
    return _pointwise(BinaryCrossEntropyWithLogits, input, target, reduction, "log_sigmoid_cpu",
                      "target", weight=w, pos_weight=pw)


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
    z = x - _max_reduce(x, 1, keepdims=True)
    picked = z[_rows(n), t]
    e = np.exp(z, out=z)
    ssum = _add_reduce(e, 1)
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
        s_col = xp.expand_dims(s, axis) if none else s
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


def _check_class_args(input, target, weight):
    """torch's nll_loss_nd checks: dims, batch sizes, target dtype and shape, weight size."""
    _check_tensor(input, "nll_loss")
    _check_tensor(target, "nll_loss")
    xs, ts = input._data.shape, target._data.shape
    nd = len(xs)
    if nd < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {nd})")
    if nd != 1 and xs[0] != (ts[0] if ts else 0):
        raise ValueError(f"Expected input batch_size ({xs[0]}) to match target "
                         f"batch_size ({ts[0] if ts else 0}).")
    kind = target._data.dtype
    if kind != _INT64 and kind != _UINT8:
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got {_tname(target)}")
    if nd <= 2:
        if len(ts) > 1:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
        if nd == 1 and len(ts) == 1 and ts[0] != 1:
            raise ValueError(f"For 1D input, 1D target must have size 1, but got target size: "
                             f"{ts[0]}")
    elif ts != (xs[0],) + xs[2:]:
        raise RuntimeError(f"Expected target size {[xs[0], *xs[2:]]}, got {list(ts)}")
    if weight is not None:
        C = xs[0 if nd == 1 else 1]
        if weight.ndim != 1 or weight.shape[0] != C:
            raise RuntimeError(f"weight tensor should be defined either for all {C} classes or "
                               f"no classes but got weight tensor of shape: {list(weight.shape)}")


def _class_nll(input, target, weight, ignore_index, reduction, fused):
    _check_class_args(input, target, weight)
    x = input._data
    nd = x.ndim
    if x.dtype.kind != "f" and not input.dtype.is_floating_point:
        if fused:
            kernel = "log_softmax_lastdim_kernel_impl" if nd <= 2 else "log_softmax_kernel_impl"
        else:
            kernel = "nll_loss2d_forward_out_frame" if nd >= 3 else "nll_loss_out_frame"
        raise NotImplementedError(f'"{kernel}" not implemented for \'{_tname(input)}\'')
    axis = 0 if nd == 1 else 1
    t = target._data
    if nd == 1 and t.ndim == 1:
        t = t.reshape(())
    if t.dtype == _UINT8:
        t = t.astype(_INT64)
    w = None if weight is None else weight._data
    op = NllLoss2d if nd >= 3 else NllLoss
    return op.apply(input, t, w, int(ignore_index), reduction, axis, fused)


def nll_loss(input, target, weight=None, size_average=None, ignore_index: int = -100,
             reduce=None, reduction: str = "mean"):
    """Negative log-likelihood of log-probabilities `input` (N, C, ...) at class indices."""
    reduction = _reduction(size_average, reduce, reduction)
    return _class_nll(input, target, weight, ignore_index, reduction, False)


def cross_entropy(input, target, weight=None, size_average=None, ignore_index: int = -100,
                  reduce=None, reduction: str = "mean", label_smoothing: float = 0.0):
    """log_softmax + nll_loss over class dim 1 (0 when unbatched); targets are class indices or,
    when shaped like input, class probabilities."""
    if (reduction == "mean" or reduction == "sum") and weight is None \
            and label_smoothing == 0.0 and size_average is None and reduce is None \
            and isinstance(input, _op.Tensor) and isinstance(target, _op.Tensor):
        x, t = input._data, target._data  # the common case: (N, C) logits, int64 classes
        if x.ndim == 2 and t.ndim == 1 and t.dtype == _INT64 and x.shape[0] == t.shape[0] \
                and (x.dtype == _F32 or x.dtype == _F64):
            if input._requires_grad and _grad_state.enabled:
                return NllLoss.apply(input, t, None, int(ignore_index), reduction, 1, True)
            if x.size and t.size and x.__class__ is _ndarray:  # no graph: skip apply
                out = _cross_entropy_2d(_op._ForwardOnly(), x, t, int(ignore_index), reduction)
                if out is not None:
                    return _op._new_tensor(np.asarray(out), False)
            return NllLoss.apply(input, t, None, int(ignore_index), reduction, 1, True)
    reduction = _reduction(size_average, reduce, reduction)
    if label_smoothing > 1.0:  # torch accepts negative values
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    _check_tensor(input, "cross_entropy")
    _check_tensor(target, "cross_entropy")
    if input.shape == target.shape and input.ndim > 0:
        return _soft_cross_entropy(input, target, weight, ignore_index, reduction,
                                   label_smoothing)
    if label_smoothing != 0.0:
        return _smoothed_cross_entropy(input, target, weight, ignore_index, reduction,
                                       label_smoothing)
    return _class_nll(input, target, weight, ignore_index, reduction, True)


def _soft_cross_entropy(input, target, weight, ignore_index, reduction, label_smoothing):
    """Cross entropy with class probabilities: -(w * log_softmax(x) * y) summed over classes."""
    if not target.dtype.is_floating_point:
        raise RuntimeError(f"Expected floating point type for target with class probabilities, "
                           f"got {_tname(target)}")
    if ignore_index != -100:
        raise RuntimeError("ignore_index is not supported for floating point target")
    axis = 0 if input.ndim == 1 else 1
    C = input.shape[axis]
    if weight is not None and (weight.ndim != 1 or weight.shape[0] != C):
        raise RuntimeError(f"weight tensor should be defined either for all {C} classes or no "
                           f"classes but got weight tensor of shape: {list(weight.shape)}")
    lp = log_softmax(input, axis)
    if label_smoothing != 0.0:
        target = target * (1 - label_smoothing) + label_smoothing / C
    if weight is not None:
        lp = lp * weight.reshape([C] + [1] * (input.ndim - axis - 1))
    prod = lp * target
    if reduction == "mean":
        if input.numel() == 0:
            return -prod.sum() * math.nan
        return -prod.sum() / (input.numel() / C)
    if reduction == "sum":
        return -prod.sum()
    return -prod.sum(axis)


def _smoothed_cross_entropy(input, target, weight, ignore_index, reduction, label_smoothing):
    """torch's label smoothing: (1 - eps) nll + eps / C * (-sum_c w_c log p_c), ignored -> 0."""
    axis = 0 if input.ndim == 1 else 1
    C = input.shape[axis] if input.ndim else 0
    lp = log_softmax(input, axis)
    nll = _class_nll(lp, target, weight, ignore_index, reduction, False)
    ignore = target == ignore_index
    if weight is not None:
        smooth = -(lp * weight.reshape([C] + [1] * (input.ndim - axis - 1))).sum(axis)
    else:
        smooth = -lp.sum(axis)
    smooth = where(ignore, 0.0, smooth)
    if reduction == "mean":
        keep = ~ignore
        if weight is not None:
            t = target._data[keep._data]
            smooth = smooth.sum() / weight[_const(t)].sum()
        else:
            smooth = smooth.sum() / keep.sum()
    elif reduction == "sum":
        smooth = smooth.sum()
    return (1 - label_smoothing) * nll + smooth * (label_smoothing / C)
