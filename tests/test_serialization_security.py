"""ember.load is safe by default: malicious pickles (os.system, eval, exec, subprocess through
GLOBAL/STACK_GLOBAL + REDUCE, INST, OBJ, NEWOBJ, BUILD; protocols 0-5; bare and inside a
valid zip checkpoint) raise pickle.UnpicklingError naming the global, EXT opcodes are refused as
torch refuses them, and a marker file proves no code ran. weights_only=False does run them (so the marker test can fail), and
add_safe_globals / safe_globals extend the allowlist exactly."""
from __future__ import annotations

import collections
import copyreg
import dataclasses
import io
import os
import pickle
import subprocess
import zipfile

import pytest
import torch

import ember
from ember import serialization


@pytest.fixture
def marker(tmp_path):
    return tmp_path / "pwned"  # payloads create this file; each test asserts it is absent


class _Reduce:
    """Pickles as `func(*args)`: the classic GLOBAL + REDUCE payload."""

    def __init__(self, func, *args):
        self.func, self.args = func, args

    def __reduce__(self):
        return self.func, self.args


def _payloads(marker):
    touch = f"open({str(marker)!r}, 'w').close()"
    return {
        "os.system": _Reduce(os.system, f"touch {marker}"),
        "eval": _Reduce(eval, touch),
        "exec": _Reduce(exec, touch),
        "subprocess.call": _Reduce(subprocess.call, ["touch", str(marker)]),
        "subprocess.Popen": _Reduce(subprocess.Popen, ["touch", str(marker)]),
    }


def _zip_with(data_pkl: bytes) -> bytes:
    """A valid torch checkpoint whose data.pkl is replaced by `data_pkl`."""
    src = io.BytesIO()
    torch.save({"w": torch.ones(2)}, src)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(src.getvalue())) as zin, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zout:
        for info in zin.infolist():
            data = data_pkl if info.filename.endswith("data.pkl") else zin.read(info)
            zout.writestr(info.filename, data)
    return out.getvalue()


def _load_bytes(data: bytes, **kw):
    return ember.load(io.BytesIO(data), **kw)


# ---- REDUCE payloads through every protocol, bare and inside a checkpoint ----------------------


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
@pytest.mark.parametrize("name", ["os.system", "eval", "exec", "subprocess.call",
                                  "subprocess.Popen"])
@pytest.mark.parametrize("where", ["zip", "bare", "nested"])
def test_reduce_payload_blocked(name, protocol, where, marker):
    payload = _payloads(marker)[name]
    obj = {"state": [1, {"x": payload}]} if where == "nested" else payload
    data = pickle.dumps(obj, protocol=protocol)
    blob = data if where == "bare" else _zip_with(data)
    with pytest.raises(pickle.UnpicklingError) as info:
        _load_bytes(blob)
    msg = str(info.value)  # protocols 0-2 spell modules the Python 2 way (__builtin__, commands)
    assert "GLOBAL" in msg and f".{payload.func.__name__} is not an allowed global" in msg, msg
    assert not marker.exists()


def test_torch_refuses_the_same_payload(marker):
    blob = _zip_with(pickle.dumps(_payloads(marker)["os.system"], protocol=2))
    with pytest.raises(pickle.UnpicklingError):
        torch.load(io.BytesIO(blob), weights_only=True)
    assert not marker.exists()


def test_weights_only_false_runs_code(marker):
    """The marker detects execution: the unsafe mode, asked for explicitly, does run the payload."""
    blob = _zip_with(pickle.dumps(_payloads(marker)["exec"], protocol=2))
    _load_bytes(blob, weights_only=False)
    assert marker.exists()


# ---- hand-written opcodes: INST, OBJ, STACK_GLOBAL, NEWOBJ, BUILD, EXT --------------------------


def _hand_written(marker) -> dict:
    cmd = f"touch {marker}".encode()
    return {
        "inst": b"(S'" + cmd + b"'\nios\nsystem\n.",
        "obj": b"(cos\nsystem\nS'" + cmd + b"'\no.",
        "global_reduce_p0": b"cposix\nsystem\n(S'" + cmd + b"'\ntR.",
        "stack_global": (b"\x80\x04\x8c\x02os\x8c\x06system\x93\x8c" + bytes([len(cmd)]) + cmd
                         + b"\x85R."),
        "builtins_getattr": b"cbuiltins\ngetattr\n(cbuiltins\n__import__\n(S'os'\ntRS'system'\ntR.",
        "newobj": b"\x80\x02csubprocess\nPopen\n]S'true'\na\x85\x81.",
    }


@pytest.mark.parametrize("kind", ["inst", "obj", "global_reduce_p0", "stack_global",
                                  "builtins_getattr", "newobj"])
@pytest.mark.parametrize("where", ["zip", "bare"])
def test_opcode_payload_blocked(kind, where, marker):
    data = _hand_written(marker)[kind]
    blob = data if where == "bare" else _zip_with(data)
    with pytest.raises(pickle.UnpicklingError, match="GLOBAL"):
        _load_bytes(blob)
    assert not marker.exists()


def test_build_on_allowed_objects_refused(marker):
    """BUILD may set attributes only on OrderedDict-like containers, never on tensors/devices."""
    # torch.device('cpu'), then BUILD with {'type': ...}
    data = b"\x80\x02ctorch\ndevice\nX\x03\x00\x00\x00cpu\x85R}X\x04\x00\x00\x00typeK\x01sb."
    with pytest.raises(pickle.UnpicklingError, match="BUILD"):
        _load_bytes(_zip_with(data))
    # a BUILD whose state smuggles a non-str key into an OrderedDict
    data = b"\x80\x02ccollections\nOrderedDict\n)R}K\x01K\x02sb."
    with pytest.raises(pickle.UnpicklingError, match="BUILD"):
        _load_bytes(_zip_with(data))


def test_newobj_of_allowed_class_refused():
    # cls.__new__(cls) of ember.Tensor / device through NEWOBJ is not object construction we allow
    data = b"\x80\x02ctorch\ndevice\nX\x03\x00\x00\x00cpu\x85\x81."
    with pytest.raises(pickle.UnpicklingError, match="NEWOBJ"):
        _load_bytes(_zip_with(data))


@pytest.mark.parametrize("opcode", [b"\x82\xf0", b"\x83\xf0\x07", b"\x84\xf0\x07\x00\x00"])
def test_ext_opcodes_refused(opcode, marker):
    """EXT1/2/4 resolve through copyreg's registry, not the allowlist: refused, as torch does."""
    copyreg.add_extension("os", "system", 0x7F0)
    copyreg.add_extension("os", "popen", 0xF0)
    try:
        pickle.loads(b"\x80\x02\x82\xf0.")  # one resolution fills copyreg._extension_cache
        cmd = f"touch {marker}".encode()
        data = b"\x80\x02" + opcode + b"X" + len(cmd).to_bytes(4, "little") + cmd + b"\x85R."
        with pytest.raises(pickle.UnpicklingError, match="EXT"):
            _load_bytes(_zip_with(data))
        with pytest.raises(pickle.UnpicklingError, match="Unsupported operand 13"):
            torch.load(io.BytesIO(_zip_with(data)), weights_only=True)
    finally:
        copyreg.remove_extension("os", "system", 0x7F0)
        copyreg.remove_extension("os", "popen", 0xF0)
    assert not marker.exists()


def test_persistent_ids_are_checked():
    with pytest.raises(pickle.UnpicklingError, match="persistent id"):
        _load_bytes(_zip_with(b"\x80\x02X\x04\x00\x00\x00evilQ."))


def test_out_of_bounds_tensor_refused(tmp_path):
    """A tensor claiming more elements than its storage holds must not read past it."""
    class Rebuild:
        def __reduce__(self):
            return torch._utils._rebuild_tensor_v2, (
                _Storage(), 2, (100, 100), (100, 1), False, collections.OrderedDict())

    class _Storage:
        pass

    class P(pickle.Pickler):
        def persistent_id(self, obj):
            if isinstance(obj, _Storage):
                return ("storage", torch.FloatStorage, "0", "cpu", 4)
            return None

    buf = io.BytesIO()
    P(buf, protocol=2).dump({"x": Rebuild()})
    src = io.BytesIO()
    torch.save({"w": torch.ones(4)}, src)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(src.getvalue())) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, buf.getvalue() if info.filename.endswith("data.pkl")
                          else zin.read(info))
    with pytest.raises(RuntimeError, match="past its storage"):
        _load_bytes(out.getvalue())


def test_unsupported_torch_type_is_named():
    buf = io.BytesIO()  # (complex storages load since ember has complex dtypes)
    torch.save(torch.quantize_per_tensor(torch.ones(2), 0.1, 0, torch.qint8).storage(), buf)
    with pytest.raises(pickle.UnpicklingError, match="QInt8Storage"):
        _load_bytes(buf.getvalue())


# ---- the allowlist API ---------------------------------------------------------------------------


@dataclasses.dataclass
class Point:
    x: int
    y: float


def _point_checkpoint() -> bytes:
    buf = io.BytesIO()
    ember.save({"p": Point(1, 2.5), "w": ember.ones(2)}, buf)
    return buf.getvalue()


def test_add_safe_globals():
    blob = _point_checkpoint()
    serialization.clear_safe_globals()
    with pytest.raises(pickle.UnpicklingError, match="test_serialization_security.Point"):
        _load_bytes(blob)
    try:
        serialization.add_safe_globals([Point])
        assert serialization.get_safe_globals() == [Point]
        assert _load_bytes(blob)["p"] == Point(1, 2.5)
    finally:
        serialization.clear_safe_globals()
    assert serialization.get_safe_globals() == []
    with pytest.raises(pickle.UnpicklingError):
        _load_bytes(blob)


def test_safe_globals_context_manager_and_exactness(marker):
    blob = _point_checkpoint()
    with serialization.safe_globals([Point]):
        assert _load_bytes(blob)["p"] == Point(1, 2.5)
    with pytest.raises(pickle.UnpicklingError):
        _load_bytes(blob)
    # allowing one name in a module allows only that name
    with serialization.safe_globals([os.path.join]), \
            pytest.raises(pickle.UnpicklingError, match="system"):
        _load_bytes(_zip_with(pickle.dumps(_payloads(marker)["os.system"], protocol=2)))
    assert not marker.exists()


def test_safe_globals_tuple_form():
    blob = _point_checkpoint()
    name = f"{Point.__module__}.Point"
    with serialization.safe_globals([(Point, name)]):
        assert _load_bytes(blob)["p"].y == 2.5
    with pytest.raises(ValueError):
        serialization.add_safe_globals([(Point,)])


def test_allowed_builtins_with_hostile_arguments():
    """bytearray(n) would allocate n bytes, codecs other than latin1 are not bytes pickles."""
    for data in (b"\x80\x02c__builtin__\nbytearray\nJ\x00\xca\x9a;\x85R.",  # bytearray(10**9)
                 b"\x80\x02c_codecs\nencode\nX\x01\x00\x00\x00aX\x04\x00\x00\x00zlib\x86R."):
        with pytest.raises(pickle.UnpicklingError, match="not allowed"):
            _load_bytes(_zip_with(data))
    obj = {"ba": bytearray(b"\x00\xffab"), "b": b"\x01", "s": {1, 2}}
    buf = io.BytesIO()
    ember.save(obj, buf)
    assert _load_bytes(buf.getvalue()) == obj
    buf.seek(0)
    assert torch.load(buf, weights_only=True) == obj


def test_malformed_calls_become_unpickling_errors():
    # torch.float32 is allowlisted but not callable: a REDUCE on it is a refused load, not a crash
    data = b"\x80\x02ctorch\nfloat32\n)R."
    with pytest.raises(pickle.UnpicklingError, match="Weights only load failed"):
        _load_bytes(_zip_with(data))
