"""complex64/complex128 as dtypes (ember/_dtype.py, _printing.py, _tensor.py, creation, save/load),
compared with torch: promotion, creation from Python complex, printing byte for byte, checkpoints."""
from __future__ import annotations

import io

import numpy as np
import pytest
import torch

import ember
from tests.oracle import check, dtype_name, to_ember

DTYPES = ["float16", "float32", "float64", "int64", "int32", "uint8", "bool", "complex64",
          "complex128"]


def test_dtype_objects():
    for name in ("complex64", "complex128", "cfloat", "cdouble"):
        e, t = getattr(ember, name), getattr(torch, name)
        assert repr(e) == repr(t)
        assert (e.is_complex, e.is_floating_point, e.is_signed, e.itemsize) == \
            (t.is_complex, t.is_floating_point, t.is_signed, t.itemsize)
        assert repr(e.to_real()) == repr(t.to_real())
    for name in ("float32", "float64", "complex64"):
        assert repr(getattr(ember, name).to_complex()) == repr(getattr(torch, name).to_complex())
    assert ember.float32.to_real() is ember.float32


@pytest.mark.parametrize("a", DTYPES)
@pytest.mark.parametrize("b", ["complex64", "complex128"])
def test_promote_types(a, b):
    ea, eb = getattr(ember, a), getattr(ember, b)
    ta, tb = getattr(torch, a), getattr(torch, b)
    assert repr(ember.promote_types(ea, eb)) == repr(torch.promote_types(ta, tb))
    assert repr(ember.promote_types(eb, ea)) == repr(torch.promote_types(tb, ta))


@pytest.mark.parametrize("dim_dtype", ["float32", "float64", "int64", "bool", "complex64"])
@pytest.mark.parametrize("other", ["complex64", "complex128", "float64", 1j, 2.5, 3])
def test_result_type_with_complex(dim_dtype, other):
    """Dimensioned tensors outrank 0-d ones and scalars, except by category (float32 + a 0-d
    complex128 is complex64; int64 * 1j is complex64)."""
    def fn(lib):
        x = lib.ones(2, dtype=getattr(lib, dim_dtype))
        y = lib.ones((), dtype=getattr(lib, other)) if isinstance(other, str) else other
        return lib.result_type(x, y)
    assert dtype_name(fn(ember)) == dtype_name(fn(torch))


def test_result_type_default_double():
    for lib in (torch, ember):
        lib.set_default_dtype(lib.float64)
    try:
        assert dtype_name(ember.result_type(ember.ones(2, dtype=ember.int64), 1j)) == "complex128"
        assert dtype_name(ember.tensor(1j).dtype) == dtype_name(torch.tensor(1j).dtype)
        assert repr(ember.tensor([1j])) == repr(torch.tensor([1j]))
    finally:
        for lib in (torch, ember):
            lib.set_default_dtype(lib.float32)


def test_finfo_of_complex():
    for name in ("complex64", "complex128"):
        assert repr(ember.finfo(getattr(ember, name))) == repr(torch.finfo(getattr(torch, name)))


@pytest.mark.parametrize("data", [1 + 2j, [1j, 2], [[1.5 + 0.5j, 3], [True, -1j]], [1, 2.5, 3j],
                                  np.complex64(1 - 1j), np.array([1j, 2], np.complex128)])
def test_tensor_of_complex(data):
    check(lambda lib: lib.tensor(data), inputs=[], grad=False, rtol=0, atol=0)
    check(lambda lib: lib.tensor(data, dtype=lib.complex128), inputs=[], grad=False)


@pytest.mark.parametrize("factory", [
    lambda lib: lib.zeros(2, 3, dtype=lib.complex64),
    lambda lib: lib.ones(3, dtype=lib.cdouble),
    lambda lib: lib.full((2,), 1 + 2j),
    lambda lib: lib.eye(2, dtype=lib.complex64),
    lambda lib: lib.zeros_like(lib.ones(2), dtype=lib.complex128),
    lambda lib: lib.tensor([1.0, 2.0]).to(lib.complex64),
    lambda lib: lib.tensor([1 + 1j, 2 - 3j]).to(lib.float64),
    lambda lib: lib.tensor([1.5 + 1j, 2j, 0j]).to(lib.bool),
    lambda lib: lib.tensor([1.5 + 1j, -2.5 - 3j]).to(lib.int32),
    lambda lib: lib.tensor([1 + 1j]).type(),
    lambda lib: lib.tensor([1 + 1j]).cdouble(),
    lambda lib: lib.tensor([1.5, 2]).cfloat(),
    lambda lib: lib.full((2,), 1j, dtype=lib.complex128),
])
def test_creation_and_casts(factory):
    check(factory, inputs=[], grad=False, rtol=0, atol=0)


REPRS = [
    [1 + 2j], [1 + 2j, 3.5 - 1e-5j], [[1 + 1j, 100000 + 0j], [float("nan"), 1e-8j]],
    [0j, -0.0 - 0j], [1.25 - 2j, 3 + 4.5j, -7j], [float("inf") + 1j, 2 - float("inf") * 1j],
    [[1e10 + 1j]], [[0.1 + 0.2j] * 5] * 4,
]


@pytest.mark.parametrize("values", REPRS)
@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
def test_repr(values, dtype):
    t = torch.tensor(values, dtype=getattr(torch, dtype))
    assert repr(to_ember(t)) == repr(t)


def test_repr_summarized_scalar_and_grad():
    t = torch.arange(2000, dtype=torch.float32).reshape(40, 50) * (1 - 0.5j)
    assert repr(to_ember(t)) == repr(t)
    t = torch.tensor(1.5 - 2j)
    assert repr(to_ember(t)) == repr(t)
    t = torch.tensor([1j, 2], requires_grad=True)
    assert repr(to_ember(t)) == repr(t)
    assert repr(to_ember(torch.zeros(0, dtype=torch.complex64))) == \
        repr(torch.zeros(0, dtype=torch.complex64))


def test_tensor_complex_protocol():
    for lib in (torch, ember):
        z = lib.tensor([1 + 2j, 3j])
        assert z.is_complex() and not z.is_floating_point()
        assert complex(z[0]) == 1 + 2j
        assert z[1].item() == 3j
        assert z.tolist() == [1 + 2j, 3j]
        assert complex(lib.tensor(2.0)) == 2 + 0j
        assert float(lib.tensor(2 + 0j)) == 2.0 and int(lib.tensor(3 + 0j)) == 3
        for conv in (float, int):
            with pytest.raises(RuntimeError, match="without overflow"):
                conv(lib.tensor(1 + 1j))
        assert z.requires_grad_().requires_grad
        assert z.element_size() == 8
    check(lambda lib: lib.tensor([1.5, -2]).real, inputs=[], grad=False)
    check(lambda lib: lib.is_complex(lib.tensor([1j])), inputs=[], grad=False)


def test_save_load_complex_crosses_over():
    e = {"a": ember.tensor([[1 + 2j, 3 - 1j]]), "b": ember.tensor([1j], dtype=ember.complex128)}
    e["view"] = e["a"][:, 1]
    buf = io.BytesIO()
    ember.save(e, buf)
    buf.seek(0)
    t = torch.load(buf, weights_only=True)
    for k, v in e.items():
        assert repr(t[k]) == repr(v)
    buf2 = io.BytesIO()
    torch.save(t, buf2)
    buf2.seek(0)
    back = ember.load(buf2)
    for k in e:
        assert repr(back[k]) == repr(t[k])
