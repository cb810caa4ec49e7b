"""Array-level samplers that consume a Generator's stream exactly as PyTorch's CPU kernels do.

Each function returns a host NumPy array. The recipes (which draws, in which order, with which
arithmetic) are PyTorch's, found by reading ATen and checked bit for bit against torch 2.13:
- uniform float: (u32 & 0xFFFFFF) * 2**-24; double: (u64 & (2**53 - 1)) * 2**-53; half and
  bfloat16 round the float value and map a result equal to `to` back to `from`.
- normal with numel >= 16 on a contiguous tensor: uniforms first, then Box-Muller over 16-wide
  blocks (pairs j, j + 8), the last 16 redrawn when numel % 16 != 0. float32 goes through the AVX2
  kernel, whose Cephes log/sincos polynomials (with GCC's FMA contraction) are emulated here
  exactly; double uses libm. Smaller or strided tensors use a double Box-Muller with a cached
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

_f32 = np.float32
_f64 = np.float64
_i32 = np.int32
_LD = np.longdouble
_LD_EXTENDED = np.finfo(_LD).nmant >= 63


# ---- uniforms ----------------------------------------------------------------------------------


def uniform24(g, n: int) -> np.ndarray:
    """float32 in [0, 1): 24 random bits per draw."""
    return (g._raw(n) & 0xFFFFFF).astype(_f32) * _f32(2.0 ** -24)


def uniform53(g, n: int) -> np.ndarray:
    """float64 in [0, 1): 53 bits of a u64 per draw."""
    r = g._raw(2 * n)
    return (((r[0::2] & 0x1FFFFF) << 32) | r[1::2]).astype(_f64) * 2.0 ** -53


def fma64(a, b, c) -> np.ndarray:
    """Correctly rounded a * b + c in float64 (PyTorch's kernels are compiled with FMA).

    The product is split exactly (Dekker), summed in extended precision, and the few results
    that land near a rounding boundary are redone exactly with fractions.
    """
    a, b, c = np.broadcast_arrays(np.asarray(a, _f64), np.asarray(b, _f64), np.asarray(c, _f64))
    with np.errstate(all="ignore"):
        p = a * b
        if _LD_EXTENDED:
            ah, al = _split(a)
            bh, bl = _split(b)
            e = ((ah * bh - p) + ah * bl + al * bh) + al * bl
            s = (p.astype(_LD) + c) + e
            r = s.astype(_f64)
            d = np.abs(s - r)
            half = np.spacing(np.abs(r)).astype(_LD) / 2
            tol = np.abs(s) * _LD(2.0 ** -58)
            risky = ((np.abs(d - half) <= tol) | (np.abs(d - half / 2) <= tol)) & np.isfinite(r)
        else:
            r = p + c
            risky = np.isfinite(r)
    if risky.any():
        r = np.array(r, copy=True)
        for i in zip(*np.nonzero(risky)):
            r[i] = float(Fraction(float(a[i])) * Fraction(float(b[i])) + Fraction(float(c[i])))
    return r


def _split(x):
    t = x * 134217729.0
    hi = t - (t - x)
    return hi, x - hi


def _fma32(x, scale, shift) -> np.ndarray:
    """float32 fma(x, scale, shift): the product is exact in double, one rounding after."""
    return (x.astype(_f64) * _f64(_f32(scale)) + _f64(_f32(shift))).astype(_f32)


def uniform(g, n: int, np_dtype, low: float, high: float) -> np.ndarray:
    """uniform_(low, high) for a floating dtype."""
    kind = np.dtype(np_dtype)
    if kind == _f64:
        u = uniform53(g, n)
        if low == 0.0 and high == 1.0:
            return u
        return fma64(u, _f64(high) - _f64(low), low)
    u = uniform24(g, n)
    if kind == _f32:
        if low == 0.0 and high == 1.0:
            return u
        lo, hi = _f32(low), _f32(high)
        return _fma32(u, hi - lo, lo)
    lo, hi = _f32(low), _f32(high)  # float bounds: only the result is rounded
    x = u if (lo == 0 and hi == 1) else _fma32(u, hi - lo, lo)
    y = x.astype(kind)
    y[y == kind.type(hi)] = kind.type(lo)  # rounding may reach `high`: PyTorch maps it to `low`
    return y


# ---- normal ------------------------------------------------------------------------------------


def normal(g, n: int, np_dtype, mean: float = 0.0, std: float = 1.0,
           contiguous: bool = True) -> np.ndarray:
    """normal_(mean, std) for a floating dtype, in the order PyTorch writes the elements."""
    kind = np.dtype(np_dtype)
    if n < 16 or not contiguous:
        return normal_serial(g, n, mean, std).astype(kind)
    if kind == _f64:
        return _normal_fill_double(g, n, mean, std)
    if kind == _f32:
        x = uniform24(g, n)
        m = n - n % 16
        x[:m] = _box_muller_avx2(x[:m])
    else:  # half and bfloat16 draw only whole blocks, then the tail block
        m = n - n % 16
        x = np.empty(n, _f32)
        x[:m] = _box_muller_avx2(uniform24(g, m))
    if n % 16:
        x[n - 16:] = _box_muller_avx2(uniform24(g, 16))
    if mean != 0.0 or std != 1.0:
        x = _fma32(x, std, mean)
    return x if kind == _f32 else x.astype(kind)


def normal_serial(g, n: int, mean: float = 0.0, std: float = 1.0) -> np.ndarray:
    """at::normal_distribution<double> per element: Box-Muller whose sine half is cached."""
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
        r = np.sqrt(-2.0 * np.log1p(-u[1::2]))
        theta = (2.0 * math.pi) * u[0::2]
        vals = np.empty(2 * pairs, _f64)
        vals[0::2] = r * np.cos(theta)
        vals[1::2] = r * np.sin(theta)
        out[k:] = vals[:rest]
        if rest % 2:
            g._normal_double = float(vals[-1])
    if mean != 0.0 or std != 1.0:
        out = fma64(out, std, mean)
    return out


def _normal_fill_double(g, n: int, mean: float, std: float) -> np.ndarray:
    x = uniform53(g, n)
    m = n - n % 16
    x[:m] = _box_muller_double(x[:m])
    if n % 16:
        x[n - 16:] = _box_muller_double(uniform53(g, 16))
    if mean != 0.0 or std != 1.0:
        x = fma64(x, std, mean)
    return x


def _box_muller_double(u: np.ndarray) -> np.ndarray:
    a = u.reshape(-1, 16)
    radius = np.sqrt(-2.0 * np.log(1.0 - a[:, :8]))
    theta = (2.0 * math.pi) * a[:, 8:]
    out = np.empty_like(a)
    out[:, :8] = radius * np.cos(theta)
    out[:, 8:] = radius * np.sin(theta)
    return out.reshape(-1)


def _box_muller_avx2(u: np.ndarray) -> np.ndarray:
    """normal_fill_16_AVX2 over whole 16-blocks of float32 uniforms."""
    a = u.reshape(-1, 16)
    radius = np.sqrt(_f32(-2.0) * _log256(np.subtract(_f32(1.0), a[:, :8]).reshape(-1)))
    sin, cos = _sincos256(np.multiply(_f32(2.0 * math.pi), a[:, 8:]).reshape(-1))
    radius, sin, cos = (v.reshape(-1, 8) for v in (radius, sin, cos))
    out = np.empty_like(a)
    np.multiply(radius, cos, out=out[:, :8])
    np.multiply(radius, sin, out=out[:, 8:])
    return out.reshape(-1)


def _madd(a, b, c):
    """Contracted a * b + c in float32: the product of two floats is exact in double, so one
    double add and one rounding give the FMA result."""
    t = np.multiply(a, b, dtype=_f64)
    t += c
    return t.astype(_f32)


_LOG_P = [_f32(v) for v in (7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1,
                            -1.2420140846e-1, 1.4249322787e-1, -1.6668057665e-1,
                            2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1)]
_MIN_NORM = np.array(0x00800000, _i32).view(_f32)
_HALF_BITS = np.array(0.5, _f32).view(_i32)


def _log256(x: np.ndarray) -> np.ndarray:
    """avx_mathfun's log256_ps (Cephes logf) for positive float32 input."""
    x = np.maximum(x, _MIN_NORM)
    bits = x.view(_i32)
    e = ((bits >> 23) - 0x7F).astype(_f32) + _f32(1.0)
    x = ((bits & ~_i32(0x7F800000)) | _HALF_BITS).view(_f32)
    mask = x < _f32(0.707106781186547524)
    x = (x - _f32(1.0)) + np.where(mask, x, _f32(0.0))
    e = e - mask.astype(_f32)
    z = x * x
    y = np.full_like(x, _LOG_P[0])
    for p in _LOG_P[1:]:
        y = _madd(y, x, p)
    y = y * x
    y = _madd(y, z, e * _f32(-2.12194440e-4))
    y = _madd(-z, _f32(0.5), y)
    return _madd(e, _f32(0.693359375), x + y)


def _sincos256(x: np.ndarray):
    """avx_mathfun's sincos256_ps (Cephes sinf/cosf) for float32 input; returns (sin, cos)."""
    sign_sin = x.view(_i32) & _i32(-0x80000000)
    x = np.abs(x)
    j = (x * _f32(1.27323954473516)).astype(_i32)
    j = (j + 1) & ~_i32(1)
    y = j.astype(_f32)
    sign_sin = sign_sin ^ ((j & 4) << 29)
    sign_cos = (~(j - 2) & 4) << 29
    poly = (j & 2) == 0
    x = _madd(y, _f32(-0.78515625), x)
    x = _madd(y, _f32(-2.4187564849853515625e-4), x)
    x = _madd(y, _f32(-3.77489497744594108e-8), x)
    z = x * x
    yc = _madd(np.full_like(z, _f32(2.443315711809948e-5)), z, _f32(-1.388731625493765e-3))
    yc = _madd(yc, z, _f32(4.166664568298827e-2))
    yc = _madd(yc * z, z, -(z * _f32(0.5))) + _f32(1.0)
    ys = _madd(np.full_like(z, _f32(-1.9515295891e-4)), z, _f32(8.3321608736e-3))
    ys = _madd(ys, z, _f32(-1.6666654611e-1))
    ys = _madd(ys * z, x, x)
    s = np.where(poly, ys, yc)
    c = np.where(poly, yc, ys)
    return (s.view(_i32) ^ sign_sin).view(_f32), (c.view(_i32) ^ sign_cos).view(_f32)


# ---- integers ----------------------------------------------------------------------------------


def random_from_to(g, n: int, np_dtype, low: int, span: int) -> np.ndarray:
    """random_(low, low + span): (draw % span) + low, with a u64 draw for wide ranges."""
    kind = np.dtype(np_dtype)
    wide = span >= 1 << 28 and kind not in (np.dtype(_f32), np.dtype(np.float16))
    v = g._u64(n) if wide else g._raw(n)
    if span >= 1 << 64:
        out = v.view(np.int64)
    else:
        out = (v % np.uint64(span)).view(np.int64) + np.int64(low)
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
    return _to_kind((v % np.uint64(mod)).view(np.int64), kind)


def _to_kind(v: np.ndarray, kind) -> np.ndarray:
    if kind == np.bool_:
        return v != 0
    return v.astype(kind)


def randperm(g, n: int) -> np.ndarray:
    """Fisher-Yates with u32 % (n - i) (PyTorch's path for n < 2**32 / 20), as int64."""
    if n >= 0xFFFFFFFF // 20:
        return _randperm_inside_out(g, n)
    if n < 2:
        return np.arange(n, dtype=np.int64)
    i = np.arange(n - 1, dtype=np.uint64)
    ks = (i + g._raw(n - 1) % (np.uint64(n) - i)).tolist()
    r = list(range(n))
    for a, b in enumerate(ks):
        r[a], r[b] = r[b], r[a]
    return np.array(r, dtype=np.int64)


def _randperm_inside_out(g, n: int) -> np.ndarray:
    zs = (g._u64(n) % (np.arange(n, dtype=np.uint64) + 1)).tolist()
    r = np.empty(n, np.int64)
    for i, z in enumerate(zs):
        r[i] = r[z]
        r[z] = i
    return r


# ---- other distributions -----------------------------------------------------------------------


def bernoulli_scalar(g, n: int, p: float) -> np.ndarray:
    """bernoulli_(p) with a float p: a double uniform below p (as bool)."""
    return uniform53(g, n) < p


def bernoulli_tensor(g, p: np.ndarray) -> np.ndarray:
    """bernoulli_(p_tensor): float uniforms against float p, double against double p."""
    flat = p.reshape(-1)
    if p.dtype == _f64:
        return (uniform53(g, flat.size) < flat).reshape(p.shape)
    return (uniform24(g, flat.size) < flat.astype(_f32)).reshape(p.shape)


def exponential(g, n: int, lambd: float) -> np.ndarray:
    return (-1.0 / lambd) * np.log1p(-uniform53(g, n))


def geometric(g, n: int, p: float) -> np.ndarray:
    with np.errstate(divide="ignore"):
        return np.ceil(np.log(uniform53(g, n)) / math.log1p(-p))


def cauchy(g, n: int, median: float, sigma: float) -> np.ndarray:
    return median + sigma * np.tan(math.pi * (uniform53(g, n) - 0.5))


def log_normal(g, n: int, mean: float, std: float) -> np.ndarray:
    return np.exp(normal_serial(g, n, mean, std))


def multinomial(g, probs: np.ndarray, num_samples: int, replacement: bool) -> np.ndarray:
    """Rows of `probs` (2-D); PyTorch's exponential race without replacement (or one sample),
    inverse-CDF search over the normalised running sum with replacement."""
    work = probs if probs.dtype in (_f32, _f64) else probs.astype(_f32)
    if not replacement or num_samples == 1:
        q = exponential(g, work.size, 1.0).astype(work.dtype).reshape(work.shape)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = work / q
        if num_samples == 1:
            return np.argmax(ratio, axis=1)[:, None]
        return np.argsort(-ratio, axis=1, kind="stable")[:, :num_samples]
    rows = work.shape[0]
    out = np.empty((rows, num_samples), np.int64)
    for i in range(rows):
        cum = np.cumsum(work[i])
        cum = cum / cum[-1]
        cum[-1] = 1
        out[i] = np.searchsorted(cum, uniform53(g, num_samples), side="left")
    return out
