"""Normalization ops: batch, layer, group, instance and RMS norm, normalize, local response norm.

Batch, layer and group norm are one fused node each (PyTorch's Native*NormBackward0): forward on
arrays, backward in closed form written in ember ops (`_affine_norm_backward`), so double backward
works. The rest are compositions of ember ops, as PyTorch composes them.
"""
from __future__ import annotations

import math

import numpy as np

from . import _op
from ._op import Op

__all__ = ["batch_norm", "group_norm", "instance_norm", "layer_norm", "local_response_norm",
           "normalize", "rms_norm"]

_CAP = {"float16": "Half", "bfloat16": "BFloat16", "float32": "Float", "float64": "Double",
        "int8": "Char", "uint8": "Byte", "int16": "Short", "int32": "Int", "int64": "Long",
        "bool": "Bool", "complex64": "ComplexFloat", "complex128": "ComplexDouble"}


def _xp(x):
    from ..backend import array_module

    return array_module(x)


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
    invstd = 1.0 / _xp(x).sqrt(var + eps)
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


class _BatchNormTrain(_AffineNorm):
    node_name = "NativeBatchNormBackward0"


class _LayerNorm(_AffineNorm):
    node_name = "NativeLayerNormBackward0"


class _GroupNorm(_AffineNorm):
    node_name = "NativeGroupNormBackward0"


class _BatchNormEval(Op):
    """y = (x - running_mean) / sqrt(running_var + eps) * w + b: affine in x."""

    node_name = "NativeBatchNormBackward0"
    save_inputs = (0, 1)
    differentiable_args = (0, 1, 2)

    @staticmethod
    def forward(ctx, x, w, b, rm, rv, view, eps):
        xp = _xp(x)
        dtype = x.dtype
        x, w, b, rm, rv = _up(x), _up(w), _up(b), _up(rm), _up(rv)
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


# ---- argument checks -------------------------------------------------------------------------


def _check_float(name, t, kernel):
    if not t.dtype.is_floating_point:
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{_CAP[t.dtype.name]}'")


def _check_same_dtype(x, *params):
    for p in params:
        if p is not None and p.dtype is not x.dtype:
            raise RuntimeError("mixed dtype (CPU): expect parameter to have scalar type of "
                               f"{_CAP[x.dtype.name]}")


def _verify_batch_size(shape) -> None:
    n = math.prod(shape[:1]) * math.prod(shape[2:])
    if n == 1:
        raise ValueError(f"Expected more than 1 value per channel when training, got input size "
                         f"torch.Size({list(shape)})")


# ---- batch norm ------------------------------------------------------------------------------


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,
               momentum=0.1, eps=1e-5):
    """Normalise each channel (dim 1) by batch statistics (training) or running ones (eval).

    In training the running stats, when given, move by `momentum` towards the batch mean and the
    unbiased batch variance, in place.
    """
    if training:
        _verify_batch_size(tuple(input.shape))
    if not isinstance(momentum, (int, float)) or isinstance(momentum, bool):
        raise TypeError(f"batch_norm(): argument 'momentum' (position 7) must be float, not "
                        f"{type(momentum).__name__}")
    _check_float("batch_norm", input, "batch_norm")
    x = input._data
    c = x.shape[1] if x.ndim > 1 else 0
    for name, t in (("running_mean", running_mean), ("running_var", running_var),
                    ("weight", weight), ("bias", bias)):
        if t is not None and t._data.size != c:
            raise RuntimeError(f"{name} should contain {c} elements not {t._data.size}")
    _check_same_dtype(input, running_mean, running_var, weight, bias)
    view = (1, c) + (1,) * (x.ndim - 2)
    if not training:
        if running_mean is None or running_var is None:
            raise RuntimeError(f"running_{'mean' if running_mean is None else 'var'} must be "
                               "defined in evaluation mode")
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


# ---- layer, group, instance, rms norm --------------------------------------------------------


def _shape_arg(fn, normalized_shape):
    if isinstance(normalized_shape, int) and not isinstance(normalized_shape, bool):
        raise TypeError(f"{fn}(): argument 'normalized_shape' (position 2) must be tuple of ints, "
                        f"not int")
    return tuple(int(n) for n in normalized_shape)


def _check_normalized(input, shape, star="*, "):
    k = len(shape)
    if input.dim() < k or tuple(input.shape[input.dim() - k:]) != shape:
        raise RuntimeError(f"Given normalized_shape={list(shape)}, expected input with shape "
                           f"[{star}{', '.join(map(str, shape))}], but got input of size"
                           f"{list(input.shape)}")


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """Normalise over the trailing `normalized_shape` dims, then elementwise affine."""
    shape = _shape_arg("layer_norm", normalized_shape)
    if not shape:
        raise RuntimeError("Expected normalized_shape to be at least 1-dimensional, i.e., "
                           "containing at least one element, but got normalized_shape = []")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and tuple(t.shape) != shape:
            raise RuntimeError(f"Expected {name} to be of same shape as normalized_shape, but got "
                               f"{name} of shape {list(t.shape)} and normalized_shape = "
                               f"{list(shape)}")
    _check_normalized(input, shape)
    _check_float("layer_norm", input, "LayerNormKernelImpl")
    _check_same_dtype(input, weight, bias)
    nd = input.dim()
    k = len(shape)
    axes = tuple(range(nd - k, nd))
    view = (1,) * (nd - k) + shape
    return _LayerNorm.apply(input, weight, bias, stat_shape=None, axes=axes, w_view=view,
                            aff_axes=tuple(range(nd - k)), eps=eps)


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    """Normalise each of `num_groups` channel groups per sample, then per-channel affine."""
    if input.dim() < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received "
                           f"{input.dim()}")
    shape = tuple(input.shape)
    n, c = shape[:2]
    g = num_groups
    _verify_batch_size([n * c // g, g] + list(shape[2:]) if g else shape)
    if g <= 0 or c % g:
        raise RuntimeError(f"Expected number of channels in input to be divisible by num_groups, "
                           f"but got input of shape {list(shape)} and num_groups={g}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and (t.dim() != 1 or t.numel() != c):
            raise RuntimeError(f"Expected {name} to be a vector of size equal to the number of "
                               f"channels in input, but got {name} of shape {list(t.shape)} and "
                               f"input of shape {list(shape)}")
    _check_float("group_norm", input, "GroupNormKernelImpl")
    _check_same_dtype(input, weight, bias)
    view = (1, c) + (1,) * (len(shape) - 2)
    aff = (0,) + tuple(range(2, len(shape)))
    return _GroupNorm.apply(input, weight, bias, stat_shape=(n, g, c // g * math.prod(shape[2:])),
                            axes=(2,), w_view=view, aff_axes=aff, eps=eps)


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None,
                  use_input_stats=True, momentum=0.1, eps=1e-5):
    """Batch norm of each (sample, channel) plane: x viewed as (1, N*C, *) (PyTorch's trick)."""
    shape = tuple(input.shape)
    if use_input_stats and math.prod(shape[2:]) == 1:
        raise ValueError(f"Expected more than 1 spatial element when training, got input size "
                         f"torch.Size({list(shape)})")
    n, c = shape[:2]
    rep = (lambda t: None if t is None else t.repeat(n))
    rm, rv = rep(running_mean), rep(running_var)
    x = input.reshape((1, n * c) + shape[2:])
    y = batch_norm(x, rm, rv, rep(weight), rep(bias), use_input_stats, momentum, eps)
    if use_input_stats and running_mean is not None:
        running_mean._data[...] = rm._data.reshape(n, c).mean(axis=0)
        running_mean._vbox[0] += 1
    if use_input_stats and running_var is not None:
        running_var._data[...] = rv._data.reshape(n, c).mean(axis=0)
        running_var._vbox[0] += 1
    return y.view(shape)


def rms_norm(input, normalized_shape, weight=None, eps=None):
    """x / sqrt(mean(x^2 over the normalised dims) + eps) * weight; eps defaults to finfo.eps."""
    shape = _shape_arg("rms_norm", normalized_shape)
    _check_normalized(input, shape, star="*")
    if eps is None:
        eps = _EPS.get(input.dtype.name, _EPS["float32"])
    dims = tuple(range(-len(shape), 0))
    y = input * (input.pow(2).mean(dims, keepdim=True) + eps).rsqrt()
    return y if weight is None else y * weight


_EPS = {"float16": 2.0 ** -10, "bfloat16": 2.0 ** -7, "float32": 2.0 ** -23, "float64": 2.0 ** -52}


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    """input / max(||input||_p over dim, eps)."""
    denom = input.norm(p, dim, keepdim=True).clamp_min(eps).expand_as(input)
    if out is None:
        return input / denom
    from .elementwise import div

    return div(input, denom, out=out)


def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):
    """Divide each channel by (k + alpha * mean of squares over `size` neighbouring channels)^beta."""
    from .shape import cat

    dim = input.dim()
    if dim < 3:
        raise ValueError(f"Expected 3D or higher dimensionality input (got {dim} dimensions)")
    if input.numel() == 0:
        return input
    div = (input * input).unsqueeze(1)
    front, back = size // 2, (size - 1) // 2
    c = input.shape[1]
    pad_shape = list(div.shape)

    def _zeros(m):
        pad_shape[2] = m
        return _op._new_tensor(_xp(input._data).zeros(tuple(pad_shape), input._data.dtype), False)

    div = cat([_zeros(front), div, _zeros(back)], 2)
    acc = div[:, :, 0:c]
    for i in range(1, size):
        acc = acc + div[:, :, i:i + c]
    div = (acc / size).squeeze(1)
    div = (div * alpha + k).pow(beta)
    return input / div

