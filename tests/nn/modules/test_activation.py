"""The activation layers (ember/nn/modules/activation.py) against torch: repr, forward, names,
parameters and grads, rrelu noise in training, errors and deprecated arguments."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import ember
from tests.oracle import assert_same, compare_module, module_pair, to_ember, to_torch

# ---- layers ----------------------------------------------------------------------------------

LAYERS = [
    ("ReLU", (), {}), ("ReLU", (True,), {}), ("ReLU6", (), {}), ("ReLU6", (), {"inplace": True}),
    ("LeakyReLU", (), {}), ("LeakyReLU", (0.2, True), {}), ("PReLU", (), {}),
    ("PReLU", (3, 0.1), {}), ("RReLU", (), {}), ("RReLU", (0.1, 0.3, True), {}),
    ("ELU", (), {}), ("ELU", (0.5,), {"inplace": True}), ("SELU", (), {}), ("SELU", (True,), {}),
    ("CELU", (), {}), ("CELU", (2.0, True), {}), ("GELU", (), {}), ("GELU", ("tanh",), {}),
    ("SiLU", (), {}), ("SiLU", (True,), {}), ("Mish", (), {}), ("Mish", (True,), {}),
    ("Sigmoid", (), {}), ("Tanh", (), {}), ("Hardtanh", (), {}), ("Hardtanh", (-2, 2, True), {}),
    ("Hardtanh", (-0.5, 0.5), {}), ("Hardsigmoid", (), {}), ("Hardsigmoid", (True,), {}),
    ("Hardswish", (), {}), ("Hardswish", (True,), {}), ("Softplus", (), {}),
    ("Softplus", (2, 1), {}), ("Softsign", (), {}), ("Softmax", (1,), {}),
    ("Softmax", (), {"dim": -1}), ("Softmax2d", (), {}), ("LogSoftmax", (1,), {}),
    ("Softmin", (1,), {}), ("Threshold", (0.1, 20), {}), ("Threshold", (0.1, 2.0, True), {}),
    ("LogSigmoid", (), {}), ("Tanhshrink", (), {}), ("Softshrink", (), {}),
    ("Softshrink", (1.0,), {}), ("Hardshrink", (), {}), ("Hardshrink", (0.3,), {}),
    ("GLU", (), {}), ("GLU", (1,), {}),
]


@pytest.mark.parametrize("name,args,kwargs", LAYERS)
def test_layer_repr_and_forward(name, args, kwargs):
    t, e = module_pair(name, *args, **kwargs)
    assert repr(e) == repr(t)
    t.eval()
    e.eval()
    inplace = kwargs.get("inplace", False) or True in args[-1:]
    shape = (2, 3, 4, 2) if name == "PReLU" and args else (2, 4, 3, 2)
    x = np.random.default_rng(0).uniform(-2, 2, shape).astype(np.float32)
    compare_module(t, e, [x], call=lambda m, x: m(x * 1 if inplace else x))


def test_layer_names_are_torchs():
    for name in ember.nn.modules.activation.__all__:
        t_cls, e_cls = getattr(torch.nn, name), getattr(ember.nn, name)
        assert e_cls.__name__ == t_cls.__name__
        assert isinstance(e_cls.__mro__[1](), ember.nn.Module)
    # no accidental subclass relations that torch lacks (LogSoftmax is no Softmax)
    assert not issubclass(ember.nn.LogSoftmax, ember.nn.Softmax)
    assert not issubclass(ember.nn.CELU, ember.nn.ELU)
    assert issubclass(ember.nn.ReLU6, ember.nn.Hardtanh)


def test_prelu_layer_params_grads_and_dtype():
    t_m, e_m = torch.nn.PReLU(3, 0.3), ember.nn.PReLU(3, 0.3)
    assert_same(e_m.weight, t_m.weight)
    assert isinstance(e_m.weight, ember.nn.Parameter)
    x = np.random.default_rng(0).normal(size=(2, 3, 4)).astype(np.float32)
    t_x, e_x = torch.from_numpy(x), ember.from_numpy(x.copy())
    t_m(t_x).square().sum().backward()
    e_m(e_x).square().sum().backward()
    assert_same(e_m.weight.grad, t_m.weight.grad)
    t64, e64 = torch.nn.PReLU(dtype=torch.float64), ember.nn.PReLU(dtype=ember.float64)
    assert_same(e64.weight, t64.weight)


def test_rrelu_layer_train_uses_noise():
    x = np.random.default_rng(2).normal(size=(3, 8)).astype(np.float32)
    outs = []
    for lib in (torch, ember):
        lib.manual_seed(0)
        m = lib.nn.RReLU()
        xt = (torch.from_numpy(x) if lib is torch else ember.from_numpy(x.copy()))
        xt.requires_grad_(True)
        y = m(xt)
        y.sum().backward()
        outs.append((y, xt.grad))
    assert_same(outs[1][0], outs[0][0], rtol=0, atol=0)
    assert_same(outs[1][1], outs[0][1], rtol=0, atol=0)


def test_layer_errors():
    for lib in (torch, ember):
        with pytest.raises(AssertionError):
            lib.nn.Hardtanh(1.0, 1.0)
        with pytest.raises(ValueError, match="Softmax2d: expected input to be 3D or 4D"):
            lib.nn.Softmax2d()(lib.zeros(2, 3))
        with pytest.raises(TypeError):
            lib.nn.Threshold(0.1)


def test_hardtanh_deprecated_kwargs():
    for lib in (torch, ember):
        with pytest.warns(FutureWarning, match="min_value"):
            m = lib.nn.Hardtanh(min_value=-2.0)
        assert m.min_val == -2.0


def test_softmax_layer_dim_none_warns():
    x = np.random.default_rng(0).normal(size=(2, 3, 4)).astype(np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = torch.nn.Softmax()(torch.from_numpy(x))
    with pytest.warns(UserWarning, match="Implicit dimension choice"):
        e = ember.nn.Softmax()(ember.from_numpy(x.copy()))
    assert_same(e, t)
    assert_same(to_ember(t), to_torch(e))
