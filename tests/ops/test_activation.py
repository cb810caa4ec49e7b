"""Activations: nn.functional's activation family differential against torch (values, grads,
grad2, in-place forms, dtypes, seeded rrelu noise, errors)."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
from tests.oracle import assert_same, check, check_raises


def F(lib):
    return lib.nn.functional


# ---- smooth functions: values, grads and second derivatives ----------------------------------

SMOOTH = {
    "elu": lambda lib, x: F(lib).elu(x),
    "elu_alpha": lambda lib, x: F(lib).elu(x, 0.5),
    "selu": lambda lib, x: F(lib).selu(x),
    "celu": lambda lib, x: F(lib).celu(x, 1.5),
    "gelu": lambda lib, x: F(lib).gelu(x),
    "gelu_tanh": lambda lib, x: F(lib).gelu(x, approximate="tanh"),
    "silu": lambda lib, x: F(lib).silu(x),
    "mish": lambda lib, x: F(lib).mish(x),
    "sigmoid": lambda lib, x: F(lib).sigmoid(x),
    "tanh": lambda lib, x: F(lib).tanh(x),
    "softplus": lambda lib, x: F(lib).softplus(x),
    "softplus_beta": lambda lib, x: F(lib).softplus(x, beta=2, threshold=1),
    "softsign": lambda lib, x: F(lib).softsign(x),
    "logsigmoid": lambda lib, x: F(lib).logsigmoid(x),
    "tanhshrink": lambda lib, x: F(lib).tanhshrink(x),
    "glu": lambda lib, x: F(lib).glu(x),
    "softmax": lambda lib, x: F(lib).softmax(x, -1),
    "log_softmax": lambda lib, x: F(lib).log_softmax(x, -1),
    "softmin": lambda lib, x: F(lib).softmin(x, -1),
}

PIECEWISE = {
    "relu": lambda lib, x: F(lib).relu(x),
    "relu6": lambda lib, x: F(lib).relu6(x * 4),
    "leaky_relu": lambda lib, x: F(lib).leaky_relu(x),
    "leaky_relu_slope": lambda lib, x: F(lib).leaky_relu(x, 0.2),
    "hardtanh": lambda lib, x: F(lib).hardtanh(x),
    "hardtanh_range": lambda lib, x: F(lib).hardtanh(x, -0.5, 1.5),
    "hardswish": lambda lib, x: F(lib).hardswish(x * 3),
    "threshold": lambda lib, x: F(lib).threshold(x, 0.3, -2.0),
    "softshrink": lambda lib, x: F(lib).softshrink(x),
    "softshrink_l": lambda lib, x: F(lib).softshrink(x, 1.0),
    "hardshrink": lambda lib, x: F(lib).hardshrink(x),
    "hardshrink_l": lambda lib, x: F(lib).hardshrink(x, 1.2),
    "rrelu_eval": lambda lib, x: F(lib).rrelu(x),
}


@pytest.mark.parametrize("name", list(SMOOTH))
def test_smooth_grad2_float64(name):
    check(SMOOTH[name], shapes=[(3, 4)], dtype="float64", grad2=True, low=-4, high=4)


@pytest.mark.parametrize("name", list(SMOOTH) + list(PIECEWISE))
def test_float32_edges(name):
    fn = {**SMOOTH, **PIECEWISE}[name]
    check(fn, shapes=[(5, 6)], low=-4, high=4)
    check(fn, shapes=[(0, 4)])
    nc = np.random.default_rng(1).uniform(-3, 3, size=(6, 4)).astype(np.float32).T  # (4, 6)
    check(fn, inputs=[nc])


@pytest.mark.parametrize("name", [n for n in list(SMOOTH) + list(PIECEWISE) if n != "glu"])
def test_zero_dim(name):
    check({**SMOOTH, **PIECEWISE}[name], shapes=[()], dtype="float64")


@pytest.mark.parametrize("name", list(PIECEWISE) + ["hardsigmoid"])
def test_piecewise_grad2(name):
    # hardsigmoid's double backward is not implemented in torch: first order there
    fn = PIECEWISE.get(name, lambda lib, x: F(lib).hardsigmoid(x * 4))
    check(fn, shapes=[(4, 5)], dtype="float64", grad2=name != "hardsigmoid", low=-3, high=3)


def test_kinks_and_specials():
    x = np.array([-3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 3.0, 6.0, np.inf, -np.inf, np.nan], np.float32)
    for fn in list(PIECEWISE.values()) + [
            lambda lib, x: F(lib).hardsigmoid(x), lambda lib, x: F(lib).elu(x),
            lambda lib, x: F(lib).softplus(x), lambda lib, x: F(lib).logsigmoid(x),
            lambda lib, x: F(lib).hardswish(x), lambda lib, x: F(lib).gelu(x),
            lambda lib, x: F(lib).silu(x), lambda lib, x: F(lib).mish(x)]:
        check(fn, inputs=[x[:8]])  # kinks: torch's one-sided derivatives
        check(fn, inputs=[x], grad=False)


def test_extreme_values_stable():
    x = np.array([-1000.0, -100.0, -20.0, 0.0, 20.0, 100.0, 1000.0])
    for name in ["softplus", "logsigmoid", "silu", "mish", "gelu", "elu", "sigmoid", "tanh"]:
        check(SMOOTH[name], inputs=[x])
        check(SMOOTH[name], inputs=[x.astype(np.float32)])


def test_float16_and_bfloat16():
    for name in ["softmax", "log_softmax", "elu", "gelu", "silu", "sigmoid"]:
        check(SMOOTH[name], shapes=[(3, 8)], dtype="float16", grad=False)
    for name in ["relu", "leaky_relu", "hardtanh"]:
        check(PIECEWISE[name], shapes=[(3, 8)], dtype="bfloat16", grad=False)


# ---- dtypes: integer and bool inputs behave as torch ------------------------------------------

INT_OK = [
    lambda lib, x: F(lib).relu(x),
    lambda lib, x: F(lib).relu6(x * 3),
    lambda lib, x: F(lib).hardtanh(x),
    lambda lib, x: F(lib).hardtanh(x, -0.5, 2.5),
    lambda lib, x: F(lib).threshold(x, 0.5, 7.5),
    lambda lib, x: F(lib).sigmoid(x),
    lambda lib, x: F(lib).tanh(x),
    lambda lib, x: F(lib).softsign(x),
    lambda lib, x: F(lib).tanhshrink(x),
    lambda lib, x: F(lib).softmax(x, 0, dtype=lib.float64),
    lambda lib, x: F(lib).log_softmax(x, 1, dtype=lib.float32),
]


@pytest.mark.parametrize("i", range(len(INT_OK)))
def test_int_inputs(i):
    check(INT_OK[i], shapes=[(3, 4)], dtype="int64", low=-4, high=4)


BOOL_OK = [
    lambda lib, x: F(lib).sigmoid(x),
    lambda lib, x: F(lib).softmax(x, 0, dtype=lib.float64),
]


@pytest.mark.parametrize("i", range(len(BOOL_OK)))
def test_bool_inputs(i):
    check(BOOL_OK[i], shapes=[(3, 4)], dtype="bool")


FLOAT_ONLY = [
    lambda lib, x: F(lib).leaky_relu(x),
    lambda lib, x: F(lib).leaky_relu(x, inplace=True),
    lambda lib, x: F(lib).elu(x),
    lambda lib, x: F(lib).elu(x, inplace=True),
    lambda lib, x: F(lib).selu(x),
    lambda lib, x: F(lib).celu(x),
    lambda lib, x: F(lib).gelu(x),
    lambda lib, x: F(lib).silu(x),
    lambda lib, x: F(lib).mish(x),
    lambda lib, x: F(lib).hardsigmoid(x),
    lambda lib, x: F(lib).hardswish(x),
    lambda lib, x: F(lib).softplus(x),
    lambda lib, x: F(lib).logsigmoid(x),
    lambda lib, x: F(lib).softshrink(x),
    lambda lib, x: F(lib).hardshrink(x),
    lambda lib, x: F(lib).glu(x),
    lambda lib, x: F(lib).rrelu(x),
    lambda lib, x: F(lib).rrelu(x, training=True),
    lambda lib, x: F(lib).softmax(x, 1),
    lambda lib, x: F(lib).softmax(x, 0),
    lambda lib, x: F(lib).log_softmax(x, -1),
    lambda lib, x: F(lib).softmin(x, 1),
]


@pytest.mark.parametrize("dtype", ["int64", "bool"])
@pytest.mark.parametrize("i", range(len(FLOAT_ONLY)))
def test_float_only_refuses_int_and_bool(i, dtype):
    check_raises(FLOAT_ONLY[i], shapes=[(2, 4)], dtype=dtype)


@pytest.mark.parametrize("fn", [
    lambda lib, x: F(lib).relu(x), lambda lib, x: F(lib).relu6(x),
    lambda lib, x: F(lib).hardtanh(x), lambda lib, x: F(lib).threshold(x, 0, 1),
    lambda lib, x: F(lib).softsign(x), lambda lib, x: F(lib).tanhshrink(x),
])
def test_bool_refused(fn):
    check_raises(fn, shapes=[(2, 3)], dtype="bool")


# ---- in-place forms --------------------------------------------------------------------------

INPLACE = [
    lambda lib, x: F(lib).relu(x * 1, inplace=True),
    lambda lib, x: F(lib).relu_(x * 1),
    lambda lib, x: F(lib).relu6(x * 4, inplace=True),
    lambda lib, x: F(lib).leaky_relu(x * 1, 0.1, inplace=True),
    lambda lib, x: F(lib).leaky_relu_(x * 1, 0.1),
    lambda lib, x: F(lib).hardtanh(x * 1, -0.5, 0.5, True),
    lambda lib, x: F(lib).hardtanh_(x * 1),
    lambda lib, x: F(lib).elu(x * 1, 0.7, inplace=True),
    lambda lib, x: F(lib).elu_(x * 1),
    lambda lib, x: F(lib).selu(x * 1, inplace=True),
    lambda lib, x: F(lib).selu_(x * 1),
    lambda lib, x: F(lib).celu(x * 1, 2.0, inplace=True),
    lambda lib, x: F(lib).celu_(x * 1),
    lambda lib, x: F(lib).silu(x * 1, inplace=True),
    lambda lib, x: F(lib).mish(x * 1, inplace=True),
    lambda lib, x: F(lib).hardsigmoid(x * 1, inplace=True),
    lambda lib, x: F(lib).hardswish(x * 1, inplace=True),
    lambda lib, x: F(lib).threshold(x * 1, 0.1, 5.0, inplace=True),
    lambda lib, x: F(lib).threshold_(x * 1, 0.1, 5.0),
    lambda lib, x: F(lib).rrelu(x * 1, inplace=True),
    lambda lib, x: F(lib).rrelu_(x * 1),
]


@pytest.mark.parametrize("i", range(len(INPLACE)))
def test_inplace_forms(i):
    check(INPLACE[i], shapes=[(3, 5)], dtype="float64")


def test_inplace_mutates_and_returns_input():
    for name in ["relu", "elu", "leaky_relu", "hardtanh", "silu", "selu", "rrelu"]:
        x = ember.tensor([-1.0, 0.5, 2.0])
        y = getattr(ember.nn.functional, name)(x, inplace=True)
        assert y is x
        t = getattr(torch.nn.functional, name)(torch.tensor([-1.0, 0.5, 2.0]), inplace=True)
        assert_same(x, t)


def test_inplace_on_leaf_refused():
    for name in ["relu", "elu", "leaky_relu", "hardtanh", "silu"]:
        check_raises(lambda lib, x, n=name: getattr(F(lib), n)(x, inplace=True), shapes=[(3,)],
                     grad=True)


def test_inplace_int_relu_and_hardtanh():
    check(lambda lib, x: F(lib).relu(x.clone(), inplace=True), shapes=[(4,)], dtype="int64")
    check(lambda lib, x: F(lib).hardtanh_(x.clone(), -1, 1), shapes=[(4,)], dtype="int64")


# ---- prelu, rrelu, glu -----------------------------------------------------------------------


@pytest.mark.parametrize("xshape,wshape", [((3, 4), (1,)), ((3, 4), (4,)), ((2, 3, 5), (3,)),
                                           ((2, 3, 4, 2), (3,)), ((2, 3, 4, 2), (1,)),
                                           ((5,), (1,)), ((), (1,)), ((2, 3), ()), ((0, 3), (3,))])
def test_prelu(xshape, wshape):
    check(lambda lib, x, w: F(lib).prelu(x, w), shapes=[xshape, wshape], dtype="float64",
          grad2=True)


@pytest.mark.parametrize("fn,dtypes", [
    (lambda lib, x, w: F(lib).prelu(x, w[:2]), ["float32", "float32"]),
    (lambda lib, x, w: F(lib).prelu(x, w.reshape(2, 2)), ["float32", "float32"]),
    (lambda lib, x, w: F(lib).prelu(x.double(), w), ["float32", "float32"]),
    (lambda lib, x, w: F(lib).prelu(x, w), ["int64", "float32"]),
    (lambda lib, x, w: F(lib).prelu(x[0], w), ["float32", "float32"]),
])
def test_prelu_errors(fn, dtypes):
    check_raises(fn, shapes=[(3, 4), (4,)], dtypes=dtypes)


@pytest.mark.parametrize("dtype", ["float32", "float64", "bfloat16"])
@pytest.mark.parametrize("bounds", [(1 / 8, 1 / 3), (0.1, 0.9), (-0.3, 0.7), (0.2, 0.2)])
def test_rrelu_training_matches_torch_stream(dtype, bounds):
    def fn(lib, x):
        lib.manual_seed(7)
        y = F(lib).rrelu(x, *bounds, training=True)
        return y, lib.rand(3)  # the stream after the draws must match too

    check(fn, shapes=[(6, 7)], dtype=dtype, rtol=0, atol=0, grad_rtol=0, grad_atol=0)


def test_rrelu_training_noncontiguous_and_module():
    a = np.random.default_rng(5).normal(size=(5, 4)).astype(np.float32).T

    def fn(lib, x):
        lib.manual_seed(11)
        m = lib.nn.RReLU(0.05, 0.5)
        return m(x), m.eval()(x)

    check(fn, inputs=[a], rtol=0, atol=0)


def test_rrelu_half_training_refused():
    check_raises(lambda lib, x: F(lib).rrelu(x, training=True), shapes=[(3,)], dtype="float16")


@pytest.mark.parametrize("shape,dim", [((4, 6), -1), ((4, 6), 0), ((2, 4, 3), 1), ((2,), 0),
                                       ((0, 4), 1)])
def test_glu(shape, dim):
    check(lambda lib, x: F(lib).glu(x, dim), shapes=[shape], dtype="float64", grad2=True)


@pytest.mark.parametrize("fn,shape", [
    (lambda lib, x: F(lib).glu(x, 1), (2, 3)),
    (lambda lib, x: F(lib).glu(x), ()),
    (lambda lib, x: F(lib).glu(x, 2), (2, 4)),
])
def test_glu_errors(fn, shape):
    check_raises(fn, shapes=[shape])


# ---- argument errors -------------------------------------------------------------------------


@pytest.mark.parametrize("fn", [
    lambda lib, x: F(lib).hardtanh(x, 2.0, 1.0),
    lambda lib, x: F(lib).softshrink(x, -1.0),
    lambda lib, x: F(lib).gelu(x, approximate="foo"),
    lambda lib, x: F(lib).rrelu(x, 0.5, 0.2),
    lambda lib, x: F(lib).rrelu(x, 0.5, 0.2, training=True),
    lambda lib, x: F(lib).celu(x, 0.0),
    lambda lib, x: F(lib).relu("x"),
    lambda lib, x: F(lib).elu([1.0]),
    lambda lib, x: F(lib).softplus(3.0),
    lambda lib, x: F(lib).gelu(None),
])
def test_argument_errors(fn):
    check_raises(fn, shapes=[(3,)])


def test_softshrink_message():
    with pytest.raises(RuntimeError) as e_err:
        ember.nn.functional.softshrink(ember.zeros(2), -1.0)
    with pytest.raises(RuntimeError) as t_err:
        torch.nn.functional.softshrink(torch.zeros(2), -1.0)
    assert str(e_err.value) == str(t_err.value)
