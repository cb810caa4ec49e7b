"""nn.Identity, Linear, Bilinear, LazyLinear, Flatten, Unflatten against torch: default init after
the same seed, repr, state_dict keys, outputs and gradients with copied weights, errors."""
import numpy as np
import pytest
import torch

import ember
from tests.oracle import assert_same, check_raises, to_ember

RNG = np.random.default_rng(0)


def _seeded_pair(name, *args, seed=0, **kw):
    torch.manual_seed(seed)
    t = getattr(torch.nn, name)(*args, **kw)
    ember.manual_seed(seed)
    e = getattr(ember.nn, name)(*args, **kw)
    return t, e


def _run(t, e, *xs):
    """Forward both, backward a random upstream grad, compare outputs, input and param grads."""
    txs = [torch.tensor(x, requires_grad=True) for x in xs]
    exs = [ember.tensor(x, requires_grad=True) for x in xs]
    to, eo = t(*txs), e(*exs)
    assert_same(eo, to)
    up = RNG.uniform(-1, 1, tuple(to.shape)).astype(xs[0].dtype)
    to.backward(torch.tensor(up))
    eo.backward(ember.tensor(up))
    for i, (tx, ex) in enumerate(zip(txs, exs)):
        assert_same(ex.grad, tx.grad, slack=4.0, where=f"input {i} grad")
    for (tn, tp), (en, ep) in zip(t.named_parameters(), e.named_parameters()):
        assert tn == en
        assert_same(ep.grad, tp.grad, slack=4.0, where=f"{tn}.grad")


@pytest.mark.parametrize("args,kw", [((3, 4), {}), ((3, 4), {"bias": False}), ((0, 4), {}),
                                     ((5, 1), {"dtype": "float64"})])
def test_linear_init_repr_state(args, kw):
    if "dtype" in kw:
        torch.manual_seed(0)
        t = torch.nn.Linear(*args, dtype=torch.float64)
        ember.manual_seed(0)
        e = ember.nn.Linear(*args, dtype=ember.float64)
    else:
        t, e = _seeded_pair("Linear", *args, **kw)
    assert repr(e) == repr(t)
    assert list(e.state_dict()) == list(t.state_dict())
    for (tn, tp), (en, ep) in zip(t.named_parameters(), e.named_parameters()):
        assert tn == en
        assert_same(ep, tp, rtol=0, atol=0, where=f"default {tn}")


@pytest.mark.parametrize("shape", [(2, 3), (3,), (2, 4, 3), (0, 3)])
@pytest.mark.parametrize("bias", [True, False])
def test_linear_forward_backward(shape, bias):
    t, e = _seeded_pair("Linear", 3, 5, bias=bias)
    _run(t, e, RNG.standard_normal(shape).astype(np.float32))


def test_linear_loaded_weights_and_reset():
    t = torch.nn.Linear(4, 2)
    e = ember.nn.Linear(4, 2)
    e.load_state_dict({k: to_ember(v) for k, v in t.state_dict().items()})
    _run(t, e, RNG.standard_normal((3, 4)).astype(np.float32))
    torch.manual_seed(9)
    t.reset_parameters()
    ember.manual_seed(9)
    e.reset_parameters()
    assert_same(e.weight, t.weight, rtol=0, atol=0)
    assert_same(e.bias, t.bias, rtol=0, atol=0)


def test_linear_wrong_features():
    exc = check_raises(lambda lib, x: lib.nn.Linear(3, 4)(x), shapes=[(2, 5)])
    assert "cannot be multiplied" in str(exc)


@pytest.mark.parametrize("bias", [True, False])
def test_bilinear(bias):
    t, e = _seeded_pair("Bilinear", 2, 3, 4, bias=bias)
    assert repr(e) == repr(t)
    assert list(e.state_dict()) == list(t.state_dict())
    assert_same(e.weight, t.weight, rtol=0, atol=0)
    _run(t, e, RNG.standard_normal((5, 2)).astype(np.float32),
         RNG.standard_normal((5, 3)).astype(np.float32))


def test_identity():
    t, e = torch.nn.Identity(3, a=1), ember.nn.Identity(3, a=1)
    assert repr(e) == repr(t) == "Identity()"
    x = ember.ones(2)
    assert e(x) is x


@pytest.mark.parametrize("args", [(), (0,), (1, 2), (-3, -1), (2, 2)])
def test_flatten(args):
    t, e = torch.nn.Flatten(*args), ember.nn.Flatten(*args)
    assert repr(e) == repr(t)
    _run(t, e, RNG.standard_normal((2, 3, 4, 5)))


@pytest.mark.parametrize("dim,size", [(1, (3, 4)), (-1, [2, 10]), (1, (-1, 2)), (0, (2, 1))])
def test_unflatten(dim, size):
    t, e = torch.nn.Unflatten(dim, size), ember.nn.Unflatten(dim, size)
    assert repr(e) == repr(t)
    _run(t, e, RNG.standard_normal((2, 12, 20)[:2] + (20,)) if dim == -1
         else RNG.standard_normal((2, 12, 3)))


@pytest.mark.parametrize("size", [5, (2, 3.0), "ab"])
def test_unflatten_bad_size(size):
    with pytest.raises(TypeError) as te:
        torch.nn.Unflatten(1, size)
    with pytest.raises(TypeError) as ee:
        ember.nn.Unflatten(1, size)
    assert str(ee.value) == str(te.value)


def test_unflatten_wrong_numel():
    check_raises(lambda lib, x: lib.nn.Unflatten(1, (5, 5))(x), shapes=[(2, 12)])


@pytest.mark.parametrize("bias", [True, False])
def test_lazy_linear(bias):
    t, e = _seeded_pair("LazyLinear", 4, bias=bias)
    assert repr(e) == repr(t)
    x = RNG.standard_normal((3, 6)).astype(np.float32)
    torch.manual_seed(2)
    to = t(torch.tensor(x))
    ember.manual_seed(2)
    eo = e(ember.tensor(x))
    assert type(e) is ember.nn.Linear and type(t) is torch.nn.Linear
    assert repr(e) == repr(t)
    assert_same(eo, to)
    assert_same(e.weight, t.weight, rtol=0, atol=0)
