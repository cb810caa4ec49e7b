"""nn.Identity, Linear, Bilinear, LazyLinear, Flatten, Unflatten against torch: default init after
the same seed, repr, state_dict keys, outputs and gradients with copied weights, errors."""
import numpy as np
import pytest
import torch

import ember
from tests.oracle import assert_same, check_module, check_raises, compare_module, module_pair

RNG = np.random.default_rng(0)


@pytest.mark.parametrize("args,kw", [((3, 4), {}), ((3, 4), {"bias": False}), ((0, 4), {}),
                                     ((5, 1), {"dtype": "float64"})])
def test_linear_init_repr_state(args, kw):
    t, e = module_pair("Linear", *args, init="seed", **kw)
    assert repr(e) == repr(t)


@pytest.mark.parametrize("shape", [(2, 3), (3,), (2, 4, 3), (0, 3)])
@pytest.mark.parametrize("bias", [True, False])
def test_linear_forward_backward(shape, bias):
    check_module("Linear", (3, 5), inputs=[RNG.standard_normal(shape).astype(np.float32)],
                 kwargs={"bias": bias}, init="seed")


def test_linear_loaded_weights_and_reset():
    t, e = check_module("Linear", (4, 2), inputs=[RNG.standard_normal((3, 4)).astype(np.float32)])
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
    t, e = module_pair("Bilinear", 2, 3, 4, init="seed", bias=bias)
    assert repr(e) == repr(t)
    compare_module(t, e, [RNG.standard_normal((5, 2)).astype(np.float32),
                          RNG.standard_normal((5, 3)).astype(np.float32)])


def test_identity():
    t, e = torch.nn.Identity(3, a=1), ember.nn.Identity(3, a=1)
    assert repr(e) == repr(t) == "Identity()"
    x = ember.ones(2)
    assert e(x) is x


@pytest.mark.parametrize("args", [(), (0,), (1, 2), (-3, -1), (2, 2)])
def test_flatten(args):
    t, e = module_pair("Flatten", *args)
    assert repr(e) == repr(t)
    compare_module(t, e, [RNG.standard_normal((2, 3, 4, 5))])


@pytest.mark.parametrize("dim,size", [(1, (3, 4)), (-1, [2, 10]), (1, (-1, 2)), (0, (2, 1))])
def test_unflatten(dim, size):
    t, e = module_pair("Unflatten", dim, size)
    assert repr(e) == repr(t)
    compare_module(t, e, [RNG.standard_normal((2, 12, 20) if dim == -1 else (2, 12, 3))])


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
    t, e = torch.nn.LazyLinear(4, bias=bias), ember.nn.LazyLinear(4, bias=bias)
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
