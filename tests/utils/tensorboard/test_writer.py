"""ember.utils.tensorboard.SummaryWriter against torch.utils.tensorboard: the same calls write event
files that TensorBoard's own loader reads back as the same summaries (tags, steps, values, histogram
buckets, image pixels, text, hparams)."""
from __future__ import annotations

import glob
import io
import os

import numpy as np
import pytest
from google.protobuf.json_format import MessageToDict
from PIL import Image
from tensorboard.backend.event_processing.event_file_loader import EventFileLoader
from tensorboard.compat.proto.graph_pb2 import GraphDef
from tensorboard.plugins.hparams import plugin_data_pb2
from tensorboard.util import tensor_util

import ember
from ember.utils.tensorboard import SummaryWriter

_RNG = np.random.default_rng(0)
_IMG = _RNG.random((3, 4, 5)).astype(np.float32)
_IMGS = _RNG.random((3, 1, 4, 5)).astype(np.float32)
_HIST = [np.array([0.0, 1.0, 1.5, -2.0, 3.0]), _RNG.standard_normal(1000),
         np.arange(50), np.full(7, 2.5, np.float32)]


def _calls(fw, w):
    """One script of writer calls; `fw` is torch or ember (tensors come from it)."""
    w.add_scalar("loss", fw.tensor(0.5), 3)
    w.add_scalar("loss", 0.25, 4)
    w.add_scalar("new", 1.25, 4, new_style=True)
    w.add_scalar("double", 1.0 / 3, 4, new_style=True, double_precision=True)
    w.add_scalars("main/x", {"a": 1.0, "b": fw.tensor(2.0)}, 5)
    for i, h in enumerate(_HIST):
        w.add_histogram(f"h{i}", fw.from_numpy(h), i)
    w.add_histogram("auto", fw.from_numpy(_HIST[1]), 9, bins="auto")
    w.add_histogram("few", fw.from_numpy(_HIST[1]), 9, bins=40, max_bins=7)
    w.add_histogram("outside", fw.ones(3), 9, bins=[5.0, 6.0])
    w.add_image("img", fw.from_numpy(_IMG), 7)
    w.add_image("hwc", fw.from_numpy(_IMG.transpose(1, 2, 0).copy()), 7, dataformats="HWC")
    w.add_image("grey", fw.from_numpy(_IMG[0].copy()), 7, dataformats="HW")
    w.add_image("u8", fw.from_numpy((_IMG * 255).astype(np.uint8)), 7)
    w.add_images("imgs", fw.from_numpy(_IMGS), 8)
    w.add_images("many", fw.from_numpy(np.tile(_IMGS, (4, 3, 1, 1))[:10]), 8)
    w.add_text("t", "hello *world*", 8)
    w.add_hparams({"lr": 0.1, "bs": 16, "opt": "sgd", "flag": True, "none": None},
                  {"hparam/acc": 0.9}, hparam_domain_discrete={"opt": ["sgd", "adam"]},
                  run_name="hp", global_step=2)
    w.flush()
    w.close()


def _events(root):
    """{relative folder: [normalised events]} for every event file under root."""
    runs = {}
    for path in sorted(glob.glob(os.path.join(root, "**", "events.out.tfevents.*"),
                                 recursive=True)):
        rel = os.path.relpath(os.path.dirname(path), root)
        runs[rel] = [_normalise(ev) for ev in EventFileLoader(path).Load()]
    return runs


def _normalise(ev):
    out = {"step": ev.step, "file_version": ev.file_version, "values": []}
    for v in ev.summary.value:
        item = {"tag": v.tag, "plugin": v.metadata.plugin_data.plugin_name,
                "data_class": v.metadata.data_class, "display": v.metadata.display_name}
        content = v.metadata.plugin_data.content
        if item["plugin"] == "hparams":
            item["content"] = MessageToDict(plugin_data_pb2.HParamsPluginData.FromString(content))
        arr = tensor_util.make_ndarray(v.tensor)
        if arr.dtype == object and arr.size == 3 and v.tensor.string_val[2][:4] == b"\x89PNG":
            pixels = np.asarray(Image.open(io.BytesIO(arr[2])))
            item["tensor"] = (arr[0], arr[1], pixels.tolist())
        else:
            item["tensor"] = (str(arr.dtype), arr.shape, arr.tolist())
        out["values"].append(item)
    return out


def test_same_event_files_as_torch(tmp_path):
    import torch
    from torch.utils.tensorboard import SummaryWriter as TorchWriter

    _calls(torch, TorchWriter(str(tmp_path / "torch")))
    _calls(ember, SummaryWriter(str(tmp_path / "ember")))
    want, got = _events(tmp_path / "torch"), _events(tmp_path / "ember")
    assert sorted(got) == sorted(want) == [".", "hp", "main_x_a", "main_x_b"]
    for run in want:
        assert len(got[run]) == len(want[run]), run
        for g, w in zip(got[run], want[run]):
            assert g == w, (run, g, w)


def test_purge_step_and_default_log_dir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    w = SummaryWriter(comment="_lr0.1", purge_step=5)
    assert w.get_logdir().startswith("runs" + os.sep) and w.get_logdir().endswith("_lr0.1")
    w.add_scalar("x", 1.0, 5)
    w.close()
    (path,) = glob.glob(os.path.join(w.get_logdir(), "events.out.tfevents.*"))
    events = list(EventFileLoader(path).Load())
    assert [e.step for e in events[1:3]] == [5, 5]  # file_version and SessionLog.START at 5
    assert events[2].session_log.status == events[2].session_log.START


def test_add_graph_records_leaf_modules_in_call_order(tmp_path):
    net = ember.nn.Sequential(ember.nn.Linear(4, 3), ember.nn.ReLU(),
                              ember.nn.Sequential(ember.nn.Linear(3, 2)))
    with SummaryWriter(str(tmp_path)) as w:
        w.add_graph(net, ember.zeros(5, 4))
    (path,) = glob.glob(str(tmp_path / "events.out.tfevents.*"))
    (ev,) = [e for e in EventFileLoader(path).Load() if e.graph_def]
    g = GraphDef.FromString(ev.graph_def)
    names = [n.name for n in g.node]
    assert names == ["input", "Sequential/Linear[0]", "Sequential/ReLU[1]",
                     "Sequential/Sequential[2]/Linear[0]"]
    assert [n.op for n in g.node[1:]] == ["Linear", "ReLU", "Linear"]
    assert list(g.node[3].input) == ["Sequential/ReLU[1]"]
    dims = [d.size for d in g.node[3].attr["_output_shapes"].list.shape[0].dim]
    assert dims == [5, 2]


@pytest.mark.parametrize("bad", [
    lambda w: w.add_scalar("x", ember.ones(2)),
    lambda w: w.add_image("x", ember.ones(3, 4, 5), dataformats="CHWN"),
    lambda w: w.add_image("x", ember.ones(3, 4, 5), dataformats="CCW"),
    lambda w: w.add_histogram("x", ember.ones(3), bins=[5.0, 6.0, 7.0]),
    lambda w: w.add_histogram("x", ember.ones(0)),
    lambda w: w.add_hparams([("lr", 0.1)], {}),
    lambda w: w.add_hparams({"lr": object()}, {}),
    lambda w: w.add_hparams({"lr": 0.1}, {}, hparam_domain_discrete={"lr": [1]}),
])
def test_bad_arguments_raise_torchs_exception_type(tmp_path, bad):
    import torch
    from torch.utils.tensorboard import SummaryWriter as TorchWriter

    tw = TorchWriter(str(tmp_path / "torch"))
    ew = SummaryWriter(str(tmp_path / "ember"))
    with pytest.raises(Exception) as want:
        _rebind(bad, {"ember": torch})(tw)
    with pytest.raises(want.type):
        bad(ew)
    tw.close()
    ew.close()


def _rebind(fn, names):
    """The same lambda with `ember` in its globals replaced by torch."""
    import types

    return types.FunctionType(fn.__code__, {**fn.__globals__, **names})
