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
    """Write a dict of tensors to a .safetensors file (atomically: temp file, then rename)."""
    head, arrays = _serialize(tensors, metadata)
    path = os.fspath(filename)
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        with open(tmp, "wb") as fh:
            fh.write(head)
            fh.writelines(memoryview(a.reshape(-1).view(np.uint8)) for a in arrays)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


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
    except (UnicodeDecodeError, ValueError) as e:
        raise SafetensorError(f"Error while deserializing header: invalid JSON ({e})") from None
    if not isinstance(header, dict):
        raise SafetensorError("Error while deserializing header: the header is not a JSON object")
    header.pop("__metadata__", None)
    start = 8 + n
    entries = []
    for name, info in header.items():
        try:
            dtype = _dt._BY_NAME[_DTYPES[info["dtype"]]]
            shape = [int(d) for d in info["shape"]]
            begin, end = (int(o) for o in info["data_offsets"])
        except (KeyError, TypeError, ValueError):
            raise SafetensorError(f"Error while deserializing header: bad entry for {name!r}: "
                                  f"{info!r}") from None
        numel = 1
        for d in shape:
            if d < 0:
                raise SafetensorError(f"negative dimension in {name!r}")
            numel *= d
        if end - begin != numel * dtype.itemsize or begin < 0:
            raise SafetensorError(f"Error while deserializing header: tensor {name!r} has "
                                  f"offsets {[begin, end]} that do not fit its shape {shape}")
        entries.append((begin, end, name, dtype, shape))
    entries.sort(key=lambda e: (e[0], e[1]))
    pos = 0
    for begin, end, name, _, _ in entries:
        if begin != pos:
            raise SafetensorError(f"Error while deserializing header: tensor {name!r} leaves a "
                                  "hole or overlaps in the data buffer")
        pos = end
    if start + pos != size:
        raise SafetensorError("Error while deserializing header: the data buffer size "
                              f"{size - start} does not match the header ({pos} bytes); "
                              "the file is truncated or corrupt")
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
