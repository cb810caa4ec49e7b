"""nn.utils.rnn (PackedSequence, pad_sequence, pack_padded_sequence, pad_packed_sequence,
pack_sequence, unpad/unpack) and RNN/LSTM/GRU on packed input, against torch: data, batch_sizes,
indices, padded results and lengths, gradients through packing, errors with torch's texts."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from torch.nn.utils import rnn as t_rnn

import ember
from ember.nn.utils import rnn as e_rnn
from tests.oracle import assert_same, compare_module, module_pair, to_ember

pytestmark = pytest.mark.filterwarnings(
    "ignore:LSTM with projections is not supported with oneDNN")


def _leaf(shape, dtype=np.float32, seed=0):
    a = np.random.default_rng(seed).uniform(-1, 1, shape).astype(dtype)
    t = torch.from_numpy(a).requires_grad_(True)
    return t, to_ember(t, requires_grad=True)


def _same_packed(e, t):
    assert type(e).__name__ == "PackedSequence"
    assert e._fields == t._fields
    assert_same(e.data, t.data, where="data")
    assert_same(e.batch_sizes, t.batch_sizes, where="batch_sizes")
    for name in ("sorted_indices", "unsorted_indices"):
        te, tt = getattr(e, name), getattr(t, name)
        assert (te is None) == (tt is None), name
        if tt is not None:
            assert_same(te, tt, where=name)


def _backward_both(t_out, e_out, t_leaves, e_leaves):
    up = np.random.default_rng(5).uniform(-1, 1, tuple(t_out.shape)).astype(np.float32)
    (t_out * torch.from_numpy(up)).sum().backward()
    (e_out * ember.from_numpy(up)).sum().backward()
    for i, (a, b) in enumerate(zip(e_leaves, t_leaves)):
        assert_same(a.grad, b.grad, where=f"grad {i}")


# ---- pad_sequence -------------------------------------------------------------------------------


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("side", ["right", "left"])
@pytest.mark.parametrize("lens,rest", [([3, 5, 1], (2,)), ([2, 2], ()), ([4], (2, 3)),
                                       ([1, 3, 0], (2,))])
def test_pad_sequence(batch_first, side, lens, rest):
    pairs = [_leaf((n,) + rest, seed=i) for i, n in enumerate(lens)]
    t_out = t_rnn.pad_sequence([p[0] for p in pairs], batch_first, -1.5, side)
    e_out = e_rnn.pad_sequence([p[1] for p in pairs], batch_first, -1.5, side)
    assert_same(e_out, t_out)
    _backward_both(t_out, e_out, [p[0] for p in pairs], [p[1] for p in pairs])


def test_pad_sequence_int_and_errors():
    seqs = [np.array([1, 2, 3]), np.array([4])]
    t_out = t_rnn.pad_sequence([torch.from_numpy(s) for s in seqs], padding_value=7)
    e_out = e_rnn.pad_sequence([ember.from_numpy(s) for s in seqs], padding_value=7)
    assert_same(e_out, t_out)
    for args, kw in [(([],), {}), (([np.zeros((2, 3))],), {"padding_side": "mid"}),
                     (([np.zeros((2, 3)), np.zeros((3, 4))],), {})]:
        with pytest.raises(RuntimeError) as t_info:
            t_rnn.pad_sequence([torch.from_numpy(a) for a in args[0]], **kw)
        with pytest.raises(RuntimeError) as e_info:
            e_rnn.pad_sequence([ember.from_numpy(a) for a in args[0]], **kw)
        assert str(e_info.value) == str(t_info.value)


# ---- pack / pad round trips -----------------------------------------------------------------------


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("lens,sorted_", [([5, 3, 3, 1], True), ([2, 5, 1, 3], False),
                                          ([4], True), ([1, 1, 2], False),
                                          ([3, 3], False)])
def test_pack_padded_then_pad_packed(batch_first, lens, sorted_):
    shape = (len(lens), 6, 3) if batch_first else (6, len(lens), 3)
    tx, ex = _leaf(shape)
    for lengths in (lens, torch.tensor(lens)):
        e_lengths = lengths if isinstance(lengths, list) else ember.tensor(lens)
        tp = t_rnn.pack_padded_sequence(tx, lengths, batch_first, enforce_sorted=sorted_)
        ep = e_rnn.pack_padded_sequence(ex, e_lengths, batch_first, enforce_sorted=sorted_)
        _same_packed(ep, tp)
    for total in (None, 6, 8):
        t_pad, t_len = t_rnn.pad_packed_sequence(tp, batch_first, 0.5, total)
        e_pad, e_len = e_rnn.pad_packed_sequence(ep, batch_first, 0.5, total)
        assert_same(e_pad, t_pad)
        assert_same(e_len, t_len)
    _backward_both(t_pad, e_pad, [tx], [ex])


@pytest.mark.parametrize("sorted_", [True, False])
def test_pack_sequence_and_unpack(sorted_):
    lens = [4, 3, 1] if sorted_ else [1, 4, 3, 4]
    pairs = [_leaf((n, 2), seed=i) for i, n in enumerate(lens)]
    tp = t_rnn.pack_sequence([p[0] for p in pairs], enforce_sorted=sorted_)
    ep = e_rnn.pack_sequence([p[1] for p in pairs], enforce_sorted=sorted_)
    _same_packed(ep, tp)
    assert_same(e_rnn.unpack_sequence(ep), t_rnn.unpack_sequence(tp))
    t_pad, t_len = t_rnn.pad_packed_sequence(tp)
    e_pad, e_len = e_rnn.pad_packed_sequence(ep)
    assert_same(e_rnn.unpad_sequence(e_pad, e_len), t_rnn.unpad_sequence(t_pad, t_len))
    _backward_both(tp.data, ep.data, [p[0] for p in pairs], [p[1] for p in pairs])


def test_packed_sequence_construction():
    data = np.arange(6.0, dtype=np.float32).reshape(3, 2)
    t = t_rnn.PackedSequence(torch.from_numpy(data), torch.tensor([2, 1]))
    e = e_rnn.PackedSequence(ember.from_numpy(data), ember.tensor([2, 1]))
    _same_packed(e, t)
    t = t_rnn.PackedSequence(torch.from_numpy(data), torch.tensor([2, 1]), torch.tensor([1, 0]))
    e = e_rnn.PackedSequence(ember.from_numpy(data), ember.tensor([2, 1]), ember.tensor([1, 0]))
    _same_packed(e, t)
    assert isinstance(e, tuple) and len(e) == 4
    assert_same(e.double().data, t.double().data)
    assert e.to(ember.float32) is e
    assert_same(e_rnn.invert_permutation(ember.tensor([2, 0, 1])),
                t_rnn.invert_permutation(torch.tensor([2, 0, 1])))
    assert e_rnn.invert_permutation(None) is None


@pytest.mark.parametrize("call", [
    lambda m, lib: m.pack_padded_sequence(lib.zeros(3, 2, 4), [2, 3]),
    lambda m, lib: m.pack_padded_sequence(lib.zeros(3, 2, 4), [3, 0]),
    lambda m, lib: m.pack_padded_sequence(lib.zeros(3, 2, 4), [3, 2, 1]),
    lambda m, lib: m.pad_packed_sequence(
        m.pack_padded_sequence(lib.zeros(3, 2, 4), [3, 2]), total_length=2),
])
def test_packing_errors(call):
    with pytest.raises(Exception) as t_info:
        call(t_rnn, torch)
    with pytest.raises(Exception) as e_info:
        call(e_rnn, ember)
    assert type(e_info.value) is type(t_info.value)
    assert str(e_info.value) == str(t_info.value)


# ---- recurrent layers on packed input -------------------------------------------------------------


def _packed_call(lens, batch_first, enforce_sorted):
    """Call a recurrent module on its input packed; return the PackedSequence's fields and h_n."""
    def call(m, x, h=None):
        lib = torch if isinstance(m, torch.nn.Module) else ember
        packed = lib.nn.utils.rnn.pack_padded_sequence(x, lens, batch_first, enforce_sorted)
        out, hn = m(packed, h)
        assert type(out).__name__ == "PackedSequence"
        return tuple(out) + (hn,)
    return call


@pytest.mark.parametrize("name,kw", [
    ("LSTM", {}), ("LSTM", {"num_layers": 2, "bidirectional": True}),
    ("LSTM", {"proj_size": 2, "bidirectional": True}), ("GRU", {"bidirectional": True}),
    ("GRU", {"num_layers": 2, "bias": False}), ("RNN", {"bidirectional": True}),
    ("RNN", {"nonlinearity": "relu", "num_layers": 2}), ("LSTM", {"batch_first": True})])
@pytest.mark.parametrize("lens,sorted_,with_state", [([6, 4, 4, 1], True, False),
                                                     ([3, 6, 1, 4], False, False),
                                                     ([2, 5, 5], False, True)])
def test_rnn_layers_on_packed_input(name, kw, lens, sorted_, with_state):
    t, e = module_pair(name, 3, 4, **kw)
    bf = kw.get("batch_first", False)
    rng = np.random.default_rng(0)
    inputs = [rng.uniform(-1, 1, (len(lens), 6, 3) if bf else (6, len(lens), 3)).astype("f4")]
    if with_state:
        n = kw.get("num_layers", 1) * (2 if kw.get("bidirectional") else 1)
        sizes = [kw.get("proj_size") or 4] + ([4] if name == "LSTM" else [])
        hx = [rng.uniform(-1, 1, (n, len(lens), s)).astype("f4") for s in sizes]
        inputs.append(tuple(hx) if name == "LSTM" else hx[0])
    compare_module(t, e, inputs, call=_packed_call(lens, bf, sorted_), op="RNN on packed input")


def test_rnn_layers_packed_errors():
    t, e = module_pair("GRU", 3, 4)
    tp = t_rnn.pack_sequence([torch.zeros(3, 5), torch.zeros(2, 5)])
    ep = e_rnn.pack_sequence([ember.zeros(3, 5), ember.zeros(2, 5)])
    with pytest.raises(RuntimeError) as t_info:
        t(tp)
    with pytest.raises(RuntimeError) as e_info:
        e(ep)
    assert str(e_info.value) == str(t_info.value)
    tp = t_rnn.pack_sequence([torch.zeros(3, 3), torch.zeros(2, 3)])
    ep = e_rnn.pack_sequence([ember.zeros(3, 3), ember.zeros(2, 3)])
    with pytest.raises(RuntimeError) as t_info:
        t(tp, torch.zeros(1, 3, 4))
    with pytest.raises(RuntimeError) as e_info:
        e(ep, ember.zeros(1, 3, 4))
    assert str(e_info.value) == str(t_info.value)


@pytest.mark.parametrize("name", ["LSTM", "GRU"])
def test_rnn_layers_packed_double_backward(name):
    """create_graph through a packed, unsorted, bidirectional layer (float64)."""
    t, e = module_pair(name, 3, 4, bidirectional=True, dtype="float64")
    tx, ex = _leaf((5, 3, 3), np.float64)
    lens = [2, 5, 3]
    t_out, _ = t(t_rnn.pack_padded_sequence(tx, lens, enforce_sorted=False))
    e_out, _ = e(e_rnn.pack_padded_sequence(ex, lens, enforce_sorted=False))
    t_in, e_in = [tx, *t.parameters()], [ex, *e.parameters()]
    tg = torch.autograd.grad((t_out.data ** 2).sum(), t_in, create_graph=True)
    eg = ember.autograd.grad((e_out.data ** 2).sum(), e_in, create_graph=True)
    assert_same(list(eg), list(tg))
    sum((g * g).sum() for g in tg).backward()
    sum((g * g).sum() for g in eg).backward()
    for i, (a, b) in enumerate(zip(e_in, t_in)):
        assert_same(a.grad, b.grad, where=f"second-order grad {i}")
