"""Matching test images for torchvision and ember.vision: PIL images, uint8 and float tensors."""
from __future__ import annotations

import numpy as np
import torch
from PIL import Image

import ember
from ember.vision.transforms import functional as EF
from tests.oracle import assert_same, to_ember
from tests.third_party import import_torchvision

tv = import_torchvision()
TF = tv.transforms.functional


def array(shape=(3, 13, 17), seed=0) -> np.ndarray:
    """Smooth-ish uint8 CHW data (a gradient plus noise), so resizes and blurs are not all noise."""
    rng = np.random.default_rng(seed)
    h, w = shape[-2:]
    grad = np.add.outer(np.linspace(0, 160, h), np.linspace(0, 80, w))
    data = grad + rng.integers(0, 96, size=shape)
    return data.clip(0, 255).astype(np.uint8)


def tensors(kind: str, shape=(3, 13, 17), seed=0):
    """(torch, ember) tensors of `kind` 'uint8' or 'float32'."""
    t = torch.from_numpy(array(shape, seed))
    if kind == "float32":
        t = t.float() / 255
    return t, to_ember(t)


def pil(mode: str = "RGB", size=(17, 13), seed=0) -> Image.Image:
    """A PIL image of `mode` ('RGB' or 'L') and (width, height) `size`."""
    c = 3 if mode == "RGB" else 1
    data = array((c, size[1], size[0]), seed).transpose(1, 2, 0)
    return Image.fromarray(data[..., 0] if c == 1 else data)


def same_pil(e_img, t_img) -> None:
    assert isinstance(e_img, Image.Image) and isinstance(t_img, Image.Image)
    assert e_img.mode == t_img.mode and e_img.size == t_img.size
    np.testing.assert_array_equal(np.asarray(e_img), np.asarray(t_img))


def same(e_out, t_out, atol: float | None = None, max_uint8_diff: int = 0) -> None:
    """Equal results: PIL images pixel for pixel; uint8 tensors within max_uint8_diff; floats to
    rounding (rtol = atol when given)."""
    if isinstance(t_out, Image.Image):
        same_pil(e_out, t_out)
    elif isinstance(t_out, (tuple, list)):
        assert len(e_out) == len(t_out)
        for e, t in zip(e_out, t_out):
            same(e, t, atol, max_uint8_diff)
    elif isinstance(t_out, torch.Tensor) and t_out.dtype == torch.uint8:
        assert isinstance(e_out, ember.Tensor) and e_out.dtype == ember.uint8
        assert tuple(e_out.shape) == tuple(t_out.shape)
        diff = np.abs(e_out.numpy().astype(int) - t_out.numpy().astype(int))
        assert diff.max(initial=0) <= max_uint8_diff, f"uint8 values differ by {diff.max()}"
    else:
        assert_same(e_out, t_out, atol=atol, rtol=atol)


__all__ = ["EF", "TF", "array", "pil", "same", "same_pil", "tensors", "tv"]
