"""A fuzz corpus generated here (no binary blobs): every pickle opcode with hostile arguments in
hostile contexts, every allowlisted global with hostile arguments, memo-shared bombs, huge sizes,
and truncated or corrupted archives. Each file must load or raise a typed error within 1 s and
100 MB (hostile.bounded); where torch.load(weights_only=True) loads a file too, both agree."""
from __future__ import annotations

import collections
import io
import pickle
import pickletools
import random
import struct
import warnings

import numpy as np
import pytest
import torch

import ember
from tests.serialization.hostile import (
    OD,
    P2,
    REBUILD,
    TYPED,
    bounded,
    i,
    s,
    shared_list_bomb,
    storage,
    tensor,
    torch_checkpoint,
    tup,
    zip_with,
)

# ---- comparing with torch ----------------------------------------------------------------------


def _torch_load(data: bytes):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return torch.load(io.BytesIO(data), weights_only=True), None
        except Exception as e:  # noqa: BLE001
            return None, e


def _same(e, t) -> bool:
    """ember object == torch object (tensors by dtype, shape and values; containers by items)."""
    if isinstance(t, torch.Tensor):
        if not isinstance(e, ember.Tensor) or str(e.dtype) != str(t.dtype) or \
                tuple(e.shape) != tuple(t.shape):
            return False
        if t.numel() > 10 ** 6:  # huge stride-0 views: compare one element and the strides
            return e.stride() == t.stride()
        a = t.detach().float().numpy() if t.dtype == torch.bfloat16 else t.detach().numpy()
        b = e.detach().float().numpy() if t.dtype == torch.bfloat16 else e.detach().numpy()
        return np.array_equal(a, b, equal_nan=True)
    if isinstance(t, torch.Size):
        return isinstance(e, ember.Size) and tuple(e) == tuple(t)
    if type(t).__name__ == "StorageType":  # torch.FloatStorage and friends, unpickled
        return type(e).__name__ == "StorageType"
    if isinstance(t, type) or callable(t):  # a global itself (a class or rebuild function)
        return getattr(e, "__name__", None) == t.__name__
    if isinstance(t, (torch.dtype, torch.device)):
        return str(e) == str(t)
    if type(t) in (list, tuple):
        return type(e) is type(t) and len(e) == len(t) and all(map(_same, e, t))
    if isinstance(t, dict):
        return type(e) is type(t) and list(e) == list(t) and all(_same(e[k], t[k]) for k in t)
    if isinstance(t, (set, frozenset)) and any(isinstance(x, torch.Tensor) for x in t):
        return type(e) is type(t) and len(e) == len(t)
    return type(e) is type(t) and (e == t or repr(e) == repr(t) == 'nan')


def check(data: bytes, torch_too: bool = True, stricter_zip: bool = False) -> None:
    """Loads or raises a typed error, bounded; agrees with torch where torch loads it.

    stricter_zip: ember may refuse a damaged archive that torch's zip reader accepts (Python's
    zipfile checks CRCs and the end-of-directory record)."""
    out, err = bounded(data)
    if err is not None:
        assert isinstance(err, TYPED), f"{type(err).__name__}: {err}"
    if not torch_too:
        return
    t_out, t_err = _torch_load(data)
    if t_err is None and err is None:
        assert _same(out, t_out), (out, t_out)
    elif t_err is None:  # ember refuses what torch loads only on purpose, never by accident
        assert (isinstance(err, pickle.UnpicklingError) and "not allowed" in str(err)
                or isinstance(err, RuntimeError) and "cannot represent" in str(err)
                or stricter_zip and "not a valid or complete" in str(err)), err


# ---- 1. every opcode, with hostile arguments, in hostile contexts -------------------------------


def _u(fmt: str, n: int) -> bytes:
    return struct.pack(fmt, n)


ARGS = {
    None: [b""],
    "decimalnl_short": [b"5\n", b"01\n", b"-1\n", b"99999999999999999999\n", b"7" * 5000 + b"\n",
                        b"x\n", b"5"],
    "decimalnl_long": [b"5L\n", b"7" * 5000 + b"L\n", b"zz\n"],
    "int4": [_u("<i", 5), _u("<i", -1), _u("<i", 2 ** 31 - 1), b"\x00"],
    "uint1": [b"\x00", b"\x05", b"\xff"],
    "uint2": [b"\x00\x00", b"\xff\xff", b"\x00"],
    "uint4": [_u("<I", 0), _u("<I", 2 ** 32 - 1)],
    "uint8": [_u("<Q", 2), _u("<Q", 2 ** 64 - 1), b"\x00"],
    "long1": [b"\x00", b"\x02\xff\x7f", b"\xff" + b"\x7f" * 255, b"\x05ab"],
    "long4": [_u("<i", 2) + b"\x01\x00", _u("<i", -1), _u("<i", 2 ** 31 - 1),
              _u("<i", 5000) + b"\x01" * 5000],
    "stringnl": [b"'abc'\n", b"abc\n", b"'\\x'\n", b"'" + b"a" * 10000 + b"'\n"],
    "string1": [b"\x03abc", b"\xffab", b"\x02\xff\xfe"],
    "string4": [_u("<i", 3) + b"abc", _u("<i", -5) + b"abc", _u("<i", 2 ** 31 - 1)],
    "bytes1": [b"\x03abc", b"\xffab"],
    "bytes4": [_u("<I", 3) + b"abc", _u("<I", 2 ** 32 - 1)],
    "bytes8": [_u("<Q", 3) + b"abc", _u("<Q", 2 ** 64 - 1)],
    "bytearray8": [_u("<Q", 3) + b"abc", _u("<Q", 2 ** 63)],
    "unicodestringnl": [b"abc\n", b"\\u12\n", b"\\U0011ffff\n"],
    "unicodestring1": [b"\x03abc", b"\x02\xff\xfe", b"\x09ab"],
    "unicodestring4": [_u("<I", 3) + b"abc", _u("<I", 2) + b"\xed\xa0", _u("<I", 2 ** 32 - 1)],
    "unicodestring8": [_u("<Q", 3) + b"abc", _u("<Q", 2 ** 64 - 1)],
    "floatnl": [b"1.5\n", b"nan\n", b"1e999\n", b"x\n"],
    "float8": [struct.pack(">d", 2.5), b"\x00\x00"],
    "stringnl_noescape_pair": [b"torch\nSize\n", b"collections\nOrderedDict\n", b"os\nsystem\n",
                               b"builtins\neval\n", b"torch\nfloat32\n", b"\xff\n\xfe\n",
                               b"torch\n"],
    "stringnl_noescape": [b"abc\n", b"\n", b"x"],
}

CONTEXTS = [b"", b"(", b"N", b"]", b"}", b"\x8f", b")", b"(N", b"(K\x01K\x02", b"K\x01\x94",
            tensor(), tensor() + b"(", tensor() + b"(K\x01", b"ctorch\nSize\n(K\x02t",
            b"ccollections\nOrderedDict\n)", b"c__builtin__\nset\n(]t",
            b"(" + tensor(size=(10 ** 6, 10 ** 6), stride=(0, 0)) + b"t",
            b"\x8c\x05torch\x8c\x04Size"]


def _opcode_cases():
    for op in pickletools.opcodes:
        code = op.code.encode("latin-1")
        for arg in ARGS[op.arg.name if op.arg else None]:
            for context in CONTEXTS:
                yield op.name, P2 + context + code + arg + b"."
            yield op.name, P2 + code + arg  # no STOP


def test_every_opcode_in_every_context():
    names = set()
    for name, body in _opcode_cases():
        names.add(name)
        try:
            check(zip_with(body))
        except AssertionError as e:
            raise AssertionError(f"{name}: {body[:80]!r}: {e}") from None
    assert len(names) == len(pickletools.opcodes) == 68


@pytest.mark.parametrize("protocol", [0, 1, 2, 3, 4, 5])
def test_every_protocol_round_trips(protocol):
    """What pickle itself writes for plain data, in every protocol, loads as it was saved."""
    obj = {"a": [1, 2.5, None, True, "s", b"b", (1, (2,)), {3, 4}, frozenset({5}),
                 bytearray(b"x"), 1 + 2j, 2 ** 100, -7],
           "o": collections.OrderedDict(x=1), "c": collections.Counter("aab")}
    obj["shared"] = [obj["a"], obj["a"]]
    out, err = bounded(zip_with(pickle.dumps(obj, protocol=protocol)))
    assert err is None, err
    assert out == obj and out["shared"][0] is out["shared"][1]


# ---- 2. every allowlisted global with hostile arguments ----------------------------------------


GLOBALS = [b"collections\nOrderedDict", b"collections\nCounter", b"_codecs\nencode",
           b"__builtin__\nset", b"builtins\nfrozenset", b"__builtin__\nbytearray",
           b"builtins\ncomplex", b"torch._utils\n_rebuild_tensor_v2", b"torch._utils\n_rebuild_tensor",
           b"torch._utils\n_rebuild_parameter", b"torch._utils\n_rebuild_parameter_with_state",
           b"torch._tensor\n_rebuild_from_type_v2", b"torch.serialization\n_get_layout",
           b"torch.nn.parameter\nParameter", b"torch\nTensor", b"torch\ndevice", b"torch\nSize",
           b"torch\nFloatStorage", b"torch\nUntypedStorage", b"torch\nfloat32"]

HOSTILE = [b"", i(10 ** 9), i(-1), i(2 ** 70), s("x"), s("cpu"), s("x" * 100_000), b"N", b"}",
           b"]", tup([i(1), i(2)]), tensor(), tensor(size=(10 ** 6, 10 ** 6), stride=(0, 0)),
           shared_list_bomb(), tensor() + tensor(), s("cuda") + i(2 ** 40), s("a") + s("zlib"),
           storage(), b"ctorch\nTensor\n", b"c__builtin__\nset\n", tup([tup([i(1), i(2)])]),
           b"(" + shared_list_bomb(6) + b"t"]


def _global_cases():
    for name in GLOBALS:
        g = b"c" + name + b"\n"
        for args in HOSTILE:
            yield g + b"(" + args + b"tR."  # REDUCE
            yield g + b"(" + args + b"t\x81."  # NEWOBJ
            yield b"(" + g + args + b"o."  # OBJ
        yield g + b")R}" + s("k") + b"K\x01sb."  # BUILD with a state
        yield g + b")R(K\x01K\x02tb."  # BUILD with a tuple state
        yield g + tensor() + b"R."  # arguments that are not a tuple
        yield g + b"."  # the global itself


def _check_bodies(bodies, torch_too: bool = False) -> None:
    """check() each pickle body inside a checkpoint, naming the body that fails."""
    for body in bodies:
        try:
            check(zip_with(P2 + body), torch_too=torch_too)
        except AssertionError as e:
            raise AssertionError(f"{body[:120]!r}: {e}") from None


def test_every_global_with_hostile_arguments():
    _check_bodies(_global_cases())


# ---- 3. nested and memo-shared structures -------------------------------------------------------


def _nested_cases():
    bomb = shared_list_bomb()
    tuple_bomb = b"K\x00q\x00" + b"".join(
        b"(" + (b"h" + bytes([k - 1])) * 10 + b"tq" + bytes([k]) for k in range(1, 8))
    for build in (bomb, tuple_bomb):
        yield build + b"."
        yield b"}" + build + b"K\x01s."  # as a dict key
        yield b"\x8f(" + build + b"\x90."  # as a set element
        yield b"(" + build + b"\x91."  # as a frozenset element
        yield build + b"Q."  # as a persistent id
        yield b"c__builtin__\nset\n(" + build + b"tR."
        yield b"ccollections\nCounter\n(" + build + b"tR."
        yield tensor(key="0") + b"(" + build + b"\x85b."  # BUILD state on a tensor
        yield REBUILD + tup([storage(), build, tup([i(2)]), tup([i(1)]), b"\x89", OD]) + b"R."
    yield b"}" + b"".join(i(k) + b"h\x00s" for k in range(1000)) + b"."  # tuple-free keys: fine
    yield b"]" + b"(" * 10_000 + b"."  # marks never closed
    yield b"(" * 100_000 + b"t" * 100_000 + b"."  # deep tuples through MARK
    yield b"N" + b"2" * 200_000 + b"."  # DUP
    yield b"N" + b"\x94" * 100_000 + b"."  # MEMOIZE
    yield b"Nr\xff\xff\xff\xffj\xff\xff\xff\xff."  # LONG_BINPUT/GET at 2**32-1


def test_nested_and_shared_structures():
    _check_bodies(_nested_cases())


# ---- 4. huge and inconsistent sizes -------------------------------------------------------------

INTS = [0, 1, 2, 3, -1, 2 ** 31, 2 ** 62, 2 ** 63 - 1, 2 ** 63, 2 ** 64, 10 ** 12, -(2 ** 63)]


def test_huge_sizes_strides_offsets():
    rng = random.Random(16)
    for _ in range(400):
        ndim = rng.choice([0, 1, 2, 3, 65])
        size = [rng.choice(INTS) for _ in range(ndim)]
        stride = [rng.choice(INTS) for _ in range(ndim if rng.random() < 0.9 else ndim + 1)]
        offset = rng.choice(INTS)
        numel = rng.choice([2, 2, 0, 10 ** 12, -1, 2 ** 63])
        body = P2 + tensor(size=size, stride=stride, offset=offset, numel=numel) + b"."
        try:
            check(zip_with(body), torch_too=ndim < 4 and numel == 2)
        except AssertionError as e:
            raise AssertionError(f"size {size} stride {stride} offset {offset} numel {numel}: "
                                 f"{e}") from None


# ---- 5. truncated and corrupted archives --------------------------------------------------------


def _checkpoint() -> bytes:
    base = torch.arange(12.0).reshape(3, 4)
    return torch_checkpoint({"w": base, "row": base[1], "t": base.t(), "i": torch.arange(3),
                             "b": torch.ones(2, dtype=torch.bfloat16), "n": [1, "x", None],
                             "o": collections.OrderedDict(a=torch.zeros(1))})


def test_truncated_archives():
    good = _checkpoint()
    for cut in range(0, len(good), max(1, len(good) // 150)):
        _, err = bounded(good[:cut])
        assert isinstance(err, TYPED), (cut, err)


def test_corrupted_archives_agree_with_torch():
    good = _checkpoint()
    rng = random.Random(0)
    for _ in range(300):
        data = bytearray(good)
        for _ in range(rng.choice([1, 1, 2, 8])):
            data[rng.randrange(len(data))] = rng.randrange(256)
        check(bytes(data), stricter_zip=True)


def test_inconsistent_archives():
    body = P2 + tensor() + b"."
    raw = struct.pack("<2f", 1.0, 2.0)
    cases = [
        zip_with(body, {}),  # a storage record missing
        zip_with(body, {"0": raw[:7]}),  # a partial element
        zip_with(body, {"0": raw * 1000}),  # more bytes than the pickle's numel
        zip_with(body, prefix="a/b"),  # data.pkl nested too deep
        zip_with(P2 + tensor(key="../0") + b"."),  # a key that is a path
        zip_with(body, method=8),  # deflated records load (not via mmap)
        zip_with(body, method=12), zip_with(body, method=14),
        zip_with(b""), zip_with(b"\x80\x02"), zip_with(b"garbage"),
    ]
    bad_order = io.BytesIO()
    with zipfile_writer(bad_order) as zf:
        zf.writestr("archive/data.pkl", body)
        zf.writestr("archive/byteorder", "middle")
        zf.writestr("archive/data/0", raw)
    cases.append(bad_order.getvalue())
    for data in cases:
        check(data)
    check(zip_with(P2 + tensor(key="0\x00") + b"."), torch_too=False)  # torch cuts at the NUL


def zipfile_writer(buf):
    import zipfile

    return zipfile.ZipFile(buf, "w")
