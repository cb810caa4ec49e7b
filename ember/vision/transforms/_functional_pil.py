"""transforms.functional on PIL images: the same Pillow calls torchvision makes, so results match.

Pillow is imported on first use, never by `import ember.vision`.
"""
from __future__ import annotations

import numbers
import sys
from typing import Any

import numpy as np


def _pil():
    """PIL.Image, ImageEnhance, ImageOps (imported on first use)."""
    from PIL import Image, ImageEnhance, ImageOps

    return Image, ImageEnhance, ImageOps


def _is_pil_image(img: Any) -> bool:
    """True for a PIL image; an object can only be one once PIL.Image has been imported."""
    module = sys.modules.get("PIL.Image")
    return module is not None and isinstance(img, module.Image)


def _check(img: Any) -> None:
    if not _is_pil_image(img):
        raise TypeError(f"img should be PIL Image. Got {type(img)}")


def _fromarray(array: np.ndarray, mode: str):
    """A PIL image reading `array`'s bytes as `mode` (Image.fromarray's pre-11.3 meaning)."""
    height, width = array.shape[0], (1 if array.ndim == 1 else array.shape[1])
    data = np.ascontiguousarray(array).tobytes()
    return _pil()[0].frombuffer(mode, (width, height), data, "raw", mode, 0, 1)


def get_dimensions(img: Any) -> list[int]:
    if _is_pil_image(img):
        width, height = img.size
        return [len(img.getbands()), height, width]
    raise TypeError(f"Unexpected type {type(img)}")


def get_image_size(img: Any) -> list[int]:
    if _is_pil_image(img):
        return list(img.size)
    raise TypeError(f"Unexpected type {type(img)}")


def get_image_num_channels(img: Any) -> int:
    if _is_pil_image(img):
        return len(img.getbands())
    raise TypeError(f"Unexpected type {type(img)}")


def hflip(img):
    _check(img)
    return img.transpose(_pil()[0].FLIP_LEFT_RIGHT)


def vflip(img):
    _check(img)
    return img.transpose(_pil()[0].FLIP_TOP_BOTTOM)


def _enhance(img, name: str, factor: float):
    _check(img)
    return getattr(_pil()[1], name)(img).enhance(factor)


def adjust_brightness(img, brightness_factor: float):
    return _enhance(img, "Brightness", brightness_factor)


def adjust_contrast(img, contrast_factor: float):
    return _enhance(img, "Contrast", contrast_factor)


def adjust_saturation(img, saturation_factor: float):
    return _enhance(img, "Color", saturation_factor)


def adjust_sharpness(img, sharpness_factor: float):
    return _enhance(img, "Sharpness", sharpness_factor)


def adjust_hue(img, hue_factor: float):
    if not (-0.5 <= hue_factor <= 0.5):
        raise ValueError(f"hue_factor ({hue_factor}) is not in [-0.5, 0.5].")
    _check(img)
    mode = img.mode
    if mode in {"L", "1", "I", "F"}:
        return img
    h, s, v = img.convert("HSV").split()
    hue = np.array(h, dtype=np.uint8)
    hue += np.int32(hue_factor * 255).astype(np.uint8)  # wraps around, as intended
    return _pil()[0].merge("HSV", (_fromarray(hue, "L"), s, v)).convert(mode)


def adjust_gamma(img, gamma: float, gain: float = 1.0):
    _check(img)
    if gamma < 0:
        raise ValueError("Gamma should be a non-negative real number")
    mode = img.mode
    table = [int((255 + 1 - 1e-3) * gain * pow(v / 255.0, gamma)) for v in range(256)] * 3
    return img.convert("RGB").point(table).convert(mode)


def pad(img, padding, fill=0, padding_mode: str = "constant"):
    _check(img)
    if not isinstance(padding, (numbers.Number, tuple, list)):
        raise TypeError("Got inappropriate padding arg")
    if fill is not None and not isinstance(fill, (numbers.Number, tuple, list)):
        raise TypeError("Got inappropriate fill arg")
    if not isinstance(padding_mode, str):
        raise TypeError("Got inappropriate padding_mode arg")
    if isinstance(padding, list):
        padding = tuple(padding)
    if isinstance(padding, tuple) and len(padding) not in [1, 2, 4]:
        raise ValueError("Padding must be an int or a 1, 2, or 4 element tuple, not a "
                         f"{len(padding)} element tuple")
    if isinstance(padding, tuple) and len(padding) == 1:
        padding = padding[0]
    if padding_mode not in ["constant", "edge", "reflect", "symmetric"]:
        raise ValueError("Padding mode should be either constant, edge, reflect or symmetric")
    Image, _, ImageOps = _pil()
    if padding_mode == "constant":
        opts = _parse_fill(fill, img, name="fill")
        out = ImageOps.expand(img, border=padding, **opts)
        if img.mode == "P":
            out.putpalette(img.getpalette())
        return out
    if isinstance(padding, int):
        p = [padding] * 4
    elif len(padding) == 2:
        p = [padding[0], padding[1], padding[0], padding[1]]
    else:
        p = list(padding)
    crop_left, crop_top, crop_right, crop_bottom = -np.minimum(p, 0)
    if crop_left or crop_top or crop_right or crop_bottom:
        img = img.crop((crop_left, crop_top, img.width - crop_right, img.height - crop_bottom))
    left, top, right, bottom = np.maximum(p, 0)
    palette = img.getpalette() if img.mode == "P" else None
    array = np.asarray(img)
    widths = ((top, bottom), (left, right)) + (((0, 0),) if array.ndim == 3 else ())
    out = Image.fromarray(np.pad(array, widths, mode=padding_mode))
    if palette is not None:
        out.putpalette(palette)
    return out


def crop(img, top: int, left: int, height: int, width: int):
    _check(img)
    return img.crop((left, top, left + width, top + height))


def resize(img, size: list[int], interpolation: int = 2):
    _check(img)
    if not (isinstance(size, list) and len(size) == 2):
        raise TypeError(f"Got inappropriate size arg: {size}")
    return img.resize(tuple(size[::-1]), interpolation)


def _parse_fill(fill, img, name: str = "fillcolor") -> dict:
    """Pillow's fill argument for `img`: one value per channel, ints unless mode F."""
    channels = get_image_num_channels(img)
    if fill is None:
        fill = 0
    if isinstance(fill, (int, float)) and channels > 1:
        fill = tuple([fill] * channels)
    if isinstance(fill, (list, tuple)):
        if len(fill) == 1:
            fill = fill * channels
        elif len(fill) != channels:
            raise ValueError("The number of elements in 'fill' does not match the number of "
                             f"channels of the image ({len(fill)} != {channels})")
        fill = tuple(fill)
    if img.mode != "F":
        fill = tuple(int(x) for x in fill) if isinstance(fill, tuple) else int(fill)
    return {name: fill}


def affine(img, matrix: list[float], interpolation: int = 0, fill=None):
    _check(img)
    return img.transform(img.size, _pil()[0].AFFINE, matrix, interpolation,
                         **_parse_fill(fill, img))


def rotate(img, angle: float, interpolation: int = 0, expand: bool = False, center=None,
           fill=None):
    _check(img)
    return img.rotate(angle, interpolation, expand, center, **_parse_fill(fill, img))


def perspective(img, perspective_coeffs: list[float], interpolation: int = 3, fill=None):
    _check(img)
    return img.transform(img.size, _pil()[0].PERSPECTIVE, perspective_coeffs, interpolation,
                         **_parse_fill(fill, img))


def to_grayscale(img, num_output_channels: int):
    _check(img)
    if num_output_channels == 1:
        return img.convert("L")
    if num_output_channels == 3:
        gray = np.array(img.convert("L"), dtype=np.uint8)
        return _fromarray(np.dstack([gray, gray, gray]), "RGB")
    raise ValueError("num_output_channels should be either 1 or 3")


def _imageops(img, name: str, *args):
    _check(img)
    return getattr(_pil()[2], name)(img, *args)


def invert(img):
    return _imageops(img, "invert")


def posterize(img, bits: int):
    return _imageops(img, "posterize", bits)


def solarize(img, threshold: int):
    return _imageops(img, "solarize", threshold)


def autocontrast(img):
    return _imageops(img, "autocontrast")


def equalize(img):
    return _imageops(img, "equalize")
