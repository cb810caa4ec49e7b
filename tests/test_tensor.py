"""The Tensor core against torch: metadata, conversions, casts, Python protocols, legacy surface."""
from __future__ import annotations

import copy
import pickle

import numpy as np
import pytest
import torch

import ember
from tests.oracle import assert_same, check, check_raises


def same(fn, **kw):
    kw = {"rtol": 0, "atol": 0, **kw}
    return check(fn, inputs=[], grad=False, **kw)


# ---- metadata ----------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(2, 3), (), (0, 3), (4, 1, 2), (3, 0, 2)])
def test_metadata(shape):
    def meta(lib):
        x = lib.zeros(shape)
        return (x.shape, x.size(), x.dim(), x.ndim, x.ndimension(), x.numel(), x.nelement(),
                x.stride(), x.is_contiguous(), x.element_size(), x.nbytes, x.itemsize, x.is_leaf,
                x.requires_grad, x.is_floating_point(), x.is_signed(), lib.numel(x),
                x.storage_offset())
    same(meta)


def test_size_and_stride_dims():
    check(lambda x: (x.size(0), x.size(-1), x.size(1), x.stride(0), x.stride(-1)),
          shapes=[(2, 3)], grad=False)
    check(lambda x: (x.t().stride(), x.t().is_contiguous(), x.t().contiguous().stride(),
                     x.t().contiguous().is_contiguous()), shapes=[(2, 3)], grad=False)


@pytest.mark.parametrize("fn,shape", [
    (lambda x: x.size(2), (2, 3)), (lambda x: x.size(-3), (2, 3)), (lambda x: x.size(0), ()),
    (lambda x: x.stride(0), ()), (lambda x: x.stride(-1), ()), (lambda x: x.stride(5), (2,)),
])
def test_dim_errors(fn, shape):
    check_raises(fn, shapes=[shape])


def test_dtype_device_and_flags():
    for name in ("float16", "bfloat16", "float32", "float64", "uint8", "int8", "int16", "int32",
                 "int64", "bool"):
        check(lambda x: (x.dtype, x.is_floating_point(), x.is_signed(), x.element_size(),
                         x.type(), x.is_complex()), shapes=[(2,)], dtype=name, grad=False)
    x = ember.ones(2)
    assert x.device == ember.device("cpu") and repr(x.device) == "device(type='cpu')"
    assert not x.is_cuda and x.is_cpu and not x.is_sparse and not x.is_quantized
    assert not x.is_meta and x.layout is ember.strided and repr(x.layout) == "torch.strided"
    assert x.real is x


def test_T_and_mT():
    check(lambda x: x.T, shapes=[(2, 3)], grad2=True)
    check(lambda x: x.mT, shapes=[(4, 2, 3)], grad2=True)
    check(lambda x: x.T, shapes=[(3,)])
    check_raises(lambda x: x.mT, shapes=[(3,)])


# ---- autograd state ----------------------------------------------------------------------------


def test_requires_grad_and_is_leaf():
    x = ember.ones(2)
    assert x.requires_grad_() is x and x.requires_grad and x.is_leaf
    y = x * 2
    assert not y.is_leaf and y.requires_grad
    assert x.requires_grad_(False) is x and not x.requires_grad
    check_raises(lambda lib: lib.tensor(2).requires_grad_(), inputs=[])
    check_raises(lambda lib: (lib.ones(2, requires_grad=True) * 2).requires_grad_(False),
                 inputs=[])
    check_raises(lambda lib: lib.ones(2, dtype=lib.int32).requires_grad_(), inputs=[])


def test_detach_shares_memory_and_version():
    x = ember.ones(3, requires_grad=True)
    d = x.detach()
    assert not d.requires_grad and d.is_leaf and d.grad_fn is None
    assert np.shares_memory(d.numpy(), x.detach().numpy())
    v = x._version
    d.add_(1)
    assert x._version == v + 1 and x.tolist() == [2.0, 2.0, 2.0]
    t = torch.ones(3, requires_grad=True)
    t.detach().add_(1)
    assert t._version == x._version


def test_data():
    x = ember.ones(3, requires_grad=True)
    d = x.data
    assert not d.requires_grad and np.shares_memory(d.numpy(), x.detach().numpy())
    x.data = ember.zeros(3)
    assert x.tolist() == [0.0, 0.0, 0.0] and x.requires_grad


# ---- conversions to Python and NumPy ------------------------------------------------------------


@pytest.mark.parametrize("fn", [
    lambda lib: lib.tensor(True).item(), lambda lib: lib.tensor(3).item(),
    lambda lib: lib.tensor(3.5, dtype=lib.float16).item(),
    lambda lib: lib.tensor(3.5, dtype=lib.bfloat16).item(),
    lambda lib: lib.tensor([[2.5]]).item(), lambda lib: lib.tensor(2.0, requires_grad=True).item(),
    lambda lib: lib.tensor([1.5], dtype=lib.bfloat16).tolist(), lambda lib: lib.tensor(3).tolist(),
    lambda lib: lib.tensor([[True]]).tolist(), lambda lib: lib.tensor([[1, 2]]).tolist(),
    lambda lib: lib.ones(2, requires_grad=True).tolist(), lambda lib: lib.zeros(0, 2).tolist(),
    lambda lib: float(lib.tensor([2])), lambda lib: int(lib.tensor([2.7])),
    lambda lib: int(lib.tensor(-2.7)), lambda lib: bool(lib.tensor([0.0])),
    lambda lib: bool(lib.tensor(3)), lambda lib: lib.tensor(7).__index__(),
    lambda lib: [1, 2, 3][lib.tensor(1)], lambda lib: len(lib.ones(4, 2)),
    lambda lib: str(complex(lib.tensor(2.0))), lambda lib: f"{lib.tensor(2.5):.2f}",
    lambda lib: f"{lib.tensor(3)}",
])
def test_python_conversions(fn):
    same(fn)


@pytest.mark.parametrize("fn", [
    lambda lib: float(lib.ones(2, 3)), lambda lib: int(lib.ones(2, 3)),
    lambda lib: float(lib.tensor([])), lambda lib: lib.ones(2, 3).__index__(),
    lambda lib: lib.tensor(2.0).__index__(), lambda lib: bool(lib.tensor([])),
    lambda lib: bool(lib.ones(2)), lambda lib: lib.tensor([]).item(),
    lambda lib: lib.ones(2, 3).item(), lambda lib: len(lib.tensor(1.0)),
    lambda lib: iter(lib.tensor(1.0)), lambda lib: f"{lib.ones(2):.2f}",
    lambda lib: lib.ones(2, requires_grad=True).numpy(),
])
def test_python_conversion_errors(fn):
    check_raises(fn, inputs=[])


def test_numpy_shares_memory():
    x = ember.zeros(2, 3)
    a = x.numpy()
    a[0, 0] = 5
    assert x.tolist()[0][0] == 5
    assert x.t().numpy().shape == (3, 2)
    y = ember.ones(2, requires_grad=True)
    assert np.shares_memory(y.detach().numpy(), y.numpy(force=True))
    assert np.asarray(ember.arange(3)).tolist() == [0, 1, 2]


# ---- casts and copies --------------------------------------------------------------------------

CASTS = ["float", "double", "half", "bfloat16", "long", "int", "short", "char", "byte", "bool"]


@pytest.mark.parametrize("cast", CASTS)
@pytest.mark.parametrize("src", ["float32", "float64", "int64", "uint8", "bool"])
def test_cast_methods(cast, src):
    low, high = (0, 5) if src == "uint8" else (-3, 3)
    check(lambda x: getattr(x, cast)(), shapes=[(2, 3)], dtype=src, low=low, high=high)


@pytest.mark.parametrize("fn", [
    lambda lib, x: x.double() * 2, lambda lib, x: x.to(lib.float64).sin() if False else
    x.to(lib.float64) * x.to(lib.float64), lambda lib, x: x.half().float(),
    lambda lib, x: x.to(lib.float16) * 3, lambda lib, x: x.type(lib.float64) * 2,
    lambda lib, x: x.type_as(lib.zeros(1, dtype=lib.float64)) * x.double(),
    lambda lib, x: x.to(lib.zeros(1, dtype=lib.float64)),
    lambda lib, x: x.to("cpu", lib.float64), lambda lib, x: x.to(device="cpu", dtype=lib.float64),
])
def test_cast_gradients(fn):
    check(fn, shapes=[(2, 3)], grad2=True)


def test_cast_grad_fn_and_int_casts():
    x = ember.ones(2, requires_grad=True)
    assert type(x.double().grad_fn).__name__ == "ToCopyBackward0"
    assert x.double().grad_fn.name() == torch.ones(2, requires_grad=True).double().grad_fn.name()
    assert not x.long().requires_grad and not x.bool().requires_grad
    assert x.float() is x and x.to(ember.float32) is x and x.to("cpu") is x and x.to() is x
    assert x.to(copy=True) is not x and x.to(copy=True).requires_grad
    assert type(x.clone().grad_fn).__name__ == "CloneBackward0"


def test_to_overloads():
    check(lambda lib, x: x.to(lib.float64, copy=True), shapes=[(2,)])
    check(lambda lib, x: x.to(lib.device("cpu")), shapes=[(2,)])
    check(lambda lib, x: x.to(device="cpu", dtype=lib.int8), shapes=[(2,)], grad=False)
    check(lambda lib, x: x.cpu(), shapes=[(2,)])
    check(lambda x: x.type("torch.IntTensor"), shapes=[(2,)], grad=False)
    check(lambda x: x.type("torch.DoubleTensor"), shapes=[(2,)])
    check_raises(lambda x: x.type("float"), shapes=[(2,)])
    check_raises(lambda x: x.to(foo=1), shapes=[(2,)])


def test_clone_and_contiguous():
    check(lambda x: x.clone(), shapes=[(2, 3)], grad2=True)
    check(lambda x: x.t().contiguous(), shapes=[(2, 3)], grad2=True)
    x = ember.ones(2, 3)
    assert x.contiguous() is x
    c = x.clone()
    c.add_(1)
    assert x.tolist() == [[1.0] * 3] * 2
    assert x.t().contiguous().is_contiguous()


def test_cuda_without_gpu():
    if ember.cuda.is_available():
        pytest.skip("a GPU is present: .cuda() succeeds")
    with pytest.raises(AssertionError, match="Torch not compiled with CUDA enabled"):
        ember.ones(2).cuda()
    with pytest.raises(AssertionError):
        ember.ones(2).to("cuda")
    with pytest.raises(AssertionError):
        torch.ones(2).cuda()


def test_legacy_constructor():
    check(lambda lib: lib.Tensor(2, 3).shape, inputs=[], grad=False)
    same(lambda lib: lib.Tensor([1, 2]))
    same(lambda lib: lib.Tensor([[1.5, 2]]))
    same(lambda lib: lib.Tensor())
    same(lambda lib: lib.zeros_like(lib.Tensor(2, 3)))
    check_raises(lambda lib: lib.Tensor(2.5), inputs=[])
    assert isinstance(ember.Tensor(2), ember.Tensor) and ember.is_tensor(ember.Tensor(2))
    assert not ember.is_tensor(1)


# ---- pickling and deepcopy ---------------------------------------------------------------------


@pytest.mark.parametrize("make", [
    lambda lib: lib.arange(6).reshape(2, 3), lambda lib: lib.ones(2, requires_grad=True),
    lambda lib: lib.ones(2, 3).t(), lambda lib: lib.tensor(2.5, dtype=lib.bfloat16),
    lambda lib: lib.zeros(0, 3),
])
def test_pickle_and_deepcopy(make):
    for dup in (lambda t: pickle.loads(pickle.dumps(t)), copy.deepcopy):
        e, t = dup(make(ember)), dup(make(torch))
        assert_same(e, t)
        assert e.requires_grad == t.requires_grad and e.is_leaf


def test_deepcopy_is_independent_and_keeps_grad():
    x = ember.ones(2, requires_grad=True)
    (x * 2).sum().backward()
    y = copy.deepcopy(x)
    assert y.grad.tolist() == [2.0, 2.0] and y.requires_grad
    y.detach().add_(1)
    assert x.tolist() == [1.0, 1.0]
    check_raises(lambda lib: copy.deepcopy(lib.ones(2, requires_grad=True) * 2), inputs=[])


# ---- operators that belong to the core -----------------------------------------------------------


def test_matmul_operator():
    check(lambda x, y: x @ y, shapes=[(2, 3), (3, 4)], grad2=True)
    check(lambda x, y: x.__rmatmul__(y), shapes=[(3, 4), (2, 3)])
    check_raises(lambda x: x @ 2, shapes=[(2, 3)])
    check_raises(lambda x: 2 @ x, shapes=[(2, 3)])


def test_comparison_with_non_numbers():
    for other in (None, "a", [1], (1,), object()):
        assert (ember.ones(2) == other) is (torch.ones(2) == other) is False
        assert (ember.ones(2) != other) is (torch.ones(2) != other) is True
        check_raises(lambda lib, x, o=other: x < o, shapes=[(2,)])
    check(lambda x: (x == 1.0, x != 2, x < x, x >= 0), shapes=[(3,)], grad=False)  # noqa: PLR0124
