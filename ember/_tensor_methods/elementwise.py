"""Tensor methods of the elementwise family (arithmetic, math, comparison, logic), in/out of place.

Out-of-place methods are the op functions themselves (their first parameter is `input`, so they
bind as methods with no extra call); in-place methods run the op and write the result into self.
"""
from __future__ import annotations

from ..ops import _output as _o
from ..ops import binary as _b
from ..ops import comparison as _c
from ..ops import elementwise as _ew
from ..ops import inplace as _ip
from ..ops import softmax as _softmax
from ..ops import unary as _u
from ._lazy import LazyModule

_activation = LazyModule(globals(), "_activation", "ember.ops.activation")


def _inplace(fn):
    """`t.fn_(*args)`: compute fn(t, *args) and write it into t (with its history)."""
    def method(self, *args, **kwargs):
        return _o.inplace(self, fn, *args, **kwargs)

    method.__name__ = method.__qualname__ = fn.__name__ + "_"
    method.__doc__ = f"In-place version of {fn.__name__}()."
    return method


def _compare_inplace(fn):
    def method(self, other):
        return _c.compare_(self, fn, other)

    method.__name__ = method.__qualname__ = fn.__name__ + "_"
    method.__doc__ = f"In-place version of {fn.__name__}(): the result is cast to self's dtype."
    return method


class ElementwiseMethods:
    __slots__ = ()

    # ---- arithmetic ---------------------------------------------------------------------------
    add = _ew.add
    add_ = _ip.add_
    sub = subtract = _ew.sub
    sub_ = subtract_ = _ip.sub_
    mul = multiply = _ew.mul
    mul_ = multiply_ = _ip.mul_
    div = divide = _ew.div
    div_ = divide_ = _ip.div_
    true_divide = _ew.true_divide
    true_divide_ = _inplace(_ew.true_divide)
    pow = _ew.pow
    pow_ = _ip.pow_
    addcmul = _ew.addcmul
    addcmul_ = _inplace(_ew.addcmul)
    addcdiv = _ew.addcdiv
    addcdiv_ = _inplace(_ew.addcdiv)
    neg = negative = _ew.neg
    neg_ = negative_ = _ip.neg_
    floor_divide = _b.floor_divide
    floor_divide_ = _inplace(_b.floor_divide)
    remainder = _b.remainder
    remainder_ = _inplace(_b.remainder)
    fmod = _b.fmod
    fmod_ = _inplace(_b.fmod)

    def rsub(self, other, *, alpha=1):
        return _ew.rsub(self, other, alpha=alpha)

    # ---- binary math --------------------------------------------------------------------------
    maximum = _b.maximum
    minimum = _b.minimum
    fmax = _b.fmax
    fmin = _b.fmin
    atan2 = arctan2 = _b.atan2
    atan2_ = arctan2_ = _inplace(_b.atan2)
    hypot = _b.hypot
    hypot_ = _inplace(_b.hypot)
    copysign = _b.copysign
    copysign_ = _inplace(_b.copysign)
    xlogy = _b.xlogy
    xlogy_ = _b.xlogy_
    lerp = _b.lerp
    lerp_ = _inplace(_b.lerp)
    clamp = clip = _b.clamp
    clamp_ = clip_ = _b.clamp_
    clamp_min = _b.clamp_min
    clamp_min_ = _b.clamp_min_
    clamp_max = _b.clamp_max
    clamp_max_ = _b.clamp_max_

    # ---- unary math ---------------------------------------------------------------------------
    abs = absolute = _u.abs
    abs_ = absolute_ = _u.abs_
    exp = _u.exp
    exp_ = _u.exp_
    exp2 = _u.exp2
    exp2_ = _u.exp2_
    expm1 = _u.expm1
    expm1_ = _u.expm1_
    log = _u.log
    log_ = _u.log_
    log2 = _u.log2
    log2_ = _u.log2_
    log10 = _u.log10
    log10_ = _u.log10_
    log1p = _u.log1p
    log1p_ = _u.log1p_
    sqrt = _u.sqrt
    sqrt_ = _u.sqrt_
    rsqrt = _u.rsqrt
    rsqrt_ = _u.rsqrt_
    reciprocal = _u.reciprocal
    reciprocal_ = _u.reciprocal_
    square = _u.square
    square_ = _u.square_
    sin = _u.sin
    sin_ = _u.sin_
    cos = _u.cos
    cos_ = _u.cos_
    tan = _u.tan
    tan_ = _u.tan_
    asin = arcsin = _u.asin
    asin_ = arcsin_ = _u.asin_
    acos = arccos = _u.acos
    acos_ = arccos_ = _u.acos_
    atan = arctan = _u.atan
    atan_ = arctan_ = _u.atan_
    sinh = _u.sinh
    sinh_ = _u.sinh_
    cosh = _u.cosh
    cosh_ = _u.cosh_
    tanh = _u.tanh
    tanh_ = _u.tanh_
    asinh = arcsinh = _u.asinh
    asinh_ = arcsinh_ = _u.asinh_
    acosh = arccosh = _u.acosh
    acosh_ = arccosh_ = _u.acosh_
    atanh = arctanh = _u.atanh
    atanh_ = arctanh_ = _u.atanh_
    sigmoid = _u.sigmoid
    sigmoid_ = _u.sigmoid_
    relu = _u.relu
    relu_ = _u.relu_
    sign = _u.sign
    sign_ = _u.sign_
    sgn = _u.sgn
    sgn_ = _u.sgn_
    floor = _u.floor
    floor_ = _u.floor_
    ceil = _u.ceil
    ceil_ = _u.ceil_
    trunc = fix = _u.trunc
    trunc_ = fix_ = _u.trunc_
    round = _u.round
    round_ = _u.round_
    frac = _u.frac
    frac_ = _u.frac_
    erf = _u.erf
    erf_ = _u.erf_
    erfc = _u.erfc
    erfc_ = _u.erfc_
    erfinv = _u.erfinv
    erfinv_ = _u.erfinv_
    positive = _u.positive
    nan_to_num = _c.nan_to_num
    nan_to_num_ = _c.nan_to_num_

    # ---- comparison and logic -----------------------------------------------------------------
    eq = _c.eq
    eq_ = _compare_inplace(_c.eq)
    ne = not_equal = _c.ne
    ne_ = not_equal_ = _compare_inplace(_c.ne)
    lt = less = _c.lt
    lt_ = less_ = _compare_inplace(_c.lt)
    le = less_equal = _c.le
    le_ = less_equal_ = _compare_inplace(_c.le)
    gt = greater = _c.gt
    gt_ = greater_ = _compare_inplace(_c.gt)
    ge = greater_equal = _c.ge
    ge_ = greater_equal_ = _compare_inplace(_c.ge)
    logical_and = _c.logical_and
    logical_and_ = _inplace(_c.logical_and)
    logical_or = _c.logical_or
    logical_or_ = _inplace(_c.logical_or)
    logical_xor = _c.logical_xor
    logical_xor_ = _inplace(_c.logical_xor)
    logical_not = _c.logical_not
    logical_not_ = _inplace(_c.logical_not)
    bitwise_and = _c.bitwise_and
    bitwise_and_ = _inplace(_c.bitwise_and)
    bitwise_or = _c.bitwise_or
    bitwise_or_ = _inplace(_c.bitwise_or)
    bitwise_xor = _c.bitwise_xor
    bitwise_xor_ = _inplace(_c.bitwise_xor)
    bitwise_not = _c.bitwise_not
    bitwise_not_ = _inplace(_c.bitwise_not)
    bitwise_left_shift = _c.bitwise_left_shift
    bitwise_left_shift_ = _inplace(_c.bitwise_left_shift)
    bitwise_right_shift = _c.bitwise_right_shift
    bitwise_right_shift_ = _inplace(_c.bitwise_right_shift)
    isnan = _c.isnan
    isinf = _c.isinf
    isfinite = _c.isfinite
    isposinf = _c.isposinf
    isneginf = _c.isneginf
    isreal = _c.isreal
    isclose = _c.isclose
    allclose = _c.allclose
    equal = _c.equal

    # ---- writes -------------------------------------------------------------------------------
    fill_ = _ip.fill_
    zero_ = _ip.zero_
    copy_ = _ip.copy_

    def where(self, condition, other):
        """x.where(cond, y): x where cond holds, else y (torch.where with self as input)."""
        return _ew.where(condition, self, other)

    # ---- nn activations that torch also exposes as methods --------------------------------------
    def softmax(self, dim, dtype=None):
        """Softmax along dim (Tensor.softmax requires dim, unlike F.softmax)."""
        return _softmax.softmax(self, dim, dtype=dtype)

    def log_softmax(self, dim, dtype=None):
        """Log-softmax along dim."""
        return _softmax.log_softmax(self, dim, dtype=dtype)

    def hardshrink(self, lambd: float = 0.5):
        return _activation.hardshrink(self, lambd)

    def prelu(self, weight):
        return _activation.prelu(self, weight)
