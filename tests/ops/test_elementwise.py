"""Differential tests for ember/ops/elementwise.py against torch: add, sub, mul, div, pow,
where, type promotion, Python's reflected operators."""
import numpy as np
import pytest
import torch

import ember
from tests.oracle import check, check_raises


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
        check(lambda x, y, mode=mode: x.div(y, rounding_mode=mode), inputs=[a, b], grad=False)


def test_neg_bool_raises():
    check_raises(lambda x: -x, shapes=[(3,)], dtype="bool")


def test_sub_bool_raises():
    check_raises(lambda x, y: x - y, shapes=[(3,), (3,)], dtype="bool")


def test_where():
    check(lambda lib, x, y: lib.where(x > 0, x, y), shapes=[(3, 4), (4,)])
    check(lambda lib, x: lib.where(x > 0, x, 0.0), shapes=[(3, 4)])


# ---- regressions found by tests/test_fuzz_ops.py ------------------------------------------------


def test_fuzz_relu_nan_passes_grad():
    check(lambda x: x.relu(), inputs=[np.array([np.nan, 2.0, -1.0, 0.0], np.float32)])
    check(lambda x: (x * 1).relu_(), inputs=[np.array([np.nan, 2.0, -1.0], np.float32)])


@pytest.mark.parametrize("fn", [
    lambda x: x % 2, lambda x: x // 2, lambda lib, x: lib.fmod(x, 2),
    lambda lib, x: lib.remainder(lib.tensor(3.0), x), lambda lib, x: x.float() % x,
    lambda x: x.pow(True), lambda x: x.pow(False), lambda x: x.clone().pow_(True),
    lambda lib, x: lib.clamp(x, lib.tensor([True])), lambda lib, x: lib.clamp_max(x, ~x),
])
def test_fuzz_bool_promotes_before_refusing(fn):
    check(fn, inputs=[np.array([True, False])], grad=False)


@pytest.mark.parametrize("fn", [
    lambda x: x % x, lambda x: x // x, lambda lib, x: lib.fmod(x, x), lambda x: x.pow(x),
    lambda lib, x: lib.pow(True, x), lambda x: x.clamp(True), lambda x: x.clone().pow_(x),
])
def test_fuzz_bool_refused(fn):
    check_raises(fn, inputs=[np.array([True, False])])


@pytest.mark.parametrize("fn", [
    lambda x: x - True, lambda x: True - x, lambda x: x.sub(False), lambda lib, x: lib.rsub(x, True),
    lambda lib, x: lib.rsub(2, x), lambda lib, x: lib.clamp(x, lib.tensor([0.0]), 0.5),
    lambda lib, x: lib.lerp(x.long(), x, 0.5), lambda x: x.clone().fill_(1e300),
    lambda x: x.long().fill_(float("inf")), lambda x: x.long().fill_(2 ** 63),
    lambda x: x.byte().fill_(-1.5), lambda x: x.byte().fill_(256), lambda x: x[0].copy_(x[:1]),
    lambda x: x.long().bitwise_and_(x), lambda x: x.long().bitwise_and_(1.5),
    lambda x: x[0].bitwise_and_(x[:1]), lambda x: x.long().fmod_(x.long() * 0),
])
def test_fuzz_raises_like_torch(fn):
    check_raises(fn, shapes=[(3,)])


@pytest.mark.parametrize("fn", [
    lambda x: x.byte().fill_(-1), lambda x: x.byte().fill_(-200), lambda x: x.clone().fill_(1e30),
    lambda lib, x: lib.clamp(x, lib.tensor(0.5), 1), lambda x: x.long()[:0] // 0,
    lambda x: x.long()[:0] % 0, lambda x: x.long()[:0].fmod(0),
])
def test_fuzz_accepted_like_torch(fn):
    check(fn, shapes=[(3,)], grad=False)


def test_fuzz_int_pow_negative_tensor_exponent():
    b = np.array([5, 1, -1, -1, 3, 0], np.int64)
    e = np.array([-2, -1, -3, -2, 2, 1], np.int64)
    check(lambda x, y: x ** y, inputs=[b, e], grad=False)
    check(lambda lib, y: lib.pow(-1, y), inputs=[e], grad=False)
    check(lambda x, y: x.int() ** y.int(), inputs=[b, e], grad=False)
    check_raises(lambda x: x ** -2, inputs=[b])


def test_fuzz_remainder_scalar_self_has_no_derivative():
    check_raises(lambda lib, x: lib.remainder(2, x).sum().backward(), shapes=[(3,)], grad=True)


# ---- Python operators: a number on the left, unary +/~ ----------------------------------------

REFLECTED = {
    "radd": lambda s, x: s + x, "rsub": lambda s, x: s - x, "rmul": lambda s, x: s * x,
    "rtruediv": lambda s, x: s / x, "rfloordiv": lambda s, x: s // x,
    "rmod": lambda s, x: s % x, "rpow": lambda s, x: s ** x, "rand": lambda s, x: s & x,
    "ror": lambda s, x: s | x, "rxor": lambda s, x: s ^ x, "rlshift": lambda s, x: s << x,
    "rrshift": lambda s, x: s >> x,
}
REFLECTED_INPUTS = {
    "int64": np.array([3, -2, 5, 0], np.int64), "uint8": np.array([3, 2, 5, 1], np.uint8),
    "bool": np.array([True, False, True, True]), "float32": np.array([1.5, -2, 3.25, 0.5],
                                                                     np.float32),
    "int32": np.array([1, 2, 0, 7], np.int32),
}


@pytest.mark.parametrize("op", sorted(REFLECTED))
@pytest.mark.parametrize("dtype", sorted(REFLECTED_INPUTS))
def test_reflected_operators(op, dtype):
    """`number op tensor` for every reflected operator: values and dtype, or torch's error type."""
    import torch

    f = REFLECTED[op]
    a = REFLECTED_INPUTS[dtype]
    for s in (3, True, 2.5, -1):
        fn = lambda x, s=s: f(s, x)
        try:
            fn(torch.from_numpy(a.copy()))
        except Exception:  # noqa: BLE001 - torch refuses: ember must raise the same type
            check_raises(fn, inputs=[a])
            continue
        check(fn, inputs=[a], grad=False)


@pytest.mark.parametrize("op", ["radd", "rsub", "rmul", "rtruediv", "rpow"])
def test_reflected_operators_grad(op):
    f = REFLECTED[op]
    check(lambda x: f(3, x), shapes=[(2, 3)], low=0.5, high=2, grad2=True)
    check(lambda x: f(1.5, x), shapes=[()], dtype="float64", low=0.5, high=2, grad2=True)


def test_rtruediv_is_reciprocal_times_number():
    """torch computes `n / x` as x.reciprocal() * n; the rounding must match it."""
    a = np.random.default_rng(3).uniform(0.1, 7, 64).astype(np.float32)
    check(lambda x: 3 / x, inputs=[a], rtol=0, atol=0, grad=False)
    check(lambda x: 0.7 / x, inputs=[a], rtol=0, atol=0, grad=False)


def test_rmatmul_with_a_list_raises():
    check_raises(lambda x: [1.0, 2.0] @ x, shapes=[(2,)])


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
def test_invert_float_raises_type_error(dtype):
    exc = check_raises(lambda x: ~x, shapes=[(3,)], dtype=dtype)
    assert isinstance(exc, TypeError) and "only implemented on integer and Boolean" in str(exc)


def test_sub_bool_messages():
    check_raises(lambda x: x - True, shapes=[(3,)], dtype="bool", match="two bool tensors")
    check_raises(lambda x: True - x, shapes=[(3,)], dtype="bool", match="two bool tensors")
    check_raises(lambda x: x - True, shapes=[(3,)], dtype="int64", match="with a bool tensor")
    check_raises(lambda lib, x: lib.rsub(x, 1), shapes=[(3,)], dtype="bool",
                 match="with a bool tensor")


def test_rsub_forms():
    check(lambda lib, x, y: lib.rsub(x, y), shapes=[(2, 3), (3,)], grad2=True)
    check(lambda lib, x, y: lib.rsub(x, y, alpha=2.5), shapes=[(2, 3), (2, 3)], grad2=True)
    check(lambda lib, x: lib.rsub(x, 2.5, alpha=2), shapes=[(3,)], grad2=True)
    check(lambda lib, x, y: lib.rsub(x, y, alpha=3), shapes=[(3,), (3,)], dtype="int64",
          grad=False)
    check(lambda lib, x: lib.sub(2, x), shapes=[(3,)], grad2=True)
    check_raises(lambda lib, x: lib.rsub(x, x, alpha=1.5), shapes=[(3,)], dtype="int64")


def test_div_rounding_mode_grad_is_zero():
    for mode in ("floor", "trunc"):
        check(lambda lib, x, y, m=mode: lib.div(x, y, rounding_mode=m), shapes=[(3,), (3,)])
        check(lambda lib, x, m=mode: lib.div(x, 2, rounding_mode=m), shapes=[(3,)])


def test_tensor_where_method():
    check(lambda x, y: x.where(x > 0, y), shapes=[(3, 4), (4,)])
    check(lambda x: x.where(x > 0, 0.5), shapes=[(2, 3)])


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16])
@pytest.mark.parametrize("exponent", [3, 3.0, -2, -0.5, 2, -1])
def test_pow_special_exponents_bit_for_bit(exponent, dtype):
    """torch computes x**3, x**-2 and x**-0.5 as products and a square root (float, double):
    the values must agree to the last bit, not only within tolerance."""
    x = np.random.default_rng(0).standard_normal(10_000).astype(dtype)
    with np.errstate(all="ignore"):
        want = (torch.from_numpy(x) ** exponent).numpy()
        got = (ember.from_numpy(x) ** exponent).numpy()
    assert got.dtype == want.dtype
    np.testing.assert_array_equal(got, want)


# ---- addcmul / addcdiv -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["addcmul", "addcdiv"])
@pytest.mark.parametrize("value", [1, 0.5, -2])
def test_addcmul_addcdiv(name, value):
    f = lambda lib, x, a, b: getattr(lib, name)(x, a, b, value=value)
    e, t = check(f, shapes=[(2, 3), (2, 3), (2, 3)], grad2=True)
    assert e.grad_fn.name() == t.grad_fn.name()
    check(f, shapes=[(2, 1), (3,), (1, 3)], grad2=True)  # broadcast to (2, 3)
    check(lambda x, a, b: getattr(x, name)(a, b, value=value), shapes=[(4,), (4,), (4,)])
    check(lambda x, a, b: getattr(x.clone(), name + "_")(a, b, value=value),
          shapes=[(2, 3), (2, 3), (3,)])
    check(f, shapes=[(0, 3), (0, 3), (3,)])


@pytest.mark.parametrize("name", ["addcmul", "addcdiv"])
def test_addcmul_addcdiv_promotion_and_errors(name):
    f = lambda lib, x, a, b: getattr(lib, name)(x, a, b, value=2)
    check(f, inputs=[np.ones(3, np.float32), np.arange(3.0) + 1, np.arange(3) + 1], grad=False)
    check_raises(f, shapes=[(2,), (3,), (3,)])  # no common broadcast shape
    check_raises(lambda lib, x, a, b: getattr(x.clone(), name + "_")(a, b),
                 shapes=[(2, 1), (3,), (3,)])  # the result does not fit self
    check_raises(lambda lib, x, b: getattr(lib, name)(x, 2.0, b), shapes=[(2,), (2,)])
    check_raises(f, inputs=[np.ones(2, bool), np.ones(2, bool), np.ones(2, bool)])


def test_addcmul_integers_truncate_a_float_value():
    ints = [np.arange(3), np.arange(3) + 1, np.arange(3) + 2]
    check(lambda lib, x, a, b: lib.addcmul(x, a, b, value=0.5), inputs=ints, grad=False)
    check(lambda lib, x, a, b: lib.addcmul(x, a, b, value=3), inputs=ints, grad=False)
    check_raises(lambda lib, x, a, b: lib.addcdiv(x, a, b), inputs=ints)


def test_numpy_scalar_operands_double_backward():
    """A NumPy scalar operand is a number to the backward formula (it once read as None)."""
    check(lambda x: x * np.float32(2.5), shapes=[(3,)], grad2=True)
    check(lambda x: np.float64(1.5) / x, shapes=[(3,)], grad2=True)


@pytest.mark.parametrize("dtype,scalar", [
    ("float32", np.int64(2)), ("float32", np.float64(2.5)), ("float32", np.float32(0.5)),
    ("float32", np.int32(3)), ("int32", np.int64(2)), ("int32", np.int32(3))])
def test_pow_numpy_scalars_count_as_python_numbers(dtype, scalar):
    """A NumPy scalar exponent (or base) does not promote a tensor, as a Python number does not."""
    check(lambda lib, x: (x ** scalar, scalar ** x, lib.pow(x, scalar)), shapes=[(3,)],
          dtype=dtype, grad=False, low=1, high=3)
