"""torchvision.io's image functions on Pillow: files as uint8 byte tensors, images as (C, H, W)
uint8 tensors (int32 for 16-bit PNGs, where torchvision gives uint16: ember has no uint16).
Pillow is imported on first use.

torchvision decodes with libpng/libjpeg; ember with Pillow (libjpeg-turbo as well). Colour and
alpha modes and PNG values match; GRAY from a colour file uses Pillow's L conversion
(299/587/114 weights).
"""
from __future__ import annotations

import io as _io
import os
from enum import Enum

import numpy as np

import ember
from ember import Tensor

__all__ = ["ImageReadMode", "decode_gif", "decode_image", "decode_jpeg", "decode_png",
           "decode_webp", "encode_jpeg", "encode_png", "read_file", "read_image", "write_file",
           "write_jpeg", "write_png"]


class ImageReadMode(Enum):
    """How to read an image: as stored, or converted to gray, gray+alpha, RGB or RGB+alpha."""

    UNCHANGED = 0
    GRAY = 1
    GRAY_ALPHA = 2
    RGB = 3
    RGB_ALPHA = 4
    RGBA = RGB_ALPHA


_PIL_MODES = {ImageReadMode.GRAY: "L", ImageReadMode.GRAY_ALPHA: "LA", ImageReadMode.RGB: "RGB",
              ImageReadMode.RGB_ALPHA: "RGBA"}


def _mode(mode) -> ImageReadMode:
    return ImageReadMode[mode.upper()] if isinstance(mode, str) else mode


def read_file(path: str) -> Tensor:
    """The bytes of a file as a 1-D uint8 tensor."""
    with open(os.fspath(path), "rb") as f:
        data = f.read()
    return ember.from_numpy(np.frombuffer(data, dtype=np.uint8).copy())


def write_file(filename: str, data: Tensor) -> None:
    """Write a 1-D uint8 tensor's bytes to a file."""
    with open(os.fspath(filename), "wb") as f:
        f.write(np.ascontiguousarray(data.numpy()).tobytes())


def _open(data: Tensor):
    from PIL import Image

    if data.dtype != ember.uint8 or data.ndim != 1:
        raise RuntimeError("Expected a non empty 1-dimensional tensor")
    if data.numel() == 0:
        raise RuntimeError("Expected a non empty 1-dimensional tensor")
    return Image.open(_io.BytesIO(data.numpy().tobytes()))


def _to_tensor(img, mode: ImageReadMode, apply_exif_orientation: bool) -> Tensor:
    """A decoded PIL image -> (C, H, W) tensor in `mode`."""
    from PIL import ImageOps

    if apply_exif_orientation:
        img = ImageOps.exif_transpose(img)
    if mode == ImageReadMode.UNCHANGED:
        if img.mode in ("P", "PA"):
            img = img.convert("RGBA" if "transparency" in img.info or img.mode == "PA" else "RGB")
        elif img.mode in ("1", "CMYK", "YCbCr", "LAB", "HSV"):
            img = img.convert("L" if img.mode == "1" else "RGB")
        elif img.mode == "I":
            img = img.convert("I;16")
    else:
        img = img.convert(_PIL_MODES[mode])
    if img.mode.startswith("I;16"):  # torchvision gives uint16; ember has no uint16 dtype
        array = np.asarray(img, dtype=np.uint16).astype(np.int32)
    else:
        array = np.asarray(img)
    if array.ndim == 2:
        array = array[:, :, None]
    return ember.from_numpy(np.ascontiguousarray(array.transpose(2, 0, 1)))


def decode_image(input: Tensor | str, mode: ImageReadMode = ImageReadMode.UNCHANGED,
                 apply_exif_orientation: bool = False) -> Tensor:
    """Decode a PNG, JPEG, GIF or WEBP (bytes tensor or path) into a (C, H, W) tensor."""
    if not isinstance(input, Tensor):
        input = read_file(str(input))
    return _to_tensor(_open(input), _mode(mode), apply_exif_orientation)


def read_image(path: str, mode: ImageReadMode = ImageReadMode.UNCHANGED,
               apply_exif_orientation: bool = False) -> Tensor:
    """Read a PNG, JPEG, GIF or WEBP file into a (C, H, W) uint8 tensor."""
    return decode_image(read_file(path), mode, apply_exif_orientation=apply_exif_orientation)


def _decode_format(input: Tensor, fmt: str, mode, apply_exif_orientation: bool = False) -> Tensor:
    img = _open(input)
    if img.format != fmt:
        raise RuntimeError(f"Content is not {fmt.lower()}" if fmt != "JPEG" else
                           "Not a JPEG file: starts with "
                           f"0x{int(input[0]):02x} 0x{int(input[1]):02x}")
    return _to_tensor(img, _mode(mode), apply_exif_orientation)


def decode_png(input: Tensor, mode: ImageReadMode = ImageReadMode.UNCHANGED,
               apply_exif_orientation: bool = False) -> Tensor:
    """Decode PNG bytes into a (C, H, W) uint8 tensor (int32 for 16-bit PNGs)."""
    return _decode_format(input, "PNG", mode, apply_exif_orientation)


def decode_jpeg(input: Tensor | list[Tensor], mode: ImageReadMode = ImageReadMode.UNCHANGED,
                device: str = "cpu", apply_exif_orientation: bool = False) -> Tensor | list[Tensor]:
    """Decode JPEG bytes (or a list of them) into (C, H, W) uint8 tensors."""
    if isinstance(input, list):
        if len(input) == 0:
            raise ValueError("Input list must contain at least one element")
        if not all(isinstance(t, Tensor) for t in input):
            raise ValueError("All elements of the input list must be tensors.")
        return [decode_jpeg(t, mode, device, apply_exif_orientation) for t in input]
    out = _decode_format(input, "JPEG", mode, apply_exif_orientation)
    return out.to(device) if str(device) != "cpu" else out


def decode_gif(input: Tensor) -> Tensor:
    """Decode a GIF: (C, H, W) for one frame, (N, C, H, W) for an animation (RGB)."""
    from PIL import ImageSequence

    frames = [_to_tensor(f.convert("RGB"), ImageReadMode.UNCHANGED, False)
              for f in ImageSequence.Iterator(_open(input))]
    return frames[0] if len(frames) == 1 else ember.stack(frames)


def decode_webp(input: Tensor, mode: ImageReadMode = ImageReadMode.UNCHANGED) -> Tensor:
    """Decode WEBP bytes into a (C, H, W) uint8 tensor."""
    return _decode_format(input, "WEBP", mode)


def _pil_from_chw(input: Tensor):
    from PIL import Image

    if input.dtype != ember.uint8:
        raise RuntimeError("Input tensor dtype should be uint8")
    if input.ndim != 3:
        raise RuntimeError(f"Input data should be a 3-dimensional tensor, but got {input.ndim} "
                           "dimensions")
    channels = input.shape[0]
    if channels not in (1, 3):
        raise RuntimeError(f"The number of channels should be 1 or 3, got: {channels}")
    array = np.ascontiguousarray(input.numpy().transpose(1, 2, 0))
    return Image.fromarray(array[:, :, 0] if channels == 1 else array)


def _encode(img, fmt: str, **options) -> Tensor:
    buffer = _io.BytesIO()
    img.save(buffer, format=fmt, **options)
    return ember.from_numpy(np.frombuffer(buffer.getvalue(), dtype=np.uint8).copy())


def encode_png(input: Tensor, compression_level: int = 6) -> Tensor:
    """A (C, H, W) uint8 image (C = 1 or 3) -> PNG bytes as a 1-D uint8 tensor."""
    if compression_level < 0 or compression_level > 9:
        raise RuntimeError("Compression level should be between 0 and 9")
    return _encode(_pil_from_chw(input), "PNG", compress_level=compression_level)


def write_png(input: Tensor, filename: str, compression_level: int = 6) -> None:
    """Encode a (C, H, W) uint8 image as PNG and write it."""
    write_file(filename, encode_png(input, compression_level))


def encode_jpeg(input: Tensor | list[Tensor], quality: int = 75) -> Tensor | list[Tensor]:
    """(C, H, W) uint8 image(s) -> JPEG bytes as 1-D uint8 tensor(s)."""
    if quality < 1 or quality > 100:
        raise ValueError("Image quality should be a positive number between 1 and 100")
    if isinstance(input, list):
        if not input:
            raise ValueError("encode_jpeg requires at least one input tensor when a list is "
                             "passed")
        return [encode_jpeg(image, quality) for image in input]
    return _encode(_pil_from_chw(input), "JPEG", quality=quality)


def write_jpeg(input: Tensor, filename: str, quality: int = 75) -> None:
    """Encode a (C, H, W) uint8 image as JPEG and write it."""
    write_file(filename, encode_jpeg(input, quality))
