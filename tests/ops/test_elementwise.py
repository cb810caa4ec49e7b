"""Differential tests for ember/ops/elementwise.py against torch."""
import numpy as np
import pytest

from oracle import check, check_raises

SHAPES_1 = [(3, 4), (), (0, 5)]


@pytest.mark.parametrize("shape", SHAPES_1)
def test_exp(shape):
    check(lambda x: x.exp(), shapes=[shape], grad2=True)


@pytest.mark.parametrize("shape", SHAPES_1)
def test_log(shape):
    check(lambda x: x.log(), shapes=[shape], low=0.1, high=3, grad2=True)


def test_add_broadcast():
    check(lambda x, y: x + y, shapes=[(4, 1, 3), (5, 3)], grad2=True)


def test_add_alpha():
    check(lambda x, y: x.add(y, alpha=2.5), shapes=[(2, 3), (3,)])


def test_add_bad_shape():
    check_raises(lambda x, y: x + y, shapes=[(2, 3), (4,)])


@pytest.mark.parametrize("op", [
    lambda x, y: x - y, lambda x, y: x * y, lambda x, y: x / y, lambda x, y: x ** y,
])
def test_binary_tensor_tensor(op):
    check(op, shapes=[(2, 3), (2, 3)], low=0.5, high=2, grad2=True)


@pytest.mark.parametrize("op", [
    lambda x: x + 2, lambda x: 2 + x, lambda x: x - 2, lambda x: 2 - x, lambda x: x * 3,
    lambda x: 3 * x, lambda x: x / 2, lambda x: 2 / x, lambda x: x ** 2, lambda x: 2 ** x,
    lambda x: x ** 0.5, lambda x: -x, lambda x: x * 2.5, lambda x: x ** 0,
])
def test_binary_tensor_scalar(op):
    check(op, shapes=[(2, 3)], low=0.5, high=2, grad2=True)


@pytest.mark.parametrize("dtypes", [
    ("int64", "float32"), ("int32", "int64"), ("bool", "int64"), ("uint8", "int8"),
    ("float16", "float64"), ("bool", "bool"), ("int64", "float64"), ("float32", "float64"),
])
def test_promotion_tensor_tensor(dtypes):
    check(lambda x, y: x * y, shapes=[(3,), (3,)], dtypes=list(dtypes), grad=False)
    check(lambda x, y: x + y, shapes=[(3,), ()], dtypes=list(dtypes), grad=False)
    check(lambda x, y: x - y if "bool" not in dtypes else x * y, shapes=[(), (2,)],
          dtypes=list(dtypes), grad=False)


@pytest.mark.parametrize("dtype", ["int64", "int32", "uint8", "bool", "float16", "float64"])
def test_promotion_tensor_scalar(dtype):
    check(lambda x: x * 2.5, shapes=[(3,)], dtype=dtype, grad=False)
    check(lambda x: x + 1, shapes=[(3,)], dtype=dtype, grad=False)
    check(lambda x: x / 2, shapes=[(3,)], dtype=dtype, grad=False, low=1)
    check(lambda x: x * True, shapes=[(3,)], dtype=dtype, grad=False)


def test_uint8_wraps_like_torch():
    check(lambda x: x + 300, inputs=[np.array([1, 200], dtype=np.uint8)], grad=False)


def test_int_div_modes():
    a = np.array([7, -7, 5, -5], dtype=np.int64)
    b = np.array([2, 2, -3, -3], dtype=np.int64)
    for mode in (None, "trunc", "floor"):
        check(lambda x, y: x.div(y, rounding_mode=mode), inputs=[a, b], grad=False)


def test_neg_bool_raises():
    check_raises(lambda x: -x, shapes=[(3,)], dtype="bool")


def test_sub_bool_raises():
    check_raises(lambda x, y: x - y, shapes=[(3,), (3,)], dtype="bool")


def test_inplace_add_on_nonleaf():
    check(lambda x, y: (x * 1).add_(y), shapes=[(2, 3), (3,)])


def test_inplace_mul_saves_old_self():
    check(lambda x, y: (x * 1).mul_(y), shapes=[(2, 3), (2, 3)], grad2=True)


def test_inplace_leaf_raises():
    check_raises(lambda x: x.add_(1), shapes=[(2,)], grad=True)


def test_inplace_int_from_float_raises():
    check_raises(lambda x: x.add_(1.5), shapes=[(2,)], dtype="int64")


def test_inplace_broadcast_shape_raises():
    check_raises(lambda x, y: x.add_(y), shapes=[(3,), (2, 3)])


def test_where():
    check(lambda lib, x, y: lib.where(x > 0, x, y), shapes=[(3, 4), (4,)])
    check(lambda lib, x: lib.where(x > 0, x, 0.0), shapes=[(3, 4)])
