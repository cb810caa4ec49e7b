"""ember.save / ember.load against torch 2.13 in both directions: torch.save -> ember.load and
ember.save -> torch.load(weights_only=True), for every dtype, 0-d, empty and non-contiguous
tensors, views sharing one storage, Parameters, module and optimizer state_dicts; paths, file
objects, map_location, mmap, atomic saves, truncated files and torch's legacy format."""
from __future__ import annotations

import collections
import io
import math
import mmap
import os
import pathlib
import pickle

import numpy as np
import pytest
import torch

import ember
from tests.oracle import to_numpy

DTYPES = ["float16", "bfloat16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8",
          "bool"]


# ---- helpers -----------------------------------------------------------------------------------


def _torch_tensor(dtype: str, shape=(3, 4), seed=0):
    g = torch.Generator().manual_seed(seed)
    if dtype == "bool":
        return torch.rand(shape, generator=g) > 0.5
    if dtype.startswith(("int", "uint")):
        return torch.randint(0, 100, shape, generator=g).to(getattr(torch, dtype))
    return torch.randn(shape, generator=g).to(getattr(torch, dtype))


def _to_ember(obj, memo=None):
    """An ember copy of a torch object tree, keeping strides, storage sharing and Parameters."""
    memo = {} if memo is None else memo
    if isinstance(obj, torch.Tensor):
        key = obj.untyped_storage().data_ptr()
        if key not in memo:  # one ember base array per torch storage
            s = obj.untyped_storage()
            flat = torch.empty(0, dtype=obj.dtype).set_(s, 0, (s.nbytes() // obj.element_size(),))
            memo[key] = ember.from_numpy(_np(flat)) if flat.numel() else None
        base = memo[key]
        if base is None or obj.numel() == 0:
            data = ember.from_numpy(_np(obj))
        else:
            item = base._data.itemsize
            arr = np.ndarray(tuple(obj.shape), base._data.dtype, buffer=base._data,
                             offset=obj.storage_offset() * item,
                             strides=tuple(s * item for s in obj.stride()))
            data = ember.from_numpy(arr)
        if isinstance(obj, torch.nn.Parameter):
            return ember.nn.Parameter(data, obj.requires_grad)
        return data.requires_grad_(obj.requires_grad)
    if isinstance(obj, collections.OrderedDict):
        out = collections.OrderedDict((k, _to_ember(v, memo)) for k, v in obj.items())
        if hasattr(obj, "_metadata"):
            out._metadata = obj._metadata
        return out
    if isinstance(obj, dict):
        return {k: _to_ember(v, memo) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)) and not isinstance(obj, torch.Size):
        return type(obj)(_to_ember(v, memo) for v in obj)
    if isinstance(obj, torch.dtype):
        return getattr(ember, str(obj).split(".")[1])
    if isinstance(obj, torch.device):
        return ember.device(str(obj))
    if isinstance(obj, torch.Size):
        return ember.Size(obj)
    return obj


def _np(t: torch.Tensor) -> np.ndarray:
    if t.dtype == torch.bfloat16:
        return t.view(torch.int16).numpy().view(ember.bfloat16.np_dtype).copy()
    return t.detach().numpy().copy()


def _same(e, t, where="obj"):
    """Exact equality of an ember object tree and a torch one (values, dtype, strides, types)."""
    if isinstance(t, torch.Tensor):
        assert isinstance(e, ember.Tensor), f"{where}: got {type(e).__name__}"
        assert isinstance(e, ember.nn.Parameter) == isinstance(t, torch.nn.Parameter), where
        assert str(e.dtype) == str(t.dtype), f"{where}: {e.dtype} != {t.dtype}"
        assert tuple(e.shape) == tuple(t.shape), f"{where}: {tuple(e.shape)} != {t.shape}"
        assert e.stride() == t.stride(), f"{where}: stride {e.stride()} != {t.stride()}"
        assert e.storage_offset() == t.storage_offset(), f"{where}: storage offset"
        assert e.requires_grad == t.requires_grad, f"{where}: requires_grad"
        np.testing.assert_array_equal(to_numpy(e), to_numpy(t), err_msg=where)
        return
    if isinstance(t, torch.dtype):
        assert str(e) == str(t), where
        return
    if isinstance(t, torch.device):
        assert isinstance(e, ember.device) and str(e) == str(t), where
        return
    if isinstance(t, torch.Size):
        assert isinstance(e, ember.Size) and tuple(e) == tuple(t), where
        return
    assert type(e) is type(t), f"{where}: {type(e).__name__} != {type(t).__name__}"
    if isinstance(t, dict):
        assert list(e) == list(t), f"{where}: keys {list(e)} != {list(t)}"
        assert getattr(e, "_metadata", None) == getattr(t, "_metadata", None), where
        for k in t:
            _same(e[k], t[k], f"{where}[{k!r}]")
    elif isinstance(t, (list, tuple)):
        assert len(e) == len(t), where
        for i, (a, b) in enumerate(zip(e, t)):
            _same(a, b, f"{where}[{i}]")
    elif isinstance(t, float) and math.isnan(t):
        assert math.isnan(e), where
    else:
        assert e == t, f"{where}: {e!r} != {t!r}"


def _same_torch(a, b, where="obj"):
    """Exact equality of two torch object trees (tensor values/dtypes, container types, keys)."""
    if isinstance(b, torch.Tensor):
        assert type(a) is type(b) and a.dtype == b.dtype and a.shape == b.shape, where
        assert torch.equal(a, b) or (a.is_floating_point() and torch.allclose(
            a.float(), b.float(), rtol=0, atol=0, equal_nan=True)), where
        return
    assert type(a) is type(b), f"{where}: {type(a).__name__} != {type(b).__name__}"
    if isinstance(b, dict):
        assert list(a) == list(b) and getattr(a, "_metadata", None) == getattr(
            b, "_metadata", None), where
        for k in b:
            _same_torch(a[k], b[k], f"{where}[{k!r}]")
    elif isinstance(b, (list, tuple)) and not isinstance(b, torch.Size):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b)):
            _same_torch(x, y, f"{where}[{i}]")
    elif isinstance(b, float) and math.isnan(b):
        assert math.isnan(a), where
    else:
        assert a == b, f"{where}: {a!r} != {b!r}"


def _layout(obj) -> list:
    """Per tensor of a torch object tree: type, stride, storage offset, requires_grad, and which
    earlier tensor's storage it shares (or None)."""
    out, storages = [], []

    def walk(o):
        if isinstance(o, torch.Tensor):
            ptr = o.untyped_storage().data_ptr() if o.numel() else None
            shared = storages.index(ptr) if ptr in storages else None
            storages.append(ptr)
            out.append((type(o).__name__, o.stride(), o.storage_offset(), o.requires_grad, shared))
        elif isinstance(o, dict):
            for v in o.values():
                walk(v)
        elif isinstance(o, (list, tuple)):
            for v in o:
                walk(v)

    walk(obj)
    return out


def _module_state():
    torch.manual_seed(0)
    m = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.BatchNorm1d(3), torch.nn.ReLU())
    m(torch.randn(5, 4))
    return m.state_dict()


def _optimizer_state(kind: str):
    torch.manual_seed(0)
    params = [torch.nn.Parameter(torch.randn(3, 2)), torch.nn.Parameter(torch.randn(2))]
    opt = {"sgd": lambda: torch.optim.SGD(params, lr=0.1, momentum=0.9, nesterov=True),
           "adam": lambda: torch.optim.Adam(params, lr=1e-3, betas=(0.8, 0.99), amsgrad=True)}[kind]()
    for _ in range(2):
        opt.zero_grad()
        sum((p ** 2).sum() for p in params).backward()
        opt.step()
    return opt.state_dict()


def _views():
    x = torch.arange(24.0).reshape(4, 6)
    return {"base": x, "cols": x[:, ::2], "row": x[2], "t": x.t(), "tail": x.view(-1)[5:17],
            "bcast": x[0].expand(3, 6)}


CASES = {
    **{f"dtype_{d}": (lambda d=d: {"x": _torch_tensor(d)}) for d in DTYPES},
    "zero_dim": lambda: {"a": torch.tensor(3.5), "b": torch.tensor(7), "c": torch.tensor(True)},
    "empty": lambda: [torch.empty(0), torch.empty(2, 0, 3, dtype=torch.int64)],
    "noncontiguous": lambda: {"t": torch.randn(3, 5).t(), "s": torch.randn(4, 6)[:, 1::2]},
    "shared_views": _views,
    "parameter": lambda: {"w": torch.nn.Parameter(torch.randn(2, 3)),
                          "frozen": torch.nn.Parameter(torch.randn(2), requires_grad=False)},
    "requires_grad": lambda: torch.randn(3).requires_grad_(),
    "module_state_dict": _module_state,
    "sgd_state_dict": lambda: _optimizer_state("sgd"),
    "adam_state_dict": lambda: _optimizer_state("adam"),
    "primitives": lambda: {1: [1.5, None, True, False, "s", (1, (2, 3))], "inf": float("inf"),
                           "nan": float("nan"), "neg": -(2 ** 40), "bytes": b"\x00\xff",
                           "set": {1, 2}, "nested": {"a": [{"b": ()}]}},
    "torch_objects": lambda: {"dtype": torch.bfloat16, "device": torch.device("cpu"),
                              "size": torch.Size([2, 3])},
    "bare_tensor": lambda: torch.randn(2, 2, dtype=torch.float64),
}


# ---- torch.save -> ember.load --------------------------------------------------------------------


@pytest.mark.parametrize("case", list(CASES))
def test_torch_save_ember_load(case, tmp_path):
    obj = CASES[case]()
    path = tmp_path / "ckpt.pt"
    torch.save(obj, path)
    _same(ember.load(path), obj)


def test_ember_load_keeps_views_shared(tmp_path):
    torch.save(_views(), tmp_path / "v.pt")
    out = ember.load(tmp_path / "v.pt")
    for name in ("cols", "row", "t", "tail", "bcast"):
        assert np.shares_memory(out[name]._data, out["base"]._data), name
    out["base"][2, 0] = -1.0  # a write through one view is seen by the others, as in torch
    assert out["row"][0].item() == -1.0 and out["t"][0, 2].item() == -1.0
    assert out["base"]._version == out["row"]._version


V3_DTYPES = ["uint16", "uint32", "uint64", "float8_e4m3fn", "float8_e5m2"]


@pytest.mark.parametrize("dtype", V3_DTYPES)
def test_untyped_storage_dtypes_cross_both_ways(dtype, tmp_path):
    """Dtypes without a typed storage class travel as torch writes them: a byte storage rebuilt
    by _rebuild_tensor_v3 naming the dtype; views keep sharing it."""
    for save, load in ((torch, ember), (ember, torch)):
        t = save.tensor([[1, 2, 3], [4, 5, 6]]).to(getattr(save, dtype))
        save.save({"t": t, "row": t[1], "col": t[:, 2]}, tmp_path / "c.pt")
        kw = {"weights_only": True} if load is torch else {}
        back = load.load(tmp_path / "c.pt", **kw)
        assert back["t"].dtype == getattr(load, dtype)
        as_float = {k: v.to(load.float32).tolist() for k, v in back.items()}
        assert as_float == {"t": [[1, 2, 3], [4, 5, 6]], "row": [4, 5, 6], "col": [3, 6]}
        assert back["row"].storage_offset() == 3 and back["col"].stride() == (3,)
        assert back["row"].untyped_storage().data_ptr() == back["t"].untyped_storage().data_ptr()


# ---- ember.save -> torch.load(weights_only=True) ---------------------------------------------------


@pytest.mark.parametrize("case", list(CASES))
def test_ember_save_torch_load(case, tmp_path):
    obj = CASES[case]()
    path = tmp_path / "ckpt.pt"
    ember.save(_to_ember(obj), path)
    back = torch.load(path, weights_only=True)
    _same_torch(back, obj)
    assert _layout(back) == _layout(obj)  # strides, storage offsets, Parameters, requires_grad
    _same(ember.load(path), obj)  # and ember reads its own file back the same


def test_ember_save_keeps_views_shared(tmp_path):
    ember.save(_to_ember(_views()), tmp_path / "v.pt")
    back = torch.load(tmp_path / "v.pt", weights_only=True)
    ptrs = {k: v.untyped_storage().data_ptr() for k, v in back.items()}
    assert len(set(ptrs.values())) == 1, ptrs
    assert back["base"].untyped_storage().nbytes() == 24 * 4
    assert [back[k].storage_offset() for k in ("cols", "row", "tail")] == [0, 12, 5]


def test_ember_save_ops_results_and_parameters(tmp_path):
    x = ember.arange(12.0).reshape(3, 4)
    obj = {"y": x * 2, "slice": x[1:, 1:], "neg_view": x.flip(0), "p": ember.nn.Parameter(x + 1)}
    ember.save(obj, tmp_path / "o.pt")
    back = torch.load(tmp_path / "o.pt", weights_only=True)
    for k, v in obj.items():
        np.testing.assert_array_equal(back[k].detach().numpy(), v.detach().numpy(), err_msg=k)
    assert isinstance(back["p"], torch.nn.Parameter) and back["p"].requires_grad


def test_whole_module_weights_only_false(tmp_path):
    ember.manual_seed(0)
    model = ember.nn.Sequential(ember.nn.Linear(4, 3), ember.nn.LayerNorm(3), ember.nn.Tanh())
    ember.save(model, tmp_path / "model.pt")
    with pytest.raises(pickle.UnpicklingError, match="Sequential"):
        ember.load(tmp_path / "model.pt")
    loaded = ember.load(tmp_path / "model.pt", weights_only=False)
    assert repr(loaded) == repr(model)
    x = ember.randn(2, 4)
    np.testing.assert_array_equal(loaded(x).detach().numpy(), model(x).detach().numpy())
    assert all(isinstance(p, ember.nn.Parameter) for p in loaded.parameters())


@pytest.mark.parametrize("protocol", [2, 3, 4, 5])
def test_pickle_protocols(protocol):
    obj = {"w": ember.randn(3, 2), "meta": {"epoch": 3, "names": ("a", "b")}}
    buf = io.BytesIO()
    ember.save(obj, buf, pickle_protocol=protocol)
    buf.seek(0)
    assert ember.load(buf)["meta"] == obj["meta"]
    buf.seek(0)
    if protocol >= 4:  # torch's weights_only unpickler has no FRAME opcode, for its files too
        with pytest.raises(pickle.UnpicklingError, match="149"), pytest.warns(UserWarning):
            torch.load(buf, weights_only=True)
        return
    with pytest.warns(UserWarning, match="protocol") if protocol == 3 else _no_warning():
        back = torch.load(buf, weights_only=True)
    np.testing.assert_array_equal(back["w"].numpy(), obj["w"].numpy())
    assert back["meta"] == obj["meta"]


def _no_warning():
    import contextlib

    return contextlib.nullcontext()


# ---- files, paths and map_location ------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["str", "pathlib", "bytesio", "open_file"])
def test_paths_and_file_objects(kind, tmp_path):
    obj = {"x": ember.arange(6).reshape(2, 3)}
    path = tmp_path / "f.pt"
    if kind == "bytesio":
        target = io.BytesIO()
        ember.save(obj, target)
        target.seek(0)
        torch_src = io.BytesIO(target.getvalue())
    elif kind == "open_file":
        with open(path, "wb") as fh:
            ember.save(obj, fh)
        target = open(path, "rb")  # noqa: SIM115 - closed below
        torch_src = path
    else:
        target = str(path) if kind == "str" else pathlib.Path(path)
        ember.save(obj, target)
        torch_src = path
    out = ember.load(target)
    if kind == "open_file":
        target.close()
    np.testing.assert_array_equal(out["x"].numpy(), np.arange(6).reshape(2, 3))
    assert torch.load(torch_src, weights_only=True)["x"].tolist() == [[0, 1, 2], [3, 4, 5]]


def test_save_to_unseekable_stream():
    class Sink:
        def __init__(self):
            self.chunks = []

        def write(self, b):
            self.chunks.append(bytes(b))
            return len(b)

    sink = Sink()
    ember.save([ember.ones(3)], sink)
    assert torch.load(io.BytesIO(b"".join(sink.chunks)), weights_only=True)[0].tolist() == [1] * 3


@pytest.mark.parametrize("map_location", ["cpu", "device", "dict", "callable", "callable_none"])
def test_map_location(map_location, tmp_path):
    torch.save({"x": torch.arange(4.0)}, tmp_path / "m.pt")
    seen = []
    ml = {"cpu": "cpu", "device": ember.device("cpu"), "dict": {"cpu": "cpu"},
          "callable": lambda s, loc: seen.append(loc) or s,
          "callable_none": lambda s, loc: seen.append(loc)}[map_location]
    out = ember.load(tmp_path / "m.pt", map_location=ml)
    assert out["x"].device == ember.device("cpu")
    assert out["x"].tolist() == [0.0, 1.0, 2.0, 3.0]
    assert seen == (["cpu"] if map_location.startswith("callable") else [])


def test_map_location_to_cuda(tmp_path):
    torch.save(torch.ones(2), tmp_path / "c.pt")
    if ember.cuda.is_available():
        assert ember.load(tmp_path / "c.pt", map_location="cuda").device.type == "cuda"
    else:
        with pytest.raises(RuntimeError, match="CUDA"):
            ember.load(tmp_path / "c.pt", map_location="cuda")
        with pytest.raises(RuntimeError):
            torch.load(tmp_path / "c.pt", map_location="cuda")


def test_map_location_callable_bad_result(tmp_path):
    torch.save(torch.ones(2), tmp_path / "c.pt")
    with pytest.raises(RuntimeError, match="map_location"):
        ember.load(tmp_path / "c.pt", map_location=lambda s, loc: 3)


@pytest.mark.parametrize("writer", ["torch", "ember"])
def test_mmap(writer, tmp_path):
    path = tmp_path / "mm.pt"
    obj = {"a": torch.randn(64, 8), "b": torch.arange(10, dtype=torch.int16)[::3]}
    if writer == "torch":
        torch.save(obj, path)
    else:
        ember.save(_to_ember(obj), path)
    before = path.read_bytes()
    out = ember.load(path, mmap=True)
    _same(out, obj)
    root = out["a"]._data
    while isinstance(root, np.ndarray):
        root = root.base
    assert isinstance(root, mmap.mmap)  # the bytes come from the mapping, not a read
    out["a"][0, 0] = 123.0  # copy-on-write: the file does not change
    assert path.read_bytes() == before
    _same_torch(torch.load(path, mmap=True, weights_only=True), obj)


def test_mmap_needs_a_path(tmp_path):
    buf = io.BytesIO()
    ember.save(ember.ones(2), buf)
    buf.seek(0)
    with pytest.raises(ValueError, match="file path"):
        ember.load(buf, mmap=True)


def test_legacy_format(tmp_path):
    obj = {"sd": _module_state(), "v": _views(), "p": torch.nn.Parameter(torch.randn(2)),
           "bf": torch.ones(3, dtype=torch.bfloat16), "n": [1, None, "x"]}
    torch.save(obj, tmp_path / "legacy.pt", _use_new_zipfile_serialization=False)
    out = ember.load(tmp_path / "legacy.pt")
    _same(out, obj)
    assert np.shares_memory(out["v"]["row"]._data, out["v"]["base"]._data)
    with pytest.raises(RuntimeError, match="mmap"):
        ember.load(tmp_path / "legacy.pt", mmap=True)
    seen = []
    out = ember.load(tmp_path / "legacy.pt", map_location=lambda s, loc: seen.append(loc) or s)
    _same(out["v"], obj["v"])
    assert seen and set(seen) == {"cpu"}
    with pytest.raises(RuntimeError, match="CPU only"):
        ember.load(tmp_path / "legacy.pt", map_location={"cpu": "cuda"})


# ---- atomic saves, truncated and corrupt files --------------------------------------------------------


def test_atomic_save_keeps_old_checkpoint(tmp_path):
    path = tmp_path / "keep.pt"
    ember.save({"x": ember.ones(3)}, path)
    before = path.read_bytes()
    with pytest.raises((pickle.PicklingError, AttributeError, TypeError)):
        ember.save({"x": ember.zeros(3), "bad": lambda: None}, path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.pt"]  # no temp file left
    ember.save({"x": ember.zeros(3)}, path)  # and a good save replaces it
    assert torch.load(path, weights_only=True)["x"].tolist() == [0.0] * 3


def test_save_missing_parent_dir(tmp_path):
    with pytest.raises(RuntimeError, match="Parent directory"):
        ember.save(ember.ones(1), tmp_path / "nope" / "x.pt")
    with pytest.raises(RuntimeError, match="Parent directory"):
        torch.save(torch.ones(1), tmp_path / "nope" / "x.pt")


@pytest.mark.parametrize("keep", [0.0, 0.1, 0.5, 0.9, 0.99])
def test_truncated_checkpoint(keep, tmp_path):
    path = tmp_path / "t.pt"
    torch.save({"w": torch.randn(100, 10), "b": torch.randn(10)}, path)
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    with pytest.raises(RuntimeError, match="not a valid or complete"):
        ember.load(path)


def test_corrupt_data_pickle(tmp_path):
    path = tmp_path / "c.pt"
    torch.save({"w": torch.randn(3)}, path)
    data = bytearray(path.read_bytes())
    start = data.index(b"data.pkl") + len(b"data.pkl")
    data[start + 70: start + 80] = b"\xee" * 10  # inside data.pkl: its CRC no longer matches
    path.write_bytes(bytes(data))
    with pytest.raises(RuntimeError, match="not a valid or complete"):
        ember.load(path)


def test_not_a_checkpoint(tmp_path):
    path = tmp_path / "junk.pt"
    path.write_bytes(b"hello, this is not a checkpoint")
    with pytest.raises((RuntimeError, pickle.UnpicklingError)):
        ember.load(path)
    path.write_bytes(b"")
    with pytest.raises(RuntimeError, match="empty"):
        ember.load(path)


# ---- argument errors ------------------------------------------------------------------------------


def test_argument_errors(tmp_path):
    path = tmp_path / "a.pt"
    ember.save(ember.ones(1), path)
    with pytest.raises(RuntimeError, match="pickle_module"):
        ember.load(path, pickle_module=pickle)
    with pytest.raises(RuntimeError, match="pickle_module"):
        torch.load(path, pickle_module=pickle, weights_only=True)
    with pytest.raises(ValueError, match="zip"):
        ember.save(ember.ones(1), path, _use_new_zipfile_serialization=False)
    with pytest.raises(FileNotFoundError):
        ember.load(tmp_path / "missing.pt")
    assert ember.load(path, pickle_module=pickle, weights_only=False).tolist() == [1.0]


def test_archive_layout(tmp_path):
    import zipfile

    ember.save({"x": ember.ones(3), "y": ember.zeros(2, dtype=ember.int64)}, tmp_path / "lay.pt")
    with zipfile.ZipFile(tmp_path / "lay.pt") as zf:
        names = zf.namelist()
        assert names[0] == "lay/data.pkl" and "lay/data/0" in names and "lay/version" in names
        assert zf.read("lay/byteorder") == b"little"
        for info in zf.infolist():
            assert info.compress_type == zipfile.ZIP_STORED
            if "/data/" in info.filename:
                with open(tmp_path / "lay.pt", "rb") as fh:
                    fh.seek(info.header_offset + 26)
                    n, m = np.frombuffer(fh.read(4), "<u2")
                assert (info.header_offset + 30 + n + m) % 64 == 0  # aligned for mmap
    assert os.path.getsize(tmp_path / "lay.pt") < 4096


def test_compressed_records_and_byteorder_option(tmp_path):
    """Zip writers other than torch may deflate records; ember reads those too (not via mmap)."""
    import zipfile

    src = tmp_path / "src.pt"
    ember.save({"w": ember.arange(6.0)}, src, _disable_byteorder_record=True)
    with zipfile.ZipFile(src) as zin:
        assert not any(n.endswith("byteorder") for n in zin.namelist())
        dst = tmp_path / "deflated.pt"
        with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                zout.writestr(info.filename, zin.read(info))
    assert ember.load(dst)["w"].tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
    assert torch.load(dst, weights_only=True)["w"].tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]


def test_storage_size_mismatch_is_corrupt(tmp_path):
    import zipfile

    src = tmp_path / "s.pt"
    torch.save({"w": torch.ones(4)}, src)
    dst = tmp_path / "bad.pt"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            zout.writestr(info.filename, data[:8] if info.filename.endswith("data/0") else data)
    with pytest.raises(RuntimeError, match="not a valid or complete"):
        ember.load(dst)


def test_torch_checkpoint_into_ember_module(tmp_path):
    """The spec's pattern: train in torch, torch.save(model.state_dict()), load it into ember."""
    torch.manual_seed(0)
    tm = torch.nn.Sequential(torch.nn.Linear(5, 4), torch.nn.BatchNorm1d(4), torch.nn.ReLU(),
                             torch.nn.Linear(4, 2))
    tm(torch.randn(8, 5))
    tm.eval()
    torch.save(tm.state_dict(), tmp_path / "m.pt")
    em = ember.nn.Sequential(ember.nn.Linear(5, 4), ember.nn.BatchNorm1d(4), ember.nn.ReLU(),
                             ember.nn.Linear(4, 2))
    em.load_state_dict(ember.load(tmp_path / "m.pt"))
    em.eval()
    x = np.random.default_rng(0).standard_normal((3, 5)).astype(np.float32)
    np.testing.assert_allclose(em(ember.from_numpy(x)).detach().numpy(),
                               tm(torch.from_numpy(x)).detach().numpy(), rtol=1e-5, atol=1e-6)
    ember.save(em.state_dict(), tmp_path / "e.pt")  # and back into a fresh torch module
    tm2 = torch.nn.Sequential(torch.nn.Linear(5, 4), torch.nn.BatchNorm1d(4), torch.nn.ReLU(),
                              torch.nn.Linear(4, 2))
    tm2.load_state_dict(torch.load(tmp_path / "e.pt", weights_only=True))
    for k, v in tm.state_dict().items():
        assert torch.equal(tm2.state_dict()[k], v), k


def test_tensor_attributes(tmp_path):
    t = torch.arange(3.0)
    t.note = "hello"
    torch.save({"t": t}, tmp_path / "t.pt")
    out = ember.load(tmp_path / "t.pt")
    assert out["t"].note == "hello" and out["t"].tolist() == [0.0, 1.0, 2.0]
    out["t"].tag = 7
    ember.save(out, tmp_path / "e.pt")
    back = torch.load(tmp_path / "e.pt", weights_only=True)
    assert (back["t"].note, back["t"].tag, back["t"].tolist()) == ("hello", 7, [0.0, 1.0, 2.0])
    assert ember.load(tmp_path / "e.pt")["t"].tag == 7
