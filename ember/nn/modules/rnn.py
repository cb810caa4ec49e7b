"""Recurrent layers: RNN, LSTM, GRU and their cells. Parameter names, registration order, default
init and repr as PyTorch's; the recurrence lives in ops.recurrent (one fused op per layer)."""
from __future__ import annotations

import math
import numbers
import warnings

from ...amp import _state as _amp_state
from ...ops import creation as _creation
from ...ops import indexing as _indexing
from ...ops import recurrent as _rec
from ...ops import shape as _shape
from .. import init
from ..parameter import Parameter
from ..utils.rnn import PackedSequence
from .module import Module

__all__ = ["GRU", "LSTM", "RNN", "GRUCell", "LSTMCell", "RNNBase", "RNNCell", "RNNCellBase"]


def _check_sizes(input_size, hidden_size) -> None:
    if not isinstance(input_size, int):
        raise TypeError(f"input_size should be of type int, got: {type(input_size).__name__}")
    if input_size <= 0:
        raise ValueError("input_size must be greater than zero")
    if not isinstance(hidden_size, int):
        raise TypeError(f"hidden_size should be of type int, got: {type(hidden_size).__name__}")
    if hidden_size <= 0:
        raise ValueError("hidden_size must be greater than zero")


class RNNBase(Module):
    """Common base of RNN, LSTM and GRU: validation, parameters per layer and direction, forward."""

    def __init__(self, mode, input_size, hidden_size, num_layers=1, bias=True,
                 batch_first=False, dropout=0.0, bidirectional=False, proj_size=0,
                 device=None, dtype=None):
        super().__init__()
        kw = {"device": device, "dtype": dtype}
        if (not isinstance(dropout, numbers.Number) or isinstance(dropout, bool)
                or not 0 <= dropout <= 1):
            raise ValueError("dropout should be a number in range [0, 1] representing the "
                             "probability of an element being zeroed")
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        if dropout > 0 and num_layers == 1:
            warnings.warn("dropout option adds dropout after all but last recurrent layer, so "
                          "non-zero dropout expects num_layers greater than 1, but got "
                          f"dropout={dropout} and num_layers={num_layers}", stacklevel=2)
        if not isinstance(bias, bool):
            raise TypeError(f"bias should be of type bool, got: {type(bias).__name__}")
        if not isinstance(batch_first, bool):
            raise TypeError(
                f"batch_first should be of type bool, got: {type(batch_first).__name__}")
        _check_sizes(input_size, hidden_size)
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if proj_size < 0:
            raise ValueError(
                "proj_size should be a positive integer or zero to disable projections")
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        if mode not in _rec.GATES:
            raise ValueError("Unrecognized RNN mode: " + mode)
        gate_size = _rec.GATES[mode] * hidden_size
        n_dir = 2 if bidirectional else 1
        real_hidden = proj_size if proj_size > 0 else hidden_size
        self._flat_weights_names = []
        self._all_weights = []
        for layer in range(num_layers):
            for direction in range(n_dir):
                layer_in = input_size if layer == 0 else real_hidden * n_dir
                shapes = [(gate_size, layer_in), (gate_size, real_hidden)]
                names = ["weight_ih_l{}{}", "weight_hh_l{}{}"]
                if bias:
                    shapes += [(gate_size,), (gate_size,)]
                    names += ["bias_ih_l{}{}", "bias_hh_l{}{}"]
                if proj_size > 0:
                    shapes.append((proj_size, hidden_size))
                    names.append("weight_hr_l{}{}")
                suffix = "_reverse" if direction == 1 else ""
                names = [n.format(layer, suffix) for n in names]
                for name, shape in zip(names, shapes):
                    setattr(self, name, Parameter(_creation.empty(shape, **kw)))
                self._flat_weights_names.extend(names)
                self._all_weights.append(names)
        self.reset_parameters()

    @property
    def _flat_weights(self) -> list:
        return [getattr(self, n, None) for n in self._flat_weights_names]

    @property
    def all_weights(self) -> list:
        return [[getattr(self, n) for n in names] for names in self._all_weights]

    def flatten_parameters(self) -> None:
        """No-op, as PyTorch's off cuDNN: the weights are used where they are."""

    def reset_parameters(self) -> None:
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def extra_repr(self) -> str:
        s = "{input_size}, {hidden_size}"
        if self.proj_size != 0:
            s += ", proj_size={proj_size}"
        if self.num_layers != 1:
            s += ", num_layers={num_layers}"
        if self.bias is not True:
            s += ", bias={bias}"
        if self.batch_first is not False:
            s += ", batch_first={batch_first}"
        if self.dropout != 0:
            s += ", dropout={dropout}"
        if self.bidirectional is not False:
            s += ", bidirectional={bidirectional}"
        return s.format(**self.__dict__)

    # ---- forward ------------------------------------------------------------------------------

    def _layers(self) -> list:
        """(w_ih, w_hh, b_ih, b_hh, w_hr) per layer and direction."""
        n_dir = 2 if self.bidirectional else 1
        result = []
        for layer in range(self.num_layers):
            dirs = []
            for d in range(n_dir):
                sfx = f"l{layer}" + ("_reverse" if d else "")
                dirs.append((getattr(self, "weight_ih_" + sfx), getattr(self, "weight_hh_" + sfx),
                             getattr(self, "bias_ih_" + sfx, None),
                             getattr(self, "bias_hh_" + sfx, None),
                             getattr(self, "weight_hr_" + sfx, None)))
            result.append(dirs)
        return result

    def _check_input(self, input, batch_sizes) -> None:
        w = getattr(self, self._flat_weights_names[0])
        if input.dtype != w.dtype and not _amp_state._is_any_autocast_enabled():
            raise ValueError(
                f"RNN input dtype ({input.dtype}) does not match weight dtype ({w.dtype}). "
                f"Convert input: input.to({w.dtype}), or convert model: model.to({input.dtype})")
        expected = 2 if batch_sizes is not None else 3
        if input.dim() != expected:
            raise RuntimeError(f"input must have {expected} dimensions, got {input.dim()}")
        if self.input_size != input.shape[-1]:
            raise RuntimeError("input.size(-1) must be equal to input_size. Expected "
                               f"{self.input_size}, got {input.shape[-1]}")

    def _state_shape(self, batch: int, cell: bool = False) -> tuple:
        n_dir = 2 if self.bidirectional else 1
        size = self.proj_size if self.proj_size > 0 and not cell else self.hidden_size
        return (self.num_layers * n_dir, batch, size)

    @staticmethod
    def _check_hidden(hx, expected, msg="Expected hidden size {}, got {}") -> None:
        if tuple(hx.shape) != expected:
            raise RuntimeError(msg.format(expected, list(hx.shape)))

    def _check_hx_rank(self, hx, is_batched: bool) -> None:
        """PyTorch's rank checks of the initial state(s) against batched/unbatched input."""
        if self.mode == "LSTM":
            if not isinstance(hx, (tuple, list)) or len(hx) != 2:
                raise TypeError("LSTM expects hx as a tuple (h_0, c_0)")
            want = 3 if is_batched else 2
            if hx[0].dim() != want or hx[1].dim() != want:
                kind = "batched 3-D" if is_batched else "unbatched 2-D"
                raise RuntimeError(
                    f"For {kind} input, hx and cx should also be {want}-D but got "
                    f"({hx[0].dim()}-D, {hx[1].dim()}-D) tensors")
        else:
            if isinstance(hx, (tuple, list)):
                raise AttributeError(f"'{type(hx).__name__}' object has no attribute 'dim'")
            want = 3 if is_batched else 2
            if hx.dim() != want:
                kind = "batched 3-D" if is_batched else "unbatched 2-D"
                raise RuntimeError(
                    f"For {kind} input, hx should also be {want}-D but got {hx.dim()}-D tensor")

    def forward(self, input, hx=None):
        lstm = self.mode == "LSTM"
        packed = isinstance(input, PackedSequence)
        if packed:
            data, batch_sizes, sorted_indices, unsorted_indices = input
            batch = int(batch_sizes[0])
            if hx is not None and sorted_indices is not None:
                idx = sorted_indices
                hx = ((_indexing.index_select(hx[0], 1, idx), _indexing.index_select(hx[1], 1, idx))
                      if lstm else _indexing.index_select(hx, 1, idx))
            is_batched = True
        else:
            if input.dim() not in (2, 3):
                name = "RNN" if self.mode.startswith("RNN") else self.mode
                extra = " tensor" if name == "RNN" else ""
                raise ValueError(
                    f"{name}: Expected input to be 2D or 3D, got {input.dim()}D{extra} instead")
            batch_sizes = None
            is_batched = input.dim() == 3
            batch_dim = 0 if self.batch_first else 1
            if not is_batched:
                input = _shape.unsqueeze(input, batch_dim)
            if hx is not None:
                self._check_hx_rank(hx, is_batched)
                if not is_batched:
                    hx = ((_shape.unsqueeze(hx[0], 1), _shape.unsqueeze(hx[1], 1)) if lstm
                          else _shape.unsqueeze(hx, 1))
            if self.batch_first:
                input = _shape.transpose(input, 0, 1)
            data = input
            batch = input.shape[1]
        self._check_input(data, batch_sizes)
        h_shape = self._state_shape(batch)
        c_shape = self._state_shape(batch, cell=True)
        if hx is None:
            w = getattr(self, self._flat_weights_names[0])
            h0 = _creation.zeros(h_shape, dtype=data.dtype, device=w.device)
            c0 = _creation.zeros(c_shape, dtype=data.dtype, device=w.device) if lstm else None
        elif lstm:
            h0, c0 = hx
            self._check_hidden(h0, h_shape, "Expected hidden[0] size {}, got {}")
            self._check_hidden(c0, c_shape, "Expected hidden[1] size {}, got {}")
        else:
            h0, c0 = hx, None
            self._check_hidden(h0, h_shape)
        if packed:
            flat = data

            def steps_of(reverse):
                return _rec.packed_steps(batch_sizes.tolist(), reverse)
        else:
            seq = data.shape[0]
            if seq == 0:
                raise RuntimeError("Expected sequence length to be larger than 0 in RNN")
            flat = _shape.reshape(data, (seq * batch, data.shape[2]))

            def steps_of(reverse):
                return _rec.uniform_steps(seq, batch, reverse)
        out, h_n, c_n = _rec.rnn_stack(self.mode, flat, h0, c0, self._layers(), steps_of,
                                       self.dropout, self.training)
        if packed:
            if unsorted_indices is not None:
                h_n = _indexing.index_select(h_n, 1, unsorted_indices)
                c_n = _indexing.index_select(c_n, 1, unsorted_indices) if lstm else None
            output = PackedSequence(out, batch_sizes, sorted_indices, unsorted_indices)
        else:
            output = _shape.reshape(out, (seq, batch, out.shape[-1]))
            if self.batch_first:
                output = _shape.transpose(output, 0, 1)
            if not is_batched:
                output = _shape.squeeze(output, batch_dim)
                h_n = _shape.squeeze(h_n, 1)
                c_n = _shape.squeeze(c_n, 1) if lstm else None
        return output, ((h_n, c_n) if lstm else h_n)


class RNN(RNNBase):
    """Elman RNN: h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh) (or relu)."""

    def __init__(self, input_size, hidden_size, num_layers=1, nonlinearity="tanh", bias=True,
                 batch_first=False, dropout=0.0, bidirectional=False, device=None, dtype=None,
                 **kwargs):
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        if nonlinearity == "tanh":
            mode = "RNN_TANH"
        elif nonlinearity == "relu":
            mode = "RNN_RELU"
        else:
            raise ValueError(
                f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'.")
        self.nonlinearity = nonlinearity
        super().__init__(mode, input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, 0, device, dtype)


class LSTM(RNNBase):
    """Long short-term memory (gates i, f, g, o), optionally with a projection of h (proj_size)."""

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, proj_size=0, device=None, dtype=None):
        super().__init__("LSTM", input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, proj_size, device, dtype)


class GRU(RNNBase):
    """Gated recurrent unit (gates r, z, n)."""

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, device=None, dtype=None, **kwargs):
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        super().__init__("GRU", input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, 0, device, dtype)


# ---- cells --------------------------------------------------------------------------------------


class RNNCellBase(Module):
    """Common base of the cells: weight_ih, weight_hh, bias_ih, bias_hh and their init."""

    _mode = "RNN_TANH"

    def __init__(self, input_size, hidden_size, bias, num_chunks, device=None, dtype=None):
        super().__init__()
        kw = {"device": device, "dtype": dtype}
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        self.weight_ih = Parameter(_creation.empty((num_chunks * hidden_size, input_size), **kw))
        self.weight_hh = Parameter(_creation.empty((num_chunks * hidden_size, hidden_size), **kw))
        if bias:
            self.bias_ih = Parameter(_creation.empty(num_chunks * hidden_size, **kw))
            self.bias_hh = Parameter(_creation.empty(num_chunks * hidden_size, **kw))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def extra_repr(self) -> str:
        s = "{input_size}, {hidden_size}"
        if "bias" in self.__dict__ and self.bias is not True:
            s += ", bias={bias}"
        if "nonlinearity" in self.__dict__ and self.nonlinearity != "tanh":
            s += ", nonlinearity={nonlinearity}"
        return s.format(**self.__dict__)

    def reset_parameters(self) -> None:
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def _check(self, name, input, states) -> bool:
        """PyTorch's rank and size checks; returns whether the input is batched."""
        if input.dim() not in (1, 2):
            raise ValueError(f"{name}: Expected input to be 1D or 2D, got {input.dim()}D instead")
        for i, s in enumerate(states):
            if s is not None and s.dim() not in (1, 2):
                what = f"hx[{i}]" if name == "LSTMCell" else "hidden"
                raise ValueError(f"{name}: Expected {what} to be 1D or 2D, got {s.dim()}D instead")
        if input.shape[-1] != self.input_size:
            raise RuntimeError(f"input has inconsistent input_size: got {input.shape[-1]} "
                               f"expected {self.input_size}")
        batched = input.dim() == 2
        for i, s in enumerate(states):
            if s is None:
                continue
            if s.dim() != input.dim():
                raise RuntimeError(f"{name}: Expected input and hidden to have the same rank")
            if batched and s.shape[0] != input.shape[0]:
                raise RuntimeError(f"Input batch size {input.shape[0]} doesn't match hidden{i} "
                                   f"batch size {s.shape[0]}")
            if s.shape[-1] != self.hidden_size:
                raise RuntimeError(f"hidden{i} has inconsistent hidden_size: got "
                                   f"{s.shape[-1]}, expected {self.hidden_size}")
        return batched

    def _run(self, input, h, c, mode=None):
        """One step through the fused layer op (steps = one full-batch step)."""
        steps = ((0, input.shape[0]),)
        return _rec.rnn_layer(mode or self._mode, input, h, c, self.weight_ih, self.weight_hh,
                              self.bias_ih, self.bias_hh, None, steps)

    def _zeros(self, input):
        return _creation.zeros((input.shape[0], self.hidden_size), dtype=input.dtype,
                               device=input.device)


class RNNCell(RNNCellBase):
    """One Elman step: h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh) (or relu)."""

    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", device=None,
                 dtype=None):
        super().__init__(input_size, hidden_size, bias, 1, device, dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input, hx=None):
        if self.nonlinearity not in ("tanh", "relu"):
            raise RuntimeError(f"Unknown nonlinearity: {self.nonlinearity}")
        mode = "RNN_TANH" if self.nonlinearity == "tanh" else "RNN_RELU"
        batched = self._check("RNNCell", input, (hx,))
        if not batched:
            input = _shape.unsqueeze(input, 0)
            hx = None if hx is None else _shape.unsqueeze(hx, 0)
        h = self._run(input, self._zeros(input) if hx is None else hx, None, mode)[1]
        return h if batched else _shape.squeeze(h, 0)


class LSTMCell(RNNCellBase):
    """One LSTM step; returns (h', c')."""

    _mode = "LSTM"

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, 4, device, dtype)

    def forward(self, input, hx=None):
        states = (None, None) if hx is None else tuple(hx)
        batched = self._check("LSTMCell", input, states)
        if not batched:
            input = _shape.unsqueeze(input, 0)
            states = tuple(None if s is None else _shape.unsqueeze(s, 0) for s in states)
        if hx is None:
            states = (self._zeros(input), self._zeros(input))
        _, h, c = self._run(input, *states)
        if not batched:
            h, c = _shape.squeeze(h, 0), _shape.squeeze(c, 0)
        return h, c


class GRUCell(RNNCellBase):
    """One GRU step."""

    _mode = "GRU"

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, 3, device, dtype)

    def forward(self, input, hx=None):
        batched = self._check("GRUCell", input, (hx,))
        if not batched:
            input = _shape.unsqueeze(input, 0)
            hx = None if hx is None else _shape.unsqueeze(hx, 0)
        h = self._run(input, self._zeros(input) if hx is None else hx, None)[1]
        return h if batched else _shape.squeeze(h, 0)
