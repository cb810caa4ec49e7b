"""A minimal PNG encoder (8-bit grey, RGB or RGBA) on the standard library's zlib, so that image
summaries need no Pillow."""
from __future__ import annotations

import struct
import zlib

import numpy as np

_COLOUR_TYPE = {1: 0, 3: 2, 4: 6}  # channels -> PNG colour type (grey, RGB, RGBA)


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def encode_png(image: np.ndarray) -> bytes:
    """PNG bytes of a uint8 HWC array with 1, 3 or 4 channels."""
    h, w, c = image.shape
    if image.dtype != np.uint8 or c not in _COLOUR_TYPE:
        raise ValueError(f"encode_png expects uint8 HxWx1/3/4 data, got {image.dtype} with {c} "
                         "channels")
    rows = np.ascontiguousarray(image).reshape(h, w * c)
    raw = np.concatenate([np.zeros((h, 1), np.uint8), rows], axis=1)  # filter type 0 per row
    header = struct.pack(">IIBBBBB", w, h, 8, _COLOUR_TYPE[c], 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(raw.tobytes(), 6)) + _chunk(b"IEND", b""))
