"""ember.save / ember.load in PyTorch's zip checkpoint format, both directions.

A checkpoint is a zip archive: `<name>/data.pkl` (a pickle whose tensors are persistent ids
`('storage', torch.FloatStorage, key, 'cpu', numel)` rebuilt by `torch._utils._rebuild_tensor_v2`),
one uncompressed, 64-byte aligned record `<name>/data/<key>` per storage, and small `version`,
`byteorder` and `.data/serialization_id` records. ember writes the torch names, so
`torch.load(weights_only=True)` reads ember's files, and maps them back to ember objects on load.

Loading is safe by default: `weights_only=True` runs ember's own opcode loop (`_unpickler.py`),
which resolves only an exact allowlist of (module, name) globals (extend it with
`add_safe_globals`), checks the arguments of everything it calls and bounds the work and memory a
file can cost; `_checkpoint_zip.py` reads the archive's records and writes saves atomically.
"""
from __future__ import annotations

import collections
import contextlib
import io
import mmap as _mmap
import os
import pickle
import struct
import sys
import types
import zipfile

import numpy as np

from . import _dtype as _dt
from . import _unpickler
from ._checkpoint_zip import ZipCheckpoint, save_to_path
from ._checkpoint_zip import invalid as _invalid
from ._tensor import Tensor, _contiguous_strides, _new_tensor
from ._torch_names import ember_object, torch_name
from ._unpickler import StorageType
from .device import device as _device
from .ops._util import storage_root
from .size import Size

__all__ = ["add_safe_globals", "clear_safe_globals", "get_safe_globals", "load", "safe_globals",
           "save"]

DEFAULT_PROTOCOL = 2
_ALIGN = 64  # torch aligns storage records to 64 bytes (mmap-friendly)
_LEGACY_MAGIC = 0x1950A86A20F9469CFC6C
_STORAGE_NAMES = {"float32": "FloatStorage", "float64": "DoubleStorage", "float16": "HalfStorage",
                  "bfloat16": "BFloat16Storage", "int64": "LongStorage", "int32": "IntStorage",
                  "int16": "ShortStorage", "int8": "CharStorage", "uint8": "ByteStorage",
                  "bool": "BoolStorage", "complex64": "ComplexFloatStorage",
                  "complex128": "ComplexDoubleStorage"}


# ---- safe globals: the user's additions to the weights_only allowlist -----------------------------

_user_globals: dict = {}  # (module, name) -> object


def _global_key(entry):
    if isinstance(entry, tuple):
        if len(entry) != 2 or not isinstance(entry[1], str):
            raise ValueError("safe global tuples must be (object, 'module.name')")
        module, _, name = entry[1].rpartition(".")
        return (module, name), entry[0]
    module = getattr(entry, "__module__", None)
    name = getattr(entry, "__qualname__", None) or getattr(entry, "__name__", None)
    if module is None or name is None:
        raise ValueError(f"cannot name {entry!r}: pass (obj, 'module.name') instead")
    return (module, name), entry


def add_safe_globals(safe_globals: list) -> None:
    """Allow these classes/functions (or `(obj, "module.name")` pairs) in weights_only loads."""
    for entry in safe_globals:
        key, obj = _global_key(entry)
        _user_globals[key] = obj


def get_safe_globals() -> list:
    """The user-added safe globals, as add_safe_globals received them (objects)."""
    return list(_user_globals.values())


def clear_safe_globals() -> None:
    """Forget every user-added safe global."""
    _user_globals.clear()


@contextlib.contextmanager
def safe_globals(safe_globals: list):
    """Context manager: add these safe globals for the duration of the block only."""
    saved = dict(_user_globals)
    add_safe_globals(safe_globals)
    try:
        yield
    finally:
        _user_globals.clear()
        _user_globals.update(saved)


# ---- saving -------------------------------------------------------------------------------------


class _Global:
    """A `module.name` reference written as a GLOBAL opcode (torch names need no torch import)."""

    __slots__ = ("module", "name")

    def __init__(self, module: str, name: str) -> None:
        self.module, self.name = module, name

    def __call__(self, *args):  # pickle wants a callable in a reduce tuple; never called here
        raise TypeError(f"{self.module}.{self.name} is a pickle reference, not a function")


_G_REBUILD = _Global("torch._utils", "_rebuild_tensor_v2")
# dtypes without a typed storage class (uint16/32/64, float8): an untyped (byte) storage and
# _rebuild_tensor_v3, which names the dtype, as torch writes them
_G_REBUILD_V3 = _Global("torch._utils", "_rebuild_tensor_v3")
_G_UNTYPED = _Global("torch.storage", "UntypedStorage")
_G_PARAM = _Global("torch._utils", "_rebuild_parameter")
_G_DEVICE = _Global("torch", "device")
_G_SIZE = _Global("torch", "Size")
_G_FROM_TYPE = _Global("torch._tensor", "_rebuild_from_type_v2")
_G_TENSOR = _Global("torch", "Tensor")
_G_STORAGE = {n: _Global("torch", s) for n, s in _STORAGE_NAMES.items()}
_G_DTYPE = {n: _Global("torch", n) for n in _STORAGE_NAMES}


class _StorageRef:
    """One storage to write: its flat host array, key and location."""

    __slots__ = ("array", "key", "location", "pid")

    def __init__(self, array, key: str, location: str, dtype_name: str) -> None:
        self.array, self.key, self.location = array, key, location
        if dtype_name in _G_STORAGE:
            self.pid = ("storage", _G_STORAGE[dtype_name], key, location, array.size)
        else:
            self.pid = ("storage", _G_UNTYPED, key, location, array.nbytes)


class _Pickler(pickle._Pickler):
    """Pickles ember objects under torch's names; tensors become persistent storage ids."""

    dispatch = dict(pickle._Pickler.dispatch)  # noqa: RUF012 - pickle's per-class table

    def __init__(self, file, protocol) -> None:
        super().__init__(file, protocol)
        self.storages: list = []
        self._by_root: dict = {}  # id(root array) -> _StorageRef (whose array keeps it alive)
        self._hooks = collections.OrderedDict()  # one empty backward-hooks dict, memoized once

    def _save_global_ref(self, obj) -> None:
        self.write(pickle.GLOBAL + f"{obj.module}\n{obj.name}\n".encode())
        self.memoize(obj)

    def _save_dtype(self, obj) -> None:
        ref = _G_DTYPE.get(obj.name) or _Global("torch", obj.name)
        self.save(ref)  # a dtype is the global torch.<name>, as torch pickles it

    def save_global(self, obj, name=None) -> None:
        """ember classes and functions under torch's names (torch.nn.modules.linear.Linear)."""
        named = torch_name(obj)
        if named is None:
            pickle._Pickler.save_global(self, obj, name)
            return
        self.write(pickle.GLOBAL + f"{named[0]}\n{named[1]}\n".encode())
        self.memoize(obj)

    def _save_class(self, obj) -> None:
        if torch_name(obj) is None:
            pickle._Pickler.save_type(self, obj)
        else:
            self.save_global(obj)

    dispatch[_Global] = _save_global_ref
    dispatch[_dt.dtype] = _save_dtype
    dispatch[type] = _save_class
    dispatch[types.FunctionType] = save_global

    def persistent_id(self, obj):
        return obj.pid if obj.__class__ is _StorageRef else None

    def reducer_override(self, obj):
        if isinstance(obj, Tensor):
            return self._reduce_tensor(obj)
        cls = obj.__class__
        if cls is _device:
            return (_G_DEVICE, (str(obj),) if obj.index is None else (obj.type, obj.index))
        if cls is Size:
            return (_G_SIZE, (tuple(obj),))
        return NotImplemented

    def _reduce_tensor(self, t):
        from .nn.parameter import Parameter

        hooks = self._hooks
        if isinstance(t, Parameter):  # its data as a plain tensor (the memo keeps it alive)
            return (_G_PARAM, (_new_tensor(t._data), t._requires_grad, hooks))
        ref, offset, strides = self._storage_of(t)
        args = (ref, offset, tuple(t._data.shape), strides, t._requires_grad, hooks)
        rebuild = _G_REBUILD
        if t.dtype.name not in _G_STORAGE:
            rebuild, args = _G_REBUILD_V3, (*args, t.dtype)
        state = {k: v for k, v in t.__dict__.items() if not k.startswith("_")}
        if state:  # user attributes travel as torch's do: through _rebuild_from_type_v2
            return (_G_FROM_TYPE, (rebuild, _G_TENSOR, args, state))
        return (rebuild, args)

    def _storage_of(self, t):
        """(storage ref, element offset, strides): views of one NumPy buffer share a storage."""
        a = t._data
        location = "cpu"
        if a.__class__ is not np.ndarray:  # a device array: its own host copy, location cuda:N
            location = str(t.device)
            a = t._host()
        root, off = storage_root(a)
        item = a.itemsize
        if (a.size and root.dtype == a.dtype and root.flags.c_contiguous and off >= 0
                and off % item == 0 and all(s >= 0 and s % item == 0 for s in a.strides)):
            ref = self._by_root.get(id(root))
            if ref is None:
                ref = self._new_ref(root, location, t.dtype.name)
                self._by_root[id(root)] = ref
            return ref, off // item, tuple(s // item for s in a.strides)
        a = a.copy(order="C")
        return self._new_ref(a, location, t.dtype.name), 0, t.stride()

    def _new_ref(self, array, location, dtype_name):
        ref = _StorageRef(array, str(len(self.storages)), location, dtype_name)
        self.storages.append(ref)
        return ref


def _pad_extra(offset: int, name: bytes) -> bytes:
    """A zip extra field ('FB' + padding) that puts the record's data on a 64-byte boundary."""
    pad = -(offset + 30 + len(name) + 4) % _ALIGN
    return b"FB" + struct.pack("<H", pad) + b"Z" * pad


def _write_record(zf: zipfile.ZipFile, name: str, data) -> None:
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_STORED
    info.create_system = 0
    info.external_attr = 0o600 << 16
    info.extra = _pad_extra(zf.fp.tell(), name.encode("utf-8"))
    info.file_size = len(data)
    with zf.open(info, "w", force_zip64=len(data) > 0x7FFFFFFF) as out:
        out.write(data)


def _write_archive(fh, obj, prefix: str, protocol: int, byteorder: bool = True) -> None:
    buf = io.BytesIO()
    pickler = _Pickler(buf, protocol)
    pickler.dump(obj)
    with zipfile.ZipFile(fh, "w", zipfile.ZIP_STORED, allowZip64=True) as zf:
        _write_record(zf, f"{prefix}/data.pkl", buf.getbuffer())
        _write_record(zf, f"{prefix}/.format_version", b"1")
        _write_record(zf, f"{prefix}/.storage_alignment", str(_ALIGN).encode())
        if byteorder:
            _write_record(zf, f"{prefix}/byteorder", sys.byteorder.encode())
        for ref in pickler.storages:
            arr = ref.array.reshape(-1).view(np.uint8)
            _write_record(zf, f"{prefix}/data/{ref.key}", memoryview(arr))
        _write_record(zf, f"{prefix}/version", b"3\n")
        sid = str(int.from_bytes(os.urandom(16), "little")).zfill(40)
        _write_record(zf, f"{prefix}/.data/serialization_id", sid.encode())


def save(obj, f, pickle_module=None, pickle_protocol: int = DEFAULT_PROTOCOL,
         _use_new_zipfile_serialization: bool = True, _disable_byteorder_record: bool = False):
    """Save `obj` (tensors, state_dicts, modules, nested containers) as a torch zip checkpoint.

    A path is written atomically: to a temporary file in the target's folder, fsynced, then
    renamed over the target (a symlink is written through; the file's mode is kept), so a crash
    mid-save never leaves a half-written checkpoint in its place.
    """
    if not _use_new_zipfile_serialization:
        raise ValueError("ember.save writes only the zip checkpoint format "
                         "(_use_new_zipfile_serialization=False is not supported)")
    if pickle_module is not None and pickle_module is not pickle:
        raise ValueError("ember.save supports only the standard pickle module")
    if isinstance(f, (str, os.PathLike)):
        prefix = os.path.splitext(os.path.basename(os.fspath(f)))[0] or "archive"
        save_to_path(f, lambda fh: _write_archive(fh, obj, prefix, pickle_protocol,
                                                  not _disable_byteorder_record))
        return
    if not hasattr(f, "write"):
        raise AttributeError(f"'{type(f).__name__}' object has no attribute 'write'")
    seekable = getattr(f, "seekable", None)
    if seekable is not None and seekable():
        _write_archive(f, obj, "archive", pickle_protocol, not _disable_byteorder_record)
    else:
        buf = io.BytesIO()
        _write_archive(buf, obj, "archive", pickle_protocol, not _disable_byteorder_record)
        f.write(buf.getbuffer())


# ---- loading: torch names -> ember objects ------------------------------------------------------


class TypedStorage:
    """A loaded storage: a flat array of one dtype on one device (what map_location callables see).

    Tensors rebuilt from one storage are views of its array, so they share memory as in torch.
    """

    __slots__ = ("_array", "_base_tensor", "_first", "_views")

    def __init__(self, array) -> None:
        self._array = array
        self._base_tensor = None
        self._first = None
        self._views = None  # dtype -> this storage's bytes read as that dtype (_rebuild_tensor_v3)

    @property
    def dtype(self):
        return _dt._BY_NUMPY[self._array.dtype]

    @property
    def device(self):
        return _new_tensor(self._array).device

    def size(self) -> int:
        return self._array.size

    __len__ = size

    def nbytes(self) -> int:
        return self._array.nbytes

    def to(self, device) -> TypedStorage:
        moved = _new_tensor(self._array).to(device)._data
        return self if moved is self._array else TypedStorage(moved)

    def cpu(self) -> TypedStorage:
        return self.to("cpu")

    def cuda(self, device=None) -> TypedStorage:
        return self.to(_device("cuda", device) if isinstance(device, int) else device or "cuda")

    def __repr__(self) -> str:
        return f"TypedStorage(dtype={self.dtype}, device={self.device}, size={self.size()})"


_INT64 = 1 << 63
_MAX_DIMS = 64


def _machine_ints(what: str, values) -> tuple:
    """A size or stride: at most 64 ints, each an int64, checked before any arithmetic."""
    if type(values) not in (tuple, list, Size) or len(values) > _MAX_DIMS:
        raise RuntimeError(f"invalid tensor {what} in checkpoint: expected a tuple of at most "
                           f"{_MAX_DIMS} ints, got {_unpickler.describe(values)}")
    for v in values:
        if type(v) is not int:
            raise RuntimeError(f"invalid tensor {what} in checkpoint: an element is "
                               f"{_unpickler.describe(v)}, not an int")
        if not -_INT64 <= v < _INT64:
            raise RuntimeError(f"invalid tensor {what} in checkpoint: {_unpickler.describe(v)} "
                               "overflows int64")
    return tuple(values)


def _rebuild_tensor(storage, storage_offset, size, stride):
    """torch._utils._rebuild_tensor: a view of `storage` (bounds checked: no reads past it)."""
    if not isinstance(storage, TypedStorage):
        raise RuntimeError("invalid storage in checkpoint: "  # noqa: TRY004
                           f"{_unpickler.describe(storage)}")
    size = _machine_ints("size", size)
    stride = _machine_ints("stride", stride)
    (offset,) = _machine_ints("storage offset", (storage_offset,))
    if len(size) != len(stride):
        raise RuntimeError(f"tensor size {list(size)} and stride {list(stride)} differ in length")
    numel = 1
    for n in size:
        numel *= n
        if n < 0 or numel >= _INT64:
            raise RuntimeError("numel: integer multiplication overflow")
    if offset < 0:
        raise RuntimeError(f"Tensor: invalid storage offset {offset}")
    flat = storage._array
    if numel == 0:  # no bytes to read: any strides and offset (as torch); NumPy's shape limits
        try:
            return _new_tensor(flat[:0].reshape(size))
        except ValueError:
            raise RuntimeError(f"ember cannot represent an empty tensor of size {list(size)} "
                               "(NumPy's limit on the product of the sizes)") from None
    if any(s < 0 for s in stride):
        raise RuntimeError(f"Storage size calculation overflowed with sizes={list(size)} and "
                           f"strides={list(stride)}")
    end = offset + sum((n - 1) * s for n, s in zip(size, stride))
    if end >= flat.size:
        raise RuntimeError(f"tensor of size {list(size)}, stride {list(stride)} and offset "
                           f"{offset} reads past its storage of {flat.size} elements")
    if offset == 0 and numel == flat.size and stride == _contiguous_strides(size):
        t = _new_tensor(flat.reshape(size))
    else:
        item = flat.itemsize
        strides = tuple(s * item if n > 1 else min(s, flat.size) * item
                        for n, s in zip(size, stride))
        if flat.__class__ is np.ndarray:
            data = np.ndarray(size, flat.dtype, buffer=flat, offset=offset * item,
                              strides=strides)
        else:  # device arrays: the backend's as_strided over the tail of the storage
            from .backend import array_module

            data = array_module(flat).lib.stride_tricks.as_strided(flat[offset:], size, strides)
        t = _new_tensor(data)
        t._base = _storage_base(storage)  # storage_offset() reads the offset against this base
    if storage._first is None and storage._base_tensor is None:
        storage._first = t
    else:  # tensors viewing one storage share a version counter, as torch views do
        t._vbox = _storage_base(storage)._vbox
    return t


def _storage_base(storage) -> Tensor:
    """The whole storage as a tensor: the `_base` of loaded views and their version counter."""
    if storage._base_tensor is None:
        base = storage._base_tensor = _new_tensor(storage._array)
        if storage._first is not None:
            storage._first._vbox = base._vbox
    return storage._base_tensor


def _flag(value) -> bool:
    if type(value) not in (bool, int):
        raise RuntimeError(f"invalid requires_grad in checkpoint: {_unpickler.describe(value)}")
    return bool(value)


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks,
                       metadata=None):
    t = _rebuild_tensor(storage, storage_offset, size, stride)
    if _flag(requires_grad):
        t.requires_grad_(True)
    return t


def _rebuild_tensor_v3(storage, storage_offset, size, stride, requires_grad, backward_hooks,
                       dtype, metadata=None):
    """torch._utils._rebuild_tensor_v3: a tensor of `dtype` over an untyped (byte) storage."""
    if not isinstance(dtype, _dt.dtype) or not isinstance(storage, TypedStorage):
        raise RuntimeError("invalid _rebuild_tensor_v3 arguments in checkpoint: "  # noqa: TRY004
                           f"{_unpickler.describe(storage)}, {_unpickler.describe(dtype)}")
    t = _rebuild_tensor(_as_dtype(storage, dtype), storage_offset, size, stride)
    if _flag(requires_grad):
        t.requires_grad_(True)
    return t


def _as_dtype(storage, dtype) -> TypedStorage:
    """The storage's bytes read as `dtype` (one shared view per dtype, so tensors share memory)."""
    np_dtype = dtype.np_dtype
    if storage._array.dtype == np_dtype:
        return storage
    views = storage._views = storage._views or {}
    view = views.get(dtype)
    if view is None:
        raw = storage._array
        if raw.nbytes % np_dtype.itemsize:
            raise RuntimeError(f"invalid storage in checkpoint: {raw.nbytes} bytes do not hold "
                               f"whole {dtype} elements")
        view = views[dtype] = TypedStorage(raw.reshape(-1).view(np_dtype))
    return view


def _rebuild_parameter(data, requires_grad, backward_hooks):
    from .nn.parameter import Parameter

    if not isinstance(data, Tensor):
        raise RuntimeError("invalid Parameter in checkpoint: "  # noqa: TRY004
                           f"{_unpickler.describe(data)}")
    return Parameter(data, _flag(requires_grad))


def _rebuild_parameter_with_state(data, requires_grad, backward_hooks, state):
    return _rebuild_parameter(data, requires_grad, backward_hooks)


def _rebuild_from_type_v2(func, new_type, args, state):
    """torch._tensor._rebuild_from_type_v2: rebuild with func, then set the type and attributes."""
    from .nn.parameter import Parameter

    if func not in (_rebuild_tensor_v2, _rebuild_tensor_v3, _rebuild_parameter,
                    _rebuild_tensor):  # allowlisted only
        raise _unpickler.refused(f"_rebuild_from_type_v2 with {_unpickler.describe(func)}")
    if type(args) is not tuple or not (new_type is Tensor or new_type is Parameter):
        raise _unpickler.refused("_rebuild_from_type_v2 of anything but a Tensor or Parameter")
    ret = func(*args)
    if new_type is Parameter and not isinstance(ret, Parameter):
        ret = Parameter(ret, ret.requires_grad)
    if state is not None and type(state) is not dict:
        raise _unpickler.refused(f"tensor state {_unpickler.describe(state)}")
    for k, v in (state or {}).items():
        if type(k) is not str or k.startswith("_") or hasattr(type(ret), k):
            raise _unpickler.refused(f"tensor attribute {_unpickler.describe(k)}")
        setattr(ret, k, v)
    return ret


def _get_layout(name):
    from . import strided

    if name != "torch.strided":
        raise RuntimeError(f"ember supports only the strided layout, not "
                           f"{_unpickler.describe(name)}")
    return strided


def _torch_names() -> dict:
    """(module, name) -> ember object for every torch global a checkpoint may name."""
    from .nn.parameter import Parameter

    names = {
        ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor_v2,
        ("torch._utils", "_rebuild_tensor_v3"): _rebuild_tensor_v3,
        ("torch._utils", "_rebuild_tensor"): _rebuild_tensor,
        ("torch._utils", "_rebuild_parameter"): _rebuild_parameter,
        ("torch._utils", "_rebuild_parameter_with_state"): _rebuild_parameter_with_state,
        ("torch._tensor", "_rebuild_from_type_v2"): _rebuild_from_type_v2,
        ("torch.serialization", "_get_layout"): _get_layout,
        ("torch.nn.parameter", "Parameter"): Parameter,
        ("torch", "Tensor"): Tensor,
        ("torch", "device"): _device,
        ("torch", "Size"): Size,
        ("torch", "UntypedStorage"): StorageType(_dt.uint8),
        ("torch.storage", "UntypedStorage"): StorageType(_dt.uint8),
    }
    for dname, sname in _STORAGE_NAMES.items():
        d = _dt._BY_NAME[dname]
        names["torch", sname] = StorageType(d)
    for dname, d in _dt._BY_NAME.items():  # every dtype, v3's too (uint16, float8_e4m3fn, ...)
        names["torch", dname] = d
    return names


_TORCH_NAMES: dict = {}
_GUARDS: dict = {}  # id(callable) -> (callable, argument check): what REDUCE may call


def _init_names() -> None:
    from .nn.parameter import Parameter

    _TORCH_NAMES.update(_torch_names())
    _GUARDS.update(_unpickler.builtin_guards(Size, _device, Parameter))
    for f in (_rebuild_tensor_v2, _rebuild_tensor_v3, _rebuild_tensor, _rebuild_parameter,
              _rebuild_parameter_with_state, _rebuild_from_type_v2, _get_layout):
        _GUARDS[id(f)] = (f, lambda args: None)  # each checks its own arguments


def _find_class(module: str, name: str):
    key = (module, name)
    obj = (_unpickler.SAFE_BUILTINS.get(key) or _TORCH_NAMES.get(key)
           or _user_globals.get(key))
    if obj is None:  # a torch path whose ember object the user allowed (torch.nn...Linear)
        mapped = ember_object(module, name)
        if mapped is not None and any(mapped is v for v in _user_globals.values()):
            return mapped
        raise _unpickler.forbidden(module, name)
    return obj


class _FullUnpickler(pickle.Unpickler):
    """weights_only=False: any global (torch names mapped to ember's). Runs arbitrary code."""

    def __init__(self, file, persistent_load, **kwargs) -> None:
        kwargs.setdefault("encoding", "utf-8")
        super().__init__(file, **kwargs)
        self.persistent_load = persistent_load

    def find_class(self, module, name):
        obj = _TORCH_NAMES.get((module, name))
        if obj is None:
            obj = ember_object(module, name)  # torch's classes and functions as ember's
        if obj is not None:
            return obj
        return super().find_class(module, name)


# ---- loading: files, records, storages ----------------------------------------------------------


class _Restorer:
    """Turns persistent ids into TypedStorages: reads each record once, maps its location."""

    def __init__(self, read_record, map_location, byteorder: str) -> None:
        self.read_record = read_record
        self.map_location = map_location
        self.swap = byteorder != sys.byteorder
        self.cache: dict = {}  # key -> (storage, dtype)

    def __call__(self, pid):
        if (type(pid) is not tuple or len(pid) not in (5, 6) or pid[0] not in ("storage",
                                                                               b"storage")
                or len(pid) == 6 and pid[5] is not None):
            raise pickle.UnpicklingError("Weights only load failed: unsupported persistent id "
                                         f"{_unpickler.describe(pid)}")
        _, stype, key, location, numel = pid[:5]
        if not isinstance(stype, StorageType):
            raise pickle.UnpicklingError("invalid storage type in checkpoint: "
                                         f"{_unpickler.describe(stype)}")
        if type(key) is not str or type(location) is not str or len(location) > 64:
            raise pickle.UnpicklingError("invalid storage key or location in checkpoint: "
                                         f"{_unpickler.describe(key)}, "
                                         f"{_unpickler.describe(location)}")
        cached = self.cache.get(key)
        if cached is not None:
            if cached[1] != stype.dtype:
                raise RuntimeError(f"storage {key[:100]!r} is used with two dtypes "
                                   f"({cached[1]} and {stype.dtype}): the checkpoint is corrupt")
            return cached[0]
        if type(numel) is not int or not 0 <= numel < _INT64 // 16:
            raise pickle.UnpicklingError("invalid storage size in checkpoint: "
                                         f"{_unpickler.describe(numel)}")
        flat = self.read_record(key, _dt.to_numpy_dtype(stype.dtype), numel)
        if self.swap:
            flat = flat.byteswap()
        storage = self._place(TypedStorage(flat), location)
        self.cache[key] = (storage, stype.dtype)
        return storage

    def _place(self, storage, location: str):
        ml = self.map_location
        if callable(ml) and not isinstance(ml, (str, _device)):
            result = ml(storage, location)
            if result is not None:
                if not isinstance(result, TypedStorage):
                    raise RuntimeError("map_location callable must return a storage or None, got "
                                       f"{type(result).__name__}")
                return result
            ml = None
        target = ml.get(location, location) if isinstance(ml, dict) else ml or location
        target = _device(target)
        if target.type == "cuda":
            from .backend import cuda_available

            if not cuda_available():
                raise RuntimeError(
                    "Attempting to deserialize object on a CUDA device but ember.cuda.is_available()"
                    " is False. If you are running on a CPU-only machine, please use ember.load "
                    "with map_location=ember.device('cpu') to map your storages to the CPU.")
        elif target.type != "cpu":
            raise RuntimeError(f"ember cannot place storages on device '{target}'")
        return storage.to(target) if target != storage.device else storage


def _load_zip(fh, name: str, map_location, weights_only: bool, mm, pickle_kwargs):
    ck = ZipCheckpoint(fh, name, mm)
    restorer = _Restorer(ck.storage, map_location, ck.byteorder)
    return _unpickle(ck.data_pkl, 0, name, restorer, weights_only, pickle_kwargs)[0]


def _unpickle(data: bytes, pos: int, name, restorer, weights_only: bool, pickle_kwargs):
    """(the object of the pickle at data[pos:], the position after its STOP opcode)."""
    if not weights_only:
        src = io.BytesIO(data)
        src.seek(pos)
        up = _FullUnpickler(src, restorer, **pickle_kwargs)
        try:
            return up.load(), src.tell()
        except (EOFError, struct.error) as e:
            raise _invalid(name, e) from e
    up = _unpickler.Unpickler(data, _find_class, restorer, _GUARDS, _user_globals.values(), pos)
    try:
        return up.load(), up.pos
    except RecursionError:
        raise pickle.UnpicklingError("Weights only load failed: the pickle nests too deeply") \
            from None
    except (pickle.UnpicklingError, RuntimeError):
        raise
    except (EOFError, ValueError, KeyError, IndexError, struct.error) as e:
        raise _invalid(name, e) from e
    except Exception as e:  # noqa: BLE001 - any other failure of a file is a refused load
        raise pickle.UnpicklingError(f"Weights only load failed: {type(e).__name__}: "
                                     f"{str(e)[:300]}") from None


def _load_legacy(fh, name, map_location, weights_only, pickle_kwargs):
    """torch's pre-1.6 format: magic, protocol, sys_info, data pickle, storage keys, raw storages.

    Tensors are rebuilt over empty storages that are filled once the raw data is reached; so
    storages load to the CPU only (map_location may name the CPU, or be a callable returning None).
    Those storages together may not claim more bytes than the rest of the file holds.
    """
    data, pos = fh.read(), 0

    def header():
        nonlocal pos
        obj, pos = _unpickle(data, pos, name, _no_pid, True, {})
        return obj

    if header() != _LEGACY_MAGIC:
        raise _invalid(name, "neither a zip archive nor torch's legacy format")
    if header() != 1001:
        raise RuntimeError(f"{name}: unsupported legacy checkpoint protocol")
    sys_info = header()
    little = not isinstance(sys_info, dict) or sys_info.get("little_endian", True)
    if not (map_location is None or callable(map_location) or map_location == _device("cpu")):
        raise RuntimeError("ember loads legacy (non-zip) checkpoints to the CPU only")
    arrays: dict = {}
    room = [len(data) - pos]  # bytes left for the storages

    def empty_record(key: str, np_dtype, numel: int):
        room[0] -= numel * np_dtype.itemsize
        if room[0] < 0:
            raise _invalid(name, "its storages claim more bytes than the file holds")
        arrays[key] = np.empty(numel, np_dtype)  # filled once the raw storages are reached
        return arrays[key]

    def on_cpu(storage, location):  # a callable map_location may look, but not move
        moved = map_location(storage, location) if callable(map_location) else None
        if moved is not None and moved is not storage:
            raise RuntimeError("ember loads legacy (non-zip) checkpoints to the CPU only")
        return storage

    restorer = _Restorer(empty_record, on_cpu, sys.byteorder)
    obj, pos = _unpickle(data, pos, name, restorer, weights_only, pickle_kwargs)
    keys = header()
    if type(keys) is not list or not all(type(k) is str for k in keys):
        raise _invalid(name, "bad storage key list")
    for key in keys:
        if pos + 8 > len(data):
            raise _invalid(name, f"storage {key[:100]} is missing")
        (numel,) = struct.unpack_from("<q" if little else ">q", data, pos)
        out = arrays.get(key)
        if out is None or out.size != numel:
            raise _invalid(name, f"storage {key[:100]} does not match the data pickle")
        pos += 8
        if pos + out.nbytes > len(data):
            raise _invalid(name, f"storage {key[:100]} is cut short")
        out.view(np.uint8)[:] = np.frombuffer(data, np.uint8, out.nbytes, pos)
        pos += out.nbytes
        if little != (sys.byteorder == "little"):
            out.byteswap(inplace=True)
    return obj


def _no_pid(pid):
    raise pickle.UnpicklingError("unexpected persistent id in a checkpoint header")


def load(f, map_location=None, pickle_module=None, *, weights_only: bool | None = True,
         mmap: bool | None = None, **pickle_load_args):
    """Load an object saved by ember.save or torch.save (zip format; legacy format read too).

    weights_only=True (the default) unpickles only tensors, Parameters, containers and primitives
    (plus globals allowed with add_safe_globals). WARNING: weights_only=False uses full pickle,
    which can execute arbitrary code from the file: use it only on files you trust.
    map_location: a device string/ember.device, a dict {saved location: new location}, or a
    callable (storage, location) -> storage or None. mmap=True maps a file path's storages
    copy-on-write instead of reading them (zip format, uncompressed records).
    """
    if not _TORCH_NAMES:
        _init_names()
    if weights_only is None:
        weights_only = True
    if weights_only:
        if pickle_module is not None:
            raise RuntimeError("Can not safely load weights when explicit pickle_module is "
                               "specified")
        if pickle_load_args:
            raise TypeError(f"load() got unexpected keyword arguments "
                            f"{sorted(pickle_load_args)} with weights_only=True")
    else:
        if pickle_module is not None and pickle_module is not pickle:
            raise ValueError("ember.load supports only the standard pickle module")
    if isinstance(map_location, str) or isinstance(map_location, int) and not isinstance(
            map_location, bool):
        map_location = _device(map_location)
    is_path = isinstance(f, (str, os.PathLike))
    if mmap and not is_path:
        raise ValueError("f must be a file path in order to use the mmap argument")
    name = repr(os.fspath(f)) if is_path else "the file object"
    with open(f, "rb") if is_path else contextlib.nullcontext(f) as fh:
        if not (getattr(fh, "seekable", None) and fh.seekable()):
            fh = io.BytesIO(fh.read())
        start = fh.tell()
        magic = fh.read(4)
        fh.seek(start)
        if not magic:
            raise _invalid(name, "the file is empty")
        if magic == b"PK\x03\x04":
            mm = _mmap.mmap(fh.fileno(), 0, access=_mmap.ACCESS_COPY) if mmap else None
            return _load_zip(fh, name, map_location, weights_only, mm, pickle_load_args)
        if mmap:
            raise RuntimeError("mmap can only be used with files saved with "
                               "`torch.save(_use_new_zipfile_serialization=True)`")
        return _load_legacy(fh, name, map_location, weights_only, pickle_load_args)
