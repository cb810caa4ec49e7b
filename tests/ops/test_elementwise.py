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


# ---- unary math ------------------------------------------------------------------------------

# name -> (low, high) of the random float inputs (inside the op's domain)
UNARY = {
    "abs": (-2, 2), "neg": (-2, 2), "exp": (-2, 2), "exp2": (-2, 2), "log": (0.1, 3),
    "log2": (0.1, 3), "log10": (0.1, 3), "log1p": (-0.9, 3), "expm1": (-2, 2),
    "sqrt": (0.1, 3), "rsqrt": (0.1, 3), "sin": (-3, 3), "cos": (-3, 3), "tan": (-1.2, 1.2),
    "asin": (-0.9, 0.9), "acos": (-0.9, 0.9), "atan": (-3, 3), "sinh": (-2, 2),
    "cosh": (-2, 2), "tanh": (-3, 3), "asinh": (-3, 3), "acosh": (1.1, 3), "atanh": (-0.9, 0.9),
    "sigmoid": (-4, 4), "relu": (-2, 2), "sign": (-2, 2), "sgn": (-2, 2), "floor": (-3, 3),
    "ceil": (-3, 3), "round": (-3, 3), "trunc": (-3, 3), "frac": (-3, 3),
    "reciprocal": (0.5, 3), "erf": (-3, 3), "erfc": (-3, 3), "erfinv": (-0.95, 0.95),
    "square": (-2, 2), "positive": (-2, 2), "fix": (-3, 3), "absolute": (-2, 2),
    "arcsin": (-0.9, 0.9), "negative": (-2, 2),
}


@pytest.mark.parametrize("name", sorted(UNARY))
@pytest.mark.parametrize("shape", [(3, 4), (), (0, 2)])
def test_unary_function(name, shape):
    low, high = UNARY[name]
    check(lambda lib, x: getattr(lib, name)(x), shapes=[shape], low=low, high=high, grad2=True)


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_method_float64(name):
    low, high = UNARY[name]
    check(lambda x: getattr(x, name)(), shapes=[(5,)], dtype="float64", low=low, high=high)


@pytest.mark.parametrize("name", sorted(UNARY))
@pytest.mark.parametrize("dtype", ["int64", "int32", "uint8", "bool", "float16"])
def test_unary_dtypes(name, dtype):
    """Integer inputs promote to float where PyTorch does, stay integer (or raise) elsewhere."""
    low, high = (UNARY[name][0], UNARY[name][1]) if dtype == "float16" else (-3, 3)
    fn = lambda lib, x: getattr(lib, name)(x)  # noqa: E731
    try:
        getattr(__import__("torch"), name)(make_tensor(dtype))
    except Exception:  # noqa: BLE001 - torch refuses this dtype: ember must raise the same type
        check_raises(fn, shapes=[(4,)], dtype=dtype)
        return
    check(fn, shapes=[(4,)], dtype=dtype, low=low, high=high, grad=False)


def make_tensor(dtype):
    import torch

    return torch.zeros(2, dtype=getattr(torch, dtype))


def test_unary_noncontiguous():
    a = np.random.default_rng(0).uniform(0.2, 2, (4, 6)).astype(np.float32)
    for name in ("exp", "sqrt", "sigmoid", "tanh", "erf", "relu", "log", "floor"):
        check(lambda lib, x: getattr(lib, name)(x.t()), inputs=[a], grad2=True)


def test_unary_special_values():
    a = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1e-30, -100.0, 100.0, 88.8, -88.8],
                 dtype=np.float32)
    for name in ("exp", "sigmoid", "tanh", "erf", "erfc", "relu", "sign", "floor", "abs",
                 "log1p", "expm1", "sqrt", "rsqrt", "reciprocal", "frac", "round"):
        check(lambda lib, x: getattr(lib, name)(x), inputs=[a], grad=False)
    b = np.array([-1.0, 1.0, 1.5, -1.5, 0.0, np.nan, 0.999999, -0.999999, 1e-8], np.float32)
    check(lambda lib, x: lib.erfinv(x), inputs=[b], grad=False)
    check(lambda lib, x: lib.erfinv(x), inputs=[b.astype(np.float64)], grad=False)


def test_erf_float64_accuracy():
    a = np.linspace(-7, 7, 2001)
    check(lambda lib, x: lib.erf(x), inputs=[a], grad=False)
    check(lambda lib, x: lib.erfc(x), inputs=[a], grad=False, atol=0)
    check(lambda lib, x: lib.erfinv(x), inputs=[np.linspace(-0.999999, 0.999999, 2001)],
          grad=False)


def test_round_half_even_and_decimals():
    a = np.array([0.5, 1.5, 2.5, -0.5, -2.5, 1.2345, -7.654, 123.456], dtype=np.float32)
    check(lambda x: x.round(), inputs=[a], grad=False)
    for d in (1, 2, -1, -2):
        check(lambda x: x.round(decimals=d), inputs=[a], grad=False)
    check(lambda lib, x: lib.round(x, decimals=2), shapes=[(3,)], grad2=True)
    check_raises(lambda x: x.round(decimals=1), shapes=[(3,)], dtype="int64")


def test_unary_grad_fn_names():
    import torch

    import ember

    for name in ("exp", "log", "sqrt", "sigmoid", "relu", "tanh", "abs", "erf", "erfinv",
                 "square", "floor", "sgn", "expm1", "log1p", "rsqrt", "fix", "arcsin"):
        t = getattr(torch, name)(torch.ones(2, requires_grad=True) * 0.5)
        e = getattr(ember, name)(ember.ones(2, requires_grad=True) * 0.5)
        assert type(e.grad_fn).__name__ == type(t.grad_fn).__name__, name


def test_unary_saves_output_not_input():
    import ember

    for name in ("exp", "sqrt", "tanh", "sigmoid", "relu"):
        x = ember.ones(3, requires_grad=True) * 2
        y = getattr(ember, name)(x)
        x.mul_(3)  # the input may change: only the output is saved
        y.sum().backward()
        y2 = getattr(ember, name)(ember.ones(3, requires_grad=True) * 2)
        y2.mul_(2)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            y2.sum().backward()


def test_unary_out():
    check(lambda lib, x: lib.exp(x, out=lib.empty(3, 4)), shapes=[(3, 4)], grad=False)
    check(lambda lib, x: lib.sqrt(x, out=lib.empty(0)), shapes=[(2, 2)], low=0, grad=False)


def test_unary_bad_input():
    check_raises(lambda lib: lib.exp(2.0), inputs=[])
    check_raises(lambda lib: lib.abs([1, 2]), inputs=[])
    check_raises(lambda x: x.relu(), shapes=[(2,)], dtype="bool")
    check_raises(lambda x: x.positive(), shapes=[(2,)], dtype="bool")
    check_raises(lambda x: x.frac(), shapes=[(2,)], dtype="int64")


# ---- in-place unary --------------------------------------------------------------------------

INPLACE_UNARY = ["abs_", "exp_", "exp2_", "expm1_", "sqrt_", "rsqrt_", "sigmoid_", "relu_",
                 "tanh_", "sin_", "cos_", "neg_", "floor_", "ceil_", "round_", "trunc_", "frac_",
                 "sign_", "reciprocal_", "erf_", "erfc_", "erfinv_", "square_", "log_", "log1p_",
                 "atan_", "fix_", "sgn_", "nan_to_num_"]


@pytest.mark.parametrize("name", INPLACE_UNARY)
def test_unary_inplace(name):
    check(lambda x: getattr(x * 1, name)(), shapes=[(2, 3)], low=0.1, high=0.9, grad2=True)
    check(lambda x: getattr(x.clone(), name)(), shapes=[(2, 3)], low=0.1, high=0.9, grad=False)
    check_raises(lambda x: getattr(x, name)(), shapes=[(2,)], grad=True)


@pytest.mark.parametrize("name", ["abs_", "exp_", "relu_", "sigmoid_", "sqrt_", "square_",
                                  "neg_", "floor_", "clamp_", "clip_", "clamp_min_", "fill_",
                                  "zero_"])
def test_torch_inplace_functions(name):
    args = {"clamp_": (0, 1), "clip_": (0,), "clamp_min_": (0.5,), "fill_": (2.5,)}.get(name, ())
    check(lambda lib, x: getattr(lib, name)(x * 1, *args), shapes=[(3,)], low=0.1, grad2=True)


def test_inplace_unary_int_promotion_raises():
    check_raises(lambda x: x.exp_(), shapes=[(3,)], dtype="int64")
    check(lambda x: x.clone().abs_(), shapes=[(3,)], dtype="int64", grad=False)


def test_inplace_on_view_unary():
    check(lambda x: (x * 1).t().exp_(), shapes=[(3, 2)], grad2=True)

    def fn(x):
        y = x * 1
        y.t().sigmoid_()
        return y

    check(fn, shapes=[(3, 2)])


# ---- binary math -----------------------------------------------------------------------------

BINARY = {  # name -> (low, high, grad2)
    "maximum": (-2, 2, True), "minimum": (-2, 2, True), "fmax": (-2, 2, True),
    "fmin": (-2, 2, True), "atan2": (0.5, 2, True), "arctan2": (0.5, 2, True),
    "fmod": (0.5, 3, True), "remainder": (0.5, 3, True), "hypot": (0.5, 2, True),
    "copysign": (-2, 2, True), "xlogy": (0.5, 2, True),
}


@pytest.mark.parametrize("name", sorted(BINARY))
@pytest.mark.parametrize("shapes", [[(3, 4), (3, 4)], [(2, 1, 3), (4, 3)], [(), (3,)],
                                    [(0, 3), (3,)]])
def test_binary_function(name, shapes):
    low, high, g2 = BINARY[name]
    check(lambda lib, x, y: getattr(lib, name)(x, y), shapes=shapes, low=low, high=high,
          grad2=g2)


@pytest.mark.parametrize("name", sorted(BINARY))
@pytest.mark.parametrize("dtypes", [("int64", "int64"), ("int32", "float64"),
                                    ("bool", "bool"), ("float16", "float32"), ("uint8", "int8")])
def test_binary_dtypes(name, dtypes):
    fn = lambda lib, x, y: getattr(lib, name)(x, y)  # noqa: E731
    import torch

    try:
        getattr(torch, name)(*(torch.ones(2, dtype=getattr(torch, d)) for d in dtypes))
    except Exception:  # noqa: BLE001 - torch refuses these dtypes; ember must too
        check_raises(fn, shapes=[(3,), (3,)], dtypes=list(dtypes))
        return
    check(fn, shapes=[(3,), (3,)], dtypes=list(dtypes), low=1, high=4, grad=False)


def test_binary_ties_and_nan():
    a = np.array([1.0, np.nan, 2.0, np.nan, 0.0, -0.0], dtype=np.float32)
    b = np.array([1.0, 1.0, np.nan, np.nan, -0.0, 0.0], dtype=np.float32)
    for name in ("maximum", "minimum", "fmax", "fmin"):
        check(lambda lib, x, y: getattr(lib, name)(x, y), inputs=[a, b])
    check(lambda lib, x, y: lib.xlogy(x, y), inputs=[np.array([0.0, 0.0, 1.0], np.float32),
                                                     np.array([0.0, np.nan, 0.0], np.float32)],
          grad=False)


@pytest.mark.parametrize("op", [
    lambda lib, x: lib.fmod(x, 1.5), lambda lib, x: lib.fmod(x, -2),
    lambda lib, x: lib.remainder(x, 1.5), lambda lib, x: lib.remainder(x, -2),
    lambda lib, x: x % 1.5,
    lambda lib, x: lib.copysign(x, -1.0), lambda lib, x: lib.copysign(x, 2),
    lambda lib, x: lib.xlogy(x, 3.0), lambda lib, x: lib.xlogy(2.0, x),
    lambda lib, x: lib.lerp(x, x * 2, 0.3), lambda lib, x: lib.lerp(x, x * x, 0.8),
])
def test_binary_with_scalar(op):
    check(op, shapes=[(2, 3)], low=0.5, high=2.5, grad2=True)


def test_remainder_scalar_first():
    """torch has no derivative for remainder(number, tensor); compare values only."""
    check(lambda lib, x: lib.remainder(3, x), shapes=[(2, 3)], low=0.5, high=2.5, grad=False)
    check(lambda x: 2.5 % x, shapes=[(2, 3)], low=-2.5, high=2.5, grad=False)
    check(lambda x: 7 % x, shapes=[(4,)], dtype="int64", low=1, high=5, grad=False)


def test_binary_grad_fn_names():
    import torch

    import ember

    cases = [lambda lib, x: lib.fmod(x, 2), lambda lib, x: lib.fmod(x, x),
             lambda lib, x: lib.remainder(x, 2), lambda lib, x: lib.copysign(x, 2.0),
             lambda lib, x: lib.xlogy(x, 2.0), lambda lib, x: lib.xlogy(x, x),
             lambda lib, x: lib.lerp(x, x, 0.5), lambda lib, x: lib.lerp(x, x, x),
             lambda lib, x: lib.maximum(x, x), lambda lib, x: lib.clamp(x, 0, 1),
             lambda lib, x: lib.clamp(x, x), lambda lib, x: lib.clamp_min(x, 0),
             lambda lib, x: lib.clamp_max(x, x), lambda lib, x: lib.floor_divide(x, 2),
             lambda lib, x: lib.hypot(x, x), lambda lib, x: lib.atan2(x, x)]
    for fn in cases:
        t = fn(torch, torch.ones(2, requires_grad=True))
        e = fn(ember, ember.ones(2, requires_grad=True))
        assert type(e.grad_fn).__name__ == type(t.grad_fn).__name__


def test_lerp_tensor_weight_and_errors():
    check(lambda lib, x, y, w: lib.lerp(x, y, w), shapes=[(2, 3), (3,), (2, 1)], low=0,
          high=1, grad2=True)
    check_raises(lambda lib, x, y: lib.lerp(x, y, 0.5), shapes=[(3,), (3,)],
                 dtypes=["float32", "float64"])
    check_raises(lambda lib, x, y: lib.lerp(x, y, 0.5), shapes=[(3,), (3,)], dtype="int64")
    check_raises(lambda lib, x, y: lib.lerp(x, y, 0.5), shapes=[(3,), (2,)])


def test_floor_divide():
    a = np.array([7, -7, 5, -5, 0], dtype=np.int64)
    b = np.array([2, 2, -3, -3, 4], dtype=np.int64)
    check(lambda lib, x, y: lib.floor_divide(x, y), inputs=[a, b], grad=False)
    check(lambda x, y: x // y, inputs=[a.astype(np.float32), b.astype(np.float32)], grad=False)
    check(lambda x: x // 2.5, inputs=[a], grad=False)
    check(lambda x: 7 // x, inputs=[b], grad=False)
    check_raises(lambda x: x // 0, inputs=[a])
    check_raises(lambda x, y: x % y, inputs=[a, np.zeros(5, np.int64)])
    check_raises(lambda lib, x: lib.fmod(x, 0), inputs=[a])
    check_raises(lambda x: (x * 1).floor_divide(2).sum().backward(), shapes=[(2,)], grad=True)


@pytest.mark.parametrize("bad", [
    lambda lib, x: lib.maximum(x, 2), lambda lib, x: lib.minimum(2.0, x),
    lambda lib, x: lib.hypot(x, 1.0), lambda lib, x: lib.atan2(x, 1), lambda lib, x: lib.fmod(2, x),
    lambda lib, x: lib.copysign(2, x), lambda lib, x: lib.hypot(x.long(), x.long()),
    lambda lib, x: lib.maximum(x, lib.ones(2)), lambda lib, x: lib.fmod(x.bool(), x.bool()),
])
def test_binary_bad_arguments(bad):
    check_raises(bad, shapes=[(3,)])


# ---- clamp -----------------------------------------------------------------------------------


@pytest.mark.parametrize("op", [
    lambda lib, x: lib.clamp(x, -0.5, 0.5), lambda lib, x: lib.clamp(x, min=0),
    lambda lib, x: lib.clamp(x, max=0.3), lambda lib, x: lib.clip(x, -1, 1),
    lambda lib, x: x.clamp(1, -1), lambda lib, x: lib.clamp_min(x, 0.1),
    lambda lib, x: lib.clamp_max(x, 0.1), lambda lib, x: x.clip(min=-0.2),
    lambda lib, x: lib.clamp(x, min=x * 0.5, max=x * 0 + 1),
    lambda lib, x: lib.clamp(x, min=lib.zeros(3)), lambda lib, x: lib.clamp(x, max=x.t() * 2),
    lambda lib, x: lib.clamp_min(x, x.t()), lambda lib, x: lib.clamp_max(x, lib.zeros(())),
    lambda lib, x: lib.clamp(x, min=lib.tensor(0.5), max=1),
])
def test_clamp(op):
    check(op, shapes=[(3, 3)], grad2=True)


def test_clamp_tensor_bounds_get_gradients():
    check(lambda lib, x, lo, hi: lib.clamp(x, lo, hi), shapes=[(4, 3), (3,), (4, 1)])
    check(lambda lib, x, lo: lib.clamp(x, min=lo), shapes=[(4, 3), (3,)])
    check(lambda lib, x, hi: lib.clamp(x, max=hi), shapes=[(4, 3), (3,)])


@pytest.mark.parametrize("dtype", ["int64", "int32", "uint8", "bool", "float16", "float64"])
def test_clamp_dtypes(dtype):
    for lo, hi in ((1, None), (1.5, None), (None, 2), (0, 2.5)):
        fn = lambda lib, x: lib.clamp(x, lo, hi)  # noqa: E731
        if dtype == "bool" and lo is not None and isinstance(lo, bool):
            continue
        check(fn, shapes=[(4,)], dtype=dtype, low=-3, high=4, grad=False)
    check(lambda lib, x: lib.clamp(x, min=lib.tensor([1.0, 2.0, 3.0, 4.0])), shapes=[(4,)],
          dtype=dtype, grad=False)


def test_clamp_errors_and_inplace():
    check_raises(lambda lib, x: lib.clamp(x), shapes=[(3,)])
    check_raises(lambda lib, x: lib.clamp(x, None, None), shapes=[(3,)])
    check_raises(lambda x: x.clamp(min=True), shapes=[(3,)], dtype="bool")
    check_raises(lambda x: x.clone().clamp_(min=1.5), shapes=[(3,)], dtype="int64")
    check(lambda x: (x * 1).clamp_(min=0), shapes=[(3,)], grad2=True)
    check(lambda x: (x * 1).clamp_(x * 0, x * 0 + 1), shapes=[(3,)])
    check(lambda x: x.clone().clamp_(-1, 1), shapes=[(3,)], dtype="int64", grad=False)
    check(lambda lib, x: lib.clamp(x, 0, 1, out=lib.empty(3)), shapes=[(3,)], grad=False)
    check_raises(lambda x: x.clamp(min="a"), shapes=[(3,)])


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
        check(lambda lib, x, y: getattr(lib, lib_fn)(x, y), inputs=[a, s], grad=False)
        check(lambda lib, x: getattr(lib, lib_fn)(x, 9), inputs=[a.astype(np.int8)],
              grad=False)
        check(lambda lib, x: getattr(lib, lib_fn)(x, 9), inputs=[np.array([200, 3], np.uint8)],
              grad=False)
        check(lambda x: getattr(x.clone(), lib_fn + "_")(2), inputs=[a], grad=False)
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


# ---- in-place arithmetic, fill_, zero_, copy_ ------------------------------------------------


@pytest.mark.parametrize("op", [
    lambda x, y: x.clone().add_(y), lambda x, y: x.clone().sub_(y, alpha=2),
    lambda x, y: x.clone().mul_(y), lambda x, y: x.clone().div_(y),
    lambda x, y: x.clone().add_(2.5), lambda x, y: x.clone().mul_(3),
    lambda x, y: x.clone().add_(y, alpha=0.5), lambda x, y: x.clone().div_(y.double()),
    lambda x, y: x.clone().pow_(2), lambda x, y: x.clone().fmod_(0.7),
    lambda x, y: x.clone().remainder_(y), lambda x, y: x.clone().atan2_(y),
    lambda x, y: x.clone().lerp_(y, 0.25), lambda x, y: x.clone().hypot_(y),
    lambda x, y: x.clone().copysign_(y), lambda x, y: x.clone().xlogy_(y),
    lambda x, y: x.clone().floor_divide_(y),
])
def test_inplace_binary(op):
    check(op, shapes=[(2, 3), (3,)], low=0.5, high=2, grad=False)
    if "floor_divide_" not in op.__code__.co_names:
        check(lambda x, y: op(x * 1, y), shapes=[(2, 3), (3,)], low=0.5, high=2, grad2=True)


def test_inplace_without_grad_writes_through():
    import ember

    x = ember.ones(4)
    data, version = x._data, x._version
    for r in (x.add_(1), x.sub_(ember.ones(4), alpha=2), x.mul_(3), x.div_(2.0), x.add_(x),
              x.fill_(3), x.zero_(), x.copy_(ember.ones(1))):
        assert r is x and x._data is data
    assert x._version == version + 8
    w = ember.ones(3, requires_grad=True)
    with ember.no_grad():
        w.add_(ember.ones(3), alpha=-0.5)
        w.mul_(2).fill_(4.0)
    assert w.requires_grad and w.is_leaf and w.tolist() == [4.0, 4.0, 4.0]


def test_inplace_dtype_rules():
    check(lambda x, y: x.clone().add_(y), shapes=[(3,), (3,)], dtypes=["float32", "int64"],
          grad=False)
    check(lambda x, y: x.clone().mul_(y), shapes=[(3,), (3,)], dtypes=["int32", "int64"],
          grad=False)
    check(lambda x: x.clone().add_(2), shapes=[(3,)], dtype="int32", grad=False)
    check(lambda x: x.clone().add_(2, alpha=3), shapes=[(3,)], dtype="int64", grad=False)
    check_raises(lambda x: x.clone().div_(2), shapes=[(3,)], dtype="int64")
    check_raises(lambda x: x.clone().add_(1, alpha=1.5), shapes=[(3,)], dtype="int64")
    check_raises(lambda x: x.add(x, alpha=True), shapes=[(3,)])
    check(lambda x: x.add(x, alpha=2), shapes=[(3,)], dtype="bool", grad=False)
    check(lambda lib, x: lib.sub(x, 1.5, alpha=2), shapes=[(3,)], dtype="int64", grad=False)


def test_fill_zero():
    check(lambda x: (x * 1).fill_(2.5), shapes=[(2, 3)], grad2=True)
    check(lambda x, v: (x * 1).fill_(v), shapes=[(2, 3), ()], grad2=True)
    check(lambda x, v: x.clone().detach().fill_(v), shapes=[(2, 3), ()])
    check(lambda x: (x * 1).zero_(), shapes=[(2, 3)])
    check(lambda x: x.clone().fill_(1.7), shapes=[(3,)], dtype="int64", grad=False)
    check(lambda x: x.clone().fill_(2), shapes=[(3,)], dtype="bool", grad=False)
    check(lambda lib, x: lib.fill(x, 3.0), shapes=[(2,)])
    check(lambda x: x.t().clone().zero_(), shapes=[(2, 3)], grad=False)
    check_raises(lambda x, v: x.clone().fill_(v), shapes=[(3,), (1,)])
    check_raises(lambda x: x.fill_(1), shapes=[(3,)], grad=True)
    check_raises(lambda x: x.zero_(), shapes=[(3,)], grad=True)
    check_raises(lambda x: x.clone().fill_("a"), shapes=[(3,)])


def test_copy():
    check(lambda x, y: (x * 1).copy_(y), shapes=[(2, 3), (3,)], grad2=True)
    check(lambda x, y: (x * 1).copy_(y), shapes=[(2, 3), (2, 3)], dtypes=["float32", "float64"])
    check(lambda x, y: x.clone().detach().copy_(y), shapes=[(2, 3), (2, 1)])
    check(lambda x, y: x.clone().copy_(y), shapes=[(3,), (3,)], dtypes=["int64", "float32"],
          low=-3, high=3, grad=False)
    check(lambda x, y: x.clone().copy_(y.t()), shapes=[(3, 2), (2, 3)], grad=False)
    check(lambda x: _copy_onto_self(x.clone(), False), shapes=[(3, 3)], grad=False)
    check_raises(lambda x: _copy_onto_self(x.clone(), True), shapes=[(3, 3)])
    check_raises(lambda x, y: x.clone().copy_(y), shapes=[(3,), (2,)])
    check_raises(lambda x, y: x.copy_(y), shapes=[(3,), (3,)], grad=True)


def _copy_onto_self(y, transposed: bool):
    """y.copy_(y) is allowed; a partially overlapping source (y.t()) is refused, as PyTorch."""
    return y.copy_(y.t() if transposed else y)


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


@pytest.mark.parametrize("dtype", ["float32", "int64", "uint8", "bool"])
def test_unary_plus(dtype):
    try:
        +make_tensor(dtype)
    except RuntimeError:
        check_raises(lambda x: +x, shapes=[(3,)], dtype=dtype, match="on a bool tensor")
        return
    check(lambda x: +x, shapes=[(3,)], dtype=dtype, grad2=dtype == "float32")
    check(lambda x: (+x) is x, shapes=[(3,)], dtype=dtype, grad=False)


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
