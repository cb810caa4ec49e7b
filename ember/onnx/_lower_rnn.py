"""ONNX LSTM/GRU/RNN nodes for nn.LSTM/GRU/RNN: one node per layer, torch's gate order mapped to
ONNX's (LSTM ifgo -> iofc, GRU rzn -> zrn with linear_before_reset), layers chained through a
Transpose + Reshape of each layer's Y."""
from __future__ import annotations

import numpy as np

from ._graph import GraphBuilder
from ._trace import Step
from .errors import UnsupportedOperatorError

_GATE_ORDER = {"LSTM": [0, 3, 1, 2], "GRU": [1, 0, 2], "RNN": [0]}


def _reorder(w: np.ndarray, kind: str) -> np.ndarray:
    chunks = np.split(w, len(_GATE_ORDER[kind]), axis=0)
    return np.concatenate([chunks[i] for i in _GATE_ORDER[kind]], axis=0)


def _layer_weights(m, kind: str, layer: int, dirs: int):
    w, r, b = [], [], []
    for d in range(dirs):
        sfx = f"_l{layer}" + ("_reverse" if d else "")
        w.append(_reorder(getattr(m, "weight_ih" + sfx).detach().numpy(), kind))
        r.append(_reorder(getattr(m, "weight_hh" + sfx).detach().numpy(), kind))
        if m.bias:
            b.append(np.concatenate([_reorder(getattr(m, "bias_ih" + sfx).detach().numpy(), kind),
                                     _reorder(getattr(m, "bias_hh" + sfx).detach().numpy(),
                                              kind)]))
    return np.stack(w), np.stack(r), (np.stack(b) if b else None)


def _slice0(g: GraphBuilder, x: str, start: int, stop: int) -> str:
    (out,) = g.node("Slice", [x, g.ints([start]), g.ints([stop]), g.ints([0])])
    return out


def lower_rnn(g: GraphBuilder, step: Step) -> None:
    m, kind = step.module, step.kind
    if getattr(m, "proj_size", 0):
        raise UnsupportedOperatorError("LSTM with proj_size cannot be exported to ONNX by ember")
    x_t = step.inputs[0]
    if x_t.ndim != 3:
        raise UnsupportedOperatorError(f"{kind} on unbatched input cannot be exported to ONNX by "
                                       "ember")
    dirs = 2 if m.bidirectional else 1
    hidden = step.inputs[1] if len(step.inputs) > 1 else None
    h0 = c0 = None
    if hidden is not None:
        h0, c0 = (g.name_of(hidden[0]), g.name_of(hidden[1])) if kind == "LSTM" \
            else (g.name_of(hidden), None)
    x = g.name_of(x_t)
    if m.batch_first:
        (x,) = g.node("Transpose", [x], perm=[1, 0, 2])
    attrs = {"hidden_size": m.hidden_size,
             "direction": "bidirectional" if dirs == 2 else "forward"}
    if kind == "GRU":
        attrs["linear_before_reset"] = 1
    if kind == "RNN":
        attrs["activations"] = ["Relu" if m.nonlinearity == "relu" else "Tanh"] * dirs
    finals_h, finals_c = [], []
    for layer in range(m.num_layers):
        w, r, b = _layer_weights(m, kind, layer, dirs)
        inputs = [x, g.const(w, f"{kind}_W"), g.const(r, f"{kind}_R"),
                  g.const(b, f"{kind}_B") if b is not None else "", ""]
        inputs.append(_slice0(g, h0, layer * dirs, (layer + 1) * dirs) if h0 else "")
        if kind == "LSTM":
            inputs.append(_slice0(g, c0, layer * dirs, (layer + 1) * dirs) if c0 else "")
        while inputs and inputs[-1] == "":
            inputs.pop()
        outs = g.node(kind, inputs, 3 if kind == "LSTM" else 2, **attrs)
        finals_h.append(outs[1])
        if kind == "LSTM":
            finals_c.append(outs[2])
        (y,) = g.node("Transpose", [outs[0]], perm=[0, 2, 1, 3])  # seq, batch, dirs, hidden
        (x,) = g.node("Reshape", [y, g.ints([0, 0, -1])])
    output = step.output[0]
    if m.batch_first:
        g.node_into("Transpose", [x], output, perm=[1, 0, 2])
    else:
        g.node_into("Identity", [x], output)
    h_n = step.output[1][0] if kind == "LSTM" else step.output[1]
    g.node_into("Concat", finals_h, h_n, axis=0)
    if kind == "LSTM":
        g.node_into("Concat", finals_c, step.output[1][1], axis=0)
