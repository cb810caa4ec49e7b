"""torch 2.13's newer dtypes: uint16/32/64 (creation, conversion, printing, promotion as torch
limits it), float8_* (backed by ml_dtypes), and the names NumPy cannot hold (int4, bits8, ...)."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
from tests.oracle import assert_same, check, check_raises

WIDE_UNSIGNED = ["uint16", "uint32", "uint64"]
FLOAT8 = ["float8_e4m3fn", "float8_e5m2", "float8_e4m3fnuz", "float8_e5m2fnuz", "float8_e8m0fnu"]
SHELLS = ["complex32", "float4_e2m1fn_x2", "int1", "int4", "int7", "uint1", "uint4", "uint7",
          "bits1x8", "bits2x4", "bits4x2", "bits8", "bits16"]
ALIASES = {"chalf": "complex32", "bit": "uint1"}


@pytest.mark.parametrize("name", WIDE_UNSIGNED + FLOAT8 + SHELLS + list(ALIASES))
def test_dtype_objects_match_torch(name):
    e, t = getattr(ember, name), getattr(torch, name)
    assert repr(e) == repr(t) and e.itemsize == t.itemsize
    if not name.startswith("bits"):  # torch: "Bits types are undefined"
        assert (e.is_floating_point, e.is_complex, e.is_signed) == \
            (t.is_floating_point, t.is_complex, t.is_signed)
    if name in ALIASES:
        assert e is getattr(ember, ALIASES[name])


@pytest.mark.parametrize("name", WIDE_UNSIGNED)
def test_wide_unsigned_creation_conversion_printing(name):
    def run(lib):
        d = getattr(lib, name)
        x = lib.tensor([1, 2, 65535], dtype=d)
        return (x, repr(x), x.tolist(), x.type(), lib.zeros(2, dtype=d), lib.ones(2, 2, dtype=d),
                lib.full((2,), 7, dtype=d), lib.tensor([1.9, 3.0]).to(d), x.to(lib.int64),
                x.double(), x[1:], x.reshape(3, 1), lib.cat([x, x]), x.clone(), x.sum(), x * 2,
                x == 2)
    check(run, [], grad=False)
    a = np.array([3, 4], dtype=name)
    assert_same(ember.from_numpy(a), torch.from_numpy(a))
    assert repr(ember.iinfo(getattr(ember, name))) == repr(torch.iinfo(getattr(torch, name)))


@pytest.mark.parametrize("other", ["uint8", "int8", "int64", "bool", "uint16", "uint64",
                                   "float32", "float64", "complex64"])
@pytest.mark.parametrize("name", WIDE_UNSIGNED)
def test_wide_unsigned_promotion(name, other):
    def run(lib):
        return lib.promote_types(getattr(lib, name), getattr(lib, other))
    try:
        expected = run(torch)
    except RuntimeError:
        check_raises(run, [], match="Promotion for uint16, uint32, uint64 types is not supported")
    else:
        assert repr(run(ember)) == repr(expected)


@pytest.mark.parametrize("name", FLOAT8)
def test_float8_round_trip(name):
    def run(lib):
        d = getattr(lib, name)
        x = lib.tensor([0.5, 1.5, 2.0, 3.25, 100.0]).to(d)
        return x.float(), repr(x), x.is_floating_point(), x.to(lib.float8_e5m2).float(), x.type()
    check(run, [], grad=False)
    assert repr(ember.finfo(getattr(ember, name))) == repr(torch.finfo(getattr(torch, name)))
    check_raises(lambda lib: lib.promote_types(getattr(lib, name), lib.float32), [])


@pytest.mark.parametrize("name", ["int4", "uint3", "bits8", "bits16", "float4_e2m1fn_x2"])
def test_dtypes_without_numpy_type_refuse_tensors(name):
    check_raises(lambda lib: lib.promote_types(getattr(lib, name), lib.int64), [])
    with pytest.raises(NotImplementedError):  # torch allocates one but computes nothing on it
        ember.zeros(2, dtype=getattr(ember, name))
    with pytest.raises(RuntimeError):  # torch: RuntimeError; ember: its NotImplementedError
        ember.tensor([1, 2], dtype=getattr(ember, name))
