"""The planned conv kernels (ember.ops._conv_plan): Winograd F(2x2,3x3) / F(4x4,3x3) forward,
input and weight gradients, and the per-image 1x1 weight gradient, against torch. Shapes are the
smallest that the plan sends to each kernel (asserted, so a changed rule cannot silently skip it)."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
from ember.ops import _conv_plan as plan
from ember.ops import conv as conv_ops
from tests.oracle import check

# documented bound (ember/ops/_conv_winograd.py): |error| <= BOUND[m] * conv(|x|, |w|)
BOUND = {2: 1e-6, 4: 1e-5}

# (input shape, out channels, padding, tile m the plan must choose)
CASES = [((6, 16, 13, 30), 16, 1, 2), ((6, 16, 32, 30), 24, 1, 4), ((5, 16, 20, 21), 16, 0, 2),
         ((10, 20, 24, 26), 16, (2, 0), 4)]


def _geom(xs, o, padding):
    p = (padding, padding) if isinstance(padding, int) else padding
    out = tuple(n + 2 * q - 2 for n, q in zip(xs[2:], p))
    return conv_ops._Geom((1, 1), (1, 1), p, xs[2:], out, (3, 3), 1), out


@pytest.mark.parametrize("xs,o,padding,m", CASES)
def test_winograd_is_planned(xs, o, padding, m):
    g, out = _geom(xs, o, padding)
    x = np.zeros(xs, np.float32)
    assert plan.forward_tile(x, np.zeros((o, xs[1], 3, 3), np.float32), g) == m
    assert plan.weight_tile(x, np.zeros((xs[0], o) + out, np.float32), g) == m
    assert plan.forward_tile(x.astype(np.float64), np.zeros((o, xs[1], 3, 3)), g) == 0


@pytest.mark.parametrize("xs,o,padding,m", CASES)
def test_winograd_error_bound(xs, o, padding, m):
    """Forward, input and weight gradients within the documented bound of float64 exact values,
    where torch's float32 results lie too."""
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, xs).astype(np.float32)
    w = rng.uniform(-1, 1, (o, xs[1], 3, 3)).astype(np.float32)
    ex = ember.tensor(x, requires_grad=True)
    ew = ember.tensor(w, requires_grad=True)
    y = ember.nn.functional.conv2d(ex, ew, padding=padding)
    gy = rng.uniform(-1, 1, y.shape).astype(np.float32)
    y.backward(ember.tensor(gy))
    t = [torch.from_numpy(a).double() for a in (x, w, gy)]
    tx, tw, tgy = [a.clone().requires_grad_(True) for a in t[:2]] + [t[2]]
    ref = torch.nn.functional.conv2d(tx, tw, padding=padding)
    ref.backward(tgy)
    ab = [a.abs() for a in t]
    grad = torch.nn.grad
    scales = [torch.nn.functional.conv2d(ab[0], ab[1], padding=padding),
              grad.conv2d_input(ab[0].shape, ab[1], ab[2], padding=padding),
              grad.conv2d_weight(ab[0], ab[1].shape, ab[2], padding=padding)]
    for e, r, s in zip([y, ex.grad, ew.grad], [ref, tx.grad, tw.grad], scales):
        err = np.abs(e.detach().numpy().astype(np.float64) - r.detach().numpy())
        assert (err <= BOUND[m] * s.numpy()).all(), (err / s.numpy()).max()


@pytest.mark.parametrize("xs,o,padding,m", CASES[:2])
def test_winograd_against_torch(xs, o, padding, m):
    """The oracle grid: values, gradients and second derivatives against torch's float32 (F(4x4)
    at the tolerance its bound implies for these magnitudes)."""
    tol = {} if m == 2 else {"rtol": 1e-4, "atol": 1e-3}

    def fn(lib, x, w, b):
        return lib.nn.functional.conv2d(x, w, b, padding=padding)
    check(fn, shapes=[xs, (o, xs[1], 3, 3), (o,)], low=-1.0, high=1.0, grad2=m == 2, **tol)


@pytest.mark.parametrize("padding", [0, 1, 2])
def test_winograd_conv_transpose_stride1(padding):
    """conv_transpose2d with stride 1 runs the Winograd kernel on the flipped kernel."""
    def fn(lib, x, w, b):
        return lib.nn.functional.conv_transpose2d(x, w, b, padding=padding)
    check(fn, shapes=[(4, 16, 13, 15), (16, 16, 3, 3), (16,)], low=-1.0, high=1.0)


def test_winograd_chunks(monkeypatch):
    """Batch chunks of the transformed tiles (one image per chunk)."""
    from ember.ops import _conv_winograd

    monkeypatch.setattr(_conv_winograd, "_CHUNK_BYTES", 1)
    check(lambda lib, x, w: lib.nn.functional.conv2d(x, w, padding=1),
          shapes=[(6, 16, 13, 30), (16, 16, 3, 3)], low=-1.0, high=1.0)


@pytest.mark.parametrize("c,o", [(8, 12), (12, 8)])
def test_pointwise_weight_grad_per_image(c, o):
    g = conv_ops._Geom((1, 1), (1, 1), (0, 0), (14, 15), (14, 15), (1, 1), 1)
    assert plan.pointwise_weight_per_image(np.zeros((3, c, 14, 15), np.float32),
                                           np.zeros((3, o, 14, 15), np.float32), g)
    check(lambda lib, x, w: lib.nn.functional.conv2d(x, w), shapes=[(3, c, 14, 15), (o, c, 1, 1)],
          grad2=True)
    check(lambda lib, x, w: lib.nn.functional.conv2d(x, w), shapes=[(3, c, 14, 15), (o, c, 1, 1)],
          dtype="float64")


# ---- depthwise (groups == in == out channels): channels-last strided-view kernels ---------------

DEPTHWISE = [{"padding": 1}, {"stride": 2, "padding": 1}, {"stride": (2, 1), "dilation": 2},
             {"padding": (2, 0), "stride": 3}, {"padding": 3, "dilation": (1, 2)}]


@pytest.mark.parametrize("kw", DEPTHWISE)
def test_depthwise_conv(kw):
    g = conv_ops._Geom((1, 1), (1, 1), (1, 1), (9, 10), (9, 10), (3, 3), 6)
    assert plan.depthwise(np.zeros(1, np.float32), np.zeros(1, np.float32), g, 6, 6)

    def fn(lib, x, w, b):
        return lib.nn.functional.conv2d(x, w, b, groups=6, **kw)
    check(fn, shapes=[(2, 6, 9, 10), (6, 1, 3, 3), (6,)], grad2=True)


@pytest.mark.parametrize("kw", DEPTHWISE[:4])
def test_depthwise_conv_transpose(kw):
    def fn(lib, x, w):
        return lib.nn.functional.conv_transpose2d(x, w, groups=5, **kw)
    check(fn, shapes=[(2, 5, 6, 7), (5, 1, 3, 3)], grad2=True)


def test_depthwise_mobilenet_size():
    """A MobileNet-sized layer: the long weight-gradient sums stay within float32 tolerance."""
    check(lambda lib, x, w: lib.nn.functional.conv2d(x, w, padding=1, groups=32),
          shapes=[(8, 32, 28, 28), (32, 1, 3, 3)], low=-1.0, high=1.0)
