"""torch.* functions built from ember's ops (native_* normalisations, index_reduce,
unravel_index, nonzero_static, frombuffer, from_file, ...), differential against torch."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
from tests.oracle import assert_same, check, check_raises

IDX = np.array([0, 2, 0, 1])


def _update_stats(lib, x):
    rm, rv = lib.zeros(3, dtype=x.dtype), lib.ones(3, dtype=x.dtype)
    return lib.batch_norm_update_stats(x, rm, rv, 0.2) + (rm, rv)


def _result_and_input(fn, x):
    """fn changes x in place: both what it returns and x itself."""
    return fn(x), x


CASES = {
    "native_layer_norm": (lambda lib, x, w, b: lib.native_layer_norm(x, [4], w, b, 1e-5),
                          [(2, 3, 4), (4,), (4,)]),
    "native_layer_norm_2d": (lambda lib, x: lib.native_layer_norm(x, (3, 4), None, None, 1e-3),
                             [(2, 3, 4)]),
    "native_batch_norm_train": (lambda lib, x, w, b: lib.native_batch_norm(
        x, w, b, lib.zeros(3, dtype=x.dtype), lib.ones(3, dtype=x.dtype), True, 0.1, 1e-5),
        [(4, 3, 2), (3,), (3,)]),
    "native_batch_norm_eval": (lambda lib, x: lib.native_batch_norm(
        x, None, None, lib.full((3,), 0.5, dtype=x.dtype), lib.ones(3, dtype=x.dtype), False,
        0.1, 1e-5), [(4, 3)]),
    "native_group_norm": (lambda lib, x, w, b: lib.native_group_norm(x, w, b, 2, 4, 3, 2, 1e-5),
                          [(2, 4, 3), (4,), (4,)]),
    "native_dropout": (lambda lib, x: (lib.manual_seed(3), lib.native_dropout(x, 0.4, True))[1],
                       [(3, 5)]),
    "native_dropout_eval": (lambda lib, x: lib.native_dropout(x, 0.4, False), [(3, 5)]),
    "native_dropout_none": (
        lambda lib, x: (lib.manual_seed(1), lib.native_dropout(x, 0.4, None))[1], [(3, 5)]),
    "batch_norm_update_stats": (lambda lib, x: _update_stats(lib, x), [(4, 3, 2)],
                                {"grad": False}),  # torch: "derivative ... is not implemented"
    "norm_except_dim_0": (lambda lib, v: lib.norm_except_dim(v, 2, 0), [(3, 4, 2)]),
    "norm_except_dim_2": (lambda lib, v: lib.norm_except_dim(v, 3, 2), [(3, 4, 2)]),
    "norm_except_dim_all": (lambda lib, v: lib.norm_except_dim(v, 2, -1), [(3, 4)]),
    "index_reduce_prod": (lambda lib, x, s: lib.index_reduce(x, 0, lib.tensor(IDX), s, "prod"),
                          [(3, 2), (4, 2)]),
    "index_reduce_mean": (lambda lib, x, s: x.index_reduce(1, lib.tensor([1, 1, 0]), s, "mean",
                                                           include_self=False),
                          [(2, 3), (2, 3)]),
    "index_reduce_amax": (lambda lib, x, s: lib.index_reduce(x, 0, lib.tensor(IDX), s, "amax"),
                          [(3,), (4,)]),
    "index_reduce_amin_": (lambda lib, x, s: x.clone().index_reduce_(
        0, lib.tensor(IDX), s, "amin", include_self=False), [(3, 2), (4, 2)],
        {"grad": False}),  # torch's backward refuses: the clone it saved was written in place
    "slice_inverse": (lambda lib, x: lib.slice_inverse(x[:, 1:3], x.detach(), 1, 1, 3),
                      [(3, 4)], {"grad": False}),
}


@pytest.mark.parametrize("name", list(CASES))
def test_matches_torch(name):
    fn, shapes, *options = CASES[name]
    check(fn, shapes, dtype="float64", **(options[0] if options else {}))


@pytest.mark.parametrize("indices, shape", [([4, 1, 0], (2, 3)), (5, (2, 3)), ([-1, 6], (2, 3)),
                                            ([[3, 7], [0, 11]], (3, 4)), ([2], 3)])
def test_unravel_index(indices, shape):
    check(lambda lib: lib.unravel_index(lib.tensor(indices), shape), [], grad=False)


def test_unravel_index_errors():
    check_raises(lambda lib: lib.unravel_index(lib.tensor([1.0]), (2,)), [])
    check_raises(lambda lib: lib.unravel_index(lib.tensor([1]), (-2,)), [])


@pytest.mark.parametrize("size, fill", [(3, -1), (1, 0), (6, 9), (0, -1)])
def test_nonzero_static(size, fill):
    data = [[0, 1, 0], [2, 0, 3]]
    check(lambda lib: lib.nonzero_static(lib.tensor(data), size=size, fill_value=fill), [],
          grad=False)


def test_inplace_spellings():
    for fn in [lambda lib, x: lib.gcd_(x, lib.tensor([4, 6, 9])),
               lambda lib, x: lib.lcm_(x, lib.tensor([4, 6, 9])),
               lambda lib, x: lib.index_put_(x, (lib.tensor([0, 2]),), lib.tensor([7, 8]), True),
               lambda lib, x: lib.resize_as_(x, lib.zeros(2))]:
        check(lambda lib, fn=fn: _result_and_input(lambda x: fn(lib, x), lib.tensor([6, 4, 3])),
              [], grad=False)
    check(lambda lib, a, m, v: _result_and_input(
        lambda y: lib.addmv_(y, m, v, beta=0.5, alpha=2), a.detach().clone()),
        [(3,), (3, 2), (2,)], dtype="float64", grad=False)
    check(lambda lib, x: lib.conj_physical_(x.detach().clone()), [(3,)], dtype="complex128",
          grad=False)


def test_as_strided_():
    def fn(lib, x):
        y = x.detach().clone()
        out = lib.as_strided_(y, (2, 2), (1, 3), 1)
        assert out is y
        return y, y.stride(), y.storage_offset()
    check(fn, [(3, 4)], dtype="float64", grad=False)
    check(lambda x: x.detach().clone().as_strided_((3,), (2,)), [(2, 3)], grad=False)


def test_embedding_renorm_():
    def fn(lib, w):
        w = w.detach().clone()
        lib.embedding_renorm_(w, lib.tensor([0, 2, 2]), 1.0, 2.0)
        return w
    check(fn, [(4, 3)], dtype="float64", grad=False)


def test_empty_permuted():
    for size, layout in [((2, 3, 4), (0, 2, 1)), ((2, 3), (1, 0)), ((5,), (0,))]:
        e = ember.empty_permuted(size, layout, dtype=ember.float64)
        t = torch.empty_permuted(size, layout, dtype=torch.float64)
        assert tuple(e.shape) == tuple(t.shape) and e.stride() == t.stride()
        assert e.dtype is ember.float64 and e.is_leaf and e._base is None
    check_raises(lambda lib: lib.empty_permuted((2, 3), (0, 0)), [])


def test_frombuffer_shares_memory():
    buf = bytearray(np.arange(6, dtype=np.int32).tobytes())
    e = ember.frombuffer(buf, dtype=ember.int32, count=4, offset=4)
    t = torch.frombuffer(bytearray(buf), dtype=torch.int32, count=4, offset=4)
    assert_same(e, t)
    e[0] = 100
    assert np.frombuffer(buf, dtype=np.int32)[1] == 100
    check_raises(lambda lib: lib.frombuffer(bytearray(8), dtype=lib.int32, offset=8), [])
    check_raises(lambda lib: lib.frombuffer(bytearray(), dtype=lib.int32), [])


@pytest.mark.parametrize("shared", [True, False])
def test_from_file(tmp_path, shared):
    path = tmp_path / "data.bin"
    np.arange(10, dtype=np.float32).tofile(path)
    e = ember.from_file(str(path), shared, 6, dtype=ember.float32)
    t = torch.from_file(str(path), shared, 6, dtype=torch.float32)
    assert_same(e, t)
    e[0] = 42.0
    del e
    assert bool(np.fromfile(path, dtype=np.float32)[0] == 42.0) is shared
    check_raises(lambda lib: lib.from_file(str(path), False, 100, dtype=lib.float32), [])


@pytest.mark.parametrize("data, dtype, dim, keepdim", [
    ([1.0, 2.0, 3.0], "float32", (), False), ([[1, 2, 3], [4, 5, 6]], "int64", 1, False),
    ([[1, 2, 3], [4, 5, 6]], "int32", [0, 1], True), ([-1], "int8", (), False),
    ([True, False, True], "bool", 0, False), ([-1.5, 0.25], "float16", (), False),
    ([[0.5, 2.0]], "float64", -1, True)])
def test_hash_tensor(data, dtype, dim, keepdim):
    check(lambda lib: lib.hash_tensor(lib.tensor(data, dtype=getattr(lib, dtype)), dim,
                                      keepdim=keepdim), [], grad=False)
    check(lambda lib: lib.tensor(data, dtype=getattr(lib, dtype)).hash_tensor(dim), [],
          grad=False)


def test_hash_tensor_errors():
    check_raises(lambda lib: lib.hash_tensor(lib.ones(2), mode=1), [])
    check_raises(lambda lib: lib.hash_tensor(lib.zeros(0)), [])
    check_raises(lambda lib: lib.hash_tensor(lib.ones(2, dtype=lib.complex64)), [])


def test_view_as_copies():
    check(lambda lib, x: lib.view_as_real_copy(x), [(3,)], dtype="complex128")
    check(lambda lib, x: lib.view_as_complex_copy(x.detach()), [(3, 2)], dtype="float64",
          grad=False)
    check_raises(lambda lib, x: lib.view_as_complex_copy(x), [(3, 2)], grad=True)


def test_lazy_top_level_aliases():
    import ember.func
    import ember.ops.lobpcg
    assert ember.vmap is ember.func.vmap and ember.lobpcg is ember.ops.lobpcg.lobpcg


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_poisson_and_binomial_draw_torchs_stream(dtype):
    rates = np.array([0.5, 3.0, 12.0, 40.0, 0.0, 9.9], dtype=dtype)
    check(lambda lib, r: (lib.manual_seed(0), lib.poisson(r))[1], inputs=[rates], grad=False)
    count = np.array([5.0, 20.0, 100.0, 0.0, 7.0], dtype=dtype)
    prob = np.array([0.3, 0.5, 0.9, 0.5, 0.02], dtype=dtype)
    check(lambda lib, n, p: (lib.manual_seed(3), lib.binomial(n, p))[1], inputs=[count, prob],
          grad=False)
    check_raises(lambda lib: lib.poisson(lib.tensor([-1.0])), [])
