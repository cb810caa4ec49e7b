"""torch.* entry points of nn ops with ATen's signatures: torch.batch_norm, torch.max_pool2d,
torch.kl_div (an integer reduction), torch.lstm (a flat parameter list), the in-place activations.

Their positional order and defaults are torch.*'s, which differ from nn.functional's; each one
maps its arguments onto the nn.functional function or op that does the work.
"""
from __future__ import annotations

import warnings

import numpy as np

from .. import _dtype as _dt
from .._tensor import Tensor
from ..autograd.grad_mode import is_grad_enabled
from ..nn import functional as F
from . import _op
from . import dropout as _dropout
from . import recurrent as _rec
from . import shape as _shape
from .grid_sample3d import grid_sampler_3d

__all__ = [
    "adaptive_max_pool1d", "affine_grid_generator", "alpha_dropout_", "batch_norm",
    "binary_cross_entropy_with_logits", "celu_", "constant_pad_nd", "convolution",
    "cosine_embedding_loss", "ctc_loss", "dropout_", "embedding", "embedding_bag",
    "feature_alpha_dropout",
    "feature_alpha_dropout_", "feature_dropout", "feature_dropout_", "grid_sampler",
    "grid_sampler_2d", "grid_sampler_3d", "gru", "gru_cell", "hinge_embedding_loss",
    "instance_norm", "kl_div", "lstm", "lstm_cell", "margin_ranking_loss", "max_pool1d",
    "max_pool1d_with_indices", "max_pool2d", "max_pool3d", "poisson_nll_loss", "rnn_relu",
    "rnn_relu_cell", "rnn_tanh", "rnn_tanh_cell", "rrelu_", "selu_", "threshold_",
    "triplet_margin_loss",
]

# ATen's integer reduction codes 0, 1, 2; torch.*'s Python bindings default to 0 (none), unlike
# nn.functional's 'mean'.
_REDUCTIONS = ("none", "mean", "sum")


def _reduction(code: int) -> str:
    if not isinstance(code, int) or isinstance(code, bool) or not 0 <= code <= 2:
        raise TypeError(f"reduction must be an int in 0..2 (none, mean, sum), not {code!r}")
    return _REDUCTIONS[code]


# ---- convolution and pooling ------------------------------------------------------------------


def convolution(input: Tensor, weight: Tensor, bias: Tensor | None, stride, padding, dilation,
                transposed: bool, output_padding, groups: int) -> Tensor:
    """The one entry of every convolution: conv{1,2,3}d, or its transpose when `transposed`."""
    nd = weight.dim() - 2
    if nd not in (1, 2, 3):
        raise RuntimeError(f"convolution: expected a 3-D, 4-D or 5-D weight, got {weight.dim()}-D")
    if transposed:
        fn = (F.conv_transpose1d, F.conv_transpose2d, F.conv_transpose3d)[nd - 1]
        return fn(input, weight, bias, stride, padding, output_padding, groups, dilation)
    fn = (F.conv1d, F.conv2d, F.conv3d)[nd - 1]
    return fn(input, weight, bias, stride, padding, dilation, groups)


def _stride(stride):
    return None if stride is None or (isinstance(stride, (list, tuple)) and not stride) else stride


def max_pool1d(input: Tensor, kernel_size, stride=(), padding=0, dilation=1,
               ceil_mode: bool = False) -> Tensor:
    return F.max_pool1d(input, kernel_size, _stride(stride), padding, dilation, ceil_mode)


def max_pool1d_with_indices(input: Tensor, kernel_size, stride=(), padding=0, dilation=1,
                            ceil_mode: bool = False) -> tuple[Tensor, Tensor]:
    return F.max_pool1d_with_indices(input, kernel_size, _stride(stride), padding, dilation,
                                     ceil_mode)


def max_pool2d(input: Tensor, kernel_size, stride=(), padding=0, dilation=1,
               ceil_mode: bool = False) -> Tensor:
    return F.max_pool2d(input, kernel_size, _stride(stride), padding, dilation, ceil_mode)


def max_pool3d(input: Tensor, kernel_size, stride=(), padding=0, dilation=1,
               ceil_mode: bool = False) -> Tensor:
    return F.max_pool3d(input, kernel_size, _stride(stride), padding, dilation, ceil_mode)


def adaptive_max_pool1d(input: Tensor, output_size) -> tuple[Tensor, Tensor]:
    """torch.adaptive_max_pool1d returns (values, indices), always."""
    return F.adaptive_max_pool1d_with_indices(input, output_size)


def constant_pad_nd(input: Tensor, pad, value: float = 0) -> Tensor:
    return F.pad(input, tuple(pad), "constant", value)


_GRID_MODES = ("bilinear", "nearest", "bicubic")
_GRID_PADDING = ("zeros", "border", "reflection")


def grid_sampler(input: Tensor, grid: Tensor, interpolation_mode: int, padding_mode: int,
                 align_corners: bool) -> Tensor:
    """F.grid_sample with ATen's integer codes for the mode and the padding."""
    if input.dim() == 5:
        return grid_sampler_3d(input, grid, interpolation_mode, padding_mode, align_corners)
    return F.grid_sample(input, grid, _GRID_MODES[interpolation_mode],
                         _GRID_PADDING[padding_mode], align_corners)


def grid_sampler_2d(input: Tensor, grid: Tensor, interpolation_mode: int, padding_mode: int,
                    align_corners: bool) -> Tensor:
    if input.dim() != 4:
        raise RuntimeError(f"grid_sampler(): expected 4D input, but got input with sizes "
                           f"{list(input.shape)}")
    return grid_sampler(input, grid, interpolation_mode, padding_mode, align_corners)


def affine_grid_generator(theta: Tensor, size, align_corners: bool) -> Tensor:
    return F.affine_grid(theta, list(size), align_corners)


# ---- normalisation ----------------------------------------------------------------------------


def batch_norm(input: Tensor, weight: Tensor | None, bias: Tensor | None,
               running_mean: Tensor | None, running_var: Tensor | None, training: bool,
               momentum: float, eps: float, cudnn_enabled: bool) -> Tensor:
    return F.batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)


def instance_norm(input: Tensor, weight: Tensor | None, bias: Tensor | None,
                  running_mean: Tensor | None, running_var: Tensor | None, use_input_stats: bool,
                  momentum: float, eps: float, cudnn_enabled: bool) -> Tensor:
    return F.instance_norm(input, running_mean, running_var, weight, bias, use_input_stats,
                           momentum, eps)


# ---- losses (ATen's integer reduction) --------------------------------------------------------


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor, weight: Tensor | None = None,
                                     pos_weight: Tensor | None = None, reduction: int = 0
                                     ) -> Tensor:
    return F.binary_cross_entropy_with_logits(input, target, weight,
                                              reduction=_reduction(reduction),
                                              pos_weight=pos_weight)


def cosine_embedding_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0,
                          reduction: int = 0) -> Tensor:
    return F.cosine_embedding_loss(input1, input2, target, margin,
                                   reduction=_reduction(reduction))


def hinge_embedding_loss(input: Tensor, target: Tensor, margin: float = 1.0,
                         reduction: int = 0) -> Tensor:
    return F.hinge_embedding_loss(input, target, margin, reduction=_reduction(reduction))


def margin_ranking_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0,
                        reduction: int = 0) -> Tensor:
    return F.margin_ranking_loss(input1, input2, target, margin, reduction=_reduction(reduction))


def kl_div(input: Tensor, target: Tensor, reduction: int = 0, *, log_target: bool = False
           ) -> Tensor:
    """ATen's kl_div: 'mean' (1) is plain, without F.kl_div's 'batchmean' advice warning."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="reduction: 'mean' divides")
        return F.kl_div(input, target, reduction=_reduction(reduction), log_target=log_target)


def poisson_nll_loss(input: Tensor, target: Tensor, log_input: bool, full: bool, eps: float,
                     reduction: int) -> Tensor:
    return F.poisson_nll_loss(input, target, log_input, full, eps=eps,
                              reduction=_reduction(reduction))


def triplet_margin_loss(anchor: Tensor, positive: Tensor, negative: Tensor, margin: float = 1.0,
                        p: float = 2.0, eps: float = 1e-6, swap: bool = False,
                        reduction: int = 0) -> Tensor:
    return F.triplet_margin_loss(anchor, positive, negative, margin, p, eps, swap,
                                 reduction=_reduction(reduction))


def ctc_loss(log_probs: Tensor, targets: Tensor, input_lengths, target_lengths, blank: int = 0,
             reduction: int = 0, zero_infinity: bool = False) -> Tensor:
    return F.ctc_loss(log_probs, targets, input_lengths, target_lengths, blank,
                      _reduction(reduction), zero_infinity)


# ---- embedding --------------------------------------------------------------------------------


def embedding(weight: Tensor, indices: Tensor, padding_idx: int = -1,
              scale_grad_by_freq: bool = False, sparse: bool = False) -> Tensor:
    """ATen's order (weight first); padding_idx -1 means none."""
    return F.embedding(indices, weight, None if padding_idx == -1 else padding_idx,
                       scale_grad_by_freq=scale_grad_by_freq, sparse=sparse)


_BAG_MODES = ("sum", "mean", "max")


def embedding_bag(weight: Tensor, indices: Tensor, offsets: Tensor,
                  scale_grad_by_freq: bool = False, mode: int = 0, sparse: bool = False,
                  per_sample_weights: Tensor | None = None, include_last_offset: bool = False,
                  padding_idx: int | None = None) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    """ATen's embedding_bag: (output, offset2bag, bag_size, max_indices), the last three as
    torch's CPU kernel fills them (empty or zeros where a mode does not use them)."""
    pad = -1 if padding_idx is None else padding_idx
    out = F.embedding_bag(indices, weight, offsets, scale_grad_by_freq=scale_grad_by_freq,
                          mode=_BAG_MODES[mode], sparse=sparse,
                          per_sample_weights=per_sample_weights,
                          include_last_offset=include_last_offset,
                          padding_idx=None if pad < 0 else pad)
    flat = indices._data.reshape(-1).astype(np.int64)
    starts = offsets._data.astype(np.int64)
    n_off = starts.shape[0]
    if include_last_offset:
        starts = starts[:-1]
    bags = starts.shape[0]
    bag_of = np.zeros(flat.shape[0], dtype=np.int64)
    if flat.size and bags:
        bag_of = np.searchsorted(starts, np.arange(flat.shape[0]), side="right") - 1
    keep = flat != pad
    sizes = np.bincount(bag_of[keep], minlength=bags).astype(np.int64)[:bags]
    wrap = _op._new_tensor
    if mode == 0:  # torch's sum kernel: its float32 fast path leaves offset2bag empty, and the
        # unused two are sized by the offsets unless a gradient is being recorded
        empty = weight.dtype is _dt.float32 and pad < 0
        offset2bag = np.zeros(0, dtype=np.int64) if empty else bag_of
        n = bags if weight.requires_grad and is_grad_enabled() else n_off
        return out, wrap(offset2bag), wrap(np.zeros(n, dtype=np.int64)), \
            wrap(np.zeros(n, dtype=np.int64))
    if mode == 1:
        return out, wrap(bag_of), wrap(sizes), wrap(sizes.copy())
    w = weight._data
    best = np.zeros((bags, w.shape[1]), dtype=np.int64)
    for b in range(bags):  # the first row holding each column's max, padding left out
        rows = flat[(bag_of == b) & keep]
        if rows.size:
            best[b] = rows[np.argmax(w[rows], axis=0)]
    return out, wrap(bag_of), wrap(sizes), wrap(best)


# ---- dropout and in-place activations ---------------------------------------------------------


def _check_p(p: float) -> None:
    if p < 0.0 or p > 1.0:
        raise RuntimeError(f"dropout probability has to be between 0 and 1, but got {p}")


def _drop(input: Tensor, p: float, train: bool, inplace: bool, feature: bool, alpha: bool):
    _check_p(p)
    return _dropout.dropout(input, p, train, inplace, feature=feature, alpha=alpha)


def dropout_(input: Tensor, p: float, train: bool) -> Tensor:
    return _drop(input, p, train, True, False, False)


def alpha_dropout_(input: Tensor, p: float, train: bool) -> Tensor:
    return _drop(input, p, train, True, False, True)


def feature_dropout(input: Tensor, p: float, train: bool) -> Tensor:
    """Dropout of whole channels (dim 1) of a batched input of any rank."""
    return _drop(input, p, train, False, True, False)


def feature_dropout_(input: Tensor, p: float, train: bool) -> Tensor:
    return _drop(input, p, train, True, True, False)


def feature_alpha_dropout(input: Tensor, p: float, train: bool) -> Tensor:
    return _drop(input, p, train, False, True, True)


def feature_alpha_dropout_(input: Tensor, p: float, train: bool) -> Tensor:
    return _drop(input, p, train, True, True, True)


def selu_(input: Tensor) -> Tensor:
    return F.selu(input, inplace=True)


def celu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    return F.celu(input, alpha, inplace=True)


def rrelu_(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False,
           generator=None) -> Tensor:
    return F.rrelu(input, lower, upper, training, inplace=True)


def threshold_(input: Tensor, threshold: float, value: float) -> Tensor:
    return F.threshold(input, threshold, value, inplace=True)


# ---- recurrent layers with a flat parameter list ----------------------------------------------


def _cell_step(mode, input, hx, w_ih, w_hh, b_ih, b_hh):
    """One step of a (B, I) input (torch's *_cell functions take no unbatched input)."""
    lstm = mode == "LSTM"
    h, c = (hx[0], hx[1]) if lstm else (hx, None)
    if input.dim() != 2 or h.dim() != 2:
        raise IndexError(f"Dimension out of range (expected to be in range of [-1, 0], but got 1)"
                         f" ({mode.lower()} cell: input and hidden state must be 2-D)")
    steps = ((0, input.shape[0]),)
    _, h, c = _rec.rnn_layer(mode, input, h, c, w_ih, w_hh, b_ih, b_hh, None, steps)
    return (h, c) if lstm else h


def rnn_tanh_cell(input: Tensor, hx: Tensor, w_ih: Tensor, w_hh: Tensor,
                  b_ih: Tensor | None = None, b_hh: Tensor | None = None) -> Tensor:
    """h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)."""
    return _cell_step("RNN_TANH", input, hx, w_ih, w_hh, b_ih, b_hh)


def rnn_relu_cell(input: Tensor, hx: Tensor, w_ih: Tensor, w_hh: Tensor,
                  b_ih: Tensor | None = None, b_hh: Tensor | None = None) -> Tensor:
    """h' = relu(x W_ih^T + b_ih + h W_hh^T + b_hh)."""
    return _cell_step("RNN_RELU", input, hx, w_ih, w_hh, b_ih, b_hh)


def lstm_cell(input: Tensor, hx, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor | None = None,
              b_hh: Tensor | None = None) -> tuple[Tensor, Tensor]:
    """One LSTM step; hx = (h, c); returns (h', c')."""
    return _cell_step("LSTM", input, hx, w_ih, w_hh, b_ih, b_hh)


def gru_cell(input: Tensor, hx: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor | None = None,
             b_hh: Tensor | None = None) -> Tensor:
    """One GRU step (gates r, z, n)."""
    return _cell_step("GRU", input, hx, w_ih, w_hh, b_ih, b_hh)


def _layers(params, has_biases: bool, num_layers: int, n_dir: int) -> list:
    """ATen's flat list (w_ih, w_hh[, b_ih, b_hh][, w_hr] per layer and direction) regrouped."""
    params = list(params)
    per = len(params) // (num_layers * n_dir)
    if per * num_layers * n_dir != len(params) or per not in (2, 3, 4, 5):
        raise RuntimeError(f"rnn: got {len(params)} parameters for {num_layers} layer(s) and "
                           f"{n_dir} direction(s)")
    layers = []
    for li in range(num_layers):
        dirs = []
        for d in range(n_dir):
            p = params[(li * n_dir + d) * per:(li * n_dir + d + 1) * per]
            b_ih, b_hh = (p[2], p[3]) if has_biases else (None, None)
            w_hr = p[-1] if per in (3, 5) else None
            dirs.append((p[0], p[1], b_ih, b_hh, w_hr))
        layers.append(dirs)
    return layers


def _rnn(mode: str, args: tuple):
    """Both overloads: (input, hx, params, has_biases, num_layers, dropout, train, bidirectional,
    batch_first) and the packed (data, batch_sizes, hx, params, has_biases, num_layers, dropout,
    train, bidirectional)."""
    packed = isinstance(args[2], Tensor) or (mode == "LSTM" and isinstance(args[1], Tensor))
    if packed:
        data, batch_sizes, hx, params, has_biases, num_layers, p, train, bidirectional = args
        batch_first = False
    else:
        data, hx, params, has_biases, num_layers, p, train, bidirectional, batch_first = args
    h0, c0 = (hx[0], hx[1]) if mode == "LSTM" else (hx, None)
    n_dir = 2 if bidirectional else 1
    layers = _layers(params, has_biases, num_layers, n_dir)
    if packed:
        sizes = [int(b) for b in batch_sizes.tolist()]
        flat = data

        def steps_of(reverse):
            return _rec.packed_steps(sizes, reverse)
    else:
        x = _shape.transpose(data, 0, 1) if batch_first else data
        seq, batch = x.shape[0], x.shape[1]
        flat = _shape.reshape(x, (seq * batch, x.shape[2]))

        def steps_of(reverse):
            return _rec.uniform_steps(seq, batch, reverse)
    out, h_n, c_n = _rec.rnn_stack(mode, flat, h0, c0, layers, steps_of, p, train)
    if not packed:
        out = _shape.reshape(out, (seq, batch, out.shape[-1]))
        if batch_first:
            out = _shape.transpose(out, 0, 1)
    return (out, h_n, c_n) if mode == "LSTM" else (out, h_n)


def rnn_tanh(*args) -> tuple[Tensor, Tensor]:
    """Multi-layer Elman RNN (tanh) over a flat parameter list, as torch.rnn_tanh."""
    return _rnn("RNN_TANH", args)


def rnn_relu(*args) -> tuple[Tensor, Tensor]:
    """Multi-layer Elman RNN (relu) over a flat parameter list, as torch.rnn_relu."""
    return _rnn("RNN_RELU", args)


def lstm(*args) -> tuple[Tensor, Tensor, Tensor]:
    """Multi-layer LSTM over a flat parameter list; hx = [h0, c0]; returns (out, h_n, c_n)."""
    return _rnn("LSTM", args)


def gru(*args) -> tuple[Tensor, Tensor]:
    """Multi-layer GRU over a flat parameter list, as torch.gru."""
    return _rnn("GRU", args)

