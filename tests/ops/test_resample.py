"""Resampling functionals against torch: interpolate (every mode, size/scale_factor,
align_corners, recompute_scale_factor), pixel_(un)shuffle, channel_shuffle, fold/unfold; forward,
input grads, second derivatives and PyTorch's argument errors."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
from tests.oracle import check, check_raises

INTERP = [
    ((2, 3, 5), {"scale_factor": 2}),
    ((2, 3, 5), {"size": 7}),
    ((2, 3, 5), {"scale_factor": 0.6, "mode": "nearest-exact"}),
    ((2, 3, 5), {"size": 8, "mode": "linear"}),
    ((2, 3, 5), {"scale_factor": 1.7, "mode": "linear", "align_corners": True}),
    ((2, 3, 5), {"scale_factor": 1.7, "mode": "linear", "recompute_scale_factor": True}),
    ((1, 2, 5, 4), {"scale_factor": 2}),
    ((1, 2, 5, 4), {"size": (7, 3)}),
    ((1, 2, 5, 4), {"scale_factor": (1.5, 0.7), "mode": "nearest"}),
    ((1, 2, 5, 4), {"scale_factor": 1.7, "mode": "nearest-exact"}),
    ((1, 2, 5, 4), {"size": (3, 9), "mode": "nearest-exact"}),
    ((2, 2, 5, 4), {"scale_factor": 2, "mode": "bilinear"}),
    ((2, 2, 5, 4), {"scale_factor": (1.5, 2.3), "mode": "bilinear"}),
    ((2, 2, 5, 4), {"size": (9, 2), "mode": "bilinear", "align_corners": True}),
    ((2, 2, 5, 4), {"size": (3, 3), "mode": "bilinear"}),
    ((2, 2, 5, 4), {"scale_factor": 1.3, "mode": "bilinear", "recompute_scale_factor": True}),
    ((2, 2, 5, 4), {"scale_factor": 2.5, "mode": "bicubic"}),
    ((2, 2, 5, 4), {"size": (3, 7), "mode": "bicubic", "align_corners": True}),
    ((2, 2, 5, 4), {"size": (1, 1), "mode": "bicubic", "align_corners": True}),
    ((2, 2, 5, 4), {"size": (3, 2), "mode": "area"}),
    ((2, 2, 5, 4), {"scale_factor": 0.5, "mode": "area"}),
    ((1, 2, 3, 4, 2), {"scale_factor": 2}),
    ((1, 2, 3, 4, 2), {"scale_factor": (1.5, 0.75, 2), "mode": "trilinear"}),
    ((1, 2, 3, 4, 2), {"size": (4, 2, 5), "mode": "trilinear", "align_corners": True}),
    ((1, 2, 3, 4, 2), {"size": (2, 3, 3), "mode": "nearest-exact"}),
    ((0, 2, 3, 3), {"scale_factor": 2, "mode": "bilinear"}),
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape,kw", INTERP)
def test_interpolate(shape, kw, dtype):
    check(lambda lib, x: lib.nn.functional.interpolate(x, **kw), shapes=[shape], dtype=dtype,
          grad2=True)


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_interpolate_noncontiguous_and_aliases():
    a = np.swapaxes(np.random.default_rng(0).normal(size=(2, 3, 4, 5)).astype(np.float32), -1, -2)
    check(lambda lib, x: lib.nn.functional.interpolate(x, scale_factor=2, mode="bilinear"),
          inputs=[a])
    check(lambda lib, x: lib.nn.functional.upsample_bilinear(x, scale_factor=2), inputs=[a])
    check(lambda lib, x: lib.nn.functional.upsample_nearest(x, size=(3, 7)), inputs=[a])
    check(lambda lib, x: lib.nn.functional.upsample(x, size=6, mode="bicubic"), inputs=[a])


INTERP_ERRORS = [
    lambda lib, x: lib.nn.functional.interpolate(x, size=3, scale_factor=2),
    lambda lib, x: lib.nn.functional.interpolate(x),
    lambda lib, x: lib.nn.functional.interpolate(x, size=(3, 3, 3)),
    lambda lib, x: lib.nn.functional.interpolate(x, scale_factor=(2, 2, 2)),
    lambda lib, x: lib.nn.functional.interpolate(x, size=3, align_corners=True),
    lambda lib, x: lib.nn.functional.interpolate(x, size=3, recompute_scale_factor=True),
    lambda lib, x: lib.nn.functional.interpolate(x, size=3, mode="linear"),
    lambda lib, x: lib.nn.functional.interpolate(x, size=3, mode="trilinear"),
    lambda lib, x: lib.nn.functional.interpolate(x[0], size=3, mode="bicubic"),
    lambda lib, x: lib.nn.functional.interpolate(x, size=3, mode="cubic"),
    lambda lib, x: lib.nn.functional.interpolate(x[0, 0], size=3),
    lambda lib, x: lib.nn.functional.interpolate(x, scale_factor=0.1),
]


@pytest.mark.parametrize("fn", INTERP_ERRORS)
def test_interpolate_errors(fn):
    check_raises(fn, shapes=[(1, 2, 4, 4)])


@pytest.mark.parametrize("shape,r", [((1, 8, 2, 3), 2), ((2, 3, 9, 2, 2), 3), ((4, 1, 1), 2),
                                     ((0, 4, 2, 2), 2)])
def test_pixel_shuffle(shape, r):
    grad = 0 not in shape  # torch's own backward rejects the empty-batch gradient
    check(lambda lib, x: lib.nn.functional.pixel_shuffle(x, r), shapes=[shape], grad=grad,
          grad2=grad)
    ushape = shape[:-3] + (shape[-3] // (r * r), shape[-2] * r, shape[-1] * r)
    check(lambda lib, x: lib.nn.functional.pixel_unshuffle(x, r), shapes=[ushape], grad=grad,
          grad2=grad)


@pytest.mark.parametrize("shape,g", [((2, 6, 3, 2), 3), ((2, 6, 4), 2), ((1, 4, 2, 2, 2), 4)])
def test_channel_shuffle(shape, g):
    check(lambda lib, x: lib.nn.functional.channel_shuffle(x, g), shapes=[shape], grad2=True)


SHUFFLE_ERRORS = [
    lambda lib, x: lib.nn.functional.pixel_shuffle(x, 2),
    lambda lib, x: lib.nn.functional.pixel_shuffle(x[0, 0], 1),
    lambda lib, x: lib.nn.functional.pixel_unshuffle(x, 3),
    lambda lib, x: lib.nn.functional.channel_shuffle(x, 2),
    lambda lib, x: lib.nn.functional.channel_shuffle(x, 0),
    lambda lib, x: lib.nn.functional.channel_shuffle(x[0, 0], 1),
]


@pytest.mark.parametrize("fn", SHUFFLE_ERRORS)
def test_shuffle_errors(fn):
    check_raises(fn, shapes=[(1, 3, 4, 4)])


UNFOLD = [
    ((2, 3, 5, 4), {"kernel_size": 2}),
    ((2, 3, 5, 4), {"kernel_size": (2, 3), "padding": 1, "stride": (2, 1)}),
    ((1, 2, 7, 6), {"kernel_size": 3, "dilation": 2, "padding": (2, 1), "stride": 2}),
    ((3, 4, 4), {"kernel_size": (1, 2), "stride": 2}),
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape,kw", UNFOLD)
def test_unfold_fold(shape, kw, dtype):
    check(lambda lib, x: lib.nn.functional.unfold(x, **kw), shapes=[shape], dtype=dtype,
          grad2=True)

    def roundtrip(lib, x):
        f = lib.nn.functional
        cols = f.unfold(x, **kw)
        return f.fold(cols * 1.5, shape[-2:], **kw)
    check(roundtrip, shapes=[shape], dtype=dtype, grad2=True)


def test_fold_direct_and_noncontiguous():
    check(lambda lib, x: lib.nn.functional.fold(x, (4, 5), 2), shapes=[(2, 12, 12)], grad2=True)
    check(lambda lib, x: lib.nn.functional.fold(x, (3, 3), (2, 2), padding=1, stride=2),
          shapes=[(8, 4)], grad2=True)
    a = np.swapaxes(np.random.default_rng(0).normal(size=(2, 3, 4, 5)), -1, -2)
    check(lambda lib, x: lib.nn.functional.unfold(x, 2), inputs=[a])


FOLD_ERRORS = [
    lambda lib, x: lib.nn.functional.unfold(x, 5),
    lambda lib, x: lib.nn.functional.unfold(x[0, 0], 2),
    lambda lib, x: lib.nn.functional.unfold(x, 2, stride=0),
    lambda lib, x: lib.nn.functional.unfold(x, 2, padding=-1),
    lambda lib, x: lib.nn.functional.fold(x[0], (4, 4), 3),
    lambda lib, x: lib.nn.functional.fold(x[0], (5, 5), 2),
    lambda lib, x: lib.nn.functional.fold(x, (4, 4), 2),
]


@pytest.mark.parametrize("fn", FOLD_ERRORS)
def test_fold_errors(fn):
    check_raises(fn, shapes=[(1, 4, 4, 4)])


@pytest.mark.parametrize("fn", [
    lambda lib, x: lib.nn.functional.max_pool2d(x, 2),
    lambda lib, x: lib.nn.functional.avg_pool2d(x, 2),
    lambda lib, x: lib.nn.functional.adaptive_avg_pool2d(x, 3),
    lambda lib, x: lib.nn.functional.adaptive_avg_pool2d(x, 2),
    lambda lib, x: lib.nn.functional.adaptive_avg_pool2d(x, 1),
    lambda lib, x: lib.nn.functional.adaptive_max_pool2d(x, 3),
    lambda lib, x: lib.nn.functional.max_pool3d(x[None], (1, 2, 2)),
    lambda lib, x: lib.nn.functional.avg_pool3d(x[None], (1, 2, 2)),
    lambda lib, x: lib.nn.functional.interpolate(x, scale_factor=2),
    lambda lib, x: lib.nn.functional.interpolate(x, scale_factor=2, mode="nearest-exact"),
    lambda lib, x: lib.nn.functional.interpolate(x, scale_factor=2, mode="bilinear"),
    lambda lib, x: lib.nn.functional.interpolate(x, scale_factor=2, mode="bicubic"),
    lambda lib, x: lib.nn.functional.unfold(x, 2),
    lambda lib, x: lib.nn.functional.fold(x.reshape(1, 4, 4), (3, 3), 2),
])
def test_grad_fn_names(fn):
    """The recorded node names match PyTorch's."""
    t = torch.zeros(1, 1, 4, 4, requires_grad=True)
    e = ember.zeros(1, 1, 4, 4, requires_grad=True)
    assert type(fn(ember, e).grad_fn).__name__ == type(fn(torch, t).grad_fn).__name__


# ---- affine_grid (nn/_functional_resample.py) --------------------------------------------------


@pytest.mark.parametrize("align_corners", [False, True])
@pytest.mark.parametrize("theta_shape,size", [((2, 2, 3), (2, 1, 3, 4)), ((1, 2, 3), (1, 3, 1, 5)),
                                              ((2, 3, 4), (2, 1, 2, 3, 4)),
                                              ((1, 3, 4), (1, 2, 1, 1, 3))], ids=str)
def test_affine_grid(theta_shape, size, align_corners):
    check(lambda lib, th: lib.nn.functional.affine_grid(th, size, align_corners=align_corners),
          shapes=[theta_shape], grad2=True)
    check(lambda lib, th: lib.nn.functional.affine_grid(th, size, align_corners=align_corners),
          shapes=[theta_shape], dtype="float64")


def test_affine_grid_warnings_and_errors():
    th = ember.zeros(1, 2, 3)
    with pytest.warns(UserWarning, match="align_corners=False since 1.3.0"):
        ember.nn.functional.affine_grid(th, (1, 1, 2, 2))
    with pytest.warns(UserWarning, match="unit-size grids"):
        ember.nn.functional.affine_grid(th, (1, 1, 1, 2), align_corners=True)
    f = lambda size: lambda lib, th: lib.nn.functional.affine_grid(th, size, align_corners=False)
    check_raises(f((1, 1, 2, 3, 4)), shapes=[(1, 2, 3)])  # a 3-D size needs Nx3x4
    check_raises(f((1, 1, 2, 3)), shapes=[(1, 3, 4)])
    check_raises(f((1, 2, 3)), shapes=[(1, 2, 3)])  # neither 4-D nor 5-D
    check_raises(f((1, 1, 0, 3)), shapes=[(1, 2, 3)])
    check_raises(f((1, 1, 2, 3)), shapes=[(1, 2, 3)], dtype="int64")


# ---- grid_sample (nn/_functional_resample.py) --------------------------------------------------


def _grid(shape, spread=1.3, seed=0):
    """Sampling points in [-spread, spread]: inside and outside the image, off the pixel grid."""
    return np.random.default_rng(seed).uniform(-spread, spread, shape).astype(np.float32)


@pytest.mark.parametrize("mode", ["bilinear", "nearest"])
@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
@pytest.mark.parametrize("align_corners", [False, True])
def test_grid_sample(mode, padding_mode, align_corners):
    x = np.random.default_rng(1).standard_normal((2, 3, 4, 5)).astype(np.float32)

    def f(lib, x, g):
        return lib.nn.functional.grid_sample(x, g, mode=mode, padding_mode=padding_mode,
                                             align_corners=align_corners)

    check(f, inputs=[x, _grid((2, 3, 6, 2))])
    check(f, inputs=[x[:1, :, :1], _grid((1, 2, 2, 2))])  # a one-pixel-high image
    check(f, inputs=[x.astype(np.float64), _grid((2, 2, 3, 2), seed=3).astype(np.float64)])


@pytest.mark.parametrize("mode", ["bilinear", "nearest"])
@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
def test_grid_sample_volumetric(mode, padding_mode):
    """5-D input through F.grid_sample: trilinear or nearest, values and both gradients."""
    x = np.random.default_rng(2).standard_normal((1, 2, 3, 4, 5)).astype(np.float32)
    check(lambda lib, x, g: lib.nn.functional.grid_sample(
        x, g, mode=mode, padding_mode=padding_mode, align_corners=False),
        inputs=[x, _grid((1, 2, 3, 2, 3), seed=4)])


def test_grid_sample_errors_and_warning():
    f = lambda **kw: lambda lib, x, g: lib.nn.functional.grid_sample(x, g, align_corners=False,
                                                                     **kw)
    check_raises(f(mode="area"), shapes=[(1, 1, 2, 2), (1, 2, 2, 2)])
    check_raises(f(padding_mode="wrap"), shapes=[(1, 1, 2, 2), (1, 2, 2, 2)])
    check_raises(f(), shapes=[(1, 1, 2, 2), (1, 2, 2, 3)])  # grid's last dim must be 2
    with pytest.warns(UserWarning, match="align_corners=False since 1.3.0"):
        ember.nn.functional.grid_sample(ember.ones(1, 1, 2, 2), ember.zeros(1, 1, 1, 2))
