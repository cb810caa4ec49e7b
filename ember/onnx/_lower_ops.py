"""ONNX nodes for single ember ops recorded outside known layers (residual adds, reshapes, F.*)."""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from ._graph import GraphBuilder
from ._lower_layers import lower_gelu, lower_linear, reshape_spec
from ._trace import Step
from .errors import UnsupportedOperatorError

_UNARY = {"Relu": "Relu", "Sigmoid": "Sigmoid", "Tanh": "Tanh", "Exp": "Exp", "Log": "Log",
          "Sqrt": "Sqrt", "Abs": "Abs", "Neg": "Neg", "Erf": "Erf", "Sin": "Sin", "Cos": "Cos",
          "Reciprocal": "Reciprocal", "Floor": "Floor", "Ceil": "Ceil", "Clone": "Identity",
          "Alias": "Identity", "Sign": "Sign"}
_BINARY = {"Add": "Add", "Sub": "Sub", "Mul": "Mul", "Div": "Div", "Matmul": "MatMul",
           "MM": "MatMul", "Bmm": "MatMul", "Maximum": "Max", "Minimum": "Min"}
_RESHAPES = ("View", "ReshapeAlias", "UnsafeView", "Squeeze", "SqueezeDim", "SqueezeDims",
             "Unsqueeze", "_LinearView", "_LinearUnsafeView")
_REDUCE = {"Mean": "ReduceMean", "MeanDim": "ReduceMean", "Sum": "ReduceSum",
           "SumDim": "ReduceSum", "Amax": "ReduceMax", "Amin": "ReduceMin"}


def _operand(g: GraphBuilder, value, like: Tensor) -> str:
    return g.name_of(value) if isinstance(value, Tensor) else g.scalar_like(value, like)


def _binary(g: GraphBuilder, step: Step) -> None:
    x, y = step.inputs[0], step.inputs[1]
    like = x if isinstance(x, Tensor) else y
    a, b = _operand(g, x, like), _operand(g, y, like)
    alpha = step.kwargs.get("alpha")
    if alpha is not None and alpha != 1:
        (b,) = g.node("Mul", [b, g.scalar_like(alpha, like)])
    if step.kwargs.get("rounding_mode") is not None:
        raise UnsupportedOperatorError("div with rounding_mode cannot be exported to ONNX by ember")
    g.node_into(_BINARY[step.kind], [a, b], step.output)


def _axes(step: Step) -> list[int]:
    axes = step.inputs[1] if len(step.inputs) > 1 else step.kwargs.get("axes")
    nd = step.inputs[0].ndim
    if axes is None:
        return list(range(nd))
    axes = [axes] if isinstance(axes, int) else list(axes)
    return [a % nd for a in axes] if nd else []


def _reduce(g: GraphBuilder, step: Step) -> None:
    x = g.name_of(step.inputs[0])
    keep = step.output.ndim == step.inputs[0].ndim and step.inputs[0].ndim > 0
    g.node_into(_REDUCE[step.kind], [x, g.ints(_axes(step), "axes")], step.output,
                keepdims=int(keep))


def _index(g: GraphBuilder, step: Step) -> None:
    """x[key] for a key of ints, slices and Ellipsis: Slice, then Gather for each int."""
    x_t, key = step.inputs[0], step.inputs[1]
    key = key if isinstance(key, tuple) else (key,)
    if any(k is None or isinstance(k, (Tensor, list, np.ndarray, bool)) for k in key):
        raise UnsupportedOperatorError("indexing with None, tensors or lists cannot be exported "
                                       "to ONNX by ember")
    if Ellipsis in key:
        i = key.index(Ellipsis)
        key = key[:i] + (slice(None),) * (x_t.ndim - len(key) + 1) + key[i + 1:]
    x = g.name_of(x_t)
    starts, ends, axes, steps = [], [], [], []
    for axis, k in enumerate(key):
        if isinstance(k, slice) and k != slice(None):
            start, stop, stride = k.indices(x_t.shape[axis])
            starts.append(start)
            ends.append(stop if stop >= 0 else -(2**63))
            axes.append(axis)
            steps.append(stride)
    if axes:
        (x,) = g.node("Slice", [x, g.ints(starts), g.ints(ends), g.ints(axes), g.ints(steps)])
    ints = [(axis, k) for axis, k in enumerate(key) if not isinstance(k, slice)]
    for removed, (axis, k) in enumerate(ints):  # each Gather of an int drops one axis
        index = g.const(np.asarray(int(k), dtype=np.int64), "index")
        if removed == len(ints) - 1:
            g.node_into("Gather", [x, index], step.output, axis=axis - removed)
            return
        (x,) = g.node("Gather", [x, index], axis=axis - removed)
    g.node_into("Identity", [x], step.output)


def _concat(g: GraphBuilder, step: Step) -> None:
    tensors = [t for t in step.inputs if isinstance(t, Tensor)]
    axis = step.kwargs.get("axis")
    if axis is None:
        axis = next(a for a in step.inputs if not isinstance(a, Tensor))
    names = [g.name_of(t) for t in tensors]
    if step.kind == "Stack":
        unsq = step.output.ndim
        names = [g.node("Unsqueeze", [n, g.ints([axis % unsq], "axes")])[0] for n in names]
    g.node_into("Concat", names, step.output, axis=axis)


def lower_op(g: GraphBuilder, step: Step) -> None:
    """Append the nodes computing `step` (one recorded ember op)."""
    kind = step.kind
    if kind in _UNARY:
        g.node_into(_UNARY[kind], [g.name_of(step.inputs[0])], step.output)
    elif kind in _BINARY:
        _binary(g, step)
    elif kind in _RESHAPES:
        x = step.inputs[0]
        g.node_into("Reshape", [g.name_of(x), g.ints(reshape_spec(x.shape, step.output.shape))],
                    step.output)
    elif kind in ("Permute", "Transpose", "T"):
        nd = step.inputs[0].ndim
        if kind == "Permute":
            perm = [d % nd for d in step.inputs[1]]
        elif kind == "Transpose":
            perm = list(range(nd))
            a, b = step.inputs[1] % nd, step.inputs[2] % nd
            perm[a], perm[b] = perm[b], perm[a]
        else:
            perm = list(reversed(range(nd)))
        g.node_into("Transpose", [g.name_of(step.inputs[0])], step.output, perm=perm)
    elif kind in ("Softmax", "LogSoftmax"):
        g.node_into(kind, [g.name_of(step.inputs[0])], step.output, axis=step.inputs[1])
    elif kind in ("Cat", "Stack"):
        _concat(g, step)
    elif kind in _REDUCE:
        _reduce(g, step)
    elif kind in ("Linear", "_LinearMm", "_LinearSqueeze"):
        bias = step.inputs[2] if len(step.inputs) > 2 else step.kwargs.get("b")
        lower_linear(g, g.name_of(step.inputs[0]), g.name_of(step.inputs[1]), bias, step.output)
    elif kind == "Pow" and not isinstance(step.inputs[1], Tensor):
        x = step.inputs[0]
        g.node_into("Pow", [g.name_of(x), g.scalar_like(step.inputs[1], x)], step.output)
    elif kind == "Gelu":
        lower_gelu(g, g.name_of(step.inputs[0]), step.inputs[1], step.output)
    elif kind == "LeakyRelu":
        g.node_into("LeakyRelu", [g.name_of(step.inputs[0])], step.output,
                    alpha=float(step.inputs[1]))
    elif kind == "Silu":
        x = g.name_of(step.inputs[0])
        (s,) = g.node("Sigmoid", [x])
        g.node_into("Mul", [x, s], step.output)
    elif kind == "Expand":
        x = step.inputs[0]
        g.node_into("Expand", [g.name_of(x), g.ints(step.output.shape)], step.output)
    elif kind in ("BasicIndex", "Select"):
        _index(g, step)
    elif kind == "ToCopy":
        to = g.elem_type(step.output)
        g.node_into("Cast", [g.name_of(step.inputs[0])], step.output, to=to)
    else:
        raise UnsupportedOperatorError(f"ember cannot export the op {kind} (its backward node is "
                                       f"{kind}Backward0) to ONNX yet")
