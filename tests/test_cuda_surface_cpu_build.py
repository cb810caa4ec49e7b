"""The rest of torch.cuda on a machine without CUDA: every name torch.cuda has exists in
ember.cuda, and each call answers or raises (type and message) as torch's CPU-only build does."""
from __future__ import annotations

import types
import warnings

import pytest
import torch

import ember
from tests.test_cuda_surface import HAS_GPU, fake_cupy  # noqa: F401  (a fixture)

cpu_only = pytest.mark.skipif(HAS_GPU, reason="compares with torch's CPU-only build")


def result(fn, lib):
    """('ok', comparable value, warnings) or ('raises', type name, message, warnings)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            value = fn(lib)
        except Exception as exc:  # noqa: BLE001 - the type and text are what is compared
            out = ("raises", type(exc).__name__, str(exc).split("\n")[0][:70])
        else:
            if isinstance(value, (torch.Tensor, ember.Tensor)):
                value = value.tolist()
            out = ("ok", value if isinstance(value, (bool, int, float, str, list, tuple, dict,
                                                     type(None))) else type(value).__name__)
    return (*out, sorted({str(w.message)[:50] for w in caught}))


@cpu_only
def test_every_torch_cuda_name_exists():
    public = [n for n in dir(torch.cuda) if not n.startswith("_")
              and not isinstance(getattr(torch.cuda, n), types.ModuleType)]
    missing = [n for n in public if not hasattr(ember.cuda, n)]
    allowed = {"Any", "Device", "NewType", "Optional", "Callable", "TYPE_CHECKING", "classproperty",
               "cast", "lru_cache", "DEVICE_REQUIREMENT", "PYTORCH_RELEASES_CODE_CC"}
    assert not set(missing) - allowed, set(missing) - allowed


SUBMODULES = ["graphs", "nvtx", "profiler", "random", "sparse", "jiterator", "tunable", "nccl",
              "gds", "green_contexts"]


@pytest.mark.parametrize("name", SUBMODULES)
def test_submodules_have_torchs_names(name):
    t_mod = getattr(torch.cuda, name)
    e_mod = getattr(ember.cuda, name)
    names = getattr(t_mod, "__all__", None) or [n for n in dir(t_mod) if not n.startswith("_")
                                               and not isinstance(getattr(t_mod, n),
                                                                  types.ModuleType)]
    assert [n for n in names if not hasattr(e_mod, n)] == []


class _Names(dict):
    """eval's locals: a name resolves to lib.cuda's attribute, else to a builtin."""

    def __init__(self, lib):
        super().__init__(lib=lib)
        self.cuda = lib.cuda

    def __missing__(self, key):
        if hasattr(self.cuda, key):
            return getattr(self.cuda, key)
        raise KeyError(key)

CALLS = [
    "caching_allocator_alloc(10)", "caching_allocator_delete(0)",
    "caching_allocator_disabled().__enter__()", "caching_allocator_enable(False)",
    "can_device_access_peer(0, 1)", "change_current_allocator(None)", "check_error(0)",
    "clock_rate()", "cudart()", "current_blas_handle()", "current_solver_handle()",
    "device_memory_used()", "get_allocator_backend()", "get_gencode_flags()",
    "get_per_process_memory_fraction()", "get_rng_state()", "get_rng_state('cpu')",
    "get_rng_state(0)", "get_rng_state_all()", "get_stream_from_external(0)",
    "get_sync_debug_mode()", "graph_pool_handle()", "host_memory_stats()",
    "host_memory_stats_as_nested_dict()", "ipc_collect()", "is_current_stream_capturing()",
    "is_tf32_supported()", "list_gpu_processes()", "list_gpu_processes(0)",
    "make_graphed_callables(lib.nn.Linear(2, 2), (lib.ones(1, 2),))", "memory_snapshot()",
    "memory_stats_as_nested_dict()", "memory_usage()", "power_draw()",
    "reset_accumulated_host_memory_stats()", "reset_accumulated_memory_stats()",
    "reset_max_memory_cached()", "reset_peak_host_memory_stats()",
    "set_per_process_memory_fraction(0.5)", "set_rng_state(lib.zeros(16, dtype=lib.uint8))",
    "set_rng_state_all([lib.zeros(16, dtype=lib.uint8)])", "set_rng_state_all([])",
    "set_stream(None)", "set_sync_debug_mode(0)", "set_sync_debug_mode('warn')", "temperature()",
    "use_mem_pool(None)", "utilization()", "CUDAGraph()", "graph(None)", "MemPool()",
    "ExternalStream(0)", "GreenContext.create(1, 0)", "CudaError(1)", "check_error(1)",
    "DeferredCudaCallError('x').args", "(cudaStatus.SUCCESS, cudaStatus.ERROR_NOT_READY)",
    "default_generators", "(has_half, has_magma)", "issubclass(CudaError, RuntimeError)",
    "FloatTensor()", "FloatTensor(2)", "LongTensor([1, 2])", "isinstance(lib.ones(1), FloatTensor)", "repr(FloatTensor)", "FloatTensor.dtype == lib.float32",
    "(BoolTensor.is_cuda, HalfTensor.dtype == lib.float16)", "FloatStorage(2)",
    "repr(DoubleStorage)", "ComplexFloatStorage.dtype == lib.complex64",
    "sparse.FloatTensor()", "repr(sparse.FloatTensor)", "isinstance(lib.ones(1), sparse.FloatTensor)", "(sparse.LongTensor.is_cuda, sparse.LongTensor.is_sparse)",
    "nvtx.range_push('a')", "nvtx.range_pop()", "nvtx.range_start('a')", "nvtx.range_end(1)",
    "nvtx.mark('a')", "nvtx.range('a').__enter__()", "profiler.start()", "profiler.stop()",
    "profiler.profile().__enter__()", "random.get_rng_state()", "random.initial_seed()",
    "random.manual_seed(3)", "random.set_rng_state_all([])",
    "type(jiterator._create_jit_fn('template <typename T> T f(T x) { return x; }')).__name__",
    "tunable.is_enabled()", "tunable.enable(True)", "tunable.get_filename()",
    "tunable.read_file()", "tunable.tune_gemm_in_file('x')", "tunable.mgpu_tune_gemm_in_file('x', 1)", "tunable.set_max_tuning_iterations(2)", "tunable.get_results()",
    "nccl.all_reduce([lib.ones(1)])", "nccl.is_available([lib.ones(1)])", "nccl.version()",
    "nccl.broadcast([lib.ones(1)])", "nccl.SUM", "gds.gds_register_buffer(lib.ones(1))",
    "gds.GdsFile('/nonexistent/s2-file', 0)", "type(green_contexts.GreenContext()).__name__",
    "graphs.is_current_stream_capturing()",
]


@cpu_only
@pytest.mark.parametrize("expr", CALLS)
def test_call_as_cpu_torch(expr):
    def fn(lib):
        return eval(expr, {}, _Names(lib))

    assert result(fn, ember) == result(fn, torch)


# ---- with a GPU: the same calls through a fake CuPy ---------------------------------------------


def test_fake_cupy_rng_state_round_trip(fake_cupy):  # noqa: F811
    cuda = ember.cuda
    cuda.manual_seed(1234)
    state = cuda.get_rng_state()
    assert state.dtype == ember.uint8 and state.shape == (16,)
    cuda.manual_seed(5)
    cuda.set_rng_state(state)
    assert fake_cupy.seeds[0] == 1234 and cuda.initial_seed() == 1234
    assert len(cuda.get_rng_state_all()) == 2
    cuda.set_rng_state_all([state, state])
    assert fake_cupy.seeds == {0: 1234, 1: 1234}


def test_fake_cupy_settings(fake_cupy):  # noqa: F811
    cuda = ember.cuda
    cuda.set_sync_debug_mode("warn")
    assert cuda.get_sync_debug_mode() == 1
    cuda.set_sync_debug_mode(0)
    with pytest.raises(RuntimeError):
        cuda.set_sync_debug_mode("loud")
    cuda.set_per_process_memory_fraction(0.25, 1)
    assert cuda.get_per_process_memory_fraction(1) == 0.25
    assert cuda.get_per_process_memory_fraction(0) == 1.0
    with pytest.raises(ValueError):
        cuda.set_per_process_memory_fraction(1.5)
    assert cuda.get_allocator_backend() == "native"
    with cuda.caching_allocator_disabled():
        pass
    cuda.init()
    a = fake_cupy.alloc(100)
    nested = cuda.memory_stats_as_nested_dict()
    assert nested["allocated_bytes"]["all"]["current"] == 100
    fake_cupy.get_default_memory_pool().free(a)
