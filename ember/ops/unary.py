"""Unary math: exp/log families, powers and roots, trigonometry, sigmoid/relu, rounding, erf.

Integer and bool inputs of the transcendental ops compute in the default float dtype (as PyTorch);
abs/sign/rounding/relu keep integer dtypes. Ops whose derivative is a function of their result
(exp, sqrt, tanh, sigmoid, relu, ...) keep the output instead of the input. Arithmetic is in
elementwise.py.
"""
from __future__ import annotations

import math

import numpy as np

from ..backend import array_module
from . import _op
from ._common import _float_input, keep_or_zero
from ._op import Op
from ._output import _cap, _out, inplace
from ._util import _const, _zeros
from .complex import complex, where_zero
from .elementwise import pow, where

__all__ = ["abs", "abs_", "absolute", "absolute_", "acos", "acos_", "acosh", "acosh_", "arccos",
           "arccos_", "arccosh", "arccosh_", "arcsin", "arcsin_", "arcsinh", "arcsinh_", "arctan",
           "arctan_", "arctanh", "arctanh_", "asin", "asin_", "asinh", "asinh_", "atan", "atan_",
           "atanh", "atanh_", "ceil", "ceil_", "cos", "cos_", "cosh", "cosh_", "erf", "erf_",
           "erfc", "erfc_", "erfinv", "exp", "exp2", "exp2_", "exp_", "expm1", "expm1_", "fix",
           "fix_", "floor", "floor_", "frac", "frac_", "log", "log1p", "log1p_", "log2", "log2_",
           "log10", "log10_", "log_", "positive", "reciprocal", "reciprocal_", "relu", "relu_",
           "round", "round_", "rsqrt", "rsqrt_", "sgn", "sigmoid", "sigmoid_", "sign", "sin",
           "sin_", "sinh", "sinh_", "sqrt", "sqrt_", "square", "square_", "tan", "tan_", "tanh",
           "tanh_", "trunc", "trunc_"]

_LN2 = math.log(2.0)
_LN10 = math.log(10.0)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
_SQRT_PI_OVER_TWO = math.sqrt(math.pi) / 2.0
_ndarray = np.ndarray
_np_exp = np.exp
_np_log = np.log


def _cj(t):
    """conj(t) for complex t, else t: holomorphic backwards take grad * conj(f'(z)) (torch's
    convention), and f'(conj z) = conj(f'(z)) for these real-coefficient functions."""
    return t.conj() if t._data.dtype.kind == "c" else t


def _not_implemented(name: str, t) -> NotImplementedError:
    return NotImplementedError(f'"{name}_cpu" not implemented for \'{_cap(t.dtype)}\'')


# ---- exponentials and logarithms -------------------------------------------------------------


class Exp(Op):
    @staticmethod
    def forward(ctx, x):
        ctx.save_output()
        return _np_exp(x) if x.__class__ is _ndarray else array_module(x).exp(x)

    @staticmethod
    def backward(ctx, grad):
        return grad * _cj(ctx.output)


class Exp2(Op):
    @staticmethod
    def forward(ctx, x):
        ctx.save_output()
        return array_module(x).exp2(x)

    @staticmethod
    def backward(ctx, grad):
        return grad * (_cj(ctx.output) * _LN2)


class Expm1(Op):
    @staticmethod
    def forward(ctx, x):
        ctx.save_output()
        return array_module(x).expm1(x)

    @staticmethod
    def backward(ctx, grad):
        return grad * (_cj(ctx.output) + 1)


class Log(Op):
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, x):
        return _np_log(x) if x.__class__ is _ndarray else array_module(x).log(x)

    @staticmethod
    def backward(ctx, grad):
        return grad / _cj(ctx.inputs[0])


class Log2(Op):
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, x):
        return array_module(x).log2(x)

    @staticmethod
    def backward(ctx, grad):
        return grad / (_cj(ctx.inputs[0]) * _LN2)


class Log10(Op):
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, x):
        return array_module(x).log10(x)

    @staticmethod
    def backward(ctx, grad):
        return grad / (_cj(ctx.inputs[0]) * _LN10)


class Log1P(Op):
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, x):
        return array_module(x).log1p(x)

    @staticmethod
    def backward(ctx, grad):
        return grad / (_cj(ctx.inputs[0]) + 1)


# ---- roots and reciprocals -------------------------------------------------------------------


class Sqrt(Op):
    @staticmethod
    def forward(ctx, x):
        ctx.save_output()
        return array_module(x).sqrt(x)

    @staticmethod
    def backward(ctx, grad):
        return grad / (_cj(ctx.output) * 2)


class Rsqrt(Op):
    @staticmethod
    def forward(ctx, x):
        ctx.save_output()
        xp = array_module(x)
        return xp.reciprocal(xp.sqrt(x))

    @staticmethod
    def backward(ctx, grad):
        y = _cj(ctx.output)
        return grad * (y * y * y * -0.5)


class Reciprocal(Op):
    @staticmethod
    def forward(ctx, x):
        ctx.save_output()
        return array_module(x).reciprocal(x)

    @staticmethod
    def backward(ctx, grad):
        y = _cj(ctx.output)
        return grad * -(y * y)


# ---- trigonometric and hyperbolic ------------------------------------------------------------


class Sin(Op):
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, x):
        return array_module(x).sin(x)

    @staticmethod
    def backward(ctx, grad):
        return grad * cos(_cj(ctx.inputs[0]))


class Cos(Op):
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, x):
        return array_module(x).cos(x)

    @staticmethod
    def backward(ctx, grad):
        return grad * -sin(_cj(ctx.inputs[0]))


class Tan(Op):
    @staticmethod
    def forward(ctx, x):
        ctx.save_output()
        return array_module(x).tan(x)

    @staticmethod
    def backward(ctx, grad):
        y = _cj(ctx.output)
        return grad * (y * y + 1)


class Asin(Op):
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, x):
        return array_module(x).arcsin(x)

    @staticmethod
    def backward(ctx, grad):
        x = _cj(ctx.inputs[0])
        return grad * rsqrt(1 - x * x)


class Acos(Op):
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, x):
        return array_module(x).arccos(x)

    @staticmethod
    def backward(ctx, grad):
        x = _cj(ctx.inputs[0])
        return grad * -rsqrt(1 - x * x)


class Atan(Op):
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, x):
        return array_module(x).arctan(x)

    @staticmethod
    def backward(ctx, grad):
        x = _cj(ctx.inputs[0])
        return grad / (x * x + 1)


class Sinh(Op):
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, x):
        return array_module(x).sinh(x)

    @staticmethod
    def backward(ctx, grad):
        return grad * cosh(_cj(ctx.inputs[0]))


class Cosh(Op):
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, x):
        return array_module(x).cosh(x)

    @staticmethod
    def backward(ctx, grad):
        return grad * sinh(_cj(ctx.inputs[0]))


class Tanh(Op):
    @staticmethod
    def forward(ctx, x):
        ctx.save_output()
        return array_module(x).tanh(x)

    @staticmethod
    def backward(ctx, grad):
        y = _cj(ctx.output)
        return grad * (1 - y * y)


class Asinh(Op):
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, x):
        return array_module(x).arcsinh(x)

    @staticmethod
    def backward(ctx, grad):
        x = _cj(ctx.inputs[0])
        return grad * rsqrt(x * x + 1)


class Acosh(Op):
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, x):
        return array_module(x).arccosh(x)

    @staticmethod
    def backward(ctx, grad):
        x = _cj(ctx.inputs[0])
        if x._data.dtype.kind == "c":  # torch's branch: rsqrt(x + 1) rsqrt(x - 1), not rsqrt(x^2 - 1)
            return grad * (rsqrt(x + 1) * rsqrt(x - 1))
        return grad * rsqrt(x * x - 1)


class Atanh(Op):
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, x):
        return array_module(x).arctanh(x)

    @staticmethod
    def backward(ctx, grad):
        x = _cj(ctx.inputs[0])
        return grad / (1 - x * x)


# ---- activations -----------------------------------------------------------------------------


def _sigmoid_array(x):
    """1 / (1 + exp(-x)) on a raw array: the one sigmoid formula (ops and their backwards)."""
    xp = array_module(x)
    y = xp.exp(-x)  # overflows to inf for x < -88 (float32): 1 / inf = 0, as PyTorch
    y += 1
    return xp.reciprocal(y, out=y) if y.ndim else 1 / y


class Sigmoid(Op):
    @staticmethod
    def forward(ctx, x):
        ctx.save_output()
        return _sigmoid_array(x)

    @staticmethod
    def backward(ctx, grad):
        y = _cj(ctx.output)
        return grad * (y * (1 - y))


class Relu(Op):
    @staticmethod
    def forward(ctx, x):
        ctx.save_output()
        if x.__class__ is _ndarray and x.dtype.kind == "f":
            if x.dtype.itemsize == 2:  # (NumPy's half maximum(0, -0.0) is +0.0)
                return np.where(x < 0, x.dtype.type(0), x)
            # max(0, x) into a zeros buffer: NumPy's array-array loop is ~2x faster than its
            # array-scalar one, and zeros first keep -0.0 as torch's relu does
            y = np.zeros_like(x)
            return np.maximum(y, x, out=y)
        return array_module(x).maximum(x, 0)

    @staticmethod
    def backward(ctx, grad):
        return ThresholdBackward.apply(grad, ctx.output)


class ThresholdBackward(Op):
    """relu's gradient, grad unless result <= 0 (relu'(0) = 0, NaN passes grad, as PyTorch)."""

    node_name = "ThresholdBackwardBackward0"

    @staticmethod
    def forward(ctx, g, y):
        ctx.mask = keep = ~(y <= 0)
        return keep_or_zero(g, keep)

    @staticmethod
    def backward(ctx, grad):
        gg = where(_const(ctx.mask), grad, 0.0) if ctx.needs_input_grad[0] else None
        return gg, (_zeros(grad) if ctx.needs_input_grad[1] else None)




# ---- sign and rounding (piecewise constant: zero gradient) -----------------------------------


class Sign(Op):
    @staticmethod
    def forward(ctx, x):
        xp = array_module(x)
        y = _op.as_array(xp.sign(x))
        return xp.nan_to_num(y, copy=False, nan=0) if x.dtype.kind != "i" else y  # sign(nan) = 0

    @staticmethod
    def backward(ctx, grad):
        return _zeros(grad)


class Sgn(Sign):
    save_inputs = (0,)

    @staticmethod
    def backward(ctx, grad):
        (z,) = ctx.inputs
        if z._data.dtype.kind != "c":
            return _zeros(grad)
        # sgn(z) = e^{i angle z}: only the angle moves, so the gradient is the tangential part
        # Re(conj(g) i s) times i s / |z| (0 at z = 0, as torch)
        s = sgn(z)
        a = z.abs()
        r = (grad.real * -s.imag + grad.imag * s.real) / a
        return where_zero(z, complex(-s.imag * r, s.real * r))


class Abs(Op):
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, x):
        return array_module(x).abs(x)

    @staticmethod
    def backward(ctx, grad):
        return grad * sgn(ctx.inputs[0])


class Floor(Sign):
    @staticmethod
    def forward(ctx, x):
        return array_module(x).floor(x)


class Ceil(Sign):
    @staticmethod
    def forward(ctx, x):
        return array_module(x).ceil(x)


class Trunc(Sign):
    @staticmethod
    def forward(ctx, x):
        return array_module(x).trunc(x)


class Round(Sign):
    @staticmethod
    def forward(ctx, x):
        return array_module(x).rint(x)


class RoundDecimals(Sign):
    """round(x, decimals): PyTorch scales by 10**|decimals| in the tensor's own dtype."""

    node_name = "RoundBackward1"

    @staticmethod
    def forward(ctx, x, decimals):
        xp = array_module(x)
        scale = x.dtype.type(10.0 ** (decimals if decimals > 0 else -decimals))
        if decimals > 0:
            return xp.rint(x * scale) / scale
        return xp.rint(x / scale) * scale


class Frac(Op):
    @staticmethod
    def forward(ctx, x):
        return x - array_module(x).trunc(x)

    @staticmethod
    def backward(ctx, grad):
        return grad


# ---- error function (no SciPy: fdlibm's rational approximations, vectorised) -----------------

_PP = (1.28379167095512558561e-01, -3.25042107247001499370e-01, -2.84817495755985104766e-02,
       -5.77027029648944159157e-03, -2.37630166566501626084e-05)
_QQ = (1.0, 3.97917223959155352819e-01, 6.50222499887672944485e-02, 5.08130628187576562776e-03,
       1.32494738004321644526e-04, -3.96022827877536812320e-06)
_PA = (-2.36211856075265944077e-03, 4.14856118683748331666e-01, -3.72207876035701323847e-01,
       3.18346619901161753674e-01, -1.10894694282396677476e-01, 3.54783043256182359371e-02,
       -2.16637559486879084300e-03)
_QA = (1.0, 1.06420880400844228286e-01, 5.40397917702171048937e-01, 7.18286544141962662868e-02,
       1.26171219808761642112e-01, 1.36370839120290507362e-02, 1.19844998467991074170e-02)
_RA = (-9.86494403484714822705e-03, -6.93858572707181764372e-01, -1.05586262253232909814e+01,
       -6.23753324503260060396e+01, -1.62396669462573470355e+02, -1.84605092906711035994e+02,
       -8.12874355063065934246e+01, -9.81432934416914548592e+00)
_SA = (1.0, 1.96512716674392571292e+01, 1.37657754143519042600e+02, 4.34565877475229228821e+02,
       6.45387271733267880336e+02, 4.29008140027567833386e+02, 1.08635005541779435134e+02,
       6.57024977031928170135e+00, -6.04244152148580987438e-02)
_RB = (-9.86494292470009928597e-03, -7.99283237680523006574e-01, -1.77579549177547519889e+01,
       -1.60636384855821916062e+02, -6.37566443368389627722e+02, -1.02509513161107724954e+03,
       -4.83519191608651397019e+02)
_SB = (1.0, 3.03380607434824582924e+01, 3.25792512996573918826e+02, 1.53672958608443695994e+03,
       3.19985821950859553908e+03, 2.55305040643316442583e+03, 4.74528541206955367215e+02,
       -2.24409524465858183362e+01)
_ERX = 8.45062911510467529297e-01


def _poly(c, z):
    r = c[-1]
    for a in c[-2::-1]:
        r = r * z + a
    return r


def _erf_erfc(x, want_erfc: bool):
    """erf(x) or erfc(x) in float64 to about 1 ulp (Sun's fdlibm s_erf.c, region by region)."""
    xp = array_module(x)
    x = x.astype(np.float64)
    ax = xp.abs(x)
    z = x * x
    r1 = _poly(_PP, z) / _poly(_QQ, z)  # |x| < 0.84375: erf = x + x * r1
    s = ax - 1
    r2 = _poly(_PA, s) / _poly(_QA, s)  # 0.84375 <= |x| < 1.25: erf = erx + r2
    t = 1 / xp.maximum(z, 1e-300)
    big = ax >= 1 / 0.35
    rs = xp.where(big, _poly(_RB, t) / _poly(_SB, t), _poly(_RA, t) / _poly(_SA, t))
    hi = (ax.view(np.uint64) & np.uint64(0xFFFFFFFF00000000)).view(np.float64)
    tail = xp.exp(-hi * hi - 0.5625) * xp.exp((hi - ax) * (hi + ax) + rs) / ax  # erfc(|x|)
    neg = x < 0
    small, mid = ax < 0.84375, ax < 1.25
    if want_erfc:
        res = xp.where(neg, 2 - tail, tail)
        res = xp.where(mid, xp.where(neg, 1 + _ERX + r2, 1 - _ERX - r2), res)
        res = xp.where(small, xp.where(x < 0.25, 1 - (x + x * r1), 0.5 - (x - 0.5 + x * r1)), res)
        return xp.where(ax >= 28, xp.where(neg, 2.0, 0.0), res)
    res = xp.where(ax >= 6, 1.0, 1 - tail)
    res = xp.where(mid, _ERX + r2, res)
    res = xp.copysign(res, x)
    return xp.where(small, x + x * r1, res)


def _erfinv(y):
    """Inverse erf: Giles' single-precision guess, then three Newton steps (float64)."""
    xp = array_module(y)
    y = y.astype(np.float64)
    a = xp.abs(y)
    w = -xp.log((1 - a) * (1 + a))
    w1 = w - 2.5
    p1 = _poly((1.50140941, 0.246640727, -0.00417768164, -0.00125372503, 0.00021858087,
                -4.39150654e-06, -3.5233877e-06, 3.43273939e-07, 2.81022636e-08), w1)
    w2 = xp.sqrt(w) - 3
    p2 = _poly((2.83297682, 1.00167406, 0.00943887047, -0.0076224613, 0.00573950773,
                -0.00367342844, 0.00134934322, 0.000100950558, -0.000200214257), w2)
    x = xp.where(w < 5, p1, p2) * a
    ok = a < 1
    x = xp.where(ok, x, 0.0)
    q = 1 - a  # exact for float inputs near 1
    central = a < 0.5
    for _ in range(3):  # Newton on erf near 0, on log(erfc) in the tails: full relative accuracy
        d = _TWO_OVER_SQRT_PI * xp.exp(-x * x)
        c = _erf_erfc(x, True)
        step_tail = (xp.log(c) - xp.log(q)) * c / d
        x = x + xp.where(central, (a - _erf_erfc(x, False)) / d, step_tail)
    x = xp.where(ok, x, xp.where(a == 1, np.inf, np.nan))
    return xp.copysign(x, y)


class Erf(Op):
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, x):
        return _erf_erfc(x, False).astype(x.dtype)

    @staticmethod
    def backward(ctx, grad):
        x = ctx.inputs[0]
        return grad * (exp(-(x * x)) * _TWO_OVER_SQRT_PI)


class Erfc(Op):
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, x):
        return _erf_erfc(x, True).astype(x.dtype)

    @staticmethod
    def backward(ctx, grad):
        x = ctx.inputs[0]
        return grad * (exp(-(x * x)) * -_TWO_OVER_SQRT_PI)


class Erfinv(Op):
    @staticmethod
    def forward(ctx, x):
        ctx.save_output()
        return _erfinv(x).astype(x.dtype)

    @staticmethod
    def backward(ctx, grad):
        y = ctx.output
        return grad * (exp(y * y) * _SQRT_PI_OVER_TWO)


# ---- public functions ------------------------------------------------------------------------


def _float_unary(op):
    """The public function of a float-valued unary op (integer inputs compute in default float)."""
    def fn(input, *, out=None):
        if input.__class__ is not _op.Tensor or input._data.dtype.kind in "iub":
            input = _float_input(input)
        y = op.apply(input)
        return y if out is None else _out(y, out)

    fn.__name__ = fn.__qualname__ = op.__name__.lower()
    fn.__doc__ = f"Elementwise {fn.__name__}; integer inputs give the default float dtype."
    return fn


exp = _float_unary(Exp)
exp2 = _float_unary(Exp2)
expm1 = _float_unary(Expm1)
log = _float_unary(Log)
log2 = _float_unary(Log2)
log10 = _float_unary(Log10)
log1p = _float_unary(Log1P)
sqrt = _float_unary(Sqrt)
rsqrt = _float_unary(Rsqrt)
reciprocal = _float_unary(Reciprocal)
sin = _float_unary(Sin)
cos = _float_unary(Cos)
tan = _float_unary(Tan)
asin = arcsin = _float_unary(Asin)
acos = arccos = _float_unary(Acos)
atan = arctan = _float_unary(Atan)
sinh = _float_unary(Sinh)
cosh = _float_unary(Cosh)
tanh = _float_unary(Tanh)
asinh = arcsinh = _float_unary(Asinh)
acosh = arccosh = _float_unary(Acosh)
atanh = arctanh = _float_unary(Atanh)
sigmoid = _float_unary(Sigmoid)
erf = _float_unary(Erf)
erfc = _float_unary(Erfc)
erfinv = _float_unary(Erfinv)


def _tensor_arg(input, name: str):
    if not isinstance(input, _op.Tensor):
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    return input


def abs(input, *, out=None):
    if _tensor_arg(input, "abs")._data.dtype.kind == "b":
        raise _not_implemented("abs", input)
    return _out(Abs.apply(input), out)


absolute = abs


def relu(input):
    """max(x, 0); integer tensors stay integer, bool is refused (as PyTorch)."""
    if _tensor_arg(input, "relu")._data.dtype.kind == "b":
        raise RuntimeError("Boolean inputs not supported for relu")
    return Relu.apply(input)


def sign(input, *, out=None):
    if _tensor_arg(input, "sign")._data.dtype.kind == "b":
        return _out(input.clone(), out)
    return _out(Sign.apply(input), out)


def sgn(input, *, out=None):
    if _tensor_arg(input, "sgn")._data.dtype.kind == "b":
        return _out(input.clone(), out)
    return _out(Sgn.apply(input), out)


def _rounding(op, name):
    def fn(input, *, out=None):
        kind = _tensor_arg(input, name)._data.dtype.kind
        if kind in "iu":
            return _out(input.clone(), out)
        if kind == "b":
            raise NotImplementedError(f'"{name}_vml_cpu" not implemented for \'Bool\'')
        return _out(op.apply(input), out)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"Elementwise {name}; integer tensors are returned as a copy."
    return fn


floor = _rounding(Floor, "floor")
ceil = _rounding(Ceil, "ceil")
trunc = fix = _rounding(Trunc, "trunc")
_round0 = _rounding(Round, "round")


def round(input, *, decimals: int = 0, out=None):
    """Round half to even; `decimals` rounds at 10**-decimals (RoundBackward1)."""
    if decimals == 0:
        return _round0(input, out=out)
    if _tensor_arg(input, "round")._data.dtype.kind in "biu":
        raise _not_implemented("round", input)
    return _out(RoundDecimals.apply(input, decimals), out)


def frac(input, *, out=None):
    if _tensor_arg(input, "frac")._data.dtype.kind in "biu":
        raise _not_implemented("frac", input)
    return _out(Frac.apply(input), out)


def square(input, *, out=None):
    """input ** 2 (PowBackward0); bool squares to int64 as in PyTorch."""
    return pow(_tensor_arg(input, "square"), 2, out=out)


def positive(input):
    """Returns input itself; bool is refused."""
    if _tensor_arg(input, "positive")._data.dtype.kind == "b":
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input


# ---- in-place forms: torch.exp_(t) and friends -----------------------------------------------


def _make_inplace(fn):
    def fn_(input, *args, **kwargs):
        return inplace(input, fn, *args, **kwargs)

    fn_.__name__ = fn_.__qualname__ = fn.__name__ + "_"
    fn_.__doc__ = f"In-place {fn.__name__}."
    return fn_


abs_ = absolute_ = _make_inplace(abs)
exp_ = _make_inplace(exp)
exp2_ = _make_inplace(exp2)
expm1_ = _make_inplace(expm1)
log_ = _make_inplace(log)
log2_ = _make_inplace(log2)
log10_ = _make_inplace(log10)
log1p_ = _make_inplace(log1p)
sqrt_ = _make_inplace(sqrt)
rsqrt_ = _make_inplace(rsqrt)
reciprocal_ = _make_inplace(reciprocal)
sin_ = _make_inplace(sin)
cos_ = _make_inplace(cos)
tan_ = _make_inplace(tan)
asin_ = arcsin_ = _make_inplace(asin)
acos_ = arccos_ = _make_inplace(acos)
atan_ = arctan_ = _make_inplace(atan)
sinh_ = _make_inplace(sinh)
cosh_ = _make_inplace(cosh)
tanh_ = _make_inplace(tanh)
asinh_ = arcsinh_ = _make_inplace(asinh)
acosh_ = arccosh_ = _make_inplace(acosh)
atanh_ = arctanh_ = _make_inplace(atanh)
sigmoid_ = _make_inplace(sigmoid)
relu_ = _make_inplace(relu)
erf_ = _make_inplace(erf)
erfc_ = _make_inplace(erfc)
erfinv_ = _make_inplace(erfinv)
sign_ = _make_inplace(sign)
sgn_ = _make_inplace(sgn)
floor_ = _make_inplace(floor)
ceil_ = _make_inplace(ceil)
trunc_ = fix_ = _make_inplace(trunc)
round_ = _make_inplace(round)
frac_ = _make_inplace(frac)
square_ = _make_inplace(square)
