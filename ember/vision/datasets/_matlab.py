"""A reader for MATLAB level-5 .mat files (numeric arrays only): what SVHN's files hold, without
scipy. Each variable is a tagged miMATRIX element, possibly zlib-compressed (miCOMPRESSED)."""
from __future__ import annotations

import zlib

import numpy as np

_MI_TYPES = {1: "i1", 2: "u1", 3: "i2", 4: "u2", 5: "i4", 6: "u4", 7: "f4", 9: "f8", 12: "i8",
             13: "u8"}
_MI_MATRIX, _MI_COMPRESSED = 14, 15
# array class (low byte of the array flags) -> dtype of the variable
_CLASS_TYPES = {6: "f8", 7: "f4", 8: "i1", 9: "u1", 10: "i2", 11: "u2", 12: "i4", 13: "u4",
                14: "i8", 15: "u8"}


def _elements(data: bytes, endian: str):
    """(type, payload) of each data element in `data`, small (4-byte) elements included."""
    pos = 0
    while pos + 8 <= len(data):
        first = int(np.frombuffer(data, endian + "u4", 1, pos)[0])
        if first >> 16:  # small element: type and size packed in one word, data in the next
            kind, size = first & 0xFFFF, first >> 16
            yield kind, data[pos + 4:pos + 4 + size]
            pos += 8
            continue
        size = int(np.frombuffer(data, endian + "u4", 1, pos + 4)[0])
        yield first, data[pos + 8:pos + 8 + size]
        pos += 8 + size + (-size % 8 if first != _MI_COMPRESSED else 0)


def _matrix(payload: bytes, endian: str) -> tuple[str, np.ndarray]:
    parts = list(_elements(payload, endian))
    flags = np.frombuffer(parts[0][1], endian + "u4")
    array_class = int(flags[0]) & 0xFF
    if array_class not in _CLASS_TYPES:
        raise NotImplementedError(f"MATLAB array class {array_class} is not supported")
    dims = tuple(int(d) for d in np.frombuffer(parts[1][1], endian + "i4"))
    name = parts[2][1].decode("latin1")
    kind, raw = parts[3]
    values = np.frombuffer(raw, endian + _MI_TYPES[kind])
    array = values.astype(_CLASS_TYPES[array_class]).reshape(dims, order="F")
    return name, array


def loadmat(path: str) -> dict[str, np.ndarray]:
    """The numeric variables of a level-5 .mat file, by name (MATLAB's column-major shapes)."""
    with open(path, "rb") as f:
        data = f.read()
    endian = "<" if data[126:128] == b"IM" else ">"
    out = {}
    for kind, payload in _elements(data[128:], endian):
        if kind == _MI_COMPRESSED:
            kind, payload = next(_elements(zlib.decompress(payload), endian))
        if kind == _MI_MATRIX:
            name, array = _matrix(payload, endian)
            out[name] = array
    return out
