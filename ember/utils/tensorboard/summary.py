"""Summary protos for SummaryWriter: scalars, histograms, images, text, hparams and module graphs,
in the layout torch.utils.tensorboard writes (so TensorBoard shows ember's runs like torch's)."""
from __future__ import annotations

import numpy as np
from google.protobuf import struct_pb2
from tensorboard.compat.proto.graph_pb2 import GraphDef
from tensorboard.compat.proto.node_def_pb2 import NodeDef
from tensorboard.compat.proto.summary_pb2 import HistogramProto, Summary, SummaryMetadata
from tensorboard.compat.proto.tensor_pb2 import TensorProto
from tensorboard.compat.proto.tensor_shape_pb2 import TensorShapeProto
from tensorboard.compat.proto.versions_pb2 import VersionDef
from tensorboard.plugins.hparams import api_pb2, plugin_data_pb2
from tensorboard.plugins.text.plugin_data_pb2 import TextPluginData

from ._png import encode_png

__all__ = ["graph", "histogram", "hparams", "image", "make_np", "scalar", "text"]


def make_np(x) -> np.ndarray:
    """A NumPy array from an ember Tensor, an array, a number or a nested list."""
    if hasattr(x, "detach") and hasattr(x, "numpy"):
        return x.detach().cpu().numpy()
    return np.asarray(x)


# ---- scalars -----------------------------------------------------------------------------------


def scalar(tag: str, value, new_style: bool = False, double_precision: bool = False) -> Summary:
    """A one-element value as a legacy simple_value, or as a scalars-plugin tensor (new_style)."""
    v = make_np(value).squeeze()
    if v.ndim != 0:
        raise AssertionError(f"Tensor should contain one element (0 dimensions). Was given size: "
                             f"{v.size} and {v.ndim} dimensions.")
    v = float(v)
    if not new_style:
        return Summary(value=[Summary.Value(tag=tag, simple_value=v)])
    proto = (TensorProto(double_val=[v], dtype="DT_DOUBLE") if double_precision
             else TensorProto(float_val=[v], dtype="DT_FLOAT"))
    meta = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(plugin_name="scalars"))
    return Summary(value=[Summary.Value(tag=tag, tensor=proto, metadata=meta)])


# ---- histograms --------------------------------------------------------------------------------


def _tensorflow_bins() -> list:
    """TensorFlow's default bucket edges: +-1e-12 * 1.1**k up to 1e20, mirrored around 0."""
    edges = []
    v = 1e-12
    while v < 1e20:
        edges.append(v)
        v *= 1.1
    return [-e for e in reversed(edges)] + [0] + edges


def histogram(tag: str, values, bins="tensorflow", max_bins: int | None = None) -> Summary:
    """A HistogramProto of `values` trimmed to the buckets between the first and last non-empty
    one (plus the empty bucket before, whose right edge is where the data starts)."""
    values = make_np(values).astype(float).reshape(-1)
    if values.size == 0:
        raise ValueError("The input has no element.")
    counts, limits = np.histogram(values, bins=_tensorflow_bins() if bins == "tensorflow" else bins)
    if max_bins is not None and counts.size > max_bins:  # merge neighbours, `group` at a time
        group = counts.size // max_bins
        pad = -counts.size % group
        counts = np.pad(counts, (0, pad)).reshape(-1, group).sum(axis=1)
        limits = np.concatenate([limits[:-1:group], limits[-1:]])
    nonzero = np.flatnonzero(counts)
    if nonzero.size:
        first, last = int(nonzero[0]), int(nonzero[-1])
        counts = np.concatenate([[0], counts[first:last + 1]])
        limits = limits[first:last + 2]
    elif counts.size == 1:  # all data outside a single bin: one empty bucket at its right edge
        counts, limits = counts[:1] * 0, limits[-1:]
    else:
        raise ValueError("The histogram is empty, please file a bug report.")
    proto = HistogramProto(min=values.min(), max=values.max(), num=len(values), sum=values.sum(),
                           sum_squares=values.dot(values), bucket_limit=limits.tolist(),
                           bucket=counts.tolist())
    return Summary(value=[Summary.Value(tag=tag, histo=proto)])


# ---- images ------------------------------------------------------------------------------------


def _grid(images: np.ndarray, ncols: int = 8) -> np.ndarray:
    """NCHW images tiled into one CHW canvas, row by row, at most `ncols` per row (grey -> RGB)."""
    if images.shape[1] == 1:
        images = np.concatenate([images] * 3, axis=1)
    n, c, h, w = images.shape
    ncols = min(n, ncols)
    nrows = -(-n // ncols)
    canvas = np.zeros((c, h * nrows, w * ncols), images.dtype)
    for i in range(n):
        y, x = divmod(i, ncols)
        canvas[:, y * h:(y + 1) * h, x * w:(x + 1) * w] = images[i]
    return canvas


def to_hwc(x: np.ndarray, dataformats: str) -> np.ndarray:
    """An image (HW, HWC/CHW, or a batch NCHW/NHWC) as one HWC array with 3 or 4 channels."""
    fmt = dataformats.upper()
    if len(set(fmt)) != len(fmt):
        raise AssertionError(f"You can not use the same dimension shordhand twice. input_format: "
                             f"{dataformats}")
    if x.ndim != len(fmt):
        raise AssertionError(f"size of input tensor and input format are different. tensor shape: "
                             f"{x.shape}, input_format: {dataformats}")
    if len(fmt) == 4:
        return _grid(x.transpose([fmt.find(c) for c in "NCHW"])).transpose(1, 2, 0)
    if len(fmt) == 3:
        hwc = x.transpose([fmt.find(c) for c in "HWC"])
        return np.concatenate([hwc] * 3, axis=2) if hwc.shape[2] == 1 else hwc
    if len(fmt) == 2:
        return np.stack([x.transpose([fmt.find(c) for c in "HW"])] * 3, axis=2)
    raise AssertionError(f"size of input tensor and input format are different. tensor shape: "
                         f"{x.shape}, input_format: {dataformats}")


def image(tag: str, img, dataformats: str = "CHW") -> Summary:
    """A PNG image summary; float images are in [0, 1] (scaled by 255), uint8 ones in [0, 255]."""
    x = make_np(img)
    scale = 1 if x.dtype == np.uint8 else 255
    hwc = to_hwc(x, dataformats)
    pixels = (hwc.astype(np.float32) * scale).clip(0, 255).astype(np.uint8)
    h, w, c = pixels.shape
    proto = Summary.Image(height=h, width=w, colorspace=c, encoded_image_string=encode_png(pixels))
    return Summary(value=[Summary.Value(tag=tag, image=proto)])


# ---- text and hparams --------------------------------------------------------------------------


def text(tag: str, text_string: str) -> Summary:
    """A text-plugin summary (TensorBoard renders it as markdown) under `<tag>/text_summary`."""
    plugin = SummaryMetadata.PluginData(plugin_name="text",
                                        content=TextPluginData(version=0).SerializeToString())
    proto = TensorProto(dtype="DT_STRING", string_val=[text_string.encode("utf_8")],
                        tensor_shape=TensorShapeProto(dim=[TensorShapeProto.Dim(size=1)]))
    return Summary(value=[Summary.Value(tag=tag + "/text_summary",
                                        metadata=SummaryMetadata(plugin_data=plugin),
                                        tensor=proto)])


def _hparams_summary(tag: str, **content) -> Summary:
    data = plugin_data_pb2.HParamsPluginData(version=0, **content)
    plugin = SummaryMetadata.PluginData(plugin_name="hparams", content=data.SerializeToString())
    return Summary(value=[Summary.Value(tag=tag, metadata=SummaryMetadata(plugin_data=plugin))])


def hparams(hparam_dict: dict, metric_dict: dict, hparam_domain_discrete: dict | None = None):
    """The experiment, session-start and session-end summaries of one hyper-parameter run."""
    domains = hparam_domain_discrete or {}
    if not isinstance(domains, dict):
        raise TypeError("parameter: hparam_domain_discrete should be a dictionary, nothing logged.")
    for k, choices in domains.items():
        if k not in hparam_dict or not isinstance(choices, list) \
                or not all(isinstance(d, type(hparam_dict[k])) for d in choices):
            raise TypeError(f"parameter: hparam_domain_discrete[{k}] should be a list of same "
                            f"type as hparam_dict[{k}].")
    infos = []
    start = plugin_data_pb2.SessionStartInfo()
    kinds = {"number_value": "DATA_TYPE_FLOAT64", "string_value": "DATA_TYPE_STRING",
             "bool_value": "DATA_TYPE_BOOL"}
    for k, v in hparam_dict.items():
        if v is None:
            continue
        if isinstance(v, (int, float)):  # a bool is an int here, as in torch: stored as 1.0/0.0
            field, v = "number_value", float(v)
        elif isinstance(v, str):
            field = "string_value"
        elif hasattr(v, "detach") or isinstance(v, np.ndarray):
            field, v = "number_value", float(make_np(v).reshape(-1)[0])
        else:
            raise ValueError("value should be one of int, float, str, bool, or torch.Tensor")
        setattr(start.hparams[k], field, v)
        info = api_pb2.HParamInfo(name=k, type=api_pb2.DataType.Value(kinds[field]))
        if k in domains:
            values = [_hparam_value(field, d) for d in domains[k]]
            info.domain_discrete.values.extend(values)
        infos.append(info)
    metrics = [api_pb2.MetricInfo(name=api_pb2.MetricName(tag=k)) for k in metric_dict]
    experiment = api_pb2.Experiment(hparam_infos=infos, metric_infos=metrics)
    end = plugin_data_pb2.SessionEndInfo(status=api_pb2.Status.Value("STATUS_SUCCESS"))
    return (_hparams_summary("_hparams_/experiment", experiment=experiment),
            _hparams_summary("_hparams_/session_start_info", session_start_info=start),
            _hparams_summary("_hparams_/session_end_info", session_end_info=end))


def _hparam_value(field: str, d):
    if field == "number_value":
        return struct_pb2.Value(number_value=float(d))
    if field == "string_value":
        return struct_pb2.Value(string_value=d)
    return struct_pb2.Value(bool_value=d)


# ---- graphs ------------------------------------------------------------------------------------


def graph(calls: list) -> GraphDef:
    """A GraphDef of leaf-module calls in execution order: `calls` holds (scope, op, shape) tuples;
    each node takes the previous one as its input (the order data flowed through the model)."""
    nodes = [NodeDef(name="input", op="IO Node")]
    for scope, op, shape in calls:
        node = NodeDef(name=scope, op=op, input=[nodes[-1].name])
        node.attr["_output_shapes"].list.shape.add().dim.extend(
            [TensorShapeProto.Dim(size=int(s)) for s in shape])
        nodes.append(node)
    return GraphDef(node=nodes, versions=VersionDef(producer=22))
