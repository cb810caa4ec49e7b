"""F.embedding / F.embedding_bag and nn.Embedding / nn.EmbeddingBag against torch: lookups,
gradients (padding_idx, scale_grad_by_freq, double backward), max_norm renormalisation, default
init after the same seed, from_pretrained, repr, state_dict and errors."""
import numpy as np
import pytest
import torch

import ember
from tests.oracle import assert_same, check, check_raises

RNG = np.random.default_rng(0)
W = RNG.standard_normal((7, 3))
IDX = np.array([[1, 2, 4, 1], [4, 3, 2, 6]])


def _emb(**kw):
    return lambda lib, w, i: lib.nn.functional.embedding(i, w, **kw)


@pytest.mark.parametrize("idx", [IDX, IDX[0], np.array(3), np.zeros((0,), np.int64),
                                 IDX.astype(np.int32), IDX.T])
@pytest.mark.parametrize("kw", [{}, {"padding_idx": 1}, {"padding_idx": -1},
                                {"scale_grad_by_freq": True},
                                {"padding_idx": 2, "scale_grad_by_freq": True}])
def test_embedding(idx, kw):
    check(_emb(**kw), inputs=[W, idx], grad2=True)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_embedding_dtypes(dtype):
    check(_emb(), inputs=[W.astype(dtype), IDX])


def test_embedding_grad_fn_name():
    _, t = check(_emb(), inputs=[W, IDX])
    e = ember.nn.functional.embedding(ember.tensor(IDX), ember.tensor(W, requires_grad=True))
    assert type(t.grad_fn).__name__ == e.grad_fn.name() == "EmbeddingBackward0"


@pytest.mark.parametrize("n,num", [(300, 40), (300, 7), (50, 50)])
def test_embedding_weight_grad_with_repeats_is_bitwise(n, num):
    """Repeated indices sum their gradient rows in order, bit for bit as torch (few repeats take
    the sorted rank-by-rank path, many fall back to add.at)."""
    rng = np.random.default_rng(n + num)
    idx = rng.integers(0, num, n)
    idx[:3] = idx[3]
    g = rng.standard_normal((n, 5)).astype(np.float32)
    g[0] = -0.0
    results = []
    for lib in (torch, ember):
        w = lib.zeros(num, 5, requires_grad=True)
        lib.nn.functional.embedding(lib.from_numpy(idx), w).backward(lib.from_numpy(g))
        results.append(w.grad.numpy())
    assert results[0].tobytes() == results[1].tobytes()


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0])
def test_embedding_max_norm_renormalises_in_place(norm_type):
    tw, ew = torch.tensor(W * 3), ember.tensor(W * 3)
    i = np.array([0, 2, 2, 5])
    to = torch.nn.functional.embedding(torch.tensor(i), tw, max_norm=1.5, norm_type=norm_type)
    eo = ember.nn.functional.embedding(ember.tensor(i), ew, max_norm=1.5, norm_type=norm_type)
    assert_same(eo, to)
    assert_same(ew, tw, where="renormalised weight")


@pytest.mark.parametrize("idx,w", [(np.array([1.0, 2.0]), W), (np.array([7]), W),
                                   (np.array([-1]), W), (np.array([1]), W[0]),
                                   (np.array([1], np.int16), W), (np.array([[1]]), W[:, :, None])])
def test_embedding_errors(idx, w):
    check_raises(_emb(), inputs=[w, idx])


@pytest.mark.parametrize("pad", [7, -8])
def test_embedding_padding_idx_out_of_range(pad):
    check_raises(_emb(padding_idx=pad), inputs=[W, IDX])


# ---- embedding_bag -----------------------------------------------------------------------------

FLAT = np.array([1, 2, 4, 5, 4, 3, 2, 0])
OFFS = np.array([0, 2, 2, 5])


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
@pytest.mark.parametrize("kw", [{}, {"padding_idx": 2}, {"include_last_offset": True}])
def test_embedding_bag_offsets(mode, kw):
    def fn(lib, w, i, o):
        return lib.nn.functional.embedding_bag(i, w, o, mode=mode, **kw)
    check(fn, inputs=[W, FLAT, OFFS])


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_embedding_bag_2d(mode):
    check(lambda lib, w, i: lib.nn.functional.embedding_bag(i, w, mode=mode), inputs=[W, IDX])


def test_embedding_bag_per_sample_weights():
    def fn(lib, w, i, o, s):
        return lib.nn.functional.embedding_bag(i, w, o, mode="sum", per_sample_weights=s)
    check(fn, inputs=[W, FLAT, OFFS, RNG.standard_normal(8)])


def test_embedding_bag_errors():
    check_raises(lambda lib, w, i: lib.nn.functional.embedding_bag(i, w, mode="min"),
                 inputs=[W, IDX])
    check_raises(lambda lib, w, i: lib.nn.functional.embedding_bag(i, w), inputs=[W, FLAT])
    check_raises(lambda lib, w, i, s: lib.nn.functional.embedding_bag(
        i, w, per_sample_weights=s, mode="mean"), inputs=[W, IDX, np.ones((2, 4))])
