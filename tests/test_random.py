"""ember.random against torch's CPU generator: after the same seed every call must give torch's
values bit for bit and leave the generator in torch's exact state (compared through the 5056-byte
get_rng_state(), which also holds the cached normal). No statistical tests are needed: every
sampler here matches exactly.
"""
from __future__ import annotations

import pickle

import numpy as np
import pytest
import torch

import ember
from tests.oracle import check_raises, to_numpy

SEEDS = [0, 1, 42, 2**32 + 5]
SIZES = [0, 1, 5, 15, 16, 17, 31, 100, 1000, (3, 4), (2, 0, 3)]
FLOATS = ["float32", "float64", "float16", "bfloat16"]


def _as_list(out):
    return list(out) if isinstance(out, (list, tuple)) else [out]


def same(fn, seeds=SEEDS):
    """fn(lib) after lib.manual_seed(s) gives identical tensors and generator state."""
    for s in seeds:
        torch.manual_seed(s)
        ember.manual_seed(s)
        t_out, e_out = _as_list(fn(torch)), _as_list(fn(ember))
        assert len(t_out) == len(e_out)
        for i, (t, e) in enumerate(zip(t_out, e_out)):
            where = f"seed {s}, output {i}"
            assert tuple(e.shape) == tuple(t.shape), f"{where}: shape {e.shape} != {t.shape}"
            assert str(e.dtype) == str(t.dtype), \
                f"{where}: dtype {e.dtype} != {t.dtype}"
            a, b = to_numpy(e), to_numpy(t)
            ok = (a == b) | (np.isnan(a) & np.isnan(b)) if a.dtype.kind == "f" else a == b
            assert np.all(ok), f"{where}: first difference at {np.argwhere(~ok)[0]}: " \
                               f"ember {a[~ok][0]!r} vs torch {b[~ok][0]!r}"
        assert bytes(to_numpy(ember.get_rng_state())) == bytes(torch.get_rng_state().numpy()), \
            f"seed {s}: generator state differs after the call"


def _dt(lib, name):
    return getattr(lib, name)


# ---- factories ---------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("size", SIZES)
def test_rand(size, dtype):
    same(lambda lib: lib.rand(size, dtype=_dt(lib, dtype)))


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("size", SIZES + [48, 250])
def test_randn(size, dtype):
    same(lambda lib: lib.randn(size, dtype=_dt(lib, dtype)))


def test_rand_randn_varargs_and_like():
    same(lambda lib: [lib.rand(2, 3), lib.randn(4, 5), lib.rand(size=(3,)), lib.randn([17]),
                      lib.rand_like(lib.zeros(3, 2, dtype=lib.float64)),
                      lib.randn_like(lib.zeros(20))])


def test_randn_large_seeds():
    same(lambda lib: lib.randn(5000), seeds=list(range(6)))


@pytest.mark.parametrize("args", [(10, (5,)), (-5, 7, (3, 4)), (3, (0,)), (2**28 - 1, (40,)),
                                  (2**28, (40,)), (-2**40, 2**40, (30,)), (2**31, (9,)),
                                  (0, 2**32 - 1, (9,)), (1, (3,))])
def test_randint(args):
    same(lambda lib: lib.randint(*args))


@pytest.mark.parametrize("dtype", ["int32", "int16", "int8", "uint8", "float32", "float64",
                                   "float16", "bfloat16"])
def test_randint_dtypes(dtype):
    same(lambda lib: lib.randint(0, 100, (50,), dtype=_dt(lib, dtype)))
    same(lambda lib: lib.randint(0, 2, (5,), dtype=lib.bool))
    same(lambda lib: lib.randint_like(lib.zeros(4, 3, dtype=_dt(lib, dtype)), 3, 9))
    same(lambda lib: lib.randint_like(lib.zeros(6), 50))


def test_randint_wide_int32():
    same(lambda lib: lib.randint(-2**31, 2**31 - 1, (20,), dtype=lib.int32))
    same(lambda lib: lib.randint(0, 2**29, (20,), dtype=lib.float64))


@pytest.mark.parametrize("n", [0, 1, 2, 7, 100, 5000])
def test_randperm(n):
    same(lambda lib: lib.randperm(n))


def test_randperm_dtypes():
    same(lambda lib: [lib.randperm(30, dtype=lib.float32), lib.randperm(9, dtype=lib.int32)])


# ---- in-place methods --------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("n", [1, 5, 16, 17, 100])
def test_uniform_(dtype, n):
    same(lambda lib: [lib.empty(n, dtype=_dt(lib, dtype)).uniform_(-3, 5),
                      lib.empty(n, dtype=_dt(lib, dtype)).uniform_(0.25, 0.3),
                      lib.empty(n, dtype=_dt(lib, dtype)).uniform_(-1e3, 7.1)])


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("n", [1, 5, 16, 17, 100])
def test_normal_(dtype, n):
    same(lambda lib: [lib.empty(n, dtype=_dt(lib, dtype)).normal_(0.5, 2.0),
                      lib.empty(n, dtype=_dt(lib, dtype)).normal_(-1.3, 0.7),
                      lib.empty(n, dtype=_dt(lib, dtype)).normal_()])


def test_non_contiguous_fill_order():
    def fn(lib):
        a = lib.zeros(6, 7)
        a.t().normal_()
        b = lib.zeros(4, 40)
        b[:, ::2].normal_()
        c = lib.zeros(5, 3, dtype=lib.float64)
        c.t().uniform_(1, 2)
        d = lib.zeros(3, 8)
        d.t().bernoulli_(lib.rand(3, 8).t())
        return [a, b, c, d]
    same(fn)


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "int64", "bool", "uint8"])
def test_bernoulli_scalar_p(dtype):
    same(lambda lib: [lib.empty(40, dtype=_dt(lib, dtype)).bernoulli_(0.3),
                      lib.empty(3, 5, dtype=_dt(lib, dtype)).bernoulli_(),
                      lib.bernoulli(lib.zeros(7, dtype=_dt(lib, dtype)), 0.8)])


@pytest.mark.parametrize("pdtype", ["float32", "float64", "float16", "bfloat16"])
def test_bernoulli_tensor_p(pdtype):
    def fn(lib):
        p = lib.rand(4, 6).to(_dt(lib, pdtype))
        return [lib.bernoulli(p), lib.empty(4, 6).bernoulli_(p),
                lib.empty(3, 4, 6, dtype=lib.int64).bernoulli_(p), p.bernoulli()]
    same(fn)


@pytest.mark.parametrize("dtype", ["int64", "int32", "int16", "int8", "uint8", "bool",
                                   "float32", "float64", "float16", "bfloat16"])
def test_random_(dtype):
    same(lambda lib: [lib.empty(30, dtype=_dt(lib, dtype)).random_(),
                      lib.empty(30, dtype=_dt(lib, dtype)).random_(2),
                      lib.empty(30, dtype=_dt(lib, dtype)).random_(0, 2)])


def test_random_ranges():
    same(lambda lib: [lib.empty(20, dtype=lib.int64).random_(-7, 100),
                      lib.empty(20, dtype=lib.int64).random_(-2**63, None),
                      lib.empty(20, dtype=lib.int32).random_(-5, None),
                      lib.empty(20, dtype=lib.int64).random_(2**35)])


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
def test_other_distributions(dtype):
    same(lambda lib: [lib.empty(40, dtype=_dt(lib, dtype)).exponential_(),
                      lib.empty(40, dtype=_dt(lib, dtype)).exponential_(2.5),
                      lib.empty(40, dtype=_dt(lib, dtype)).geometric_(0.3),
                      lib.empty(9, dtype=_dt(lib, dtype)).log_normal_(),
                      lib.empty(40, dtype=_dt(lib, dtype)).log_normal_(0.1, 0.5),
                      lib.empty(40, dtype=_dt(lib, dtype)).cauchy_(1.0, 2.0)])


def test_geometric_int():
    same(lambda lib: lib.empty(30, dtype=lib.int64).geometric_(0.2))


# ---- normal overloads, multinomial -------------------------------------------------------------


def test_normal_overloads():
    def fn(lib):
        m = lib.linspace(-2, 2, 20)
        s = lib.linspace(0, 3, 20)
        return [lib.normal(2.0, 3.0, (5, 4)), lib.normal(m, 0.5), lib.normal(m),
                lib.normal(1.5, s), lib.normal(m, s), lib.normal(m.reshape(4, 5), s[:5]),
                lib.normal(lib.zeros(2, 1, dtype=lib.float64), lib.ones(3)),
                lib.normal(0.0, 1.0, size=(3,), dtype=lib.float64)]
    same(fn)


def test_normal_grad_is_zero():
    for lib in (torch, ember):
        m = lib.zeros(3, requires_grad=True)
        s = lib.ones(3, requires_grad=True)
        for out, name in ((lib.normal(m, 1.0), "NormalBackward1"),
                          (lib.normal(0.0, s), "NormalBackward2"),
                          (lib.normal(m, s), "NormalBackward3")):
            assert type(out.grad_fn).__name__ == name
            out.sum().backward()
        assert m.grad.tolist() == [0.0] * 3 and s.grad.tolist() == [0.0] * 3


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("k,repl", [(1, False), (4, False), (7, False), (1, True), (5, True),
                                    (30, True)])
def test_multinomial(dtype, k, repl):
    def fn(lib):
        p = lib.tensor(np.random.RandomState(3).rand(3, 7)).to(_dt(lib, dtype))
        p[0, 2] = 0
        return [lib.multinomial(p, k, replacement=repl), lib.multinomial(p[1], k, repl),
                p.multinomial(k, repl)]
    same(fn)


# ---- mixed sequences, state, generators ---------------------------------------------------------


def test_mixed_sequence():
    def fn(lib):
        out = [lib.rand(3), lib.randn(20), lib.randint(0, 10, (5,)), lib.randperm(7),
               lib.randn(1), lib.randn(3), lib.rand(2, dtype=lib.float64), lib.randn(2),
               lib.empty(10).normal_(), lib.randn(17), lib.bernoulli(lib.rand(5)),
               lib.empty(8).bernoulli_(0.5), lib.multinomial(lib.ones(4), 2), lib.randn(1)]
        return out
    same(fn, seeds=list(range(5)))


def test_state_round_trip_with_torch():
    ember.manual_seed(11)
    ember.randn(3)  # leaves a cached normal in the state
    state = ember.get_rng_state()
    assert state.shape == (5056,) and str(state.dtype) == "torch.uint8"
    torch.set_rng_state(torch.from_numpy(to_numpy(state)))
    assert torch.randn(5).tolist() == ember.randn(5).tolist()
    torch.manual_seed(12)
    torch.rand(700)
    torch.randn(1)
    ember.set_rng_state(ember.from_numpy(torch.get_rng_state().numpy().copy()))
    assert torch.randn(3).tolist() == ember.randn(3).tolist()
    assert ember.initial_seed() == torch.initial_seed() == 12
    saved = ember.get_rng_state()
    a = ember.rand(50)
    ember.set_rng_state(saved)
    assert ember.rand(50).tolist() == a.tolist()


@pytest.mark.parametrize("seed", [0, 7, -1, 2**63, 2**64 - 1, 2**32 + 3])
def test_manual_seed_values(seed):
    same(lambda lib: [lib.rand(3), lib.randn(2)], seeds=[seed])
    assert ember.initial_seed() == torch.initial_seed()
    assert ember.manual_seed(seed) is ember.default_generator


def test_manual_seed_bad():
    for bad in (2**64, -2**63 - 1):
        with pytest.raises(ValueError):
            torch.manual_seed(bad)
        with pytest.raises(ValueError):
            ember.manual_seed(bad)


def test_generator_argument():
    def fn(lib):
        g = lib.Generator().manual_seed(123)
        f = lib.Generator()  # the default seed 67280421310721
        return [lib.rand(4, generator=g), lib.randn(3, generator=g), lib.randn(20, generator=g),
                lib.randint(5, (3,), generator=g), lib.randperm(6, generator=g),
                lib.empty(5).uniform_(generator=g), lib.empty(5).normal_(generator=g),
                lib.bernoulli(lib.rand(3), generator=g), lib.multinomial(lib.ones(5), 3,
                                                                         generator=g),
                lib.normal(0.0, 1.0, (4,), generator=g), lib.rand(5, generator=f),
                lib.tensor([g.initial_seed(), f.initial_seed()])]
    same(fn, seeds=[0])


def test_generator_state_and_pickle():
    g = ember.Generator().manual_seed(5)
    tg = torch.Generator().manual_seed(5)
    ember.randn(1, generator=g)
    torch.randn(1, generator=tg)
    assert bytes(to_numpy(g.get_state())) == bytes(tg.get_state().numpy())
    h = pickle.loads(pickle.dumps(g))
    assert ember.randn(4, generator=h).tolist() == torch.randn(4, generator=tg).tolist()
    assert g.device == ember.device("cpu")
    s = g.seed()
    assert g.initial_seed() == s and 0 <= s < 2**63


def test_seed_and_fork_rng():
    s = ember.seed()
    assert ember.initial_seed() == s
    from ember.random import fork_rng

    ember.manual_seed(3)
    with fork_rng():
        inner = ember.rand(10)
    assert ember.rand(10).tolist() == inner.tolist()


# ---- autograd, out=, errors --------------------------------------------------------------------


@pytest.mark.parametrize("method,args", [("uniform_", ()), ("normal_", ()),
                                         ("bernoulli_", (0.5,)), ("random_", (5,)),
                                         ("exponential_", ()), ("cauchy_", ()),
                                         ("log_normal_", ()), ("geometric_", (0.5,)),
                                         ("bernoulli_", ("p",))])
def test_inplace_autograd(method, args):
    names = []
    for lib in (torch, ember):
        call_args = tuple(lib.rand(3) if a == "p" else a for a in args)
        leaf = lib.ones(3, requires_grad=True)
        with pytest.raises(RuntimeError, match="leaf Variable"):
            getattr(leaf, method)(*call_args)
        with lib.no_grad():
            getattr(leaf, method)(*call_args)
        a = lib.ones(3, requires_grad=True)
        y = a * 2
        getattr(y, method)(*call_args)
        assert y.requires_grad
        names.append(type(y.grad_fn).__name__)
        y.sum().backward()
        assert a.grad.tolist() == [0.0] * 3
    assert names[0] == names[1]


def test_out_and_requires_grad():
    def fn(lib):
        o = lib.empty(3)
        r = lib.rand(2, 2, out=o)
        i = lib.empty(4, dtype=lib.int64)
        lib.randint(0, 9, (4,), out=i)
        q = lib.empty(5, dtype=lib.int64)
        lib.randperm(5, out=q)
        return [o, r, i, q]
    same(fn, seeds=[0, 1])
    assert ember.rand(2, requires_grad=True).requires_grad
    assert ember.randn(2, requires_grad=True).is_leaf


@pytest.mark.parametrize("expr", [
    "lib.normal(lib.zeros(2), -1.0)", "lib.normal(0.0, -1.0, (2,))",
    "lib.empty(3).uniform_(5, 3)", "lib.randint(5, 5, (2,))", "lib.randint(5, 3, (2,))",
    "lib.empty(2).random_(3, 3)", "lib.empty(2).bernoulli_(1.5)", "lib.empty(2).exponential_(0)",
    "lib.multinomial(lib.tensor([1., -1.]), 1)", "lib.multinomial(lib.tensor([0., 0.]), 1)",
    "lib.multinomial(lib.tensor([1., 1.]), 3)", "lib.multinomial(lib.ones(2, 2, 2), 1)",
    "lib.multinomial(lib.tensor([1., 1.]), 0)", "lib.multinomial(lib.tensor([1, 2]), 1)",
    "lib.randperm(-1)", "lib.rand(-1)", "lib.randn(2, dtype=lib.int64)",
    "lib.rand(2, dtype=lib.int64)", "lib.bernoulli(lib.tensor([1.5]))",
    "lib.empty(2, dtype=lib.int64).normal_()", "lib.empty(2).geometric_(0)",
    "lib.normal(lib.zeros(2), lib.tensor([-1., 1.]))", "lib.randint(10, 3)",
    "lib.empty(2, dtype=lib.uint8).random_(0, 300)", "lib.empty(2).normal_(0, -1)",
    "lib.empty(2).log_normal_(0, 0)", "lib.empty(2).cauchy_(0, 0)",
    "lib.rand(2, generator=3)", "lib.normal(0.0, 1.0)",
    "lib.multinomial(lib.tensor([1., float('nan')]), 1)",
    "lib.set_rng_state(lib.zeros(10, dtype=lib.uint8))",
])
def test_errors(expr):
    check_raises(lambda lib: eval(expr), shapes=[])


# ---- bulk sizes ----------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1_000_003, 262_144])
def test_bulk_streams(n):
    """Sizes spanning many kernel chunks (and a tail block), factories and in-place forms."""
    def fn(lib):
        return [lib.randn(n), lib.rand(n), lib.randint(-7, 1000, (n,)),
                lib.empty(n).uniform_(-0.0541, 0.0541), lib.empty(n).normal_(0.1, 0.02),
                lib.empty(n // 4, dtype=lib.float64).uniform_(-1.0, 2.0),
                lib.empty(n // 4, dtype=lib.float64).normal_(3.0, 0.5)]
    same(fn, seeds=[0, 7])


def test_serial_normal_sizes():
    """The cached double Box-Muller below and above the pure-Python cut-off, with mean/std."""
    def fn(lib):
        a = lib.zeros(9, 40)
        a.t().normal_(1.5, 0.25)
        b = lib.zeros(3, 30, dtype=lib.float64)
        b.t().normal_()
        return [a, b, lib.normal(2.0, 3.0, size=(7,)), lib.randn(15, dtype=lib.float64),
                lib.normal(-1.0, 0.1, size=(3,), dtype=lib.float64)]
    same(fn)


@pytest.mark.parametrize("make", [lambda lib: lib.empty(3, 4).t(),
                                  lambda lib: lib.empty(2, 3, 4).permute(2, 0, 1),
                                  lambda lib: lib.empty(4, 6)[:, ::2],
                                  lambda lib: lib.ones(1, 4).expand(3, 4)])
def test_like_factories_keep_torch_layout_and_draw_order(make):
    """*_like keep a permuted input's memory layout (preserve_format), so random fills of
    rand_like/randn_like/randint_like land on the same elements as torch's."""
    import torch

    import ember
    from tests.oracle import assert_same
    for name, args in (("rand_like", ()), ("randn_like", ()), ("randint_like", (10,))):
        torch.manual_seed(3)
        t = getattr(torch, name)(make(torch), *args)
        ember.manual_seed(3)
        e = getattr(ember, name)(make(ember), *args)
        assert_same(e, t, rtol=0, atol=0, where=name)
        assert e.stride() == t.stride(), name
    for name in ("empty_like", "zeros_like", "ones_like"):
        assert getattr(ember, name)(make(ember)).stride() == \
            getattr(torch, name)(make(torch)).stride(), name
