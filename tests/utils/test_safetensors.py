"""ember.utils.safetensors against the format spec and the `safetensors` package: byte-identical
files, both directions, every dtype, 0-d, empty and non-contiguous tensors, metadata, modules,
and malformed files (truncated, holes, overlaps, bad JSON/dtype) rejected like the package does."""
from __future__ import annotations

import json
import struct

import numpy as np
import pytest
import safetensors
import safetensors.torch as st
import torch

import ember
from ember.utils import safetensors as es
from tests.oracle import to_ember, to_numpy

DTYPES = ["float16", "bfloat16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8",
          "bool"]


def _tensors(seed=0) -> dict:
    g = torch.Generator().manual_seed(seed)
    out = {}
    for i, d in enumerate(DTYPES):
        x = torch.randn(3, 2 + i, generator=g) * 50
        out[f"t_{d}"] = (x > 0) if d == "bool" else x.to(getattr(torch, d))
    out["scalar"] = torch.tensor(2.5, dtype=torch.float64)
    out["empty"] = torch.empty(0, 4)
    return out


def _same(e: dict, t: dict) -> None:
    assert sorted(e) == sorted(t)
    for k, v in t.items():
        assert str(e[k].dtype) == str(v.dtype), k
        assert tuple(e[k].shape) == tuple(v.shape), k
        np.testing.assert_array_equal(to_numpy(e[k]), to_numpy(v), err_msg=k)


def test_bytes_identical_to_package():
    t = _tensors()
    meta = {"format": "pt"}  # one key: the package writes a hash map's (random) key order
    assert es.save({k: to_ember(v) for k, v in t.items()}, metadata=meta) == st.save(t, meta)
    assert es.save({}) == st.save({})


def test_package_to_ember(tmp_path):
    t = _tensors(1)
    st.save_file(t, tmp_path / "a.safetensors")
    _same(es.load_file(tmp_path / "a.safetensors"), t)
    _same(es.load(st.save(t)), t)
    assert list(es.load_file(tmp_path / "a.safetensors")) == sorted(t)


def test_ember_to_package(tmp_path):
    t = _tensors(2)
    es.save_file({k: to_ember(v) for k, v in t.items()}, tmp_path / "b.safetensors",
                 metadata={"who": "ember"})
    back = st.load_file(tmp_path / "b.safetensors")
    for k in t:
        assert torch.equal(back[k], t[k]), k
    with safetensors.safe_open(tmp_path / "b.safetensors", "pt") as f:
        assert f.metadata() == {"who": "ember"}


def test_noncontiguous_and_views_round_trip(tmp_path):
    x = ember.arange(24.0).reshape(4, 6)
    tensors = {"t": x.t(), "cols": x[:, ::2], "row": x[1], "zero_d": x[2, 3], "x": x}
    es.save_file(tensors, tmp_path / "v.safetensors")
    out = es.load_file(tmp_path / "v.safetensors")
    for k, v in tensors.items():
        assert tuple(out[k].shape) == tuple(v.shape) and out[k].is_contiguous(), k
        np.testing.assert_array_equal(out[k].numpy(), v.numpy(), err_msg=k)
    back = st.load_file(tmp_path / "v.safetensors")
    np.testing.assert_array_equal(back["t"].numpy(), x.t().numpy())
    out["x"][0, 0] = 5.0  # loaded tensors are independent and writable
    assert out["t"][0, 0].item() == 0.0


def test_model_round_trip(tmp_path):
    torch.manual_seed(0)
    tm = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.BatchNorm1d(3))
    tm(torch.randn(6, 4))
    em = ember.nn.Sequential(ember.nn.Linear(4, 3), ember.nn.BatchNorm1d(3))
    st.save_model(tm, tmp_path / "m.safetensors")
    assert es.load_model(em, tmp_path / "m.safetensors") == ([], [])
    _same(dict(em.state_dict()), dict(tm.state_dict()))
    es.save_model(em, tmp_path / "e.safetensors")
    tm2 = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.BatchNorm1d(3))
    missing, unexpected = st.load_model(tm2, tmp_path / "e.safetensors")
    assert (missing, unexpected) == (set(), set()) or (list(missing), list(unexpected)) == ([], [])
    for k, v in tm.state_dict().items():
        assert torch.equal(tm2.state_dict()[k], v), k


def test_load_model_strict(tmp_path):
    es.save_file({"weight": ember.ones(3, 4)}, tmp_path / "p.safetensors")
    with pytest.raises(RuntimeError, match="bias"):
        es.load_model(ember.nn.Linear(4, 3), tmp_path / "p.safetensors")
    assert es.load_model(ember.nn.Linear(4, 3), tmp_path / "p.safetensors", strict=False) == (
        ["bias"], [])


# ---- the format spec, written by hand ---------------------------------------------------------


def _raw(header: dict, data: bytes, pad=True) -> bytes:
    text = json.dumps(header).encode()
    if pad:
        text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + data


def test_reads_hand_written_file():
    data = np.array([1, 2, 3], "<i4").tobytes() + np.array([0.5], "<f8").tobytes()
    blob = _raw({"__metadata__": {"a": "b"},
                 "ints": {"dtype": "I32", "shape": [3], "data_offsets": [0, 12]},
                 "one": {"dtype": "F64", "shape": [1, 1], "data_offsets": [12, 20]}}, data,
                pad=False)
    out = es.load(blob)
    assert out["ints"].dtype == ember.int32 and out["ints"].tolist() == [1, 2, 3]
    assert out["one"].dtype == ember.float64 and out["one"].tolist() == [[0.5]]
    assert sorted(st.load(blob)) == sorted(out)


BAD = {
    "truncated_data": lambda b: b[:-3],
    "truncated_header": lambda b: b[:20],
    "tiny": lambda b: b[:5],
    "header_too_long": lambda b: struct.pack("<Q", 10 ** 6) + b[8:],
    "bad_json": lambda b: _raw({}, b"")[:8] + b"{not json" + b"}",
    "hole": lambda b: _raw({"x": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}},
                           b"\0" * 8),
    "overlap": lambda b: _raw({"x": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
                               "y": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}},
                              b"\0" * 8),
    "size_mismatch": lambda b: _raw({"x": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}},
                                    b"\0" * 8),
    "unknown_dtype": lambda b: _raw({"x": {"dtype": "Q7", "shape": [1], "data_offsets": [0, 4]}},
                                    b"\0" * 4),
    "extra_bytes": lambda b: b + b"\0" * 8,
}


@pytest.mark.parametrize("kind", list(BAD))
def test_malformed_files_rejected(kind):
    good = st.save({"w": torch.ones(4)})
    blob = BAD[kind](good)
    with pytest.raises(es.SafetensorError):
        es.load(blob)
    with pytest.raises(safetensors.SafetensorError):
        st.load(blob)


def test_bad_arguments():
    with pytest.raises(TypeError):
        es.save({"x": np.ones(2)})
    with pytest.raises(TypeError):
        es.save({1: ember.ones(2)})
    with pytest.raises(TypeError):
        es.save({"x": ember.ones(2)}, metadata={"a": 1})
    with pytest.raises(TypeError):
        es.load("not bytes")
    with pytest.raises(es.SafetensorError):
        es.save({"__metadata__": ember.ones(1)})
