"""ONNX nodes for whole layers, read from the modules' public attributes (eval-mode semantics)."""
from __future__ import annotations

import math

import numpy as np

from .. import nn
from ._graph import GraphBuilder
from ._lower_rnn import lower_rnn
from ._trace import Step, flat_tensors
from .errors import UnsupportedOperatorError


def _tuple(v, n: int) -> list[int]:
    return list(v) if isinstance(v, (tuple, list)) else [v] * n


def _conv_pads(m, nd: int) -> list[int]:
    if m.padding_mode != "zeros":
        raise UnsupportedOperatorError(f"{type(m).__name__} with padding_mode="
                                       f"'{m.padding_mode}' cannot be exported to ONNX by ember")
    if m.padding == "valid":
        return [0] * (2 * nd)
    if m.padding == "same":
        total = [d * (k - 1) for d, k in zip(_tuple(m.dilation, nd), _tuple(m.kernel_size, nd))]
        begin = [t // 2 for t in total]
        return begin + [t - b for t, b in zip(total, begin)]
    pads = _tuple(m.padding, nd)
    return pads + pads


def _conv(g: GraphBuilder, step: Step, x: str) -> None:
    m = step.module
    nd = len(m.kernel_size)
    inputs = [x, g.name_of(m.weight)] + ([g.name_of(m.bias)] if m.bias is not None else [])
    attrs = {"kernel_shape": _tuple(m.kernel_size, nd), "strides": _tuple(m.stride, nd),
             "dilations": _tuple(m.dilation, nd), "group": m.groups, "pads": _conv_pads(m, nd)}
    if isinstance(m, nn.modules.conv._ConvTransposeNd):
        attrs["output_padding"] = _tuple(m.output_padding, nd)
        g.node_into("ConvTranspose", inputs, step.output, **attrs)
    else:
        g.node_into("Conv", inputs, step.output, **attrs)


def _linear(g: GraphBuilder, step: Step, x: str) -> None:
    m = step.module
    w = g.name_of(m.weight)
    if step.inputs[0].ndim == 2:
        inputs = [x, w] + ([g.name_of(m.bias)] if m.bias is not None else [])
        g.node_into("Gemm", inputs, step.output, transB=1)
        return
    lower_linear(g, x, w, m.bias, step.output)


def lower_linear(g: GraphBuilder, x: str, w: str, bias, out) -> None:
    """x @ w.T (+ bias) for inputs of any rank: Transpose, MatMul, then Add when there is a bias."""
    (wt,) = g.node("Transpose", [w], perm=[1, 0])
    if bias is None:
        g.node_into("MatMul", [x, wt], out)
        return
    (y,) = g.node("MatMul", [x, wt])
    g.node_into("Add", [y, g.name_of(bias)], out)


def _affine(g: GraphBuilder, m, n: int, dtype) -> tuple[str, str]:
    """Scale and bias names of a norm layer (ones and zeros when it has no affine parameters)."""
    if getattr(m, "weight", None) is not None:
        return g.name_of(m.weight), g.name_of(m.bias)
    return g.const(np.ones(n, dtype), "ones"), g.const(np.zeros(n, dtype), "zeros")


def _batch_norm(g: GraphBuilder, step: Step, x: str) -> None:
    m = step.module
    if m.running_mean is None:
        raise UnsupportedOperatorError(f"{type(m).__name__}(track_running_stats=False) cannot be "
                                       "exported to ONNX by ember")
    scale, bias = _affine(g, m, m.num_features, step.inputs[0].detach().numpy().dtype)
    g.node_into("BatchNormalization", [x, scale, bias, g.name_of(m.running_mean),
                                       g.name_of(m.running_var)], step.output, epsilon=m.eps)


def _layer_norm(g: GraphBuilder, step: Step, x: str) -> None:
    m = step.module
    shape = tuple(m.normalized_shape)
    dtype = step.inputs[0].detach().numpy().dtype
    if m.weight is not None:
        scale = g.name_of(m.weight)
        bias = g.name_of(m.bias) if m.bias is not None else g.const(np.zeros(shape, dtype))
    else:
        scale, bias = g.const(np.ones(shape, dtype), "ones"), g.const(np.zeros(shape, dtype))
    g.node_into("LayerNormalization", [x, scale, bias], step.output, axis=-len(shape),
                epsilon=m.eps)


def _pool_attrs(m, nd: int) -> dict:
    k = _tuple(m.kernel_size, nd)
    stride = _tuple(m.stride if m.stride is not None else m.kernel_size, nd)
    pads = _tuple(m.padding, nd)
    return {"kernel_shape": k, "strides": stride, "pads": pads + pads,
            "ceil_mode": int(m.ceil_mode)}


def _max_pool(g: GraphBuilder, step: Step, x: str, nd: int) -> None:
    m = step.module
    if m.return_indices:
        raise UnsupportedOperatorError("MaxPool with return_indices=True cannot be exported to "
                                       "ONNX by ember")
    g.node_into("MaxPool", [x], step.output, dilations=_tuple(m.dilation, nd),
                **_pool_attrs(m, nd))


def _avg_pool(g: GraphBuilder, step: Step, x: str, nd: int) -> None:
    m = step.module
    if getattr(m, "divisor_override", None) is not None:
        raise UnsupportedOperatorError("AvgPool with divisor_override cannot be exported to ONNX "
                                       "by ember")
    g.node_into("AveragePool", [x], step.output, count_include_pad=int(m.count_include_pad),
                **_pool_attrs(m, nd))


def _adaptive_pool(g: GraphBuilder, step: Step, x: str, kind: str) -> None:
    m = step.module
    in_sizes = list(step.inputs[0].shape[2:])
    out_sizes = list(step.output.shape[2:])
    if all(o == 1 for o in out_sizes):
        g.node_into(f"Global{kind}Pool", [x], step.output)
        return
    if any(i % o for i, o in zip(in_sizes, out_sizes)):
        raise UnsupportedOperatorError(f"{type(m).__name__} to {tuple(out_sizes)} from "
                                       f"{tuple(in_sizes)} (not a divisor) cannot be exported to "
                                       "ONNX by ember")
    k = [i // o for i, o in zip(in_sizes, out_sizes)]
    op = "MaxPool" if kind == "Max" else "AveragePool"
    g.node_into(op, [x], step.output, kernel_shape=k, strides=k)


def _reshape_to(g: GraphBuilder, step: Step, x: str) -> None:
    """Flatten/Unflatten: Reshape to the output's shape, copying leading dims unchanged (0)."""
    g.node_into("Reshape", [x, g.ints(reshape_spec(step.inputs[0].shape, step.output.shape))],
                step.output)


def reshape_spec(in_shape, out_shape) -> list[int]:
    """Reshape's shape input: leading dims equal to the input's become 0 (copied, so a dynamic
    batch size survives); then one -1 when that leaves a single free dim."""
    spec = list(out_shape)
    lead = 0
    while lead < min(len(in_shape), len(spec)) and in_shape[lead] == spec[lead]:
        spec[lead] = 0
        lead += 1
    if len(spec) - lead == 1 and spec[lead] != 0:
        spec[lead] = -1
    return spec


def _gelu(g: GraphBuilder, x: str, approximate: str, out, dtype) -> None:
    if g.opset >= 20:
        g.node_into("Gelu", [x], out, approximate=approximate)
        return
    half, one = g.const(np.asarray(0.5, dtype)), g.const(np.asarray(1.0, dtype))
    if approximate == "tanh":
        c = g.const(np.asarray(math.sqrt(2 / math.pi), dtype))
        k = g.const(np.asarray(0.044715, dtype))
        (x3,) = g.node("Mul", [x, x])
        (x3,) = g.node("Mul", [x3, x])
        (inner,) = g.node("Mul", [x3, k])
        (inner,) = g.node("Add", [x, inner])
        (inner,) = g.node("Mul", [inner, c])
        (t,) = g.node("Tanh", [inner])
    else:
        (scaled,) = g.node("Div", [x, g.const(np.asarray(math.sqrt(2.0), dtype))])
        (t,) = g.node("Erf", [scaled])
    (t,) = g.node("Add", [t, one])
    (t,) = g.node("Mul", [x, t])
    g.node_into("Mul", [t, half], out)


def lower_gelu(g: GraphBuilder, x: str, approximate: str, out) -> None:
    _gelu(g, x, approximate, out, out.detach().numpy().dtype)


def _clip(g: GraphBuilder, step: Step, x: str, lo: float, hi: float) -> None:
    dtype = step.inputs[0].detach().numpy().dtype
    g.node_into("Clip", [x, g.const(np.asarray(lo, dtype)), g.const(np.asarray(hi, dtype))],
                step.output)


def _activation(g: GraphBuilder, step: Step, x: str) -> bool:
    m, kind = step.module, step.kind
    simple = {"ReLU": "Relu", "Sigmoid": "Sigmoid", "Tanh": "Tanh", "Softsign": "Softsign",
              "Identity": "Identity", "Dropout": "Identity", "Dropout1d": "Identity",
              "Dropout2d": "Identity", "Dropout3d": "Identity", "AlphaDropout": "Identity"}
    if kind in simple:
        g.node_into(simple[kind], [x], step.output)
    elif kind == "LeakyReLU":
        g.node_into("LeakyRelu", [x], step.output, alpha=float(m.negative_slope))
    elif kind == "ELU":
        g.node_into("Elu", [x], step.output, alpha=float(m.alpha))
    elif kind == "GELU":
        lower_gelu(g, x, m.approximate, step.output)
    elif kind == "SiLU":
        (s,) = g.node("Sigmoid", [x])
        g.node_into("Mul", [x, s], step.output)
    elif kind in ("Softmax", "LogSoftmax"):
        dim = m.dim if m.dim is not None else (0 if step.inputs[0].ndim in (0, 1, 3) else 1)
        g.node_into(kind, [x], step.output, axis=dim)
    elif kind == "ReLU6":
        _clip(g, step, x, 0.0, 6.0)
    elif kind == "Hardtanh":
        _clip(g, step, x, m.min_val, m.max_val)
    elif kind == "Softplus" and m.beta == 1:
        g.node_into("Softplus", [x], step.output)
    else:
        return False
    return True


def lower_layer(g: GraphBuilder, step: Step) -> None:
    """Append the nodes computing `step` (a recorded layer call)."""
    m, kind = step.module, step.kind
    x = g.name_of(step.inputs[0])
    if _activation(g, step, x):
        return
    if isinstance(m, nn.Linear):
        _linear(g, step, x)
    elif isinstance(m, nn.modules.conv._ConvNd):
        _conv(g, step, x)
    elif isinstance(m, nn.modules.normalization._BatchNorm):
        _batch_norm(g, step, x)
    elif kind == "LayerNorm":
        _layer_norm(g, step, x)
    elif kind in ("MaxPool1d", "MaxPool2d", "MaxPool3d"):
        _max_pool(g, step, x, int(kind[-2]))
    elif kind in ("AvgPool1d", "AvgPool2d", "AvgPool3d"):
        _avg_pool(g, step, x, int(kind[-2]))
    elif kind.startswith("AdaptiveAvgPool"):
        _adaptive_pool(g, step, x, "Average")
    elif kind.startswith("AdaptiveMaxPool") and not m.return_indices:
        _adaptive_pool(g, step, x, "Max")
    elif kind in ("Flatten", "Unflatten"):
        _reshape_to(g, step, x)
    elif kind == "Embedding":
        if m.max_norm is not None:
            raise UnsupportedOperatorError("Embedding with max_norm cannot be exported to ONNX "
                                           "by ember")
        g.node_into("Gather", [g.name_of(m.weight), x], step.output)
    elif kind in ("LSTM", "GRU", "RNN"):
        lower_rnn(g, step)
    else:
        raise UnsupportedOperatorError(f"ember cannot export layer {kind} to ONNX yet")
    assert all(id(t) in g.names for t in flat_tensors(step.output)), kind


LEAF_TYPES = ("Linear", "Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d",
              "ConvTranspose3d", "BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "LayerNorm",
              "MaxPool1d", "MaxPool2d", "MaxPool3d", "AvgPool1d", "AvgPool2d", "AvgPool3d",
              "AdaptiveAvgPool1d", "AdaptiveAvgPool2d", "AdaptiveAvgPool3d", "AdaptiveMaxPool1d",
              "AdaptiveMaxPool2d", "Flatten", "Unflatten", "Embedding", "LSTM", "GRU", "RNN",
              "ReLU", "Sigmoid", "Tanh", "Softsign", "Identity", "Dropout", "Dropout1d",
              "Dropout2d", "Dropout3d", "AlphaDropout", "LeakyReLU", "ELU", "GELU", "SiLU",
              "Softmax", "LogSoftmax", "ReLU6", "Hardtanh", "Softplus")


def leaf_types() -> tuple:
    """The nn classes recorded as single layers."""
    return tuple(getattr(nn, name) for name in LEAF_TYPES)
