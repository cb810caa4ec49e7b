"""nn.Parameter and nn.Buffer (ember/nn/parameter.py) against torch: repr, tensor behaviour, shared
memory and version, grads, deepcopy and pickle, data swap."""
from __future__ import annotations

import copy
import pickle

import pytest
import torch

import ember

LIBS = (torch, ember)


@pytest.mark.parametrize("make", [
    lambda lib: lib.nn.Parameter(lib.tensor([[1.5, -2.0], [3.0, 4.25]])),
    lambda lib: lib.nn.Parameter(lib.tensor([1, 2]), requires_grad=False),
    lambda lib: lib.nn.Parameter(),
    lambda lib: lib.nn.Parameter(lib.ones(2, dtype=lib.float64), False),
])
def test_parameter_repr(make):
    t, e = make(torch), make(ember)
    assert repr(e) == repr(t) and str(e) == str(t)
    assert e.requires_grad == t.requires_grad


def test_parameter_is_tensor_and_ops_give_plain_tensors():
    for lib in LIBS:
        p = lib.nn.Parameter(lib.ones(2, 3))
        assert isinstance(p, lib.Tensor) and isinstance(p, lib.nn.Parameter) and p.is_leaf
        for out in (p * 2, p.clone(), p.detach(), p.data, p.sum(), p.t()):
            assert type(out) is lib.Tensor
        assert not isinstance(lib.ones(1), lib.nn.Parameter)


def test_parameter_shares_memory_and_version():
    for lib in LIBS:
        t = lib.ones(3)
        p = lib.nn.Parameter(t)
        t.add_(1)
        assert p.tolist() == [2.0, 2.0, 2.0] and p._version == t._version == 1


def test_parameter_grad_and_errors():
    p = ember.nn.Parameter(ember.tensor([1.0, 2.0]))
    (p * p).sum().backward()
    assert p.grad.tolist() == [2.0, 4.0]
    errors = []
    for lib in LIBS:
        with pytest.raises(Exception) as info:
            lib.nn.Parameter(lib.ones(2, dtype=lib.int64))
        errors.append((type(info.value), str(info.value)))
    assert errors[1] == errors[0]


def test_complex_parameter_requires_grad():
    for lib in LIBS:
        p = lib.nn.Parameter(lib.ones(2, dtype=lib.complex64))
        assert p.requires_grad and p.dtype == lib.complex64
        (p * p).real.sum().backward()
        assert p.grad.tolist() == [2 + 0j, 2 + 0j]


def test_parameter_deepcopy_and_pickle():
    for lib in LIBS:
        p = lib.nn.Parameter(lib.tensor([1.0, 2.0]))
        p.grad = lib.tensor([3.0, 4.0])
        q = copy.deepcopy(p)
        assert type(q) is lib.nn.Parameter and q is not p and q.requires_grad
        assert q.tolist() == p.tolist()
        p.data.add_(1)
        assert q.tolist() == [1.0, 2.0]
        r = pickle.loads(pickle.dumps(p))
        assert type(r) is lib.nn.Parameter and r.tolist() == [2.0, 3.0] and r.requires_grad


def test_parameter_data_swap():
    for lib in LIBS:
        p = lib.nn.Parameter(lib.ones(2))
        p.data = lib.zeros(3)
        assert type(p) is lib.nn.Parameter and p.shape == (3,) and p.requires_grad


def test_buffer():
    for lib in LIBS:
        b = lib.nn.Buffer(lib.ones(2), persistent=False)
        assert type(b) is lib.Tensor and isinstance(b, lib.nn.Buffer) and b.persistent is False
        assert not isinstance(lib.ones(1), lib.nn.Buffer)
        m = lib.nn.Module()
        m.b = b
        m.c = lib.nn.Buffer(lib.zeros(1))
        m.d = lib.ones(1)  # a plain tensor is just an attribute
        assert list(m._buffers) == ["b", "c"] and m._non_persistent_buffers_set == {"b"}
        assert list(m.state_dict()) == ["c"]
        m.b = lib.zeros(4)  # re-assigning keeps it a non-persistent buffer
        assert m._buffers["b"].shape == (4,) and m._non_persistent_buffers_set == {"b"}
        assert "d" in m.__dict__
