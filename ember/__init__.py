"""ember: PyTorch's API and behaviour in pure Python on NumPy. `import ember as torch`.

The public surface is re-exported from the modules that own it; each lists its names in __all__.
"""
from __future__ import annotations

import math

from . import _dtype as _dtype_mod
from . import (
    _global_flags,
    _printing,
    _tensor_queries,
    accelerator,
    autograd,
    backends,
    cuda,
    distributed,
    jit,
    nn,
    optim,
    serialization,
    testing,
    utils,
)
from . import random as _random
from ._compile import compile
from ._dtype import (
    bfloat16,
    bool,
    double,
    dtype,
    finfo,
    float,
    float16,
    float32,
    float64,
    get_default_dtype,
    half,
    iinfo,
    int,
    int8,
    int16,
    int32,
    int64,
    long,
    promote_types,
    set_default_dtype,
    short,
    uint8,
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
from ._printing import *
from ._tensor import Tensor, strided
from ._tensor_queries import *
from ._threads import (
    get_num_interop_threads,
    get_num_threads,
    set_num_interop_threads,
    set_num_threads,
)
from ._typename import typename
from .amp import _state as _amp_state
from .amp._state import *  # torch's top-level autocast-state functions
from .autograd import enable_grad, inference_mode, no_grad, set_grad_enabled
from .autograd.anomaly import is_anomaly_enabled, set_detect_anomaly
from .autograd.grad_mode import is_grad_enabled, is_inference_mode_enabled
from .backends import get_float32_matmul_precision, set_float32_matmul_precision
from .device import device, get_default_device, set_default_device
from .nn._functional_misc import cdist  # torch.cdist (not in torch.nn.functional)

# nn functions torch also exposes at top level with the same leading parameters
from .nn.functional import (
    alpha_dropout,
    bilinear,
    celu,
    cosine_similarity,
    dropout,
    group_norm,
    hardshrink,
    layer_norm,
    log_softmax,
    pairwise_distance,
    pdist,
    prelu,
    rms_norm,
    rrelu,
    selu,
    softmax,
    threshold,
)
from .ops import binary as _binary
from .ops import comparison as _comparison
from .ops import complex as _complex
from .ops import conversion as _conversion
from .ops import copy_variants as _copy_variants
from .ops import creation as _creation
from .ops import decomposition as _decomposition
from .ops import elementwise as _elementwise
from .ops import indexing as _indexing
from .ops import inplace as _inplace
from .ops import linalg as _linalg
from .ops import numeric as _numeric
from .ops import rearrange as _rearrange
from .ops import reduction as _reduction
from .ops import scatter_views as _scatter_views
from .ops import shape as _shape
from .ops import sorting as _sorting
from .ops import special as _special
from .ops import special_elementwise as _special_elementwise
from .ops import spectral as _spectral
from .ops import statistics as _statistics
from .ops import unary as _unary
from .ops import windows as _windows
from .ops.binary import *
from .ops.comparison import *
from .ops.complex import *
from .ops.conversion import *
from .ops.copy_variants import *
from .ops.creation import *
from .ops.decomposition import *
from .ops.elementwise import *
from .ops.indexing import *
from .ops.inplace import *
from .ops.linalg import *
from .ops.numeric import *
from .ops.rearrange import *
from .ops.reduction import *
from .ops.scatter_views import *
from .ops.shape import *
from .ops.sorting import *
from .ops.special import *
from .ops.special_elementwise import *
from .ops.spectral import *
from .ops.statistics import *
from .ops.unary import *
from .ops.windows import *
from .random import *
from .serialization import load, save
from .size import Size

__version__ = "0.1.0"

norm = _decomposition.norm  # reduction.norm plus p='nuc' (overrides the star import's)
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


__all__ = [  # noqa: PLE0605 - grouped by theme, then each module's own __all__
    "Tensor", "Size", "device", "get_default_device", "set_default_device", "dtype", "accelerator", "autograd", "backends", "cuda", "nn",
    "optim", "serialization", "utils", "testing", "distributed", "jit", "compile",
    "get_num_threads", "set_num_threads", "get_num_interop_threads", "set_num_interop_threads",
    "pi", "e", "inf", "nan", "newaxis", "typename", "FloatTensor", "DoubleTensor", "HalfTensor",
    "BFloat16Tensor", "ByteTensor", "CharTensor", "ShortTensor", "IntTensor", "LongTensor",
    "BoolTensor", "save", "load", "strided",
    "alpha_dropout", "bilinear", "celu", "cdist", "cosine_similarity", "dropout", "group_norm",
    "hardshrink", "layer_norm", "log_softmax", "pairwise_distance", "pdist", "prelu", "rms_norm",
    "rrelu", "selu", "softmax", "threshold",
    "get_float32_matmul_precision", "set_float32_matmul_precision",
    "bfloat16", "bool", "double", "float", "float16", "float32", "float64", "half", "int",
    "int8", "int16", "int32", "int64", "long", "short", "uint8",
    "finfo", "iinfo", "get_default_dtype", "set_default_dtype", "promote_types", "result_type",
    "can_cast", "is_tensor", "is_floating_point", "numel",
    "no_grad", "enable_grad", "set_grad_enabled", "inference_mode", "is_grad_enabled",
    "is_inference_mode_enabled", "set_detect_anomaly", "is_anomaly_enabled",
] + (_binary.__all__ + _comparison.__all__ + _conversion.__all__ + _creation.__all__ +
     _elementwise.__all__ + _indexing.__all__ + _inplace.__all__ + _linalg.__all__ +
     _rearrange.__all__ + _reduction.__all__ + _shape.__all__ + _sorting.__all__ +
     _unary.__all__ + _random.__all__ + _printing.__all__ + _complex.__all__ +
     _decomposition.__all__ + _spectral.__all__ + _windows.__all__ + _scatter_views.__all__ +
     _numeric.__all__ + _copy_variants.__all__ + _global_flags.__all__ +
     _tensor_queries.__all__ + _amp_state.__all__ + _special.__all__ +
     _special_elementwise.__all__ + _statistics.__all__)

# torch's sub-namespaces that pull in more code than `import ember` should pay for load on first
# touch (`ember.linalg`, `torch.fft` through as_torch); `import ember.linalg` works as usual.
_LAZY_SUBMODULES = frozenset({"amp", "cpu", "distributions", "fft", "func", "hub", "linalg",
                              "onnx", "signal", "special"})


def __getattr__(name: str):
    if name == "autocast":  # torch.autocast lives in torch.amp
        from .amp import autocast
        return autocast
    if name in _LAZY_SUBMODULES:
        import importlib
        try:
            return importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as err:
            if err.name != f"{__name__}.{name}":
                raise
    raise AttributeError(f"module 'ember' has no attribute '{name}'")
