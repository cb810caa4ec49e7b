"""The exactness of ember/_sampling.py's vectorised kernels: Box-Muller and the float32/float64 FMA
emulations against exact (fraction) arithmetic."""
from __future__ import annotations

import numpy as np


def test_box_muller_kernel_exhaustive():
    """Every one of the 2**24 float32 uniforms through the log and sincos kernels: emulating
    each FMA by a float64 sum and one float32 rounding equals the correctly rounded FMA (no
    double-rounding tie is ever hit), so the fast kernel is torch's AVX2 kernel on its domain."""
    from ember import _sampling as S

    k = np.arange(1 << 24, dtype=np.int32)
    u = k.astype(np.float32) * np.float32(2.0 ** -24)
    blocks = np.empty((1 << 21, 16), np.float32)
    blocks[:, :8] = u.reshape(-1, 8)
    blocks[:, 8:] = u[::-1].reshape(-1, 8)
    fast = S._box_muller_avx2(blocks.reshape(-1))
    exact = S._box_muller_avx2(blocks.reshape(-1), madd=S._madd_exact)
    assert np.array_equal(fast.view(np.int32), exact.view(np.int32))


def _fraction_fma(a, b, c):
    from fractions import Fraction

    return Fraction(float(a)) * Fraction(float(b)) + Fraction(float(c))


def test_fma32_double_rounding_ties():
    """Sums that a float64 add rounds onto a float32 halfway point are still rounded once."""
    from ember import _sampling as S

    x = np.array([1 + 2 ** -18, 1 + 2 ** -17, 1 - 2 ** -18, 3.0, 0.0], np.float32)
    scale, shift = np.float32(2 ** -24 * (1 - 2 ** -18)), np.float32(1 + 2 ** -23)
    got = S._fma32(x, scale, shift)
    plain = (x.astype(np.float64) * float(scale) + float(shift)).astype(np.float32)
    assert plain[0] != got[0]  # the case double rounding gets wrong
    for xi, g in zip(x, got):
        exact = _fraction_fma(xi, scale, shift)
        lo, hi = np.nextafter(g, np.float32(-np.inf)), np.nextafter(g, np.float32(np.inf))
        err = abs(_fraction_fma(g, 1, 0) - exact)
        assert err <= abs(_fraction_fma(lo, 1, 0) - exact)
        assert err <= abs(_fraction_fma(hi, 1, 0) - exact)
    tiny = np.array([1e-38, -3e-39, 2.5e-45], np.float32)
    got = S._fma32(tiny, np.float32(0.75), np.float32(0.0))
    ref = np.array([np.float32(float(_fraction_fma(v, 0.75, 0))) for v in tiny], np.float32)
    assert np.array_equal(got, ref)


def test_fma64_matches_exact_arithmetic():
    """The double FMA emulation (Dekker + TwoSum + round to odd) against fractions."""
    from ember import _sampling as S

    rng = np.random.default_rng(0)
    n = 3000
    cases = [(rng.random(n), rng.standard_normal(n), rng.standard_normal(n))]
    a, b = rng.random(n), rng.random(n)
    cases.append((a, b, -(a * b) * (1 + rng.integers(-3, 4, n) * 2.0 ** -52)))
    cases.append((np.full(n, 1 + 2 ** -26), np.full(n, 1 + 2 ** -27),
                  np.ldexp(rng.choice([-1.0, 1.0], n), rng.integers(-110, -50, n))))
    cases.append((np.ldexp(rng.random(n), rng.integers(-60, 60, n)),
                  np.ldexp(rng.random(n), rng.integers(-60, 60, n)),
                  np.ldexp(rng.standard_normal(n), rng.integers(-120, 120, n))))
    cases.append((np.array([1e-300, 1e154, 3.0]), np.array([1e-20, 1e154 + 1e138, 0.0]),
                  np.array([1e-310, -1e308, 2.0])))
    for a, b, c in cases:
        got = S.fma64(a, b, c)
        ref = np.array([float(_fraction_fma(*t)) for t in zip(a, b, c)])
        assert np.array_equal(got, ref)
    got = S.fma64(np.array([1e200, np.inf, 2.0]), np.array([1e200, 1.0, np.nan]), 1.0)
    assert got[0] == got[1] == np.inf and np.isnan(got[2])
