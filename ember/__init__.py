"""ember: PyTorch's API and behaviour in pure Python on NumPy. `import ember as torch`.

The public surface is re-exported from the modules that own it; each lists its names in __all__.
Sub-namespaces (nn, optim, linalg...) and the heavier ops modules load on first touch.
"""
from __future__ import annotations

import ast
import builtins
import math
import os
import re

from . import _dtype as _dtype_mod
from . import _global_flags, _printing, _tensor_queries, autograd
from . import random as _random
from ._dtype import (
    bfloat16,
    bit,
    bits1x8,
    bits2x4,
    bits4x2,
    bits8,
    bits16,
    bool,
    chalf,
    complex32,
    double,
    dtype,
    finfo,
    float,
    float4_e2m1fn_x2,
    float8_e4m3fn,
    float8_e4m3fnuz,
    float8_e5m2,
    float8_e5m2fnuz,
    float8_e8m0fnu,
    float16,
    float32,
    float64,
    get_default_dtype,
    half,
    iinfo,
    int,
    int1,
    int2,
    int3,
    int4,
    int5,
    int6,
    int7,
    int8,
    int16,
    int32,
    int64,
    long,
    promote_types,
    set_default_dtype,
    short,
    uint1,
    uint2,
    uint3,
    uint4,
    uint5,
    uint6,
    uint7,
    uint8,
    uint16,
    uint32,
    uint64,
)
from ._global_flags import *
from ._legacy_types import (
    BFloat16Tensor,
    BoolTensor,
    ByteTensor,
    CharTensor,
    DoubleTensor,
    FloatTensor,
    HalfTensor,
    IntTensor,
    LongTensor,
    ShortTensor,
)
from ._memory_format import (
    channels_last,
    channels_last_3d,
    contiguous_format,
    memory_format,
    preserve_format,
)
from ._printing import *
from ._tensor import (
    Tensor,
    jagged,
    layout,
    sparse_bsc,
    sparse_bsr,
    sparse_coo,
    sparse_csc,
    sparse_csr,
    strided,
)
from ._tensor_queries import *
from ._threads import (
    get_num_interop_threads,
    get_num_threads,
    set_num_interop_threads,
    set_num_threads,
)
from ._typename import typename
from .autograd import enable_grad, inference_mode, no_grad, set_grad_enabled
from .autograd.anomaly import (
    is_anomaly_check_nan_enabled,
    is_anomaly_enabled,
    set_detect_anomaly,
)
from .autograd.grad_mode import is_grad_enabled, is_inference_mode_enabled
from .device import device, get_default_device, set_default_device
from .ops import binary as _binary
from .ops import comparison as _comparison
from .ops import complex as _complex
from .ops import conversion as _conversion
from .ops import creation as _creation
from .ops import elementwise as _elementwise
from .ops import indexing as _indexing
from .ops import inplace as _inplace
from .ops import linalg as _linalg
from .ops import rearrange as _rearrange
from .ops import reduction as _reduction
from .ops import shape as _shape
from .ops import sorting as _sorting
from .ops import unary as _unary
from .ops.binary import *
from .ops.comparison import *
from .ops.complex import *
from .ops.conversion import *
from .ops.creation import *
from .ops.elementwise import *
from .ops.indexing import *
from .ops.inplace import *
from .ops.linalg import *
from .ops.rearrange import *
from .ops.reduction import *
from .ops.shape import *
from .ops.sorting import *
from .ops.unary import *
from .random import *
from .size import Size

__version__ = "0.1.0"

del norm  # noqa: F821 - reduction's; torch.norm is ops.decomposition's (plus p='nuc')
pi = math.pi
e = math.e
inf = math.inf
nan = math.nan
newaxis = None


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


# ---- runtime odds and ends programs touch -----------------------------------------------------


class OutOfMemoryError(RuntimeError):
    """Raised when a device allocation fails (torch.OutOfMemoryError = torch.cuda's)."""


class AcceleratorError(RuntimeError):
    """An error reported by an accelerator runtime."""


class FatalError(Exception):
    """An unrecoverable internal error (torch.FatalError)."""


class DisableTorchFunction:
    """Context manager that turns __torch_function__ dispatch off; ember dispatches none."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc) -> None:
        return None


class DisableTorchFunctionSubclass(DisableTorchFunction):
    """Context manager that turns subclasses' __torch_function__ off; ember dispatches none."""


def set_anomaly_enabled(enabled: bool, check_nan: bool = True) -> None:
    """Switch anomaly detection on or off (the function set_detect_anomaly wraps)."""
    set_detect_anomaly(enabled, check_nan)


def init_num_threads() -> None:
    """Initialise the intra-op thread pool (NumPy's BLAS sizes its own: nothing to do)."""


def is_distributed(input: Tensor) -> bool:
    return False


def is_vulkan_available() -> bool:
    return False


def get_device_module(device=None):
    """The module of a device type: ember.cpu, ember.cuda (None: the accelerator's, or cpu)."""
    import importlib

    if device is None:
        from . import cuda

        name = "cuda" if cuda.is_available() else "cpu"
    elif isinstance(device, str):
        name = device.split(":")[0]
    else:
        name = getattr(device, "type", None)
        if name is None:
            raise RuntimeError(f"Invalid value of device '{device}', expect torch.device, str, "
                               "or None")
    if name not in ("cpu", "cuda"):
        raise RuntimeError(f"Device '{name}' does not have a corresponding module registered as "
                           f"'torch.{name}'.")
    return importlib.import_module(f"{__name__}.{name}")


def cond(pred, true_fn, false_fn, operands=()):
    """Run true_fn(*operands) or false_fn(*operands) by pred (eagerly, as torch does outside
    compile); pred is a bool or a one-element tensor."""
    if isinstance(pred, Tensor):
        if pred.numel() != 1:
            raise RuntimeError(f"Expected pred to be bool or single-element tensor, but got "
                               f"{pred}.")
        pred = builtins.bool(pred.item())
    elif not isinstance(pred, (builtins.bool, builtins.int, builtins.float)):
        # torch's type: a RuntimeError
        raise RuntimeError(f"Expected pred to be bool or tensor, but got {pred}.")  # noqa: TRY004
    return true_fn(*operands) if pred else false_fn(*operands)


def poisson(input: Tensor, generator=None) -> Tensor:
    """Poisson(input) counts, drawn from the generator as torch's CPU kernel draws them."""
    from .distributions._discrete_sampler import poisson as _poisson

    _default_stream_only(generator)
    return _poisson(input)


def binomial(count: Tensor, prob: Tensor, generator=None) -> Tensor:
    """Binomial(count, prob) draws, from the generator as torch's CPU kernel draws them."""
    from .distributions._discrete_sampler import binomial as _binomial

    _default_stream_only(generator)
    return _binomial(count, prob)


def _default_stream_only(generator) -> None:
    if generator is not None and generator is not _random.default_generator:
        raise NotImplementedError("ember's poisson/binomial draw from the default generator "
                                  "only (pass generator=None)")


def thread_safe_generator():
    """The generator a DataLoader thread worker should draw from; None outside one (torch)."""
    return


# ---- what `import ember` leaves to first touch ---------------------------------------------------

# torch's sub-namespaces, and the top-level names that live in them, pull in more code than every
# program needs: they load on first touch (`import ember.nn` works as usual).
_LAZY_SUBMODULES = frozenset({
    "accelerator", "amp", "backends", "cpu", "cuda", "distributed", "distributions", "fft", "func",
    "hub", "jit", "linalg", "nn", "onnx", "optim", "serialization", "signal", "special", "testing",
    "utils"})

# storage classes (torch.FloatStorage...) and the stream/event types ember keeps beside them
_STORAGE_NAMES = (
    "BFloat16Storage", "BoolStorage", "ByteStorage", "CharStorage", "ComplexDoubleStorage",
    "ComplexFloatStorage", "DoubleStorage", "Event", "FloatStorage", "HalfStorage", "IntStorage",
    "LongStorage", "ShortStorage", "Stream", "TypedStorage", "UntypedStorage")

# nn functions torch also exposes at top level with the same leading parameters
_NN_FUNCTIONS = (
    "adaptive_avg_pool1d", "alpha_dropout", "avg_pool1d", "bilinear", "celu", "channel_shuffle",
    "conv1d", "conv2d", "conv3d", "conv_tbc", "conv_transpose1d", "conv_transpose2d",
    "conv_transpose3d", "cosine_similarity", "dropout", "group_norm", "hardshrink", "layer_norm",
    "log_softmax", "native_channel_shuffle", "pairwise_distance", "pdist", "pixel_shuffle",
    "pixel_unshuffle", "prelu", "rms_norm", "rrelu", "selu", "softmax", "threshold")


def _literal_all(module: str) -> tuple[str, ...]:
    """The `__all__ = [...]` list of an ember submodule, read from its source without running it."""
    with open(os.path.join(os.path.dirname(__file__), *module.split(".")) + ".py",
              encoding="utf-8") as f:
        found = re.search(r"^__all__\b[^=\n]*=\s*(\[[^\]]*\])", f.read(), re.MULTILINE)
    return tuple(ast.literal_eval(found.group(1)))


# The modules whose public names ember re-exports but `import ember` leaves to first touch (linear
# algebra, special functions, nn's torch.* entry points...): module -> its __all__.
_LAZY_EXPORTS = {module: _literal_all(module) for module in (
    "amp._state", "ops.copy_variants", "ops.decomposition", "ops.nn_surface", "ops.numeric",
    "ops.scatter_reduce", "ops.scatter_views", "ops.special", "ops.special_elementwise",
    "ops.spectral", "ops.statistics", "ops.surface_ops", "ops.windows")}

# top-level name -> the submodule that defines it, imported on first touch
_LAZY_NAMES = {
    **dict.fromkeys(_NN_FUNCTIONS, "nn.functional"),
    **dict.fromkeys(_STORAGE_NAMES, "_storage"),
    "get_float32_matmul_precision": "backends", "set_float32_matmul_precision": "backends",
    "cdist": "nn._functional_misc",  # torch.cdist (not in torch.nn.functional)
    "load": "serialization", "save": "serialization",
    "autocast": "amp", "GradScaler": "amp",  # torch.autocast, torch.GradScaler are torch.amp's
    "vmap": "func",  # torch.vmap is torch.func's
    "lobpcg": "ops.lobpcg",
    "compile": "_compile",  # its OptimizedModule is an nn.Module
    "norm": "ops.decomposition",
    **{name: module for module, names in _LAZY_EXPORTS.items() for name in names},
}


def __getattr__(name: str):
    import importlib

    if name in _LAZY_NAMES:
        value = getattr(importlib.import_module(f"{__name__}.{_LAZY_NAMES[name]}"), name)
        globals()[name] = value  # the next lookup is an ordinary one
        return value
    if name in _LAZY_SUBMODULES:
        try:
            return importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as err:
            if err.name != f"{__name__}.{name}":
                raise
    raise AttributeError(f"module 'ember' has no attribute '{name}'")


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY_SUBMODULES, *_LAZY_NAMES})


__all__ = [  # noqa: PLE0605 - grouped by theme, then each module's own __all__
    "Tensor", "Size", "device", "get_default_device", "set_default_device", "dtype", "accelerator",
    "autograd", "backends", "cuda", "nn", "optim", "serialization", "utils", "testing",
    "distributed", "jit", "compile",
    "get_num_threads", "set_num_threads", "get_num_interop_threads", "set_num_interop_threads",
    "pi", "e", "inf", "nan", "newaxis", "typename", "FloatTensor", "DoubleTensor", "HalfTensor",
    "BFloat16Tensor", "ByteTensor", "CharTensor", "ShortTensor", "IntTensor", "LongTensor",
    "BoolTensor", "save", "load", "strided",
    "alpha_dropout", "bilinear", "celu", "cdist", "cosine_similarity", "dropout", "group_norm",
    "hardshrink", "layer_norm", "log_softmax", "pairwise_distance", "pdist", "prelu", "rms_norm",
    "rrelu", "selu", "softmax", "threshold", "adaptive_avg_pool1d", "avg_pool1d",
    "channel_shuffle", "conv1d", "conv2d", "conv3d", "conv_tbc", "conv_transpose1d",
    "conv_transpose2d", "conv_transpose3d", "native_channel_shuffle", "pixel_shuffle",
    "pixel_unshuffle",
    "get_float32_matmul_precision", "set_float32_matmul_precision",
    "bfloat16", "bool", "double", "float", "float16", "float32", "float64", "half", "int",
    "int8", "int16", "int32", "int64", "long", "short", "uint8", "uint16", "uint32", "uint64",
    "float8_e4m3fn", "float8_e4m3fnuz", "float8_e5m2", "float8_e5m2fnuz", "float8_e8m0fnu",
    "float4_e2m1fn_x2", "complex32", "chalf", "bit", "bits1x8", "bits2x4", "bits4x2", "bits8",
    "bits16", "int1", "int2", "int3", "int4", "int5", "int6", "int7", "uint1", "uint2", "uint3",
    "uint4", "uint5", "uint6", "uint7",
    "finfo", "iinfo", "get_default_dtype", "set_default_dtype", "promote_types", "result_type",
    "can_cast", "is_tensor", "is_floating_point", "numel",
    "no_grad", "enable_grad", "set_grad_enabled", "inference_mode", "is_grad_enabled",
    "is_inference_mode_enabled", "set_detect_anomaly", "is_anomaly_enabled",
    "is_anomaly_check_nan_enabled", "set_anomaly_enabled", "OutOfMemoryError",
    "AcceleratorError", "FatalError", "DisableTorchFunction", "DisableTorchFunctionSubclass",
    "init_num_threads", "is_distributed", "is_vulkan_available", "get_device_module", "cond",
    "thread_safe_generator", "poisson", "binomial", "layout", "memory_format", "Stream", "Event",
    "TypedStorage",
    "UntypedStorage", "BoolStorage", "ByteStorage", "CharStorage", "DoubleStorage",
    "FloatStorage", "IntStorage", "LongStorage", "ShortStorage",
    # public in torch outside its __all__
    "channels_last", "channels_last_3d", "contiguous_format", "preserve_format", "jagged",
    "sparse_bsc", "sparse_bsr", "sparse_coo", "sparse_csc", "sparse_csr", "BFloat16Storage",
    "ComplexDoubleStorage", "ComplexFloatStorage", "HalfStorage",
] + (_binary.__all__ + _comparison.__all__ + _conversion.__all__ + _creation.__all__ +
     _elementwise.__all__ + _indexing.__all__ + _inplace.__all__ + _linalg.__all__ +
     _rearrange.__all__ + _reduction.__all__ + _shape.__all__ + _sorting.__all__ +
     _unary.__all__ + _random.__all__ + _printing.__all__ + _complex.__all__ +
     _global_flags.__all__ + _tensor_queries.__all__ +
     [name for names in _LAZY_EXPORTS.values() for name in names])
