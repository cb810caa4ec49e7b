"""torch.* functions of nn ops (torch.conv2d, torch.batch_norm, torch.lstm, ...) with torch.*'s
positional order, differential against torch, gradients included."""
from __future__ import annotations

import numpy as np
import pytest

from tests.oracle import check, check_raises

X3, X4, X5 = (2, 3, 7), (2, 3, 6, 5), (1, 2, 4, 4, 3)


def _seeded(fn):
    """Run fn(lib, *args) right after manual_seed(0): random ops draw the same stream."""
    def run(lib, *args):
        lib.manual_seed(0)
        return fn(lib, *args)
    return run


CASES = {
    "conv1d": (lambda lib, x, w, b: lib.conv1d(x, w, b, 2, 1), [X3, (4, 3, 3), (4,)]),
    "conv2d": (lambda lib, x, w: lib.conv2d(x, w, None, 1, 1, 1, 1), [X4, (2, 3, 3, 3)]),
    "conv3d": (lambda lib, x, w: lib.conv3d(x, w, padding=1), [X5, (2, 2, 3, 3, 3)]),
    "conv_transpose1d": (lambda lib, x, w: lib.conv_transpose1d(x, w, None, 2, 1, 1),
                         [X3, (3, 2, 3)]),
    "conv_transpose2d": (lambda lib, x, w: lib.conv_transpose2d(x, w, None, 1, 0, 0, 1, 2),
                         [X4, (3, 2, 2, 2)]),
    "conv_transpose3d": (lambda lib, x, w: lib.conv_transpose3d(x, w), [X5, (2, 1, 2, 2, 2)]),
    "convolution": (lambda lib, x, w, b: lib.convolution(x, w, b, [1, 2], [1, 0], [1, 1], False,
                                                         [0, 0], 1), [X4, (4, 3, 2, 2), (4,)]),
    "convolution_t": (lambda lib, x, w: lib.convolution(x, w, None, [2], [1], [1], True, [1], 1),
                      [X3, (3, 2, 3)]),
    "conv_tbc": (lambda lib, x, w, b: lib.conv_tbc(x, w, b, 1), [(5, 2, 3), (3, 3, 4), (4,)]),
    "max_pool1d": (lambda lib, x: lib.max_pool1d(x, 3, 2, 1), [X3]),
    "max_pool1d_with_indices": (lambda lib, x: lib.max_pool1d_with_indices(x, 2), [X3]),
    "max_pool2d": (lambda lib, x: lib.max_pool2d(x, 2, [], 0, 1, True), [X4]),
    "max_pool3d": (lambda lib, x: lib.max_pool3d(x, 2, 1), [X5]),
    "avg_pool1d": (lambda lib, x: lib.avg_pool1d(x, 3, 2, 1, False, False), [X3]),
    "adaptive_avg_pool1d": (lambda lib, x: lib.adaptive_avg_pool1d(x, 4), [X3]),
    "adaptive_max_pool1d": (lambda lib, x: lib.adaptive_max_pool1d(x, 3), [X3]),
    "constant_pad_nd": (lambda lib, x: lib.constant_pad_nd(x, [1, 2, 0, 1], 0.5), [X4]),
    "pixel_shuffle": (lambda lib, x: lib.pixel_shuffle(x, 2), [(1, 8, 2, 3)]),
    "pixel_unshuffle": (lambda lib, x: lib.pixel_unshuffle(x, 2), [(1, 2, 4, 6)]),
    "channel_shuffle": (lambda lib, x: lib.channel_shuffle(x, 3), [(2, 6, 2, 2)]),
    "native_channel_shuffle": (lambda lib, x: lib.native_channel_shuffle(x, 2), [(2, 4, 3)],
                               {"grad": False}),  # torch has no derivative for it
    "grid_sampler": (lambda lib, x, g: lib.grid_sampler(x, g, 0, 1, False),
                     [(1, 2, 4, 5), (1, 3, 2, 2)]),
    "grid_sampler_2d": (lambda lib, x, g: lib.grid_sampler_2d(x, g, 1, 0, True),
                        [(1, 2, 4, 5), (1, 3, 2, 2)]),
    "affine_grid_generator": (lambda lib, t: lib.affine_grid_generator(t, [1, 2, 3, 4], False),
                              [(1, 2, 3)]),
    "batch_norm_train": (lambda lib, x, w, b: lib.batch_norm(
        x, w, b, lib.zeros(3, dtype=x.dtype), lib.ones(3, dtype=x.dtype), True, 0.1, 1e-5,
        False), [X4, (3,), (3,)]),
    "batch_norm_eval": (lambda lib, x, w, b: lib.batch_norm(
        x, w, b, lib.full((3,), 0.2, dtype=x.dtype), lib.full((3,), 2.0, dtype=x.dtype), False,
        0.1, 1e-5, True),
        [X3, (3,), (3,)]),
    "instance_norm": (lambda lib, x, w, b: lib.instance_norm(
        x, w, b, None, None, True, 0.1, 1e-5, False), [X4, (3,), (3,)]),
    "binary_cross_entropy_with_logits": (
        lambda lib, x, t, w, pw: lib.binary_cross_entropy_with_logits(
            x, t.sigmoid(), w.detach(), pw.detach(), 2), [(4, 3), (4, 3), (3,), (3,)]),
    "binary_cross_entropy_with_logits_none": (
        lambda lib, x, t: lib.binary_cross_entropy_with_logits(x, t.sigmoid()), [(4, 3), (4, 3)]),
    "cosine_embedding_loss": (
        lambda lib, a, b: lib.cosine_embedding_loss(a, b, lib.tensor([1, -1, 1]), 0.2, 0),
        [(3, 5), (3, 5)]),
    "hinge_embedding_loss": (
        lambda lib, x: lib.hinge_embedding_loss(x, lib.tensor([1., -1., 1., -1.]), 0.5),
        [(4,)]),
    "margin_ranking_loss": (
        lambda lib, a, b: lib.margin_ranking_loss(a, b, lib.tensor([1., -1., 1.]), 0.1, 2),
        [(3,), (3,)]),
    "kl_div": (lambda lib, x, t: lib.kl_div(x, t), [(3, 4), (3, 4)]),
    "kl_div_mean": (lambda lib, x, t: lib.kl_div(x, t, 1), [(3, 4), (3, 4)]),
    "kl_div_log_target": (lambda lib, x, t: lib.kl_div(x, t, 2, log_target=True),
                          [(3, 4), (3, 4)]),
    "poisson_nll_loss": (lambda lib, x, t: lib.poisson_nll_loss(x, t.abs(), True, True, 1e-8, 1),
                         [(3, 4), (3, 4)]),
    "triplet_margin_loss": (lambda lib, a, p, n: lib.triplet_margin_loss(a, p, n, 1.0, 2.0, 1e-6,
                                                                         True, 0),
                            [(3, 4), (3, 4), (3, 4)]),
    "ctc_loss": (lambda lib, lp: lib.ctc_loss(lp.log_softmax(2), lib.tensor([[1, 2], [2, 2]]),
                                              [5, 4], [2, 2], 0, 1, False), [(5, 2, 3)]),
    "embedding": (lambda lib, w: lib.embedding(w, lib.tensor([[0, 2], [4, 2]]), 2), [(5, 3)]),
    "embedding_no_padding": (lambda lib, w: lib.embedding(w, lib.tensor([1, 1, 3]), -1, True),
                             [(4, 2)]),
    "rnn_tanh_cell": (lambda lib, x, h, wi, wh, bi, bh: lib.rnn_tanh_cell(x, h, wi, wh, bi, bh),
                      [(2, 3), (2, 4), (4, 3), (4, 4), (4,), (4,)]),
    "rnn_relu_cell": (lambda lib, x, h, wi, wh: lib.rnn_relu_cell(x, h, wi, wh),
                      [(2, 3), (2, 4), (4, 3), (4, 4)]),
    "lstm_cell": (lambda lib, x, h, c, wi, wh, bi, bh: lib.lstm_cell(x, (h, c), wi, wh, bi, bh),
                  [(2, 3), (2, 4), (2, 4), (16, 3), (16, 4), (16,), (16,)]),
    "gru_cell": (lambda lib, x, h, wi, wh, bi, bh: lib.gru_cell(x, h, wi, wh, bi, bh),
                 [(2, 3), (2, 4), (12, 3), (12, 4), (12,), (12,)]),
    "rnn_tanh": (lambda lib, x, h, wi, wh, bi, bh: lib.rnn_tanh(
        x, h, [wi, wh, bi, bh], True, 1, 0.0, False, False, False),
        [(3, 2, 3), (1, 2, 4), (4, 3), (4, 4), (4,), (4,)]),
    "rnn_relu_bidirectional": (lambda lib, x, h, a, b, c, d: lib.rnn_relu(
        x, h, [a, b, c, d], False, 1, 0.0, False, True, True),
        [(2, 3, 3), (2, 2, 4), (4, 3), (4, 4), (4, 3), (4, 4)]),
    "lstm": (lambda lib, x, h, c, wi, wh, bi, bh, wi2, wh2, bi2, bh2: lib.lstm(
        x, [h, c], [wi, wh, bi, bh, wi2, wh2, bi2, bh2], True, 2, 0.0, False, False, False),
        [(3, 2, 3), (2, 2, 4), (2, 2, 4), (16, 3), (16, 4), (16,), (16,), (16, 4), (16, 4),
         (16,), (16,)]),
    "gru_batch_first": (lambda lib, x, h, wi, wh, bi, bh: lib.gru(
        x, h, [wi, wh, bi, bh], True, 1, 0.0, True, False, True),
        [(2, 3, 3), (1, 2, 4), (12, 3), (12, 4), (12,), (12,)]),
    "feature_dropout": (_seeded(lambda lib, x: lib.feature_dropout(x, 0.5, True)), [X4]),
    "feature_alpha_dropout": (_seeded(lambda lib, x: lib.feature_alpha_dropout(x, 0.3, True)),
                              [X3]),
    "feature_dropout_eval": (lambda lib, x: lib.feature_dropout(x, 0.5, False), [X3]),
}


@pytest.mark.parametrize("name", list(CASES))
def test_matches_torch(name):
    fn, shapes, *options = CASES[name]
    check(fn, shapes, dtype="float64", **(options[0] if options else {}))


# in-place forms: the result is the input tensor, changed as the out-of-place form changes it
INPLACE = {
    "selu_": lambda lib, x: lib.selu_(x),
    "celu_": lambda lib, x: lib.celu_(x, 0.7),
    "threshold_": lambda lib, x: lib.threshold_(x, 0.1, -3.0),
    "rrelu_eval": lambda lib, x: lib.rrelu_(x, 0.1, 0.3),
    "rrelu_train": _seeded(lambda lib, x: lib.rrelu_(x, 0.1, 0.3, True)),
    "dropout_": _seeded(lambda lib, x: lib.dropout_(x, 0.4, True)),
    "alpha_dropout_": _seeded(lambda lib, x: lib.alpha_dropout_(x, 0.4, True)),
    "feature_dropout_": _seeded(lambda lib, x: lib.feature_dropout_(x, 0.5, True)),
    "feature_alpha_dropout_": _seeded(lambda lib, x: lib.feature_alpha_dropout_(x, 0.5, True)),
}


@pytest.mark.parametrize("name", list(INPLACE))
def test_inplace_matches_torch(name):
    fn = INPLACE[name]

    def run(lib, x):
        y = x.clone()
        out = fn(lib, y)
        assert out is y
        return y

    check(run, [(2, 3, 4)], dtype="float64")


def test_errors_match_torch():
    check_raises(lambda lib, x: lib.dropout_(x, 1.5, True), [(3,)])
    check_raises(lambda lib, x, w: lib.conv2d(x, w), [(2, 3, 4, 4), (2, 4, 3, 3)])
    check_raises(lambda lib, x: lib.max_pool2d(x, 5), [(1, 1, 3, 3)])
    check_raises(lambda lib, x, t: lib.kl_div(x, t, "mean"), [(3,), (3,)])
    check_raises(lambda lib, x, h, wi, wh: lib.rnn_relu_cell(x, h, wi, wh),
                 [(3,), (4,), (4, 3), (4, 4)])


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("mode", [0, 1, 2])
@pytest.mark.parametrize("options", [{}, {"include_last_offset": True}, {"padding_idx": 4},
                                     {"padding_idx": 2, "include_last_offset": True}])
def test_embedding_bag_all_outputs(mode, options, dtype):
    def run(lib, w):
        last = options.get("include_last_offset", False)  # then offsets end with len(indices)
        idx, off = lib.tensor([1, 2, 4, 5, 4, 3]), lib.tensor([0, 2, 2, 6 if last else 4])
        return lib.embedding_bag(w, idx, off, False, mode, False, None, last,
                                 options.get("padding_idx"))
    check(run, [(6, 3)], dtype=dtype)
    check(run, [(6, 3)], dtype=dtype, grad=False)  # torch sizes some outputs by that


def test_embedding_bag_per_sample_weights():
    check(lambda lib, w, p: lib.embedding_bag(w, lib.tensor([0, 2, 1, 1]), lib.tensor([0, 1]),
                                              False, 0, False, p),
          [(3, 2), (4,)], dtype="float64")


@pytest.mark.parametrize("align_corners", [False, True])
@pytest.mark.parametrize("padding", [0, 1, 2])
@pytest.mark.parametrize("mode", [0, 1])
def test_grid_sampler_3d(mode, padding, align_corners):
    # grid values reach past [-1, 1] so every padding rule is exercised
    check(lambda lib, x, g: lib.grid_sampler_3d(x, g * 1.4, mode, padding, align_corners),
          [(2, 2, 3, 4, 3), (2, 2, 3, 2, 3)], dtype="float64")


def test_grid_sampler_3d_on_grid_points_and_dispatch():
    pts = np.array([-1.0, 0.0, 0.5, 1.0])
    grid = np.stack(np.meshgrid(pts, pts, pts, indexing="ij"), -1)[None]
    for align in (False, True):
        check(lambda lib, x, g, a=align: lib.grid_sampler_3d(x, g, 0, 0, a),
              inputs=[np.arange(24.0).reshape(1, 1, 2, 3, 4), grid], dtype="float64")
    check(lambda lib, x, g: lib.grid_sampler(x, g, 0, 1, False), [(1, 1, 2, 3, 2), (1, 1, 2, 2, 3)],
          grad2=True)
    check_raises(lambda lib, x, g: lib.grid_sampler_3d(x, g, 0, 0, False),
                 [(1, 1, 2, 3), (1, 2, 2, 2)])
    check_raises(lambda lib, x, g: lib.grid_sampler_2d(x, g, 0, 0, False),
                 [(1, 1, 2, 3, 2), (1, 1, 2, 2, 3)])
