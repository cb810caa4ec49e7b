"""transforms' classes against torchvision's: seeded pipelines give the same images, reprs match."""
from __future__ import annotations

import random

import pytest
import torch

import ember
from ember.vision import transforms as ET
from tests.vision.transforms._images import pil, same, tensors, tv

TT = tv.transforms

# (constructor text, inputs: "pil", "tensor" or both, uint8 off-by-one allowed)
RANDOM = [
    ("RandomHorizontalFlip()", "both", 0),
    ("RandomVerticalFlip(p=0.7)", "both", 0),
    ("RandomCrop(9)", "both", 0),
    ("RandomCrop((20, 24), padding=2, pad_if_needed=True, padding_mode='reflect')", "both", 0),
    ("RandomCrop([8, 10], padding=[1, 2], fill=5)", "both", 0),
    ("RandomResizedCrop(12)", "both", 1),
    (("RandomResizedCrop((9, 14), scale=(0.5, 0.9), ratio=(0.5, 2.0), "
     "interpolation=T.InterpolationMode.BICUBIC)"), "both", 1),
    ("RandomRotation(40)", "both", 0),
    ("RandomRotation((-90, 60), interpolation=T.InterpolationMode.BILINEAR, expand=True, fill=7)",
     "both", 1),
    ("RandomAffine(25, translate=(0.2, 0.1), scale=(0.7, 1.3), shear=(-10, 10, -5, 5))", "both", 0),
    ("RandomAffine(0, shear=12, interpolation=T.InterpolationMode.BILINEAR, fill=[1, 2, 3])",
     "both", 1),
    ("RandomPerspective(distortion_scale=0.6, p=0.9)", "both", 1),
    ("ColorJitter(0.4, 0.4, 0.4, 0.2)", "both", 1),
    ("ColorJitter(brightness=(0.5, 1.5), hue=0.1)", "both", 1),
    ("RandomGrayscale(p=0.6)", "both", 1),
    ("GaussianBlur(5, sigma=(0.5, 2.0))", "both", 1),
    ("RandomErasing(p=0.9)", "tensor", 0),
    ("RandomErasing(p=0.9, value='random', scale=(0.1, 0.4))", "float", 0),
    ("RandomErasing(p=0.9, value=(1, 2, 3))", "tensor", 0),
    ("RandomInvert()", "both", 0),
    ("RandomPosterize(3, p=0.6)", "uint8", 0),
    ("RandomSolarize(100, p=0.6)", "uint8", 0),
    ("RandomAdjustSharpness(2.5)", "both", 1),
    ("RandomAutocontrast()", "both", 1),
    ("RandomEqualize()", "uint8", 0),
    ("RandomApply([T.ColorJitter(0.5), T.RandomCrop(8)], p=0.5)", "both", 1),
    ("ElasticTransform(alpha=20.0, sigma=3.0)", "float", 0),
]
SOURCES = {"pil": ("pil",), "tensor": ("uint8", "float32", "batched"), "float": ("float32",),
           "uint8": ("uint8",), "both": ("pil", "uint8", "float32", "batched")}


def build(text: str, lib):
    return eval("T." + text, {"T": lib})


def inputs(source: str):
    if source == "pil":
        img = pil("RGB")
        return img, img
    if source == "batched":
        return tensors("float32", (2, 3, 13, 17))
    return tensors(source)


CASES = [(text, src, tol) for text, where, tol in RANDOM for src in SOURCES[where]]


@pytest.mark.parametrize("text,source,tol", CASES, ids=[f"{c[0][:40]}-{c[1]}" for c in CASES])
def test_seeded_random_transform(text, source, tol):
    t_img, e_img = inputs(source)
    t_tf, e_tf = build(text, TT), build(text, ET)
    for seed in range(3):
        torch.manual_seed(seed)
        ember.manual_seed(seed)
        t_out, e_out = t_tf(t_img), e_tf(e_img)
        same(e_out, t_out, atol=1e-5, max_uint8_diff=tol)
        # the same number of draws: the generators stay in step
        assert ember.rand(1).item() == torch.rand(1).item()


@pytest.mark.parametrize("text", [c[0] for c in RANDOM])
def test_repr(text):
    assert repr(build(text, ET)) == repr(build(text, TT))


DETERMINISTIC = [("Compose([T.Resize(15), T.CenterCrop(12), T.ToTensor(), "
                 "T.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])])"),
                 "Compose([T.Pad(3, padding_mode='symmetric'), T.Grayscale(3), T.PILToTensor()])",
                 "Compose([T.Resize((10, 11), max_size=None), T.FiveCrop(5)])",
                 "Compose([T.TenCrop([6, 4]), T.Lambda(lambda crops: crops[3])])",
                 ("Compose([T.PILToTensor(), T.ConvertImageDtype(torch.float64 if T is TT else "
                 "ember.float64), T.Resize([7], interpolation=T.InterpolationMode.NEAREST)])"),
                 "Compose([T.ToTensor(), T.ToPILImage(), T.Resize(8, 3)])"]


@pytest.mark.parametrize("text", DETERMINISTIC)
def test_pipeline(text):
    t_tf = eval("T." + text, {"T": TT, "torch": torch, "ember": ember, "TT": TT})
    e_tf = eval("T." + text, {"T": ET, "torch": torch, "ember": ember, "TT": TT})
    same(e_tf(pil("RGB")), t_tf(pil("RGB")), atol=1e-6)
    assert repr(e_tf).split("\n")[1:-1] == repr(t_tf).split("\n")[1:-1] or "Lambda" in text


def test_random_order_and_choice_use_python_random():
    t_img, e_img = tensors("uint8")
    for cls, extra in (("RandomOrder", ""), ("RandomChoice", ", p=[0.2, 0.3, 0.5]")):
        text = f"{cls}([T.RandomCrop(10), T.RandomHorizontalFlip(), T.ColorJitter(0.3)]{extra})"
        t_tf, e_tf = build(text, TT), build(text, ET)
        assert repr(e_tf) == repr(t_tf)
        for seed in range(3):
            random.seed(seed)
            torch.manual_seed(seed)
            t_out = t_tf(t_img)
            random.seed(seed)
            ember.manual_seed(seed)
            same(e_tf(e_img), t_out, max_uint8_diff=1)


def test_linear_transformation():
    t, e = tensors("float32", (1, 2, 3))
    m = torch.rand(6, 6)
    mean = torch.rand(6)
    from tests.oracle import to_ember

    t_tf = TT.LinearTransformation(m, mean)
    e_tf = ET.LinearTransformation(to_ember(m), to_ember(mean))
    same(e_tf(e), t_tf(t), atol=1e-6)
    assert repr(e_tf) == repr(t_tf)


@pytest.mark.parametrize("text", ["Resize([1, 2, 3])", "RandomCrop([1, 2, 3])",
                                  "RandomErasing(value='zero')", "RandomErasing(p=2)",
                                  "ColorJitter(hue=0.7)", "ColorJitter(brightness=-1)",
                                  "RandomRotation(-3)", "RandomAffine(3, translate=(2, 0))",
                                  "GaussianBlur(4)", "Pad([1, 2, 3])", "Lambda(3)"])
def test_constructor_errors(text):
    with pytest.raises(Exception) as t_error:
        build(text, TT)
    with pytest.raises(type(t_error.value)) as e_error:
        build(text, ET)
    assert str(e_error.value) == str(t_error.value)
