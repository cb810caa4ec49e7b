"""torch.cuda.FloatTensor ... and torch.cuda.FloatStorage ...: the legacy CUDA type names.

Each tensor type is an isinstance check (dtype and a cuda device) and, with a GPU, a constructor;
without one, constructing raises torch's CPU-build TypeError. The sparse flavours
(torch.cuda.sparse.*) never match a dense tensor.
"""
from __future__ import annotations

import warnings

from .. import _dtype as _dt
from .. import backend as _backend
from .._legacy_types import tensortype
from .._tensor import Tensor

_NOT_COMPILED = "Torch not compiled with CUDA enabled"


class _CudaTensorType(tensortype):
    """Legacy CUDA tensor types: isinstance holds for a dense tensor of the dtype on a GPU."""

    def __instancecheck__(cls, obj) -> bool:
        return (not cls.is_sparse and isinstance(obj, Tensor) and obj.dtype is cls.dtype
                and obj.device.type == "cuda")

    def __call__(cls, *args, device=None):
        if cls.is_sparse or not _backend.cuda_available():
            raise TypeError(f"type {cls._qualified} not available. {_NOT_COMPILED}.")
        return tensortype.__call__(cls, *args, device=device or "cuda")

    def __repr__(cls) -> str:
        return f"<class '{cls._qualified}'>"


_DTYPES = {"Float": _dt.float32, "Double": _dt.float64, "Half": _dt.float16,
           "BFloat16": _dt.bfloat16, "Byte": _dt.uint8, "Char": _dt.int8, "Short": _dt.int16,
           "Int": _dt.int32, "Long": _dt.int64, "Bool": _dt.bool}


def _tensor_type(prefix: str, sparse: bool) -> _CudaTensorType:
    module = "torch.cuda.sparse" if sparse else "torch.cuda"
    name = f"{prefix}Tensor"
    return _CudaTensorType(name, (), {
        "dtype": _DTYPES[prefix], "is_cuda": True, "is_sparse": sparse,
        "__module__": module.replace("torch", "ember"), "_qualified": f"{module}.{name}"})


DENSE = {f"{p}Tensor": _tensor_type(p, False) for p in _DTYPES}
SPARSE = {f"{p}Tensor": _tensor_type(p, True) for p in _DTYPES if p != "Bool"}


_DEPRECATED = ("TypedStorage is deprecated. It will be removed in the future and UntypedStorage "
               "will be the only storage class. This should only matter to you if you are using "
               "storages directly.  To access UntypedStorage directly, use "
               "tensor.untyped_storage() instead of tensor.storage()")


class _StorageType(type):
    def __repr__(cls) -> str:
        return f"<class 'torch.cuda.{cls.__name__}'>"


class _CudaLegacyStorage(metaclass=_StorageType):
    """The base of torch.cuda.FloatStorage ...: a typed storage on a GPU."""

    dtype = None
    is_cuda = True
    is_sparse = False

    def __new__(cls, *args, **kwargs):
        warnings.warn(_DEPRECATED, UserWarning, stacklevel=2)
        if not _backend.cuda_available():
            raise AssertionError(_NOT_COMPILED)
        from .._storage import TypedStorage
        return TypedStorage(*args, dtype=cls.dtype, device="cuda", **kwargs)


_STORAGE_DTYPES = dict(_DTYPES, ComplexFloat=_dt.complex64, ComplexDouble=_dt.complex128)
STORAGES = {f"{p}Storage": _StorageType(f"{p}Storage", (_CudaLegacyStorage,),
                                         {"dtype": d, "__module__": "ember.cuda"})
            for p, d in _STORAGE_DTYPES.items()}
