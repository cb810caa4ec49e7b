"""Pooling functionals against torch: max/avg/adaptive/lp pools and max_unpool, forward, input
grads and second derivatives over a grid of options, plus PyTorch's argument errors."""
from __future__ import annotations

import numpy as np
import pytest

from tests.oracle import check, check_raises


def _noncontig(shape, seed=0):
    """A transposed (non-contiguous) float32 array of `shape`."""
    a = np.random.default_rng(seed).normal(size=shape[:-2] + (shape[-1], shape[-2]))
    return np.swapaxes(a.astype(np.float32), -1, -2)


MAX2D = [
    ((1, 1, 4, 4), {"kernel_size": 2}),
    ((2, 3, 7, 6), {"kernel_size": 3, "stride": 2, "padding": 1}),
    ((2, 3, 7, 6), {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True}),
    ((2, 2, 8, 9), {"kernel_size": (2, 3), "stride": (1, 2), "dilation": 2, "padding": (1, 0)}),
    ((2, 2, 5, 5), {"kernel_size": 2, "stride": 2, "ceil_mode": True}),
    ((3, 5, 5), {"kernel_size": 3, "stride": 1, "padding": 1}),
    ((0, 2, 4, 4), {"kernel_size": 2}),
    ((1, 2, 6, 5), {"kernel_size": (3, 2), "stride": [], "dilation": (1, 2)}),
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape,kw", MAX2D)
def test_max_pool2d(shape, kw, dtype):
    check(lambda lib, x: lib.nn.functional.max_pool2d(x, return_indices=True, **kw),
          shapes=[shape], dtype=dtype, grad2=True)


@pytest.mark.parametrize("shape,kw", [
    ((2, 3, 9), {"kernel_size": 3}), ((2, 3, 9), {"kernel_size": 3, "stride": 2, "padding": 1}),
    ((3, 10), {"kernel_size": 2, "dilation": 3, "ceil_mode": True}),
    ((2, 2, 7), {"kernel_size": 4, "stride": 3, "padding": 2, "ceil_mode": True})])
def test_max_pool1d(shape, kw):
    check(lambda lib, x: lib.nn.functional.max_pool1d(x, return_indices=True, **kw),
          shapes=[shape], grad2=True)
    check(lambda lib, x: lib.nn.functional.max_pool1d_with_indices(x, **kw), shapes=[shape])


@pytest.mark.parametrize("shape,kw", [
    ((1, 2, 4, 4, 4), {"kernel_size": 2}),
    ((2, 1, 5, 6, 7), {"kernel_size": (2, 3, 2), "stride": (1, 2, 2), "padding": 1, "ceil_mode": True}),
    ((2, 5, 5, 5), {"kernel_size": 3, "stride": 2, "dilation": (2, 1, 1)})])
def test_max_pool3d(shape, kw):
    check(lambda lib, x: lib.nn.functional.max_pool3d(x, return_indices=True, **kw),
          shapes=[shape], grad2=True)


def test_max_pool_ties_and_noncontiguous():
    x = np.zeros((1, 2, 4, 4), dtype=np.float32)
    x[0, 1, 1:3, 1:3] = 1.0  # ties: PyTorch keeps the first maximum in window order
    check(lambda lib, t: lib.nn.functional.max_pool2d(t, 3, 1, 1, return_indices=True),
          inputs=[x])
    check(lambda lib, t: lib.nn.functional.max_pool2d(t, 2, return_indices=True),
          inputs=[_noncontig((2, 3, 6, 4))], grad2=True)
    check(lambda lib, t: lib.nn.functional.max_pool2d_with_indices(t, 2, 1),
          inputs=[_noncontig((2, 3, 5, 4))])


@pytest.mark.parametrize("args", [(2,), (3, 2, 1), ((2, 3), 1, (1, 0), 2)])
def test_max_pool_inference_path(args):
    """Without grad and indices the values come from the index-free path."""
    check(lambda lib, x: lib.nn.functional.max_pool2d(x, *args), shapes=[(2, 3, 7, 6)],
          grad=False)
    x = np.random.default_rng(0).integers(-9, 9, size=(2, 2, 7, 6))
    check(lambda lib, t: lib.nn.functional.max_pool2d(t, *args), inputs=[x])


def test_max_pool_infinite_values():
    x = np.random.default_rng(0).normal(size=(1, 2, 5, 5)).astype(np.float32)
    x[0, 0] = -np.inf
    x[0, 1, :2, :2] = -np.inf
    x[0, 1, 3, 3] = np.inf
    check(lambda lib, t: lib.nn.functional.max_pool2d(t, 3, 2, 1, return_indices=True),
          inputs=[x], grad=False)
    check(lambda lib, t: lib.nn.functional.max_pool2d(t, 3, 1, 1, 2, return_indices=True),
          inputs=[x], grad=False)


@pytest.mark.parametrize("shape,kw", MAX2D + [
    ((2, 3, 12, 12), {"kernel_size": 3, "stride": 2, "padding": 1}),
    ((2, 2, 9, 9), {"kernel_size": 2, "stride": 3}),
    ((1, 2, 9, 8), {"kernel_size": 3, "stride": (3, 1), "padding": 1, "dilation": (1, 2)})])
def test_max_pool2d_first_order(shape, kw):
    """Plain backward (no graph of the backward) scatters through the kernels' phase split."""
    check(lambda lib, x: lib.nn.functional.max_pool2d(x, return_indices=True, **kw),
          shapes=[shape])
    check(lambda lib, x: lib.nn.functional.max_pool2d(x, **kw), shapes=[shape])


@pytest.mark.parametrize("nd,shape,kw", [
    (1, (2, 3, 9), {"kernel_size": 3, "stride": 2, "padding": 1}),
    (1, (3, 10), {"kernel_size": 2, "dilation": 3, "ceil_mode": True}),
    (3, (2, 1, 5, 6, 7), {"kernel_size": (2, 3, 2), "stride": (1, 2, 2), "padding": 1,
                          "ceil_mode": True}),
    (3, (1, 2, 6, 6, 6), {"kernel_size": 2})])
def test_max_pool_1d_3d_first_order(nd, shape, kw):
    check(lambda lib, x: getattr(lib.nn.functional, f"max_pool{nd}d")(
        x, return_indices=True, **kw), shapes=[shape])


@pytest.mark.parametrize("args", [(3, 2, 1), (2,), (3, 1, 1, 2), (2, 1)])
def test_max_pool_nan(args):
    """A NaN wins its windows (the last NaN in window order gives the index), values and grads."""
    x = np.random.default_rng(1).normal(size=(2, 2, 7, 7)).astype(np.float32)
    x[0, 0, 1, 1] = x[0, 0, 1, 2] = x[0, 0, 2, 1] = x[1, 1, 0, 0] = x[0, 1, 6, 6] = np.nan
    check(lambda lib, t: lib.nn.functional.max_pool2d(t, *args, return_indices=True),
          inputs=[x])


def test_max_pool_nonfinite_upstream():
    """inf and NaN in the upstream gradient reach only the argmax positions (no inf * 0)."""
    x = np.random.default_rng(2).normal(size=(1, 2, 6, 6)).astype(np.float32)
    u = np.ones((1, 2, 3, 3), dtype=np.float32)
    u[0, 0, 1, 1], u[0, 1, 0, 2] = np.inf, np.nan
    check(lambda lib, t, w: lib.nn.functional.max_pool2d(t, 3, 2, 1) * w.detach(),
          inputs=[x, u])


def test_max_pool2d_int():
    x = np.random.default_rng(0).integers(-9, 9, size=(2, 2, 5, 5))
    check(lambda lib, t: lib.nn.functional.max_pool2d(t, 2, return_indices=True), inputs=[x])


AVG2D = [
    ((1, 1, 4, 4), {"kernel_size": 2}),
    ((2, 3, 7, 6), {"kernel_size": 3, "stride": 2, "padding": 1}),
    ((2, 3, 7, 6), {"kernel_size": 3, "stride": 2, "padding": 1, "count_include_pad": False}),
    ((2, 3, 7, 6), {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True}),
    ((2, 3, 7, 6), {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True,
                        "count_include_pad": False}),
    ((2, 2, 5, 5), {"kernel_size": 2, "ceil_mode": True}),
    ((2, 2, 8, 9), {"kernel_size": (2, 3), "stride": (1, 2), "padding": (1, 0), "divisor_override": 3}),
    ((3, 5, 5), {"kernel_size": (3, 1), "stride": 1, "padding": (1, 0)}),
    ((0, 2, 4, 4), {"kernel_size": 2}),
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape,kw", AVG2D)
def test_avg_pool2d(shape, kw, dtype):
    check(lambda lib, x: lib.nn.functional.avg_pool2d(x, **kw), shapes=[shape], dtype=dtype,
          grad2=True)


@pytest.mark.parametrize("shape,kw", [
    ((2, 3, 9), {"kernel_size": 3}),
    ((2, 3, 9), {"kernel_size": 3, "stride": 2, "padding": 1, "count_include_pad": False}),
    ((3, 10), {"kernel_size": 4, "stride": 3, "padding": 2, "ceil_mode": True})])
def test_avg_pool1d(shape, kw):
    check(lambda lib, x: lib.nn.functional.avg_pool1d(x, **kw), shapes=[shape], grad2=True)


@pytest.mark.parametrize("shape,kw", [
    ((1, 2, 4, 4, 4), {"kernel_size": 2}),
    ((2, 1, 5, 6, 7), {"kernel_size": (2, 3, 2), "stride": (1, 2, 2), "padding": 1, "ceil_mode": True,
                           "count_include_pad": False}),
    ((2, 5, 5, 5), {"kernel_size": 3, "stride": 2, "divisor_override": 5})])
def test_avg_pool3d(shape, kw):
    check(lambda lib, x: lib.nn.functional.avg_pool3d(x, **kw), shapes=[shape], grad2=True)


def test_avg_pool_int_and_noncontiguous():
    x = np.random.default_rng(0).integers(-9, 9, size=(2, 2, 5, 5))
    check(lambda lib, t: lib.nn.functional.avg_pool2d(t, 2, 1), inputs=[x])
    check(lambda lib, t: lib.nn.functional.avg_pool2d(t, 3, 2, 1), inputs=[_noncontig((2, 3, 6, 5))],
          grad2=True)


@pytest.mark.parametrize("shape,out", [
    ((2, 3, 7, 6), (3, 4)), ((2, 3, 7, 6), 1), ((3, 5, 8), (5, None)), ((1, 2, 4, 4), (8, 3)),
    ((2, 3, 6, 5), (6, 5)), ((0, 2, 4, 4), 2)])
def test_adaptive_pool2d(shape, out):
    check(lambda lib, x: lib.nn.functional.adaptive_avg_pool2d(x, out), shapes=[shape],
          grad2=True)
    check(lambda lib, x: lib.nn.functional.adaptive_max_pool2d(x, out, return_indices=True),
          shapes=[shape], grad2=True)


@pytest.mark.parametrize("shape,out", [((2, 3, 7), 3), ((3, 10), 4), ((2, 2, 3), 5)])
def test_adaptive_pool1d(shape, out):
    check(lambda lib, x: lib.nn.functional.adaptive_avg_pool1d(x, out), shapes=[shape],
          dtype="float64", grad2=True)
    check(lambda lib, x: lib.nn.functional.adaptive_max_pool1d(x, out, return_indices=True),
          shapes=[shape], grad2=True)


@pytest.mark.parametrize("shape,out", [((1, 2, 5, 6, 7), (2, 3, 4)), ((2, 4, 4, 4), (None, 2, 3)),
                                       ((1, 2, 3, 4, 2), 1)])
def test_adaptive_avg_pool3d(shape, out):
    check(lambda lib, x: lib.nn.functional.adaptive_avg_pool3d(x, out), shapes=[shape],
          grad2=True)


@pytest.mark.parametrize("nd,shape,kw", [
    (1, (2, 3, 9), {"norm_type": 2, "kernel_size": 3}),
    (1, (2, 3, 9), {"norm_type": 3, "kernel_size": 2, "stride": 1, "ceil_mode": True}),
    (2, (2, 3, 6, 7), {"norm_type": 2, "kernel_size": 2}),
    (2, (2, 3, 6, 7), {"norm_type": 1.5, "kernel_size": (2, 3), "stride": (1, 2), "ceil_mode": True})])
def test_lp_pool(nd, shape, kw):
    fn = f"lp_pool{nd}d"
    check(lambda lib, x: getattr(lib.nn.functional, fn)(x, **kw), shapes=[shape], low=0.1,
          high=2.0, grad2=True)


@pytest.mark.parametrize("nd,shape,kw,out", [
    (2, (2, 3, 6, 6), {"kernel_size": 2}, None),
    (2, (2, 3, 7, 7), {"kernel_size": 3, "stride": 2, "padding": 1}, None),
    (2, (2, 3, 7, 7), {"kernel_size": 2}, (2, 3, 7, 7)),
    (2, (3, 5, 5), {"kernel_size": 2}, (5, 5)),
    (1, (2, 3, 9), {"kernel_size": 3, "stride": 2}, None),
    (1, (2, 3, 8), {"kernel_size": 2}, [9])])
def test_max_unpool(nd, shape, kw, out):
    def fn(lib, x):
        f = lib.nn.functional
        y, i = getattr(f, f"max_pool{nd}d")(x, return_indices=True, **kw)
        return getattr(f, f"max_unpool{nd}d")(y, i, output_size=out, **kw)
    check(fn, shapes=[shape], grad2=True)


@pytest.mark.parametrize("mode", ["max", "avg"])
def test_pool2d_spec_cells(mode):
    """The spec's hand-written pool2d (loop over windows, in-place writes) and F.max_pool2d /
    F.avg_pool2d, each against torch running the same cell."""
    def pool2d(lib, X, pool_size):
        p_h, p_w = pool_size
        Y = lib.zeros((X.shape[0] - p_h + 1, X.shape[1] - p_w + 1))
        for i in range(Y.shape[0]):
            for j in range(Y.shape[1]):
                win = X[i: i + p_h, j: j + p_w]
                Y[i, j] = win.max() if mode == "max" else win.mean()
        return Y

    def cell(lib, X):
        f = getattr(lib.nn.functional, f"{mode}_pool2d")
        return pool2d(lib, X, (2, 2)), f(X.reshape(1, 1, 3, 3), 2, 1).reshape(2, 2)
    (loop, pooled), _ = check(cell, inputs=[np.arange(9.0, dtype=np.float32).reshape(3, 3)])
    assert np.array_equal(loop.detach().numpy(), pooled.detach().numpy())


ERRORS = [
    lambda lib, x: lib.nn.functional.max_pool2d(x, 2, padding=2),
    lambda lib, x: lib.nn.functional.avg_pool2d(x, 2, padding=2),
    lambda lib, x: lib.nn.functional.max_pool2d(x, 5),
    lambda lib, x: lib.nn.functional.avg_pool2d(x, 5),
    lambda lib, x: lib.nn.functional.max_pool2d(x, 2, stride=0),
    lambda lib, x: lib.nn.functional.max_pool2d(x, 0),
    lambda lib, x: lib.nn.functional.max_pool2d(x[0, 0], 2),
    lambda lib, x: lib.nn.functional.avg_pool1d(x, 2),
    lambda lib, x: lib.nn.functional.max_pool3d(x[0], 2),
    lambda lib, x: lib.nn.functional.avg_pool2d(x, 2, divisor_override=0),
    lambda lib, x: lib.nn.functional.max_pool2d(x, (2, 2, 2)),
    lambda lib, x: lib.nn.functional.adaptive_avg_pool2d(x[0, 0], 2),
    lambda lib, x: lib.nn.functional.adaptive_max_pool2d(x, (1, 2, 3)),
    lambda lib, x: lib.nn.functional.adaptive_avg_pool2d(x[:, :, :0], 2),
    lambda lib, x: lib.nn.functional.max_unpool2d(x, x.long(), 2),
    lambda lib, x: lib.nn.functional.max_unpool2d(x, lib.zeros(1, 1, 2, 2).long(), 2),
    lambda lib, x: lib.nn.functional.max_unpool2d(x, (x * 0 + 99).long(), 2),
    lambda lib, x: lib.nn.functional.max_unpool2d(x, x.long(), 2, output_size=(9, 9)),
]


@pytest.mark.parametrize("fn", ERRORS)
def test_pool_errors(fn):
    check_raises(fn, shapes=[(1, 2, 4, 4)])


def test_int_dtype_errors():
    x = np.arange(16).reshape(1, 4, 4)
    check_raises(lambda lib, t: lib.nn.functional.max_pool1d(t, 2), inputs=[x])
    check_raises(lambda lib, t: lib.nn.functional.adaptive_avg_pool2d(t, 2), inputs=[x])
