"""Differential tests for ember/ops/unary.py against torch: unary math functions and methods,
dtypes, special values, grad_fn names, in-place forms."""
import numpy as np
import pytest

from tests.oracle import check, check_raises

SHAPES_1 = [(3, 4), (), (0, 5)]


@pytest.mark.parametrize("shape", SHAPES_1)
def test_exp(shape):
    check(lambda x: x.exp(), shapes=[shape], grad2=True)


@pytest.mark.parametrize("shape", SHAPES_1)
def test_log(shape):
    check(lambda x: x.log(), shapes=[shape], low=0.1, high=3, grad2=True)



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
    fn = lambda lib, x: getattr(lib, name)(x)
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
        check(lambda lib, x, name=name: getattr(lib, name)(x.t()), inputs=[a], grad2=True)


def test_unary_special_values():
    a = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1e-30, -100.0, 100.0, 88.8, -88.8],
                 dtype=np.float32)
    for name in ("exp", "sigmoid", "tanh", "erf", "erfc", "relu", "sign", "floor", "abs",
                 "log1p", "expm1", "sqrt", "rsqrt", "reciprocal", "frac", "round"):
        check(lambda lib, x, name=name: getattr(lib, name)(x), inputs=[a], grad=False)
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
        check(lambda x, d=d: x.round(decimals=d), inputs=[a], grad=False)
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
def test_relu_signed_zero_nan_and_layout(dtype):
    """relu keeps -0.0 (torch's max(0, x) order) and NaN; values, grads and a transposed input."""
    import torch

    import ember
    x = np.array([[-0.0, 0.0, -1.5, 2.0], [np.nan, -np.inf, np.inf, 3.0]], dtype)
    for f in (lambda lib, t: lib.relu(t), lambda lib, t: lib.nn.functional.relu(t)):
        e, t = f(ember, ember.from_numpy(x.copy())).numpy(), f(torch, torch.from_numpy(x)).numpy()
        np.testing.assert_array_equal(np.signbit(e), np.signbit(t))
        np.testing.assert_array_equal(e, t)
    check(lambda lib, t: lib.relu(t), inputs=[np.asarray(x[:, :1].T.copy().T)], grad=False)
    check(lambda lib, t: lib.relu(t), inputs=[np.random.default_rng(5).normal(size=(3, 5)).T],
          grad2=dtype != "float16")


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_relu_backward_is_bit_exact_with_special_gradients(dtype):
    import torch

    import ember
    x = np.array([[-1.0, 0.0, -0.0, 2.0, np.nan, np.inf], [3.0, -np.inf, 0.5, -2.0, 1.0, -0.5]])
    g = np.array([[np.nan, np.inf, -1.0, -0.0, -3.0, np.nan], [-0.0, np.inf, -np.inf, 2.0, 4.5,
                                                              -7.0]])
    grads = []
    for lib in (torch, ember):
        t = lib.tensor(x, dtype=getattr(lib, dtype), requires_grad=True)
        lib.relu(t).backward(lib.tensor(g, dtype=getattr(lib, dtype)))
        grads.append(t.grad.detach().numpy())
    assert grads[1].dtype == grads[0].dtype
    assert grads[1].tobytes() == grads[0].tobytes()  # NaN, inf and the sign of zero included
