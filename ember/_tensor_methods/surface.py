"""Tensor methods of storage and identity (storage, untyped_storage, set_, share_memory_,
is_set_to, dim_order), index_reduce, and the flags and removed methods torch still answers for
(volatile, solve, reinforce, xpu, record_stream) with torch's results and errors."""
from __future__ import annotations

import warnings

import numpy as np

from ..autograd.grad_mode import no_grad
from ..ops import _op
from ._lazy import LazyModule

_so = LazyModule(globals(), "_so", "ember.ops.surface_ops")
_storage = LazyModule(globals(), "_storage", "ember._storage")


def _bytes_view(raw: np.ndarray, offset_bytes: int, shape, strides_bytes, np_dtype):
    """An array of np_dtype over raw bytes (a storage) at the given byte offset and strides."""
    return np.ndarray(tuple(shape), dtype=np_dtype, buffer=raw, offset=offset_bytes,
                      strides=tuple(strides_bytes))


class SurfaceMethods:
    __slots__ = ()

    # ---- storage ------------------------------------------------------------------------------
    def untyped_storage(self) -> _storage.UntypedStorage:
        """The bytes of the allocation this tensor views (shared, not copied)."""
        return _storage.UntypedStorage._wrap(_storage.storage_bytes(self._host())[0])

    def storage(self) -> _storage.TypedStorage:
        """The storage as elements of this tensor's dtype (torch's deprecated TypedStorage)."""
        _storage._warn_typed_storage()
        return _storage.TypedStorage(wrap_storage=self.untyped_storage(), dtype=self.dtype,
                                     _internal=True)

    def storage_type(self):
        return getattr(_storage, _storage._LEGACY_NAMES[self.dtype.name])

    def is_shared(self) -> bool:
        return _storage.is_shared_memory(self._host())

    def share_memory_(self):
        """Move the storage to shared memory, where fork()ed workers see this tensor's writes."""
        a = self._data
        if a.__class__ is np.ndarray and not _storage.is_shared_memory(a):
            raw, offset = _storage.storage_bytes(a)
            self._data = _bytes_view(_storage.shared_copy(raw), offset, a.shape, a.strides,
                                     a.dtype)
        return self

    def set_(self, source=None, storage_offset: int = 0, size=None, stride=None):
        """Make this tensor view `source` (a tensor or a storage), or nothing at all."""
        np_dtype = self._data.dtype
        if source is None:
            self._data = np.empty(0, dtype=np_dtype)
            self._base = None
        elif isinstance(source, SurfaceMethods):
            if source.dtype is not self.dtype:
                raise RuntimeError(f"Could not set tensor of type {self.dtype} to a tensor of "
                                   f"type {source.dtype}")
            self._data = source._data
            self._base = source._base if source._base is not None else _op._new_tensor(
                source._data)
        else:
            if isinstance(source, _storage.TypedStorage):
                if source.dtype is not self.dtype:
                    raise RuntimeError(f"Expected a Storage of type {self.dtype} but got type "
                                       f"{source.dtype} for argument 1 'storage'")
                source = source.untyped()
            raw = source._bytes
            item = np_dtype.itemsize
            size = (raw.size // item - storage_offset,) if size is None else tuple(size)
            if stride is None:
                stride = [1] * len(size)
                for d in range(len(size) - 2, -1, -1):
                    stride[d] = stride[d + 1] * max(size[d + 1], 1)
            need = (storage_offset + sum((n - 1) * s for n, s in zip(size, stride)) + 1) * item \
                if all(size) else 0
            if need > raw.size:  # torch grows the storage to fit
                grown = np.zeros(need, dtype=np.uint8)
                grown[:raw.size] = raw
                source._bytes = raw = grown
            self._data = _bytes_view(raw, storage_offset * item, size,
                                     [s * item for s in stride], np_dtype)
            # storage_offset() counts from the storage's first element
            self._base = _op._new_tensor(raw[:raw.size - raw.size % item].view(np_dtype))
        self._vbox[0] += 1
        return self

    def is_set_to(self, tensor) -> bool:
        """Same storage, offset, sizes and strides."""
        return (self.untyped_storage().data_ptr() == tensor.untyped_storage().data_ptr()
                and self.data_ptr() == tensor.data_ptr() and self.shape == tensor.shape
                and self.stride() == tensor.stride())

    def const_data_ptr(self) -> int:
        return self.data_ptr()

    def dim_order(self, *, ambiguity_check=False) -> tuple:
        """Dims from outermost to innermost in memory (largest stride first, ties in order)."""
        strides = self.stride()
        return tuple(sorted(range(self.dim()), key=lambda d: -strides[d]))

    # ---- index_reduce, nonzero_static, slice_inverse, resize ---------------------------------
    def index_reduce(self, dim: int, index, source, reduce: str, *, include_self: bool = True):
        return _so.index_reduce(self, dim, index, source, reduce, include_self=include_self)

    def index_reduce_(self, dim: int, index, source, reduce: str, *, include_self: bool = True):
        return self.copy_(_so.index_reduce(self, dim, index, source, reduce,
                                           include_self=include_self))

    def hash_tensor(self, dim=(), *, keepdim: bool = False, mode: int = 0):
        return _so.hash_tensor(self, dim, keepdim=keepdim, mode=mode)

    def nonzero_static(self, *, size: int, fill_value: int = -1):
        return _so.nonzero_static(self, size=size, fill_value=fill_value)

    def slice_inverse(self, src, dim: int = 0, start=None, end=None, step: int = 1):
        return _so.slice_inverse(self, src, dim, start, end, step)

    def as_strided_(self, size, stride, storage_offset=None):
        return _so.as_strided_(self, size, stride, storage_offset)

    def resize(self, *sizes):
        """Deprecated out-of-place resize: the elements in a new shape of the same count."""
        warnings.warn("non-inplace resize is deprecated", UserWarning, stacklevel=2)
        if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
            sizes = tuple(sizes[0])
        return self.reshape(sizes)

    def resize_as(self, tensor):
        warnings.warn("non-inplace resize_as is deprecated", UserWarning, stacklevel=2)
        return self.reshape(tensor.shape)

    def to_dense(self, dtype=None, *, masked_grad=None):
        """A strided tensor is already dense: itself (in `dtype` when given)."""
        return self if dtype is None else self.to(dtype)

    # ---- identity and flags -------------------------------------------------------------------
    def is_nonzero(self) -> bool:
        n = self.numel()
        if n != 1:
            what = "no values" if n == 0 else "more than one value"
            raise RuntimeError(f"Boolean value of Tensor with {what} is ambiguous")
        return bool(self.item())

    def is_same_size(self, other) -> bool:
        return self.shape == other.shape

    def is_distributed(self) -> bool:
        return False

    is_maia = is_xla = property(lambda self: False)

    @property
    def name(self):
        return None

    @property
    def grad_dtype(self):
        """The dtype gradients accumulate in (this tensor's own unless set)."""
        return self.__dict__.get("_grad_dtype", self.dtype)

    @grad_dtype.setter
    def grad_dtype(self, value) -> None:
        self.__dict__["_grad_dtype"] = value

    @property
    def volatile(self) -> bool:
        warnings.warn("volatile was removed (Variable.volatile is always False)", UserWarning,
                      stacklevel=2)
        return False

    @volatile.setter
    def volatile(self, value) -> None:
        warnings.warn("volatile was removed and now has no effect. Use `with torch.no_grad():` "
                      "instead.", UserWarning, stacklevel=2)

    def as_subclass(self, cls):
        """This tensor's data and history as an instance of the Tensor subclass cls."""
        if not (isinstance(cls, type) and issubclass(cls, SurfaceMethods)):
            raise TypeError(f"as_subclass(): argument 'cls' must be a subclass of Tensor, not "
                            f"{cls!r}")
        t = object.__new__(cls)
        for slot in ("_data", "_requires_grad", "_grad_fn", "_vbox", "_base", "_view_of"):
            setattr(t, slot, getattr(self, slot))
        if self._output_nr:
            t._output_nr = self._output_nr
        return t

    def module_load(self, other, assign: bool = False):
        """How load_state_dict brings `other` into this parameter: copied in, or taken (assign)."""
        if assign:
            return other.detach()
        with no_grad():
            self.copy_(other)
        return self.detach()

    # ---- devices and APIs torch removed -------------------------------------------------------
    def xpu(self, device=None, non_blocking: bool = False, memory_format=None):
        raise AssertionError("Torch not compiled with XPU enabled")

    def mtia(self, device=None, non_blocking: bool = False, memory_format=None):
        raise AssertionError("Torch not compiled with MTIA enabled")

    def ipu(self, device=None, non_blocking: bool = False, memory_format=None):
        raise RuntimeError("PyTorch is not linked with support for ipu devices")

    def record_stream(self, stream) -> None:
        raise NotImplementedError("Could not run 'aten::record_stream' with arguments from the "
                                  "'CPU' backend.")

    def to_padded_tensor(self, padding: float, output_size=None):
        raise NotImplementedError("Could not run 'aten::to_padded_tensor' with arguments from "
                                  "the 'CPU' backend (it pads nested tensors only).")

    def solve(self, other):
        raise RuntimeError("This function was deprecated since version 1.9 and is now removed. "
                           "`torch.solve` is deprecated in favor of `torch.linalg.solve`. "
                           "`torch.linalg.solve` has its arguments reversed and does not return "
                           "the LU factorization.")

    def reinforce(self, reward):
        raise RuntimeError("reinforce() was removed.\nUse torch.distributions instead.\nSee "
                           "https://pytorch.org/docs/main/distributions.html")
