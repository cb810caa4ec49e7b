"""Flatten parameters into one vector and back (torch.nn.utils.convert_parameters)."""
from __future__ import annotations

from ..._tensor import Tensor
from ..._typename import typename as _typename
from ...ops.shape import cat as _cat

__all__ = ["parameters_to_vector", "vector_to_parameters"]


def _check_param_device(param: Tensor, old_param_device):
    """-1 for CPU, the CUDA index otherwise; parameters must all live on one device."""
    device = param.device
    here = device.index if device.type == "cuda" else -1
    if old_param_device is None:
        return here
    if here != old_param_device:
        raise TypeError("Found two parameters on different devices, this is currently not "
                        "supported.")
    return old_param_device


def parameters_to_vector(parameters) -> Tensor:
    """One 1-D tensor of all parameters, in iteration order (differentiable)."""
    param_device = None
    vec = []
    for param in parameters:
        param_device = _check_param_device(param, param_device)
        vec.append(param.view(-1))
    return _cat(vec)


def vector_to_parameters(vec: Tensor, parameters) -> None:
    """Point each parameter's `.data` at its slice of vec."""
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {_typename(vec)}")
    param_device = None
    pointer = 0
    for param in parameters:
        param_device = _check_param_device(param, param_device)
        num_param = param.numel()
        param.data = vec[pointer:pointer + num_param].view_as(param).data
        pointer += num_param
