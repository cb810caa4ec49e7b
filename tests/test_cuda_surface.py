"""The device surface a CPU program touches (ember.cuda, ember.accelerator, ember.backends),
compared with a CPU-only torch build; then the CuPy code path, driven through a fake CuPy."""
from __future__ import annotations

import collections
import contextlib

import pytest
import torch

import ember
import ember.accelerator
from ember import backend as ember_backend

HAS_GPU = ember.cuda.is_available()


def outcome(fn, lib):
    """('ok', value) or ('raises', exception type) of fn(lib), values made comparable."""
    try:
        value = fn(lib)
    except Exception as exc:  # noqa: BLE001 - the type is what is compared
        return "raises", type(exc)
    if isinstance(value, (torch.device, ember.device)):
        value = str(value)
    if isinstance(value, collections.OrderedDict):
        value = dict(value)
    return "ok", value


def _enter(ctx):
    ctx.__enter__()
    return ctx


# ---- same outcome as torch (CPU build) ----------------------------------------------------------

SAME = {
    "is_available": lambda lib: lib.cuda.is_available(),
    "device_count": lambda lib: lib.cuda.device_count(),
    "current_device": lambda lib: lib.cuda.current_device(),
    "is_initialized": lambda lib: lib.cuda.is_initialized(),
    "init": lambda lib: lib.cuda.init(),
    "manual_seed": lambda lib: lib.cuda.manual_seed(0),
    "manual_seed_float": lambda lib: lib.cuda.manual_seed(1.5),
    "manual_seed_negative": lambda lib: lib.cuda.manual_seed(-1),
    "manual_seed_bad": lambda lib: lib.cuda.manual_seed("a"),
    "manual_seed_all": lambda lib: lib.cuda.manual_seed_all(123),
    "seed": lambda lib: lib.cuda.seed(),
    "seed_all": lambda lib: lib.cuda.seed_all(),
    "initial_seed": lambda lib: lib.cuda.initial_seed(),
    "synchronize": lambda lib: lib.cuda.synchronize(),
    "synchronize_cpu": lambda lib: lib.cuda.synchronize("cpu"),
    "empty_cache": lambda lib: lib.cuda.empty_cache(),
    "memory_allocated": lambda lib: lib.cuda.memory_allocated(),
    "memory_allocated_0": lambda lib: lib.cuda.memory_allocated(0),
    "memory_allocated_str": lambda lib: lib.cuda.memory_allocated("cuda:0"),
    "max_memory_allocated": lambda lib: lib.cuda.max_memory_allocated(),
    "memory_reserved": lambda lib: lib.cuda.memory_reserved(),
    "max_memory_reserved": lambda lib: lib.cuda.max_memory_reserved(0),
    "memory_stats": lambda lib: lib.cuda.memory_stats(),
    "memory_summary": lambda lib: lib.cuda.memory_summary(),
    "mem_get_info": lambda lib: lib.cuda.mem_get_info(),
    "get_device_name": lambda lib: lib.cuda.get_device_name(),
    "get_device_name_0": lambda lib: lib.cuda.get_device_name(0),
    "get_device_properties": lambda lib: lib.cuda.get_device_properties(0),
    "get_device_capability": lambda lib: lib.cuda.get_device_capability(),
    "is_bf16_supported": lambda lib: lib.cuda.is_bf16_supported(),
    "get_arch_list": lambda lib: lib.cuda.get_arch_list(),
    "set_device_cpu": lambda lib: lib.cuda.set_device("cpu"),
    "set_device_none": lambda lib: lib.cuda.set_device(None),
    "set_device_no_index": lambda lib: lib.cuda.set_device("cuda"),
    "set_device_negative": lambda lib: lib.cuda.set_device(-1),
    "device_ctx_enter": lambda lib: lib.cuda.device(0).__enter__(),
    "device_ctx_negative": lambda lib: lib.cuda.device(-1).__exit__(None, None, None),
    "device_ctx_cpu": lambda lib: lib.cuda.device("cpu"),
    "device_of_cpu_tensor": lambda lib: _enter(lib.cuda.device_of(lib.zeros(1))).idx,
    "device_ctx_returns": lambda lib: lib.cuda.device(-1).__enter__(),
    "event": lambda lib: lib.cuda.Event(enable_timing=True),
    "stream": lambda lib: lib.cuda.Stream(),
    "current_stream": lambda lib: lib.cuda.current_stream(),
    "default_stream": lambda lib: lib.cuda.default_stream(),
    "stream_ctx_none": lambda lib: lib.cuda.stream(None).__enter__(),
    # torch.accelerator
    "acc_is_available": lambda lib: lib.accelerator.is_available(),
    "acc_current": lambda lib: lib.accelerator.current_accelerator(),
    "acc_current_checked": lambda lib: lib.accelerator.current_accelerator(check_available=True),
    "acc_device_count": lambda lib: lib.accelerator.device_count(),
    "acc_current_index": lambda lib: lib.accelerator.current_device_index(),
    "acc_set_index": lambda lib: lib.accelerator.set_device_index(0),
    "acc_synchronize": lambda lib: lib.accelerator.synchronize(),
    "acc_memory_allocated": lambda lib: lib.accelerator.memory_allocated(),
    "acc_empty_cache": lambda lib: lib.accelerator.empty_cache(),
    "acc_memory_stats": lambda lib: lib.accelerator.memory_stats(),
    "acc_get_memory_info": lambda lib: lib.accelerator.get_memory_info(),
    "acc_capability": lambda lib: lib.accelerator.get_device_capability(),
    "acc_current_stream": lambda lib: lib.accelerator.current_stream(),
    "acc_device_index_none": lambda lib: lib.accelerator.device_index(None).__enter__(),
    "acc_device_index_0": lambda lib: lib.accelerator.device_index(0).__enter__(),
    # torch.backends
    "cudnn_enabled": lambda lib: lib.backends.cudnn.enabled,
    "cudnn_benchmark": lambda lib: lib.backends.cudnn.benchmark,
    "cudnn_deterministic": lambda lib: lib.backends.cudnn.deterministic,
    "cudnn_allow_tf32": lambda lib: lib.backends.cudnn.allow_tf32,
    "cudnn_benchmark_limit": lambda lib: lib.backends.cudnn.benchmark_limit,
    "cudnn_is_available": lambda lib: lib.backends.cudnn.is_available(),
    "cudnn_version": lambda lib: lib.backends.cudnn.version(),
    "cudnn_is_acceptable": lambda lib: lib.backends.cudnn.is_acceptable(lib.zeros(1)),
    "matmul_allow_tf32": lambda lib: lib.backends.cuda.matmul.allow_tf32,
    "matmul_fp16_reduced": lambda lib: lib.backends.cuda.matmul.allow_fp16_reduced_precision_reduction,
    "matmul_bf16_reduced": lambda lib: lib.backends.cuda.matmul.allow_bf16_reduced_precision_reduction,
    "matmul_fp16_accumulation": lambda lib: lib.backends.cuda.matmul.allow_fp16_accumulation,
    "matmul_fp32_precision": lambda lib: lib.backends.cuda.matmul.fp32_precision,
    "matmul_unknown_get": lambda lib: lib.backends.cuda.matmul.nonsense,
    "cuda_is_built": lambda lib: lib.backends.cuda.is_built(),
    "mps_is_available": lambda lib: lib.backends.mps.is_available(),
    "mps_is_built": lambda lib: lib.backends.mps.is_built(),
    "mkldnn_enabled": lambda lib: lib.backends.mkldnn.enabled,
    "mkldnn_deterministic": lambda lib: lib.backends.mkldnn.deterministic,
    "mkldnn_allow_tf32": lambda lib: lib.backends.mkldnn.allow_tf32,
}


@pytest.mark.skipif(HAS_GPU, reason="compares with torch's CPU-only build")
@pytest.mark.parametrize("name", list(SAME))
def test_same_as_cpu_torch(name):
    fn = SAME[name]
    assert outcome(fn, ember) == outcome(fn, torch)


# ---- settable flags: same values after setting, same errors for bad values ----------------------

def _setter(module_path, attr, value):
    def fn(lib):
        target = lib
        for part in module_path.split("."):
            target = getattr(target, part)
        old = getattr(target, attr)
        try:
            setattr(target, attr, value)
            return getattr(target, attr)
        finally:
            with contextlib.suppress(Exception):
                setattr(target, attr, old)
    return fn


SETTERS = [
    ("backends.cudnn", "benchmark", True), ("backends.cudnn", "benchmark", 1),
    ("backends.cudnn", "deterministic", True), ("backends.cudnn", "deterministic", "yes"),
    ("backends.cudnn", "enabled", False), ("backends.cudnn", "enabled", 0),
    ("backends.cudnn", "allow_tf32", False), ("backends.cudnn", "allow_tf32", 1),
    ("backends.cudnn", "benchmark_limit", 5),
    ("backends.cuda.matmul", "allow_tf32", True), ("backends.cuda.matmul", "allow_tf32", 1),
    ("backends.cuda.matmul", "allow_fp16_reduced_precision_reduction", False),
    ("backends.cuda.matmul", "allow_fp16_reduced_precision_reduction", (False, False)),
    ("backends.cuda.matmul", "allow_fp16_reduced_precision_reduction", ()),
    ("backends.cuda.matmul", "allow_fp16_reduced_precision_reduction", (True, 1)),
    ("backends.cuda.matmul", "allow_bf16_reduced_precision_reduction", 1),
    ("backends.cuda.matmul", "allow_fp16_accumulation", True),
    ("backends.cuda.matmul", "allow_fp16_accumulation", 1),
    ("backends.cuda.matmul", "nonsense", True),
    ("backends.mkldnn", "enabled", False), ("backends.mkldnn", "enabled", 1),
    ("backends.mkldnn", "deterministic", True), ("backends.mkldnn", "allow_tf32", 1),
]


@pytest.mark.parametrize("module_path,attr,value", SETTERS)
def test_set_flag(module_path, attr, value):
    fn = _setter(module_path, attr, value)
    assert outcome(fn, ember) == outcome(fn, torch)


def test_set_flag_error_messages_match():
    for lib_attr, value in [("benchmark", 1), ("enabled", "x")]:
        msgs = []
        for lib in (torch, ember):
            with pytest.raises(RuntimeError) as info:
                setattr(lib.backends.cudnn, lib_attr, value)
            msgs.append(str(info.value))
        assert msgs[0] == msgs[1]
    with pytest.raises(AttributeError, match="Unknown attribute nonsense"):
        ember.backends.cuda.matmul.nonsense = 1


@pytest.mark.filterwarnings("ignore:TF32 acceleration on top of oneDNN")
def test_cudnn_flags_context_restores():
    for lib in (torch, ember):
        cudnn = lib.backends.cudnn
        with cudnn.flags(enabled=False, benchmark=True, deterministic=True):
            inside = (cudnn.enabled, cudnn.benchmark, cudnn.deterministic)
        assert inside == (False, True, True)
        assert (cudnn.enabled, cudnn.benchmark, cudnn.deterministic) == (True, False, False)
        with lib.backends.mkldnn.flags(enabled=False):
            assert lib.backends.mkldnn.enabled is False
        assert lib.backends.mkldnn.enabled is True


def test_float32_matmul_precision_follows_allow_tf32():
    from ember.backends import get_float32_matmul_precision, set_float32_matmul_precision

    seen = []
    for lib, get, put in [(torch, torch.get_float32_matmul_precision,
                           torch.set_float32_matmul_precision),
                          (ember, get_float32_matmul_precision, set_float32_matmul_precision)]:
        matmul = lib.backends.cuda.matmul
        row = [get()]
        try:
            matmul.allow_tf32 = True
            row += [get(), matmul.fp32_precision]
            matmul.allow_tf32 = False
            row += [get(), matmul.fp32_precision]
            put("medium")
            row += [matmul.allow_tf32, matmul.fp32_precision]
            with pytest.warns(UserWarning):
                put("bogus")
            row.append(get())
        finally:
            put("highest")
        seen.append(row)
    assert seen[0] == seen[1]


# ---- deliberate differences from the CPU-only torch build ---------------------------------------

@pytest.mark.skipif(HAS_GPU, reason="CPU-only behaviour")
def test_calls_torch_breaks_on_raise_the_no_cuda_assertion():
    """torch's CPU build leaks AttributeError (a missing C binding) here; ember raises its
    usual 'not compiled with CUDA' AssertionError instead."""
    for fn in (lambda: ember.cuda.set_device(0), ember.cuda.reset_peak_memory_stats,
               ember.cuda.reset_max_memory_allocated):
        with pytest.raises(AssertionError, match="not compiled with CUDA"):
            fn()
    assert not ember.backends.mkldnn.is_available()  # ember has no oneDNN (torch: True)


# ---- the CuPy path, through a fake CuPy -------------------------------------------------------------

class _FakePool:
    def __init__(self, cp):
        self.cp, self.used, self.total, self.freed = cp, collections.Counter(), \
            collections.Counter(), 0

    def malloc(self, size):
        dev = self.cp.cuda.runtime.current
        self.used[dev] += size
        self.total[dev] = max(self.total[dev], self.used[dev])
        return type("Ptr", (), {"device_id": dev, "size": size})()

    def free(self, ptr):
        self.used[ptr.device_id] -= ptr.size

    def used_bytes(self):
        return self.used[self.cp.cuda.runtime.current]

    def total_bytes(self):
        return self.total[self.cp.cuda.runtime.current]

    def free_all_blocks(self):
        self.freed += 1
        for dev in self.total:
            self.total[dev] = self.used[dev]


def _make_fake_cupy(n_devices=2):
    """Just enough of CuPy's API for ember.cuda: runtime, Device, pools, random, streams."""
    cp = type("FakeCuPy", (), {})()
    runtime = type("Runtime", (), {})()
    runtime.current = 0
    runtime.synced = []
    runtime.getDeviceCount = lambda: n_devices
    runtime.getDevice = lambda: runtime.current
    runtime.setDevice = lambda i: setattr(runtime, "current", i)
    runtime.memGetInfo = lambda: (1000 - runtime.current, 2000)
    runtime.getDeviceProperties = lambda i: {
        "name": f"Fake GPU {i}".encode(), "major": 8 + i, "minor": 6, "totalGlobalMem": 2**34,
        "multiProcessorCount": 100, "l2CacheSize": 2**22}

    class Device:
        def __init__(self, i=None):
            self.id = runtime.current if i is None else i

        def __enter__(self):
            self.prev = runtime.current
            runtime.current = self.id
            return self

        def __exit__(self, *exc):
            runtime.current = self.prev

        def synchronize(self):
            runtime.synced.append(self.id)

    seeds = {}
    cp.random = type("Random", (), {})()
    cp.random.seed = lambda s: seeds.__setitem__(runtime.current, s)
    cp.random.get_random_state = lambda: ("state", runtime.current, seeds.get(runtime.current))
    pool, pinned = _FakePool(cp), _FakePool(cp)
    cp.get_default_memory_pool = lambda: pool
    cp.get_default_pinned_memory_pool = lambda: pinned
    allocator = {"fn": pool.malloc}
    cp.cuda = type("Cuda", (), {})()
    cp.cuda.runtime, cp.cuda.Device = runtime, Device
    cp.cuda.get_allocator = lambda: allocator["fn"]
    cp.cuda.set_allocator = lambda fn: allocator.__setitem__("fn", fn)
    cp.alloc = lambda size: allocator["fn"](size)
    cp.seeds = seeds
    return cp


@pytest.fixture
def fake_cupy(monkeypatch):
    from ember.cuda import memory

    cp = _make_fake_cupy()
    monkeypatch.setattr(ember_backend, "_cupy", cp)
    monkeypatch.setattr(ember.cuda, "_initialized", False)
    monkeypatch.setattr(ember.cuda, "_seeds", {})
    monkeypatch.setattr(memory, "_peak_allocated", {})
    monkeypatch.setattr(memory, "_peak_reserved", {})
    return cp


def test_fake_cupy_queries(fake_cupy):
    cuda = ember.cuda
    assert cuda.is_available() and cuda.device_count() == 2 and not cuda.is_initialized()
    assert cuda.current_device() == 0 and cuda.is_initialized()
    cuda.set_device("cuda:1")
    assert cuda.current_device() == 1
    with cuda.device(0):
        assert cuda.current_device() == 0
    assert cuda.current_device() == 1
    assert cuda.get_device_name() == "Fake GPU 1"
    assert cuda.get_device_capability(0) == (8, 6)
    assert cuda.get_device_properties(ember.device("cuda:0")).total_memory == 2**34
    with pytest.raises(AssertionError, match="Invalid device id"):
        cuda.get_device_properties(5)
    assert cuda.is_bf16_supported()
    cuda.synchronize(0)
    assert fake_cupy.cuda.runtime.synced == [0]
    assert cuda.mem_get_info(0) == (1000, 2000)
    assert ember.accelerator.current_accelerator() == ember.device("cuda")
    assert ember.accelerator.current_device_index() == 1
    with ember.accelerator.device_index(0):
        assert ember.accelerator.current_device_index() == 0


def test_fake_cupy_seeds(fake_cupy):
    cuda = ember.cuda
    assert cuda.initial_seed() == 67280421310721
    cuda.manual_seed_all(7)
    assert fake_cupy.seeds == {0: 7, 1: 7}
    cuda.set_device(1)
    cuda.manual_seed(-1)
    assert fake_cupy.seeds[1] == 2**64 - 1 and cuda.initial_seed() == 2**64 - 1
    assert cuda._random_state(0) == ("state", 0, 7)


def test_fake_cupy_memory_peaks(fake_cupy):
    cuda = ember.cuda
    cuda.init()  # installs the peak-tracking allocator
    a = fake_cupy.alloc(100)
    b = fake_cupy.alloc(50)
    pool = fake_cupy.get_default_memory_pool()
    pool.free(b)
    assert cuda.memory_allocated() == 100 and cuda.max_memory_allocated() == 150
    assert cuda.memory_reserved() == 150 and cuda.max_memory_reserved(0) == 150
    assert cuda.memory_allocated(1) == 0
    stats = cuda.memory_stats()
    assert stats["allocated_bytes.all.peak"] == 150 and "reserved_bytes.all.current" in stats
    assert "Allocated memory" in cuda.memory_summary()
    cuda.reset_peak_memory_stats()
    assert cuda.max_memory_allocated() == 100
    cuda.empty_cache()
    assert pool.freed == 1 and cuda.memory_reserved() == 100
    pool.free(a)
    assert ember.accelerator.memory_allocated() == 0
