"""Activation ops (torch.nn.functional's activation family): forward on arrays, backward in
ember ops.

Each Op's backward has a raw-array path used when no graph is being built (plain backward) and an
ember-op path for create_graph, so second derivatives work. relu, sigmoid and tanh are
ember.ops.unary's ops, reused here; softmax is in softmax.py, gelu in gelu.py.
"""
from __future__ import annotations

import numpy as np

from .. import _dtype as _dt
from .._mt19937 import default_generator
from .._sampling import uniform53
from ..backend import array_module
from . import _op
from ._common import keep_or_zero
from ._op import Op
from ._output import _cap, check_inplace, commit_inplace
from ._util import wrap_dim
from .elementwise import where
from .shape import cat
from .unary import Relu, _sigmoid_array, exp, relu_, sigmoid, tanh
from .unary import relu as _unary_relu

__all__ = [
    "celu", "celu_", "elu", "elu_", "glu", "hardshrink", "hardsigmoid", "hardswish",
    "hardtanh", "hardtanh_", "leaky_relu", "leaky_relu_", "logsigmoid", "mish", "prelu", "relu",
    "relu6", "rrelu", "rrelu_", "selu", "selu_", "silu", "softplus", "softshrink", "softsign",
    "tanhshrink", "threshold",
    "threshold_",
]

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946
_grad_state = _op._grad_state


def _const(a):
    """A raw array as a Tensor outside the graph (masks, raw-array gradients)."""
    return _op._new_tensor(_op.as_array(a))


def _tensor_arg(input, name: str):
    if not isinstance(input, _op.Tensor):
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    return input


def _float_arg(input, name: str, kernel: str):
    """Float-only kernels refuse integer and bool tensors with PyTorch's message."""
    if not _tensor_arg(input, name).dtype.is_floating_point:
        raise NotImplementedError(f'"{kernel}" not implemented for \'{_cap(input.dtype)}\'')
    return input


def _scalar_for(x, v):
    """A Scalar argument as the kernel sees it: truncated to int for integer tensors."""
    return int(v) if x.dtype.kind in "iu" else v


def _log1p_small(t):
    """log1p(t) for t in [0, 1], accurate to a few ulps (Goldberg's trick): NumPy's log1p is
    several times slower than log on float32."""
    xp = array_module(t)
    u = t + 1
    d = u - 1
    r = xp.log(u)
    r *= t
    with np.errstate(divide="ignore", invalid="ignore"):
        r /= d
    tiny = d == 0  # u rounded to 1: log1p(t) = t
    return xp.where(tiny, t, r) if tiny.any() else r


def _softplus_arr(x):
    """log(1 + exp(x)) without overflow: max(x, 0) + log1p(exp(-|x|))."""
    xp = array_module(x)
    t = _log1p_small(xp.exp(-xp.abs(x)))
    t += xp.maximum(x, 0)
    return t


# ---- piecewise-linear: leaky_relu, hardtanh, threshold, shrinks ---------------------------------


class LeakyRelu(Op):
    @staticmethod
    def forward(ctx, x, slope):
        ctx.mask = m = x > 0
        ctx.slope = slope
        ctx.save_output()
        xp = array_module(x)
        if 0 <= slope <= 1:  # max/min select without NumPy's slow where on random masks
            return xp.maximum(x, x * slope).astype(x.dtype, copy=False)
        if slope > 1:
            return xp.minimum(x, x * slope).astype(x.dtype, copy=False)
        return xp.where(m, x, x * slope).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        return PiecewiseLinearBackward.apply(grad, ctx.output, ctx.mask, ctx.slope), None


class Hardtanh(Op):
    @staticmethod
    def forward(ctx, x, lo, hi):
        xp = array_module(x)
        ctx.bounds = (lo, hi)
        ctx.save_output()
        if x.dtype.kind in "fiu":  # clip: one pass, and -0.0 kept as torch's clamp keeps it
            return xp.clip(x, lo, hi, out=xp.empty_like(x))
        return xp.minimum(xp.maximum(x, lo), hi).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        # lo < x < hi exactly where lo < y < hi, so the mask is read off the kept output
        y = ctx.output
        lo, hi = ctx.bounds
        xp = array_module(y._data)
        m = xp.less_equal(y._data, lo, out=xp.empty(y._data.shape, dtype=bool))
        xp.logical_or(m, xp.greater_equal(y._data, hi), out=m)
        xp.logical_not(m, out=m)  # NaN passes the gradient, as PyTorch
        return PiecewiseLinearBackward.apply(grad, y, m, 0.0), None, None


class Threshold(Op):
    @staticmethod
    def forward(ctx, x, th, value):
        ctx.mask = m = ~(x <= th)
        ctx.save_output()
        xp = array_module(x)
        return xp.where(m, x, xp.asarray(value, dtype=x.dtype))

    @staticmethod
    def backward(ctx, grad):
        return PiecewiseLinearBackward.apply(grad, ctx.output, ctx.mask, 0.0), None, None


class Hardshrink(Op):
    @staticmethod
    def forward(ctx, x, lambd):
        ctx.mask = m = ~((x >= -lambd) & (x <= lambd))
        ctx.save_output()
        return array_module(x).where(m, x, 0).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        return PiecewiseLinearBackward.apply(grad, ctx.output, ctx.mask, 0.0), None


class Softshrink(Op):
    @staticmethod
    def forward(ctx, x, lambd):
        xp = array_module(x)
        ctx.mask = ~((x >= -lambd) & (x <= lambd))
        ctx.save_output()
        y = xp.where(x > lambd, x - lambd, xp.where(x < -lambd, x + lambd, x * 0))
        return y.astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        return PiecewiseLinearBackward.apply(grad, ctx.output, ctx.mask, 0.0), None


class Hardsigmoid(Op):
    @staticmethod
    def forward(ctx, x):
        xp = array_module(x)
        ctx.mask = (x > -3) & (x < 3)
        ctx.save_output()
        y = xp.minimum(xp.maximum(x + 3, 0), 6)
        return (y / 6).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        return PiecewiseLinearBackward.apply(grad, ctx.output, ctx.mask, 0.0) / 6


class PiecewiseLinearBackward(Op):
    """grad where mask else grad * slope: the derivative of the piecewise-linear activations.

    Its second input is the activation's output, so double backward sees the (zero) dependence
    on the input, as PyTorch's `*BackwardBackward0` nodes do. `slope` may be an array (rrelu).
    """

    save_inputs = (1,)

    @staticmethod
    def forward(ctx, g, y, mask, slope):
        ctx.mask, ctx.slope = mask, slope
        xp = array_module(g)
        if mask is None:  # rrelu's noise: the factor itself
            return (g * slope).astype(g.dtype, copy=False)
        # g * factor equals where(mask, g, g * slope) bit for bit, without where's slow branches
        if slope == 0:
            return keep_or_zero(g, mask)
        if 0 < slope <= 1:
            f = xp.maximum(mask.astype(g.dtype), g.dtype.type(slope))
            return (g * f).astype(g.dtype, copy=False)
        return xp.where(mask, g, g * slope).astype(g.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        need_g, need_y = ctx.needs_input_grad[:2]
        gg = PiecewiseLinearBackward.apply(grad, ctx.inputs[1], ctx.mask, ctx.slope) \
            if need_g else None
        gy = _op._new_tensor(array_module(grad._data).zeros_like(grad._data)) if need_y else None
        return gg, gy, None, None


class Hardswish(Op):
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, x):
        xp = array_module(x)
        y = xp.minimum(xp.maximum(x + 3, 0), 6)
        y *= x
        y /= 6
        return y.astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        x = ctx.inputs[0]
        xd = x._data
        lo, mid = xd <= -3, xd < 3  # as PyTorch at the kinks
        if not _grad_state.enabled:
            g = grad._data
            xp = array_module(g)
            return _const(xp.where(lo, 0, xp.where(mid, g * (xd / 3 + 0.5), g)).astype(g.dtype))
        return where(_const(lo), 0.0, where(_const(mid), grad * (x / 3 + 0.5), grad))


# ---- exponential family: elu, selu, celu, softplus, logsigmoid, silu, mish (gelu: gelu.py) ------


class Elu(Op):
    """scale * x for x > 0, else alpha * scale * (exp(x * input_scale) - 1); selu and celu too."""

    save_inputs = (0,)

    @staticmethod
    def forward(ctx, x, alpha, scale, input_scale):
        xp = array_module(x)
        ctx.coefs = (alpha, scale, input_scale)
        neg = xp.expm1(x * input_scale)
        neg *= alpha * scale
        return xp.where(x <= 0, neg, x * scale if scale != 1 else x).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        alpha, scale, isc = ctx.coefs
        x = ctx.inputs[0]
        neg = x._data <= 0
        if not _grad_state.enabled:
            g, xd = grad._data, x._data
            xp = array_module(g)
            d = xp.exp(xd * isc)
            d *= alpha * scale * isc
            return _const(xp.where(neg, g * d, g * scale)), None, None, None
        return where(_const(neg), grad * (exp(x * isc) * (alpha * scale * isc)),
                     grad * scale), None, None, None


class Celu(Elu):
    pass


class Softplus(Op):
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, x, beta, th):
        xp = array_module(x)
        bx = x * beta
        ctx.beta = beta
        ctx.lin = lin = bx > th
        y = _softplus_arr(bx)
        if beta != 1:
            y /= beta
        return xp.where(lin, x, y).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        x = ctx.inputs[0]
        beta = ctx.beta
        if not _grad_state.enabled:
            g = grad._data
            s = _sigmoid_array(x._data * beta)
            return _const(array_module(g).where(ctx.lin, g, g * s)), None, None
        return where(_const(ctx.lin), grad, grad * sigmoid(x * beta)), None, None


class LogSigmoid(Op):
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, x):
        xp = array_module(x)
        y = _log1p_small(xp.exp(-xp.abs(x)))
        return xp.subtract(xp.minimum(x, 0), y).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        x = ctx.inputs[0]
        if not _grad_state.enabled:
            return _const(grad._data * _sigmoid_array(-x._data))
        return grad * sigmoid(-x)


class Silu(Op):
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, x):
        y = _sigmoid_array(x)
        y *= x
        return y

    @staticmethod
    def backward(ctx, grad):
        x = ctx.inputs[0]
        if not _grad_state.enabled:
            xd = x._data
            s = _sigmoid_array(xd)
            d = 1 - s
            d *= xd
            d += 1
            d *= s
            return _const(grad._data * d)
        s = sigmoid(x)
        return grad * (s * (1 + x * (1 - s)))


class Mish(Op):
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, x):
        xp = array_module(x)
        y = xp.tanh(_softplus_arr(x))
        y *= x
        return y.astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        x = ctx.inputs[0]
        if not _grad_state.enabled:
            xd = x._data
            xp = array_module(xd)
            t = xp.tanh(_softplus_arr(xd)).astype(xd.dtype, copy=False)
            d = xd * _sigmoid_array(xd) * (1 - t * t)
            d += t
            return _const(grad._data * d)
        t = tanh(softplus(x))
        return grad * (t + x * sigmoid(x) * (1 - t * t))


# ---- parametric and random: prelu, rrelu, glu ---------------------------------------------------


class PreluKernel(Op):
    save_inputs = (0, 1)

    @staticmethod
    def forward(ctx, x, w):
        return array_module(x).where(x > 0, x, w * x)

    @staticmethod
    def backward(ctx, grad):
        x, w = ctx.inputs
        pos = x._data > 0
        need_x, need_w = ctx.needs_input_grad
        if not _grad_state.enabled:
            g, xp = grad._data, array_module(grad._data)
            gx = _const(xp.where(pos, g, g * w._data)) if need_x else None
            gw = _const(xp.where(pos, 0, g * x._data).astype(g.dtype)) if need_w else None
            return gx, gw
        m = _const(pos)
        gx = where(m, grad, grad * w) if need_x else None
        gw = where(m, 0.0, grad * x) if need_w else None
        return gx, gw


class RreluWithNoise(Op):
    """Randomized leaky ReLU: slopes drawn from U(lower, upper) when training, their mean
    otherwise."""

    @staticmethod
    def forward(ctx, x, lower, upper, training):
        xp = array_module(x)
        ctx.save_output()
        if not training:
            ctx.mask = x > 0
            ctx.slope = slope = (lower + upper) / 2
            return xp.where(ctx.mask, x, x * slope).astype(x.dtype, copy=False)
        ot = np.float64 if x.dtype == np.float64 else np.float32  # the kernel's opmath type
        y = xp.array(x, dtype=ot, order="C", copy=True).reshape(-1)  # never write into x
        neg = y <= 0
        k = int(neg.sum())
        # PyTorch's CPU kernel: one double uniform (53 bits of a u64) per x <= 0, in order,
        # between bounds first rounded to opmath; the slope is then rounded to opmath
        lo, hi = (np.float64(ot(v)) for v in (lower, upper))
        r = xp.asarray((uniform53(default_generator, k) * (hi - lo) + lo).astype(ot))
        noise = xp.ones(y.shape, dtype=ot)
        noise[neg] = r
        y[neg] *= r
        ctx.mask = None
        ctx.slope = noise.reshape(x.shape).astype(x.dtype, copy=False)
        return y.reshape(x.shape).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        gx = PiecewiseLinearBackward.apply(grad, ctx.output, ctx.mask, ctx.slope)
        return gx, None, None, None


class Glu(Op):
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, x, axis):
        xp = array_module(x)
        ctx.axis = axis
        a, b = xp.split(x, 2, axis=axis)
        y = _sigmoid_array(b)
        y *= a
        return y

    @staticmethod
    def backward(ctx, grad):
        x = ctx.inputs[0]
        axis = ctx.axis
        if not _grad_state.enabled:
            xp = array_module(x._data)
            a, b = xp.split(x._data, 2, axis=axis)
            g = grad._data
            s = _sigmoid_array(b)
            ga = g * s
            gb = ga * a * (1 - s)
            return _const(xp.concatenate([ga, gb], axis=axis)), None
        a, b = x.chunk(2, axis)
        s = sigmoid(b)
        ga = grad * s
        return cat([ga, ga * a * (1 - s)], axis), None


# ---- public functions ---------------------------------------------------------------------------


def _apply_maybe_inplace(fn, input, inplace_flag, *args):
    """fn(input, *args), written into input when inplace (the kernel's dtype errors come first)."""
    if not inplace_flag:
        return fn(input, *args)
    check_inplace(_tensor_arg(input, fn.__name__.strip("_")))
    return commit_inplace(input, fn(input, *args))


def relu(input, inplace: bool = False):
    """max(x, 0); integer tensors stay integer, bool is refused (ReluBackward0, as PyTorch)."""
    if inplace:
        return relu_(input)
    if input.__class__ is _op.Tensor and input._data.dtype.kind == "f":
        return Relu.apply(input)
    return _unary_relu(input)


def relu6(input, inplace: bool = False):
    """min(max(x, 0), 6): hardtanh(x, 0, 6); integer tensors stay integer."""
    return hardtanh(input, 0.0, 6.0, inplace)


def _hardtanh(input, min_val=-1.0, max_val=1.0):
    if _tensor_arg(input, "hardtanh")._data.dtype.kind == "b":
        raise RuntimeError("Bool inputs not supported for hardtanh")
    x = input._data
    return Hardtanh.apply(input, _scalar_for(x, min_val), _scalar_for(x, max_val))


def hardtanh(input, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False):
    """Clamp to [min_val, max_val]; the gradient passes strictly inside."""
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    return _apply_maybe_inplace(_hardtanh, input, inplace, min_val, max_val)


def hardtanh_(input, min_val: float = -1.0, max_val: float = 1.0):
    return hardtanh(input, min_val, max_val, True)


def _leaky_relu(input, negative_slope=0.01):
    _float_arg(input, "leaky_relu", "leaky_relu_cpu")
    return LeakyRelu.apply(input, negative_slope)


def leaky_relu(input, negative_slope: float = 0.01, inplace: bool = False):
    """x for x > 0, else negative_slope * x."""
    return _apply_maybe_inplace(_leaky_relu, input, inplace, negative_slope)


def leaky_relu_(input, negative_slope: float = 0.01):
    return leaky_relu(input, negative_slope, True)


def _threshold(input, threshold, value):
    if _tensor_arg(input, "threshold")._data.dtype.kind == "b":
        raise NotImplementedError('"threshold_cpu" not implemented for \'Bool\'')
    x = input._data
    return Threshold.apply(input, _scalar_for(x, threshold), _scalar_for(x, value))


def threshold(input, threshold: float, value: float, inplace: bool = False):
    """value where x <= threshold, else x."""
    return _apply_maybe_inplace(_threshold, input, inplace, threshold, value)


def threshold_(input, threshold: float, value: float):
    return _apply_maybe_inplace(_threshold, input, True, threshold, value)


def hardshrink(input, lambd: float = 0.5):
    """x where |x| > lambd, else 0."""
    _float_arg(input, "hardshrink", "hardshrink_cpu")
    return Hardshrink.apply(input, lambd)


def softshrink(input, lambd: float = 0.5):
    """x - lambd * sign(x) where |x| > lambd, else 0."""
    _float_arg(input, "softshrink", "softshrink_check")
    if lambd < 0:
        fmax = float(_dt.finfo(input.dtype).max)
        raise RuntimeError(f"lambda must be in range [0, {fmax:g}] for input dtype "
                           f"{_cap(input.dtype)}, but found {lambd:g}")
    return Softshrink.apply(input, lambd)


def _hardsigmoid(input):
    return Hardsigmoid.apply(_float_arg(input, "hardsigmoid", "hardsigmoid_cpu"))


def hardsigmoid(input, inplace: bool = False):
    """relu6(x + 3) / 6."""
    return _apply_maybe_inplace(_hardsigmoid, input, inplace)


def _hardswish(input):
    return Hardswish.apply(_float_arg(input, "hardswish", "hardswish_cpu"))


def hardswish(input, inplace: bool = False):
    """x * relu6(x + 3) / 6."""
    return _apply_maybe_inplace(_hardswish, input, inplace)


def _elu(input, alpha=1.0, scale=1.0, input_scale=1.0, op=Elu, name="elu"):
    _float_arg(input, name, "elu_cpu")
    return op.apply(input, alpha, scale, input_scale)


def elu(input, alpha: float = 1.0, inplace: bool = False):
    """x for x > 0, else alpha * (exp(x) - 1)."""
    return _apply_maybe_inplace(_elu, input, inplace, alpha)


def elu_(input, alpha: float = 1.0):
    return elu(input, alpha, True)


def selu(input, inplace: bool = False):
    """scale * elu(x, alpha) with the self-normalising constants."""
    return _apply_maybe_inplace(_elu, input, inplace, _SELU_ALPHA, _SELU_SCALE, 1.0, Elu, "selu")


def selu_(input):
    return selu(input, True)


def celu(input, alpha: float = 1.0, inplace: bool = False):
    """x for x > 0, else alpha * (exp(x / alpha) - 1)."""
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError: alpha cannot be 0 for CELU")
    return _apply_maybe_inplace(_elu, input, inplace, alpha, 1.0, 1.0 / alpha, Celu, "celu")


def celu_(input, alpha: float = 1.0):
    return celu(input, alpha, True)


def softplus(input, beta: float = 1.0, threshold: float = 20.0):
    """log(1 + exp(beta * x)) / beta, linear where beta * x > threshold."""
    _float_arg(input, "softplus", "softplus_cpu")
    return Softplus.apply(input, beta, threshold)


def logsigmoid(input):
    """log(sigmoid(x)), computed stably as min(x, 0) - log1p(exp(-|x|))."""
    return LogSigmoid.apply(_float_arg(input, "log_sigmoid", "log_sigmoid_cpu"))


def _silu(input):
    return Silu.apply(_float_arg(input, "silu", "silu_cpu"))


def silu(input, inplace: bool = False):
    """x * sigmoid(x)."""
    return _apply_maybe_inplace(_silu, input, inplace)


def _mish(input):
    return Mish.apply(_float_arg(input, "mish", "mish_cpu"))


def mish(input, inplace: bool = False):
    """x * tanh(softplus(x))."""
    return _apply_maybe_inplace(_mish, input, inplace)


def softsign(input):
    """x / (1 + |x|) (a composite, as PyTorch's)."""
    return input / (input.abs() + 1)


def tanhshrink(input):
    """x - tanh(x) (a composite, as PyTorch's)."""
    return input - tanh(input)


def prelu(input, weight):
    """x for x > 0, else weight * x with one weight per channel (dim 1) or one shared weight."""
    _tensor_arg(input, "prelu")
    if not isinstance(weight, _op.Tensor):
        raise TypeError(f"prelu(): argument 'weight' (position 2) must be Tensor, not "
                        f"{type(weight).__name__}")
    if input.dtype != weight.dtype:
        raise RuntimeError(f"prelu: Type promoting not supported. Got {_cap(input.dtype)} and "
                           f"{_cap(weight.dtype)}")
    if weight.ndim > 1:
        raise RuntimeError(f"prelu: Expected `weight` to be a scalar or 1D tensor, but got: ndim "
                           f"= {weight.ndim}")
    _float_arg(input, "prelu", "prelu_cpu")
    n = weight.numel()
    channels = input.shape[1] if input.ndim >= 2 else 1
    if n != 1 and n != channels:
        raise RuntimeError(f"Mismatch of parameter numbers and input channel size. Found "
                           f"parameter numbers = {n} and channel size = {channels}.")
    if n != 1 and input.ndim > 2:
        weight = weight.reshape((n,) + (1,) * (input.ndim - 2))
    elif weight.ndim and input.ndim < weight.ndim:
        weight = weight.reshape(())
    return PreluKernel.apply(input, weight)


def _rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False):
    if lower > upper:
        raise RuntimeError("Lower bound should be less than or equal to the upper bound")
    kernel = "rrelu_with_noise_out_cpu" if training else "leaky_relu_cpu"
    _float_arg(input, "rrelu", kernel)
    if training and input.dtype is _dt.float16:
        raise NotImplementedError(f'"{kernel}" not implemented for \'Half\'')
    return RreluWithNoise.apply(input, lower, upper, training)


def rrelu(input, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False,
          inplace: bool = False):
    """Leaky ReLU with slopes drawn from U(lower, upper) in training, their mean in eval."""
    return _apply_maybe_inplace(_rrelu, input, inplace, lower, upper, training)


def rrelu_(input, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False):
    return rrelu(input, lower, upper, training, True)


def glu(input, dim: int = -1):
    """a * sigmoid(b) where a, b are the halves of input along dim."""
    _tensor_arg(input, "glu")
    if input.ndim == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    axis = wrap_dim(dim, input.ndim)
    n = input.shape[axis]
    if n % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {axis} is size {n}")
    _float_arg(input, "glu", "glu_cpu")
    return Glu.apply(input, axis)
