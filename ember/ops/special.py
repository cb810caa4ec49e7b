"""Special functions: the gamma family, erfcx/ndtr/ndtri/log_ndtr, logit/xlog1py/entr/sinc, the
modified Bessel functions I0/I1, zeta and the incomplete gamma functions, with PyTorch's gradients.

The array kernels live in special_gamma.py and special_bessel.py; they compute in float64 and the
ops here cast back to the input dtype. Integer inputs compute in the default float dtype.
"""
from __future__ import annotations

import math

import numpy as np

from ..backend import array_module
from . import _op
from ._common import _cast as _operand
from ._common import _float_input, binary
from ._op import Op
from ._output import _out
from ._util import _const
from .elementwise import where
from .special_bessel import airy_ai as _airy_ai
from .special_bessel import bessel_i, bessel_jy, bessel_k
from .special_gamma import _split
from .special_gamma import digamma as _digamma
from .special_gamma import gammainc as _gammainc
from .special_gamma import lgamma as _lgamma
from .special_gamma import trigamma as _trigamma
from .special_gamma import zeta as _zeta
from .unary import (
    _RA,
    _RB,
    _SA,
    _SB,
    _erf_erfc,
    _erfinv,
    _make_inplace,
    _poly,
    erf,
    exp,
    log,
    sigmoid,
    sign,
)

# the top-level torch.* names (the rest are torch.special's only: ember/special.py)
__all__ = ["digamma", "i0", "i0_", "igamma", "igammac", "lgamma", "logit", "logit_", "mvlgamma",
           "polygamma", "sinc", "sinc_"]

_TWO_OVER_SQRT_PI = 2 / math.sqrt(math.pi)
_INV_SQRT_2PI = 1 / math.sqrt(2 * math.pi)
_SQRT_2PI = math.sqrt(2 * math.pi)


def _cast(y, x):
    return y.astype(x.dtype, copy=False)


def _operands(x, y, dtype):
    """Both operands as arrays of the computation dtype (a Python number takes the tensor's)."""
    if dtype is None:
        dtype = x.dtype if hasattr(x, "shape") else y.dtype
    x, y = _operand(x, dtype), _operand(y, dtype)
    xp = array_module(x if hasattr(x, "shape") else y)
    return xp.asarray(x, dtype=dtype), xp.asarray(y, dtype=dtype)


# ---- the gamma family ------------------------------------------------------------------------


class Lgamma(Op):
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, x):
        return _cast(_lgamma(x), x)

    @staticmethod
    def backward(ctx, grad):
        return grad * digamma(ctx.inputs[0])


class Digamma(Op):
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, x):
        return _cast(_digamma(x), x)

    @staticmethod
    def backward(ctx, grad):
        return grad * polygamma(1, ctx.inputs[0])


def _polygamma_array(n: int, x):
    if n == 0:
        return _digamma(x)
    if n == 1:
        return _trigamma(x)
    s = 1.0 if n % 2 else -1.0
    return s * math.exp(math.lgamma(n + 1.0)) * _zeta(float(n + 1), x)


class Polygamma(Op):
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, x, n):
        ctx.n = n
        return _cast(_polygamma_array(n, x), x)

    @staticmethod
    def backward(ctx, grad):
        return grad * polygamma(ctx.n + 1, ctx.inputs[0])


# ---- the error-function family ---------------------------------------------------------------


def _erfcx_array(x):
    """exp(x^2) erfc(x): fdlibm's erfc tail without its e^-x^2 factor for x >= 1.25, the
    asymptotic series past 28, erfcx(-x) = 2 e^(x^2) - erfcx(x) on the left."""
    xp = array_module(x)
    x = x.astype(np.float64)
    ax = xp.abs(x)
    z = xp.where(ax >= 1.25, ax, 2.0)
    t = 1 / (z * z)
    rs = xp.where(z >= 1 / 0.35, _poly(_RB, t) / _poly(_SB, t), _poly(_RA, t) / _poly(_SA, t))
    tail = xp.exp(rs - 0.5625) / z
    w = 1 / (2 * xp.maximum(ax, 28.0) ** 2)
    series = xp.ones_like(w)
    term = xp.ones_like(w)
    for k in range(1, 10):
        term = term * -(2 * k - 1) * w
        series = series + term
    tail = xp.where(ax >= 28, series / (xp.maximum(ax, 28.0) * math.sqrt(math.pi)), tail)
    near = xp.exp(x * x) * _erf_erfc(xp.where(ax < 1.25, x, 0.0), True)
    out = xp.where(x >= 0, tail, 2 * xp.exp(x * x) - tail)
    out = xp.where(ax < 1.25, near, out)
    return xp.where(x == np.inf, 0.0, out)


class Erfcx(Op):
    node_name = "SpecialErfcxBackward0"
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, x):
        ctx.save_output()
        return _cast(_erfcx_array(x), x)

    @staticmethod
    def backward(ctx, grad):
        return grad * (2 * ctx.inputs[0] * ctx.output - _TWO_OVER_SQRT_PI)


def _log_ndtr_array(x):
    xp = array_module(x)
    x = x.astype(np.float64)

    def left(v):  # log(erfc(-v / sqrt 2) / 2) without the underflow of erfc
        return xp.log(_erfcx_array(-v / math.sqrt(2)) / 2) - v * v / 2

    def right(v):
        return xp.log1p(-_erf_erfc(v / math.sqrt(2), True) / 2)

    return _split(xp, x, x < -1, left, right)


class LogNdtr(Op):
    node_name = "SpecialLogNdtrBackward0"
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, x):
        ctx.save_output()
        return _cast(_log_ndtr_array(x), x)

    @staticmethod
    def backward(ctx, grad):
        x = ctx.inputs[0]
        return grad * (exp(-0.5 * x * x - ctx.output) * _INV_SQRT_2PI)


def _ndtri_tail(xp, q):
    """The quantile of 0 < q <= 0.5: Abramowitz-Stegun 26.2.23 as the first guess, then Newton
    steps on log_ndtr (full relative accuracy deep in the tail)."""
    t = xp.sqrt(-2 * xp.log(q))
    x = -(t - (2.515517 + 0.802853 * t + 0.010328 * t * t)
          / (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t ** 3))
    lq = xp.log(q)
    for _ in range(4):
        ln = _log_ndtr_array(x)
        x = x - (ln - lq) / xp.exp(-0.5 * x * x - ln - math.log(_SQRT_2PI))
    return x


def _ndtri_array(p):
    """The standard normal quantile: sqrt(2) erfinv(2p - 1) in the middle, the tail solver in
    the smaller tail beyond |x| = 2 (where 2p - 1 would lose digits)."""
    xp = array_module(p)
    p = p.astype(np.float64)
    q = xp.minimum(p, 1 - p)
    ok = (q > 0) & (p < 1)
    q = xp.where(ok, q, 0.25)
    central = q > 0.0227
    x = _split(xp, q, central, lambda v: math.sqrt(2) * _erfinv(2 * v - 1),
               lambda v: _ndtri_tail(xp, v))
    x = xp.where(p > 0.5, -x, x)
    x = xp.where(p == 0.5, 0.0, x)
    edge = xp.where(p == 0, -np.inf, xp.where(p == 1, np.inf, np.nan))
    return xp.where(ok, x, edge)


class Ndtri(Op):
    node_name = "SpecialNdtriBackward0"

    @staticmethod
    def forward(ctx, x):
        ctx.save_output()
        return _cast(_ndtri_array(x), x)

    @staticmethod
    def backward(ctx, grad):
        y = ctx.output
        return grad * (exp(0.5 * y * y) * _SQRT_2PI)


# ---- logit, entr, sinc, xlog1py --------------------------------------------------------------


class Logit(Op):
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, x, eps=None):
        ctx.eps = eps
        xp = array_module(x)
        if eps is not None:
            x = xp.clip(x, eps, 1 - eps)
        return xp.log(x / (1 - x))

    @staticmethod
    def backward(ctx, grad):
        x = ctx.inputs[0]
        g = grad / (x * (1 - x))
        xd, eps = x._data, ctx.eps
        if eps is None:
            return where(_const((xd < 0) | (xd > 1)), math.nan, g)
        return where(_const((xd < eps) | (xd > 1 - eps)), 0.0, g)


class Entr(Op):
    node_name = "SpecialEntrBackward0"
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, x):
        xp = array_module(x)
        r = -x * xp.log(xp.where(x > 0, x, 1))
        r = xp.where(x == 0, 0, xp.where(x < 0, -np.inf, r))
        return r.astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        return grad * -(1 + log(ctx.inputs[0]))


class Sinc(Op):
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, x):
        xp = array_module(x)
        px = math.pi * x.astype(np.float64)
        r = xp.sin(px) / xp.where(x == 0, 1.0, px)
        return _cast(xp.where(x == 0, 1.0, r), x)

    @staticmethod
    def backward(ctx, grad):
        x = ctx.inputs[0]
        px = x * math.pi
        d = (px * px.cos() - px.sin()) / (px * x)
        return grad * where(_const(x._data == 0), 0.0, d)


class Xlog1py(Op):
    node_name = "SpecialXlog1PyBackward0"
    save_inputs = (0, 1)

    @staticmethod
    def forward(ctx, x, y, dtype=None):
        ctx.scalars = (None if hasattr(x, "shape") else x, None if hasattr(y, "shape") else y)
        x, y = _operands(x, y, dtype)
        xp = array_module(x)
        r = xp.multiply(x, xp.log1p(y))
        return xp.where((x == 0) & ~xp.isnan(y), 0, r).astype(r.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.inputs
        sx, sy = ctx.scalars
        x = x if x is not None else sx
        y = y if y is not None else sy
        gx = gy = None
        if ctx.needs_input_grad[0]:
            gx = grad * xlog1py(_const(x._data != 0).to(grad.dtype), y)
        if ctx.needs_input_grad[1]:
            gy = grad * x / (y + 1)
        return gx, gy


# ---- modified Bessel functions ---------------------------------------------------------------


class I0(Op):
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, x):
        return _cast(bessel_i(x, 0, False), x)

    @staticmethod
    def backward(ctx, grad):
        return grad * i1(ctx.inputs[0])


class I0e(Op):
    node_name = "SpecialI0EBackward0"
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, x):
        ctx.save_output()
        return _cast(bessel_i(x, 0, True), x)

    @staticmethod
    def backward(ctx, grad):
        x = ctx.inputs[0]
        return grad * (i1e(x) - sign(x) * ctx.output)


class I1(Op):
    node_name = "SpecialI1Backward0"
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, x):
        ctx.save_output()
        return _cast(bessel_i(x, 1, False), x)

    @staticmethod
    def backward(ctx, grad):
        x = ctx.inputs[0]
        return grad * where(_const(x._data == 0), 0.5, i0(x) - ctx.output / x)


class I1e(Op):
    node_name = "SpecialI1EBackward0"
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, x):
        ctx.save_output()
        return _cast(bessel_i(x, 1, True), x)

    @staticmethod
    def backward(ctx, grad):
        x = ctx.inputs[0]
        return grad * where(_const(x._data == 0), 0.5,
                            i0e(x) - ctx.output * (sign(x) + 1 / x))


# ---- zeta and the incomplete gamma functions -------------------------------------------------


def _no_grad(name):
    return NotImplementedError(f"the derivative for '{name}' is not implemented.")


class Zeta(Op):
    node_name = "SpecialZetaBackward0"

    @staticmethod
    def forward(ctx, x, q, dtype=None):
        x, q = _operands(x, q, dtype)
        return _zeta(x, q).astype(x.dtype)

    @staticmethod
    def backward(ctx, grad):
        raise _no_grad("zeta")


class Igamma(Op):
    save_inputs = (0, 1)
    upper = False

    @classmethod
    def forward(cls, ctx, a, x, dtype=None):
        a, x = _operands(a, x, dtype)
        return _gammainc(a, x, cls.upper).astype(a.dtype)

    @classmethod
    def backward(cls, ctx, grad):
        name = "igammac" if cls.upper else "igamma"
        if ctx.needs_input_grad[0]:
            raise _no_grad(f"{name}: input")
        a, x = ctx.inputs
        d = exp((a - 1) * log(x) - x - lgamma(a))
        return None, grad * (-d if cls.upper else d)


class Igammac(Igamma):
    upper = True


# ---- public functions ------------------------------------------------------------------------


def _unary(op, name):
    def fn(input, *, out=None):
        y = op.apply(_float_input(input))
        return y if out is None else _out(y, out)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"Elementwise {name}; integer inputs give the default float dtype."
    return fn


lgamma = gammaln = _unary(Lgamma, "lgamma")
digamma = psi = _unary(Digamma, "digamma")
erfcx = _unary(Erfcx, "erfcx")
log_ndtr = _unary(LogNdtr, "log_ndtr")
ndtri = _unary(Ndtri, "ndtri")
entr = _unary(Entr, "entr")
sinc = _unary(Sinc, "sinc")
i0 = _unary(I0, "i0")
i0e = _unary(I0e, "i0e")
i1 = _unary(I1, "i1")
i1e = _unary(I1e, "i1e")


def polygamma(n: int, input, *, out=None):
    """The n-th derivative of digamma (polygamma(0, x) = digamma(x))."""
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    y = Polygamma.apply(_float_input(input), int(n))
    return y if out is None else _out(y, out)


def mvlgamma(input, p: int, *, out=None):
    """The multivariate log-gamma of dimension p: sum_i lgamma(x - i/2) + p(p-1)/4 log(pi)."""
    if p < 1:
        raise RuntimeError("p has to be greater than or equal to 1")
    x = _float_input(input)  # torch 2.13 no longer checks x > (p - 1) / 2
    y = lgamma(x)
    for i in range(1, p):
        y = y + lgamma(x - i / 2)
    y = y + p * (p - 1) / 4 * math.log(math.pi)
    return y if out is None else _out(y, out)


multigammaln = mvlgamma


def ndtr(input, *, out=None):
    """The standard normal CDF, as PyTorch composes it: (1 + erf(x / sqrt 2)) / 2."""
    y = (1 + erf(_float_input(input) * math.sqrt(0.5))) * 0.5
    return y if out is None else _out(y, out)


def expit(input, *, out=None):
    """The logistic sigmoid."""
    return sigmoid(input, out=out)


def logit(input, eps: float | None = None, *, out=None):
    """log(x / (1 - x)), x clamped to [eps, 1 - eps] first when eps is given."""
    y = Logit.apply(_float_input(input), None if eps is None else float(eps))
    return y if out is None else _out(y, out)


def _binary_float(op, a, b, out):
    y = binary(op, a, b, float_only=True)
    return y if out is None else _out(y, out)


def xlog1py(input, other, *, out=None):
    """x * log1p(y), 0 where x == 0 (unless y is NaN)."""
    return _binary_float(Xlog1py, input, other, out)


def zeta(input, other, *, out=None):
    """The Hurwitz zeta function sum_k (k + other)^-input."""
    if not isinstance(input, _op.Tensor) and not isinstance(other, _op.Tensor):
        raise TypeError("special_zeta() received an invalid combination of arguments - got "
                        f"({type(input).__name__}, {type(other).__name__})")
    return _binary_float(Zeta, input, other, out)


def _check_igamma(input, other, name):
    for pos, (arg, t) in enumerate((("input", input), ("other", other)), 1):
        if not isinstance(t, _op.Tensor):
            raise TypeError(f"{name}(): argument '{arg}' (position {pos}) must be Tensor, not "
                            f"{type(t).__name__}")
        if isinstance(t, _op.Tensor) and t._data.dtype.kind in "iub":
            raise NotImplementedError(f'"{name}_cpu" not implemented for '
                                      f"'{t.dtype.__repr__().split('.')[-1].capitalize()}'")


def igamma(input, other, *, out=None):
    """The regularized lower incomplete gamma function P(input, other)."""
    _check_igamma(input, other, "igamma")
    return _binary_float(Igamma, input, other, out)


def igammac(input, other, *, out=None):
    """The regularized upper incomplete gamma function Q(input, other)."""
    _check_igamma(input, other, "igammac")
    return _binary_float(Igammac, input, other, out)


gammainc, gammaincc = igamma, igammac

i0_ = _make_inplace(i0)
logit_ = _make_inplace(logit)
sinc_ = _make_inplace(sinc)


# ---- Bessel functions without a gradient (torch.special's bessel_*, modified_bessel_*) --------


def _no_grad_unary(name, kernel):
    def fn(input, *, out=None):
        x = _float_input(input)
        xp = array_module(x._data)
        y = _op._new_tensor(xp.asarray(kernel(x._data)).astype(x._data.dtype, copy=False))
        return y if out is None else _out(y, out)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"torch.special.{name} (no gradient, as PyTorch)."
    return fn


def _spherical_j0(x):
    xp = array_module(x)
    x = x.astype(np.float64)
    z = x * x
    series = 1 + z * (-1 / 6 + z * (1 / 120 + z * (-1 / 5040 + z * (1 / 362880))))
    r = xp.where(xp.abs(x) < 0.5, series, xp.sin(x) / xp.where(x == 0, 1.0, x))
    return xp.where(xp.isinf(x), 0.0, r)


bessel_j0 = _no_grad_unary("bessel_j0", lambda x: bessel_jy(x, 0, "j"))
bessel_j1 = _no_grad_unary("bessel_j1", lambda x: bessel_jy(x, 1, "j"))
bessel_y0 = _no_grad_unary("bessel_y0", lambda x: bessel_jy(x, 0, "y"))
bessel_y1 = _no_grad_unary("bessel_y1", lambda x: bessel_jy(x, 1, "y"))
modified_bessel_i0 = _no_grad_unary("modified_bessel_i0", lambda x: bessel_i(x, 0, False))
modified_bessel_i1 = _no_grad_unary("modified_bessel_i1", lambda x: bessel_i(x, 1, False))
modified_bessel_k0 = _no_grad_unary("modified_bessel_k0", lambda x: bessel_k(x, 0, False))
modified_bessel_k1 = _no_grad_unary("modified_bessel_k1", lambda x: bessel_k(x, 1, False))
scaled_modified_bessel_k0 = _no_grad_unary("scaled_modified_bessel_k0",
                                           lambda x: bessel_k(x, 0, True))
scaled_modified_bessel_k1 = _no_grad_unary("scaled_modified_bessel_k1",
                                           lambda x: bessel_k(x, 1, True))
spherical_bessel_j0 = _no_grad_unary("spherical_bessel_j0", _spherical_j0)
airy_ai = _no_grad_unary("airy_ai", _airy_ai)
