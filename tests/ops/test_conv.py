"""F.conv1d/2d/3d and F.conv_transpose1d/2d/3d against torch: a grid over stride, padding
(ints, tuples, 'same', 'valid'), dilation, groups (depthwise included) and bias; forward, input,
weight and bias gradients, second derivatives; unbatched, empty, non-contiguous and integer
inputs; torch's errors."""
from __future__ import annotations

import numpy as np
import pytest

import ember
from tests.oracle import check, check_raises

pytestmark = pytest.mark.filterwarnings("ignore:Using padding='same'")


def _arr(shape, seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, shape).astype(np.float32)


def _f(lib, nd, transposed=False):
    name = f"conv_transpose{nd}d" if transposed else f"conv{nd}d"
    return getattr(lib.nn.functional, name)


# ---- conv: (nd, input shape, weight shape, bias, kwargs) -----------------------------------------

CONV_CASES = [
    (1, (2, 3, 9), (4, 3, 3), True, {}),
    (1, (2, 4, 10), (6, 2, 3), False, {"stride": 2, "padding": 1, "groups": 2}),
    (1, (2, 3, 11), (4, 3, 2), True, {"padding": "same", "dilation": 3}),
    (1, (1, 3, 8), (3, 1, 3), True, {"groups": 3, "padding": "valid", "stride": (3,)}),
    (1, (3, 9), (4, 3, 3), True, {"padding": 2}),  # unbatched
    (2, (2, 3, 7, 6), (4, 3, 3, 3), True, {}),
    (2, (2, 3, 8, 8), (5, 3, 3, 3), True, {"padding": 1}),
    (2, (2, 3, 8, 8), (4, 3, 5, 3), False, {"padding": (2, 1)}),
    (2, (1, 3, 8, 8), (4, 3, 3, 5), True, {"padding": (0, 1), "stride": (3, 4)}),
    (2, (2, 4, 9, 7), (6, 2, 3, 2), True, {"stride": (2, 1), "padding": (1, 2),
                                           "dilation": (1, 2), "groups": 2}),
    (2, (2, 4, 7, 7), (4, 1, 3, 3), True, {"groups": 4, "padding": 1}),  # depthwise
    (2, (2, 4, 7, 7), (8, 1, 3, 3), False, {"groups": 4, "stride": 2}),  # depthwise multiplier
    (2, (2, 3, 6, 7), (4, 3, 4, 2), True, {"padding": "same"}),  # even kernel: asymmetric pad
    (2, (2, 3, 6, 7), (4, 3, 3, 3), True, {"padding": "same", "dilation": (2, 1)}),
    (2, (2, 3, 6, 7), (4, 3, 3, 3), True, {"padding": "valid", "stride": 2}),
    (2, (2, 6, 5, 5), (4, 6, 1, 1), True, {}),  # pointwise fast path
    (2, (2, 6, 5, 5), (4, 3, 1, 1), True, {"groups": 2}),
    (2, (2, 6, 5, 5), (4, 6, 1, 1), True, {"stride": 2}),
    (2, (2, 6, 5, 5), (4, 6, 1, 1), True, {"padding": 1}),
    (2, (3, 7, 6), (4, 3, 3, 3), True, {"stride": 2, "padding": 1}),  # unbatched
    (2, (2, 3, 4, 4), (2, 3, 4, 4), True, {}),  # kernel covers the input
    (3, (2, 2, 5, 4, 6), (3, 2, 2, 3, 2), True, {}),
    (3, (1, 4, 5, 5, 5), (4, 2, 3, 3, 3), True, {"stride": (1, 2, 2), "padding": 1, "groups": 2}),
    (3, (1, 2, 6, 5, 4), (3, 2, 3, 2, 3), False, {"padding": "same", "dilation": 2}),
    (3, (2, 5, 4, 5), (3, 2, 3, 3, 3), True, {"padding": (1, 0, 1)}),  # unbatched
]


def _conv_fn(nd, bias, kwargs):
    def fn(lib, x, w, *b):
        return _f(lib, nd)(x, w, b[0] if b else None, **kwargs)
    return fn


@pytest.mark.parametrize("nd,xs,ws,bias,kwargs", CONV_CASES)
def test_conv_forward_backward(nd, xs, ws, bias, kwargs):
    shapes = [xs, ws] + ([(ws[0],)] if bias else [])
    check(_conv_fn(nd, bias, kwargs), shapes=shapes, grad2=nd < 3)


@pytest.mark.parametrize("nd,xs,ws,bias,kwargs", CONV_CASES[:12:3])
def test_conv_float64(nd, xs, ws, bias, kwargs):
    shapes = [xs, ws] + ([(ws[0],)] if bias else [])
    check(_conv_fn(nd, bias, kwargs), shapes=shapes, dtype="float64", grad2=True)


def test_conv2d_gradient_penalty():
    """A WGAN-GP style penalty: grad of ||d(sum y^2)/dx||^2 through conv2d's double backward."""
    def fn(lib, x, w, b):
        y = lib.nn.functional.conv2d(x, w, b, stride=2, padding=1)
        (g,) = lib.autograd.grad(y.pow(2).sum(), x, create_graph=True)
        return g.pow(2).sum()
    check(fn, shapes=[(2, 3, 6, 6), (4, 3, 3, 3), (4,)], dtype="float64")


def test_conv_noncontiguous_inputs():
    x = _arr((2, 3, 8, 7)).transpose(0, 1, 3, 2)  # (2, 3, 7, 8), strided
    w = _arr((4, 3, 3, 3), 1)[:, :, ::-1]
    check(lambda lib, x, w: lib.nn.functional.conv2d(x, w, padding=1), inputs=[x, w])
    check(lambda lib, x, w: lib.nn.functional.conv2d(x[:, :, :, ::2], w.transpose(2, 3)),
          inputs=[_arr((2, 3, 7, 8)), _arr((4, 3, 3, 3), 1)], grad2=True)
    check(lambda lib, x, w: lib.nn.functional.conv2d(x.transpose(1, 0), w, groups=2),
          inputs=[_arr((4, 2, 5, 5)), _arr((6, 2, 1, 1), 1)])


def test_conv_empty_batch_and_channels():
    check(lambda lib, x, w: lib.nn.functional.conv2d(x, w, padding=1),
          shapes=[(0, 3, 5, 5), (4, 3, 3, 3)])
    check(lambda lib, x, w, b: lib.nn.functional.conv2d(x, w, b),
          shapes=[(2, 0, 5, 5), (4, 0, 3, 3), (4,)])
    check(lambda lib, x, w: lib.nn.functional.conv_transpose2d(x, w, stride=2),
          shapes=[(0, 3, 4, 4), (3, 2, 3, 3)])


@pytest.mark.parametrize("dtype", ["int64", "int32"])
def test_conv_integer(dtype):
    check(lambda lib, x, w: lib.nn.functional.conv2d(x, w, padding=1, stride=2),
          shapes=[(2, 3, 5, 5), (4, 3, 3, 3)], dtype=dtype)
    check(lambda lib, x, w: lib.nn.functional.conv1d(x, w), shapes=[(2, 3, 5), (4, 3, 1)],
          dtype=dtype)


def test_conv_grad_fn_and_edges():
    x = ember.randn(2, 3, 5, 5, requires_grad=True)
    w = ember.randn(4, 3, 3, 3, requires_grad=True)
    y = ember.nn.functional.conv2d(x, w)
    assert type(y.grad_fn).__name__ == "ConvolutionBackward0"
    fns = y.grad_fn.next_functions
    assert [type(f).__name__ for f, _ in fns[:2]] == ["AccumulateGrad", "AccumulateGrad"]
    assert fns[2] == (None, 0)
    z = ember.nn.functional.conv_transpose2d(x, ember.randn(3, 2, 3, 3))
    assert type(z.grad_fn).__name__ == "ConvolutionBackward0"
    assert not ember.nn.functional.conv2d(x.detach(), w.detach()).requires_grad


def test_conv_keeps_float32():
    x = ember.randn(2, 3, 6, 6, requires_grad=True)
    w = ember.randn(4, 3, 3, 3, requires_grad=True)
    y = ember.nn.functional.conv2d(x, w, padding=1)
    y.sum().backward()
    assert y.dtype == x.grad.dtype == w.grad.dtype == ember.float32


# ---- conv_transpose: (nd, input shape, weight shape, bias, kwargs) -------------------------------

TRANSPOSE_CASES = [
    (1, (2, 3, 6), (3, 4, 3), True, {}),
    (1, (2, 4, 5), (4, 3, 3), False, {"stride": 2, "padding": 1, "output_padding": 1,
                                      "groups": 2}),
    (1, (3, 7), (3, 2, 4), True, {"dilation": 2, "stride": 3}),  # unbatched
    (2, (2, 3, 4, 5), (3, 4, 3, 3), True, {}),
    (2, (2, 3, 4, 4), (3, 2, 3, 3), True, {"stride": 2, "padding": 1, "output_padding": 1}),
    (2, (2, 4, 3, 4), (4, 3, 3, 2), True, {"stride": (2, 3), "padding": (1, 0),
                                           "output_padding": (1, 2), "groups": 2,
                                           "dilation": (1, 2)}),
    (2, (2, 4, 5, 5), (4, 1, 3, 3), False, {"groups": 4, "stride": 2}),  # depthwise
    (2, (2, 4, 5, 5), (4, 3, 1, 1), True, {}),  # pointwise
    (2, (2, 4, 5, 5), (4, 3, 1, 1), True, {"stride": 2, "output_padding": 1}),
    (2, (2, 4, 5, 5), (4, 2, 3, 3), True, {"dilation": 3, "output_padding": 2, "padding": 1}),
    (2, (2, 3, 5, 5), (3, 2, 3, 3), True, {"padding": 3}),  # output cropped hard
    (2, (3, 4, 5), (3, 2, 2, 2), True, {"stride": 2}),  # unbatched
    (3, (1, 2, 3, 4, 3), (2, 3, 2, 3, 2), True, {"stride": (2, 1, 2), "padding": (0, 1, 0),
                                                 "output_padding": (1, 0, 0)}),
    (3, (2, 4, 3, 3, 3), (4, 1, 3, 3, 3), True, {"groups": 2, "dilation": 2}),
]


def _transpose_fn(nd, bias, kwargs):
    def fn(lib, x, w, *b):
        return _f(lib, nd, True)(x, w, b[0] if b else None, **kwargs)
    return fn


@pytest.mark.parametrize("nd,xs,ws,bias,kwargs", TRANSPOSE_CASES)
def test_conv_transpose_forward_backward(nd, xs, ws, bias, kwargs):
    groups = kwargs.get("groups", 1)
    shapes = [xs, ws] + ([(ws[1] * groups,)] if bias else [])
    check(_transpose_fn(nd, bias, kwargs), shapes=shapes, grad2=nd < 3)


def test_conv_transpose_noncontiguous():
    check(lambda lib, x, w: lib.nn.functional.conv_transpose2d(x.transpose(2, 3), w, stride=2),
          inputs=[_arr((2, 3, 4, 5)), _arr((3, 2, 3, 3), 1)], grad2=True)


def test_conv_transpose_matches_conv_input_grad():
    """conv_transpose2d is the adjoint of conv2d: <conv(x, w), g> == <x, conv_t(g, w)>, both
    sides as torch computes them."""
    def sides(lib, x, w, g):
        F = lib.nn.functional
        return ((F.conv2d(x, w, stride=2, padding=1) * g).sum(),
                (x * F.conv_transpose2d(g, w, stride=2, padding=1)).sum())
    (lhs, rhs), _ = check(sides, inputs=[_arr(s, i) for i, s in
                                         enumerate([(2, 3, 9, 9), (4, 3, 3, 3), (2, 4, 5, 5)])])
    assert abs(lhs.item() - rhs.item()) < 1e-4 * max(1.0, abs(lhs.item()))


# ---- errors --------------------------------------------------------------------------------------

ERROR_CASES = [
    ("conv2d", [(5, 5), (6, 4, 3, 3)], {},
     r"Expected 3D \(unbatched\) or 4D \(batched\) input to conv2d, but got input of size: \[5, 5\]"),
    ("conv1d", [(4, 5, 5, 5), (4, 5, 3)], {}, "Expected 2D"),
    ("conv3d", [(2, 2, 3), (2, 2, 1, 1, 1)], {}, "Expected 4D"),
    ("conv2d", [(2, 3, 5, 5), (6, 4, 3, 3)], {},
     r"expected input\[2, 3, 5, 5\] to have 4 channels, but got 3 channels instead"),
    ("conv2d", [(2, 4, 5, 5), (6, 4, 3, 3)], {"groups": 3}, "to have 12 channels"),
    ("conv2d", [(2, 6, 5, 5), (4, 2, 3, 3)], {"groups": 3}, "divisible by 3"),
    ("conv2d", [(2, 4, 5, 5), (6, 4, 3, 3)], {"padding": "same", "stride": 2},
     "padding='same' is not supported for strided convolutions"),
    ("conv2d", [(2, 4, 5, 5), (6, 4, 3, 3)], {"padding": "foo"}, "Invalid padding string"),
    ("conv2d", [(2, 4, 5, 5), (6, 4, 7, 7)], {}, "Kernel size can't be greater"),
    ("conv2d", [(2, 4, 5, 5), (6, 4, 3, 3)], {"stride": 0}, "non-positive stride"),
    ("conv2d", [(2, 4, 5, 5), (6, 4, 3, 3)], {"padding": -1}, "negative padding"),
    ("conv2d", [(2, 4, 5, 5), (6, 4, 3, 3)], {"dilation": 0}, "non-positive dilation"),
    ("conv2d", [(2, 4, 5, 5), (6, 4, 3, 3)], {"groups": 0}, "non-positive groups"),
    ("conv2d", [(2, 4, 5, 5), (6, 4, 3, 3)], {"stride": (1, 1, 1)},
     "expected stride to be a single integer value"),
    ("conv2d", [(2, 4, 5, 5), (6, 4, 3, 3)], {"padding": (1, 2, 3)}, "expected padding"),
    ("conv2d", [(2, 4, 5, 5), (0, 4, 3, 3)], {}, "at least 1"),
    ("conv1d", [(1, 4, 5), (4, 4)], {}, "weight"),
    ("conv_transpose2d", [(2, 4, 5, 5), (4, 3, 3, 3)], {"output_padding": 2},
     "output padding must be smaller than either stride or dilation"),
    ("conv_transpose1d", [(1, 4, 5), (4, 3, 3)], {"output_padding": 2, "stride": 2},
     "output padding must be smaller"),
    ("conv_transpose2d", [(2, 4, 5, 5), (3, 3, 3, 3)], {}, "Given transposed=1"),
    ("conv_transpose2d", [(2, 4, 5, 5), (4, 3, 3, 3)], {"groups": 3}, "divisible by 3"),
    ("conv_transpose2d", [(4, 5), (4, 3, 3, 3)], {}, "Expected 3D"),
    ("conv_transpose2d", [(1, 4, 2, 2), (4, 3, 3, 3)], {"padding": 4}, "Output size is too small"),
]


@pytest.mark.parametrize("name,shapes,kwargs,match", ERROR_CASES)
def test_conv_errors(name, shapes, kwargs, match):
    check_raises(lambda lib, x, w: getattr(lib.nn.functional, name)(x, w, **kwargs),
                 shapes=shapes, match=match)


def test_conv_dtype_errors():
    check_raises(lambda lib, x, w: lib.nn.functional.conv2d(x, w), shapes=[(1, 2, 4, 4),
                 (2, 2, 3, 3)], dtypes=["float64", "float32"], match="expected scalar type")
    check_raises(lambda lib, x, w, b: lib.nn.functional.conv2d(x, w, b),
                 shapes=[(1, 2, 4, 4), (2, 2, 3, 3), (2,)], dtypes=["float32", "float32",
                                                                   "float64"],
                 match="Input type \\(float\\) and bias type \\(double\\) should be the same")
    check_raises(lambda lib, x, w, b: lib.nn.functional.conv2d(x, w, b),
                 shapes=[(1, 2, 4, 4), (2, 2, 3, 3), (5,)], match="expected bias")
    check_raises(lambda lib, x, w: lib.nn.functional.conv2d(x, w), shapes=[(1, 2, 4, 4),
                 (2, 2, 3, 3)], dtype="bool")


@pytest.mark.parametrize("case", [CONV_CASES[9], CONV_CASES[12], CONV_CASES[22]])
def test_conv_threaded_copies(monkeypatch, case):
    """The channel-split threaded im2col/col2im/pad path (normally only for large inputs)."""
    from ember.ops import conv as conv_ops

    monkeypatch.setattr(conv_ops, "_PARALLEL_BYTES", 0)
    monkeypatch.setattr(conv_ops, "_THREADS", 3)
    nd, xs, ws, bias, kwargs = case
    shapes = [xs, ws] + ([(ws[0],)] if bias else [])
    check(_conv_fn(nd, bias, kwargs), shapes=shapes, grad2=nd < 3)
    groups = 2
    check(_transpose_fn(2, True, {"stride": 2, "padding": 1, "groups": groups}),
          shapes=[(2, 4, 5, 5), (4, 3, 3, 3), (3 * groups,)])


@pytest.mark.parametrize("budget", [1, 20000])
def test_conv_batch_chunks(monkeypatch, budget):
    """The im2col buffer split over batch chunks (one image, or a few, per GEMM)."""
    from ember.ops import conv as conv_ops

    monkeypatch.setattr(conv_ops, "_COLS_BUDGET", budget)
    monkeypatch.setattr(conv_ops, "_MIN_COLUMNS", 1)
    check(_conv_fn(2, True, {"padding": 1, "stride": (1, 2), "groups": 2}),
          shapes=[(5, 4, 9, 9), (6, 2, 3, 3), (6,)], grad2=True)
    check(_transpose_fn(2, True, {"stride": 2, "output_padding": 1}),
          shapes=[(5, 4, 4, 4), (4, 3, 3, 3), (3,)], grad2=True)


@pytest.mark.parametrize("kw", [{"padding": 1}, {"stride": 2, "dilation": (1, 2), "padding": 3},
                                {"stride": (2, 1)}])
def test_conv2d_wide_channels_last_kernels(kw):
    """32+ channels with groups=1 take the channels-last gradient kernels."""
    check(lambda lib, x, w: lib.nn.functional.conv2d(x, w, **kw),
          shapes=[(2, 32, 7, 6), (32, 32, 3, 3)], dtype="float64", grad2=True)


def test_conv1d_conv3d_wide_channels():
    check(lambda lib, x, w: lib.nn.functional.conv1d(x, w, padding=2),
          shapes=[(2, 32, 9), (32, 32, 3)], dtype="float64", grad2=True)
    check(lambda lib, x, w: lib.nn.functional.conv3d(x, w, padding=1, stride=2),
          shapes=[(1, 32, 4, 5, 4), (32, 32, 3, 3, 3)], dtype="float64")


@pytest.mark.parametrize("kw", [{"padding": 1}, {"stride": 2, "padding": 1}])
def test_conv2d_channels_last_chunks(monkeypatch, kw):
    """The channels-last gradient kernels over several batch chunks."""
    from ember.ops import _conv_kernels
    from ember.ops import conv as conv_ops

    monkeypatch.setattr(_conv_kernels, "_COLS_BUDGET", 1)
    monkeypatch.setattr(conv_ops, "_MIN_COLUMNS", 1)
    check(lambda lib, x, w: lib.nn.functional.conv2d(x, w, **kw),
          shapes=[(3, 32, 5, 6), (32, 32, 3, 3)], dtype="float64")
