"""ember: PyTorch's API and behaviour in pure Python on NumPy. `import ember as torch`."""
from __future__ import annotations

from . import _dtype as _dtype_mod
from .autograd import enable_grad, inference_mode, no_grad, set_grad_enabled
from .autograd.anomaly import is_anomaly_enabled, set_detect_anomaly
from .autograd.grad_mode import is_grad_enabled, is_inference_mode_enabled
from .device import device
from ._dtype import (bfloat16, bool, double, dtype, finfo, float, float16, float32, float64,
                    get_default_dtype, half, iinfo, int, int8, int16, int32, int64, long,
                    promote_types, set_default_dtype, short, uint8)
from .ops.creation import (arange, as_tensor, asarray, empty, empty_like, empty_strided, eye,
                           from_numpy, full, full_like, linspace, logspace, ones, ones_like, range,
                           scalar_tensor, tensor, zeros, zeros_like)
from .ops.conversion import clone
from .ops.elementwise import (add, div, divide, exp, log, mul, multiply, neg, negative, pow, sub,
                              subtract, true_divide, where)
from .ops.linalg import matmul, mm
from .ops.reduction import mean, sum
from .ops.shape import permute, reshape, swapaxes, swapdims, t, transpose
from .size import Size
from ._tensor import Tensor
from . import autograd  # noqa: E402

__version__ = "0.1.0"


class _Layout:
    """torch.strided: the only layout ember has."""

    def __repr__(self) -> str:
        return "torch.strided"


strided = _Layout()


def is_tensor(obj) -> bool:
    return isinstance(obj, Tensor)


def numel(input: Tensor) -> int:
    return input.numel()


def result_type(tensor1, tensor2) -> dtype:
    return _dtype_mod.result_type(tensor1, tensor2)


def can_cast(from_: dtype, to: dtype) -> bool:
    return from_._category <= to._category


def is_floating_point(input: Tensor) -> bool:
    return input.is_floating_point()


__all__ = [
    "Tensor", "Size", "device", "dtype", "autograd", "strided",
    "bfloat16", "bool", "double", "float", "float16", "float32", "float64", "half", "int",
    "int8", "int16", "int32", "int64", "long", "short", "uint8",
    "finfo", "iinfo", "get_default_dtype", "set_default_dtype", "promote_types", "result_type",
    "can_cast", "is_tensor", "is_floating_point", "numel",
    "no_grad", "enable_grad", "set_grad_enabled", "inference_mode", "is_grad_enabled",
    "is_inference_mode_enabled", "set_detect_anomaly", "is_anomaly_enabled",
    "tensor", "as_tensor", "asarray", "from_numpy", "scalar_tensor", "zeros", "ones", "full",
    "empty", "empty_strided", "zeros_like", "ones_like", "full_like", "empty_like", "arange",
    "range", "linspace", "logspace", "eye", "clone",
    "add", "sub", "subtract", "mul", "multiply", "div", "divide", "true_divide", "neg",
    "negative", "pow", "exp", "log", "where", "matmul", "mm", "sum", "mean", "reshape",
    "transpose", "swapaxes", "swapdims", "permute", "t",
]
