"""Builders for hostile checkpoints (pickle opcodes written by hand, zip archives around them) and
`bounded`, which loads one and asserts it finishes within a time and memory budget."""
from __future__ import annotations

import io
import pickle
import struct
import time
import tracemalloc
import zipfile

import torch

import ember

SECONDS = 1.0
BYTES = 100 * 2 ** 20
TYPED = (pickle.UnpicklingError, RuntimeError)  # what ember.load may raise for a bad file

P2 = b"\x80\x02"
OD = b"ccollections\nOrderedDict\n)R"  # an empty OrderedDict (backward hooks)
REBUILD = b"ctorch._utils\n_rebuild_tensor_v2\n"


def s(text: str) -> bytes:
    """BINUNICODE."""
    data = text.encode()
    return b"X" + struct.pack("<I", len(data)) + data


def i(n: int) -> bytes:
    """An int opcode: BININT for int32, LONG1 otherwise."""
    if -2 ** 31 <= n < 2 ** 31:
        return b"J" + struct.pack("<i", n)
    data = pickle.encode_long(n)
    return b"\x8a" + bytes([len(data)]) + data


def tup(items) -> bytes:
    return b"(" + b"".join(items) + b"t"


def storage(key: str = "0", stype: str = "FloatStorage", numel: int = 2) -> bytes:
    """A persistent id ('storage', torch.<stype>, key, 'cpu', numel), loaded by BINPERSID."""
    return tup([s("storage"), f"ctorch\n{stype}\n".encode(), s(key), s("cpu"), i(numel)]) + b"Q"


def tensor(size=(2,), stride=(1,), offset: int = 0, **storage_kw) -> bytes:
    """torch._utils._rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict())."""
    return REBUILD + tup([storage(**storage_kw), i(offset), tup(map(i, size)),
                          tup(map(i, stride)), b"\x89", OD]) + b"R"


def shared_list_bomb(levels: int = 10, width: int = 10) -> bytes:
    """Nested lists sharing each level through the memo: width**levels leaves in a few bytes.

    Leaves the bomb on top of the stack (memo index `levels`)."""
    out = b"]K\x00aq\x00"  # [0], memo 0
    for level in range(1, levels + 1):
        out += b"](" + (b"h" + bytes([level - 1])) * width + b"eq" + bytes([level])
    return out


def zip_with(data_pkl: bytes, storages: dict | None = None, method: int = zipfile.ZIP_STORED,
             prefix: str = "archive") -> bytes:
    """A checkpoint archive whose data.pkl is `data_pkl`; storages: key -> raw bytes."""
    storages = {"0": struct.pack("<2f", 1.0, 1.0)} if storages is None else storages
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as zf:
        zf.writestr(f"{prefix}/data.pkl", data_pkl)
        zf.writestr(f"{prefix}/byteorder", "little")
        for key, raw in storages.items():
            zf.writestr(f"{prefix}/data/{key}", raw)
        zf.writestr(f"{prefix}/version", "3\n")
    return out.getvalue()


def torch_checkpoint(obj) -> bytes:
    buf = io.BytesIO()
    torch.save(obj, buf)
    return buf.getvalue()


def _load(data: bytes, load_kw: dict):
    try:
        return ember.load(io.BytesIO(data), **load_kw), None
    except Exception as e:  # noqa: BLE001 - the caller checks the type
        return None, e


def bounded(data: bytes, **load_kw):
    """ember.load(data): (result, None) or (None, error), within SECONDS and BYTES (asserted).

    Timed on its own (CPU time, one retry for a garbage-collection pause), then loaded again under
    tracemalloc (which slows Python down) for its peak memory.
    """
    for _ in range(2):  # CPU seconds, so a busy machine does not count; a stall fails twice
        start = time.process_time()
        result, error = _load(data, load_kw)
        elapsed = time.process_time() - start
        if elapsed < SECONDS:
            break
    assert elapsed < SECONDS, f"took {elapsed:.2f} s of CPU"
    assert not isinstance(error, RecursionError), error
    tracemalloc.start()
    try:
        _load(data, load_kw)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < BYTES, f"peak memory {peak / 2 ** 20:.0f} MiB"
    return result, error


def refused(data: bytes, kinds=TYPED, match: str | None = None, **load_kw) -> Exception:
    """Assert that loading `data` raises one of `kinds` (with `match` in its text), bounded."""
    result, error = bounded(data, **load_kw)
    assert error is not None, f"loaded {type(result).__name__} instead of raising"
    assert isinstance(error, kinds), f"{type(error).__name__}: {error}"
    assert len(str(error)) < 2000, "error message not truncated"
    if match is not None:
        assert match in str(error), str(error)
    return error
