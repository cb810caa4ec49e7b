"""The LSTM layer kernel (ember/ops/_rnn_lstm.py, feature-major steps) against torch at sizes where
every gate block has several rows: packed uneven lengths in both directions with initial states and
a projection, float32 and float64, and the no-grad forward against the recorded one."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
from tests.oracle import assert_same, compare_module, module_pair, to_ember

pytestmark = pytest.mark.filterwarnings(
    "ignore:LSTM with projections is not supported with oneDNN")


def _arr(shape, dtype, seed):
    return np.random.default_rng(seed).uniform(-1, 1, shape).astype(dtype)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("kw", [{}, {"proj_size": 5, "bidirectional": True, "num_layers": 2},
                                {"bias": False, "batch_first": True}])
def test_lstm_layer_kernel(dtype, kw):
    t, e = module_pair("LSTM", 6, 12, dtype=dtype, **kw)
    n = kw.get("num_layers", 1) * (2 if kw.get("bidirectional") else 1)
    p = kw.get("proj_size") or 12
    hx = (_arr((n, 5, p), dtype, 1), _arr((n, 5, 12), dtype, 2))
    x = _arr((5, 7, 6) if kw.get("batch_first") else (7, 5, 6), dtype, 0)
    compare_module(t, e, [x, hx])


@pytest.mark.parametrize("kw", [{"bidirectional": True}, {"proj_size": 4, "bidirectional": True}])
def test_lstm_layer_kernel_packed(kw):
    """Uneven lengths: steps shrink forward and grow in reverse; states of ended rows carry."""
    t, e = module_pair("LSTM", 3, 8, **kw)
    lens = [6, 4, 4, 1]
    xs = [_arr((n, 3), np.float32, i) for i, n in enumerate(lens)]
    p = kw.get("proj_size") or 8
    h0, c0 = _arr((2, 4, p), np.float32, 7), _arr((2, 4, 8), np.float32, 8)
    outs, grads = [], []
    for lib, m in ((torch, t), (ember, e)):
        leaves = [lib.tensor(a, requires_grad=True) for a in (*xs, h0, c0)]
        packed = lib.nn.utils.rnn.pack_sequence(leaves[:4])
        out, (hn, cn) = m(packed, (leaves[4], leaves[5]))
        padded = lib.nn.utils.rnn.pad_packed_sequence(out)[0]
        up = lib.tensor(_arr(tuple(padded.shape), np.float32, 9))
        ((padded * up).sum() + (hn * 2).sum() + (cn * 3).sum()).backward()
        outs.append((padded, hn, cn))
        grads.append([a.grad for a in leaves] + [q.grad for q in m.parameters()])
    for a, b in zip(outs[1], outs[0]):
        assert_same(a, b, op="LSTM")
    for a, b in zip(grads[1], grads[0]):
        assert_same(a, b, op="LSTM", where="gradient")


def test_lstm_no_grad_forward_matches_recorded():
    """The no-grad forward (no saved buffers) gives the recorded forward's values bit for bit."""
    torch.manual_seed(0)
    t = torch.nn.LSTM(4, 9, num_layers=2)
    e = ember.nn.LSTM(4, 9, num_layers=2)
    e.load_state_dict({k: to_ember(v) for k, v in t.state_dict().items()})
    x = ember.tensor(_arr((5, 3, 4), np.float32, 0))
    recorded = e(x.requires_grad_())
    with ember.no_grad():
        plain = e(x)
    for a, b in zip((recorded[0], *recorded[1]), (plain[0], *plain[1])):
        assert a.detach().numpy().tobytes() == b.numpy().tobytes()
