"""Top-level forms of small Tensor queries and detaches torch exposes as functions."""
from __future__ import annotations

from ._tensor import Tensor

__all__ = ["detach", "detach_", "get_device", "is_inference", "is_nonzero", "is_same_size",
           "is_signed", "is_storage"]


def is_nonzero(input: Tensor) -> bool:
    """bool() of a one-element tensor (RuntimeError for other sizes, as torch)."""
    n = input.numel()
    if n == 0:
        raise RuntimeError("Boolean value of Tensor with no values is ambiguous")
    if n > 1:
        raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
    return bool(input.item())


def is_same_size(input: Tensor, other: Tensor) -> bool:
    return tuple(input.shape) == tuple(other.shape)


def is_signed(input: Tensor) -> bool:
    return input.is_signed()


def is_inference(input: Tensor) -> bool:
    flag = input.is_inference
    return flag() if callable(flag) else bool(flag)


def get_device(input: Tensor) -> int:
    return input.get_device()


def is_storage(obj) -> bool:
    """Whether obj is a storage object: a tensor's (typed or untyped) storage, or the TypedStorage
    of a loaded checkpoint."""
    from . import _storage
    from .serialization import TypedStorage

    return isinstance(obj, (TypedStorage, _storage.TypedStorage, _storage.UntypedStorage))


def detach(input: Tensor) -> Tensor:
    return input.detach()


def detach_(input: Tensor) -> Tensor:
    return input.detach_()
