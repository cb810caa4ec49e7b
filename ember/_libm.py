"""float64 log/log1p/exp/tan/cos/sin bit-identical to the C library's, for the random samplers.

PyTorch's CPU samplers call libm per element, and ember's random streams match them bit for bit.
NumPy calls libm too, except on CPUs where it dispatches to SIMD approximations (AVX-512 builds use
SVML, which differs from libm in the last bit for ~0.4% of logs and ~8% of log1ps). NumPy's SIMD
loops only take inputs read forwards: with a negative input stride (and a fresh forward output) the
ufunc runs its scalar loop, which is libm's function at C speed. The first use of each function
probes, against Python's `math` (which is libm) on a fixed sample, NumPy's plain ufunc, then that
reversed-stride call; if neither agrees, the function runs per element through `math` (exact, slow).
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


def _scalar_loop(ufunc):
    """`ufunc` fed a negatively strided copy of its input, so NumPy runs its scalar (libm) loop."""

    def apply(x) -> np.ndarray:
        x = np.asarray(x, np.float64)
        backwards = x.reshape(-1)[::-1].copy()[::-1]  # x's values, read through a negative stride
        with np.errstate(all="ignore"):
            return ufunc(backwards).reshape(x.shape)

    return apply


def _pick(name: str):
    """The fastest of NumPy's ufunc, its scalar loop and per-element `math` that agrees with
    libm on the probe (the last always does)."""
    ufunc, scalar = getattr(np, name), getattr(math, name)
    probe = _DOMAINS[name]
    exact = np.array([scalar(v) for v in probe.tolist()])
    fn = _per_element(ufunc, scalar)
    for candidate in (ufunc, _scalar_loop(ufunc)):
        if np.array_equal(candidate(probe), exact):
            fn = candidate
            break
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
