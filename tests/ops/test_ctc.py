"""F.ctc_loss / nn.CTCLoss against torch: padded and concatenated targets, unequal input and
target lengths, repeated labels, impossible alignments (inf, zero_infinity), empty targets,
unbatched input, every reduction; gradients through log_softmax and with respect to log_probs
themselves (torch's formula), float32 and float64; torch's argument errors."""
from __future__ import annotations

import numpy as np
import pytest

from tests.oracle import check, check_raises

RNG = np.random.default_rng(0)
X = RNG.normal(size=(8, 4, 6))
PADDED = np.array([[1, 2, 2, 3], [3, 1, 0, 0], [5, 5, 5, 0], [4, 0, 0, 0]])
IN_LENS = [8, 7, 5, 2]
TGT_LENS = [4, 2, 3, 1]


def _ctc(lib, x, targets, in_lens, tgt_lens, **kw):
    return lib.nn.functional.ctc_loss(x.log_softmax(-1), lib.as_tensor(targets), in_lens,
                                      tgt_lens, **kw)


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_padded_targets(reduction, dtype):
    check(lambda lib, x: _ctc(lib, x, PADDED, IN_LENS, TGT_LENS, reduction=reduction),
          inputs=[X.astype(dtype)], op="ctc_loss")


@pytest.mark.parametrize("zero_infinity", [False, True])
def test_concatenated_targets_and_impossible_alignment(zero_infinity):
    flat = np.concatenate([PADDED[n, :k] for n, k in enumerate(TGT_LENS)])
    # sample 2 (3 repeated labels need 5 frames) gets 4: its loss is inf
    check(lambda lib, x: _ctc(lib, x, flat, [8, 7, 4, 2], TGT_LENS, reduction="none",
                              zero_infinity=zero_infinity),
          inputs=[X], grad=zero_infinity, op="ctc_loss")


def test_gradient_with_respect_to_log_probs_and_blank():
    """torch's gradient is the logits' (it includes exp(log_probs)): ember returns the same."""
    lp = np.log(np.exp(X) / np.exp(X).sum(-1, keepdims=True))
    check(lambda lib, lp: lib.nn.CTCLoss(blank=5)(lp, lib.as_tensor(PADDED % 5), IN_LENS,
                                                  TGT_LENS),
          inputs=[lp], op="ctc_loss")


def test_unbatched_and_empty_targets_and_tensor_lengths():
    check(lambda lib, x: lib.nn.functional.ctc_loss(
        x.log_softmax(-1), lib.tensor([1, 3]), lib.tensor(6), lib.tensor(2)),
        inputs=[X[:6, 0]], op="ctc_loss")
    check(lambda lib, x: _ctc(lib, x, PADDED, lib.tensor([8, 0, 5, 2]), lib.tensor([4, 0, 0, 1]),
                              reduction="none"),
          inputs=[X], op="ctc_loss")


@pytest.mark.parametrize("kwargs", [
    {"in_lens": [9, 7, 5, 2]},            # longer than the input
    {"tgt_lens": [5, 2, 3, 1]},           # longer than the padded targets
    {"blank": 6},                         # outside the label range
    {"in_lens": [8, 7, 5]},               # not one per sample
])
def test_errors(kwargs):
    in_lens = kwargs.pop("in_lens", IN_LENS)
    tgt_lens = kwargs.pop("tgt_lens", TGT_LENS)
    check_raises(lambda lib, x: _ctc(lib, x, PADDED, in_lens, tgt_lens, **kwargs), inputs=[X])
