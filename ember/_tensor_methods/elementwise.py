"""Tensor methods of the elementwise family (arithmetic, math, comparison, logic), in/out of place.

Out-of-place methods are the op functions themselves (their first parameter is `input`, so they
bind as methods with no extra call); in-place methods run the op and write the result into self.
"""
from __future__ import annotations

from ..ops import elementwise as _ew  # also loads unary, binary and comparison, which it re-exports


def _inplace(fn):
    """`t.fn_(*args)`: compute fn(t, *args) and write it into t (with its history)."""
    def method(self, *args, **kwargs):
        return _ew.inplace(self, fn, *args, **kwargs)

    method.__name__ = method.__qualname__ = fn.__name__ + "_"
    method.__doc__ = f"In-place version of {fn.__name__}()."
    return method


def _compare_inplace(fn):
    def method(self, other):
        return _ew._comparison.compare_(self, fn, other)

    method.__name__ = method.__qualname__ = fn.__name__ + "_"
    method.__doc__ = f"In-place version of {fn.__name__}(): the result is cast to self's dtype."
    return method


class ElementwiseMethods:
    __slots__ = ()

    # ---- arithmetic ---------------------------------------------------------------------------
    add = _ew.add
    add_ = _ew.add_
    sub = subtract = _ew.sub
    sub_ = subtract_ = _ew.sub_
    mul = multiply = _ew.mul
    mul_ = multiply_ = _ew.mul_
    div = divide = _ew.div
    div_ = divide_ = _ew.div_
    true_divide = _ew.true_divide
    true_divide_ = _inplace(_ew.true_divide)
    pow = _ew.pow
    pow_ = _ew.pow_
    neg = negative = _ew.neg
    neg_ = negative_ = _ew.neg_
    floor_divide = _ew.floor_divide
    floor_divide_ = _inplace(_ew.floor_divide)
    remainder = _ew.remainder
    remainder_ = _inplace(_ew.remainder)
    fmod = _ew.fmod
    fmod_ = _inplace(_ew.fmod)

    def rsub(self, other, *, alpha=1):
        return _ew.rsub(self, other, alpha=alpha)

    # ---- binary math --------------------------------------------------------------------------
    maximum = _ew.maximum
    minimum = _ew.minimum
    fmax = _ew.fmax
    fmin = _ew.fmin
    atan2 = arctan2 = _ew.atan2
    atan2_ = arctan2_ = _inplace(_ew.atan2)
    hypot = _ew.hypot
    hypot_ = _inplace(_ew.hypot)
    copysign = _ew.copysign
    copysign_ = _inplace(_ew.copysign)
    xlogy = _ew.xlogy
    xlogy_ = _ew.xlogy_
    lerp = _ew.lerp
    lerp_ = _inplace(_ew.lerp)
    clamp = clip = _ew.clamp
    clamp_ = clip_ = _ew.clamp_
    clamp_min = _ew.clamp_min
    clamp_min_ = _ew.clamp_min_
    clamp_max = _ew.clamp_max
    clamp_max_ = _ew.clamp_max_

    # ---- unary math ---------------------------------------------------------------------------
    abs = absolute = _ew.abs
    abs_ = absolute_ = _ew.abs_
    exp = _ew.exp
    exp_ = _ew.exp_
    exp2 = _ew.exp2
    exp2_ = _ew.exp2_
    expm1 = _ew.expm1
    expm1_ = _ew.expm1_
    log = _ew.log
    log_ = _ew.log_
    log2 = _ew.log2
    log2_ = _ew.log2_
    log10 = _ew.log10
    log10_ = _ew.log10_
    log1p = _ew.log1p
    log1p_ = _ew.log1p_
    sqrt = _ew.sqrt
    sqrt_ = _ew.sqrt_
    rsqrt = _ew.rsqrt
    rsqrt_ = _ew.rsqrt_
    reciprocal = _ew.reciprocal
    reciprocal_ = _ew.reciprocal_
    square = _ew.square
    square_ = _ew.square_
    sin = _ew.sin
    sin_ = _ew.sin_
    cos = _ew.cos
    cos_ = _ew.cos_
    tan = _ew.tan
    tan_ = _ew.tan_
    asin = arcsin = _ew.asin
    asin_ = arcsin_ = _ew.asin_
    acos = arccos = _ew.acos
    acos_ = arccos_ = _ew.acos_
    atan = arctan = _ew.atan
    atan_ = arctan_ = _ew.atan_
    sinh = _ew.sinh
    sinh_ = _ew.sinh_
    cosh = _ew.cosh
    cosh_ = _ew.cosh_
    tanh = _ew.tanh
    tanh_ = _ew.tanh_
    asinh = arcsinh = _ew.asinh
    asinh_ = arcsinh_ = _ew.asinh_
    acosh = arccosh = _ew.acosh
    acosh_ = arccosh_ = _ew.acosh_
    atanh = arctanh = _ew.atanh
    atanh_ = arctanh_ = _ew.atanh_
    sigmoid = _ew.sigmoid
    sigmoid_ = _ew.sigmoid_
    relu = _ew.relu
    relu_ = _ew.relu_
    sign = _ew.sign
    sign_ = _ew._unary.sign_
    sgn = _ew.sgn
    sgn_ = _ew._unary.sgn_
    floor = _ew.floor
    floor_ = _ew.floor_
    ceil = _ew.ceil
    ceil_ = _ew.ceil_
    trunc = fix = _ew.trunc
    trunc_ = fix_ = _ew.trunc_
    round = _ew.round
    round_ = _ew.round_
    frac = _ew.frac
    frac_ = _ew.frac_
    erf = _ew.erf
    erf_ = _ew.erf_
    erfc = _ew.erfc
    erfc_ = _ew.erfc_
    erfinv = _ew.erfinv
    erfinv_ = _ew._unary.erfinv_
    positive = _ew.positive
    nan_to_num = _ew.nan_to_num
    nan_to_num_ = _ew.nan_to_num_

    # ---- comparison and logic -----------------------------------------------------------------
    eq = _ew.eq
    eq_ = _compare_inplace(_ew.eq)
    ne = not_equal = _ew.ne
    ne_ = not_equal_ = _compare_inplace(_ew.ne)
    lt = less = _ew.lt
    lt_ = less_ = _compare_inplace(_ew.lt)
    le = less_equal = _ew.le
    le_ = less_equal_ = _compare_inplace(_ew.le)
    gt = greater = _ew.gt
    gt_ = greater_ = _compare_inplace(_ew.gt)
    ge = greater_equal = _ew.ge
    ge_ = greater_equal_ = _compare_inplace(_ew.ge)
    logical_and = _ew.logical_and
    logical_and_ = _inplace(_ew.logical_and)
    logical_or = _ew.logical_or
    logical_or_ = _inplace(_ew.logical_or)
    logical_xor = _ew.logical_xor
    logical_xor_ = _inplace(_ew.logical_xor)
    logical_not = _ew.logical_not
    logical_not_ = _inplace(_ew.logical_not)
    bitwise_and = _ew.bitwise_and
    bitwise_and_ = _inplace(_ew.bitwise_and)
    bitwise_or = _ew.bitwise_or
    bitwise_or_ = _inplace(_ew.bitwise_or)
    bitwise_xor = _ew.bitwise_xor
    bitwise_xor_ = _inplace(_ew.bitwise_xor)
    bitwise_not = _ew.bitwise_not
    bitwise_not_ = _inplace(_ew.bitwise_not)
    bitwise_left_shift = _ew.bitwise_left_shift
    bitwise_left_shift_ = _inplace(_ew.bitwise_left_shift)
    bitwise_right_shift = _ew.bitwise_right_shift
    bitwise_right_shift_ = _inplace(_ew.bitwise_right_shift)
    isnan = _ew.isnan
    isinf = _ew.isinf
    isfinite = _ew.isfinite
    isposinf = _ew.isposinf
    isneginf = _ew.isneginf
    isreal = _ew.isreal
    isclose = _ew.isclose
    allclose = _ew.allclose
    equal = _ew.equal

    # ---- writes -------------------------------------------------------------------------------
    fill_ = _ew.fill_
    zero_ = _ew.zero_
    copy_ = _ew.copy_

    def where(self, condition, other):
        """x.where(cond, y): x where cond holds, else y (torch.where with self as input)."""
        return _ew.where(condition, self, other)

    # ---- nn activations that torch also exposes as methods --------------------------------------
    def softmax(self, dim, dtype=None):
        """Softmax along dim (Tensor.softmax requires dim, unlike F.softmax)."""
        from ..ops import softmax as _softmax

        return _softmax.softmax(self, dim, dtype=dtype)

    def log_softmax(self, dim, dtype=None):
        """Log-softmax along dim."""
        from ..ops import softmax as _softmax

        return _softmax.log_softmax(self, dim, dtype=dtype)

    def hardshrink(self, lambd: float = 0.5):
        from ..ops import activation as _activation

        return _activation.hardshrink(self, lambd)

    def prelu(self, weight):
        from ..ops import activation as _activation

        return _activation.prelu(self, weight)
