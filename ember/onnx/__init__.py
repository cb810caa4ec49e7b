"""torch.onnx: export a model to an ONNX file by recording one forward pass.

Layers ONNX has an operator for (Linear, Conv*, ConvTranspose*, BatchNorm*, LayerNorm, pooling,
Flatten, Embedding, LSTM/GRU/RNN, activations, Dropout in eval) become one node each; computation
outside them (residual adds, reshapes, `F.relu`, `torch.cat`, indexing with ints and slices)
becomes one node per ember op. Anything else raises UnsupportedOperatorError naming the layer or
op. The `onnx` package writes the file (optional: `pip install ember[onnx]`). The model runs in
eval mode during export (torch's default `training=TrainingMode.EVAL`) and shapes are recorded
statically, except that reshapes keep leading dimensions (a dynamic batch survives) and
`dynamic_axes` names dimensions of inputs and outputs.
"""
from __future__ import annotations

import contextlib
import enum
import io
import os

from .._tensor import Tensor
from ..autograd import no_grad
from . import errors
from ._graph import GraphBuilder
from ._lower_layers import leaf_types, lower_layer
from ._lower_ops import lower_op
from ._trace import flat_tensors, record
from .errors import OnnxExporterError, UnsupportedOperatorError

__all__ = ["OnnxExporterError", "TrainingMode", "UnsupportedOperatorError", "errors", "export",
           "is_in_onnx_export", "producer_name", "producer_version"]

producer_name = "ember"
producer_version = "0.1.0"
_DEFAULT_OPSET = 18
_in_export = False


class TrainingMode(enum.IntEnum):
    """torch.onnx.TrainingMode: export in eval (default), preserve, or training mode."""

    EVAL = 0
    PRESERVE = 1
    TRAINING = 2


def is_in_onnx_export() -> bool:
    """True while `export` runs the model's forward."""
    return _in_export


def _import_onnx():
    try:
        import onnx
    except ModuleNotFoundError as err:
        raise ModuleNotFoundError("torch.onnx.export needs the 'onnx' package: pip install "
                                  "onnx (or pip install 'ember[onnx]')") from err
    return onnx


def _param_names(model) -> dict[int, str]:
    names: dict[int, str] = {}
    for name, t in (*model.named_parameters(remove_duplicate=False),
                    *model.named_buffers(remove_duplicate=False)):
        names.setdefault(id(t), name)
    return names


@contextlib.contextmanager
def _mode(model, training):
    was = model.training
    if training == TrainingMode.EVAL:
        model.eval()
    elif training == TrainingMode.TRAINING:
        model.train()
    try:
        yield
    finally:
        model.train(was)


def _value_info(g: GraphBuilder, name: str, t: Tensor, dynamic: dict) -> object:
    shape = [dynamic.get(i, d) for i, d in enumerate(t.shape)]
    return g.helper.make_tensor_value_info(name, g.elem_type(t), shape)


def _dynamic_axes(spec, name: str) -> dict[int, str]:
    axes = (spec or {}).get(name, {})
    if isinstance(axes, dict):
        return dict(axes)
    return {int(a): f"{name}_dynamic_axes_{i + 1}" for i, a in enumerate(axes)}


def export(model, args=(), f=None, *, kwargs=None, verbose=None, input_names=None,
           output_names=None, opset_version=None, dynamo=True, export_params=True,
           keep_initializers_as_inputs=False, dynamic_axes=None, training=TrainingMode.EVAL,
           do_constant_folding=True, external_data=True, dynamic_shapes=None, **unused):
    """Record `model(*args, **kwargs)` and write it as an ONNX model to `f` (a path or a binary
    file object); returns None (ember has no ONNXProgram)."""
    global _in_export
    onnx = _import_onnx()
    if not isinstance(args, tuple):
        args = (args,)
    opset = opset_version or _DEFAULT_OPSET
    inputs = flat_tensors(list(args) + list((kwargs or {}).values()))
    g = GraphBuilder(onnx, opset, _param_names(model), export_params)
    input_names = list(input_names or [])
    graph_inputs = []
    for i, t in enumerate(inputs):
        name = input_names[i] if i < len(input_names) else f"input_{i}" if i else "input"
        g.bind(t, name)
        graph_inputs.append(_value_info(g, name, t, _dynamic_axes(dynamic_axes, name)))
    _in_export = True
    try:
        with _mode(model, training), no_grad(), record(model, leaf_types()) as rec:
            out = model(*args, **(kwargs or {}))
    finally:
        _in_export = False
    for step in rec.steps:
        (lower_layer if step.module is not None else lower_op)(g, step)
    outputs = flat_tensors(out)
    output_names = list(output_names or [])
    graph_outputs = []
    for i, t in enumerate(outputs):
        name = output_names[i] if i < len(output_names) else f"output_{i}" if i else "output"
        g.nodes.append(g.helper.make_node("Identity", [g.name_of(t)], [name],
                                          name=g.fresh("/output_identity")))
        graph_outputs.append(_value_info(g, name, t, _dynamic_axes(dynamic_axes, name)))
    initializers = list(g.initializers.values()) if export_params else []
    if keep_initializers_as_inputs:
        graph_inputs += [g.helper.make_tensor_value_info(i.name, i.data_type, list(i.dims))
                         for i in initializers]
    graph = g.helper.make_graph(g.nodes, type(model).__name__, graph_inputs, graph_outputs,
                                initializers)
    proto = g.helper.make_model(graph, producer_name=producer_name,
                                producer_version=producer_version,
                                opset_imports=[g.helper.make_opsetid("", opset)])
    proto.ir_version = min(proto.ir_version, 10)
    onnx.checker.check_model(proto)
    if verbose:
        print(onnx.printer.to_text(proto.graph))
    data = proto.SerializeToString()
    if f is None:
        raise OnnxExporterError("ember's export needs `f`, a path or a binary file object")
    if isinstance(f, (str, os.PathLike)):
        with open(f, "wb") as fh:
            fh.write(data)
    elif isinstance(f, io.IOBase) or hasattr(f, "write"):
        f.write(data)
    else:
        raise TypeError(f"f must be a path or a binary file object, not {type(f).__name__}")
