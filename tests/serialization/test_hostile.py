"""The reproducers of issue 16 and torch's refusals: each hostile file raises a typed error
within 1 s and 100 MB (tests/serialization/hostile.py: `refused`), and no code runs."""
from __future__ import annotations

import copyreg
import io
import pickle
import struct
import zipfile

import pytest
import torch

import ember
from tests.serialization.hostile import (
    OD,
    P2,
    REBUILD,
    bounded,
    i,
    refused,
    s,
    shared_list_bomb,
    storage,
    tensor,
    torch_checkpoint,
    tup,
    zip_with,
)

# ---- the reproducers -------------------------------------------------------------------


@pytest.fixture
def marker(tmp_path):
    return tmp_path / "pwned"


@pytest.mark.parametrize("ext", [b"\x82\xf0", b"\x83\xf0\x00", b"\x84\xf0\x00\x00\x00"])
def test_ext_opcode_cannot_reach_copyreg(ext, marker):
    """1: copyreg.add_extension + one resolution put os.system in copyreg._extension_cache."""
    copyreg.add_extension("os", "system", 0xF0)
    try:
        assert pickle.loads(b"\x80\x02\x82\xf0.") is __import__("os").system  # cached now
        cmd = f"touch {marker}".encode()
        data = P2 + ext + b"C" + bytes([len(cmd)]) + cmd + b"\x85R."
        refused(zip_with(data), pickle.UnpicklingError, match="EXT")
        refused(data, pickle.UnpicklingError)  # bare pickle: the legacy path's loop
    finally:
        copyreg.remove_extension("os", "system", 0xF0)
    assert not marker.exists()


@pytest.mark.parametrize("where", ["persistent_id", "size", "stride", "offset", "requires_grad"])
def test_repr_bomb_in_error_messages(where):
    """2: a few hundred bytes of memo-shared lists (10**10 leaves) where an error names them."""
    bomb = shared_list_bomb()
    if where == "persistent_id":
        data = P2 + bomb + b"Q."
    else:
        args = {"size": [tup([i(2)]), b"h\x0a", tup([i(1)]), b"\x89"],
                "stride": [tup([i(2)]), tup([i(1)]), b"h\x0a", b"\x89"],
                "offset": [b"h\x0a", tup([i(2)]), tup([i(1)]), b"\x89"],
                "requires_grad": [i(0), tup([i(2)]), tup([i(1)]), b"h\x0a"]}[where]
        if where != "offset":
            args = [i(0), *args]
        data = P2 + bomb + REBUILD + tup([storage(), *args, OD]) + b"R."
    assert len(data) < 450
    refused(zip_with(data))


def test_shared_huge_ints_in_size_stall():
    """3: a size tuple of 20,000 memo-shared 2040-bit ints; torch refuses at once too."""
    big = i(2 ** 2039 - 1) + b"q\x01"
    size = b"(" + big + b"h\x01" * 20000 + b"t"
    data = zip_with(P2 + REBUILD + tup([storage(), i(0), size, tup([i(1)]), b"\x89", OD])
                    + b"R.")
    assert 40_000 < len(data) < 90_000
    refused(data, RuntimeError)
    with pytest.raises((RuntimeError, TypeError)):
        torch.load(io.BytesIO(data), weights_only=True)
    for n in (2 ** 63, -1, 2 ** 100):  # a few dims, each too large (or negative) for int64 math
        refused(zip_with(P2 + tensor(size=(n, 2)) + b"."), RuntimeError)


@pytest.mark.parametrize("func", [b"c__builtin__\nset\n", b"ccollections\nCounter\n",
                                  b"ctorch\nSize\n", b"ccollections\nOrderedDict\n",
                                  b"c__builtin__\nfrozenset\n", b"c__builtin__\nbytearray\n",
                                  b"c__builtin__\ncomplex\n"])
def test_huge_stride0_view_never_iterated(func):
    """4: a legal stride-0 view of 10**12 elements handed to an allowlisted callable."""
    view = tensor(size=(10 ** 6, 10 ** 6), stride=(0, 0))
    data = P2 + func + b"(" + view + b"tR."
    assert len(zip_with(data)) < 700
    refused(zip_with(data), pickle.UnpicklingError)
    out, err = bounded(zip_with(P2 + view + b"."))  # the view itself loads, as in torch
    assert err is None and out.shape == (10 ** 6, 10 ** 6) and out.stride() == (0, 0)
    assert torch.load(io.BytesIO(zip_with(P2 + view + b".")), weights_only=True).shape == \
        (10 ** 6, 10 ** 6)


# ---- torch's refusals ------------------------------------------------------------------------


@pytest.mark.parametrize("body", [b"(K\x01\x90", b"(K\x01K\x02u", b"K\x01K\x02s", b"(K\x01e",
                                  b"K\x01a"])
def test_container_opcodes_on_a_tensor(body):
    """ADDITEMS, SETITEMS, SETITEM, APPENDS, APPEND target only sets, dicts and lists."""
    data = zip_with(P2 + tensor() + body + b".")
    refused(data, pickle.UnpicklingError, match="can only")
    with pytest.raises(pickle.UnpicklingError):
        torch.load(io.BytesIO(data), weights_only=True)


@pytest.mark.parametrize("other", ["LongStorage", "DoubleStorage", "HalfStorage", "ByteStorage"])
def test_one_storage_key_with_two_dtypes(other):
    numel = {"LongStorage": 1, "DoubleStorage": 1, "HalfStorage": 4, "ByteStorage": 8}[other]
    data = zip_with(P2 + b"](" + tensor() + tensor(stype=other, numel=numel) + b"e.")
    refused(data, RuntimeError, match="two dtypes")
    ember.load(io.BytesIO(zip_with(P2 + b"](" + tensor() + tensor() + b"e.")))  # one dtype: fine


def test_truncated_frame():
    for n in (100, 2 ** 40, 2 ** 64 - 1):
        data = b"\x80\x04\x95" + struct.pack("<Q", n) + b"N."
        refused(zip_with(data), pickle.UnpicklingError, match="FRAME")
    buf = io.BytesIO()
    ember.save({"w": ember.ones(2)}, buf, pickle_protocol=4)  # whole frames still load
    assert ember.load(io.BytesIO(buf.getvalue()))["w"].tolist() == [1.0, 1.0]


@pytest.mark.parametrize("depth", [1_001, 100_000])
@pytest.mark.parametrize("use", [b"}", b"\x8f", b"c__builtin__\nset\n"])
def test_deep_key_is_a_typed_error(depth, use):
    key = b"K\x01" + b"\x85" * depth
    body = {b"}": b"}" + key + b"K\x02s", b"\x8f": b"\x8f(" + key + b"\x90",
            b"c__builtin__\nset\n": use + b"(" + key + b"\x85\x85R"}[use]
    refused(zip_with(P2 + body + b"."), pickle.UnpicklingError, match="nested deeper")


def test_deep_lists_load():
    """Only hashable nesting is bounded: deep lists (which torch loads) still load, iteratively."""
    out, err = bounded(zip_with(P2 + b"]" * 20_000 + b"a" * 19_999 + b"."))
    assert err is None and isinstance(out, list)


def test_shared_tuple_keys_cannot_stall_hashing():
    """A tuple of 10 references to a tuple of 10 references ... hashes 10**9 leaves each time."""
    out = b"K\x00q\x00"
    for level in range(1, 10):
        out += b"(" + (b"h" + bytes([level - 1])) * 10 + b"tq" + bytes([level])
    refused(zip_with(P2 + b"}" + out + b"K\x01s."), pickle.UnpicklingError, match="tuple")
    many = b"}" + b"".join(i(k) + b"h\x00\x86K\x00s" for k in range(20_000))
    small = b"(" + b"K\x00" * 300 + b"tq\x00"  # 300 ints, then 20,000 keys (k, that tuple)
    refused(zip_with(P2 + small + many + b"."), pickle.UnpicklingError, match="hashing")


def test_hash_flood_is_refused():
    """Ints k * (2**61 - 1) all hash to 0: each insertion probes every earlier key (torch stalls
    on 30,000 of them); natural collisions (hash(-1) == hash(-2)) still load."""
    flood = [i(k * (2 ** 61 - 1)) for k in range(1, 30_000)]
    for body in (b"}(" + b"N".join(flood) + b"Nu", b"\x8f(" + b"".join(flood) + b"\x90"):
        refused(zip_with(P2 + body + b"."), pickle.UnpicklingError, match="colliding")
    out, err = bounded(zip_with(P2 + b"}(J\xff\xff\xff\xffNJ\xfe\xff\xff\xffNu."))
    assert err is None and out == {-1: None, -2: None}


def test_shared_sizes_count_as_their_elements():
    """ember.Size is a tuple: a tuple of 10 references to a Size of 100,000 ints is 10**6."""
    size = b"ctorch\nSize\n(" + b"(" + b"K\x01" * 100_000 + b"ttRq\x00"
    nest = b"(" + b"h\x00" * 20 + b"t"
    refused(zip_with(P2 + size + b"0}" + nest + b"K\x01s."), pickle.UnpicklingError)


def _central_entries(blob: bytes):
    """(offset of each central-directory entry, its file name)."""
    pos = blob.find(b"PK\x01\x02")
    while pos >= 0:
        name_len = struct.unpack_from("<H", blob, pos + 28)[0]
        yield pos, blob[pos + 46:pos + 46 + name_len].decode()
        pos = blob.find(b"PK\x01\x02", pos + 1)


@pytest.mark.parametrize("record", ["data.pkl", "data/0", "byteorder"])
def test_compression_method_99(record):
    """An AES-encrypted (method 99) record is a corrupt checkpoint, not NotImplementedError."""
    out = bytearray(torch_checkpoint({"w": torch.ones(3)}))
    for pos, name in list(_central_entries(bytes(out))):
        if name.endswith("/" + record):
            struct.pack_into("<H", out, pos + 10, 99)
            local = struct.unpack_from("<I", out, pos + 42)[0]
            struct.pack_into("<H", out, local + 8, 99)
    refused(bytes(out), RuntimeError, match="compression method 99")


def test_records_claiming_more_bytes_than_the_file():
    """A central directory that claims 10**12-byte or overlapping records allocates nothing."""
    good = zip_with(P2 + tensor() + b".")
    entry = next(pos for pos, name in _central_entries(good) if name == "archive/data/0")
    for field in (20, 24):  # compressed size, uncompressed size
        blob = good[:entry + field] + struct.pack("<I", 0xFFFFFFF0) + good[entry + field + 4:]
        refused(blob, RuntimeError)
    numel = 10 ** 11  # the pickle claims a storage far larger than its record
    refused(zip_with(P2 + tensor(size=(numel,), numel=numel) + b"."), RuntimeError,
            match="holds 8 bytes")


def test_overlapping_records_are_counted_once():
    """1,000 storage keys whose central-directory entries all point at one 4 MB record."""
    raw = b"\0" * (4 << 20)
    keys = [str(k) for k in range(1000)]
    body = b"](" + b"".join(tensor(size=(1 << 20,), key=k, numel=1 << 20) for k in keys) + b"e."
    good = zip_with(P2 + body, {k: raw if k == "0" else b"" for k in keys})
    with zipfile.ZipFile(io.BytesIO(good)) as zf:
        first = zf.getinfo("archive/data/0")
    out = bytearray(good)
    for pos, name in _central_entries(good):  # every storage -> the bytes of record 0
        if name.startswith("archive/data/"):
            struct.pack_into("<III", out, pos + 16, first.CRC, first.compress_size,
                             first.file_size)
            struct.pack_into("<I", out, pos + 42, first.header_offset)
    refused(bytes(out), RuntimeError, match="claim more bytes")


def test_legacy_storages_bounded_by_the_file():
    """The legacy format allocates storages before their bytes: bounded by the bytes left."""
    header = b"".join(pickle.dumps(x, protocol=2) for x in (0x1950A86A20F9469CFC6C, 1001, {}))
    numel = 10 ** 11
    data = header + P2 + tensor(size=(numel,), numel=numel) + b"." + pickle.dumps(["0"], 2)
    refused(data, RuntimeError, match="more bytes than the file holds")


def test_error_messages_do_not_repr_untrusted_objects():
    long_key = "k" * 100_000
    err = refused(zip_with(P2 + tensor(key=long_key) + b"."), RuntimeError)
    assert long_key not in str(err)
    err = refused(zip_with(P2 + b"c" + b"m" * 5000 + b"\nsystem\n."), pickle.UnpicklingError)
    assert "m" * 300 not in str(err)


def test_torch_names_with_hostile_arguments():
    cases = {
        "device": b"ctorch\ndevice\n(" + s("cuda") + i(2 ** 70) + b"tR.",
        "device_long": b"ctorch\ndevice\n(" + s("c" * 10 ** 6) + b"tR.",
        "Size_huge": b"ctorch\nSize\n(" + tup([i(2 ** 70)]) + b"tR.",
        "Parameter_list": b"ctorch.nn.parameter\nParameter\n(]tR.",
        "layout": b"ctorch.serialization\n_get_layout\n(" + s("torch.sparse_coo") + b"tR.",
        "from_type": (b"ctorch._tensor\n_rebuild_from_type_v2\n(c__builtin__\nset\nctorch\nTensor"
                      b"\n)}tR."),
        "from_type_attr": (b"ctorch._tensor\n_rebuild_from_type_v2\n(" + REBUILD + b"ctorch\n"
                           b"Tensor\n" + tup([storage(), i(0), tup([i(2)]), tup([i(1)]),
                                             b"\x89", OD]) + b"}" + s("data") + b"Ns" + b"tR."),
        "tensor_call": b"ctorch\nTensor\n(J\x00\xca\x9a;tR.",
        "bytearray_n": b"c__builtin__\nbytearray\n(J\x00\xca\x9a;tR.",
        "complex_str": b"c__builtin__\ncomplex\n(" + s("1" * 10 ** 6) + b"tR.",
        "storage_call": b"ctorch\nFloatStorage\n(J\x00\xca\x9a;tR.",
        "args_not_tuple": b"c__builtin__\nset\n" + tensor(size=(10 ** 6,), stride=(0,)) + b"R.",
        "newobj_parameter": b"ctorch.nn.parameter\nParameter\n)\x81.",
        "requires_grad_tensor": REBUILD + tup([storage(), i(0), tup([i(2)]), tup([i(1)]),
                                               tensor(), OD]) + b"R.",
    }
    for name, body in cases.items():
        try:
            refused(zip_with(P2 + body))
        except AssertionError as e:
            raise AssertionError(f"{name}: {e}") from None
