"""Storages (UntypedStorage, TypedStorage and the legacy FloatStorage, ...) over the NumPy
allocation a tensor's array views, and the CPU Stream and Event that order work on it.

A storage is a flat byte view of that allocation: `t.untyped_storage().data_ptr()` is where
element 0 of the storage lies, so `t.data_ptr() == storage.data_ptr() + offset * itemsize`.
"""
from __future__ import annotations

import mmap
import warnings
from typing import Self

import numpy as np

from . import _dtype as _dt
from .device import device as _device

__all__ = ["BoolStorage", "ByteStorage", "CharStorage", "DoubleStorage", "Event",
           "FloatStorage", "IntStorage", "LongStorage", "ShortStorage", "Stream",
           "TypedStorage", "UntypedStorage"]

_CPU = _device("cpu")


def storage_bytes(a: np.ndarray) -> tuple[np.ndarray, int]:
    """(the flat uint8 view of the allocation `a` views, a's offset in it in bytes)."""
    root = a
    while hasattr(root.base, "__array_interface__"):
        root = root.base
    start = a.__array_interface__["data"][0] - root.__array_interface__["data"][0]
    if not root.flags.c_contiguous:  # not one block: only a copy can be flat
        return np.ascontiguousarray(a).reshape(-1).view(np.uint8), 0
    return root.reshape(-1).view(np.uint8), start


def is_shared_memory(a: np.ndarray) -> bool:
    """Whether the allocation `a` views is shared memory (an mmap: share_memory_, from_file)."""
    root = a
    while hasattr(root.base, "__array_interface__"):
        root = root.base
    owner = root.base.obj if isinstance(root.base, memoryview) else root.base
    return isinstance(owner, mmap.mmap)


def shared_copy(raw: np.ndarray) -> np.ndarray:
    """The bytes copied into anonymous shared memory (what fork()ed workers see written)."""
    buf = mmap.mmap(-1, max(raw.nbytes, 1))
    out = np.frombuffer(buf, dtype=np.uint8, count=raw.nbytes)
    out[:] = raw
    return out


class UntypedStorage:
    """The bytes of one allocation on a device (torch.UntypedStorage)."""

    def __init__(self, *args, device=None) -> None:
        if len(args) > 1:
            raise TypeError("UntypedStorage(): expected at most one argument (a size or a "
                            "sequence of bytes)")
        arg = args[0] if args else 0
        if isinstance(arg, int):
            self._bytes = np.zeros(arg, dtype=np.uint8)
        else:
            self._bytes = np.asarray(list(arg), dtype=np.uint8)

    @classmethod
    def _wrap(cls, raw: np.ndarray) -> UntypedStorage:
        s = cls.__new__(cls)
        s._bytes = raw
        return s

    def size(self) -> int:
        return self._bytes.size

    nbytes = size
    __len__ = size

    def element_size(self) -> int:
        return 1

    def data_ptr(self) -> int:
        return self._bytes.__array_interface__["data"][0]

    @property
    def device(self) -> _device:
        return _CPU

    is_cuda = property(lambda self: False)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return UntypedStorage._wrap(self._bytes[i])
        return int(self._bytes[i])

    def __setitem__(self, i, value) -> None:
        self._bytes[i] = value

    def tolist(self) -> list:
        return self._bytes.tolist()

    def fill_(self, value: int) -> UntypedStorage:
        self._bytes[:] = value
        return self

    def copy_(self, source, non_blocking: bool = False) -> UntypedStorage:
        self._bytes[:] = source._bytes
        return self

    def clone(self) -> UntypedStorage:
        return UntypedStorage._wrap(self._bytes.copy())

    def cpu(self) -> UntypedStorage:
        return self

    def is_shared(self) -> bool:
        return is_shared_memory(self._bytes)

    def share_memory_(self) -> UntypedStorage:
        """Move the bytes into shared memory (tensors made from this storage afterwards see it)."""
        if not self.is_shared():
            self._bytes = shared_copy(self._bytes)
        return self

    def untyped(self) -> UntypedStorage:
        return self

    def tobytes(self) -> bytes:
        return self._bytes.tobytes()

    def __repr__(self) -> str:
        body = "\n".join(f" {b}" for b in self._bytes.tolist())
        return f"{body}\n[torch.storage.UntypedStorage(device=cpu) of size {self.size()}]"


_typed_storage_warned = False


def _warn_typed_storage() -> None:
    """torch's once-per-process notice that TypedStorage is deprecated."""
    global _typed_storage_warned
    if not _typed_storage_warned:
        _typed_storage_warned = True
        warnings.warn("TypedStorage is deprecated. It will be removed in the future and "
                      "UntypedStorage will be the only storage class. This should only matter to "
                      "you if you are using storages directly.  To access UntypedStorage "
                      "directly, use tensor.untyped_storage() instead of tensor.storage()",
                      UserWarning, stacklevel=3)


class TypedStorage:
    """Elements of one dtype over an UntypedStorage (torch.TypedStorage, deprecated in torch)."""

    is_sparse = False

    def __init__(self, *args, dtype: _dt.dtype | None = None, device=None,
                 wrap_storage: UntypedStorage | None = None, _internal: bool = False) -> None:
        if not _internal:
            _warn_typed_storage()
        self.dtype = dtype or _dt.get_default_dtype()
        np_dtype = _dt.to_numpy_dtype(self.dtype)
        if wrap_storage is not None:
            self._untyped_storage = wrap_storage
            return
        arg = args[0] if args else 0
        if isinstance(arg, int):
            raw = np.zeros(arg * np_dtype.itemsize, dtype=np.uint8)
        else:
            raw = np.asarray(list(arg), dtype=np_dtype).reshape(-1).view(np.uint8)
        self._untyped_storage = UntypedStorage._wrap(raw)

    @property
    def _elements(self) -> np.ndarray:
        raw = self._untyped_storage._bytes
        np_dtype = _dt.to_numpy_dtype(self.dtype)
        return raw[:raw.size - raw.size % np_dtype.itemsize].view(np_dtype)

    def size(self) -> int:
        return self._untyped_storage.nbytes() // self.dtype.itemsize

    __len__ = size

    def nbytes(self) -> int:
        return self._untyped_storage.nbytes()

    def element_size(self) -> int:
        return self.dtype.itemsize

    def data_ptr(self) -> int:
        return self._untyped_storage.data_ptr()

    @property
    def device(self) -> _device:
        return _CPU

    is_cuda = property(lambda self: False)

    def untyped(self) -> UntypedStorage:
        return self._untyped_storage

    def __getitem__(self, i):
        v = self._elements[i]
        if isinstance(i, slice):
            return TypedStorage(wrap_storage=UntypedStorage._wrap(v.view(np.uint8)),
                                dtype=self.dtype, _internal=True)
        return v.item()

    def __setitem__(self, i, value) -> None:
        self._elements[i] = value

    def __iter__(self):
        return iter(self.tolist())

    def tolist(self) -> list:
        return self._elements.tolist()

    def fill_(self, value) -> TypedStorage:
        self._elements[:] = value
        return self

    def copy_(self, source, non_blocking: bool = False) -> TypedStorage:
        self._elements[:] = source._elements
        return self

    def clone(self) -> TypedStorage:
        return TypedStorage(wrap_storage=self._untyped_storage.clone(), dtype=self.dtype,
                            _internal=True)

    def cpu(self) -> TypedStorage:
        return self

    def is_shared(self) -> bool:
        return self._untyped_storage.is_shared()

    def share_memory_(self) -> TypedStorage:
        self._untyped_storage.share_memory_()
        return self

    def type(self, dtype=None, non_blocking: bool = False):
        if dtype is None:
            return "torch." + _LEGACY_NAMES[self.dtype.name]
        raise TypeError("ember's TypedStorage.type() converts nothing: use tensors' .to()")

    def pickle_storage_type(self) -> str:
        return _LEGACY_NAMES[self.dtype.name]

    def __repr__(self) -> str:
        body = "\n".join(f" {v}" for v in self.tolist())
        return (f"{body}\n[torch.storage.TypedStorage(dtype={self.dtype}, device=cpu) of size "
                f"{self.size()}]")


_LEGACY_NAMES = {"float32": "FloatStorage", "float64": "DoubleStorage", "float16": "HalfStorage",
                 "bfloat16": "BFloat16Storage", "int64": "LongStorage", "int32": "IntStorage",
                 "int16": "ShortStorage", "int8": "CharStorage", "uint8": "ByteStorage",
                 "bool": "BoolStorage", "complex64": "ComplexFloatStorage",
                 "complex128": "ComplexDoubleStorage"}


class _LegacyStorageMeta(type):
    """isinstance(s, FloatStorage) holds for a float32 TypedStorage; calling the class makes one."""

    def __instancecheck__(cls, obj) -> bool:
        return isinstance(obj, TypedStorage) and obj.dtype is cls.dtype

    def __call__(cls, *args, device=None, wrap_storage=None):
        return TypedStorage(*args, dtype=cls.dtype, wrap_storage=wrap_storage)

    def __repr__(cls) -> str:
        return f"<class 'torch.{cls.__name__}'>"


def _legacy(name: str, dtype: _dt.dtype) -> _LegacyStorageMeta:
    return _LegacyStorageMeta(name, (TypedStorage,), {"dtype": dtype, "__module__": "ember"})


FloatStorage = _legacy("FloatStorage", _dt.float32)
DoubleStorage = _legacy("DoubleStorage", _dt.float64)
HalfStorage = _legacy("HalfStorage", _dt.float16)
BFloat16Storage = _legacy("BFloat16Storage", _dt.bfloat16)
LongStorage = _legacy("LongStorage", _dt.int64)
IntStorage = _legacy("IntStorage", _dt.int32)
ShortStorage = _legacy("ShortStorage", _dt.int16)
CharStorage = _legacy("CharStorage", _dt.int8)
ByteStorage = _legacy("ByteStorage", _dt.uint8)
BoolStorage = _legacy("BoolStorage", _dt.bool)
ComplexFloatStorage = _legacy("ComplexFloatStorage", _dt.complex64)
ComplexDoubleStorage = _legacy("ComplexDoubleStorage", _dt.complex128)


# ---- CPU streams and events (work runs in order on the CPU: nothing to wait for) -------------


def _cpu_only(device) -> _device:
    d = _CPU if device is None else _device(device) if not isinstance(device, _device) else device
    if d.type != "cpu":
        raise RuntimeError(f"PyTorch is not linked with support for {d.type} devices")
    return d


class Stream:
    """torch.Stream for the CPU: every query is done, every wait returns at once."""

    def __init__(self, device=None, *, priority: int = 0) -> None:
        self.device = _cpu_only(device)
        self.device_index, self.device_type, self.stream_id = -1, 0, 0

    def query(self) -> bool:
        return True

    def synchronize(self) -> None:
        return None

    def wait_event(self, event: Event) -> None:
        return None

    def wait_stream(self, stream: Stream) -> None:
        raise RuntimeError("cpu backend doesn't support events.")

    def record_event(self, event: Event | None = None) -> Event:
        raise RuntimeError("cpu backend doesn't support events.")

    def is_capturing(self) -> bool:
        return False

    @property
    def native_handle(self):
        raise RuntimeError("Backend doesn't support getting stream native handle.")

    def __eq__(self, other) -> bool:
        return isinstance(other, Stream) and other.stream_id == self.stream_id

    def __hash__(self) -> int:
        return hash(("cpu", self.stream_id))

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        return None

    def __repr__(self) -> str:
        return "torch.Stream device_type=cpu, device_index=-1, stream_id=0"


class Event:
    """torch.Event for the CPU: complete from the start; the CPU backend records none."""

    def __init__(self, device=None, *, enable_timing: bool = False, blocking: bool = False,
                 interprocess: bool = False) -> None:
        self.device = _cpu_only(device)
        self.event_id = 0
        self._flag = 1 if enable_timing else 0

    def query(self) -> bool:
        return True

    def record(self, stream: Stream | None = None) -> None:
        raise RuntimeError("cpu backend doesn't support events.")

    def wait(self, stream: Stream | None = None) -> None:
        return None

    def synchronize(self) -> None:
        return None

    def elapsed_time(self, end_event: Event) -> float:
        if not (self._flag and end_event._flag):
            raise ValueError("Both events must be created with argument 'enable_timing=True'.")
        raise RuntimeError("cpu backend doesn't support events.")

    def ipc_handle(self):
        raise NotImplementedError("torch.Event ipc is not supported yet, please open an issue if "
                                  "you need this!")

    def __repr__(self) -> str:
        return (f"torch.Event device_type=cpu, device_index=-1, event_flag={self._flag}, "
                f"event_id=0")
