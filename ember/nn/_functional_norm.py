"""nn.functional's normalizations: torch's argument checks for batch, layer and group norm before
ember.ops.normalization computes them, and instance, RMS and local response norm and normalize,
which PyTorch also composes from other ops."""
from __future__ import annotations

import math

from .._tensor import Tensor
from ..ops import normalization as _ops
from ..ops.elementwise import div
from ..ops.shape import cat

__all__ = ["batch_norm", "group_norm", "instance_norm", "layer_norm", "local_response_norm",
           "normalize", "rms_norm"]

_CAP = {"float16": "Half", "bfloat16": "BFloat16", "float32": "Float", "float64": "Double",
        "int8": "Char", "uint8": "Byte", "int16": "Short", "int32": "Int", "int64": "Long",
        "bool": "Bool", "complex64": "ComplexFloat", "complex128": "ComplexDouble"}


# ---- argument checks -------------------------------------------------------------------------


def _check_float(name, t, kernel):
    if not t.dtype.is_floating_point:
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{_CAP[t.dtype.name]}'")


def _check_same_dtype(x, *params):
    if x.dtype.itemsize == 2 and all(p is None or p.dtype.name == "float32" for p in params):
        return  # torch's CPU mixed type: a half-precision input with float32 parameters
    for p in params:
        if p is not None and p.dtype is not x.dtype:
            raise RuntimeError("mixed dtype (CPU): expect parameter to have scalar type of "
                               f"{_CAP[x.dtype.name]}")


def _verify_batch_size(shape) -> None:
    n = math.prod(shape[:1]) * math.prod(shape[2:])
    if n == 1:
        raise ValueError(f"Expected more than 1 value per channel when training, got input size "
                         f"torch.Size({list(shape)})")


# ---- batch norm ------------------------------------------------------------------------------


def batch_norm(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None,
               weight: Tensor | None = None, bias: Tensor | None = None, training: bool = False,
               momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Normalise each channel (dim 1) by batch statistics (training) or running ones (eval).

    In training the running stats, when given, move by `momentum` towards the batch mean and the
    unbiased batch variance, in place.
    """
    if training:
        _verify_batch_size(tuple(input.shape))
    if not isinstance(momentum, (int, float)) or isinstance(momentum, bool):
        raise TypeError(f"batch_norm(): argument 'momentum' (position 7) must be float, not "
                        f"{type(momentum).__name__}")
    _check_float("batch_norm", input, "batch_norm")
    x = input._data
    c = x.shape[1] if x.ndim > 1 else 0
    for name, t in (("running_mean", running_mean), ("running_var", running_var),
                    ("weight", weight), ("bias", bias)):
        if t is not None and t._data.size != c:
            raise RuntimeError(f"{name} should contain {c} elements not {t._data.size}")
    _check_same_dtype(input, running_mean, running_var, weight, bias)
    if not training and (running_mean is None or running_var is None):
        raise RuntimeError(f"running_{'mean' if running_mean is None else 'var'} must be "
                           "defined in evaluation mode")
    return _ops.batch_norm(input, running_mean, running_var, weight, bias, training, momentum,
                           eps)


# ---- layer, group, instance, rms norm --------------------------------------------------------


def _shape_arg(fn, normalized_shape):
    if isinstance(normalized_shape, int) and not isinstance(normalized_shape, bool):
        raise TypeError(f"{fn}(): argument 'normalized_shape' (position 2) must be tuple of ints, "
                        f"not int")
    return tuple(int(n) for n in normalized_shape)


def _check_normalized(input, shape, star="*, "):
    k = len(shape)
    if input.dim() < k or tuple(input.shape[input.dim() - k:]) != shape:
        raise RuntimeError(f"Given normalized_shape={list(shape)}, expected input with shape "
                           f"[{star}{', '.join(map(str, shape))}], but got input of size"
                           f"{list(input.shape)}")


def layer_norm(input: Tensor, normalized_shape: int | tuple[int, ...],
               weight: Tensor | None = None, bias: Tensor | None = None, eps: float = 1e-5
               ) -> Tensor:
    """Normalise over the trailing `normalized_shape` dims, then elementwise affine."""
    shape = _shape_arg("layer_norm", normalized_shape)
    if not shape:
        raise RuntimeError("Expected normalized_shape to be at least 1-dimensional, i.e., "
                           "containing at least one element, but got normalized_shape = []")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and tuple(t.shape) != shape:
            raise RuntimeError(f"Expected {name} to be of same shape as normalized_shape, but got "
                               f"{name} of shape {list(t.shape)} and normalized_shape = "
                               f"{list(shape)}")
    _check_normalized(input, shape)
    _check_float("layer_norm", input, "LayerNormKernelImpl")
    _check_same_dtype(input, weight, bias)
    return _ops.layer_norm(input, shape, weight, bias, eps)


def group_norm(input: Tensor, num_groups: int, weight: Tensor | None = None,
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:
    """Normalise each of `num_groups` channel groups per sample, then per-channel affine."""
    if input.dim() < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received "
                           f"{input.dim()}")
    shape = tuple(input.shape)
    n, c = shape[:2]
    g = num_groups
    _verify_batch_size([n * c // g, g] + list(shape[2:]) if g else shape)
    if g <= 0 or c % g:
        raise RuntimeError(f"Expected number of channels in input to be divisible by num_groups, "
                           f"but got input of shape {list(shape)} and num_groups={g}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and (t.dim() != 1 or t.numel() != c):
            raise RuntimeError(f"Expected {name} to be a vector of size equal to the number of "
                               f"channels in input, but got {name} of shape {list(t.shape)} and "
                               f"input of shape {list(shape)}")
    _check_float("group_norm", input, "GroupNormKernelImpl")
    _check_same_dtype(input, weight, bias)
    return _ops.group_norm(input, g, weight, bias, eps)


def instance_norm(input: Tensor, running_mean: Tensor | None = None,
                  running_var: Tensor | None = None, weight: Tensor | None = None,
                  bias: Tensor | None = None, use_input_stats: bool = True, momentum: float = 0.1,
                  eps: float = 1e-5) -> Tensor:
    """Batch norm of each (sample, channel) plane: x viewed as (1, N*C, *) (PyTorch's trick)."""
    shape = tuple(input.shape)
    if use_input_stats and math.prod(shape[2:]) == 1:
        raise ValueError(f"Expected more than 1 spatial element when training, got input size "
                         f"torch.Size({list(shape)})")
    n, c = shape[:2]

    def rep(t):
        return None if t is None else t.repeat(n)

    rm, rv = rep(running_mean), rep(running_var)
    x = input.reshape((1, n * c) + shape[2:])
    y = batch_norm(x, rm, rv, rep(weight), rep(bias), use_input_stats, momentum, eps)
    if use_input_stats and running_mean is not None:
        running_mean._data[...] = rm._data.reshape(n, c).mean(axis=0)
        running_mean._vbox[0] += 1
    if use_input_stats and running_var is not None:
        running_var._data[...] = rv._data.reshape(n, c).mean(axis=0)
        running_var._vbox[0] += 1
    return y.view(shape)


def rms_norm(input: Tensor, normalized_shape: int | tuple[int, ...], weight: Tensor | None = None,
             eps: float | None = None) -> Tensor:
    """x / sqrt(mean(x^2 over the normalised dims) + eps) * weight; eps defaults to finfo.eps."""
    shape = _shape_arg("rms_norm", normalized_shape)
    _check_normalized(input, shape, star="*")
    if eps is None:
        eps = _EPS.get(input.dtype.name, _EPS["float32"])
    dims = tuple(range(-len(shape), 0))
    x = input.float() if input.dtype.name in ("float16", "bfloat16") else input  # torch's opmath
    y = (x * (x.pow(2).mean(dims, keepdim=True) + eps).rsqrt()).to(input.dtype)
    return y if weight is None else y * weight


_EPS = {"float16": 2.0 ** -10, "bfloat16": 2.0 ** -7, "float32": 2.0 ** -23, "float64": 2.0 ** -52}


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12,
              out: Tensor | None = None) -> Tensor:
    """input / max(||input||_p over dim, eps)."""
    denom = input.norm(p, dim, keepdim=True).clamp_min(eps).expand_as(input)
    if out is None:
        return input / denom
    return div(input, denom, out=out)


def local_response_norm(input: Tensor, size: int, alpha: float = 1e-4, beta: float = 0.75,
                        k: float = 1.0) -> Tensor:
    """Divide each channel by (k + alpha * mean of squares over `size` neighbouring
    channels)^beta."""
    dim = input.dim()
    if dim < 3:
        raise ValueError(f"Expected 3D or higher dimensionality input (got {dim} dimensions)")
    if input.numel() == 0:
        return input
    div = (input * input).unsqueeze(1)
    front, back = size // 2, (size - 1) // 2
    c = input.shape[1]
    pad_shape = list(div.shape)

    def _zeros(m):
        pad_shape[2] = m
        return input.new_zeros(tuple(pad_shape))

    div = cat([_zeros(front), div, _zeros(back)], 2)
    acc = div[:, :, 0:c]
    for i in range(1, size):
        acc = acc + div[:, :, i:i + c]
    div = (acc / size).squeeze(1)
    div = (div * alpha + k).pow(beta)
    return input / div
