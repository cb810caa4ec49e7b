"""softmax, log_softmax and softmin (ember/ops/softmax.py) against torch: dims, dtype argument,
stability with infinities, implicit-dim warnings, grad_fn names, errors."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
from tests.oracle import check, check_raises


def F(lib):
    return lib.nn.functional


# ---- softmax family --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["softmax", "log_softmax", "softmin"])
@pytest.mark.parametrize("shape,dim", [((5,), 0), ((3, 4), 0), ((3, 4), 1), ((2, 3, 4), 1),
                                       ((2, 3, 4), -3), ((2, 1, 3), 1), ((), 0), ((), -1),
                                       ((0, 3), 1), ((3, 0), 1)])
def test_softmax_dims(name, shape, dim):
    check(lambda lib, x: getattr(F(lib), name)(x, dim), shapes=[shape], dtype="float64",
          grad2=True)


@pytest.mark.parametrize("name", ["softmax", "log_softmax", "softmin"])
def test_softmax_dtype_arg(name):
    check(lambda lib, x: getattr(F(lib), name)(x, 1, dtype=lib.float64), shapes=[(3, 4)],
          grad2=True)
    check(lambda lib, x: getattr(F(lib), name)(x, 0, dtype=lib.float32), shapes=[(3, 4)],
          dtype="float64", rtol=1e-5, atol=1e-6)


def test_softmax_stable_and_infinities():
    big = np.array([[1000.0, 1001.0, 999.0], [-1000.0, -1002.0, -1001.0]], np.float32)
    for name in ["softmax", "log_softmax"]:
        check(lambda lib, x, n=name: getattr(F(lib), n)(x, 1), inputs=[big])
        inf = np.array([[-np.inf, 0.0, 1.0], [np.inf, 1.0, 2.0], [-np.inf, -np.inf, -np.inf]],
                       np.float32)
        check(lambda lib, x, n=name: getattr(F(lib), n)(x, 1), inputs=[inf], grad=False)


def test_softmax_noncontiguous():
    a = np.random.default_rng(3).normal(size=(4, 5, 3)).transpose(2, 0, 1)
    for dim in (0, 1, 2):
        check(lambda lib, x, d=dim: F(lib).softmax(x, d), inputs=[a], grad2=True)
        check(lambda lib, x, d=dim: F(lib).log_softmax(x, d), inputs=[a], grad2=True)


@pytest.mark.parametrize("shape", [(), (4,), (2, 3), (2, 3, 4), (2, 3, 4, 5)])
@pytest.mark.parametrize("name", ["softmax", "log_softmax", "softmin"])
def test_softmax_implicit_dim_warns(name, shape):
    for lib in (torch, ember):
        with pytest.warns(UserWarning, match="Implicit dimension choice for " + name):
            check(lambda lib, x: getattr(F(lib), name)(x), shapes=[shape])


def test_softmax_grad_fn_names():
    x = ember.randn(2, 3, requires_grad=True)
    f = ember.nn.functional
    assert f.softmax(x, 1).grad_fn.name() == "SoftmaxBackward0"
    assert f.log_softmax(x, 1).grad_fn.name() == "LogSoftmaxBackward0"
    assert f.gelu(x).grad_fn.name() == "GeluBackward0"
    assert f.selu(x).grad_fn.name() == "EluBackward0"
    assert f.rrelu(x).grad_fn.name() == "RreluWithNoiseBackward0"


@pytest.mark.parametrize("fn", [
    lambda lib, x: F(lib).softmax(x, 2),
    lambda lib, x: F(lib).log_softmax(x, -3),
    lambda lib, x: F(lib).softmax(x, 0, dtype=lib.int64),
    lambda lib, x: F(lib).softmin(x.bool(), 0),
    lambda lib, x: F(lib).softmax("x", 0),
    lambda lib, x: F(lib).log_softmax([1.0], 0),
    lambda lib, x: F(lib).softmin("x", 0),
])
def test_softmax_errors(fn):
    check_raises(fn, shapes=[(2, 3)])


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_last_dim_row_sums(name):
    """Arrays of 1,024+ elements sum their rows as one GEMV: float32 and float64 values and
    gradients, and rows holding infinities."""
    for dtype in ("float32", "float64"):
        check(lambda lib, x: getattr(F(lib), name)(x, -1), shapes=[(40, 64)], dtype=dtype)
    x = np.random.default_rng(4).normal(size=(3, 512)).astype(np.float32)
    x[1, 7] = np.inf
    x[2] = -np.inf
    check(lambda lib, x: getattr(F(lib), name)(x, 1), inputs=[x], grad=False)
