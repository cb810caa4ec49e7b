"""ember.cuda: device queries, seeding, synchronisation and memory stats, backed by CuPy.

Without CuPy and a GPU every function behaves as it does in a CPU-only PyTorch build: queries
answer False/0, seeding and cache calls are silent no-ops, and calls that need a device raise
AssertionError("Torch not compiled with CUDA enabled").
"""
from __future__ import annotations

import random as _pyrandom

from .. import backend as _backend
from ..device import device as _device
from .memory import (
    _install_peak_tracking,
    empty_cache,
    max_memory_allocated,
    max_memory_cached,
    max_memory_reserved,
    mem_get_info,
    memory_allocated,
    memory_cached,
    memory_reserved,
    memory_stats,
    memory_summary,
    reset_max_memory_allocated,
    reset_peak_memory_stats,
)
from .streams import Event, Stream, StreamContext, current_stream, default_stream, stream

_NOT_COMPILED = "Torch not compiled with CUDA enabled"
_DEFAULT_SEED = 67280421310721  # torch's default_rng_seed_val, the seed of every fresh generator

_initialized = False
_seeds: dict[int, int] = {}  # device index -> seed its generator was last given


# ---- availability and lazy initialisation -------------------------------------------------------


def is_available() -> bool:
    """True when CuPy imports and sees at least one GPU."""
    return _backend.cuda_available()


def device_count() -> int:
    return _backend.cuda_device_count()


def is_initialized() -> bool:
    return _initialized


def _lazy_init():
    """CuPy, once a device is usable; AssertionError like a CPU-only torch build otherwise."""
    global _initialized
    cp = _backend._load_cupy()
    if cp is None:
        raise AssertionError(_NOT_COMPILED)
    if not _initialized:
        _initialized = True
        _install_peak_tracking(cp)
    return cp


def init() -> None:
    _lazy_init()


def _cupy_or_none():
    """CuPy when a GPU is usable, else None: for functions that quietly do nothing on CPU."""
    return _backend._load_cupy()


# ---- device selection ---------------------------------------------------------------------------


def _get_device_index(dev, optional: bool = False, allow_cpu: bool = False) -> int:
    """torch.cuda._utils._get_device_index: int, 'cuda:1', ember.device or cuda.device -> index."""
    if isinstance(dev, str):
        dev = _device(dev)
    if isinstance(dev, _device):
        if allow_cpu:
            if dev.type not in ("cuda", "cpu"):
                raise ValueError(f"Expected a cuda or cpu device, but got: {dev}")
        elif dev.type != "cuda":
            raise ValueError(f"Expected a cuda device, but got: {dev}")
        return -1 if dev.type == "cpu" else _index_or_current(dev.index, dev, optional)
    if isinstance(dev, device):
        return dev.idx
    if isinstance(dev, int) and not isinstance(dev, bool):
        return dev
    return _index_or_current(None, dev, optional)


def _index_or_current(index, dev, optional: bool) -> int:
    if index is not None:
        return index
    if not optional:
        raise ValueError(
            f"Expected a torch.device with a specified index or an integer, but got:{dev}")
    return current_device()


def current_device() -> int:
    return _lazy_init().cuda.runtime.getDevice()


def set_device(device) -> None:
    """Make `device` current for this thread; a negative index is a no-op, as in torch."""
    idx = _get_device_index(device)
    if idx >= 0:
        _lazy_init().cuda.runtime.setDevice(idx)


class device:
    """Context manager that makes a GPU current and restores the previous one on exit."""

    def __init__(self, device) -> None:
        self.idx = _get_device_index(device, optional=True)
        self.prev_idx = -1

    def __enter__(self) -> None:
        if self.idx >= 0:
            cp = _cupy_or_none()
            if cp is None:
                raise RuntimeError("PyTorch was compiled without CUDA support")
            self.prev_idx = cp.cuda.runtime.getDevice()
            if self.prev_idx != self.idx:
                cp.cuda.runtime.setDevice(self.idx)

    def __exit__(self, *exc) -> bool:
        if self.idx >= 0 and self.prev_idx != self.idx:
            _backend._load_cupy().cuda.runtime.setDevice(self.prev_idx)
        return False


class device_of(device):
    """`device` for the GPU that holds `obj`; a no-op context for CPU tensors."""

    def __init__(self, obj) -> None:
        idx = obj.get_device() if getattr(obj, "is_cuda", False) else -1
        super().__init__(idx)


def synchronize(device=None) -> None:
    """Wait for all work queued on `device` (default: the current GPU)."""
    cp = _lazy_init()
    with cp.cuda.Device(_get_device_index(device, optional=True)) as d:
        d.synchronize()


# ---- device properties --------------------------------------------------------------------------


class _CudaDeviceProperties:
    """The fields of torch's _CudaDeviceProperties that scripts read."""

    def __init__(self, props: dict) -> None:
        name = props["name"]
        self.name = name.decode() if isinstance(name, bytes) else str(name)
        self.major = int(props["major"])
        self.minor = int(props["minor"])
        self.total_memory = int(props["totalGlobalMem"])
        self.multi_processor_count = int(props["multiProcessorCount"])
        self.L2_cache_size = int(props.get("l2CacheSize", 0))
        self.is_integrated = int(props.get("integrated", 0))
        self.is_multi_gpu_board = int(props.get("isMultiGpuBoard", 0))

    def __repr__(self) -> str:
        return (f"_CudaDeviceProperties(name='{self.name}', major={self.major}, "
                f"minor={self.minor}, total_memory={self.total_memory // (1024 * 1024)}MB, "
                f"multi_processor_count={self.multi_processor_count}, "
                f"L2_cache_size={self.L2_cache_size // (1024 * 1024)}MB)")


def get_device_properties(device=None) -> _CudaDeviceProperties:
    cp = _lazy_init()
    idx = _get_device_index(device, optional=True)
    if idx < 0 or idx >= device_count():
        raise AssertionError("Invalid device id")
    return _CudaDeviceProperties(cp.cuda.runtime.getDeviceProperties(idx))


def get_device_name(device=None) -> str:
    return get_device_properties(device).name


def get_device_capability(device=None) -> tuple[int, int]:
    prop = get_device_properties(device)
    return prop.major, prop.minor


def is_bf16_supported(including_emulation: bool = True) -> bool:
    """bfloat16 math needs compute capability 8.0 (Ampere) or newer."""
    if not is_available():
        return False
    return get_device_capability()[0] >= 8 or bool(including_emulation)


def get_arch_list() -> list:
    return []


# ---- random seeds -------------------------------------------------------------------------------


def _seed_device(cp, idx: int, seed: int) -> None:
    seed = int(seed) & 0xFFFF_FFFF_FFFF_FFFF  # torch wraps negative seeds the same way
    with cp.cuda.Device(idx):
        cp.random.seed(seed)
    _seeds[idx] = seed


def manual_seed(seed) -> None:
    """Seed the current GPU's generator; silently nothing without a GPU (torch queues it)."""
    seed = int(seed)
    cp = _cupy_or_none()
    if cp is not None:
        _seed_device(cp, cp.cuda.runtime.getDevice(), seed)


def manual_seed_all(seed) -> None:
    """Seed every GPU's generator; silently nothing without a GPU."""
    seed = int(seed)
    cp = _cupy_or_none()
    if cp is not None:
        for idx in range(device_count()):
            _seed_device(cp, idx, seed)


def seed() -> None:
    """Seed the current GPU's generator from a non-deterministic source."""
    cp = _cupy_or_none()
    if cp is not None:
        _seed_device(cp, cp.cuda.runtime.getDevice(), _pyrandom.getrandbits(63))


def seed_all() -> None:
    cp = _cupy_or_none()
    if cp is not None:
        value = _pyrandom.getrandbits(63)
        for idx in range(device_count()):
            _seed_device(cp, idx, value)


def initial_seed() -> int:
    """The seed the current GPU's generator was last given (torch's default when never seeded)."""
    cp = _lazy_init()
    return _seeds.get(cp.cuda.runtime.getDevice(), _DEFAULT_SEED)


def _random_state(index: int | None = None):
    """The CuPy RandomState that draws for GPU `index`, seeded like torch's on first use."""
    cp = _lazy_init()
    idx = cp.cuda.runtime.getDevice() if index is None else index
    if idx not in _seeds:
        _seed_device(cp, idx, _DEFAULT_SEED)
    with cp.cuda.Device(idx):
        return cp.random.get_random_state()


__all__ = [
    "BFloat16Storage",
    "BFloat16Tensor",
    "BoolStorage",
    "BoolTensor",
    "ByteStorage",
    "ByteTensor",
    "CUDAGraph",
    "CUDAPluggableAllocator",
    "CharStorage",
    "CharTensor",
    "ComplexDoubleStorage",
    "ComplexFloatStorage",
    "CudaError",
    "DeferredCudaCallError",
    "DoubleStorage",
    "DoubleTensor",
    "Event",
    "ExternalStream",
    "FloatStorage",
    "FloatTensor",
    "GreenContext",
    "HalfStorage",
    "HalfTensor",
    "IntStorage",
    "IntTensor",
    "LongStorage",
    "LongTensor",
    "MemPool",
    "ShortStorage",
    "ShortTensor",
    "Stream",
    "StreamContext",
    "caching_allocator_alloc",
    "caching_allocator_delete",
    "caching_allocator_disabled",
    "caching_allocator_enable",
    "can_device_access_peer",
    "change_current_allocator",
    "check_error",
    "clock_rate",
    "cudaStatus",
    "cudart",
    "current_blas_handle",
    "current_device",
    "current_solver_handle",
    "current_stream",
    "default_generators",
    "default_stream",
    "device",
    "device_count",
    "device_memory_used",
    "device_of",
    "empty_cache",
    "get_allocator_backend",
    "get_arch_list",
    "get_device_capability",
    "get_device_name",
    "get_device_properties",
    "get_gencode_flags",
    "get_per_process_memory_fraction",
    "get_rng_state",
    "get_rng_state_all",
    "get_stream_from_external",
    "get_sync_debug_mode",
    "graph",
    "graph_pool_handle",
    "has_half",
    "has_magma",
    "host_memory_stats",
    "host_memory_stats_as_nested_dict",
    "init",
    "initial_seed",
    "ipc_collect",
    "is_available",
    "is_bf16_supported",
    "is_current_stream_capturing",
    "is_initialized",
    "is_tf32_supported",
    "list_gpu_processes",
    "make_graphed_callables",
    "manual_seed",
    "manual_seed_all",
    "max_memory_allocated",
    "max_memory_cached",
    "max_memory_reserved",
    "mem_get_info",
    "memory_allocated",
    "memory_cached",
    "memory_reserved",
    "memory_snapshot",
    "memory_stats",
    "memory_stats_as_nested_dict",
    "memory_summary",
    "memory_usage",
    "power_draw",
    "reset_accumulated_host_memory_stats",
    "reset_accumulated_memory_stats",
    "reset_max_memory_allocated",
    "reset_max_memory_cached",
    "reset_peak_host_memory_stats",
    "reset_peak_memory_stats",
    "seed",
    "seed_all",
    "set_device",
    "set_per_process_memory_fraction",
    "set_rng_state",
    "set_rng_state_all",
    "set_stream",
    "set_sync_debug_mode",
    "stream",
    "synchronize",
    "temperature",
    "use_mem_pool",
    "utilization",
]


# ---- the rest of torch.cuda's surface (see _cpu_build.py, _legacy.py and the submodules) -------

from ._cpu_build import (
    CudaError,
    CUDAPluggableAllocator,
    DeferredCudaCallError,
    ExternalStream,
    GreenContext,
    MemPool,
    caching_allocator_alloc,
    caching_allocator_delete,
    caching_allocator_disabled,
    caching_allocator_enable,
    can_device_access_peer,
    change_current_allocator,
    check_error,
    clock_rate,
    cudart,
    cudaStatus,
    current_blas_handle,
    current_solver_handle,
    default_generators,
    device_memory_used,
    get_allocator_backend,
    get_gencode_flags,
    get_per_process_memory_fraction,
    get_stream_from_external,
    get_sync_debug_mode,
    has_half,
    has_magma,
    host_memory_stats,
    host_memory_stats_as_nested_dict,
    ipc_collect,
    is_tf32_supported,
    list_gpu_processes,
    memory_snapshot,
    memory_stats_as_nested_dict,
    memory_usage,
    power_draw,
    reset_accumulated_host_memory_stats,
    reset_accumulated_memory_stats,
    reset_max_memory_cached,
    reset_peak_host_memory_stats,
    set_per_process_memory_fraction,
    set_stream,
    set_sync_debug_mode,
    temperature,
    use_mem_pool,
    utilization,
)
from .graphs import (
    CUDAGraph,
    graph,
    graph_pool_handle,
    is_current_stream_capturing,
    make_graphed_callables,
)

_SUBMODULES = ("amp", "gds", "graphs", "green_contexts", "jiterator", "nccl", "nvtx", "profiler",
               "random", "sparse", "tunable")
_FROM_RANDOM = ("get_rng_state", "get_rng_state_all", "set_rng_state", "set_rng_state_all")


def __getattr__(name: str):
    """The submodules load on first use (torch.cuda.amp among them) so `import ember` stays
    light; the RNG-state functions come from cuda.random, which imports this package."""
    import importlib

    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    if name in _FROM_RANDOM:
        return getattr(importlib.import_module(".random", __name__), name)
    if name in ("OutOfMemoryError", "AcceleratorError"):  # torch.cuda's are torch's own
        import ember
        return getattr(ember, name)
    if name.endswith(("Tensor", "Storage")):  # the legacy types import Tensor: loaded late
        legacy = importlib.import_module("._legacy", __name__)
        table = legacy.DENSE if name.endswith("Tensor") else legacy.STORAGES
        if name in table:
            return table[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
