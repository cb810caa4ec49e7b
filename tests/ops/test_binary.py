"""Differential tests for ember/ops/binary.py against torch: maximum/minimum/fmax/fmin, atan2,
hypot, copysign, xlogy, fmod, remainder, floor_divide, lerp and clamp."""
import numpy as np
import pytest

from tests.oracle import check, check_raises

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
    fn = lambda lib, x, y: getattr(lib, name)(x, y)
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
        check(lambda lib, x, y, name=name: getattr(lib, name)(x, y), inputs=[a, b])
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
        fn = lambda lib, x, lo=lo, hi=hi: lib.clamp(x, lo, hi)
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


def test_xlogy_gradient_at_zero_x_is_torchs():
    """torch's d/dx xlogy is log(y) also where x == 0 (0 only where x == y == 0)."""
    x = np.array([0.0, 0.0, 0.0, 1.0, 1.0, 2.0], np.float64)
    y = np.array([0.6, 0.0, 3.0, 0.6, 2.0, 2.0], np.float64)
    check(lambda lib, x: lib.xlogy(x, lib.tensor(y)), inputs=[x])
    check(lambda lib, x: lib.xlogy(x, 0.6), inputs=[x])
