"""ember/_mt19937.py's raw draws: the bulk paths (NumPy's uint64 draws split into two u32s) give
the plain MT19937 stream in order, for every size around the cut-offs, and leave the generator
where torch's would be."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
from ember import _mt19937

SIZES = [0, 1, 2, 31, 32, 33, 511, 512, 513, 1000, 1001, 4097]


def _reference(seed: int, n: int) -> np.ndarray:
    """n u32 outputs of MT19937 seeded by init_genrand(seed), one at a time."""
    g = ember.Generator().manual_seed(seed)
    return np.array([int(g._bg.random_raw()) for _ in range(n)], np.uint64)


@pytest.fixture(params=[True, False], ids=["u64-join", "u32-only"])
def join(request, monkeypatch):
    """Run each test on NumPy's joined uint64 draws and on the plain u32 fallback."""
    if request.param and not _mt19937._u64_is_two_u32():
        pytest.skip("this NumPy does not join two MT19937 outputs as (first << 32) | second")
    monkeypatch.setattr(_mt19937, "_U64_JOIN", [request.param])
    return request.param


@pytest.mark.parametrize("seed", [0, 2**32 + 7])
def test_u32_and_u64_follow_the_stream(join, seed):
    for n in SIZES:
        ref = _reference(seed, 2 * n + 3)
        g = ember.Generator().manual_seed(seed)
        a = g._u32(n)
        b = g._u64(n // 2 + 1)
        c = g._raw(1)
        assert a.dtype == np.uint32 and b.dtype == np.uint64
        assert np.array_equal(a, ref[:n]), n
        k = n + 2 * (n // 2 + 1)
        pairs = ref[n:k]
        assert np.array_equal(b, (pairs[0::2] << np.uint64(32)) | pairs[1::2]), n
        assert c[0] == ref[k], n


@pytest.mark.parametrize("n", [513, 1001, 20000])
def test_bulk_draws_match_torch(join, n):
    """Samplers built on the bulk draws: values and the 5056-byte state equal torch's."""
    for seed in (0, 11):
        torch.manual_seed(seed)
        ember.manual_seed(seed)
        pairs = [(torch.rand(n), ember.rand(n)),
                 (torch.randint(-3, 1000, (n,)), ember.randint(-3, 1000, (n,))),
                 (torch.randint(0, 2**40, (n,)), ember.randint(0, 2**40, (n,))),
                 (torch.rand(n, dtype=torch.float64), ember.rand(n, dtype=ember.float64)),
                 (torch.empty(n).bernoulli_(0.25), ember.empty(n).bernoulli_(0.25))]
        for t, e in pairs:
            assert np.array_equal(t.numpy(), e.numpy())
        assert np.array_equal(torch.get_rng_state().numpy(), ember.get_rng_state().numpy())


def test_join_probe_is_cached():
    first = _mt19937._u64_is_two_u32()
    assert _mt19937._U64_JOIN == [first]
    assert _mt19937._u64_is_two_u32() is first
