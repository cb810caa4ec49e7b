"""F.linear (one fused op) and F.bilinear against torch: values, grads, grad_fn names, errors."""
import numpy as np
import pytest

from tests.oracle import check, check_raises

LINEAR_CASES = [
    [(3, 4), (5, 4), (5,)],
    [(3, 4), (5, 4)],
    [(2, 3, 4), (5, 4), (5,)],
    [(2, 3, 4), (5, 4)],
    [(4,), (5, 4), (5,)],
    [(4,), (5, 4)],
    [(0, 4), (5, 4), (5,)],
    [(3, 0), (5, 0), (5,)],
    [(3, 4), (5, 4), (1,)],
]


@pytest.mark.parametrize("shapes", LINEAR_CASES)
def test_linear(shapes):
    check(lambda lib, *a: lib.nn.functional.linear(*a), shapes=shapes, grad2=True)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_linear_dtypes(dtype):
    check(lambda lib, *a: lib.nn.functional.linear(*a), shapes=[(2, 3), (4, 3), (4,)],
          dtype=dtype, grad2=True)


def test_linear_noncontiguous():
    x = np.random.default_rng(0).standard_normal((4, 3)).T  # (3, 4), transposed strides
    w = np.random.default_rng(1).standard_normal((5, 4))[:, ::1]
    check(lambda lib, x, w: lib.nn.functional.linear(x, w.t().t()), inputs=[x, w], grad2=True)


def test_linear_int():
    check(lambda lib, x, w: lib.nn.functional.linear(x, w), shapes=[(3, 4), (5, 4)],
          dtype="int64")


def test_linear_weight_1d():
    check(lambda lib, x, w: lib.nn.functional.linear(x, w), shapes=[(3, 4), (4,)])


@pytest.mark.parametrize("shapes,bias", [((3, 4), True), ((3, 4), False), ((2, 3, 4), True),
                                         ((2, 3, 4), False), ((4,), True), ((4,), False)])
def test_linear_grad_fn_name(shapes, bias):
    def fn(lib, x, w, b):
        return type(lib.nn.functional.linear(x, w, b if bias else None).grad_fn).__name__

    check(fn, shapes=[shapes, (5, 4), (5,)], grad=False)


@pytest.mark.parametrize("shapes,dtypes", [
    ([(3, 4), (5, 6)], None),
    ([(2, 3, 4), (5, 6)], None),
    ([(4,), (5, 6)], None),
    ([(3, 4), (5, 4), (3,)], None),
    ([(3, 4), (5, 4)], ["float32", "float64"]),
    ([(3, 4), (5, 4), (5,)], ["float32", "float32", "float64"]),
    ([(), (5, 4)], None),
    ([(3, 4), (5, 4, 2)], None),
])
def test_linear_errors(shapes, dtypes):
    check_raises(lambda lib, *a: lib.nn.functional.linear(*a), shapes=shapes, dtypes=dtypes)


def test_linear_not_tensor():
    check_raises(lambda lib, w: lib.nn.functional.linear([1.0], w), shapes=[(5, 4)])


@pytest.mark.parametrize("shapes", [
    [(3, 4), (3, 5), (2, 4, 5), (2,)],
    [(3, 4), (3, 5), (2, 4, 5)],
    [(2, 3, 4), (2, 3, 5), (2, 4, 5), (2,)],
    [(4,), (5,), (2, 4, 5)],
])
def test_bilinear(shapes):
    check(lambda lib, *a: lib.nn.functional.bilinear(*a), shapes=shapes, grad2=True)


@pytest.mark.parametrize("shapes", [
    [(3, 4), (3, 5), (2, 4, 6)],
    [(3, 4), (2, 5), (2, 4, 5)],
    [(3, 4), (3, 1, 5), (2, 4, 5)],
    [(3, 4), (3, 5), (4, 5)],
])
def test_bilinear_errors(shapes):
    check_raises(lambda lib, *a: lib.nn.functional.bilinear(*a), shapes=shapes)


@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
def test_half_linear_and_addmm_round_once(dtype):
    """torch accumulates half-type products in float32 and rounds once, after the bias."""
    x = np.array([[0.36, 1.3], [0.5, -2.25]])
    w = np.array([[0.95, -0.7], [0.33, 0.71]])
    b = np.array([-1.27, 0.4])
    x, w, b = (a.astype(np.float16 if dtype == "float16" else np.float32) for a in (x, w, b))
    check(lambda lib, x, w, b: lib.nn.functional.linear(x, w, b), inputs=[x, w, b],
          dtypes=[dtype] * 3, grad=False, rtol=0, atol=0)
    check(lambda lib, x, w, b: lib.addmm(b, x, w.t()), inputs=[x, w, b], dtypes=[dtype] * 3,
          grad=False, rtol=0, atol=0)
