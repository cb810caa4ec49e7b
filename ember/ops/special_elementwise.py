"""Elementwise odds and ends of the math namespace: logaddexp/logaddexp2, frexp/ldexp,
float_power, heaviside, nextafter, gcd/lcm, signbit, rad2deg/deg2rad (PyTorch's dtypes and
gradients; heaviside, nextafter, gcd, lcm and signbit carry no gradient)."""
from __future__ import annotations

import math

import numpy as np

from .. import _dtype as _dt
from ..backend import array_module
from . import _op
from ._common import _float_input, binary
from ._op import Op
from ._output import _cap, _out
from ._output import inplace as _inplace
from ._util import _const
from .sorting import return_type
from .unary import exp2

__all__ = ["deg2rad", "deg2rad_", "float_power", "frexp", "gcd", "heaviside", "lcm", "ldexp",
           "ldexp_", "logaddexp", "logaddexp2", "nextafter", "rad2deg", "rad2deg_", "signbit"]


def _tensors(name, input, other):
    for pos, (arg, t) in enumerate((("input", input), ("other", other)), 1):
        if not isinstance(t, _op.Tensor):
            raise TypeError(f"{name}(): argument '{arg}' (position {pos}) must be Tensor, not "
                            f"{type(t).__name__}")


def _result(name, input, other, kinds="f"):
    _tensors(name, input, other)
    d = _dt.result_type(input, other)
    if d.np_dtype.kind not in kinds:
        raise NotImplementedError(f'"{name}_cpu" not implemented for \'{_cap(d)}\'')
    return d


class Logaddexp(Op):
    save_inputs = (0, 1)
    base2 = False

    @classmethod
    def forward(cls, ctx, x, y, dtype=None):
        if dtype is not None:
            x, y = x.astype(dtype), y.astype(dtype)
        xp = array_module(x)
        return xp.logaddexp2(x, y) if cls.base2 else xp.logaddexp(x, y)

    @classmethod
    def backward(cls, ctx, grad):
        x, y = ctx.inputs
        f = (lambda t: exp2(t)) if cls.base2 else (lambda t: t.exp())
        gx = grad / (1 + f(y - x)) if ctx.needs_input_grad[0] else None
        gy = grad / (1 + f(x - y)) if ctx.needs_input_grad[1] else None
        return gx, gy


class Logaddexp2(Logaddexp):
    base2 = True


def logaddexp(input, other, *, out=None):
    """log(exp(input) + exp(other)) without overflow."""
    _result("logaddexp", input, other)
    return _out(binary(Logaddexp, input, other), out)


def logaddexp2(input, other, *, out=None):
    """log2(2**input + 2**other) without overflow."""
    _result("logaddexp2", input, other)
    return _out(binary(Logaddexp2, input, other), out)


Frexp = return_type("frexp", ("mantissa", "exponent"))


class FrexpOp(Op):
    node_name = "FrexpBackward0"

    @staticmethod
    def forward(ctx, x):
        m, e = array_module(x).frexp(x)
        ctx.exponent = e
        return m

    @staticmethod
    def backward(ctx, grad):
        return grad / _const(np.ldexp(np.ones((), grad._data.dtype), ctx.exponent))


def frexp(input, *, out=None):
    """(mantissa, exponent) with input = mantissa * 2**exponent, |mantissa| in [0.5, 1)."""
    if not input.dtype.is_floating_point:
        raise RuntimeError("torch.frexp() only supports floating-point dtypes")
    m = FrexpOp.apply(input)
    xp = array_module(input._data)
    e = _op._new_tensor(xp.asarray(xp.frexp(input._data)[1], dtype=np.int32))  # 0-d stays an array
    if out is not None:
        _out(m, out[0])
        _out(e, out[1])
        return Frexp(out[0], out[1])
    return Frexp(m, e)


class Ldexp(Op):
    """input * 2**other for an integer `other`; the backward scales by 2**other computed in
    integer arithmetic, as PyTorch's LdexpBackward0 does (so negative exponents give 0)."""

    @staticmethod
    def forward(ctx, x, e):
        xp = array_module(x)
        ctx.factor = xp.where(e < 0, 0, xp.left_shift(1, xp.clip(e, 0, 62)))
        return x * xp.exp2(e.astype(x.dtype))

    @staticmethod
    def backward(ctx, grad):
        return grad * _const(ctx.factor.astype(grad._data.dtype)), None


def ldexp(input, other, *, out=None):
    """input * 2**other (a float result)."""
    _tensors("ldexp", input, other)
    x = _float_input(input)
    if other.dtype.is_floating_point or other.dtype.is_complex:
        return _out(x * exp2(other), out)
    if x.dtype.is_floating_point:
        shape = np.broadcast_shapes(tuple(x.shape), tuple(other.shape))
        return _out(Ldexp.apply(x.expand(shape), other.expand(shape)), out)
    return _out(x * exp2(other), out)


def float_power(input, exponent, *, out=None):
    """input ** exponent computed in float64 (complex128 when either side is complex)."""
    if not isinstance(input, _op.Tensor) and not isinstance(exponent, _op.Tensor):
        raise TypeError("float_power() expects at least one Tensor argument")
    cplx = any(isinstance(t, _op.Tensor) and t.dtype.is_complex or isinstance(t, complex)
               for t in (input, exponent))
    d = _dt.complex128 if cplx else _dt.float64
    b = input.to(d) if isinstance(input, _op.Tensor) else input
    e = exponent.to(d) if isinstance(exponent, _op.Tensor) else exponent
    if out is not None and out.dtype != d:
        raise RuntimeError(f"the output given to float_power has dtype {out.dtype} but the "
                           f"operation's result requires dtype {d}")
    r = b.pow(e) if isinstance(b, _op.Tensor) else e.__rpow__(b)
    return _out(r, out)


def _no_grad_binary(name, fn, input, other, kinds, out, same_dtype=False):
    d = _result(name, input, other, kinds)
    if same_dtype and input.dtype != other.dtype:
        raise RuntimeError(f"{name} is not yet implemented for tensors with different dtypes.")
    x, y = input._data.astype(d.np_dtype), other._data.astype(d.np_dtype)
    xp = array_module(x)
    return _out(_op._new_tensor(xp.asarray(fn(xp, x, y)).astype(d.np_dtype, copy=False)), out)


def heaviside(input, values, *, out=None):
    """0 where input < 0, 1 where input > 0, values where input == 0."""
    return _no_grad_binary("heaviside", lambda xp, x, v: xp.where(x == 0, v, (x > 0)), input,
                           values, "fiub", out, same_dtype=True)


def nextafter(input, other, *, out=None):
    """The next float after input in the direction of other."""
    return _no_grad_binary("nextafter", lambda xp, x, y: xp.nextafter(x, y), input, other, "f",
                           out)


def gcd(input, other, *, out=None):
    """The greatest common divisor (non-negative) of integer tensors."""
    return _no_grad_binary("gcd", lambda xp, x, y: xp.gcd(x, y), input, other, "iu", out)


def lcm(input, other, *, out=None):
    """The least common multiple (non-negative) of integer tensors."""
    return _no_grad_binary("lcm", lambda xp, x, y: xp.lcm(x, y), input, other, "iu", out)


def signbit(input, *, out=None):
    """Whether the sign bit is set (True for -0.0)."""
    x = input._data
    return _out(_op._new_tensor(array_module(x).signbit(x)), out)


def rad2deg(input, *, out=None):
    """Radians to degrees."""
    return _out(_float_input(input) * (180.0 / math.pi), out)


def deg2rad(input, *, out=None):
    """Degrees to radians."""
    return _out(_float_input(input) * (math.pi / 180.0), out)


def _make_inplace(fn):
    def fn_(input, *args, **kwargs):
        return _inplace(input, fn, *args, **kwargs)

    fn_.__name__ = fn_.__qualname__ = fn.__name__ + "_"
    fn_.__doc__ = f"In-place {fn.__name__}."
    return fn_


deg2rad_ = _make_inplace(deg2rad)
rad2deg_ = _make_inplace(rad2deg)
ldexp_ = _make_inplace(ldexp)
