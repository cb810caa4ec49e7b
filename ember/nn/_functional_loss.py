"""nn.functional's fused losses (mse, l1, smooth_l1, huber, soft_margin, BCE, BCE with logits,
nll, cross_entropy): torch's argument checks and dtype rules here, then one op of
ember.ops.loss; label smoothing and class-probability targets are composed from ember ops."""
from __future__ import annotations

import math
import warnings

import numpy as np

from .. import _dtype as _dt
from .._tensor import Tensor
from ..backend import array_module
from ..ops import loss as _ops
from ..ops._common import check_broadcast
from ..ops.elementwise import where
from ..ops.softmax import log_softmax
from ._functional_loss_extra import (
    _TYPE_NAMES,
    _check_tensor,
    _const,
    _reduce,
    _reduction,
    _tname,
)

__all__ = ["binary_cross_entropy", "binary_cross_entropy_with_logits", "cross_entropy",
           "huber_loss", "l1_loss", "mse_loss", "nll_loss", "smooth_l1_loss", "soft_margin_loss"]

_INT64 = np.dtype(np.int64)
_UINT8 = np.dtype(np.uint8)
_F32 = np.dtype(np.float32)
_F64 = np.dtype(np.float64)


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


def mse_loss(input: Tensor, target: Tensor, size_average: bool | None = None,
             reduce: bool | None = None, reduction: str = "mean", weight: Tensor | None = None
             ) -> Tensor:
    """Mean squared error (x - y)^2, fused: one forward pass, backward 2 (x - y) grad / n."""
    _warn_size(input, target)
    reduction = _reduction(size_average, reduce, reduction)
    if weight is not None:
        return _weighted((input - target) ** 2, weight, input, reduction)
    return _pointwise(_ops.MseLoss, input, target, reduction, "mse_cpu")


def l1_loss(input: Tensor, target: Tensor, size_average: bool | None = None,
            reduce: bool | None = None, reduction: str = "mean", weight: Tensor | None = None
            ) -> Tensor:
    """Mean absolute error |x - y| (torch's composite: abs then mean)."""
    _warn_size(input, target)
    reduction = _reduction(size_average, reduce, reduction)
    if input.shape != target.shape:
        check_broadcast(input.shape, target.shape)
    loss = (input - target).abs()
    if weight is not None:
        return _weighted(loss, weight, input, reduction)
    return _reduce(loss, reduction)


def smooth_l1_loss(input: Tensor, target: Tensor, size_average: bool | None = None,
                   reduce: bool | None = None, reduction: str = "mean", beta: float = 1.0
                   ) -> Tensor:
    """0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta; beta = 0 is l1_loss."""
    _warn_size(input, target)
    reduction = _reduction(size_average, reduce, reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    if beta == 0.0:
        return l1_loss(input, target, reduction=reduction)
    return _pointwise(_ops.SmoothL1Loss, input, target, reduction, "smooth_l1_cpu",
                      beta=float(beta))


def huber_loss(input: Tensor, target: Tensor, reduction: str = "mean", delta: float = 1.0,
               weight: Tensor | None = None) -> Tensor:
    """0.5 d^2 where |d| < delta, else delta (|d| - 0.5 delta)."""
    _warn_size(input, target)
    reduction = _reduction(None, None, reduction)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    if weight is not None:  # torch: weighted 'mean' is a plain mean here, unlike mse/l1
        if weight.shape != input.shape:
            raise ValueError("Weights and input must have the same size.")
        loss = _pointwise(_ops.HuberLoss, input, target, "none", "huber_cpu", "huber",
                          delta=float(delta)) * weight
        return _reduce(loss, reduction)
    return _pointwise(_ops.HuberLoss, input, target, reduction, "huber_cpu", "huber",
                      delta=float(delta))


def soft_margin_loss(input: Tensor, target: Tensor, size_average: bool | None = None,
                     reduce: bool | None = None, reduction: str = "mean") -> Tensor:
    """log(1 + exp(-y x)) for targets y in {1, -1}."""
    reduction = _reduction(size_average, reduce, reduction)
    return _pointwise(_ops.SoftMarginLoss, input, target, reduction, "soft_margin", "input")


def _broadcast_weight(weight, shape):
    if weight is None:
        return None
    return array_module(weight._data).broadcast_to(weight._data, shape)


def binary_cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None,
                         size_average: bool | None = None, reduce: bool | None = None,
                         reduction: str = "mean") -> Tensor:
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
    return _pointwise(_ops.BinaryCrossEntropy, input, target, reduction, "binary_cross_entropy",
                      weight=w)


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor, weight: Tensor | None = None,
                                     size_average: bool | None = None, reduce: bool | None = None,
                                     reduction: str = "mean", pos_weight: Tensor | None = None
                                     ) -> Tensor:
    """BCE on logits in the stable form (1 - y) x - w_pos(y) logsigmoid(x); no sigmoid overflow."""
    reduction = _reduction(size_average, reduce, reduction)
    if target.shape != input.shape:
        raise ValueError(f"Target size ({target.size()}) must be the same as input size "
                         f"({input.size()})")
    w = None if weight is None else weight._data
    pw = None if pos_weight is None else pos_weight._data
    return _pointwise(_ops.BinaryCrossEntropyWithLogits, input, target, reduction,
                      "log_sigmoid_cpu", "target", weight=w, pos_weight=pw)


# ---- class-index losses: nll_loss and cross_entropy ----------------------------------------------


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
    return _ops.class_nll(input, t, w, int(ignore_index), reduction, axis, fused)


def nll_loss(input: Tensor, target: Tensor, weight: Tensor | None = None,
             size_average: bool | None = None, ignore_index: int = -100,
             reduce: bool | None = None, reduction: str = "mean") -> Tensor:
    """Negative log-likelihood of log-probabilities `input` (N, C, ...) at class indices."""
    reduction = _reduction(size_average, reduce, reduction)
    return _class_nll(input, target, weight, ignore_index, reduction, False)


def cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None,
                  size_average: bool | None = None, ignore_index: int = -100,
                  reduce: bool | None = None, reduction: str = "mean", label_smoothing: float = 0.0
                  ) -> Tensor:
    """log_softmax + nll_loss over class dim 1 (0 when unbatched); targets are class indices or,
    when shaped like input, class probabilities."""
    if (reduction == "mean" or reduction == "sum") and weight is None \
            and label_smoothing == 0.0 and size_average is None and reduce is None \
            and isinstance(input, Tensor) and isinstance(target, Tensor):
        x, t = input._data, target._data  # the common case: (N, C) logits, int64 classes
        if x.ndim == 2 and t.ndim == 1 and t.dtype == _INT64 and x.shape[0] == t.shape[0] \
                and (x.dtype == _F32 or x.dtype == _F64):
            return _ops.cross_entropy_2d(input, t, int(ignore_index), reduction)
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
