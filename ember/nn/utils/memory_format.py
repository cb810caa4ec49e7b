"""convert_conv2d/3d_weight_memory_format: re-lay conv weights in a memory format, recursively."""
from __future__ import annotations

from ..modules.conv import Conv2d, Conv3d, ConvTranspose2d, ConvTranspose3d

__all__ = ["convert_conv2d_weight_memory_format", "convert_conv3d_weight_memory_format"]


def _convert(module, memory_format, kinds):
    """Give every `kinds` layer under `module` (itself included) a weight in `memory_format`."""
    if isinstance(module, kinds):
        weight = module.weight.detach().clone(memory_format=memory_format)
        module.weight.data = weight.resize_(weight.size(), memory_format=memory_format)
    for child in module.children():
        _convert(child, memory_format, kinds)
    return module


def convert_conv2d_weight_memory_format(module, memory_format):
    """Convert the weights of every Conv2d / ConvTranspose2d in `module` to `memory_format`."""
    return _convert(module, memory_format, (Conv2d, ConvTranspose2d))


def convert_conv3d_weight_memory_format(module, memory_format):
    """Convert the weights of every Conv3d / ConvTranspose3d in `module` to `memory_format`."""
    return _convert(module, memory_format, (Conv3d, ConvTranspose3d))
