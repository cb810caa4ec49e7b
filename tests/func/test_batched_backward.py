"""jacrev's batched backward (ember/func/_batched_backward): all rows of a Jacobian in one pass
through the supported ops, against torch.func; and the graphs it declines (unsupported ops,
hooks, non-leaf inputs, create_graph) falling back to one pass per row with the same answers."""
from __future__ import annotations

import numpy as np
import pytest

import ember
from ember.func import _batched_backward as bb
from tests.func._both import arr, both

_DTYPE = ["float64"]  # the weights' dtype: the input's (set by the test)


def _w(lib, *shape, seed=1):
    return arr(lib, *shape, seed=seed, dtype=_DTYPE[0])


def _diamond(h):
    return h * h + h.exp() - h  # h feeds four edges


# functions of one tensor whose graphs hold only ops with batched rules
SUPPORTED = {
    "mlp_vec": lambda lib, x: lib.tanh(x @ _w(lib, 5, 4).T + _w(lib, 5, seed=2)) @ _w(
        lib, 3, 5, seed=3).T - _w(lib, 3, seed=4),
    "mv": lambda lib, x: _w(lib, 3, 4) @ lib.sigmoid(x),
    "mm": lambda lib, x: (x.reshape(2, 2) @ _w(lib, 2, 3)).exp() * 0.5,
    "mm_right": lambda lib, x: -(_w(lib, 3, 2) @ x.view(2, 2)).t(),
    "broadcast": lambda lib, x: x * _w(lib, 3, 1, seed=5) + x.reshape(1, 4),
    "vec_from_matrix": lambda lib, x: x.transpose(0, 1).reshape(4) @ _w(lib, 4, 2),
    "sub_alpha": lambda lib, x: lib.sub(x, lib.tanh(x), alpha=2.5),
    "shared": lambda lib, x: lib.tanh(x) * lib.tanh(x) + x,
    "diamond": lambda lib, x: _diamond(lib.tanh(x * 2)),
    "relu_pow_div": lambda lib, x: lib.relu(x) ** 3 / (x * x + 1) - x / 2,
    "reductions": lambda lib, x: x.reshape(2, 2).sum(0) * x.mean() + x.reshape(2, 1, 2).mean(
        (0, 2), keepdim=True).expand(3, 2, 4).sum(-1) - x.sum(),
    "linear": lambda lib, x: lib.nn.functional.linear(
        lib.tanh(lib.nn.functional.linear(x, _w(lib, 5, 4), _w(lib, 5, seed=2))), _w(lib, 2, 5)),
    "unary": lambda lib, x: (x.sin() * x.cos() + (x * x + 1).log() + (x * x + 2).sqrt()
                             + x.abs() + x.expm1() + (x * x + 1).rsqrt() + (x + 3).reciprocal()),
    "activations": lambda lib, x: lib.nn.functional.gelu(x) + lib.nn.functional.gelu(
        x, approximate="tanh") * lib.nn.functional.silu(x) + lib.nn.functional.softplus(x, 2.0),
    "permute": lambda lib, x: (x.reshape(1, 2, 2).permute(2, 0, 1) * _w(lib, 2, 1, 2)).mT,
    "linear_batch": lambda lib, x: lib.nn.functional.linear(
        x.reshape(2, 1, 2), _w(lib, 3, 2), _w(lib, 3, seed=6)),
}
INPUT_SHAPES = {"mm": (4,), "mm_right": (4,), "vec_from_matrix": (2, 2)}


@pytest.mark.parametrize("name", list(SUPPORTED))
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_jacrev_batched_rows(name, dtype):
    f = SUPPORTED[name]
    shape = INPUT_SHAPES.get(name, (4,))
    _DTYPE[0] = dtype
    try:
        both(lambda lib, F: F.jacrev(lambda x: f(lib, x))(arr(lib, *shape, dtype=dtype)))
        both(lambda lib, F: F.vmap(F.jacrev(lambda x: f(lib, x)))(
            arr(lib, 3, *shape, dtype=dtype)))
        x = arr(ember, *shape, dtype=dtype).requires_grad_()
        y = f(ember, x)
    finally:
        _DTYPE[0] = "float64"
    # the path under test ran (no fallback)
    eye = np.eye(y.numel(), dtype=dtype).reshape((y.numel(),) + tuple(y.shape))
    assert bb.batched_vjp(y, [x], eye) is not None


def test_jacrev_several_inputs_and_outputs():
    def f(lib, a, b):
        h = lib.tanh(a @ b)
        return h * 2, (h @ _w(lib, 3)).exp(), a.sum()

    both(lambda lib, F: F.jacrev(lambda a, b: f(lib, a, b), argnums=(0, 1))(
        arr(lib, 2), arr(lib, 2, 3, seed=7)))
    # an input the output does not reach gets zeros
    both(lambda lib, F: F.jacrev(lambda a, b: lib.tanh(a) * 3, argnums=(0, 1))(
        arr(lib, 3), arr(lib, 2, seed=3)))


def test_jacrev_complex():
    def f(lib, x):
        w = lib.tensor(np.arange(6.0).reshape(2, 3) + 1j, dtype=lib.complex128)
        return (w @ lib.tanh(x.to(lib.complex128))).real

    both(lambda lib, F: F.jacrev(lambda x: f(lib, x))(arr(lib, 3)))


def _declined(lib, x):
    return {
        "unsupported_op": lambda: lib.cumsum(x, 0) @ _w(lib, 4, 2),
        "hook": lambda: _hooked(x),
    }


def _hooked(x):
    y = x * 2
    y.register_hook(lambda g: g * 3)
    return y.tanh()


@pytest.mark.parametrize("name", ["unsupported_op", "hook"])
def test_declined_graphs_fall_back(name):
    x = arr(ember, 4).requires_grad_()
    y = _declined(ember, x)[name]()
    eye = np.eye(y.numel()).reshape((y.numel(),) + tuple(y.shape))
    assert bb.batched_vjp(y, [x], eye) is None
    both(lambda lib, F: F.jacrev(lambda x: _declined(lib, x)[name]())(arr(lib, 4)))


def test_non_leaf_input_and_create_graph_fall_back():
    x = arr(ember, 3, requires_grad=True)
    v = x * 1.0
    assert bb.batched_vjp(v.tanh(), [v], np.eye(3)) is None
    # under ordinary autograd (inputs tracked from outside): the per-row engine path
    both(lambda lib, F: F.jacrev(lambda x: lib.tanh(x) * 2)(arr(lib, 3, requires_grad=True)))
    both(lambda lib, F: F.hessian(lambda x: (lib.tanh(x) * x).sum())(arr(lib, 3)))
    both(lambda lib, F: F.jacfwd(lambda x: lib.tanh(x @ _w(lib, 3, 2)))(arr(lib, 3)))


@pytest.mark.parametrize("xshape", [(4,), (3, 4), (2, 1, 4)])
def test_jacrev_wrt_weights(xshape):
    """The matrix side of linear / mv / mm gets its rows in the batched pass too."""
    def f(lib, x, w, b, m):
        y = lib.nn.functional.linear(x, w, b)
        return y, m @ lib.tanh(w).sum(0), (lib.tanh(w) @ m.T).t()

    def run(lib, F):
        args = (arr(lib, *xshape), arr(lib, 3, 4, seed=1), arr(lib, 3, seed=2),
                arr(lib, 2, 4, seed=3))
        return F.jacrev(lambda *a: f(lib, *a), argnums=(0, 1, 2, 3))(*args)

    both(run)
    x, w, b, m = (arr(ember, *s, seed=i).requires_grad_() for i, s in
                  enumerate((xshape, (3, 4), (3,), (2, 4))))
    for y in (ember.nn.functional.linear(x, w, b), (ember.tanh(w) @ m.T).t()):
        eye = np.eye(y.numel()).reshape((y.numel(),) + tuple(y.shape))
        assert bb.batched_vjp(y, [x, w, b, m], eye) is not None


def test_complex_rows_match_the_engine():
    """Complex graphs (conjugate-Wirtinger rules of mv / mm / vector-matrix) against one
    autograd.grad per row."""
    rng = np.random.default_rng(8)

    def c(*shape):
        return ember.tensor(rng.standard_normal(shape) + 1j * rng.standard_normal(shape))

    x, w, m = c(3).requires_grad_(), c(2, 3).requires_grad_(), c(3, 2).requires_grad_()
    for y in ((w @ ember.tanh(x)) * x.sum(), x @ m, (w @ m).exp().reshape(4)):
        cots = c(5, *y.shape)._data
        ins = [x, w, m]
        found = bb.batched_vjp(y, ins, cots)
        assert found is not None
        for r in range(5):
            want = ember.autograd.grad(y, ins, ember.tensor(cots[r]), retain_graph=True,
                                       allow_unused=True)
            for got, ref in zip(found, want):
                if ref is None:
                    assert got is None
                else:
                    np.testing.assert_allclose(got[r], ref.numpy(), rtol=1e-12, atol=1e-12)
