"""Tensor's storage and identity surface (storage, untyped_storage, set_, share_memory_,
is_set_to, dim_order, in-place transposes, removed APIs' errors) and torch's top-level runtime
objects (storages, Stream, Event, cond, get_device_module, ...), against torch."""
from __future__ import annotations

import multiprocessing
import os
import pickle
import warnings

import numpy as np
import pytest
import torch

import ember
from tests.oracle import assert_same, check, check_raises


def _pair(data):
    return torch.tensor(data), ember.tensor(data)


def test_untyped_storage_matches_torch():
    t, e = _pair([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    for tv, ev in [(t, e), (t[1:], e[1:]), (t[:, 1], e[:, 1]), (t.t(), e.t())]:
        ts, es = tv.untyped_storage(), ev.untyped_storage()
        assert (len(es), es.nbytes(), es.element_size()) == (len(ts), ts.nbytes(), 1)
        assert es.tolist() == ts.tolist() and es[4] == ts[4]
        assert ev.data_ptr() == es.data_ptr() + ev.storage_offset() * ev.element_size()
        assert es.data_ptr() == e.data_ptr() and es.device == ember.device("cpu")
    assert repr(e.untyped_storage()).splitlines()[-1] == repr(t.untyped_storage()).splitlines()[-1]


def test_typed_storage_matches_torch():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t, e = _pair([1, 2, 3, 4])
        ts, es = t[1:].storage(), e[1:].storage()
        assert repr(es) == repr(ts)
        assert (es.size(), len(es), es.nbytes(), es.element_size(), es[2]) == \
            (ts.size(), len(ts), ts.nbytes(), ts.element_size(), ts[2])
        assert es.tolist() == ts.tolist() and list(es) == list(ts)
        assert es.type() == ts.type() == "torch.LongStorage"
        assert es.pickle_storage_type() == ts.pickle_storage_type()
        assert isinstance(es, ember.LongStorage) and not isinstance(es, ember.FloatStorage)
        assert isinstance(es, ember.TypedStorage)
        assert e.storage_type() is ember.LongStorage
        es.fill_(7)
        assert e.tolist() == [7, 7, 7, 7]
        for name in ["FloatStorage", "DoubleStorage", "IntStorage", "ByteStorage", "BoolStorage"]:
            te, ee = getattr(torch, name)([1, 0, 1]), getattr(ember, name)([1, 0, 1])
            assert repr(ee) == repr(te) and ee.dtype is getattr(ember, str(te.dtype)[6:])
            assert len(getattr(ember, name)(5)) == 5
        assert ember.TypedStorage([1, 2], dtype=ember.int32).tolist() == [1, 2]
        assert ember.UntypedStorage([1, 2, 3]).tolist() == [1, 2, 3]
        assert ember.UntypedStorage(5).nbytes() == 5


def test_storage_warns_like_torch():
    import ember._storage as st
    st._typed_storage_warned = False
    with pytest.warns(UserWarning, match="TypedStorage is deprecated"):
        ember.zeros(2).storage()


@pytest.mark.parametrize("case", ["storage", "tensor", "empty", "typed", "grow"])
def test_set_(case):
    def run(lib):
        x = lib.arange(6.0)
        y = lib.zeros(2)
        if case == "storage":
            y.set_(x.untyped_storage(), 1, (2, 2), (2, 1))
        elif case == "tensor":
            y.set_(x[2:])
        elif case == "empty":
            y.set_()
        elif case == "grow":
            s = x[:2].clone().untyped_storage()
            y.set_(s, 1, (3,), (1,))
            return y.shape, s.nbytes(), y[:1]
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                y.set_(x.storage())
        x.add_(10)  # y views x's memory: it sees the change
        return y, y.stride(), y.storage_offset(), y.is_set_to(x), tuple(y.shape)
    check(run, [], grad=False)
    check_raises(lambda lib: lib.zeros(2).set_(lib.zeros(2, dtype=lib.int64)), [])


def test_is_set_to():
    def run(lib):
        x = lib.zeros(2, 3)
        return x.is_set_to(x), x.is_set_to(x.view(2, 3)), x.is_set_to(x.clone()), \
            x.is_set_to(x.t())
    check(run, [], grad=False)


def _child_write(t):
    t.add_(1)


def test_share_memory_reaches_a_forked_process():
    e = ember.arange(4.0)
    assert not e.is_shared()
    assert e.share_memory_() is e and e.is_shared() and e.untyped_storage().is_shared()
    view = e[1:]
    assert view.is_shared()
    ctx = multiprocessing.get_context("fork")
    p = ctx.Process(target=_child_write, args=(e,))
    p.start()
    p.join(30)
    assert p.exitcode == 0 and e.tolist() == [1.0, 2.0, 3.0, 4.0]


def test_dim_order_and_inplace_transposes():
    check(lambda x: (x.dim_order(), x.mT.dim_order(), x.permute(2, 0, 1).dim_order(),
                     x[:, :1].dim_order()), [(2, 3, 4)], grad=False)
    for fn in [lambda x: x.transpose_(0, 2), lambda x: x.swapaxes_(0, 1),
               lambda x: x.swapdims_(2, 1), lambda x: x[0].t_()]:
        def run(lib, x, fn=fn):
            y = x.detach().clone()
            out = fn(y)
            return out, out.stride(), out.data_ptr() == y.data_ptr() or out is not y
        check(run, [(2, 3, 4)], grad=False)
    check(lambda x: (x * 1).transpose_(0, 1) * 2, [(2, 3)])  # keeps the history


def test_small_methods_match_torch():
    check(lambda lib: (lib.tensor([3.0]).is_nonzero(), lib.tensor(0).is_nonzero(),
                       lib.zeros(2, 3).is_same_size(lib.ones(2, 3)),
                       lib.zeros(2).is_same_size(lib.ones(3)), lib.zeros(1).is_distributed(),
                       lib.zeros(1).is_maia, lib.zeros(1).is_xla, lib.zeros(1).name,
                       lib.zeros(2).grad_dtype), [], grad=False)
    check(lambda x: x.to_dense() * 2, [(2, 3)])
    check(lambda x: x.to_dense(torch.float64 if isinstance(x, torch.Tensor) else ember.float64),
          [(2,)], grad=False)
    e = ember.zeros(3)
    assert e.const_data_ptr() == e.data_ptr()
    for fn in [lambda lib: lib.zeros(2).is_nonzero(), lambda lib: lib.zeros(0).is_nonzero(),
               lambda lib: lib.zeros(2).xpu(), lambda lib: lib.zeros(2).mtia(),
               lambda lib: lib.zeros(2).ipu(), lambda lib: lib.zeros(2).solve(lib.zeros(2)),
               lambda lib: lib.zeros(2).reinforce(lib.zeros(2)),
               lambda lib: lib.zeros(2).to_padded_tensor(0.0),
               lambda lib: lib.zeros(2).record_stream(lib.Stream())]:
        check_raises(fn, [])
    with pytest.warns(UserWarning, match="volatile was removed"):
        assert ember.zeros(1).volatile is False
    with pytest.warns(UserWarning, match="now has no effect"):
        ember.zeros(1).volatile = True
    for lib in (torch, ember):
        x = lib.zeros(1)
        x.grad_dtype = lib.float64
        assert x.grad_dtype is lib.float64
        with pytest.raises(AttributeError):
            x.name = "a"


def test_deprecated_resize_and_module_load():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check(lambda x: (x.resize(3, 2), x.resize_as(x.reshape(6))), [(2, 3)])

    def load(lib, x, y, assign):
        x = x.detach().clone()
        out = x.module_load(y.detach(), assign=assign)
        return out, x
    check(lambda lib, x, y: load(lib, x, y, False), [(2, 3), (2, 3)], grad=False)
    check(lambda lib, x, y: load(lib, x, y, True), [(2, 3), (2, 3)], grad=False)


def test_as_subclass_keeps_data_and_history():
    class Sub(ember.Tensor):
        pass
    x = ember.randn(3, requires_grad=True)
    y = (x * 2).as_subclass(Sub)
    assert type(y) is Sub and y.data_ptr() != 0 and y.grad_fn is not None
    y.sum().backward()
    assert_same(x.grad, torch.full((3,), 2.0))
    p = x.detach().as_subclass(ember.nn.Parameter)
    assert isinstance(p, ember.nn.Parameter)
    with pytest.raises(TypeError):
        x.as_subclass(int)


# ---- top-level runtime objects ----------------------------------------------------------------


def test_stream_and_event_behave_as_torch_cpu():
    for lib in (torch, ember):
        s, e = lib.Stream(), lib.Event()
        assert (s.query(), s.synchronize(), s.wait_event(e), s.is_capturing()) == \
            (True, None, None, False)
        assert (e.query(), e.synchronize(), e.wait(), e.event_id) == (True, None, None, 0)
        assert s.device == lib.device("cpu") and s.device_index == -1 and s.stream_id == 0
        assert s == lib.Stream()
        with s:
            pass
    assert repr(ember.Stream()) == repr(torch.Stream())
    assert repr(ember.Event()) == repr(torch.Event())
    assert repr(ember.Event(enable_timing=True)) == repr(torch.Event(enable_timing=True))
    for fn in [lambda lib: lib.Stream().record_event(), lambda lib: lib.Event().record(),
               lambda lib: lib.Stream().wait_stream(lib.Stream()),
               lambda lib: lib.Event().elapsed_time(lib.Event()),
               lambda lib: lib.Event().ipc_handle(), lambda lib: lib.Stream("cuda")]:
        check_raises(fn, [])


def test_runtime_functions_match_torch():
    for lib in (torch, ember):
        assert lib.init_num_threads() is None and lib.is_vulkan_available() is False
        assert lib.is_distributed(lib.zeros(1)) is False
        assert lib.thread_safe_generator() is None
        assert lib.get_device_module("cpu") is lib.cpu and lib.get_device_module() is lib.cpu
        assert lib.get_device_module(lib.device("cpu")) is lib.cpu
        assert lib.GradScaler is lib.amp.GradScaler
        assert issubclass(lib.OutOfMemoryError, RuntimeError)
        assert issubclass(lib.AcceleratorError, RuntimeError)
        assert issubclass(lib.FatalError, Exception)
        assert not issubclass(lib.FatalError, RuntimeError)
        with lib.DisableTorchFunction(), lib.DisableTorchFunctionSubclass():
            pass
        lib.set_anomaly_enabled(True, False)
        assert lib.is_anomaly_enabled() and not lib.is_anomaly_check_nan_enabled()
        lib.set_anomaly_enabled(False)
        assert not lib.is_anomaly_enabled() and lib.is_anomaly_check_nan_enabled()
    check_raises(lambda lib: lib.get_device_module("meta"), [])


def test_cond_runs_eagerly():
    check(lambda lib, x: lib.cond(x.sum() > 0, lambda a: a * 2, lambda a: a - 1, (x,)), [(3,)])
    check(lambda lib, x: lib.cond(False, lambda a: a * 2, lambda a: a.sin(), [x]), [(3,)])
    check_raises(lambda lib: lib.cond(lib.tensor([True, False]), lambda: 1, lambda: 2), [])
    check_raises(lambda lib: lib.cond("yes", lambda: 1, lambda: 2), [])


def test_layouts():
    for name in ["strided", "sparse_coo", "sparse_csr", "sparse_csc", "sparse_bsr",
                 "sparse_bsc", "jagged"]:
        e, t = getattr(ember, name), getattr(torch, name)
        assert repr(e) == repr(t) and isinstance(e, ember.layout)
        assert pickle.loads(pickle.dumps(e)) is e
    assert ember.zeros(1).layout is ember.strided


def test_from_file_is_shared_when_mapped(tmp_path):
    path = os.path.join(tmp_path, "x.bin")
    np.zeros(4, dtype=np.float32).tofile(path)
    assert ember.from_file(path, True, 4, dtype=ember.float32).is_shared()
