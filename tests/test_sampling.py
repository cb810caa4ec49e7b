"""The exactness of ember/_sampling.py's vectorised kernels: Box-Muller and the float32/float64 FMA
emulations against exact (fraction) arithmetic."""
from __future__ import annotations

import numpy as np
import pytest


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


def _round_f32(exact):
    """The float32 nearest a Fraction, ties to even."""
    from fractions import Fraction

    g = np.float32(float(exact))
    cands = [np.nextafter(g, np.float32(-np.inf)), g, np.nextafter(g, np.float32(np.inf))]
    dist = [abs(Fraction(float(c)) - exact) for c in cands]
    best = min(dist)
    ties = [c for c, d in zip(cands, dist) if d == best]
    return min(ties, key=lambda c: int(np.array(c).view(np.int32)) & 1)


def test_fma32_tiny_shifts_take_the_full_check():
    """Shifts below 2**-120: results in float32's subnormal range, rounded once."""
    from ember import _sampling as S

    rng = np.random.default_rng(3)
    for shift in (1e-40, -3e-39, 1.5 * 2.0 ** -121, 5e-45, -2.0 ** -126):
        sf = np.float32(shift)
        for scale in (np.float32(2.0 ** -100), np.float32(-1e-38), np.float32(0.75)):
            x = np.concatenate([rng.standard_normal(40), -float(sf) / float(scale)
                                * (1 + rng.integers(-8, 9, 20) * 2.0 ** -20)]).astype(np.float32)
            got = S._fma32(x, scale, sf)
            ref = [_round_f32(_fraction_fma(v, scale, sf)) for v in x]
            assert got.view(np.int32).tolist() == np.array(ref, np.float32).view(np.int32).tolist()
    # x * scale = 2**-150 * (1 - 2**-46): the float64 sum lands on a subnormal halfway point
    x = np.float32(1 + 2.0 ** -23) * np.float32(2.0 ** -24)
    scale, shift = np.float32((1 - 2.0 ** -23) * 2.0 ** -126), np.float32(71363 * 2.0 ** -149)
    plain = np.float32(float(x) * float(scale) + float(shift))
    got = S._fma32(np.array([x, -x]), scale, shift)
    assert got[0] == shift != plain  # the exact sum is just below halfway: it rounds down
    assert got[1] == _round_f32(_fraction_fma(-x, scale, shift))


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


# ---- randperm, multinomial, bernoulli, exponential: the vectorised forms against their loops ----


def _fisher_yates_loop(k, n):
    r = list(range(n))
    for a, b in enumerate(k.tolist()):
        r[a], r[b] = r[b], r[a]
    return np.array(r)


def _inside_out_loop(z, n):
    r = [0] * n
    for i, zi in enumerate(z.tolist()):
        r[i] = r[zi]
        r[zi] = i
    return np.array(r)


def _swap_cases(rng, n):
    """Random targets, none moving, all to the end, a chain, and mostly-fixed."""
    i = np.arange(n - 1)
    return [i + rng.integers(0, n - i), i.copy(), np.full(n - 1, n - 1), np.minimum(i + 1, n - 1),
            i + rng.integers(0, n - i) * (rng.random(n - 1) < 0.1)]


def test_fisher_yates_replays_the_loop():
    """Sizes on both sides of the one-pass (16-bit) radix sort."""
    from ember._sampling_discrete import fisher_yates

    rng = np.random.default_rng(0)
    for n in [2, 3, 5, 64, 1000, 70_000]:
        for k in _swap_cases(rng, n):
            assert np.array_equal(fisher_yates(k.astype(np.int64), n), _fisher_yates_loop(k, n))


def test_inside_out_replays_the_loop():
    from ember._sampling_discrete import inside_out

    rng = np.random.default_rng(1)
    for n in [1, 2, 3, 5, 64, 1000, 70_000]:
        j = np.arange(n)
        for z in [rng.integers(0, j + 1), j.copy(), np.zeros(n, np.int64), np.maximum(j - 1, 0),
                  j * (rng.random(n) < 0.1)]:
            assert np.array_equal(inside_out(z.astype(np.int64), n), _inside_out_loop(z, n))


def test_inside_out_draws_match_the_loop():
    """The huge-n randperm path on a small n: u64 draws, then the inside-out shuffle."""
    import ember
    from ember._sampling_discrete import _randperm_inside_out

    g1, g2 = ember.Generator().manual_seed(5), ember.Generator().manual_seed(5)
    n = 3000
    z = g2._u64(n) % (np.arange(n, dtype=np.uint64) + 1)
    assert np.array_equal(_randperm_inside_out(g1, n), _inside_out_loop(z.astype(np.int64), n))


def test_topk_indices_orders_ties_by_index():
    """The partition path equals a stable descending sort, ties and NaN rows included."""
    from ember._sampling_discrete import _topk_indices

    rng = np.random.default_rng(2)
    x = rng.random((60, 50)).astype(np.float32)
    x[:20, ::3] = 0  # ties at the cut for k beyond the non-zero count
    x[20:30, 10] = x[20:30, 11]  # equal values inside the winners
    x[30:33, 4] = np.nan
    x[40:45] = np.round(x[40:45] * 4) / 4  # many ties
    for k in (1, 2, 5, 20, 24, 25, 49, 50):
        got = _topk_indices(x.copy(), k)
        ref = np.argsort(-x, axis=1, kind="stable")[:, :k]
        assert np.array_equal(got, ref), k


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_multinomial_bulk_paths_match_torch(dtype):
    """Partition top-k (wide rows, few samples) and the chunked and per-row CDF searches."""
    import torch

    import ember

    gen = torch.Generator().manual_seed(4)
    probs = torch.rand(300, 100, generator=gen).to(getattr(torch, dtype))
    probs[:, 3] = probs[:, 5]
    probs[:, ::9] = 0
    cases = [(probs, 10, False), (probs[:40], 1, False), (probs[:50], 40, True),
             (probs[:2].repeat(1, 40), 300, True)]  # 300 * 4000 compares: the per-row search
    for p, k, repl in cases:
        for seed in (0, 9):
            torch.manual_seed(seed)
            ember.manual_seed(seed)
            t = torch.multinomial(p, k, repl)
            e = ember.multinomial(ember.tensor(p.numpy()), k, repl)
            assert np.array_equal(t.numpy(), e.numpy()), (k, repl, seed)
            assert np.array_equal(torch.get_rng_state().numpy(), ember.get_rng_state().numpy())


class _Words:
    """A stand-in generator whose u64 draws are given words."""

    def __init__(self, words):
        self.words = np.asarray(words, np.uint64)

    def _u64(self, n):
        assert n == self.words.size
        return self.words.copy()


def test_bernoulli_scalar_compares_exactly_at_the_threshold():
    """u = m * 2**-53 < p as integers: words on both sides of ceil(p * 2**53), high bits set."""
    from ember import _sampling as S

    for p in [0.3, 0.5, 2.0 ** -53, 1 - 2.0 ** -53, 5e-324, 0.0, 1.0, 0.1 + 2.0 ** -56]:
        t = int(np.ceil(p * 2.0 ** 53))
        ms = [min(max(v, 0), 2 ** 53 - 1) for v in (t - 2, t - 1, t, t + 1, 0, 2 ** 53 - 1)]
        words = [m | (0x5A5 << 53) for m in ms]  # the 11 dropped bits must not matter
        got = S.bernoulli_scalar(_Words(words), len(ms), p)
        ref = [m * 2.0 ** -53 < p for m in ms]
        assert got.tolist() == ref, p


def test_numpy_log1p_is_within_the_float32_certification_margin():
    """exponential's float32 path trusts NumPy's log1p to a few ulps of libm's (it redoes only
    values within 2**12 ulps of a float32 rounding boundary): check that premise here."""
    import math

    u = (np.arange(1, 200_001) * 0.6180339887498949) % 1.0
    fast = np.log1p(-u)
    exact = np.array([math.log1p(-v) for v in u.tolist()])
    assert np.abs(fast.view(np.int64) - exact.view(np.int64)).max() <= 1 << 8


def test_exponential_float32_matches_torch():
    import torch

    import ember

    for lambd in (1.0, 2.5, 1e-30, 3e38):
        torch.manual_seed(1)
        ember.manual_seed(1)
        t = torch.empty(50_000).exponential_(lambd)
        e = ember.empty(50_000).exponential_(lambd)
        assert np.array_equal(t.numpy(), e.numpy()), lambd
    assert np.array_equal(torch.get_rng_state().numpy(), ember.get_rng_state().numpy())


def test_f32_rounding_unsure_flags_boundaries():
    from ember import _sampling as S

    mid = float(np.float32(1.5)) + 2.0 ** -24  # halfway between two float32s
    y = np.array([mid, np.nextafter(mid, 2), 1.25, 0.0, 1e-40, np.inf, np.nan, 3e38 * 2, -mid])
    assert S._f32_rounding_unsure(y).tolist() == [0, 1, 3, 4, 5, 6, 7, 8]


@pytest.mark.parametrize("n", [3, 1000, 65_537, 70_000])
def test_randperm_matches_torch(n):
    """Both radix-sort depths, a generator argument and non-int64 dtypes."""
    import torch

    import ember

    for seed in (0, 3):
        tg, eg = torch.Generator().manual_seed(seed), ember.Generator().manual_seed(seed)
        t = [torch.randperm(n, generator=tg), torch.randperm(n, generator=tg, dtype=torch.int32),
             torch.randperm(min(n, 2049), generator=tg, dtype=torch.float32)]
        e = [ember.randperm(n, generator=eg), ember.randperm(n, generator=eg, dtype=ember.int32),
             ember.randperm(min(n, 2049), generator=eg, dtype=ember.float32)]
        for a, b in zip(t, e):
            assert str(a.dtype) == str(b.dtype)
            assert np.array_equal(a.numpy(), b.numpy())
        assert np.array_equal(tg.get_state().numpy(), eg.get_state().numpy())


def _same_stream(t_fn, e_fn, seed=0):
    """Run the same sampling call under torch and ember from one seed: values and final state."""
    import torch

    import ember

    torch.manual_seed(seed)
    ember.manual_seed(seed)
    t, e = t_fn(torch), e_fn(ember)
    assert str(t.dtype).split(".")[-1] == str(e.dtype).split(".")[-1]
    assert tuple(t.shape) == tuple(e.shape)
    assert np.array_equal(t.numpy(), e.numpy())
    assert np.array_equal(torch.get_rng_state().numpy(), ember.get_rng_state().numpy())


_BIG = 2 * 8192 + 16384 + 7


@pytest.mark.parametrize("low, high, n", [(-1.0, 2.0, _BIG), (-0.0541, 0.0541, _BIG),
                                          (3.0, 3.5, 40), (-5.0, 1e-3, _BIG),
                                          (-1e300, 1e300, 300), (1e-300, 3e-300, 300),
                                          (0.0, 2.0 ** -900, 300)])
def test_uniform_float64_affine_matches_torch(low, high, n):
    """The chunked draw + double-FMA path (chunk edges, a short last chunk) and, for extreme
    bounds, fma64's guarded (exact, per-element) fallback."""
    _same_stream(lambda m: m.empty(n, dtype=m.float64).uniform_(low, high),
                 lambda m: m.empty(n, dtype=m.float64).uniform_(low, high), seed=7)


@pytest.mark.parametrize("n", [15, 16, 2 * 32768 + 40])
def test_randn_float64_chunks_match_torch(n):
    """The double Box-Muller in place over several chunks, then the redrawn tail block."""
    _same_stream(lambda m: m.randn(n, dtype=m.float64), lambda m: m.randn(n, dtype=m.float64))
    _same_stream(lambda m: m.empty(n, dtype=m.float64).normal_(1.5, 0.25),
                 lambda m: m.empty(n, dtype=m.float64).normal_(1.5, 0.25), seed=2)


@pytest.mark.parametrize("shape", [(0,), (1,), (3,), (10,), (511,), (512,), (2, 3), ((),)])
def test_small_rand_randn_fast_paths_match_torch(shape):
    """rand/randn with plain sizes: the few-NumPy-call paths, with and without a cached normal."""
    _same_stream(lambda m: m.rand(*shape), lambda m: m.rand(*shape))
    _same_stream(lambda m: m.stack([m.randn(*shape) for _ in range(3)]),
                 lambda m: m.stack([m.randn(*shape) for _ in range(3)]), seed=5)


def test_exact_affine24_bounds_are_exact():
    """Where _exact_affine24 says so, k * 2**-24 * scale + shift is exact in float64 (checked with
    fractions at the extreme k and exponents); just outside its band it is not always."""
    from fractions import Fraction

    from ember import _sampling as S

    rng = np.random.default_rng(3)
    ks = np.r_[0, 1, 2 ** 24 - 1, rng.integers(0, 2 ** 24, 200)]
    scale = float(np.float32(1 - 2 ** -24))  # 24 significant bits
    for shift_exp in range(-40, 10):
        shift = -float(np.float32(np.ldexp(1 + 2 ** -23, shift_exp - 1)))
        exact = all(float(v) == v for v in (
            Fraction(int(k), 2 ** 24) * Fraction(scale) + Fraction(shift) for k in ks))
        if S._exact_affine24(scale, shift):
            assert exact, shift_exp
        elif shift_exp in (-30, 6):
            assert not exact, shift_exp
    assert S._exact_affine24(0.1082, -0.0541) and not S._exact_affine24(1.0, 0.0)


@pytest.mark.parametrize("low, high", [(-0.0541, 0.0541), (2.0, 3.0), (-1e-9, 1.0), (5.0, 6e3)])
def test_uniform_float32_affine_matches_torch(low, high):
    n = 3 * 16384 + 5
    _same_stream(lambda m: m.empty(n).uniform_(low, high),
                 lambda m: m.empty(n).uniform_(low, high), seed=4)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_inplace_fills_write_into_the_tensor(dtype):
    """uniform_/normal_ on contiguous float tensors draw straight into their memory; transposed
    views and mean/std != (0, 1) keep torch's values too."""
    import ember

    def fill(m):
        t = m.empty(300, 70, dtype=getattr(m, dtype))
        if m is ember:
            ptr = t._data.ctypes.data
        t.uniform_(-0.5, 2.0)
        a = t.clone()
        t.normal_(0.0, 1.0)
        b = t.clone()
        t.normal_(1.5, 0.25)
        c = t.clone()
        if m is ember:
            assert t._data.ctypes.data == ptr
        v = m.empty(70, 300, dtype=getattr(m, dtype)).t()
        return m.stack([a, b, c, v.normal_(2.0, 3.0), v.uniform_(-1.0, 1.0)])

    _same_stream(fill, fill, seed=6)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("low, high", [(5.0, 5.0 + 2 ** -40), (1.0, 1.0 + 3e-7),
                                       (-3.0, -3.0 + 2 ** -21), (-1.0, -1.0 + 2 ** -50)])
def test_uniform_results_rounding_to_high_become_low(dtype, low, high):
    """Narrow ranges round some results up to `high`; torch writes `low` there."""
    _same_stream(lambda m: m.empty(3000, dtype=getattr(m, dtype)).uniform_(low, high),
                 lambda m: m.empty(3000, dtype=getattr(m, dtype)).uniform_(low, high), seed=9)


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
@pytest.mark.parametrize("mean, std", [(0.0, 0.02), (0.0, 0.0), (-0.0, 0.0), (0.0, 2.0 ** -101),
                                       (-0.0, 3.0)])
def test_normal_zero_mean_keeps_torchs_zero_signs(dtype, mean, std):
    """normal_(0, std) is fma(x, std, mean): exact zero products take the sign of + mean."""
    def fill(m):
        t = m.empty(1000, dtype=getattr(m, dtype)).normal_(mean, std)
        return m.stack([t, m.signbit(t)])

    _same_stream(fill, fill, seed=3)


def test_normal_scaling_turns_exact_zero_products_positive():
    """A zero radius (uniform 0: sqrt(-0) = -0) gives -0 normals; fma(x, std, +0) makes them +0, as
    the general float32 FMA path does, while nonzero products keep the float32 product."""
    from ember import _sampling as S

    class Raw:
        def __init__(self, words):
            self.words = np.asarray(words, np.uint64)

        def _raw(self, n):
            assert n == self.words.size
            return self.words.copy()

    words = [0] * 4 + [5, 77, 1 << 20, 12345] + [0] * 4 + [1 << 22] * 4  # radius -0 at angle 0
    base = S.normal(Raw(words), 16, np.float32)
    assert np.signbit(base[:4]).all() and (base[:4] == 0).all()
    for std in (0.5, 2.0 ** -140, 3.0):
        got = S.normal(Raw(words), 16, np.float32, 0.0, std)
        want = S._fma32(base, std, 0.0)
        assert np.array_equal(got.view(np.int32), want.view(np.int32)), std
