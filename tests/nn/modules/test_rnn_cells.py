"""RNNCell, LSTMCell and GRUCell against torch with copied weights: outputs, gradients of input,
states and parameters (batched, unbatched, without state, empty batch, double backward), default
init, repr, state_dict keys and errors with torch's types and texts."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
from tests.oracle import assert_same, compare_module, module_pair, to_ember


def _leaf(shape, dtype=np.float32, seed=0):
    a = np.random.default_rng(seed).uniform(-1, 1, shape).astype(dtype)
    t = torch.from_numpy(a).requires_grad_(True)
    return t, to_ember(t, requires_grad=True)


def _outs(res):
    return list(res) if isinstance(res, tuple) else [res]


def _step(t, e, x_shape, n_states, dtype=np.float32, with_state=True, hidden=5):
    """One step on both modules from random input and states; compare_module does the rest."""
    arr = [np.random.default_rng(i).uniform(-1, 1, x_shape[:-1] + (hidden,) if i else x_shape)
           .astype(dtype) for i in range(n_states + 1 if with_state else 1)]
    inputs = arr if len(arr) < 3 else [arr[0], tuple(arr[1:])]
    compare_module(t, e, inputs)


CELLS = [("RNNCell", {}, 1), ("RNNCell", {"nonlinearity": "relu"}, 1),
         ("RNNCell", {"bias": False}, 1), ("LSTMCell", {}, 2), ("LSTMCell", {"bias": False}, 2),
         ("GRUCell", {}, 1), ("GRUCell", {"bias": False}, 1)]


@pytest.mark.parametrize("name,kw,n_states", CELLS)
@pytest.mark.parametrize("x_shape", [(3, 4), (4,), (0, 4)])
def test_rnn_cells_step(name, kw, n_states, x_shape):
    t, e = module_pair(name, 4, 5, **kw)
    _step(t, e, x_shape, n_states)


@pytest.mark.parametrize("name,kw,n_states", CELLS)
def test_rnn_cells_without_state(name, kw, n_states):
    t, e = module_pair(name, 4, 5, **kw)
    _step(t, e, (3, 4), n_states, with_state=False)
    _step(t, e, (4,), n_states, with_state=False)


@pytest.mark.parametrize("name,kw,n_states", CELLS[:1] + CELLS[3:4] + CELLS[5:6])
def test_rnn_cells_float64(name, kw, n_states):
    t, e = module_pair(name, 3, 5, dtype="float64", **kw)
    _step(t, e, (2, 3), n_states, dtype=np.float64)


@pytest.mark.parametrize("name,n_states", [("RNNCell", 1), ("LSTMCell", 2), ("GRUCell", 1)])
def test_rnn_cells_unrolled_loop(name, n_states):
    """A hand-written loop over 30 steps, the way cells are used."""
    t, e = module_pair(name, 3, 4, dtype="float64")
    tx, ex = _leaf((30, 2, 3), np.float64)
    t_h = e_h = None
    t_sum = e_sum = 0
    for i in range(30):
        t_h = t(tx[i], t_h)
        e_h = e(ex[i], e_h)
        t_sum = t_sum + (t_h[0] if n_states == 2 else t_h).sum()
        e_sum = e_sum + (e_h[0] if n_states == 2 else e_h).sum()
    assert_same(_outs(e_h), _outs(t_h))
    t_sum.backward()
    e_sum.backward()
    assert_same(ex.grad, tx.grad)
    for (tn, tp), (en, ep) in zip(t.named_parameters(), e.named_parameters()):
        assert_same(ep.grad, tp.grad, where=f"{tn}.grad")


@pytest.mark.parametrize("name,n_states", [("RNNCell", 1), ("LSTMCell", 2), ("GRUCell", 1)])
def test_rnn_cells_double_backward(name, n_states):
    t, e = module_pair(name, 3, 4, dtype="float64")
    tx, ex = _leaf((2, 3), np.float64)
    states = [_leaf((2, 4), np.float64, seed=i + 1) for i in range(n_states)]
    t_h = tuple(s[0] for s in states) if n_states == 2 else states[0][0]
    e_h = tuple(s[1] for s in states) if n_states == 2 else states[0][1]
    t_out, e_out = _outs(t(tx, t_h)), _outs(e(ex, e_h))
    t_in = [tx] + [s[0] for s in states] + list(t.parameters())
    e_in = [ex] + [s[1] for s in states] + list(e.parameters())
    tg = torch.autograd.grad(sum((o * o).sum() for o in t_out), t_in, create_graph=True)
    eg = ember.autograd.grad(sum((o * o).sum() for o in e_out), e_in, create_graph=True)
    assert_same(list(eg), list(tg))
    sum((g * g).sum() for g in tg).backward()
    sum((g * g).sum() for g in eg).backward()
    for i, (a, b) in enumerate(zip(e_in, t_in)):
        assert_same(a.grad, b.grad, where=f"second-order grad {i}")


@pytest.mark.parametrize("name,args,kw", [
    ("RNNCell", (3, 4), {}), ("RNNCell", (3, 4), {"nonlinearity": "relu", "bias": False}),
    ("LSTMCell", (3, 4), {}), ("LSTMCell", (10, 20), {"bias": False}),
    ("GRUCell", (3, 4), {"bias": False}), ("GRUCell", (7, 2), {})])
def test_rnn_cells_structure_and_default_init(name, args, kw):
    t, e = module_pair(name, *args, init="seed", seed=2, **kw)
    assert repr(e) == repr(t)
    assert (e.bias_ih is None) == (t.bias_ih is None)


def _same_error(fn):
    with pytest.raises(Exception) as t_info:
        fn(torch)
    with pytest.raises(Exception) as e_info:
        fn(ember)
    assert type(e_info.value) is type(t_info.value), (e_info.value, t_info.value)
    assert str(e_info.value) == str(t_info.value)


@pytest.mark.parametrize("call", [
    lambda lib: lib.nn.LSTMCell(10, 20)(lib.zeros(3, 5)),
    lambda lib: lib.nn.LSTMCell(10, 20)(lib.zeros(3, 10), (lib.zeros(2, 20), lib.zeros(2, 20))),
    lambda lib: lib.nn.LSTMCell(10, 20)(lib.zeros(3, 10), (lib.zeros(3, 20), lib.zeros(2, 20))),
    lambda lib: lib.nn.LSTMCell(10, 20)(lib.zeros(3, 3, 10)),
    lambda lib: lib.nn.LSTMCell(10, 20)(lib.zeros(3, 10), (lib.zeros(3, 1, 20),) * 2),
    lambda lib: lib.nn.RNNCell(10, 20)(lib.zeros(3, 10), lib.zeros(2, 20)),
    lambda lib: lib.nn.RNNCell(10, 20)(lib.zeros(3, 10), lib.zeros(3, 21)),
    lambda lib: lib.nn.RNNCell(10, 20)(lib.zeros(2, 3, 10)),
    lambda lib: lib.nn.RNNCell(10, 20, nonlinearity="x")(lib.zeros(3, 10)),
    lambda lib: lib.nn.GRUCell(10, 20)(lib.zeros(3, 10), lib.zeros(3, 1, 20)),
    lambda lib: lib.nn.GRUCell(10, 20)(lib.zeros(3, 7)),
])
def test_rnn_cells_errors(call):
    _same_error(call)
