"""safetensors headers validated as the reference implementation (the `safetensors` package)
validates them: integer shapes and offsets (no floats, strings, bools, negatives or 1e400),
known dtype names, offsets in range, non-overlapping and covering the buffer, and metadata a
str -> str map. Every file here is refused by both with SafetensorError, or loaded by both."""
from __future__ import annotations

import json
import struct

import numpy as np
import pytest
import safetensors
import safetensors.numpy as snp

from ember.utils import safetensors as es


def _file(header, data: bytes = b"") -> bytes:
    text = header if isinstance(header, bytes) else json.dumps(header).encode()
    return struct.pack("<Q", len(text)) + text + data


def _entry(shape, offsets, dtype="F32") -> dict:
    return {"dtype": dtype, "shape": shape, "data_offsets": offsets}


BAD = {
    "float_shape": _file({"a": _entry([2.9, 3], [0, 24])}, bytes(24)),
    "string_shape": _file({"a": _entry("23", [0, 24])}, bytes(24)),
    "bool_shape": _file({"a": _entry([True, 6], [0, 24])}, bytes(24)),
    "negative_shape": _file({"a": _entry([-1], [0, 0])}),
    "huge_shape": _file({"a": _entry([2 ** 64], [0, 8])}, bytes(8)),
    "overflowing_shape": _file({"a": _entry([2 ** 40, 2 ** 40], [0, 8])}, bytes(8)),
    "offset_1e400": _file(b'{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 1e400]}}'),
    "offset_nan": _file(b'{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, NaN]}}'),
    "float_offset": _file({"a": _entry([2], [0, 8.0])}, bytes(8)),
    "string_offset": _file({"a": _entry([2], ["0", "8"])}, bytes(8)),
    "three_offsets": _file({"a": _entry([2], [0, 8, 8])}, bytes(8)),
    "reversed_offsets": _file({"a": _entry([0], [8, 0])}, bytes(8)),
    "unknown_dtype": _file({"a": _entry([2], [0, 8], "F31")}, bytes(8)),
    "dtype_not_str": _file({"a": _entry([2], [0, 8], 7)}, bytes(8)),
    "missing_offsets": _file({"a": {"dtype": "F32", "shape": [2]}}, bytes(8)),
    "entry_not_map": _file({"a": [1]}),
    "metadata_int_value": _file({"__metadata__": {"a": 1}}),
    "metadata_list": _file({"__metadata__": [1]}),
    "metadata_nested": _file({"__metadata__": {"a": {"b": "c"}}}),
    "overlap": _file({"a": _entry([2], [0, 8]), "b": _entry([1], [4, 8])}, bytes(8)),
    "hole": _file({"a": _entry([1], [4, 8])}, bytes(8)),
    "trailing_bytes": _file({"a": _entry([2], [0, 8])}, bytes(12)),
    "past_the_end": _file({"a": _entry([4], [0, 16])}, bytes(8)),
    "header_not_object": _file([1]),
    "deep_json": _file(b"[" * 100_000 + b"]" * 100_000),
    "huge_json_int": _file(b'{"a": {"dtype": "F32", "shape": [' + b"9" * 5000 + b'], '
                           b'"data_offsets": [0, 8]}}', bytes(8)),
}

GOOD = {
    "null_metadata": _file({"__metadata__": None}),
    "extra_keys": _file({"a": {**_entry([2], [0, 8]), "x": 1}}, bytes(8)),
    "empty_tensor": _file({"a": _entry([0, 3], [0, 0])}),
    "zero_d": _file({"a": _entry([], [0, 4])}, bytes(4)),
    "metadata": _file({"__metadata__": {"k": "v"}, "a": _entry([1], [0, 2], "F16")}, bytes(2)),
}


@pytest.mark.parametrize("name", list(BAD))
def test_bad_headers_refused_like_the_package(name):
    with pytest.raises(safetensors.SafetensorError):
        safetensors.deserialize(BAD[name])
    with pytest.raises(es.SafetensorError):
        es.load(BAD[name])


@pytest.mark.parametrize("name", list(GOOD))
def test_good_headers_load_like_the_package(name):
    ours, theirs = es.load(GOOD[name]), snp.load(GOOD[name])
    assert sorted(ours) == sorted(theirs)
    for k, v in theirs.items():
        assert ours[k].numpy().dtype == v.dtype and ours[k].numpy().shape == v.shape
        np.testing.assert_array_equal(ours[k].numpy(), v)


def test_known_dtypes_ember_lacks_are_a_safetensor_error():
    """F8_E4M3, U16, C64 ... are valid files for the package; ember names what it cannot load."""
    for code, nbytes in (("F8_E4M3", 2), ("U16", 4), ("C64", 16), ("U64", 16)):
        blob = _file({"a": _entry([2], [0, nbytes], code)}, bytes(nbytes))
        assert [name for name, _ in safetensors.deserialize(blob)] == ["a"]
        with pytest.raises(es.SafetensorError, match=code):
            es.load(blob)
