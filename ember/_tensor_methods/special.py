"""Tensor methods of the special-function and statistics families (lgamma, i0, logit, cov,
quantile, histc, logaddexp, gcd...), in and out of place."""
from __future__ import annotations

from ..ops import _output as _o
from ..ops import special as _sp
from ..ops import special_elementwise as _se
from ..ops import statistics as _st


def _inplace(fn):
    """`t.fn_(*args)`: compute fn(t, *args) and write it into t (with its history)."""
    def method(self, *args, **kwargs):
        return _o.inplace(self, fn, *args, **kwargs)

    method.__name__ = method.__qualname__ = fn.__name__ + "_"
    method.__doc__ = f"In-place version of {fn.__name__}()."
    return method


def _polygamma(input, n):
    return _sp.polygamma(n, input)


_polygamma.__name__ = "polygamma"


class SpecialMethods:
    __slots__ = ()

    lgamma, lgamma_ = _sp.lgamma, _inplace(_sp.lgamma)
    digamma, digamma_ = _sp.digamma, _inplace(_sp.digamma)
    polygamma, polygamma_ = _polygamma, _inplace(_polygamma)
    mvlgamma, mvlgamma_ = _sp.mvlgamma, _inplace(_sp.mvlgamma)
    i0, i0_ = _sp.i0, _inplace(_sp.i0)
    igamma, igamma_ = _sp.igamma, _inplace(_sp.igamma)
    igammac, igammac_ = _sp.igammac, _inplace(_sp.igammac)
    logit, logit_ = _sp.logit, _inplace(_sp.logit)
    sinc, sinc_ = _sp.sinc, _inplace(_sp.sinc)

    logaddexp, logaddexp2 = _se.logaddexp, _se.logaddexp2
    frexp, signbit = _se.frexp, _se.signbit
    ldexp, ldexp_ = _se.ldexp, _inplace(_se.ldexp)
    float_power, float_power_ = _se.float_power, _inplace(_se.float_power)
    heaviside, heaviside_ = _se.heaviside, _inplace(_se.heaviside)
    nextafter, nextafter_ = _se.nextafter, _inplace(_se.nextafter)
    gcd, gcd_ = _se.gcd, _inplace(_se.gcd)
    lcm, lcm_ = _se.lcm, _inplace(_se.lcm)
    rad2deg, rad2deg_ = _se.rad2deg, _inplace(_se.rad2deg)
    deg2rad, deg2rad_ = _se.deg2rad, _inplace(_se.deg2rad)

    cov, corrcoef, diff = _st.cov, _st.corrcoef, _st.diff
    quantile, nanquantile = _st.quantile, _st.nanquantile
    logcumsumexp = _st.logcumsumexp
    renorm, renorm_ = _st.renorm, _inplace(_st.renorm)
    bincount, histc, histogram = _st.bincount, _st.histc, _st.histogram
