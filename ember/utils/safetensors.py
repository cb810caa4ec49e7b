"""The safetensors format for ember tensors, written with json + NumPy (no extra dependency).

A file is an 8-byte little-endian header length N, N bytes of JSON
`{"__metadata__": {str: str}, name: {"dtype": "F32", "shape": [..], "data_offsets": [b, e]}}`
(space-padded to a multiple of 8) and the raw little-endian bytes, with no holes. Layout and
bytes match the `safetensors` package (tensors ordered by alignment, then name), so files cross
over both ways. Unlike safetensors.torch, non-contiguous tensors are packed, not refused.
"""
from __future__ import annotations

import json
import os
import struct
import sys

import numpy as np

from .. import _dtype as _dt
from .._checkpoint_zip import save_to_path
from .._tensor import Tensor, _new_tensor

__all__ = ["SafetensorError", "load", "load_file", "load_model", "save", "save_file",
           "save_model"]

_CODES = {"float64": "F64", "float32": "F32", "float16": "F16", "bfloat16": "BF16",
          "int64": "I64", "int32": "I32", "int16": "I16", "int8": "I8", "uint8": "U8",
          "bool": "BOOL"}
_DTYPES = {code: name for name, code in _CODES.items()}
# The package's Dtype enum order: files list tensors by it (largest first), then by name.
_RANK = {"bool": 0, "uint8": 1, "int8": 2, "int16": 3, "float16": 4, "bfloat16": 5, "int32": 6,
         "float32": 7, "float64": 8, "int64": 9}
_MAX_HEADER = 100_000_000  # the reference implementation's limit on the JSON header
_U64 = 1 << 64
# Every dtype name the reference accepts, with its size in bits (ember loads the ten above).
_BITS = {"BOOL": 8, "F4": 4, "F6_E2M3": 6, "F6_E3M2": 6, "U8": 8, "I8": 8, "F8_E5M2": 8,
         "F8_E4M3": 8, "F8_E8M0": 8, "F8_E4M3FNUZ": 8, "F8_E5M2FNUZ": 8, "I16": 16, "U16": 16,
         "F16": 16, "BF16": 16, "I32": 32, "U32": 32, "F32": 32, "C64": 64, "F64": 64,
         "I64": 64, "U64": 64}


class SafetensorError(Exception):
    """A malformed safetensors file or an unsupported tensor (as the safetensors package)."""


def _check_tensors(tensors) -> None:
    if not isinstance(tensors, dict):
        raise TypeError(f"tensors must be a dict of str -> Tensor, got {type(tensors).__name__}")
    for name, t in tensors.items():
        if not isinstance(name, str):
            raise TypeError(f"tensor names must be str, got {type(name).__name__}")
        if not isinstance(t, Tensor):
            raise TypeError(f"{name!r} is a {type(t).__name__}, not a Tensor")
        if name == "__metadata__":
            raise SafetensorError("'__metadata__' is reserved and cannot name a tensor")


def _serialize(tensors: dict, metadata) -> tuple[bytes, list]:
    """(padded header with its length prefix, host arrays in file order)."""
    _check_tensors(tensors)
    if metadata is not None and not (isinstance(metadata, dict) and all(
            isinstance(k, str) and isinstance(v, str) for k, v in metadata.items())):
        raise TypeError("metadata must be a dict of str -> str")
    order = sorted(tensors, key=lambda n: (-_RANK[tensors[n].dtype.name], n))
    header: dict = {}
    if metadata:
        header["__metadata__"] = metadata
    arrays, offset = [], 0
    for name in order:
        t = tensors[name]
        a = t._host()
        if not a.flags.c_contiguous:
            a = a.copy(order="C")  # np.ascontiguousarray would turn 0-d into 1-d
        if sys.byteorder == "big":
            a = a.byteswap()
        header[name] = {"dtype": _CODES[t.dtype.name], "shape": list(a.shape),
                        "data_offsets": [offset, offset + a.nbytes]}
        offset += a.nbytes
        arrays.append(a)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text, arrays


def save(tensors: dict, metadata: dict | None = None) -> bytes:
    """The safetensors bytes of a dict of tensors (metadata: optional str -> str)."""
    head, arrays = _serialize(tensors, metadata)
    return b"".join([head] + [a.reshape(-1).view(np.uint8).tobytes() for a in arrays])


def save_file(tensors: dict, filename, metadata: dict | None = None) -> None:
    """Write a dict of tensors to a .safetensors file (atomically, as ember.save writes)."""
    head, arrays = _serialize(tensors, metadata)

    def write(fh) -> None:
        fh.write(head)
        fh.writelines(memoryview(a.reshape(-1).view(np.uint8)) for a in arrays)

    save_to_path(filename, write)


def _bad(why: str) -> SafetensorError:
    return SafetensorError(f"Error while deserializing header: {why}")


def _usizes(value, what: str, name: str, length: int | None = None) -> list:
    """A JSON list of unsigned 64-bit ints (no bools, floats or strings), as the reference's."""
    if type(value) is not list or length is not None and len(value) != length:
        raise _bad(f"tensor {name[:100]!r}: {what} must be a list of "
                   f"{length or 'any number of'} unsigned integers")
    if not all(type(v) is int and 0 <= v < _U64 for v in value):
        raise _bad(f"tensor {name[:100]!r}: {what} holds a value that is not an unsigned "
                   "64-bit integer")
    return value


def _validate(header: dict, buffer_len: int) -> list:
    """[(begin, end, name, dtype, shape)] sorted by offset: every check the reference makes."""
    metadata = header.pop("__metadata__", None)
    if metadata is not None and not (type(metadata) is dict and all(
            type(v) is str for v in metadata.values())):
        raise _bad("__metadata__ must be a map of str to str")
    entries = []
    for name, info in header.items():
        if type(info) is not dict or not {"dtype", "shape", "data_offsets"} <= info.keys():
            raise _bad(f"tensor {name[:100]!r} needs dtype, shape and data_offsets")
        code = info["dtype"]
        if type(code) is not str or code not in _BITS:
            raise _bad(f"tensor {name[:100]!r} has an unknown dtype")
        shape = _usizes(info["shape"], "shape", name)
        begin, end = _usizes(info["data_offsets"], "data_offsets", name, 2)
        entries.append((begin, end, name, code, shape))
    entries.sort(key=lambda e: (e[0], e[1]))
    pos = 0
    for begin, end, name, code, shape in entries:
        if begin != pos or end < begin:
            raise _bad(f"invalid offset for tensor {name[:100]!r} (a hole or an overlap)")
        pos = end
        nbits = _BITS[code]
        for d in shape:  # overflow checked at each step, as the reference's checked_mul
            nbits *= d
            if nbits >= _U64 * 8:
                raise _bad("overflow computing buffer size from shape and/or element type")
        if end - begin != nbits // 8:
            raise _bad(f"tensor {name[:100]!r} has offsets {[begin, end]} that do not fit its "
                       f"shape {shape}")
    if pos != buffer_len:
        raise _bad(f"the data buffer size {buffer_len} does not match the header ({pos} bytes);"
                   " the file is truncated or corrupt (incomplete metadata, file not fully "
                   "covered)")
    out = []
    for begin, end, name, code, shape in entries:
        if code not in _DTYPES:
            raise SafetensorError(f"tensor {name[:100]!r} has dtype {code}, which ember does not "
                                  "support")
        out.append((begin, end, name, _dt._BY_NAME[_DTYPES[code]], shape))
    return out


def _parse(buf, device) -> dict:
    """Tensors from a whole file's bytes (a writable buffer), validating the header fully."""
    size = len(buf)
    if size < 8:
        raise SafetensorError("Error while deserializing header: header too small")
    (n,) = struct.unpack("<Q", bytes(buf[:8]))
    if n > _MAX_HEADER:
        raise SafetensorError("Error while deserializing header: header too large")
    if 8 + n > size:
        raise SafetensorError("Error while deserializing header: invalid header length "
                              "(the file is truncated)")
    try:
        header = json.loads(bytes(buf[8:8 + n]).decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as e:
        raise SafetensorError(f"Error while deserializing header: invalid JSON "
                              f"({str(e)[:200]})") from None
    if not isinstance(header, dict):
        raise SafetensorError("Error while deserializing header: the header is not a JSON object")
    entries = _validate(header, size - 8 - n)
    start = 8 + n
    out = {}
    for begin, end, name, dtype, shape in sorted(entries, key=lambda e: e[2]):
        a = np.frombuffer(buf, _dt.to_numpy_dtype(dtype), count=(end - begin) // dtype.itemsize,
                          offset=start + begin).reshape(shape)
        if sys.byteorder == "big":
            a = a.byteswap()
        t = _new_tensor(a)
        out[name] = t if device in (None, "cpu") else t.to(device)
    return out


def load(data: bytes, device="cpu") -> dict:
    """Tensors from safetensors bytes (each a fresh, writable array)."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"data must be bytes, got {type(data).__name__}")
    return _parse(bytearray(data), device)


def load_file(filename, device="cpu") -> dict:
    """Tensors from a .safetensors file, by name (as safetensors' load_file orders them)."""
    with open(os.fspath(filename), "rb") as fh:
        buf = bytearray(os.fstat(fh.fileno()).st_size)
        fh.readinto(buf)
    return _parse(buf, device)


def save_model(model, filename, metadata: dict | None = None, force_contiguous: bool = True):
    """Save `model.state_dict()` to a .safetensors file."""
    save_file(dict(model.state_dict()), filename, metadata)


def load_model(model, filename, strict: bool = True, device="cpu"):
    """Load a .safetensors file into `model`; returns (missing, unexpected) key lists."""
    state = load_file(filename, device)
    result = model.load_state_dict(state, strict=strict)
    return list(result.missing_keys), list(result.unexpected_keys)
