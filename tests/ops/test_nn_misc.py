"""F.one_hot, F.pad (all modes), cosine_similarity, pairwise_distance, pdist, cdist against torch."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
from tests.oracle import check, check_raises


def F(lib):
    return lib.nn.functional


def _idx(*shape, high=4, seed=0):
    return np.random.default_rng(seed).integers(0, high, size=shape).astype(np.int64)


# ---- one_hot -----------------------------------------------------------------------------------


@pytest.mark.parametrize("arr,n", [(_idx(5), -1), (_idx(2, 3), 6), (np.array(2), -1),
                                   (np.zeros(0, np.int64), 3), (_idx(3)[::2], 4)])
def test_one_hot(arr, n):
    check(lambda lib, x: F(lib).one_hot(x, n), inputs=[arr])


@pytest.mark.parametrize("arr,n", [(np.array([0, 2]), 2), (np.array([0, -2]), -1),
                                   (np.array([0, 2], np.int32), -1), (np.array([0., 2.]), -1),
                                   (np.zeros(0, np.int64), -1), (np.array([1]), 0),
                                   (np.array([1]), -2)])
def test_one_hot_errors(arr, n):
    check_raises(lambda lib, x: F(lib).one_hot(x, n), inputs=[arr])


# ---- pad ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("shape,p", [((2, 3), (1, 2)), ((2, 3, 4), (1, 0, 2, 1)), ((3,), (2, 2)),
                                     ((2, 3, 4), (1, 1, 1, 1, 1, 1)), ((2, 3), (-1, 1)),
                                     ((2, 4), (-1, -2, 1, 0)), ((0, 3), (1, 1)), ((), ()),
                                     ((2, 0), (1, 1)), ((2, 3), [1, 2]), ((2, 3), ())])
def test_pad_constant(shape, p):
    check(lambda lib, x: F(lib).pad(x, p), shapes=[shape], dtype="float64", grad2=True)


def test_pad_constant_value_and_dtypes():
    check(lambda lib, x: F(lib).pad(x, (1, 1), value=2.5), shapes=[(2, 3)], grad2=True)
    check(lambda lib, x: F(lib).pad(x, (1, 1), value=2.5), shapes=[(2, 3)], dtype="int64")
    check(lambda lib, x: F(lib).pad(x, (0, 2), value=True), shapes=[(2, 3)], dtype="bool")
    a = np.random.default_rng(0).normal(size=(4, 3)).T
    check(lambda lib, x: F(lib).pad(x, (2, 1, 0, 1)), inputs=[a], grad2=True)


PAD_CASES = [((2, 5), (1, 2)), ((2, 3, 5), (2, 1)), ((1, 3, 4), (1, 2, 2, 0)),
             ((2, 2, 3, 4), (2, 1, 1, 2)), ((2, 3, 3, 4), (1, 1, 2, 0, 1, 2)),
             ((1, 2, 3, 3, 4), (1, 2, 1, 1, 2, 2)), ((2, 5), (-1, 2)), ((2, 5), (0, 0))]


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
@pytest.mark.parametrize("shape,p", PAD_CASES)
def test_pad_modes(mode, shape, p):
    check(lambda lib, x: F(lib).pad(x, p, mode=mode), shapes=[shape], dtype="float64")


def _pad_vjp(lib, x, g, p, mode):
    x = x.detach().requires_grad_(True)  # differentiate the vjp through g only
    y = F(lib).pad(x, p, mode=mode)
    return lib.autograd.grad(y, x, g, create_graph=True)[0]


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
@pytest.mark.parametrize("shape,p", PAD_CASES[1:6:2])
def test_pad_modes_double_backward(mode, shape, p):
    # the pad is linear: its second derivative is the pad again, reached through the upstream grad
    out = [n + p[2 * i] + p[2 * i + 1] if i < len(p) // 2 else n
           for i, n in enumerate(reversed(shape))][::-1]
    check(lambda lib, x, g: _pad_vjp(lib, x, g, p, mode), shapes=[shape, tuple(out)],
          dtype="float64")


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
def test_pad_modes_extra(mode):
    check(lambda lib, x: F(lib).pad(x, (1, 2), mode=mode), shapes=[(2, 3, 4)], dtype="int64")
    check(lambda lib, x: F(lib).pad(x, (2, 1), mode=mode), shapes=[(0, 2, 4)])
    check(lambda lib, x: F(lib).pad(x, (1, 2), mode=mode, value=None), shapes=[(2, 3, 4)])
    a = np.random.default_rng(0).normal(size=(4, 3, 2)).transpose(2, 1, 0)
    check(lambda lib, x: F(lib).pad(x, (1, 2, 2, 1), mode=mode), inputs=[a])


def test_pad_grad_fn_names():
    names = {("constant", 2): "ConstantPadNdBackward0", ("reflect", 2): "ReflectionPad1DBackward0",
             ("replicate", 4): "ReplicationPad2DBackward0",
             ("reflect", 6): "ReflectionPad3DBackward0"}
    for (mode, n), name in names.items():
        x = ember.randn((2,) * (n // 2 + 2), requires_grad=True)
        assert type(ember.nn.functional.pad(x, (1,) * n, mode=mode).grad_fn).__name__ == name


@pytest.mark.parametrize("case", [
    lambda lib, x: F(lib).pad(x, (1,)),
    lambda lib, x: F(lib).pad(x, (1,) * 8),
    lambda lib, x: F(lib).pad(x, (1, 1), mode="foo"),
    lambda lib, x: F(lib).pad(x, (1, 1), mode=3),
    lambda lib, x: F(lib).pad(x, 5),
    lambda lib, x: F(lib).pad(x, (1.5, 2)),
    lambda lib, x: F(lib).pad(x, (1, 1), value="a"),
    lambda lib, x: F(lib).pad(x, (-2, -2)),
    lambda lib, x: F(lib).pad(x, (3, 3), mode="reflect"),
    lambda lib, x: F(lib).pad(x, (1, 1, 1, 3), mode="reflect"),
    lambda lib, x: F(lib).pad(x, (1,) * 6, mode="reflect"),
    lambda lib, x: F(lib).pad(x[0, 0], (1, 1), mode="replicate"),
    lambda lib, x: F(lib).pad(x, (1, 1), mode="reflect", value=2.0),
    lambda lib, x: F(lib).pad(x, (4, 1), mode="circular"),
    lambda lib, x: F(lib).pad(x > 0, (1, 1), mode="reflect"),
    lambda lib, x: F(lib).pad(x[:, :0], (1, 1), mode="replicate"),
    lambda lib, x: F(lib).pad(x[0, :, :0], (1, 1), mode="reflect"),
])
def test_pad_errors(case):
    check_raises(case, shapes=[(1, 2, 3)])


# ---- distances ---------------------------------------------------------------------------------


def _cdist(lib):
    """torch.cdist; ember's lives in ops/nn_misc (exported as ember.cdist once __init__ lists it)."""
    return getattr(lib, "cdist", None) or lib.nn.functional.cdist


@pytest.mark.parametrize("s1,s2,dim", [((3, 4), (3, 4), 1), ((3, 4), (4,), 1), ((3, 4), (4,), -1),
                                       ((2, 3, 4), (2, 1, 4), 0), ((5,), (5,), 0),
                                       ((0, 4), (0, 4), 1)])
def test_cosine_similarity(s1, s2, dim):
    check(lambda lib, a, b: F(lib).cosine_similarity(a, b, dim), shapes=[s1, s2], dtype="float64",
          grad2=True)


def test_cosine_similarity_eps_and_promotion():
    small = np.array([[1e-9, 0.0], [0.0, 0.0], [1.0, 2.0]])
    check(lambda lib, a, b: F(lib).cosine_similarity(a, b), inputs=[small, np.ones((3, 2))])
    check(lambda lib, a, b: F(lib).cosine_similarity(a, b, eps=1e-3), inputs=[small, small * 3])
    tiny = np.array([[1e-4, -2e-4], [3e-4, 1e-4], [1.0, 2.0]])  # clamped, but no zero-norm NaNs
    check(lambda lib, a, b: F(lib).cosine_similarity(a, b, eps=1e-3), inputs=[tiny, tiny[::-1]],
          grad2=True)
    check(lambda lib, a, b: F(lib).cosine_similarity(a, b, 0), shapes=[(4,), (4,)],
          dtypes=["float32", "float64"])
    check(lambda lib, a, b: F(lib).cosine_similarity(a, b, 0), shapes=[(4,), (4,)],
          dtypes=["int64", "float32"])


@pytest.mark.parametrize("case", [
    lambda lib, a, b: F(lib).cosine_similarity(a.long(), b.long()),
    lambda lib, a, b: F(lib).cosine_similarity(a, b[:2]),
    lambda lib, a, b: F(lib).cosine_similarity(a[0], b[0]),
    lambda lib, a, b: F(lib).pairwise_distance(a, b[:2]),
    lambda lib, a, b: F(lib).pdist(a.unsqueeze(0)),
    lambda lib, a, b: F(lib).pdist(a, p=-1),
    lambda lib, a, b: _cdist(lib)(a, b[:, :2]),
    lambda lib, a, b: _cdist(lib)(a[0], b),
    lambda lib, a, b: _cdist(lib)(a, b, p=-1),
    lambda lib, a, b: _cdist(lib)(a.long(), b.long()),
])
def test_distance_errors(case):
    check_raises(case, shapes=[(3, 4), (3, 4)])


@pytest.mark.parametrize("s1,s2,p,keepdim", [((3, 4), (3, 4), 2.0, False), ((3, 4), (4,), 1, True),
                                             ((2, 3, 4), (3, 4), 3.0, False), ((5,), (5,), 2, True),
                                             ((), (), 2.0, False),
                                             ((3, 4), (3, 4), float("inf"), False)])
def test_pairwise_distance(s1, s2, p, keepdim):
    # torch's inf-norm double backward gives NaN; compare second order for finite p only
    check(lambda lib, a, b: F(lib).pairwise_distance(a, b, p, keepdim=keepdim), shapes=[s1, s2],
          dtype="float64", grad2=p != float("inf"))


def test_pairwise_distance_eps_and_ints():
    check(lambda lib, a, b: F(lib).pairwise_distance(a, b, eps=0.1), shapes=[(3, 4), (3, 4)])
    check(lambda lib, a, b: F(lib).pairwise_distance(a, b), shapes=[(3, 4), (3, 4)],
          dtype="int64")


@pytest.mark.parametrize("shape,p", [((4, 3), 2), ((5, 2), 1), ((4, 3), 3.0), ((1, 3), 2),
                                     ((4, 3), float("inf")), ((4, 3), 0)])
def test_pdist(shape, p):
    check(lambda lib, x: F(lib).pdist(x, p), shapes=[shape], dtype="float64")  # torch: no grad2
    check(lambda lib, x: F(lib).pdist(x, p), shapes=[shape])


@pytest.mark.parametrize("s1,s2,p", [((4, 3), (5, 3), 2.0), ((2, 4, 3), (5, 3), 1.0),
                                     ((2, 4, 3), (2, 5, 3), 3.0), ((4, 3), (5, 3), float("inf")),
                                     ((40, 8), (30, 8), 2.0), ((4, 3), (5, 3), 0.0)])
def test_cdist(s1, s2, p):
    check(lambda lib, a, b: _cdist(lib)(a, b, p), shapes=[s1, s2], dtype="float64")
    check(lambda lib, a, b: _cdist(lib)(a, b, p), shapes=[s1, s2])


def test_cdist_identical_points():
    a = np.random.default_rng(0).uniform(size=(5, 3))
    check(lambda lib, x, y: _cdist(lib)(x, y), inputs=[a, a.copy()])


# ---- gumbel_softmax (nn/_functional_misc.py) ---------------------------------------------------


@pytest.mark.parametrize("hard", [False, True])
@pytest.mark.parametrize("tau,dim", [(1.0, -1), (0.5, 0), (2.0, 1)])
def test_gumbel_softmax_same_draws_values_and_gradients(hard, tau, dim):
    """The Gumbel noise comes from exponential_ after the same seed: equal samples, and in hard
    mode the straight-through gradient of the soft sample."""
    x = np.random.default_rng(0).standard_normal((3, 4)).astype(np.float32)
    g = np.random.default_rng(1).standard_normal((3, 4)).astype(np.float32)
    results = []
    for lib in (torch, ember):
        lib.manual_seed(7)
        t = lib.tensor(x, requires_grad=True)
        y = lib.nn.functional.gumbel_softmax(t, tau=tau, hard=hard, dim=dim)
        y.backward(lib.from_numpy(g))
        results.append((y.detach().numpy(), t.grad.numpy(), type(y.grad_fn).__name__))
    (ey, eg, en), (ty, tg, tn) = results[1], results[0]
    np.testing.assert_allclose(ey, ty, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(eg, tg, rtol=1e-5, atol=1e-6)
    assert en == tn


def test_gumbel_softmax_eps_is_deprecated():
    with pytest.warns(UserWarning, match="`eps` parameter is deprecated"):
        ember.nn.functional.gumbel_softmax(ember.ones(2, 3), eps=1e-5)
