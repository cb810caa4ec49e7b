"""The rest of torch.cuda's functions: allocator, NVML readings, RNG state, sync-debug and
peer-access queries. With a GPU (CuPy) they act on it; without one each answers or raises as a
CPU-only torch build does (the error types included)."""
from __future__ import annotations

import contextlib

from .. import backend as _backend

_NOT_COMPILED = "Torch not compiled with CUDA enabled"
_settings = {"sync_debug_mode": 0, "memory_fraction": {}, "caching_allocator": True}


def _cupy():
    """CuPy with a usable GPU, else torch's CPU-build AssertionError."""
    cp = _backend._load_cupy()
    if cp is None:
        raise AssertionError(_NOT_COMPILED)
    return cp


def _missing_binding(name: str):
    """The AttributeError a CPU torch build raises where it calls an absent CUDA binding."""
    return AttributeError(f"module 'torch._C' has no attribute '{name}'")


def _device_index(device) -> int:
    from . import _get_device_index
    return _get_device_index(device, optional=True)


# ---- errors ----------------------------------------------------------------------------------


class cudaStatus:
    SUCCESS: int = 0
    ERROR_NOT_READY: int = 34


class CudaError(RuntimeError):
    """A CUDA runtime error code, with the runtime's description."""

    def __init__(self, code: int) -> None:
        cp = _backend._load_cupy()
        if cp is None:
            raise AttributeError("'NoneType' object has no attribute 'cudaGetErrorString'")
        msg = cp.cuda.runtime.getErrorString(code)
        msg = msg.decode() if isinstance(msg, bytes) else msg
        super().__init__(f"{msg} ({code})")


class DeferredCudaCallError(Exception):
    """An error raised by a call queued until CUDA initialises."""


def check_error(res: int) -> None:
    """Raise CudaError unless `res` is cudaSuccess."""
    if _backend._load_cupy() is None:
        raise AttributeError("'NoneType' object has no attribute 'cudaError'")
    if res != cudaStatus.SUCCESS:
        raise CudaError(res)


def cudart():
    """The CUDA runtime bindings (CuPy's)."""
    return _cupy().cuda.runtime


# ---- handles, peers, sync debugging ------------------------------------------------------------


def current_blas_handle() -> int:
    return _cupy().cuda.device.get_cublas_handle()


def current_solver_handle() -> int:
    return _cupy().cuda.device.get_cusolver_handle()


def can_device_access_peer(device, peer_device) -> bool:
    cp = _cupy()
    return bool(cp.cuda.runtime.deviceCanAccessPeer(_device_index(device),
                                                    _device_index(peer_device)))


def get_sync_debug_mode() -> int:
    _cupy()
    return _settings["sync_debug_mode"]


def set_sync_debug_mode(debug_mode) -> None:
    """0/"default", 1/"warn" or 2/"error" (recorded; ember never synchronises implicitly)."""
    _cupy()
    if isinstance(debug_mode, str):
        names = {"default": 0, "warn": 1, "error": 2}
        if debug_mode not in names:
            raise RuntimeError("invalid value of debug_mode, expected one of `default`, `warn`, "
                               "`error`")
        debug_mode = names[debug_mode]
    _settings["sync_debug_mode"] = int(debug_mode)


def get_gencode_flags() -> str:
    return ""


def is_tf32_supported() -> bool:
    """TF32 needs compute capability 8.0 or newer."""
    if not _backend.cuda_available():
        return False
    from . import get_device_capability
    return get_device_capability()[0] >= 8


def ipc_collect() -> None:
    _cupy()


has_half = True
has_magma = False
default_generators: tuple = ()


# ---- allocator ---------------------------------------------------------------------------------


def caching_allocator_alloc(size, device=None, stream=None) -> int:
    """Raw device memory from the pool; returns its address (free with caching_allocator_delete)."""
    cp = _cupy()
    with cp.cuda.Device(_device_index(device)):
        mem = cp.get_default_memory_pool().malloc(int(size))
    _raw_blocks[mem.ptr] = mem
    return mem.ptr


_raw_blocks: dict = {}


def caching_allocator_delete(mem_ptr: int) -> None:
    if _backend._load_cupy() is None:
        raise _missing_binding("_cuda_cudaCachingAllocator_raw_delete")
    _raw_blocks.pop(mem_ptr, None)


def caching_allocator_enable(value: bool = True) -> None:
    if _backend._load_cupy() is not None:
        _settings["caching_allocator"] = bool(value)


@contextlib.contextmanager
def caching_allocator_disabled():
    """Within the block the caching allocator is off (a flag ember records)."""
    if _backend._load_cupy() is None:
        raise _missing_binding("_cuda_cudaCachingAllocator_is_enabled")
    previous = _settings["caching_allocator"]
    _settings["caching_allocator"] = False
    try:
        yield
    finally:
        _settings["caching_allocator"] = previous


def change_current_allocator(allocator) -> None:
    raise _missing_binding("_cuda_changeCurrentAllocator")


def get_allocator_backend() -> str:
    if _backend._load_cupy() is None:
        raise _missing_binding("_cuda_getAllocatorBackend")
    return "native"


def set_per_process_memory_fraction(fraction, device=None) -> None:
    _cupy()
    if not 0 <= fraction <= 1:
        raise ValueError(f"Invalid fraction value: {fraction}. Allowed range: 0~1")
    _settings["memory_fraction"][_device_index(device)] = float(fraction)


def get_per_process_memory_fraction(device=None) -> float:
    _cupy()
    return _settings["memory_fraction"].get(_device_index(device), 1.0)


def memory_snapshot(mempool_id=None, include_traces=True):
    raise _missing_binding("_cuda_memorySnapshot")


def memory_stats_as_nested_dict(device=None) -> dict:
    from .memory import memory_stats
    nested: dict = {}
    for key, value in memory_stats(device).items():
        node = nested
        *path, leaf = key.split(".")
        for part in path:
            node = node.setdefault(part, {})
        node[leaf] = value
    return nested


def reset_accumulated_memory_stats(device=None) -> None:
    if _backend._load_cupy() is None:
        raise _missing_binding("_cuda_resetAccumulatedMemoryStats")


def reset_max_memory_cached(device=None) -> None:
    """Deprecated alias of reset_peak_memory_stats."""
    import warnings
    warnings.warn("torch.cuda.reset_max_memory_cached now calls "
                  "torch.cuda.reset_peak_memory_stats, which resets /all/ peak memory stats.",
                  FutureWarning, stacklevel=2)
    if _backend._load_cupy() is None:
        raise _missing_binding("_cuda_resetPeakMemoryStats")
    from .memory import reset_peak_memory_stats
    reset_peak_memory_stats(device)


def host_memory_stats() -> dict:
    import collections
    return collections.OrderedDict()


def host_memory_stats_as_nested_dict() -> dict:
    return {}


def reset_accumulated_host_memory_stats() -> None:
    raise _missing_binding("_cuda_resetAccumulatedHostMemoryStats")


def reset_peak_host_memory_stats() -> None:
    raise _missing_binding("_cuda_resetPeakHostMemoryStats")


class MemPool:
    """A private memory pool (needs a CUDA build)."""

    def __init__(self, *args, **kwargs) -> None:
        raise RuntimeError("Tried to instantiate dummy base class MemPool")


@contextlib.contextmanager
def use_mem_pool(pool, device=None):
    """Route the block's allocations to `pool` (pools need a CUDA build: MemPool() raises)."""
    _cupy()
    raise RuntimeError("Tried to instantiate dummy base class MemPool")
    yield


class CUDAPluggableAllocator:
    """An allocator loaded from a shared library's alloc/free functions."""

    def __init__(self, path_to_so_file: str, alloc_fn_name: str, free_fn_name: str) -> None:
        import ctypes
        self._lib = ctypes.CDLL(path_to_so_file)  # OSError when the library cannot be opened
        self._alloc = getattr(self._lib, alloc_fn_name)
        self._free = getattr(self._lib, free_fn_name)


# ---- NVML readings -----------------------------------------------------------------------------

_NO_NVML = "nvidia-ml-py does not seem to be installed or it can't be imported."


def _nvml_handle(device):
    try:
        import pynvml
    except ImportError:
        raise ModuleNotFoundError(_NO_NVML) from None
    _cupy()
    pynvml.nvmlInit()
    return pynvml, pynvml.nvmlDeviceGetHandleByIndex(_device_index(device))


def clock_rate(device=None) -> int:
    """The SM clock in MHz."""
    nv, h = _nvml_handle(device)
    return nv.nvmlDeviceGetClockInfo(h, 1)


def temperature(device=None) -> int:
    nv, h = _nvml_handle(device)
    return nv.nvmlDeviceGetTemperature(h, 0)


def power_draw(device=None) -> int:
    nv, h = _nvml_handle(device)
    return nv.nvmlDeviceGetPowerUsage(h)


def utilization(device=None) -> int:
    nv, h = _nvml_handle(device)
    return nv.nvmlDeviceGetUtilizationRates(h).gpu


def memory_usage(device=None) -> int:
    nv, h = _nvml_handle(device)
    return nv.nvmlDeviceGetUtilizationRates(h).memory


def device_memory_used(device=None) -> int:
    nv, h = _nvml_handle(device)
    return nv.nvmlDeviceGetMemoryInfo(h).used


def list_gpu_processes(device=None) -> str:
    try:
        nv, h = _nvml_handle(device)
    except ModuleNotFoundError:
        return "pynvml module not found, please install nvidia-ml-py"
    procs = nv.nvmlDeviceGetComputeRunningProcesses(h)
    lines = [f"GPU:{_device_index(device)}"]
    lines += [f"process {p.pid:>10d} uses {p.usedGpuMemory / 1024 / 1024:>12.3f} MB GPU memory"
              for p in procs] or ["no processes are running"]
    return "\n".join(lines)


# ---- streams from elsewhere --------------------------------------------------------------------


class ExternalStream:
    """A stream created outside ember, wrapped by its raw pointer."""

    def __new__(cls, stream_ptr, device=None):
        cp = _backend._load_cupy()
        if cp is None:
            raise TypeError("'<' not supported between instances of 'NoneType' and 'int'")
        from .streams import Stream
        s = Stream.__new__(Stream)
        s._stream = cp.cuda.ExternalStream(stream_ptr)
        return s


def get_stream_from_external(data_ptr: int, device=None):
    _cupy()
    return ExternalStream(data_ptr, device)


def set_stream(stream) -> None:
    """Make `stream` current (None: nothing to do)."""
    if stream is None:
        return
    stream._stream.use()


class GreenContext:
    """A partition of the GPU's SMs (CUDA 12.4+ green contexts)."""

    @staticmethod
    def create():
        """torch's CPU build takes no arguments here and has no green contexts to make."""
        raise RuntimeError("PyTorch was not built with Green Context support!")
