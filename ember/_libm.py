"""float64 log/log1p/exp/tan/cos/sin bit-identical to the C library's, for the random samplers.

PyTorch's CPU samplers call libm per element, and ember's random streams match them bit for bit.
NumPy calls libm too, except on CPUs where it dispatches to SIMD approximations (AVX-512 builds use
SVML, which differs from libm in the last bit for ~0.4% of logs and ~8% of log1ps). The first use
of each function probes NumPy against Python's `math` (which is libm) on a fixed sample; where they
disagree, that function is evaluated per element through `math` (slower, but exact).
"""
from __future__ import annotations

import math

import numpy as np

__all__ = ["cos", "exp", "log", "log1p", "sin", "tan"]

_PROBE = (np.arange(1, 4097) * 0.6180339887498949) % 1.0  # 4096 spread values in (0, 1)
_DOMAINS = {  # probe inputs shaped like the samplers' arguments
    "log": _PROBE,
    "log1p": -_PROBE,
    "exp": 10.0 * (_PROBE - 0.5),
    "tan": math.pi * (_PROBE - 0.5),
    "cos": 2.0 * math.pi * _PROBE,
    "sin": 2.0 * math.pi * _PROBE,
}
_chosen: dict = {}


def _per_element(ufunc, fn):
    """`ufunc` with every finite result recomputed by the scalar `fn` (libm through `math`);
    infinities and NaNs (log(0), exp overflow) are the same in both and stay NumPy's."""

    def apply(x) -> np.ndarray:
        x = np.asarray(x, np.float64)
        with np.errstate(all="ignore"):
            out = ufunc(x)
        ok = np.isfinite(out)
        vals = x[ok].tolist()
        out[ok] = np.fromiter(map(fn, vals), np.float64, count=len(vals))
        return out

    return apply


def _pick(name: str):
    """NumPy's ufunc when it agrees with libm on the probe, else the per-element libm path."""
    ufunc, scalar = getattr(np, name), getattr(math, name)
    probe = _DOMAINS[name]
    exact = np.array([scalar(v) for v in probe.tolist()])
    fn = ufunc if np.array_equal(ufunc(probe), exact) else _per_element(ufunc, scalar)
    _chosen[name] = fn
    return fn


def _call(name: str, x) -> np.ndarray:
    fn = _chosen.get(name) or _pick(name)
    return fn(x)


def log(x) -> np.ndarray:
    return _call("log", x)


def log1p(x) -> np.ndarray:
    return _call("log1p", x)


def exp(x) -> np.ndarray:
    return _call("exp", x)


def tan(x) -> np.ndarray:
    return _call("tan", x)


def cos(x) -> np.ndarray:
    return _call("cos", x)


def sin(x) -> np.ndarray:
    return _call("sin", x)
