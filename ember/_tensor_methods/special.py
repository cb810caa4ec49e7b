"""Tensor methods of the special-function and statistics families (lgamma, i0, logit, cov,
quantile, histc, logaddexp, gcd...), in and out of place."""
from __future__ import annotations

from ..ops import _output as _o
from ._lazy import LazyMethod, LazyModule

_sp = LazyModule(globals(), "_sp", "ember.ops.special")
_se = LazyModule(globals(), "_se", "ember.ops.special_elementwise")
_st = LazyModule(globals(), "_st", "ember.ops.statistics")


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


def _method(module: LazyModule, names: str) -> list[LazyMethod]:
    """One lazy method per name; a name ending in _ is the in-place form of the name before it."""
    return [LazyMethod(module, n[:-1], _inplace) if n.endswith("_") else LazyMethod(module, n)
            for n in names.split()]


class SpecialMethods:
    __slots__ = ()

    lgamma, lgamma_ = _method(_sp, "lgamma lgamma_")
    digamma, digamma_ = _method(_sp, "digamma digamma_")
    polygamma, polygamma_ = _polygamma, _inplace(_polygamma)
    mvlgamma, mvlgamma_ = _method(_sp, "mvlgamma mvlgamma_")
    i0, i0_ = _method(_sp, "i0 i0_")
    igamma, igamma_ = _method(_sp, "igamma igamma_")
    igammac, igammac_ = _method(_sp, "igammac igammac_")
    logit, logit_ = _method(_sp, "logit logit_")
    sinc, sinc_ = _method(_sp, "sinc sinc_")

    logaddexp, logaddexp2 = _method(_se, "logaddexp logaddexp2")
    frexp, signbit = _method(_se, "frexp signbit")
    ldexp, ldexp_ = _method(_se, "ldexp ldexp_")
    float_power, float_power_ = _method(_se, "float_power float_power_")
    heaviside, heaviside_ = _method(_se, "heaviside heaviside_")
    nextafter, nextafter_ = _method(_se, "nextafter nextafter_")
    gcd, gcd_ = _method(_se, "gcd gcd_")
    lcm, lcm_ = _method(_se, "lcm lcm_")
    rad2deg, rad2deg_ = _method(_se, "rad2deg rad2deg_")
    deg2rad, deg2rad_ = _method(_se, "deg2rad deg2rad_")

    cov, corrcoef, diff = _method(_st, "cov corrcoef diff")
    quantile, nanquantile = _method(_st, "quantile nanquantile")
    logcumsumexp = LazyMethod(_st, "logcumsumexp")
    renorm, renorm_ = _method(_st, "renorm renorm_")
    bincount, histc, histogram = _method(_st, "bincount histc histogram")
