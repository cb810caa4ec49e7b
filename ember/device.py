"""ember.device('cpu' | 'cuda:0'): parsing, equality and printing as PyTorch has them; the
default device of the tensor factories (set_default_device, or `with torch.device(...):`)."""
from __future__ import annotations

from typing import Self

# The device factories use when none is given ([None]: cpu), in a list that factories import and
# read directly; `with device(...)` blocks push the defaults they replace on _stack.
DEFAULT: list = [None]
_stack: list = []

_KNOWN_TYPES = ("cpu", "cuda", "meta", "mps", "xpu")


class device:
    """Where a tensor lives: `device(type='cpu')` or `device(type='cuda', index=0)`."""

    __slots__ = ("index", "type")

    def __init__(self, type, index: int | None = None) -> None:
        if isinstance(type, device):
            self.type, self.index = type.type, type.index
            return
        if isinstance(type, int) and not isinstance(type, bool):
            from .backend import cuda_available

            if not cuda_available():
                raise RuntimeError("Cannot access accelerator device when none is available.")
            type, index = "cuda", type
        if not isinstance(type, str) or (index is not None and (
                not isinstance(index, int) or isinstance(index, bool))):
            got = ", ".join(t.__name__ for t in (builtins_type(type), builtins_type(index))
                            if t is not None)
            raise TypeError(f"device() received an invalid combination of arguments - got ({got})")
        name, colon, idx = type.partition(":")
        if name not in _KNOWN_TYPES:
            if name.strip() in _KNOWN_TYPES or not name.isalpha():
                raise RuntimeError(f"Invalid device string: '{type}'")
            raise RuntimeError(
                "Expected one of cpu, cuda, ipu, xpu, mkldnn, opengl, opencl, ideep, hip, ve, fpga, "
                f"maia, xla, lazy, vulkan, mps, meta, hpu, mtia, privateuseone device type at start "
                f"of device string: {type}"
            )
        if colon:
            if not idx.isdigit() or (len(idx) > 1 and idx[0] == "0"):
                raise RuntimeError(f"Invalid device string: '{type}'")
            if index is not None:
                raise RuntimeError(f"type (string) must not include an index because index was "
                                   f"passed explicitly: {type}")
            index = int(idx)
        if index is not None and index < 0:
            raise RuntimeError("Device index must not be negative")
        self.type, self.index = name, index

    def __eq__(self, other) -> bool:
        return isinstance(other, device) and self.type == other.type and self.index == other.index

    def __hash__(self) -> int:
        return hash((self.type, self.index))

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __repr__(self) -> str:
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __reduce__(self):
        return (device, (self.type, self.index))

    def __enter__(self) -> Self:
        """Within the block, tensor factories create on this device (torch's device context)."""
        _stack.append(DEFAULT[0])
        DEFAULT[0] = None if self.type == "cpu" and self.index is None else self
        return self

    def __exit__(self, *exc) -> None:
        DEFAULT[0] = _stack.pop()


def set_default_device(device_) -> None:
    """The device tensor factories use when none is given (None: back to cpu)."""
    d = None if device_ is None else as_device(device_)
    DEFAULT[0] = None if d is not None and d.type == "cpu" and d.index is None else d


def get_default_device() -> device:
    """The device factories use when none is given."""
    default = DEFAULT[0]
    if default is None:
        return CPU
    if default.type == "cuda" and default.index is None:
        from .backend import cuda_available

        if not cuda_available():
            raise AssertionError("Torch not compiled with CUDA enabled")
        return device("cuda", 0)
    return default


def builtins_type(x):
    """The class of an argument for error messages (None stays None)."""
    return None if x is None else x.__class__


CPU = device("cpu")


def as_device(d) -> device:
    """Normalise a device argument (str, int, device, None) to a device object."""
    if d is None:
        return CPU
    if d.__class__ is device:
        return d
    return device(d)
