"""Differential tests of ember/ops/creation.py against torch: values, dtypes, shapes, errors."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import ember
from tests.oracle import check, check_raises


def same(fn, **kw):
    """Run a factory call `fn(lib)` under both libraries and compare exactly (values + dtype)."""
    kw = {"rtol": 0, "atol": 0, **kw}
    return check(fn, inputs=[], grad=False, **kw)


# ---- tensor() ----------------------------------------------------------------------------------

TENSOR_DATA = [
    [], [[], []], 3, 3.5, True, [1, 2, 3], [1.5, 2], [True, False], [True, 2], [True, 2.5],
    [[1, 2], [3, 4]], ((1, 2), (3, 4)), [[[1.0]]], np.float64(3.0), np.int32(7),
    [np.float64(1.0), 2.0], [2.0, np.float64(1.0)], [np.float32(1), 2.5], [np.int32(1), 2],
    [np.int32(1), np.int32(2)], [np.int32(1), 2.5], [float("nan"), float("inf")], -2 ** 63,
    [2 ** 62], range(3), [np.array([1, 2], dtype=np.int32), np.array([3, 4], dtype=np.int32)],
]


@pytest.mark.parametrize("data", TENSOR_DATA)
def test_tensor_inference(data):
    same(lambda lib: lib.tensor(data))


@pytest.mark.parametrize("data,dtype", [
    ([1.7, -1.7], "int64"), ([-1, 200], "uint8"), ([True, False], "float32"), ([1, 2], "bool"),
    ([0.5, 0.0], "bool"), ([1, 2], "float16"), ([1.1, 2], "bfloat16"), (1.5, "float64"),
    ([[1, 2]], "int8"), (np.array([1.5, 2.5]), "float32"), (np.array([1, 2]), "int32"),
])
def test_tensor_dtype_argument(data, dtype):
    same(lambda lib: lib.tensor(data, dtype=getattr(lib, dtype)))


def test_tensor_of_0d_tensors():
    same(lambda lib: lib.tensor([lib.tensor(1.0), lib.tensor(2.0)]))
    same(lambda lib: lib.tensor([lib.tensor(1.0, dtype=lib.float64), 1.0]))
    same(lambda lib: lib.tensor([lib.tensor(1), 1.5]))
    same(lambda lib: lib.tensor([lib.tensor(1), lib.tensor(2)]))


def test_tensor_copies_and_warns():
    a = np.arange(3.0)
    t = ember.tensor(a)
    a[0] = 7
    assert t.tolist()[0] == 0.0
    src = ember.ones(2, requires_grad=True)
    with pytest.warns(UserWarning, match="copy construct"):
        c = ember.tensor(src)
    assert not c.requires_grad and c.is_leaf
    c.add_(1)
    assert src.tolist() == [1.0, 1.0]


def test_tensor_requires_grad():
    t = ember.tensor([1.0, 2.0], requires_grad=True)
    assert t.requires_grad and t.is_leaf and t.grad_fn is None


@pytest.mark.parametrize("fn", [
    lambda lib: lib.tensor([[1, 2], [3]]),            # ragged
    lambda lib: lib.tensor([[1, 2], 3]),
    lambda lib: lib.tensor([1, [2, 3]]),
    lambda lib: lib.tensor([1, 2], requires_grad=True),
    lambda lib: lib.tensor([2 ** 63]),
    lambda lib: lib.tensor(None),
    lambda lib: lib.tensor("a"),
    lambda lib: lib.tensor(["a"]),
    lambda lib: lib.tensor([1, None]),
    lambda lib: lib.tensor([200], dtype=lib.int8),
    lambda lib: lib.tensor([2 ** 40], dtype=lib.int32),
    lambda lib: lib.tensor([lib.ones(2), lib.ones(2)]),
    lambda lib: lib.ones(2, dtype=lib.int64, requires_grad=True),
])
def test_tensor_errors(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_raises(fn, inputs=[])


# ---- from_numpy / as_tensor / asarray -----------------------------------------------------------


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64", "int8", "int16", "int32",
                                   "int64", "uint8", "bool"])
def test_from_numpy_shares_memory(dtype):
    a = np.zeros((2, 3), dtype=dtype)
    t = ember.from_numpy(a)
    assert str(t.dtype) == str(torch.from_numpy(a).dtype)
    a[0, 0] = 1
    assert t.tolist()[0][0] == 1
    t.numpy()[1, 2] = 1
    assert a[1, 2] == 1
    assert np.shares_memory(t.numpy(), a)


def test_from_numpy_noncontiguous_and_0d():
    a = np.arange(12.0).reshape(3, 4).T
    t = ember.from_numpy(a)
    assert t.shape == (4, 3) and t.stride() == torch.from_numpy(a).stride()
    assert ember.from_numpy(np.array(2.5)).shape == ()


@pytest.mark.parametrize("arr", [np.array([1, 2], dtype=np.longdouble),
                                 np.array([1, 2], dtype=np.clongdouble),
                                 np.array(["a"]), np.array([1, 2], dtype=object)])
def test_from_numpy_unsupported_dtype(arr):
    with pytest.raises(TypeError):
        ember.from_numpy(arr)


def test_from_numpy_errors():
    check_raises(lambda lib: lib.from_numpy([1, 2]), inputs=[])
    check_raises(lambda lib: lib.from_numpy(np.array([1, 2], dtype=">i4")), inputs=[])


def test_as_tensor_and_asarray():
    a = np.arange(4.0)
    t = ember.as_tensor(a)
    a[0] = 9
    assert t.tolist()[0] == 9.0                       # shares memory
    assert ember.as_tensor(a, dtype=ember.float32).tolist()[0] == 9.0
    assert not np.shares_memory(ember.as_tensor(a, dtype=ember.float32).numpy(), a)
    x = ember.ones(2)
    assert ember.as_tensor(x) is x
    assert ember.as_tensor(x, dtype=ember.float64).dtype is ember.float64
    same(lambda lib: lib.as_tensor([1, 2.0]))
    same(lambda lib: lib.asarray([1, 2], dtype=lib.float64))
    b = np.arange(3)
    assert np.shares_memory(ember.asarray(b).numpy(), b)
    assert not np.shares_memory(ember.asarray(b, copy=True).numpy(), b)
    y = ember.asarray(x, requires_grad=True)
    assert y.requires_grad and not x.requires_grad


@pytest.mark.parametrize("v", [3, True, 2.5])
def test_scalar_tensor(v):
    same(lambda lib: lib.scalar_tensor(v))
    same(lambda lib: lib.scalar_tensor(3, dtype=lib.int32))


# ---- filled tensors ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["zeros", "ones", "empty"])
@pytest.mark.parametrize("args", [(2, 3), ((2, 3),), ([2, 3],), ((),), (0,), (np.int64(2),)])
def test_filled(name, args):
    out = same(lambda lib: getattr(lib, name)(*args) if name != "empty"
               else lib.zeros_like(getattr(lib, name)(*args)))
    assert out[0].shape == out[1].shape


def test_filled_size_object_and_dtype():
    same(lambda lib: lib.zeros(lib.Size([2, 3])))
    same(lambda lib: lib.ones([2, 3], dtype=lib.int32))
    same(lambda lib: lib.ones(2, dtype=lib.bool))
    same(lambda lib: lib.zeros(2, 2, dtype=lib.float64, requires_grad=True))


@pytest.mark.parametrize("fn", [
    lambda lib: lib.zeros(2.5),
    lambda lib: lib.zeros(-1),
    lambda lib: lib.ones(2, -1),
    lambda lib: lib.ones(2, requires_grad=True, dtype=lib.int64),
    lambda lib: lib.full(2, 3.5),
    lambda lib: lib.full((2,), lib.tensor([3])),
    lambda lib: lib.full((2,), 300, dtype=lib.uint8),
    lambda lib: lib.eye(-1),
    lambda lib: lib.eye(2, -1),
])
def test_filled_errors(fn):
    check_raises(fn, inputs=[])


@pytest.mark.parametrize("value,dtype", [
    (True, None), (3, None), (3.5, None), (3.5, "int64"), (np.float64(3), None),
    (2, "float16"), (-1.5, "float64"), (7, "uint8"),
])
def test_full(value, dtype):
    same(lambda lib: lib.full((2, 3), value, dtype=None if dtype is None else getattr(lib, dtype)))
    same(lambda lib: lib.full([], value))


def test_full_tensor_fill_value():
    same(lambda lib: lib.full((2,), lib.tensor(3)))
    same(lambda lib: lib.full((2,), lib.tensor(3.0, dtype=lib.float64)))


@pytest.mark.parametrize("src_dtype", ["int32", "float64", "bool"])
def test_like(src_dtype):
    shapes = [(2, 3)]
    check(lambda lib, x: lib.zeros_like(x), shapes=shapes, dtype=src_dtype, grad=False)
    check(lambda lib, x: lib.ones_like(x), shapes=shapes, dtype=src_dtype, grad=False)
    check(lambda lib, x: lib.full_like(x, 2.7), shapes=shapes, dtype=src_dtype, grad=False)
    check(lambda lib, x: lib.full_like(x, 2.7, dtype=lib.float64), shapes=shapes,
          dtype=src_dtype, grad=False)
    check(lambda lib, x: lib.zeros_like(lib.empty_like(x)), shapes=shapes, dtype=src_dtype,
          grad=False)
    check(lambda lib, x: lib.ones_like(x, dtype=lib.float16), shapes=shapes, dtype=src_dtype,
          grad=False)


def test_like_requires_grad():
    check(lambda lib, x: lib.ones_like(x), shapes=[(2,)], grad=False)
    x = ember.ones(2, requires_grad=True)
    assert not ember.ones_like(x).requires_grad
    assert ember.zeros_like(x, requires_grad=True).requires_grad


@pytest.mark.parametrize("src_dtype", ["int32", "float32", "float64"])
def test_new_methods(src_dtype):
    sh = [(2,)]
    kw = {"shapes": sh, "dtype": src_dtype, "grad": False}
    check(lambda lib, x: x.new_tensor([1.5, 2]), **kw)
    check(lambda lib, x: x.new_tensor([1, 2], dtype=lib.float64), **kw)
    check(lambda lib, x: x.new_zeros(2, 3), **kw)
    check(lambda lib, x: x.new_zeros((2, 3)), **kw)
    check(lambda lib, x: x.new_ones([2], dtype=lib.float64), **kw)
    check(lambda lib, x: x.new_full((2, 3), 2.5), **kw)
    check(lambda lib, x: x.new_zeros(()), **kw)
    check(lambda lib, x: lib.zeros_like(x.new_empty(2, 3)), **kw)


def test_new_methods_errors():
    check_raises(lambda lib, x: x.new_full(2, 2.5), shapes=[(2,)])
    check_raises(lambda lib, x: x.new_ones([2], requires_grad=True), shapes=[(2,)],
                 dtype="int32")
    x = ember.ones(2)
    assert x.new_ones(2, requires_grad=True).requires_grad


def test_eye():
    same(lambda lib: lib.eye(3))
    same(lambda lib: lib.eye(2, 4))
    same(lambda lib: lib.eye(0, 2))
    same(lambda lib: lib.eye(3, dtype=lib.int64))
    same(lambda lib: lib.eye(2, 3, dtype=lib.bool))
    assert ember.eye(3, requires_grad=True).requires_grad


# ---- ranges ------------------------------------------------------------------------------------

ARANGE_ARGS = [
    (5,), (0, 1, 0.1), (-1, 1, 0.3), (1, 4), (5, 0, -1), (0, 5, 0.5), (10.0,), (0.5, 5.7, 1),
    (-3.7, 9.1, 0.37), (1, 2.5, 1 / 3), (0, -1, -0.1), (0, 1e4, 0.7), (-100, 100, 0.01),
    (0, 40000, 1.1), (3, 2.5e5, 3.3), (0, 0), (2, 2, 0.5),
]


@pytest.mark.parametrize("args", ARANGE_ARGS)
@pytest.mark.parametrize("dtype", [None, "float32", "float64"])
def test_arange_bit_exact(args, dtype):
    same(lambda lib: lib.arange(*args, dtype=None if dtype is None else getattr(lib, dtype)))


@pytest.mark.parametrize("args", [(0, 1, 0.1), (-8.5, 2.95, 0.1), (0, 7, 1 / 3), (10,),
                                  (-1.7420731463821468, 39.75792685361785, 1 / 3)])
@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_arange_half_dtypes(args, dtype):
    same(lambda lib: lib.arange(*args, dtype=getattr(lib, dtype)))


@pytest.mark.parametrize("args", [(10,), (0, 7, 2), (7, 0, -3), (0.5, 5.7, 1), (-0.5, 5.7, 1.5),
                                  (0.7, -3.2, -1)])
@pytest.mark.parametrize("dtype", ["int64", "int32", "uint8", "int16"])
def test_arange_int_dtypes(args, dtype):
    same(lambda lib: lib.arange(*args, dtype=getattr(lib, dtype)))


def test_arange_tensor_args_and_grad():
    same(lambda lib: lib.arange(lib.tensor(3.0)))
    same(lambda lib: lib.arange(lib.tensor(3)))
    same(lambda lib: lib.arange(True))
    same(lambda lib: lib.arange(0, 300, 50, dtype=lib.uint8))
    assert ember.arange(5.0, requires_grad=True).requires_grad


@pytest.mark.parametrize("fn", [
    lambda lib: lib.arange(5, 0, 1),
    lambda lib: lib.arange(0, 5, 0),
    lambda lib: lib.arange(0, 5, 0.5, dtype=lib.int64),
    lambda lib: lib.arange(float("inf")),
    lambda lib: lib.arange(0, float("nan")),
    lambda lib: lib.arange(5, dtype=lib.bool),
    lambda lib: lib.arange(1, 4, requires_grad=True),
])
def test_arange_errors(fn):
    check_raises(fn, inputs=[])


LINSPACE_ARGS = [
    (0, 1, 0), (0, 1, 1), (0, 1, 2), (3, 3, 1), (-1, 1, 5), (0, 10, 11), (0, 1, 7),
    (-3.7, 9.1, 37), (4.589931219679968, 0.8724998293084578, 55), (1e-3, 1e3, 1001),
    (-5, 5, 40001), (0, 1, 100003), (2, -7.5, 300),
]


@pytest.mark.parametrize("args", LINSPACE_ARGS)
@pytest.mark.parametrize("dtype", [None, "float32", "float64"])
def test_linspace_bit_exact(args, dtype):
    same(lambda lib: lib.linspace(*args, dtype=None if dtype is None else getattr(lib, dtype)))


@pytest.mark.parametrize("args", [(0, 10, 7), (0, -10, 7), (2, 9, 5), (0.5, 9.7, 5),
                                  (-3.4, 6.0, 227), (5.7, -2.1, 268)])
@pytest.mark.parametrize("dtype", ["int64", "int32", "float16", "bfloat16"])
def test_linspace_other_dtypes(args, dtype):
    same(lambda lib: lib.linspace(*args, dtype=getattr(lib, dtype)))


def test_linspace_tensor_ends():
    same(lambda lib: lib.linspace(lib.tensor(0.0), lib.tensor(1.0), 3))


@pytest.mark.parametrize("fn", [
    lambda lib: lib.linspace(0, 1, -1),
    lambda lib: lib.linspace(0, 1, 3.0),
    lambda lib: lib.linspace(0, 1, 3, dtype=lib.bool),
])
def test_linspace_errors(fn):
    check_raises(fn, inputs=[])


@pytest.mark.parametrize("args,kw", [
    ((0, 2, 3), {}), ((0, 2, 3), {"base": 2}), ((-1, 2, 7), {}), ((0, 1, 0), {}),
    ((0, 1, 1), {}), ((0, 2, 3), {"dtype": "int64"}), ((-2, 3, 11), {"dtype": "float64"}),
    ((0, 3, 4), {"base": 2.5, "dtype": "float64"}),
])
def test_logspace(args, kw):
    kw2 = dict(kw)
    same(lambda lib: lib.logspace(*args, **{k: getattr(lib, v) if k == "dtype" else v
                                           for k, v in kw2.items()}), rtol=None, atol=None)


# ---- the default dtype --------------------------------------------------------------------------


@pytest.mark.parametrize("fn", [
    lambda lib: lib.tensor([1.5, 2]), lambda lib: lib.tensor(2.5), lambda lib: lib.arange(0, 1, 0.1),
    lambda lib: lib.zeros(2), lambda lib: lib.ones(2, 2), lambda lib: lib.full((2,), 1.5),
    lambda lib: lib.linspace(0, 1, 7), lambda lib: lib.eye(2), lambda lib: lib.tensor([1, 2]),
    lambda lib: lib.arange(4), lambda lib: lib.Tensor([1]),
    lambda lib: lib.scalar_tensor(3),
])
def test_set_default_dtype_float64(fn):
    ember.set_default_dtype(ember.float64)
    torch.set_default_dtype(torch.float64)
    try:
        same(fn)
    finally:
        torch.set_default_dtype(torch.float32)


def test_legacy_tensor_constructor():
    assert ember.Tensor(2, 3).shape == (2, 3) and ember.Tensor(2, 3).dtype is ember.float32
    same(lambda lib: lib.Tensor([1, 2]))
    same(lambda lib: lib.Tensor([[1, 2]]))
    same(lambda lib: lib.Tensor())
    same(lambda lib: lib.Tensor(np.array([1, 2])))
    assert ember.Tensor(ember.Size([2, 3])).shape == (2, 3)
    same(lambda lib: lib.Tensor(lib.ones(2, dtype=lib.int64)))
    check_raises(lambda lib: lib.Tensor(2.5), inputs=[])


# ---- regressions found by tests/test_fuzz_ops.py ------------------------------------------------


@pytest.mark.parametrize("value,dtype", [(-1, "uint8"), (-255, "uint8"), (65504.0, "float16"),
                                         (float("inf"), "float32"), (2 ** 63 - 1, "int64")])
def test_fuzz_full_checked_values(value, dtype):
    check(lambda lib: lib.full((2,), value, dtype=getattr(lib, dtype)), inputs=[], grad=False)


@pytest.mark.parametrize("value,dtype", [(-256, "uint8"), (-0.5, "uint8"), (float("inf"), "int64"),
                                         (float("nan"), "int32"), (1e300, "float32"),
                                         (2 ** 63, None), (70000.0, "float16")])
def test_fuzz_full_overflow_raises(value, dtype):
    check_raises(lambda lib: lib.full((2,), value, dtype=dtype and getattr(lib, dtype)),
                 inputs=[])


@pytest.mark.parametrize("dtype", ["float64", "float16", "bfloat16", "int32"])
@pytest.mark.parametrize("data", [[0.48524966518109036, 1 / 3], 0.48524966518109036, 1 / 3,
                                  [[0.1, 2], [3, 1e-8]]])
def test_tensor_with_explicit_dtype_rounds_python_floats_once(dtype, data):
    """torch.tensor(floats, dtype=d) casts the exact doubles to d (no float32 intermediate)."""
    import torch

    import ember
    from tests.oracle import assert_same

    for make in ("tensor", "as_tensor"):
        e = getattr(ember, make)(data, dtype=getattr(ember, dtype))
        t = getattr(torch, make)(data, dtype=getattr(torch, dtype))
        assert_same(e, t, rtol=0, atol=0)


@pytest.mark.parametrize("data", [[0.1, "2"], [[1], ["a"]], ["x"], ["a", 1], [1, 2, "b"]])
def test_tensor_with_strings_raises_like_torch(data):
    """A leading str reads as a sequence (ValueError); a later one is an invalid type (TypeError)."""
    import ember

    with pytest.raises(Exception) as te:
        torch.tensor(data)
    with pytest.raises(Exception) as ee:
        ember.tensor(data)
    assert type(ee.value) is type(te.value) and str(ee.value) == str(te.value)
