"""Normalization ops: batch, layer and group norm, one fused node each (PyTorch's
Native*NormBackward0): forward on arrays, backward in closed form written in ember ops
(`_affine_norm_backward`), so double backward works. nn.functional checks their arguments and
composes instance, RMS and local response norm and normalize from ember ops, as PyTorch does.
"""
from __future__ import annotations

import math

import numpy as np

from ..backend import array_module
from . import _norm_kernels as _nk
from . import _op
from ._op import Op

__all__ = ["batch_norm", "group_norm", "layer_norm"]


def _up(a):
    """Half-precision arrays are normalised in float32 (PyTorch's accumulate type), else as is."""
    if a is not None and a.dtype.itemsize == 2 and a.dtype.kind in "fV":
        return a.astype(np.float32)
    return a


# ---- the shared closed form ------------------------------------------------------------------


def _stats(x, axes, eps):
    """x - mean and 1/sqrt(biased var + eps) of array `x` over `axes` (kept as size-1 dims)."""
    mean = x.mean(axis=axes, keepdims=True)
    xc = x - mean
    var = (xc * xc).mean(axis=axes, keepdims=True)
    invstd = 1.0 / array_module(x).sqrt(var + eps)
    return mean, xc, var, invstd


def _affine_norm_backward_arrays(ctx, grad, x, w):
    """The closed form on arrays: the first-order fast path (no graph is being built)."""
    stat_shape, axes, w_view, aff_axes, _ = ctx.args
    need = ctx.needs_input_grad
    g = _up(grad._data)
    xs = _up(x._data)
    xs = xs if stat_shape is None else xs.reshape(stat_shape)
    xhat = xs - ctx.mean
    xhat *= ctx.invstd
    if stat_shape is not None:
        xhat = xhat.reshape(g.shape)
    gx = gw = gb = None
    gxhat = g * xhat
    if len(need) > 1 and need[1]:
        gw = _op._new_tensor(gxhat.sum(axis=aff_axes).reshape(w._data.shape), False)
    if len(need) > 2 and need[2]:
        gb = _op._new_tensor(g.sum(axis=aff_axes) if aff_axes else g.copy(), False)
    if need[0]:
        gh = g if w is None else g * w._data.reshape(w_view)
        if w is not None:
            gxhat *= w._data.reshape(w_view)
        if stat_shape is not None:
            gh, gxhat, xhat = (a.reshape(stat_shape) for a in (gh, gxhat, xhat))
        xhat *= gxhat.mean(axis=axes, keepdims=True)
        r = gh - gh.mean(axis=axes, keepdims=True)
        r -= xhat
        r *= ctx.invstd
        gx = _op._new_tensor(r.reshape(x._data.shape).astype(g.dtype, copy=False), False)
    return gx, gw, gb


def _affine_norm_backward(ctx, grad, x, w, stat_shape, axes, w_view, aff_axes, eps):
    """Gradients of y = xhat * w + b, xhat = x normalised over `axes` of x.reshape(stat_shape).

    Written in ember ops (stats recomputed from x) so the result is differentiable again.
    """
    need = ctx.needs_input_grad
    xs = x if stat_shape is None else x.reshape(stat_shape)
    mean = xs.mean(axes, keepdim=True)
    xc = xs - mean
    invstd = ((xc * xc).mean(axes, keepdim=True) + eps).rsqrt()
    xhat_s = xc * invstd
    xhat = xhat_s if stat_shape is None else xhat_s.reshape(x.shape)
    gx = gw = gb = None
    if need[0]:
        gh = grad if w is None else grad * w.reshape(w_view)
        if stat_shape is not None:
            gh = gh.reshape(stat_shape)
        gx = invstd * (gh - gh.mean(axes, keepdim=True)
                       - xhat_s * (gh * xhat_s).mean(axes, keepdim=True))
        if stat_shape is not None:
            gx = gx.reshape(x.shape)
    if len(need) > 1 and need[1]:
        gw = grad * xhat
        gw = (gw.sum(aff_axes) if aff_axes else gw).reshape(w.shape)
    if len(need) > 2 and need[2]:
        gb = grad.sum(aff_axes) if aff_axes else grad
    return gx, gw, gb


class _AffineNorm(Op):
    """Normalise x over `axes` of x.reshape(stat_shape), then scale by w and shift by b.

    `w_view` is the shape w and b broadcast as against x; `aff_axes` the dims of x that w and b
    do not span. Batch norm (training), layer norm and group norm are this op with other views.
    """

    save_inputs = (0, 1)
    differentiable_args = (0, 1, 2)

    @staticmethod
    def forward(ctx, x, w, b, stat_shape, axes, w_view, aff_axes, eps, stats_out=None):
        dtype = x.dtype
        x, w, b = _up(x), _up(w), _up(b)
        xs = x if stat_shape is None else x.reshape(stat_shape)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean, xc, var, invstd = _stats(xs, axes, eps)
        y = xc
        y *= invstd
        if stat_shape is not None:
            y = y.reshape(x.shape)
        if w is not None:
            y *= w.reshape(w_view)
        if b is not None:
            y += b.reshape(w_view)
        ctx.args = (stat_shape, axes, w_view, aff_axes, eps)
        ctx.mean = mean
        ctx.invstd = invstd
        if stats_out is not None:
            stats_out.append((mean, var))
        return y.astype(dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        x, w = ctx.inputs
        if not _op._grad_state.enabled:
            with np.errstate(invalid="ignore", divide="ignore"):  # empty batches: 0/0
                return _affine_norm_backward_arrays(ctx, grad, x, w)
        return _affine_norm_backward(ctx, grad, x, w, *ctx.args)


def _keep_stats(ctx, args, mean, invstd) -> None:
    """What a kernels' backward reads (the general backward recomputes from args)."""
    ctx.fast = True
    ctx.args = args
    ctx.mean, ctx.invstd = mean, invstd


class _BatchNormTrain(_AffineNorm):
    """Batch norm by batch statistics: _norm_kernels' passes for float arrays, else the general
    closed form."""

    node_name = "NativeBatchNormBackward0"

    @staticmethod
    def forward(ctx, x, w, b, stat_shape, axes, w_view, aff_axes, eps, stats_out=None):
        xs = _up(x)
        if not _nk.fits(xs) or x.ndim < 2:
            ctx.fast = False
            return _AffineNorm.forward(ctx, x, w, b, stat_shape, axes, w_view, aff_axes, eps,
                                       stats_out)
        y, mean, var, invstd = _nk.batch_norm_train(xs, _up(w), _up(b), eps)
        _keep_stats(ctx, (stat_shape, axes, w_view, aff_axes, eps), mean, invstd)
        if stats_out is not None:
            stats_out.append((mean, var))
        return y.astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        if not ctx.fast or _op._grad_state.enabled:
            return _AffineNorm.backward(ctx, grad)
        x, w = ctx.inputs
        g = _up(grad._data)
        gx, gw, gb = _nk.batch_norm_train_backward(g, _up(x._data), None if w is None else
                                                   _up(w._data), ctx.mean, ctx.invstd,
                                                   ctx.needs_input_grad)
        if gx is not None:
            gx = gx.astype(grad._data.dtype, copy=False)
        return tuple(None if a is None else _op._new_tensor(a, False) for a in (gx, gw, gb))


class _LayerNorm(_AffineNorm):
    """Layer norm: _norm_kernels' row passes for float arrays, else the general closed form."""

    node_name = "NativeLayerNormBackward0"

    @staticmethod
    def forward(ctx, x, w, b, stat_shape, axes, w_view, aff_axes, eps, stats_out=None):
        xs = _up(x)
        k = math.prod(x.shape[x.ndim - len(axes):])
        if not _nk.fits(xs) or k == 0:
            ctx.fast = False
            return _AffineNorm.forward(ctx, x, w, b, stat_shape, axes, w_view, aff_axes, eps)
        w, b = (None if a is None else _up(a).reshape(-1) for a in (w, b))
        y, mean, rstd = _nk.layer_norm_rows(xs.reshape(-1, k), w, b, eps, x.shape)
        _keep_stats(ctx, (stat_shape, axes, w_view, aff_axes, eps), mean, rstd)
        return y.astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        if not ctx.fast or _op._grad_state.enabled:
            return _AffineNorm.backward(ctx, grad)
        x, w = ctx.inputs
        shape = x._data.shape
        k = x._data.size // ctx.mean.size
        wd = None if w is None else _up(w._data).reshape(-1)
        grads = _nk.layer_norm_rows_backward(_up(grad._data).reshape(-1, k),
                                             _up(x._data).reshape(-1, k), wd, ctx.mean,
                                             ctx.invstd, ctx.needs_input_grad, shape)
        gx, gw, gb = grads
        if gx is not None:
            gx = _op._new_tensor(gx.astype(grad._data.dtype, copy=False), False)
        tail = shape[len(shape) - len(ctx.args[1]):]
        return (gx,) + tuple(None if a is None else _op._new_tensor(a.reshape(tail), False)
                             for a in (gw, gb))


class _GroupNorm(_AffineNorm):
    node_name = "NativeGroupNormBackward0"


class _BatchNormEval(Op):
    """y = (x - running_mean) / sqrt(running_var + eps) * w + b: affine in x."""

    node_name = "NativeBatchNormBackward0"
    save_inputs = (0, 1)
    differentiable_args = (0, 1, 2)

    @staticmethod
    def forward(ctx, x, w, b, rm, rv, view, eps):
        xp = array_module(x)
        dtype = x.dtype
        x, w, b, rm, rv = _up(x), _up(w), _up(b), _up(rm), _up(rv)
        if _nk.fits(x) and x.ndim > 1:
            y, scale = _nk.batch_norm_eval(x, w, b, rm, rv, eps)
            ctx.args = (rm, scale.astype(dtype).reshape(view), view)
            return y.astype(dtype, copy=False)
        scale = 1.0 / xp.sqrt(rv.astype(x.dtype, copy=False) + eps)
        y = (x - rm.reshape(view)) * scale.reshape(view)
        if w is not None:
            y *= w.reshape(view)
        if b is not None:
            y += b.reshape(view)
        ctx.args = (rm, scale.astype(dtype), view)
        return y.astype(dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        x, w = ctx.inputs
        rm, scale, view = ctx.args
        need = ctx.needs_input_grad
        axes = tuple(i for i in range(x.dim()) if i != 1)
        s = _const(scale.reshape(view))
        gx = gw = gb = None
        if need[0]:
            gx = grad * s if w is None else grad * (w.reshape(view) * s)
        if need[1]:
            xhat = (x - _const(rm.reshape(view).astype(x._data.dtype))) * s
            gw = (grad * xhat).sum(axes)
        if need[2]:
            gb = grad.sum(axes)
        return gx, gw, gb


def _const(a):
    return _op._new_tensor(a, False)


# ---- the computing entry points (nn.functional checks the arguments first) ----------------------


def batch_norm(input, running_mean, running_var, weight, bias, training: bool, momentum: float,
               eps: float):
    """Per-channel (dim 1) normalisation by batch statistics, moving the running ones in place
    (training), or by the running statistics (eval)."""
    x = input._data
    c = x.shape[1] if x.ndim > 1 else 0
    view = (1, c) + (1,) * (x.ndim - 2)
    if not training:
        return _BatchNormEval.apply(input, weight, bias, rm=running_mean._data,
                                    rv=running_var._data, view=view, eps=eps)
    axes = (0,) + tuple(range(2, x.ndim))
    stats = [] if running_mean is not None or running_var is not None else None
    y = _BatchNormTrain.apply(input, weight, bias, stat_shape=None, axes=axes, w_view=view,
                              aff_axes=axes, eps=eps, stats_out=stats)
    if stats and x.size:  # an empty batch leaves the running stats alone, as in PyTorch
        _update_running(x, *stats[0], running_mean, running_var, momentum)
    return y


def _update_running(x, mean, var, running_mean, running_var, momentum) -> None:
    """running = (1 - momentum) * running + momentum * batch stat (unbiased var), in place."""
    n = x.size // max(x.shape[1], 1)
    mean, var = mean.reshape(-1), var.reshape(-1)
    if running_mean is not None:
        rm = running_mean._data
        rm *= 1 - momentum
        rm += (momentum * mean).astype(rm.dtype, copy=False)
        running_mean._vbox[0] += 1
    if running_var is not None:
        rv = running_var._data
        with np.errstate(divide="ignore", invalid="ignore"):
            var = var * (n / (n - 1)) if n > 1 else var * np.nan
        rv *= 1 - momentum
        rv += (momentum * var).astype(rv.dtype, copy=False)
        running_var._vbox[0] += 1


def layer_norm(input, shape: tuple, weight, bias, eps: float):
    """Normalisation over the trailing dims `shape`, then elementwise affine."""
    nd = input.dim()
    k = len(shape)
    axes = tuple(range(nd - k, nd))
    view = (1,) * (nd - k) + shape
    return _LayerNorm.apply(input, weight, bias, stat_shape=None, axes=axes, w_view=view,
                            aff_axes=tuple(range(nd - k)), eps=eps)


def group_norm(input, num_groups: int, weight, bias, eps: float):
    """Normalisation of each of num_groups channel groups per sample, then per-channel affine."""
    shape = tuple(input.shape)
    n, c = shape[:2]
    g = num_groups
    view = (1, c) + (1,) * (len(shape) - 2)
    aff = (0,) + tuple(range(2, len(shape)))
    return _GroupNorm.apply(input, weight, bias, stat_shape=(n, g, c // g * math.prod(shape[2:])),
                            axes=(2,), w_view=view, aff_axes=aff, eps=eps)


class CrossMapLrn2d(Op):
    """The legacy (Lua torch) cross-channel LRN of (N, C, H, W) input, as torch keeps it: the
    running channel window of its forward never drops channel 0, and its backward is the legacy
    symmetric-window formula, not the exact derivative of that forward."""

    node_name = "CrossMapLRN2dBackward"
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, x, size, alpha, beta, k):
        channels = x.shape[1]
        sq = x * x
        pre_pad = int((size - 1) / 2 + 1)
        scale = np.empty_like(x)
        scale[:, 0] = sq[:, :min(pre_pad, channels)].sum(axis=1)
        for c in range(1, channels):
            scale[:, c] = scale[:, c - 1]
            if c < channels - pre_pad + 1:
                scale[:, c] += sq[:, c + pre_pad - 1]
            if c > pre_pad:
                scale[:, c] -= sq[:, c - pre_pad]
        scale *= alpha / size
        scale += k
        out = np.power(scale, -beta) * x
        ctx.scale, ctx.out, ctx.meta = scale, out, (size, alpha, beta)
        return out

    @staticmethod
    def backward(ctx, grad):
        size, alpha, beta = ctx.meta
        x = ctx.inputs[0]._data
        g = grad._data
        scale, out = ctx.scale, ctx.out
        n, channels = x.shape[:2]
        grad_in = np.power(scale, -beta) * g
        inverse_pre_pad = int(size - (size - 1) / 2)
        padded = np.zeros((n, channels + size - 1) + x.shape[2:], dtype=x.dtype)
        padded[:, inverse_pre_pad:inverse_pre_pad + channels] = g * out / scale
        accum = padded[:, :size - 1].sum(axis=1)
        ratio = 2 * alpha * beta / size
        for c in range(channels):
            accum += padded[:, c + size - 1]
            grad_in[:, c] -= ratio * x[:, c] * accum
            accum -= padded[:, c]
        return _op._new_tensor(grad_in), None, None, None, None


def cross_map_lrn2d(input, size: int, alpha: float, beta: float, k: float):
    """nn.CrossMapLRN2d's computation (4-d input only, as torch's)."""
    if input.dim() != 4:
        raise ValueError(f"CrossMapLRN2d: Expected input to be 4D, got {input.dim()}D instead.")
    return CrossMapLrn2d.apply(input, size, alpha, beta, k)
