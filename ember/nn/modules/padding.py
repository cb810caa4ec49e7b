"""Padding layers: Zero/Constant/Reflection/Replication/Circular Pad1d/2d/3d (thin over F.pad)."""
from __future__ import annotations

from .. import functional as F
from .module import Module

__all__ = ["CircularPad1d", "CircularPad2d", "CircularPad3d", "ConstantPad1d", "ConstantPad2d",
           "ConstantPad3d", "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d",
           "ReplicationPad1d", "ReplicationPad2d", "ReplicationPad3d", "ZeroPad1d", "ZeroPad2d",
           "ZeroPad3d"]


def _pads(padding, n: int) -> tuple:
    """An int repeated 2n times, or the given 2n-sequence as a tuple."""
    if isinstance(padding, (list, tuple)):
        return tuple(padding)
    return (padding,) * (2 * n)


class _PadNd(Module):
    """Shared storage, forward and repr: padding is a 2n-tuple (left, right, top, ...)."""

    _n = 1
    _mode = "constant"

    def __init__(self, padding) -> None:
        super().__init__()
        self.padding = _pads(padding, self._n)

    def forward(self, input):
        return F.pad(input, self.padding, self._mode)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class _ConstantPadNd(_PadNd):
    def __init__(self, padding, value: float) -> None:
        super().__init__(padding)
        self.value = value

    def forward(self, input):
        return F.pad(input, self.padding, "constant", self.value)

    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"


class ConstantPad1d(_ConstantPadNd):
    """Pad the last dim with a constant."""

    _n = 1


class ConstantPad2d(_ConstantPadNd):
    """Pad the last 2 dims with a constant."""

    _n = 2


class ConstantPad3d(_ConstantPadNd):
    """Pad the last 3 dims with a constant."""

    _n = 3


class _ZeroPadNd(_ConstantPadNd):
    def __init__(self, padding) -> None:
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class ZeroPad1d(_ZeroPadNd):
    """Pad the last dim with zeros."""

    _n = 1


class ZeroPad2d(_ZeroPadNd):
    """Pad the last 2 dims with zeros."""

    _n = 2


class ZeroPad3d(_ZeroPadNd):
    """Pad the last 3 dims with zeros."""

    _n = 3


class ReflectionPad1d(_PadNd):
    """Reflect the last dim at its borders."""

    _n, _mode = 1, "reflect"


class ReflectionPad2d(_PadNd):
    """Reflect the last 2 dims at their borders."""

    _n, _mode = 2, "reflect"


class ReflectionPad3d(_PadNd):
    """Reflect the last 3 dims at their borders."""

    _n, _mode = 3, "reflect"


class ReplicationPad1d(_PadNd):
    """Repeat the border values of the last dim."""

    _n, _mode = 1, "replicate"


class ReplicationPad2d(_PadNd):
    """Repeat the border values of the last 2 dims."""

    _n, _mode = 2, "replicate"


class ReplicationPad3d(_PadNd):
    """Repeat the border values of the last 3 dims."""

    _n, _mode = 3, "replicate"


class _CircularPadNd(_PadNd):
    _mode = "circular"

    def forward(self, input):
        if input.dim() not in (self._n + 1, self._n + 2):
            raise ValueError(f"expected {self._n + 1}D or {self._n + 2}D input "
                             f"(got {input.dim()}D input)")
        return F.pad(input, self.padding, "circular")


class CircularPad1d(_CircularPadNd):
    """Wrap the last dim around (periodic padding)."""

    _n = 1


class CircularPad2d(_CircularPadNd):
    """Wrap the last 2 dims around (periodic padding)."""

    _n = 2


class CircularPad3d(_CircularPadNd):
    """Wrap the last 3 dims around (periodic padding)."""

    _n = 3
