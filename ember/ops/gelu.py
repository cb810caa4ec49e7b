"""GELU, x * Phi(x): torch's float32 kernel (erf by Abramowitz-Stegun 7.1.26), the exact float64
form and the tanh approximation, each with the derivative from the same exp."""
from __future__ import annotations

import math

import numpy as np

from ..backend import array_module
from . import _op
from ._op import Op
from .unary import _erf_erfc, erf, exp, tanh

__all__ = ["gelu"]

_SQRT1_2 = math.sqrt(0.5)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_GELU_K = math.sqrt(2.0 / math.pi)
_GELU_C = 0.044715
_grad_state = _op._grad_state

try:  # NumPy's CPU feature table: AVX512_SKX is the AVX-512 subset oneDNN calls avx512_core
    from numpy._core._multiarray_umath import __cpu_features__ as _CPU
except ImportError:  # pragma: no cover - NumPy without the table
    _CPU = {}
_ONEDNN_AVX512 = bool(_CPU.get("AVX512_SKX"))
_F32_HALF_MAX = np.float32(2.0**127)


def _const(a):
    """A raw array as a Tensor outside the graph (raw-array gradients)."""
    return _op._new_tensor(_op.as_array(a))


# torch's float32 erf (Abramowitz-Stegun 7.1.26, |error| < 1.5e-7), which its gelu kernels use,
# rewritten for Phi(-|x|) = 0.5 erfc(|x| / sqrt 2) = P(t) exp(-x^2 / 2),
# t = 1 / (1 + p |x| / sqrt 2)
_AS_P, _AS_A = 0.3275911, (0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429)
_F32 = np.dtype(np.float32)
_F64 = np.dtype(np.float64)
_PHI_P = np.float32(_AS_P * _SQRT1_2)
_PHI_A = tuple(np.float32(0.5 * a) for a in _AS_A)  # Phi's 0.5 folded into the coefficients


def _gelu_erf32(x, want_d: bool):
    """(x * Phi(x), d/dx or None) for float32 and narrower, computed in float32 on few buffers:
    one exp serves both Phi and the density, so the derivative costs three more passes."""
    xp = array_module(x)
    t = xp.abs(x)
    t *= _PHI_P
    t += 1
    xp.reciprocal(t, out=t)
    p = t * _PHI_A[4]
    for c in _PHI_A[3::-1]:
        p += c
        p *= t
    e = xp.multiply(x, x, out=t)
    e *= -0.5
    xp.exp(e, out=e)
    p *= e  # Phi(-|x|)
    xp.subtract(0.5, p, out=p)
    xp.copysign(p, x, out=p)
    p += 0.5  # Phi(x); x Phi(x) stays finite up to float32's max, as torch's own kernel
    if not want_d:
        p *= x
        return p, None
    e *= x
    e *= _INV_SQRT_2PI
    e += p  # Phi(x) + x phi(x)
    p *= x
    return p, e


def _gelu_parts(x, approximate: str, want_d: bool):
    """gelu(x) and (when asked) its derivative on arrays of x's dtype; 0-d and narrow floats are
    computed as 1-d float32."""
    shape, dtype = x.shape, x.dtype
    wide = dtype == _F64
    if not wide or not x.ndim:
        x = x.astype(_F64 if wide else _F32, copy=False).reshape(-1)
    if approximate == "tanh":
        y, d = _gelu_tanh_parts(x, want_d)
    elif wide:
        y, d = _gelu_erf64(x, want_d)
    else:
        y, d = _gelu_erf32(x, want_d)
    if y.dtype != dtype or y.shape != shape:
        y = y.astype(dtype, copy=False).reshape(shape)
        if d is not None:
            d = d.astype(dtype, copy=False).reshape(shape)
    return y, d


def _gelu_erf64(x, want_d: bool):
    """float64 gelu via the exact erf (fdlibm, about 1 ulp)."""
    xp = array_module(x)
    p = _erf_erfc(x * _SQRT1_2, False)
    p += 1
    p *= 0.5  # Phi(x)
    d = None
    if want_d:
        d = x * x
        d *= -0.5
        xp.exp(d, out=d)
        d *= x
        d *= _INV_SQRT_2PI
        d += p
    p *= x
    return p, d


def _gelu_tanh_parts(x, want_d: bool):
    """x * (1 + tanh(u)) / 2 with u = sqrt(2/pi) (x + 0.044715 x^3), as x * sigmoid(2u): one exp
    instead of tanh; the derivative phi + x (1 - t^2) u' / 2 is phi + 2 y (1 - phi) u'."""
    xp = array_module(x)
    x2 = x * x
    v = x2 * (-2 * _GELU_K * _GELU_C)
    v -= 2 * _GELU_K
    v *= x  # -2u
    with np.errstate(over="ignore"):  # exp(-2u) = inf gives phi = 0 exactly
        xp.exp(v, out=v)
    v += 1
    xp.reciprocal(v, out=v)  # phi = sigmoid(2u)
    y = x * v
    if not want_d:
        return y, None
    x2 *= 6 * _GELU_K * _GELU_C
    x2 += 2 * _GELU_K  # 2 u'
    x2 *= y
    w = xp.subtract(1, v)
    x2 *= w
    x2 += v
    return y, x2


def _onednn_edges(x, y):
    """torch hands contiguous float32 gelu of more than one element to oneDNN; on AVX-512 its
    kernel overflows to inf above 2**127 and gives NaN at +inf (its AVX2 kernel does not)."""
    if not _ONEDNN_AVX512 or x.dtype != _F32 or x.size < 2 or not x.flags.c_contiguous:
        return y
    big = x > _F32_HALF_MAX
    if not big.any():
        return y
    xp = array_module(x)
    return xp.where(big, xp.where(xp.isposinf(x), np.float32(np.nan), np.float32(np.inf)), y)


class Gelu(Op):
    """x * Phi(x) with Phi via erf ('none'), or PyTorch's tanh approximation ('tanh').

    When recorded, forward also keeps the derivative (it shares the exp), so the plain backward
    is one multiply."""

    save_inputs = (0,)

    @staticmethod
    def forward(ctx, x, approximate):
        ctx.approximate = approximate
        y, ctx.d = _gelu_parts(x, approximate, bool(ctx.needs_input_grad))
        return _onednn_edges(x, y) if approximate == "none" else y

    @staticmethod
    def backward(ctx, grad):
        x = ctx.inputs[0]  # also checks x was not modified in place
        if not _grad_state.enabled:
            return _const(grad._data * ctx.d), None
        if ctx.approximate == "tanh":
            x2 = x * x
            t = tanh((x + x2 * x * _GELU_C) * _GELU_K)
            d = (1 + t) * 0.5 + x * (1 - t * t) * ((1 + x2 * (3 * _GELU_C)) * (0.5 * _GELU_K))
            return grad * d, None
        cdf = (erf(x * _SQRT1_2) + 1) * 0.5
        pdf = exp(x * x * -0.5) * _INV_SQRT_2PI
        return grad * (cdf + x * pdf), None


def gelu(input, approximate: str = "none"):
    """x * Phi(x) (exact, via erf) or its tanh approximation."""
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    return Gelu.apply(input, approximate)
