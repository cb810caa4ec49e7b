"""Helpers shared by the transform classes: argument checks and torchvision's random draws."""
from __future__ import annotations

import numbers
from collections.abc import Sequence

import ember
from ember import Tensor, nn

from .functional import InterpolationMode, _interpolation_modes_from_int

_SIZE_ERROR = "Please provide only two dimensions (h, w) for size."


def _setup_size(size, error_msg):
    if isinstance(size, numbers.Number):
        return int(size), int(size)
    if isinstance(size, Sequence) and len(size) == 1:
        return size[0], size[0]
    if len(size) != 2:
        raise ValueError(error_msg)
    return size


def _blur_kernel_size(kernel_size) -> tuple[int, int]:
    """GaussianBlur's (kx, ky): odd and positive."""
    size = _setup_size(kernel_size, "Kernel size should be a tuple/list of two integers")
    for ks in size:
        if ks <= 0 or ks % 2 == 0:
            raise ValueError("Kernel size value should be an odd and positive number.")
    return size


def _check_sequence_input(x, name, req_sizes):
    msg = req_sizes[0] if len(req_sizes) < 2 else " or ".join([str(s) for s in req_sizes])
    if not isinstance(x, Sequence):
        raise TypeError(f"{name} should be a sequence of length {msg}.")
    if len(x) not in req_sizes:
        raise ValueError(f"{name} should be a sequence of length {msg}.")


def _setup_angle(x, name, req_sizes=(2,)):
    if isinstance(x, numbers.Number):
        if x < 0:
            raise ValueError(f"If {name} is a single number, it must be positive.")
        x = [-x, x]
    else:
        _check_sequence_input(x, name, req_sizes)
    return [float(d) for d in x]


def _interpolation(interpolation) -> InterpolationMode:
    return _interpolation_modes_from_int(interpolation) if isinstance(interpolation, int) \
        else interpolation


def _check_fill(fill):
    if fill is None:
        return 0
    if not isinstance(fill, (Sequence, numbers.Number)):
        raise TypeError("Fill should be either a sequence or a number.")
    return fill


def _tensor_fill(img, fill, channels: int):
    """Tensors take one float fill per channel."""
    if not isinstance(img, Tensor):
        return fill
    if isinstance(fill, (int, float)):
        return [float(fill)] * channels
    return [float(f) for f in fill]


def _uniform(low: float, high: float) -> float:
    return float(ember.empty(1).uniform_(low, high).item())


def _randint(low: int, high: int) -> int:
    return int(ember.randint(low, high, size=(1,)).item())


def _listing(name: str, transforms, head: str = "") -> str:
    text = name + "(" + head
    for t in transforms:
        text += f"\n    {t}"
    return text + "\n)"


def _random_box(area: int, scale, ratio) -> tuple[float, float]:
    """One (target area, aspect ratio) draw of RandomResizedCrop and RandomErasing."""
    log_ratio = ember.log(ember.tensor(ratio))
    target_area = area * ember.empty(1).uniform_(scale[0], scale[1]).item()
    aspect = ember.exp(ember.empty(1).uniform_(float(log_ratio[0]), float(log_ratio[1]))).item()
    return target_area, aspect


class _RandomApplyOne(nn.Module):
    """Apply `_op` with probability p (one ember.rand(1) draw)."""

    def __init__(self, p=0.5) -> None:
        super().__init__()
        self.p = p

    def forward(self, img):
        if ember.rand(1).item() < self.p:
            return self._op(img)
        return img

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}(p={self.p})"
