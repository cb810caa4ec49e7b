"""autocast as a context manager and decorator against torch: state, nesting, enabled=False,
cache_enabled, custom_fwd/custom_bwd, the deprecated aliases and device_type='cuda' without a GPU."""
import warnings

import pytest
import torch

import ember
import ember.cpu  # until ember resolves .cpu lazily itself
from ember.amp import _state as state

STATE_FUNCTIONS = [  # torch's top-level autocast-state functions and their ember versions
    "is_autocast_enabled", "get_autocast_dtype", "is_autocast_cache_enabled",
    "set_autocast_enabled", "set_autocast_dtype", "set_autocast_cache_enabled",
    "clear_autocast_cache", "autocast_increment_nesting", "autocast_decrement_nesting",
    "is_autocast_cpu_enabled", "set_autocast_cpu_enabled", "get_autocast_cpu_dtype",
    "set_autocast_cpu_dtype", "get_autocast_gpu_dtype", "set_autocast_gpu_dtype",
    "is_autocast_xla_enabled", "set_autocast_xla_enabled", "get_autocast_xla_dtype",
    "set_autocast_xla_dtype", "is_autocast_ipu_enabled", "set_autocast_ipu_enabled",
    "get_autocast_ipu_dtype", "set_autocast_ipu_dtype",
]


def _snapshot(lib, st):
    return (st.is_autocast_enabled("cpu"), str(st.get_autocast_dtype("cpu")),
            st.is_autocast_enabled("cuda"), str(st.get_autocast_dtype("cuda")),
            st.is_autocast_cache_enabled())


def _libs():
    return ((torch, torch), (ember, state))


def test_state_functions_exist_in_torch_and_ember():
    for name in STATE_FUNCTIONS:
        assert callable(getattr(torch, name)) and callable(getattr(state, name)), name
    assert sorted(state.__all__) == sorted(STATE_FUNCTIONS)


def test_default_state_matches_torch():
    assert _snapshot(torch, torch) == _snapshot(ember, state)
    assert state.is_autocast_enabled() is torch.is_autocast_enabled() is False
    for dev in ("cpu", "cuda", "xpu", "hpu", "mps", "cuda:0"):
        assert str(state.get_autocast_dtype(dev)) == str(torch.get_autocast_dtype(dev))


def test_nesting_and_disabled_regions_match_torch():
    seen = {}
    for lib, st in _libs():
        log = []
        with lib.autocast("cpu"):
            log.append(_snapshot(lib, st))
            with lib.autocast("cpu", dtype=lib.float16, cache_enabled=False):
                log.append(_snapshot(lib, st))
                with lib.autocast("cpu", enabled=False):
                    log.append(_snapshot(lib, st))
                    x = lib.ones(2, 2) @ lib.ones(2, 2)
                    log.append(str(x.dtype))
                log.append(_snapshot(lib, st))
                log.append(str((lib.ones(2, 2) @ lib.ones(2, 2)).dtype))
            log.append(_snapshot(lib, st))
        log.append(_snapshot(lib, st))
        log.append(str((lib.ones(2, 2) @ lib.ones(2, 2)).dtype))
        seen[lib.__name__] = log
    assert seen["ember"] == seen["torch"]


def test_exit_restores_state_after_an_exception():
    for lib, st in _libs():
        with pytest.raises(ValueError), lib.autocast("cpu"):
            raise ValueError
        assert not st.is_autocast_enabled("cpu")
        assert st.autocast_increment_nesting() == 1 and st.autocast_decrement_nesting() == 0


def test_decorator_form():
    results = []
    for lib in (torch, ember):
        @lib.autocast("cpu")
        def forward(x, w):
            return x @ w

        out = forward(lib.ones(2, 3), lib.ones(3, 2))
        results.append((str(out.dtype), str((lib.ones(2, 3) @ lib.ones(3, 2)).dtype),
                        forward.__name__))
        with pytest.raises(TypeError, match="requires a callable"):
            lib.autocast("cpu")(3)
    assert results[0] == results[1] == ("torch.bfloat16", "torch.float32", "forward")


def test_set_autocast_enabled_without_a_context():
    for lib, st in _libs():
        st.set_autocast_enabled("cpu", True)
        try:
            assert str((lib.ones(2, 2) @ lib.ones(2, 2)).dtype) == "torch.bfloat16"
        finally:
            st.set_autocast_enabled("cpu", False)
        assert str((lib.ones(2, 2) @ lib.ones(2, 2)).dtype) == "torch.float32"


def test_deprecated_state_functions_warn_like_torch():
    for lib, st in _libs():
        with pytest.warns(DeprecationWarning, match=r"torch.get_autocast_cpu_dtype\(\) is "
                          r"deprecated. Please use torch.get_autocast_dtype\('cpu'\) instead"):
            assert str(st.get_autocast_cpu_dtype()) == "torch.bfloat16"
        with pytest.warns(DeprecationWarning, match="is_autocast_cpu_enabled"):
            assert st.is_autocast_cpu_enabled() is False


def _warnings_of(fn):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        result = fn()
    return result, [(x.category.__name__, str(x.message)) for x in w]


def test_bad_arguments_raise_like_torch():
    for lib in (torch, ember):
        with pytest.raises(ValueError, match="Expected `device_type` of type `str`"):
            lib.autocast(1)
        with pytest.raises(RuntimeError, match="Expected one of cpu, cuda"):
            lib.autocast("foo")
    (t, tw), (e, ew) = (_warnings_of(lambda lib=lib: lib.autocast("cpu", dtype=lib.float32))
                        for lib in (torch, ember))
    assert ew == tw and t._enabled is e._enabled is False
    assert ember.amp.is_autocast_available("cpu") is torch.amp.is_autocast_available("cpu")
    assert ember.amp.is_autocast_available("meta") is torch.amp.is_autocast_available("meta")


@pytest.mark.skipif(torch.cuda.is_available(), reason="torch's behaviour without a GPU")
@pytest.mark.parametrize("make", [
    lambda lib: lib.autocast("cuda"),
    lambda lib: lib.amp.autocast(device_type="cuda", dtype=lib.bfloat16),
    lambda lib: lib.cuda.amp.autocast(),
    lambda lib: lib.cpu.amp.autocast(),
], ids=["autocast", "amp.autocast", "cuda.amp.autocast", "cpu.amp.autocast"])
def test_cuda_without_gpu_and_deprecated_aliases_warn_like_torch(make):
    if ember.cuda.is_available():
        pytest.skip("ember sees a GPU")
    (t, tw), (e, ew) = (_warnings_of(lambda lib=lib: make(lib)) for lib in (torch, ember))
    assert ew == tw
    assert (e._enabled, e.device, str(e.fast_dtype)) == (t._enabled, t.device, str(t.fast_dtype))
    for lib, region in ((torch, t), (ember, e)):
        with region:
            out = lib.ones(2, 2) @ lib.ones(2, 2)
        assert str(out.dtype) == ("torch.bfloat16" if t._enabled else "torch.float32")


def _enabled(lib) -> bool:
    return (torch if lib is torch else state).is_autocast_enabled("cpu")


def _custom_function_log(lib) -> list:
    """What custom_fwd/custom_bwd-decorated Functions see, run under `lib`."""
    log = []

    class Mul(lib.autograd.Function):
        @staticmethod
        @lib.amp.custom_fwd(device_type="cpu", cast_inputs=lib.float32)
        def forward(ctx, a, b, n):
            log.append((str(a.dtype), str(b.dtype), n, _enabled(lib)))
            ctx.save_for_backward(a, b)
            return a @ b

        @staticmethod
        @lib.amp.custom_bwd(device_type="cpu")
        def backward(ctx, g):
            a, b = ctx.saved_tensors
            log.append(_enabled(lib))
            return g @ b.T, a.T @ g, None

    class Plain(lib.autograd.Function):
        @staticmethod
        @lib.amp.custom_fwd(device_type="cpu")
        def forward(ctx, a):
            out = a @ a
            log.append(str(out.dtype))
            return out

        @staticmethod
        @lib.amp.custom_bwd(device_type="cpu")
        def backward(ctx, g):
            log.append(_enabled(lib))
            return g

    a = lib.ones(2, 2, dtype=lib.bfloat16, requires_grad=True)
    b = lib.ones(2, 2, dtype=lib.float64, requires_grad=True)
    with lib.autocast("cpu"):
        y = Mul.apply(a, b.float(), 3)
        z = Plain.apply(lib.ones(2, 2, requires_grad=True))
    log.append(str(y.dtype))
    y.sum().backward()
    z.float().sum().backward()
    log.append(str(Mul.apply(a, a, 1).dtype))  # outside autocast: no casting at all
    with pytest.raises(ValueError, match="Expected `device_type` of type `str`"):
        lib.amp.custom_fwd(device_type=None)
    return log


def test_custom_fwd_cast_inputs_and_custom_bwd():
    """cast_inputs casts float inputs and runs forward with autocast off; backward sees the
    forward's autocast state."""
    assert _custom_function_log(ember) == _custom_function_log(torch)
