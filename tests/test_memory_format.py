"""Memory formats against torch: channels_last / channels_last_3d layouts through contiguous, to,
clone, empty and the *_like factories, is_contiguous for each format, the strides elementwise ops,
casts and a conv keep, gradients through a relayout, and torch's errors."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
from tests.oracle import assert_same, to_ember

X4 = np.random.default_rng(0).normal(size=(2, 3, 4, 5)).astype("float32")
X5 = np.random.default_rng(1).normal(size=(2, 3, 2, 4, 5)).astype("float32")
ODD = np.random.default_rng(2).normal(size=(2, 3, 1, 1)).astype("float32")


def _both(fn, *arrays):
    """fn(lib, *tensors) under torch and ember: (torch result, ember result)."""
    return (fn(torch, *[torch.tensor(a) for a in arrays]),
            fn(ember, *[ember.tensor(a) for a in arrays]))


def _same_layout(t, e, where):
    assert e.shape == tuple(t.shape), where
    assert e.stride() == t.stride(), f"{where}: strides {e.stride()} vs torch {t.stride()}"
    assert_same(e, t, where=where)


LAYOUTS = {
    "contiguous_cl": (lambda lib, x: x.contiguous(memory_format=lib.channels_last), X4),
    "to_cl": (lambda lib, x: x.to(memory_format=lib.channels_last), X4),
    "to_dtype_cl": (lambda lib, x: x.to(lib.float64, memory_format=lib.channels_last), X4),
    "to_cl_then_cast": (lambda lib, x: x.to(memory_format=lib.channels_last).double(), X4),
    "clone_cl": (lambda lib, x: x.clone(memory_format=lib.channels_last), X4),
    "clone_preserves": (lambda lib, x: x.contiguous(memory_format=lib.channels_last).clone(), X4),
    "clone_contiguous": (lambda lib, x: x.to(memory_format=lib.channels_last).clone(
        memory_format=lib.contiguous_format), X4),
    "back_to_contiguous": (lambda lib, x: x.to(memory_format=lib.channels_last).contiguous(), X4),
    "cl3d": (lambda lib, x: x.contiguous(memory_format=lib.channels_last_3d), X5),
    "size_one_dims": (lambda lib, x: x.contiguous(memory_format=lib.channels_last), ODD),
    "permuted_clone": (lambda lib, x: x.permute(0, 2, 3, 1).clone(), X4),
    "strided_clone": (lambda lib, x: x[:, :, ::2].clone(), X4),
    "elementwise": (lambda lib, x: lib.relu(x.to(memory_format=lib.channels_last) * 2 + 1), X4),
    "empty_like": (lambda lib, x: lib.zeros_like(x.to(memory_format=lib.channels_last)), X4),
    "like_contiguous": (lambda lib, x: lib.zeros_like(x.to(memory_format=lib.channels_last),
                                                      memory_format=lib.contiguous_format), X4),
    "like_cl": (lambda lib, x: lib.ones_like(x, memory_format=lib.channels_last), X4),
}


@pytest.mark.parametrize("name", list(LAYOUTS))
def test_layout_matches_torch(name):
    fn, x = LAYOUTS[name]
    t, e = _both(fn, x)
    _same_layout(t, e, name)
    for fmt in ("contiguous_format", "channels_last", "channels_last_3d", "preserve_format"):
        assert e.is_contiguous(memory_format=getattr(ember, fmt)) == \
            t.is_contiguous(memory_format=getattr(torch, fmt)), (name, fmt)
    assert e.is_contiguous() == t.is_contiguous(), name


def test_empty_in_a_format():
    for fmt in ("channels_last", "contiguous_format"):
        t = torch.empty(2, 3, 4, 5, memory_format=getattr(torch, fmt))
        e = ember.empty(2, 3, 4, 5, memory_format=getattr(ember, fmt))
        assert e.stride() == t.stride(), fmt
    t = torch.empty(1, 2, 3, 4, 5, memory_format=torch.channels_last_3d)
    assert ember.empty(1, 2, 3, 4, 5, memory_format=ember.channels_last_3d).stride() == t.stride()


def test_contiguous_returns_self_when_already_in_format():
    for lib in (torch, ember):
        x = lib.zeros(2, 3, 4, 5).contiguous(memory_format=lib.channels_last)
        assert x.contiguous(memory_format=lib.channels_last) is x
        y = lib.zeros(2, 1, 4, 1)  # size-1 channels: both layouts at once
        assert y.contiguous(memory_format=lib.channels_last) is y


def test_gradient_flows_through_a_relayout():
    def fn(lib, x):
        y = x.to(memory_format=lib.channels_last)
        return (y * y).sum()
    xt = torch.tensor(X4, requires_grad=True)
    xe = to_ember(xt.detach(), requires_grad=True)
    fn(torch, xt).backward()
    fn(ember, xe).backward()
    assert_same(xe.grad, xt.grad, where="grad")
    assert xe.grad.stride() == xt.grad.stride()


def test_conv_and_pool_accept_channels_last():
    w = np.random.default_rng(3).normal(size=(4, 3, 3, 3)).astype("float32")
    t, e = _both(lambda lib, x, w: lib.nn.functional.max_pool2d(
        lib.nn.functional.conv2d(x.to(memory_format=lib.channels_last), w, padding=1), 2), X4, w)
    assert_same(e, t, where="conv+pool on channels_last")


def test_printing_and_identity():
    assert repr(ember.channels_last) == repr(torch.channels_last) == "torch.channels_last"
    assert str(ember.contiguous_format) == "torch.contiguous_format"
    assert isinstance(ember.preserve_format, ember.memory_format)
    import pickle
    assert pickle.loads(pickle.dumps(ember.channels_last)) is ember.channels_last


ERRORS = {
    "rank": lambda lib: lib.zeros(3, 4).contiguous(memory_format=lib.channels_last),
    "rank_3d": lambda lib: lib.zeros(2, 3, 4, 5).contiguous(memory_format=lib.channels_last_3d),
    "to_rank": lambda lib: lib.zeros(3, 4).to(memory_format=lib.channels_last),
    "clone_rank": lambda lib: lib.zeros(3, 4).clone(memory_format=lib.channels_last),
    "empty_rank": lambda lib: lib.empty(3, 4, memory_format=lib.channels_last),
    "preserve_contiguous": lambda lib: lib.zeros(2, 3, 4, 5).to(
        memory_format=lib.channels_last).contiguous(memory_format=lib.preserve_format),
    "preserve_empty": lambda lib: lib.empty(2, 3, 4, 5, memory_format=lib.preserve_format),
    "not_a_format": lambda lib: lib.zeros(2, 3, 4, 5).contiguous(memory_format=5),
    "like_not_a_format": lambda lib: lib.zeros_like(lib.zeros(2, 3), memory_format=5),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_errors_match_torch(name):
    fn = ERRORS[name]
    with pytest.raises(Exception) as want:
        fn(torch)
    with pytest.raises(type(want.value)) as have:
        fn(ember)
    assert str(have.value) == str(want.value)
