"""Array-level samplers that consume a Generator's stream exactly as PyTorch's CPU kernels do.

Each function returns a host NumPy array. The recipes (which draws, in which order, with which
arithmetic) are PyTorch's, found by reading ATen and checked bit for bit against torch 2.13:
- uniform float: (u32 & 0xFFFFFF) * 2**-24; double: (u64 & (2**53 - 1)) * 2**-53, then
  fma(u, to - from, from); a result that rounds to `to` becomes `from` (half and bfloat16 round
  the float value first).
- normal with numel >= 16 on a contiguous tensor: uniforms first, then Box-Muller over 16-wide
  blocks (pairs j, j + 8), the last 16 redrawn when numel % 16 != 0. float32 goes through the AVX2
  kernel, whose Cephes log/sincos polynomials (with GCC's FMA contraction) are emulated here
  exactly; double uses libm (ember/_libm.py keeps that exact where NumPy's SIMD math
  differs). Smaller or strided tensors use a double Box-Muller with a cached
  second value, per element.
- integers: u32 % range, or u64 % range once range >= 2**28 (int64/int32/double).
ARM and non-AVX2 x86 builds of PyTorch use libm instead of the AVX2 polynomials for float32
randn (a last-bit difference); on Intel CPUs PyTorch's bernoulli_(float p) uses MKL's stream
instead of MT19937: ember follows the AVX2, non-MKL path.
"""
from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from . import _libm
from ._mt19937 import _u64_is_two_u32

_f32 = np.float32
_f64 = np.float64
_i32 = np.int32


# ---- uniforms ----------------------------------------------------------------------------------


_DRAW_CHUNK = 1 << 14  # values per bulk draw: the scratch stays small and is reused by malloc


def uniform24(g, n: int, out: np.ndarray | None = None) -> np.ndarray:
    """float32 in [0, 1): the low 24 bits of a u32 per draw, times 2**-24 (into `out` if given).

    Bulk draws come as u64s holding two u32s as (low, high) = (second, first), swapped while
    converting, a chunk at a time: only `out` is as large as the request, so a call does not
    fault in fresh pages for temporaries the size of its result.
    """
    u = np.empty(n, _f32) if out is None else out
    if n < 512 or not _u64_is_two_u32():
        u[...] = (g._raw(n) & 0xFFFFFF) if n < 512 else \
            (g._u32(n) & np.uint32(0xFFFFFF)).view(_i32)
    else:
        m = n // 2
        for i in range(0, m, _DRAW_CHUNK):
            j = min(m, i + _DRAW_CHUNK)
            w = g._u64(j - i).view(np.uint32)
            np.bitwise_and(w, 0xFFFFFF, out=w)
            pairs = w.view(_i32).reshape(-1, 2)
            o = u[2 * i:2 * j].reshape(-1, 2)
            np.copyto(o[:, 0], pairs[:, 1])
            np.copyto(o[:, 1], pairs[:, 0])
        if n % 2:
            u[-1] = g._raw(1)[0] & 0xFFFFFF
    u *= _f32(2.0 ** -24)
    return u


_LOW24 = np.uint64(0xFFFFFF)
_SCALE24 = _f32(2.0 ** -24)


def uniform24_small(g, n: int) -> np.ndarray:
    """uniform24 for n < 512 with the fewest NumPy calls (per-call overhead is the cost here)."""
    if n:
        g._fresh = False
    r = g._bg.random_raw(n)
    r &= _LOW24
    u = r.astype(_f32)  # exact: r < 2**24
    u *= _SCALE24
    return u


def _bits53(g, n: int) -> np.ndarray:
    """n 53-bit integers (u64 & (2**53 - 1), the first u32 the high word) as a uint64 array."""
    v = g._u64(n)
    np.bitwise_and(v, np.uint64((1 << 53) - 1), out=v)
    return v


def uniform53(g, n: int, out: np.ndarray | None = None) -> np.ndarray:
    """float64 in [0, 1): 53 bits of a u64 per draw (the first u32 is the high word)."""
    u = np.empty(n, _f64) if out is None else out
    for i in range(0, n, _DRAW_CHUNK):  # chunks: the uint64 scratch stays small and reused
        j = min(n, i + _DRAW_CHUNK)
        np.multiply(_bits53(g, j - i).view(np.int64), 2.0 ** -53, out=u[i:j])
    return u


def fma64(a, b, c) -> np.ndarray:
    """Correctly rounded a * b + c in float64 (PyTorch's kernels are compiled with FMA).

    Boldo and Melquiond's emulation: a * b split exactly (Dekker), c added exactly (TwoSum),
    the two low parts summed rounding to odd, then one rounding. Results near underflow or
    overflow, where the splits are not exact, are redone exactly with fractions.
    """
    a, b, c = np.broadcast_arrays(np.asarray(a, _f64), np.asarray(b, _f64), np.asarray(c, _f64))
    out = np.empty(a.shape, _f64)
    af, bf, cf, of = (v.reshape(-1) for v in (a, b, c, out))
    n = of.size
    step = max(1, min(n, 1 << 14))  # an empty input still needs a non-zero loop step
    w = [np.empty(step, _f64) for _ in range(6)]
    with np.errstate(all="ignore"):
        for i in range(0, n, step):
            j = min(n, i + step)
            _fma64_chunk(af[i:j], bf[i:j], cf[i:j], of[i:j], [v[:j - i] for v in w])
        p = a * b
        risky = np.abs(p)
        risky = ((risky < 2.0 ** -900) & (p != 0)) | (risky > 2.0 ** 1000)
        risky |= (np.abs(a) > 2.0 ** 990) | (np.abs(b) > 2.0 ** 990)
        finite = np.isfinite(a) & np.isfinite(b) & np.isfinite(c)
        if not finite.all():
            out = np.where(finite, out, p + c)  # infinities and NaN propagate as in an FMA
        risky &= finite
    if risky.any():
        for i in zip(*np.nonzero(risky)):
            exact = Fraction(float(a[i])) * Fraction(float(b[i])) + Fraction(float(c[i]))
            try:
                out[i] = float(exact)
            except OverflowError:
                out[i] = math.inf if exact > 0 else -math.inf
    return out


def _fma64_chunk(a, b, c, out, w, b_split=None) -> None:
    """out = fma(a, b, c) on one chunk; b_split is (hi, lo) of a scalar b, split beforehand."""
    p, e, h, t, u, v = w
    np.multiply(a, b, out=p)
    _split_into(a, h, t, u)  # a = h + t
    if b_split is None:
        _split_into(b, u, v, e)  # b = u + v
    else:
        u, v = b_split
    low_b = b_split is None or v != 0  # b = u exactly (<= 26 bits, e.g. 3.0): no v terms
    np.multiply(h, u, out=e)
    np.subtract(e, p, out=e)
    if low_b:
        np.multiply(h, v, out=h)
        np.add(e, h, out=e)
    np.multiply(t, u, out=h)
    np.add(e, h, out=e)
    if low_b:
        np.multiply(t, v, out=h)
        np.add(e, h, out=e)  # a * b == p + e exactly (the skipped terms add +-0 to e)
    u, v = w[4], w[5]
    _two_sum_into(c, p, out, t, h)  # c + p == out + t (out may be a: a is no longer read)
    _two_sum_into(t, e, u, v, h)  # t + e == u + v
    v_bits = u.view(np.int64)
    np.bitwise_and(v_bits, 1, out=h.view(np.int64))
    odd = np.flatnonzero((h.view(np.int64) == 0) & (v != 0))
    if odd.size:  # round to odd: step off an even last bit toward the exact sum
        u[odd] = np.nextafter(u[odd], np.copysign(np.inf, v[odd]))
    zeros = None if out.all() else np.flatnonzero(out == 0)
    if zeros is not None:  # c + p == +-0 with nothing left over keeps IEEE's sign of that sum
        zeros = zeros[u[zeros] == 0]
        signed = out[zeros]
    np.add(out, u, out=out)
    if zeros is not None:
        out[zeros] = signed


def _split_into(x, hi, lo, tmp) -> None:
    np.multiply(x, 134217729.0, out=tmp)
    np.subtract(tmp, x, out=hi)
    np.subtract(tmp, hi, out=hi)
    np.subtract(x, hi, out=lo)


def _two_sum_into(x, y, s, err, tmp) -> None:
    """s + err == x + y exactly (five distinct buffers)."""
    np.add(x, y, out=s)
    np.subtract(s, x, out=tmp)  # bb
    np.subtract(s, tmp, out=err)
    np.subtract(x, err, out=err)
    np.subtract(y, tmp, out=tmp)
    np.add(err, tmp, out=err)


def _split(x):
    t = x * 134217729.0
    hi = t - (t - x)
    return hi, x - hi


def _two_sum(x, y):
    s = x + y
    bb = s - x
    return s, (x - (s - bb)) + (y - bb)


def _exact_affine24(scale: float, shift: float) -> bool:
    """Whether k * 2**-24 * scale + shift (0 <= k < 2**24, float32 scale and shift) is exact in
    float64, so that rounding it to float32 is the FMA's single rounding.

    With scale < 2**es and shift < 2**el (frexp exponents), the sum is below 2**(max(es, el) + 1)
    and a multiple of 2**min(es - 48, el - 24): at most 53 bits when es - 28 <= el <= es + 4
    (uniform_(-a, a) has el = es - 1).
    """
    if not (scale and shift and math.isfinite(scale) and math.isfinite(shift)):
        return False
    es, el = math.frexp(scale)[1], math.frexp(shift)[1]
    return es - 28 <= el <= es + 4


def _fma32(x, scale, shift, out=None, exact_sum: bool = False) -> np.ndarray:
    """float32 fma(x, scale, shift), correctly rounded: x * scale is exact in double, the sum is
    rounded to double then to float32, and the rare double-rounding ties are corrected.

    Ties need a halfway float64 sum; in float32's subnormal range they need both terms tiny too
    (a sum of terms within a few binades of each other is exact), so with |shift| >= 2**-120 only
    the halfway test runs, and with shift == 0 there is a single rounding and no test at all;
    nor when the caller knows the float64 sum is exact (`exact_sum`, see _exact_affine24).
    """
    scale, shift = float(_f32(scale)), float(_f32(shift))
    if out is None:
        out = np.empty(x.shape, _f32)
    xf, of = x.reshape(-1), out.reshape(-1)
    n = xf.size
    step = max(1, min(n, 1 << 14))  # an empty input still needs a non-zero loop step
    block = np.empty(17 * step, np.uint8)  # one scratch allocation: float64, int64 and bool
    t, lo = block[:8 * step].view(_f64), block[8 * step:16 * step].view(np.int64)
    hit = block[16 * step:].view(np.bool_)
    tiny_safe = abs(shift) >= 2.0 ** -120
    for i in range(0, n, step):
        j = min(n, i + step)
        tt, ll = t[:j - i], lo[:j - i]
        np.multiply(xf[i:j], scale, out=tt, dtype=_f64)
        np.add(tt, shift, out=tt)  # also for shift == +-0: an exact zero product takes its sign
        if shift != 0.0 and not exact_sum and \
                (not tiny_safe or _halfway_any(tt, ll, hit[:j - i])):
            _fix_ties(tt, xf[i:j], scale, shift, ll)
        np.copyto(of[i:j], tt)
    return out


def _halfway_any(t, low, hit) -> bool:
    """Whether some float64 in t lies exactly halfway between two float32s."""
    np.bitwise_and(t.view(np.int64), 0x1FFFFFFF, out=low)
    np.equal(low, 0x10000000, out=hit)
    return bool(hit.any())


def _uniform53_affine(g, n: int, scale: float, shift: float, out=None) -> np.ndarray | None:
    """fma(u, scale, shift) for n float64 uniforms u, drawn and combined a chunk at a time (the
    work stays in cache); None when scale or shift is so large or small that fma64's guards for
    overflow and underflow are needed. A nonzero u is at least 2**-53, so with the bounds below
    no product, split or sum over- or underflows."""
    if not (2.0 ** -800 <= abs(scale) <= 2.0 ** 900 and abs(shift) <= 2.0 ** 1000):
        return None
    big = scale * 134217729.0
    hi = big - (big - scale)
    split = (hi, scale - hi)
    if out is None:
        out = np.empty(n, _f64)
    step = max(1, min(n, 1 << 13))
    w = [np.empty(step, _f64) for _ in range(6)]
    for i in range(0, n, step):
        j = min(n, i + step)
        o = out[i:j]
        np.multiply(_bits53(g, j - i).view(np.int64), 2.0 ** -53, out=o)
        _fma64_chunk(o, scale, shift, o, [v[:j - i] for v in w], split)
    return out


def _high_to_low(x: np.ndarray, scale: float, low: float, high: float, eps: float) -> np.ndarray:
    """PyTorch maps a result that rounded up to `high` back to `low`. Results grow with the
    uniform, so only when the largest one (uniform 1 - eps) can round to `high` is x searched."""
    top = Fraction(1) - Fraction(eps)
    if x.dtype == _f64:
        try:
            reach = float(top * Fraction(scale) + Fraction(low)) >= high
        except (OverflowError, ValueError):
            reach = True
    else:  # float32: the largest result rounds below `high` when it lies below the midpoint
        below = float(np.nextafter(_f32(high), _f32(-np.inf)))
        reach = not math.isfinite(high) or \
            top * Fraction(scale) + Fraction(low) >= (Fraction(below) + Fraction(high)) / 2
    if reach:
        hit = x == x.dtype.type(high)
        if hit.any():
            x[hit] = x.dtype.type(low)
    return x


def uniform(g, n: int, np_dtype, low: float, high: float, out=None) -> np.ndarray:
    """uniform_(low, high) for a floating dtype (float32 and float64 results are written into
    `out`, a flat array of the dtype, when given)."""
    kind = np.dtype(np_dtype)
    if out is not None and out.dtype != kind:
        out = None
    if kind == _f64:
        if low == 0.0 and high == 1.0:
            return uniform53(g, n, out)
        scale = float(_f64(high) - _f64(low))
        u = None
        if math.isfinite(scale) and math.isfinite(low):
            u = _uniform53_affine(g, n, scale, float(low), out)
        if u is None:
            u = fma64(uniform53(g, n), scale, low)
        return _high_to_low(u, scale, low, high, 2.0 ** -53)
    u = uniform24(g, n, out if kind == _f32 else None)
    if kind == _f32:
        if low == 0.0 and high == 1.0:
            return u
        lo, hi = _f32(low), _f32(high)
        scale = hi - lo
        u = _fma32(u, scale, lo, out=u, exact_sum=_exact_affine24(float(scale), float(lo)))
        return _high_to_low(u, float(scale), float(lo), float(hi), 2.0 ** -24)
    lo, hi = _f32(low), _f32(high)  # float bounds: only the result is rounded
    x = u if (lo == 0 and hi == 1) else _fma32(u, hi - lo, lo)
    y = x.astype(kind)
    y[y == kind.type(hi)] = kind.type(lo)  # rounding may reach `high`: PyTorch maps it to `low`
    return y


# ---- normal ------------------------------------------------------------------------------------


def normal(g, n: int, np_dtype, mean: float = 0.0, std: float = 1.0,
           contiguous: bool = True, out=None) -> np.ndarray:
    """normal_(mean, std) for a floating dtype, in the order PyTorch writes the elements
    (blocked float32 and float64 results are written into `out`, a flat array of the dtype)."""
    kind = np.dtype(np_dtype)
    if out is not None and out.dtype != kind:
        out = None
    if n < 16 or not contiguous:
        if n <= 64:
            return np.array(_normal_serial_list(g, n, mean, std), kind)
        return normal_serial(g, n, mean, std).astype(kind)
    if kind == _f64:
        return _normal_fill_double(g, n, mean, std, out)
    m = n - n % 16
    if kind == _f32:
        x = uniform24(g, n, out)
        _box_muller_avx2(x[:m], out=x[:m])
    else:  # half and bfloat16 draw only whole blocks, then the tail block
        x = np.empty(n, _f32)
        _box_muller_avx2(uniform24(g, m), out=x[:m])
    if n % 16:
        x[n - 16:] = _box_muller_avx2(uniform24(g, 16))
    s32 = _f32(std)
    if mean == 0.0 and math.copysign(1.0, mean) > 0 and std != 1.0 and s32 != 0 and \
            math.isfinite(s32):
        # fma(x, std, +0) is the float32 product's one rounding, except that an exact zero
        # product (x == +-0) becomes +0
        zeros = None if x.all() else np.flatnonzero(x == 0)
        np.multiply(x, s32, out=x)
        if zeros is not None:
            x[zeros] = 0.0
    elif mean != 0.0 or std != 1.0:
        x = _fma32(x, std, mean, out=x)
    return x if kind == _f32 else x.astype(kind)


def normal_serial(g, n: int, mean: float = 0.0, std: float = 1.0) -> np.ndarray:
    """at::normal_distribution<double> per element: Box-Muller whose sine half is cached."""
    if n <= 64:
        return np.array(_normal_serial_list(g, n, mean, std), _f64)
    out = np.empty(n, _f64)
    k = 0
    if n and g._normal_double is not None:
        out[0] = g._normal_double
        g._normal_double = None
        k = 1
    rest = n - k
    if rest:
        pairs = (rest + 1) // 2
        u = uniform53(g, 2 * pairs)
        r = np.sqrt(-2.0 * _libm.log1p(-u[1::2]))
        theta = (2.0 * math.pi) * u[0::2]
        vals = np.empty(2 * pairs, _f64)
        vals[0::2] = r * _libm.cos(theta)
        vals[1::2] = r * _libm.sin(theta)
        out[k:] = vals[:rest]
        if rest % 2:
            g._normal_double = float(vals[-1])
    if mean != 0.0 or std != 1.0:
        out = fma64(out, std, mean)
    return out


def _normal_serial_list(g, n: int, mean: float, std: float) -> list:
    """normal_serial for a few values, in Python floats (the same libm calls, no array setup)."""
    vals = []
    if n and g._normal_double is not None:
        vals.append(g._normal_double)
        g._normal_double = None
    rest = n - len(vals)
    if rest:
        r = g._raw(4 * ((rest + 1) // 2)).tolist()
        two_pi, scale, log1p, sqrt, cos, sin = 2.0 * math.pi, 2.0 ** -53, math.log1p, \
            math.sqrt, math.cos, math.sin
        for i in range(0, len(r), 4):
            a = (((r[i] & 0x1FFFFF) << 32) | r[i + 1]) * scale
            b = (((r[i + 2] & 0x1FFFFF) << 32) | r[i + 3]) * scale
            radius = sqrt(-2.0 * log1p(-b))
            theta = two_pi * a
            vals.append(radius * cos(theta))
            vals.append(radius * sin(theta))
        if rest % 2:
            g._normal_double = vals.pop()
    if mean != 0.0 or std != 1.0:
        if not (math.isfinite(mean) and math.isfinite(std)):
            return fma64(np.array(vals, _f64), std, mean).tolist()
        fm, fs = Fraction(mean), Fraction(std)
        vals = [float(Fraction(v) * fs + fm) for v in vals]
    return vals


def _normal_fill_double(g, n: int, mean: float, std: float, out=None) -> np.ndarray:
    x = uniform53(g, n, out)
    m = n - n % 16
    for i in range(0, m, _CHUNK):  # in place, a chunk at a time: the temporaries stay small
        j = min(m, i + _CHUNK)
        _box_muller_double(x[i:j], out=x[i:j])
    if n % 16:
        x[n - 16:] = _box_muller_double(uniform53(g, 16))
    if mean != 0.0 or std != 1.0:
        x = fma64(x, std, mean)
    return x


def _box_muller_double(u: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """normal_fill_16 in double over whole 16-blocks of uniforms (out may be u)."""
    a = u.reshape(-1, 16)
    radius = np.subtract(1.0, a[:, :8])
    radius = _libm.log(radius)
    np.multiply(radius, -2.0, out=radius)
    np.sqrt(radius, out=radius)
    theta = np.multiply(a[:, 8:], 2.0 * math.pi)
    cos, sin = _libm.cos(theta), _libm.sin(theta)
    o = np.empty_like(a) if out is None else out.reshape(-1, 16)
    np.multiply(radius, cos, out=o[:, :8])
    np.multiply(radius, sin, out=o[:, 8:])
    return o.reshape(-1)


# The float32 kernel: every step of avx_mathfun's log256_ps / sincos256_ps, on preallocated
# buffers in chunks. An FMA of float32 operands is emulated as float64 `a * b` (exact), `+ c`, then
# a rounding to float32. That double rounding differs from one rounding only when the float64 sum
# is exactly halfway between two floats while the exact sum is not; `_madd_exact` corrects those
# cases. Over the kernels' whole input domain (the 2**24 possible uniforms) the plain `_madd`
# never hits one, which tests/test_random.py checks exhaustively, so the hot path skips the check.

_CHUNK = 1 << 15  # (radius, angle) pairs per pass: the temporaries stay in cache

_LOG_P = [float(_f32(v)) for v in (7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1,
                                   -1.2420140846e-1, 1.4249322787e-1, -1.6668057665e-1,
                                   2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1)]
_LOG_Q1 = _f32(-2.12194440e-4)
_LOG_Q2 = _f32(0.693359375)  # 9 significant bits: e * Q2 is exact in float32
_SQRTHF = _f32(0.707106781186547524)
_FOPI = _f32(1.27323954473516)
_DP1 = _f32(-0.78515625)  # DP1 and DP2 have few bits: y * DP is exact for y in {0, 2, .., 8}
_DP2 = _f32(-2.4187564849853515625e-4)
_DP3 = float(_f32(-3.77489497744594108e-8))
_COS = [float(_f32(v)) for v in (2.443315711809948e-5, -1.388731625493765e-3,
                                 4.166664568298827e-2)]
_SIN = [float(_f32(v)) for v in (-1.9515295891e-4, 8.3321608736e-3, -1.6666654611e-1)]
_TWO_PI = _f32(2.0 * math.pi)


def _madd(t, c, out32, back=True) -> None:
    """out32 = float32(t + c) for t an exact float64 product; t keeps the rounded value."""
    np.add(t, c, out=t)
    np.copyto(out32, t)
    if back:
        np.copyto(t, out32)


def _madd_exact(t, c, out32, back=True) -> None:
    """_madd with the double-rounding ties corrected: a correctly rounded float32 FMA."""
    p = t.copy()
    np.add(t, c, out=t)
    _fix_ties(t, p, 1.0, c)
    np.copyto(out32, t)
    if back:
        np.copyto(t, out32)


def _fix_ties(t, a, b, c, scratch=None) -> int:
    """Nudge t = fl64(a * b + c) (a * b exact) off a float32 halfway point toward the exact sum.

    Only where t sits exactly halfway between two float32s (or in float32's subnormal range) can
    the float64 sum round differently from the exact one; returns how many were nudged.
    """
    bits = t.view(np.int64)
    low = np.bitwise_and(bits, 0x1FFFFFFF, out=scratch)
    cand = low == 0x10000000
    np.abs(t, out=low.view(_f64))
    a_t = low.view(_f64)
    cand |= (a_t < 2.0 ** -126) & (a_t > 0)
    idx = np.flatnonzero(cand)
    if not idx.size:
        return 0
    s = t[idx]
    pp = np.broadcast_to(a, t.shape)[idx].astype(_f64) * b
    cc = np.broadcast_to(np.asarray(c, _f64), t.shape)[idx]
    tiny = np.abs(s) < 2.0 ** -126
    tie = np.where(tiny, np.mod(s * 2.0 ** 149, 1.0) == 0.5, True)
    _, err = _two_sum(pp, cc)  # p + c == s + err exactly
    fix = tie & (err != 0)
    if fix.any():
        s[fix] = np.nextafter(s[fix], np.copysign(np.inf, err[fix]))
        t[idx] = s
    return int(fix.sum())


class _Work:
    """Scratch buffers for one chunk of the float32 Box-Muller kernel."""

    __slots__ = ("d0", "d1", "d2", "f", "i0", "i1", "i2")

    def __init__(self, m: int, base: _Work | None = None) -> None:
        if base is None:  # one allocation: malloc keeps reusing it instead of faulting pages
            block = np.empty(76 * m, np.uint8)
            part = [block[k * 4 * m:(k + 1) * 4 * m] for k in range(19)]
            self.d0, self.d1, self.d2 = (block[k * 8 * m:(k + 1) * 8 * m].view(_f64)
                                         for k in range(3))
            self.f = [v.view(_f32) for v in part[6:16]]
            self.i0, self.i1, self.i2 = (v.view(_i32) for v in part[16:])
        else:  # the first m elements of base's buffers
            self.f = [v[:m] for v in base.f]
            self.d0, self.d1, self.d2 = base.d0[:m], base.d1[:m], base.d2[:m]
            self.i0, self.i1, self.i2 = base.i0[:m], base.i1[:m], base.i2[:m]


def _radius(x, out, w, madd) -> None:
    """out = sqrt(-2 * log256_ps(x)) for float32 x in (0, 1] (x is overwritten)."""
    e, xr, z, y, q, mask = w.f[2:8]
    t, x64, z64 = w.d0, w.d1, w.d2
    ei, mi = w.i0, w.i1
    bits = x.view(_i32)
    np.right_shift(bits, 23, out=ei)
    np.bitwise_and(bits, 0x007FFFFF, out=mi)
    np.bitwise_or(mi, 0x3F000000, out=mi)  # mantissa in [0.5, 1)
    m = mi.view(_f32)
    np.less(m, _SQRTHF, out=mask)  # 1.0 below sqrt(1/2), else 0.0
    np.subtract(ei, 126, out=ei)
    np.copyto(e, ei)
    np.subtract(e, mask, out=e)
    np.multiply(m, mask, out=mask)
    np.subtract(m, _f32(1.0), out=xr)
    np.add(xr, mask, out=xr)  # exact: 2m - 1 below sqrt(1/2), m - 1 above
    np.copyto(x64, xr)
    np.multiply(xr, xr, out=z)
    np.copyto(z64, z)
    np.multiply(x64, _LOG_P[0], out=t)
    for p in _LOG_P[1:]:
        madd(t, p, y)
        np.multiply(t, x64, out=t)
    np.copyto(y, t)  # fl32(y * x)
    np.multiply(e, _LOG_Q1, out=q)
    np.copyto(t, y)
    np.multiply(t, z64, out=t)
    madd(t, q, y, back=False)  # fma(y, z, e * q1)
    np.multiply(z, _f32(-0.5), out=z)
    np.add(y, z, out=y)  # fma(-z, 0.5, y): the product is exact
    np.add(y, xr, out=y)
    np.multiply(e, _LOG_Q2, out=e)
    np.add(y, e, out=y)  # fma(e, q2, x + y): the product is exact
    np.multiply(y, _f32(-2.0), out=y)
    np.sqrt(y, out=out)


def _sincos(x, s_out, c_out, w, madd) -> None:
    """(sin, cos) of float32 x in [0, 8 * pi / 4) by sincos256_ps (x is overwritten)."""
    y, z, yc, ys, hz = w.f[2:7]
    t, x64, z64 = w.d0, w.d1, w.d2
    j, swap, ssin = w.i0, w.i1, w.i2
    np.multiply(x, _FOPI, out=y)
    np.copyto(j, y, casting="unsafe")  # truncation, as _mm256_cvttps_epi32
    np.add(j, 1, out=j)
    np.bitwise_and(j, -2, out=j)
    np.copyto(y, j)
    np.left_shift(j, 30, out=swap)
    np.right_shift(swap, 31, out=swap)  # all ones where j & 2: the polynomials swap
    np.bitwise_and(j, 4, out=ssin)
    np.left_shift(ssin, 29, out=ssin)  # the sine's sign bit (x >= 0)
    np.subtract(j, 2, out=j)
    np.invert(j, out=j)
    np.bitwise_and(j, 4, out=j)
    np.left_shift(j, 29, out=j)  # the cosine's sign bit
    np.multiply(y, _DP1, out=z)
    np.add(x, z, out=x)
    np.multiply(y, _DP2, out=z)
    np.add(x, z, out=x)
    np.copyto(t, y)
    np.multiply(t, _DP3, out=t)
    madd(t, x, x)
    x64, t = t, x64  # t holds x rounded: keep it as x64
    np.multiply(x, x, out=z)
    np.copyto(z64, z)
    np.multiply(z64, _COS[0], out=t)
    madd(t, _COS[1], yc)
    np.multiply(t, z64, out=t)
    madd(t, _COS[2], yc, back=False)
    np.multiply(yc, z, out=yc)
    np.copyto(t, yc)
    np.multiply(t, z64, out=t)
    np.multiply(z, _f32(-0.5), out=hz)
    madd(t, hz, yc, back=False)
    np.add(yc, _f32(1.0), out=yc)
    np.multiply(z64, _SIN[0], out=t)
    madd(t, _SIN[1], ys)
    np.multiply(t, z64, out=t)
    madd(t, _SIN[2], ys, back=False)
    np.multiply(ys, z, out=ys)
    np.copyto(t, ys)
    np.multiply(t, x64, out=t)
    madd(t, x, ys, back=False)
    ysv, ycv = ys.view(_i32), yc.view(_i32)
    sv, cv = s_out.view(_i32), c_out.view(_i32)
    np.bitwise_and(np.bitwise_xor(ysv, ycv, out=sv), swap, out=swap)  # bits to flip on a swap
    np.bitwise_xor(ysv, swap, out=sv)
    np.bitwise_xor(sv, ssin, out=sv)
    np.bitwise_xor(ycv, swap, out=cv)
    np.bitwise_xor(cv, j, out=cv)


def _box_muller_avx2(u: np.ndarray, out: np.ndarray | None = None, madd=_madd) -> np.ndarray:
    """normal_fill_16_AVX2 over whole 16-blocks of float32 uniforms (out may be u)."""
    a = u.reshape(-1, 16)
    if out is None:
        out = np.empty_like(a)
    o = out.reshape(-1, 16)
    blocks = a.shape[0]
    step = _CHUNK // 8
    w = _Work(min(blocks, step) * 8)
    for b0 in range(0, blocks, step):
        b1 = min(blocks, b0 + step)
        m = (b1 - b0) * 8
        ww = w if m == w.d0.size else _Work(m, w)
        xl, xa, sin, cos = ww.f[0], ww.f[1], ww.f[8], ww.f[9]
        np.subtract(_f32(1.0), a[b0:b1, :8], out=xl.reshape(-1, 8))
        np.multiply(_TWO_PI, a[b0:b1, 8:], out=xa.reshape(-1, 8))
        _radius(xl, xl, ww, madd)
        _sincos(xa, sin, cos, ww, madd)
        r = xl.reshape(-1, 8)
        np.multiply(r, cos.reshape(-1, 8), out=o[b0:b1, :8])
        np.multiply(r, sin.reshape(-1, 8), out=o[b0:b1, 8:])
    return out.reshape(-1)


# ---- integers ----------------------------------------------------------------------------------


def _mod(v: np.ndarray, d) -> np.ndarray:
    """v % d for an unsigned array and a scalar of its dtype, in place: NumPy divides by a
    scalar with libdivide's multiply-shift, several times faster than its remainder loop."""
    q = np.floor_divide(v, d)
    np.multiply(q, d, out=q)
    np.subtract(v, q, out=v)
    return v


def random_from_to(g, n: int, np_dtype, low: int, span: int) -> np.ndarray:
    """random_(low, low + span): (draw % span) + low, with a u64 draw for wide ranges."""
    kind = np.dtype(np_dtype)
    wide = span >= 1 << 28 and kind not in (np.dtype(_f32), np.dtype(np.float16))
    if not wide and span < 1 << 32:
        r = _mod(g._u32(n), np.uint32(span))
        out = r.astype(np.int64)
        if low:
            out += np.int64(low)
        return _to_kind(out, kind)
    v = g._u64(n) if wide else g._raw(n)
    if span >= 1 << 64:
        out = v.view(np.int64)
    else:
        out = _mod(v, np.uint64(span)).view(np.int64) + np.int64(low)
    return _to_kind(out, kind)


_DIGITS = {"float16": 11, "bfloat16": 8, "float32": 24, "float64": 53}


def random_default(g, n: int, np_dtype) -> np.ndarray:
    """random_() with no bounds: [0, 2**mantissa] for floats, [0, max] for integers."""
    kind = np.dtype(np_dtype)
    if kind == np.bool_:
        return (g._raw(n) & 1).astype(np.bool_)
    if kind in (np.dtype(np.int64), np.dtype(_f64)):
        v = g._u64(n)
    else:
        v = g._raw(n)
    if kind.name in _DIGITS:
        mod = (1 << _DIGITS[kind.name]) + 1
    else:
        mod = int(np.iinfo(kind).max) + 1
    return _to_kind(_mod(v, np.uint64(mod)).view(np.int64), kind)


def _to_kind(v: np.ndarray, kind) -> np.ndarray:
    if kind == np.bool_:
        return v != 0
    return v.astype(kind, copy=False)


# ---- other distributions -----------------------------------------------------------------------


def bernoulli_scalar(g, n: int, p: float) -> np.ndarray:
    """bernoulli_(p) with a float p: a double uniform below p (as bool).

    u = m * 2**-53 < p exactly when the integer m < ceil(p * 2**53) (scaling by 2**53 is exact),
    so the draws are compared as integers, a chunk at a time, without forming the doubles."""
    out = np.empty(n, np.bool_)
    limit = np.uint64(math.ceil(p * 2.0 ** 53))
    for i in range(0, n, _DRAW_CHUNK):
        j = min(n, i + _DRAW_CHUNK)
        np.less(_bits53(g, j - i), limit, out=out[i:j])
    return out


def bernoulli_tensor(g, p: np.ndarray) -> np.ndarray:
    """bernoulli_(p_tensor): float uniforms against float p, double against double p."""
    flat = p.reshape(-1)
    if p.dtype == _f64:
        return (uniform53(g, flat.size) < flat).reshape(p.shape)
    return (uniform24(g, flat.size) < flat.astype(_f32)).reshape(p.shape)


def exponential(g, n: int, lambd: float, np_dtype=_f64) -> np.ndarray:
    """-1/lambd * log1p(-u) in double (libm's log1p); rounded to float32 when asked."""
    scale = -1.0 / lambd
    if np.dtype(np_dtype) != _f32:
        return scale * _libm.log1p(-uniform53(g, n))
    out = np.empty(n, _f32)
    for i in range(0, n, _DRAW_CHUNK):  # chunks keep the float64 temporaries small
        u = uniform53(g, min(n, i + _DRAW_CHUNK) - i)
        with np.errstate(divide="ignore"):
            y = np.log1p(np.negative(u, out=u))  # NumPy's own log1p: libm's up to a last bit
        y *= scale
        redo = _f32_rounding_unsure(y)
        if redo.size:
            y[redo] = scale * _libm.log1p(u[redo])
        out[i:i + y.size] = y
    return out


def _f32_rounding_unsure(y: np.ndarray) -> np.ndarray:
    """Indices where float32(y) could change if y moved by a few float64 ulps: y within 2**12
    ulps of a float32 rounding boundary, or outside float32's normal range (or not finite).

    A float64 result computed by a function within a few ulps of libm's rounds to the same float32
    as libm's result everywhere else, so only these need libm itself (a few per 100,000).
    """
    bits = y.view(np.int64)
    low = np.bitwise_and(bits, 0x1FFFFFFF)  # the 29 bits float32 drops; 2**28 is halfway
    low -= 1 << 28
    np.abs(low, out=low)
    unsure = low < 1 << 12
    mag = np.abs(y)
    unsure |= ~((mag >= 2.0 ** -126) & (mag < 2.0 ** 128))
    return np.flatnonzero(unsure)


def geometric(g, n: int, p: float) -> np.ndarray:
    with np.errstate(divide="ignore"):
        return np.ceil(_libm.log(uniform53(g, n)) / math.log1p(-p))


def cauchy(g, n: int, median: float, sigma: float) -> np.ndarray:
    return median + sigma * _libm.tan(math.pi * (uniform53(g, n) - 0.5))


def log_normal(g, n: int, mean: float, std: float) -> np.ndarray:
    return _libm.exp(normal_serial(g, n, mean, std))


