"""torchvision.transforms.v2.functional for plain image tensors and PIL images: v2's names over
the v1 kernels (v2 computes uint8 bilinear resizes natively, so those may differ by one)."""
from __future__ import annotations

import numpy as np

import ember
from ember import Tensor

from .. import functional as _v1
from .._functional_pil import _is_pil_image
from .._functional_tensor import _max_value
from ..functional import InterpolationMode

__all__ = ["center_crop", "crop", "get_dimensions", "get_size", "horizontal_flip", "normalize",
           "pad", "pil_to_tensor", "resize", "resized_crop", "to_dtype", "to_image",
           "to_pil_image", "vertical_flip"]

pil_to_tensor = _v1.pil_to_tensor
to_pil_image = _v1.to_pil_image
get_dimensions = _v1.get_dimensions
normalize = _v1.normalize
crop = _v1.crop
pad = _v1.pad
horizontal_flip = _v1.hflip
vertical_flip = _v1.vflip


def _mode(interpolation) -> InterpolationMode:
    if isinstance(interpolation, str):
        return InterpolationMode(interpolation)
    if isinstance(interpolation, int):
        return _v1._interpolation_modes_from_int(interpolation)
    return interpolation


def get_size(inpt) -> list[int]:
    """[height, width]."""
    return get_dimensions(inpt)[1:]


def to_image(inpt) -> Tensor:
    """PIL image, HWC ndarray or tensor -> a (C, H, W) tensor (no rescaling)."""
    if isinstance(inpt, np.ndarray):
        array = inpt[:, :, None] if inpt.ndim == 2 else inpt
        return ember.from_numpy(np.ascontiguousarray(array.transpose(2, 0, 1)))
    if _is_pil_image(inpt):
        return pil_to_tensor(inpt)
    if isinstance(inpt, Tensor):
        return inpt
    raise TypeError(f"Input can either be a pure Tensor, a numpy array, or a PIL image, but got "
                    f"{type(inpt)} instead.")


def to_dtype(inpt: Tensor, dtype=ember.float, scale: bool = False) -> Tensor:
    """Cast; with scale, rescale between the integer range and [0, 1] (v2's formulas)."""
    if inpt.dtype == dtype:
        return inpt
    if not scale:
        return inpt.to(dtype)
    if inpt.is_floating_point():
        if dtype.is_floating_point:
            return inpt.to(dtype)
        if (inpt.dtype == ember.float32 and dtype in (ember.int32, ember.int64)) or (
                inpt.dtype == ember.float64 and dtype == ember.int64):
            raise RuntimeError(f"The conversion from {inpt.dtype} to {dtype} cannot be performed "
                               "safely.")
        return inpt.mul(float(_max_value(dtype)) + 1.0 - 1e-3).to(dtype)
    if dtype.is_floating_point:
        return inpt.to(dtype).mul_(1.0 / _max_value(inpt.dtype))
    return _v1.convert_image_dtype(inpt, dtype)


def resize(inpt, size, interpolation=InterpolationMode.BILINEAR, max_size: int | None = None,
           antialias: bool | None = True):
    return _v1.resize(inpt, size, _mode(interpolation), max_size, antialias)


def center_crop(inpt, output_size):
    return _v1.center_crop(inpt, output_size)


def resized_crop(inpt, top: int, left: int, height: int, width: int, size,
                 interpolation=InterpolationMode.BILINEAR, antialias: bool | None = True):
    return _v1.resized_crop(inpt, top, left, height, width, size, _mode(interpolation),
                            antialias=antialias)
