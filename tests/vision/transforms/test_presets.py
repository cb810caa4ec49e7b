"""The Weights.transforms() presets against torchvision's."""
from __future__ import annotations

import pytest

import ember
from ember.vision.transforms import _presets as E
from tests.vision.transforms._images import pil, same, tensors, tv

T = tv.transforms._presets


@pytest.mark.parametrize("source", ["pil", "uint8", "batched"])
@pytest.mark.parametrize("kwargs", [{"crop_size": 12, "resize_size": 14},
                                    {"crop_size": 9, "resize_size": 11, "interpolation": "BICUBIC",
                                         "mean": (0.5, 0.5, 0.5), "std": (0.2, 0.3, 0.4)},
                                    {"crop_size": 10, "antialias": False, "resize_size": 12}])
def test_image_classification(kwargs, source):
    def make(lib, mode_lib):
        kw = dict(kwargs)
        if "interpolation" in kw:
            kw["interpolation"] = getattr(mode_lib.InterpolationMode, kw["interpolation"])
        return lib.ImageClassification(**kw)

    t_tf = make(T, tv.transforms)
    e_tf = make(E, ember.vision.transforms)
    if source == "pil":
        t_img = e_img = pil("RGB", size=(23, 19))
    else:
        t_img, e_img = tensors("uint8", (3, 19, 23) if source == "uint8" else (2, 3, 19, 23))
    # uint8 tensors are resized as floats and rounded: a .5 may round the other way (1/255)
    same(e_tf(e_img), t_tf(t_img), atol=1 / 255 / 0.2 + 1e-5)
    assert repr(e_tf) == repr(t_tf)
    assert e_tf.describe() == t_tf.describe()


def test_other_presets():
    t_img, e_img = tensors("uint8")
    same(E.ObjectDetection()(e_img), T.ObjectDetection()(t_img))
    same(E.OpticalFlow()(e_img, e_img), T.OpticalFlow()(t_img, t_img))
    seg = {"resize_size": 9}
    same(E.SemanticSegmentation(**seg)(e_img), T.SemanticSegmentation(**seg)(t_img), atol=0.03)
    t_vid, e_vid = tensors("uint8", (4, 3, 13, 17))
    vid = {"crop_size": (6, 8), "resize_size": (9, 12)}
    same(E.VideoClassification(**vid)(e_vid), T.VideoClassification(**vid)(t_vid), atol=0.03)
    for name, kw in (("ObjectDetection", {}), ("OpticalFlow", {}), ("SemanticSegmentation", seg),
                     ("VideoClassification", vid)):
        e_p, t_p = getattr(E, name)(**kw), getattr(T, name)(**kw)
        assert repr(e_p) == repr(t_p)
        assert e_p.describe() == t_p.describe()
