"""Differential tests for ember/ops/comparison.py against torch: comparisons, logical and
bitwise ops, shifts, classification, isclose/allclose/equal, nan_to_num."""
import numpy as np
import pytest

from tests.oracle import check, check_raises

# ---- comparisons, logic, bits ----------------------------------------------------------------

CMP = ["eq", "ne", "lt", "le", "gt", "ge", "greater", "less", "greater_equal", "less_equal",
       "not_equal"]


@pytest.mark.parametrize("name", CMP)
def test_comparison(name):
    a = np.array([[1.0, 2.0, np.nan], [np.inf, -1.0, 0.0]], np.float32)
    b = np.array([1.0, 3.0, np.nan], np.float32)
    check(lambda lib, x, y: getattr(lib, name)(x, y), inputs=[a, b])
    check(lambda x, y: getattr(x, name)(y), inputs=[a, b])
    check(lambda x: getattr(x, name)(1.0), inputs=[a])
    check(lambda x: getattr(x, name)(2), inputs=[a.astype(np.int64)[:, :2]], grad=False)
    check(lambda x: getattr(x, name)(1.5), inputs=[np.array([1, 2], np.int64)], grad=False)
    check(lambda x, y: getattr(x, name)(y), inputs=[np.array([1, 2], np.int64),
                                                    np.array([1.0, 2.5])], grad=False)
    check(lambda x, y: getattr(x, name)(y), shapes=[(0, 2), (2,)], grad=False)
    check(lambda x, y: getattr(x, name)(y), shapes=[(), ()], dtype="bool", grad=False)
    check_raises(lambda x, y: getattr(x, name)(y), shapes=[(2, 3), (2,)])
    check_raises(lambda lib, x: getattr(lib, name)(x, None), shapes=[(2,)])


@pytest.mark.parametrize("name", ["eq_", "ne_", "lt_", "le_", "gt_", "ge_"])
def test_comparison_inplace(name):
    check(lambda x: getattr(x.clone(), name)(0.5), shapes=[(4,)], grad=False)
    check(lambda x: getattr(x.clone(), name)(1), shapes=[(4,)], dtype="int64", grad=False)
    check(lambda x: getattr(x * 1, name)(0.5), shapes=[(4,)])


def test_comparison_operators():
    check(lambda x, y: (x == y, x != y, x < y, x <= y, x > y, x >= y), shapes=[(3,), (3,)])
    check(lambda x: (x == 0.5, 1 < x, 2 >= x), shapes=[(3,)])


def test_eq_with_non_number():
    import torch

    import ember

    for other in (None, "a", [1], object()):
        assert (torch.ones(2) == other) is (ember.ones(2) == other)
        assert (torch.ones(2) != other) is (ember.ones(2) != other)
    check_raises(lambda x: x < None, shapes=[(2,)])


@pytest.mark.parametrize("name", ["logical_and", "logical_or", "logical_xor"])
def test_logical(name):
    for dts in (("float32", "int64"), ("bool", "bool"), ("uint8", "float64")):
        check(lambda lib, x, y: getattr(lib, name)(x, y), shapes=[(2, 3), (3,)],
              dtypes=list(dts), low=-1, high=1, grad=False)
        check(lambda x, y: getattr(x.clone(), name + "_")(y), shapes=[(2, 3), (3,)],
              dtypes=list(dts), low=-1, high=1, grad=False)
    check_raises(lambda lib, x: getattr(lib, name)(x, 1), shapes=[(2,)])
    check(lambda lib, x: lib.logical_not(x), shapes=[(3,)], low=-1, high=1, grad=False)
    check(lambda x: x.clone().logical_not_(), shapes=[(3,)], dtype="int64", grad=False)


@pytest.mark.parametrize("name", ["bitwise_and", "bitwise_or", "bitwise_xor"])
def test_bitwise(name):
    for dts in (("int64", "int64"), ("bool", "bool"), ("uint8", "int8"), ("int32", "bool")):
        check(lambda lib, x, y: getattr(lib, name)(x, y), shapes=[(2, 3), (3,)],
              dtypes=list(dts), low=-8, high=8, grad=False)
    check(lambda lib, x: getattr(lib, name)(x, 3), shapes=[(4,)], dtype="int64", low=-9,
          high=9, grad=False)
    check(lambda lib, x: getattr(lib, name)(5, x), shapes=[(4,)], dtype="int32", grad=False)
    check(lambda x: getattr(x.clone(), name + "_")(6), shapes=[(4,)], dtype="int64",
          grad=False)
    check_raises(lambda lib, x: getattr(lib, name)(x, x), shapes=[(2,)])
    check_raises(lambda lib, x: getattr(lib, name)(x.long(), 1.5), shapes=[(2,)])


def test_bitwise_operators_and_not():
    check(lambda x, y: (x & y, x | y, x ^ y, ~x), shapes=[(4,), (4,)], dtype="int64",
          low=-9, high=9, grad=False)
    check(lambda x, y: (x & y, x | y, x ^ y, ~x), shapes=[(4,), (4,)], dtype="bool",
          grad=False)
    check(lambda x: (x & 3, 3 | x, x ^ 1), shapes=[(4,)], dtype="uint8", grad=False)
    check_raises(lambda lib, x: lib.bitwise_not(x), shapes=[(2,)])
    check(lambda x: x.clone().bitwise_not_(), shapes=[(3,)], dtype="int8", grad=False)


def test_shifts():
    a = np.array([1, -5, 7, 1 << 40, -1], np.int64)
    s = np.array([0, 1, 63, 64, -1], np.int64)
    for lib_fn in ("bitwise_left_shift", "bitwise_right_shift"):
        check(lambda lib, x, y, fn=lib_fn: getattr(lib, fn)(x, y), inputs=[a, s], grad=False)
        check(lambda lib, x, fn=lib_fn: getattr(lib, fn)(x, 9), inputs=[a.astype(np.int8)],
              grad=False)
        check(lambda lib, x, fn=lib_fn: getattr(lib, fn)(x, 9), inputs=[np.array([200, 3], np.uint8)],
              grad=False)
        check(lambda x, fn=lib_fn: getattr(x.clone(), fn + "_")(2), inputs=[a], grad=False)
    check(lambda x: (x << 2, x >> 1), inputs=[a], grad=False)
    check_raises(lambda x: x << 1, shapes=[(2,)])
    check_raises(lambda x: x << x, shapes=[(2,)], dtype="bool")


@pytest.mark.parametrize("name", ["isnan", "isinf", "isfinite", "isposinf", "isneginf", "isreal"])
def test_classification(name):
    a = np.array([0.0, np.nan, np.inf, -np.inf, -1.5], np.float32)
    check(lambda lib, x: getattr(lib, name)(x), inputs=[a])
    check(lambda x: getattr(x, name)(), inputs=[a.astype(np.float16)], grad=False)
    for dtype in ("int64", "bool", "uint8"):
        check(lambda lib, x: getattr(lib, name)(x), shapes=[(3,)], dtype=dtype, grad=False)
    check(lambda lib, x: getattr(lib, name)(x), shapes=[(0,)], grad=False)


def test_isclose_allclose_equal():
    a = np.array([1.0, 1.0, np.nan, np.inf, -np.inf, 0.0], np.float32)
    b = np.array([1.0, 1.00001, np.nan, np.inf, np.inf, 1e-9], np.float32)
    check(lambda lib, x, y: lib.isclose(x, y), inputs=[a, b])
    check(lambda lib, x, y: lib.isclose(x, y, equal_nan=True), inputs=[a, b])
    check(lambda lib, x, y: lib.isclose(x, y, rtol=0, atol=0), inputs=[a, b])
    check(lambda lib, x, y: (lib.allclose(x, y), lib.allclose(x, x), lib.equal(x, y),
                             lib.equal(x, x), lib.allclose(y, y, equal_nan=True)),
          inputs=[a, b])
    ai, bi = np.array([1, 5, 100], np.int64), np.array([1, 6, 102], np.int64)
    check(lambda lib, x, y: lib.isclose(x, y, rtol=0.01, atol=0.5), inputs=[ai, bi])
    check(lambda lib, x, y: (lib.equal(x, y), lib.equal(x, x.reshape(1, 3)), x.equal(x)),
          inputs=[ai, ai.astype(np.float64)])
    check(lambda lib, x, y: lib.isclose(x, y), shapes=[(2, 3), (3,)])
    check_raises(lambda lib, x, y: lib.isclose(x, y), inputs=[ai, bi.astype(np.float64)])
    check_raises(lambda lib, x: lib.isclose(x, x, rtol=-1), inputs=[a])
    check_raises(lambda lib, x: lib.allclose(x, 1.0), inputs=[a])
    check_raises(lambda lib, x: lib.equal(x, 1), inputs=[a])


def test_nan_to_num():
    a = np.array([0.5, np.nan, np.inf, -np.inf, -2.0], np.float32)
    check(lambda lib, x: lib.nan_to_num(x), inputs=[a], grad2=True)
    check(lambda lib, x: lib.nan_to_num(x, nan=1.5, posinf=9.0, neginf=-9.0), inputs=[a])
    check(lambda x: x.nan_to_num(posinf=1e5), inputs=[a.astype(np.float16)], grad=False)
    check(lambda x: (x * 1).nan_to_num_(), inputs=[a])
    check(lambda lib, x: lib.nan_to_num(x), shapes=[(3,)], dtype="int64", grad=False)


def test_compare_with_complex_and_numpy_scalars():
    """== and != against a Python complex or a NumPy scalar give a bool tensor, as in torch."""
    check(lambda lib, x: (x == (2 + 1j), x != (1 + 0j), x == np.float64(1.0), x != np.int64(1)),
          shapes=[(4,)], grad=False, low=0, high=3)
