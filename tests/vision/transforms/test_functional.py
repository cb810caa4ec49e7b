"""transforms.functional against torchvision's: tensors (uint8, float, batched) and PIL images."""
from __future__ import annotations

import re

import numpy as np
import pytest
import torch

import ember
from tests.vision.transforms._images import EF, TF, pil, same, tensors

SHAPES = [(3, 13, 17), (2, 3, 11, 8)]

# name -> (args after the image, uint8 off-by-one allowed): only resizes, where a float32 sum
# that lands on .5 may round the other way; every other uint8 result is exact
TENSOR_OPS = {
    "hflip": ((), 0), "vflip": ((), 0),
    "crop": ((2, 3, 7, 9), 0), "crop ": ((-2, -3, 20, 25), 0),
    "center_crop": (([6, 9],), 0), "center_crop ": (([20, 21],), 0),
    "pad": (([1, 2, 3, 4],), 0), "pad ": (([2], 3, "edge"), 0), "pad  ": (([2, 1], 0, "reflect"), 0),
    "pad   ": (([3, 1, -1, 2], 0, "symmetric"), 0),
    "resize": (([7, 9],), 1), "resize ": (([20],), 1), "resize  ": (([9, 30], 3), 1),
    "resize   ": (([9, 10], 0), 0), "resize    ": (([9, 10], 2, None, False), 1),
    "resized_crop": ((1, 2, 8, 9, [12, 5]), 1),
    "rgb_to_grayscale": ((), 0), "rgb_to_grayscale ": ((3,), 0),
    "adjust_brightness": ((1.3,), 0), "adjust_contrast": ((0.6,), 0),
    "adjust_saturation": ((1.7,), 0), "adjust_hue": ((0.2,), 0), "adjust_hue ": ((-0.45,), 0),
    "adjust_gamma": ((0.7, 1.1), 0), "adjust_sharpness": ((1.8,), 0),
    "invert": ((), 0), "solarize": ((0.5,), 0), "autocontrast": ((), 0),
    "gaussian_blur": (([3, 5], [0.8, 1.4]), 0), "gaussian_blur ": ((5,), 0),
    "rotate": ((30.0,), 0), "rotate ": ((-47.0, 2, True), 0), "rotate  ": ((90, 0, False, [4, 3], [9.0]), 0),
    "affine": ((12.0, [2, -1], 1.2, [5.0, -3.0]), 0),
    "affine ": ((-20.0, [0, 3], 0.8, 10.0, 2, [1.0, 2.0, 3.0]), 0),
    "perspective": (([[0, 0], [16, 0], [16, 12], [0, 12]], [[2, 1], [15, 0], [14, 11], [1, 12]]), 0),
    "perspective ": (([[0, 0], [16, 0], [16, 12], [0, 12]], [[2, 1], [15, 0], [14, 11], [1, 12]],
                      0, [5.0]), 0),
    "five_crop": (([5, 6],), 0), "ten_crop": (([5, 6], True), 0),
}
INTERPOLATION_ARG = {"resize": 1, "rotate": 1, "affine": 4, "perspective": 2}
UINT8_ONLY = {"posterize": ((3,), 0), "equalize": ((), 0)}


def _args(name: str, args: tuple, lib):
    """Integer interpolation arguments become each library's InterpolationMode."""
    args = list(args)
    at = INTERPOLATION_ARG.get(name)
    if at is not None and len(args) > at and isinstance(args[at], int):
        args[at] = lib._interpolation_modes_from_int(args[at])
    return args


def _run(name, args, kind, shape, tol):
    op = name.strip()
    t, e = tensors(kind, shape)
    if kind == "uint8" and op == "solarize":
        args = (128,)
    t_out = getattr(TF, op)(t, *_args(op, args, TF))
    e_out = getattr(EF, op)(e, *_args(op, args, EF))
    same(e_out, t_out, atol=1e-5 if kind == "float32" else None, max_uint8_diff=tol)


# single images in both dtypes; a batch in float32 (the uint8 batch takes the same code path)
KIND_SHAPES = [("uint8", SHAPES[0]), ("float32", SHAPES[0]), ("float32", SHAPES[1])]


@pytest.mark.parametrize("kind,shape", KIND_SHAPES, ids=str)
@pytest.mark.parametrize("name", list(TENSOR_OPS))
def test_tensor_op(name, kind, shape):
    args, tol = TENSOR_OPS[name]
    _run(name, args, kind, shape, tol)


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("name", list(UINT8_ONLY))
def test_uint8_op(name, shape):
    args, tol = UINT8_ONLY[name]
    _run(name, args, "uint8", shape, tol)


PIL_OPS = dict(TENSOR_OPS)
for _name in ("rgb_to_grayscale ", "gaussian_blur ", "resize    "):
    PIL_OPS.pop(_name)
PIL_OPS.update(UINT8_ONLY)
PIL_OPS.update({"solarize": ((100,), 0), "to_grayscale": ((3,), 0), "adjust_gamma": ((1.3,), 0),
                "resize ": (([20], 5), 0), "resize  ": (([9, 30], 1), 0)})


COLOUR_ONLY = ("adjust_hue", "adjust_saturation", "rgb_to_grayscale")


@pytest.mark.parametrize("name,mode", [(n, m) for n in PIL_OPS for m in ("RGB", "L")
                                       if m == "RGB" or n.strip() not in COLOUR_ONLY])
def test_pil_op(name, mode):
    op = name.strip()
    args = PIL_OPS[name][0]
    try:
        t_out = getattr(TF, op)(pil(mode), *_args(op, args, TF))
    except ValueError as error:  # e.g. a 3-value fill on a 1-channel image
        with pytest.raises(ValueError, match=re.escape(str(error))):
            getattr(EF, op)(pil(mode), *_args(op, args, EF))
        return
    e_out = getattr(EF, op)(pil(mode), *_args(op, args, EF))
    same(e_out, t_out)


@pytest.mark.parametrize("mode", ["RGB", "L", "F", "I", "1"])
def test_to_tensor_and_back(mode):
    img = pil("RGB").convert(mode)
    same(EF.to_tensor(img), TF.to_tensor(img))
    same(EF.pil_to_tensor(img), TF.pil_to_tensor(img))
    if mode in ("RGB", "L"):
        same(EF.to_pil_image(EF.to_tensor(img)), TF.to_pil_image(TF.to_tensor(img)))
        same(EF.to_pil_image(EF.pil_to_tensor(img)), TF.to_pil_image(TF.pil_to_tensor(img)))


def test_to_tensor_ndarray_and_default_dtype():
    data = np.array(pil("RGB"))
    same(EF.to_tensor(data), TF.to_tensor(data))
    ember.set_default_dtype(ember.float64)
    torch.set_default_dtype(torch.float64)
    try:
        same(EF.to_tensor(pil("L")), TF.to_tensor(pil("L")))
    finally:
        torch.set_default_dtype(torch.float32)


@pytest.mark.parametrize("src,dst", [("uint8", "float32"), ("float32", "uint8"),
                                     ("uint8", "int32"), ("int32", "uint8"),
                                     ("float32", "float64"), ("int16", "int64")])
def test_convert_image_dtype(src, dst):
    t, e = tensors("uint8")
    t = t.to(getattr(torch, src)) if src != "float32" else t.float() / 255
    e = e.to(getattr(ember, src)) if src != "float32" else e.float() / 255
    same(EF.convert_image_dtype(e, getattr(ember, dst)), TF.convert_image_dtype(t, getattr(torch, dst)))


def test_normalize_inplace_and_batched():
    t, e = tensors("float32", (2, 3, 5, 4))
    mean, std = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
    same(EF.normalize(e, mean, std), TF.normalize(t, mean, std))
    out = EF.normalize(e, mean, std, inplace=True)
    assert out is e
    same(e, TF.normalize(t, mean, std, inplace=True))


def test_erase_and_elastic():
    t, e = tensors("float32")
    same(EF.erase(e, 1, 2, 4, 5, ember.tensor(0.5)), TF.erase(t, 1, 2, 4, 5, torch.tensor(0.5)))
    disp = torch.rand(1, 13, 17, 2) * 0.2 - 0.1
    same(EF.elastic_transform(e, to_e(disp)), TF.elastic_transform(t, disp), atol=2e-6)


def to_e(t):
    from tests.oracle import to_ember

    return to_ember(t)


@pytest.mark.parametrize("call", [
    lambda F, img: F.normalize(img, [0.5], [0.0]),
    lambda F, img: F.resize(img, [1, 2, 3]),
    lambda F, img: F.adjust_hue(img, 0.7),
    lambda F, img: F.pad(img, [1, 2, 3]),
    lambda F, img: F.posterize(img, 3),
    lambda F, img: F.gaussian_blur(img, 4),
    lambda F, img: F.five_crop(img, [40, 40]),
    lambda F, img: F.convert_image_dtype(img, torch.int32 if F is TF else ember.int32),
])
def test_errors(call):
    t, e = tensors("float32")
    with pytest.raises(Exception) as t_error:
        call(TF, t)
    with pytest.raises(type(t_error.value), match=None) as e_error:
        call(EF, e)
    assert str(e_error.value) == str(t_error.value)
