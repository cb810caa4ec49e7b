"""RNN, LSTM and GRU layers against torch with copied weights: outputs, final states, gradients of
the input, initial states and every parameter over the option combinations; double backward; a long
sequence; dropout draws; default init, repr, state_dict keys; errors with torch's types and texts."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import ember
from tests.oracle import assert_same, compare_module, module_pair, to_ember

pytestmark = pytest.mark.filterwarnings(
    "ignore:LSTM with projections is not supported with oneDNN")


def _arr(shape, dtype=np.float32, seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, shape).astype(dtype)


def _leaf(a):
    t = torch.from_numpy(a.copy()).requires_grad_(True)
    return t, to_ember(t, requires_grad=True)


def _states(res):
    out, hs = res
    return [out] + (list(hs) if isinstance(hs, tuple) else [hs])


def _inputs(x, hx=None):
    """The call arguments: the input, then h (or LSTM's (h, c)) when given."""
    return [x] if hx is None else [x, hx[0] if len(hx) == 1 else tuple(hx)]


# ---- option combinations ------------------------------------------------------------------------

COMBOS = [
    ("RNN", {}),
    ("RNN", {"nonlinearity": "relu", "num_layers": 2}),
    ("RNN", {"bidirectional": True, "bias": False}),
    ("RNN", {"nonlinearity": "relu", "bidirectional": True, "batch_first": True}),
    ("LSTM", {}),
    ("LSTM", {"num_layers": 2, "bidirectional": True}),
    ("LSTM", {"bias": False, "batch_first": True}),
    ("LSTM", {"proj_size": 3}),
    ("LSTM", {"proj_size": 2, "num_layers": 2, "bidirectional": True, "batch_first": True}),
    ("LSTM", {"proj_size": 3, "bias": False, "num_layers": 2}),
    ("GRU", {}),
    ("GRU", {"num_layers": 2, "bidirectional": True}),
    ("GRU", {"bias": False, "batch_first": True, "num_layers": 3}),
    ("GRU", {"bidirectional": True, "batch_first": True}),
]


def _state_shapes(name, kw, batch, hidden=5):
    n = kw.get("num_layers", 1) * (2 if kw.get("bidirectional") else 1)
    shapes = [(n, batch, kw.get("proj_size") or hidden)]
    if name == "LSTM":
        shapes.append((n, batch, hidden))
    return shapes


@pytest.mark.parametrize("name,kw", COMBOS)
def test_rnn_layers_no_initial_state(name, kw):
    t, e = module_pair(name, 4, 5, **kw)
    shape = (3, 6, 4) if kw.get("batch_first") else (6, 3, 4)
    compare_module(t, e, [_arr(shape)])


@pytest.mark.parametrize("name,kw", COMBOS)
def test_rnn_layers_with_initial_state(name, kw):
    t, e = module_pair(name, 4, 5, **kw)
    shape = (2, 5, 4) if kw.get("batch_first") else (5, 2, 4)
    hx = [_arr(s, seed=i + 1) for i, s in enumerate(_state_shapes(name, kw, 2))]
    compare_module(t, e, _inputs(_arr(shape), hx))


@pytest.mark.parametrize("name", ["RNN", "LSTM", "GRU"])
def test_rnn_layers_float64(name):
    t, e = module_pair(name, 3, 5, num_layers=2, bidirectional=True, dtype="float64")
    hx = [_arr(s, np.float64, seed=3) for s in
          _state_shapes(name, {"num_layers": 2, "bidirectional": True}, 4)]
    compare_module(t, e, _inputs(_arr((4, 4, 3), np.float64), hx))


@pytest.mark.parametrize("name,kw", [("LSTM", {}), ("GRU", {"bidirectional": True}),
                                     ("RNN", {"num_layers": 2})])
def test_rnn_layers_unbatched(name, kw):
    t, e = module_pair(name, 4, 5, **kw)
    compare_module(t, e, [_arr((6, 4))])
    hx = [_arr(s[:1] + s[2:], seed=5) for s in _state_shapes(name, kw, 1)]
    compare_module(t, e, _inputs(_arr((6, 4)), hx))


@pytest.mark.parametrize("name", ["LSTM", "GRU"])
def test_rnn_layers_unbatched_batch_first(name):
    t, e = module_pair(name, 4, 5, batch_first=True)
    compare_module(t, e, [_arr((6, 4))])


@pytest.mark.parametrize("name", ["RNN", "LSTM", "GRU"])
def test_rnn_layers_non_contiguous_input(name):
    """A transposed (non-contiguous) view as input."""
    t, e = module_pair(name, 4, 5, bidirectional=True)
    compare_module(t, e, [_arr((3, 6, 4))], call=lambda m, x: m(x.transpose(0, 1)))


@pytest.mark.parametrize("name", ["LSTM", "GRU", "RNN"])
def test_rnn_layers_long_sequence(name):
    """BPTT through 120 steps."""
    t, e = module_pair(name, 3, 6, dtype="float64")
    hx = [_arr(s, np.float64, seed=2) for s in _state_shapes(name, {}, 2, hidden=6)]
    compare_module(t, e, _inputs(_arr((120, 2, 3), np.float64), hx))


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("name", ["LSTM", "GRU", "RNN"])
def test_rnn_layers_saturated_gates(name):
    """Huge pre-activations saturate sigmoid/tanh to exactly 0/1 with no overflow warning."""
    t, e = module_pair(name, 4, 5)
    x = _arr((4, 2, 4)) * 500
    compare_module(t, e, [x])


@pytest.mark.parametrize("name,kw", [("LSTM", {}), ("GRU", {"bidirectional": True}),
                                     ("RNN", {"nonlinearity": "relu"}),
                                     ("LSTM", {"proj_size": 2})])
def test_rnn_layers_batch_above_small_batch_product(name, kw):
    """70 rows: the recurrence takes the plain h @ W.T order (small batches take (W @ h.T).T)."""
    t, e = module_pair(name, 3, 4, **kw)
    compare_module(t, e, [_arr((3, 70, 3))])


def test_rnn_layers_empty_batch():
    t, e = module_pair("LSTM", 4, 3)
    compare_module(t, e, [_arr((3, 0, 4))])


@pytest.mark.parametrize("name,kw", [("LSTM", {"bidirectional": True}),
                                     ("LSTM", {"proj_size": 2, "num_layers": 2}),
                                     ("GRU", {"bidirectional": True}),
                                     ("RNN", {"nonlinearity": "tanh", "num_layers": 2})])
def test_rnn_layers_double_backward(name, kw):
    """Gradients with create_graph=True, then the gradient of their norm (float64)."""
    t, e = module_pair(name, 3, 4, dtype="float64", **kw)
    x = _arr((4, 2, 3), np.float64)
    hx = [_arr(s, np.float64, seed=4) for s in _state_shapes(name, kw, 2, hidden=4)]
    tx, ex = _leaf(x)
    ths, ehs = zip(*[_leaf(h) for h in hx])
    t_h = ths if name == "LSTM" else ths[0]
    e_h = ehs if name == "LSTM" else ehs[0]
    t_res, e_res = _states(t(tx, t_h)), _states(e(ex, e_h))
    t_loss = sum((r * r).sum() for r in t_res)
    e_loss = sum((r * r).sum() for r in e_res)
    t_params, e_params = list(t.parameters()), list(e.parameters())
    tg = torch.autograd.grad(t_loss, [tx, *ths, *t_params], create_graph=True)
    eg = ember.autograd.grad(e_loss, [ex, *ehs, *e_params], create_graph=True)
    assert_same(list(eg), list(tg), where="grad")
    sum((g * g).sum() for g in tg).backward()
    sum((g * g).sum() for g in eg).backward()
    for i, (a, b) in enumerate(zip([ex, *ehs, *e_params], [tx, *ths, *t_params])):
        assert_same(a.grad, b.grad, where=f"second-order grad {i}")


@pytest.mark.parametrize("name", ["LSTM", "GRU", "RNN"])
def test_rnn_layers_retain_graph_backward_twice(name):
    """A second backward through the retained graph gives the same gradients (saved state intact)."""
    t, e = module_pair(name, 3, 4, proj_size=2) if name == "LSTM" else module_pair(name, 3, 4)
    tx, ex = _leaf(_arr((5, 2, 3)))
    t_loss = (t(tx)[0] ** 2).sum()
    e_loss = (e(ex)[0] ** 2).sum()
    for _ in range(2):
        t_loss.backward(retain_graph=True)
        e_loss.backward(retain_graph=True)
        assert_same(ex.grad, tx.grad, order=1)
        for (tn, tp), (en, ep) in zip(t.named_parameters(), e.named_parameters()):
            assert_same(ep.grad, tp.grad, where=f"{tn}.grad", order=1)


def test_rnn_layers_no_grad_and_eval():
    t, e = module_pair("LSTM", 4, 5, num_layers=2, dropout=0.3)
    t.eval()
    e.eval()
    x = _arr((5, 3, 4))
    with torch.no_grad():
        t_res = _states(t(torch.from_numpy(x)))
    with ember.no_grad():
        e_res = _states(e(ember.from_numpy(x)))
    assert_same(e_res, t_res)
    assert not any(r.requires_grad for r in e_res)


@pytest.mark.parametrize("name", ["LSTM", "GRU", "RNN"])
def test_rnn_layers_dropout_matches_torch(name):
    """Training-mode dropout between layers draws the same masks as torch after manual_seed."""
    t, e = module_pair(name, 4, 5, num_layers=3, dropout=0.5, bidirectional=True)
    x = _arr((5, 3, 4))
    compare_module(t, e, [x], seed=11)


def test_rnn_layers_dropout_warning():
    with warnings.catch_warnings(record=True) as t_w:
        warnings.simplefilter("always")
        torch.nn.GRU(3, 4, dropout=0.5)
    with warnings.catch_warnings(record=True) as e_w:
        warnings.simplefilter("always")
        ember.nn.GRU(3, 4, dropout=0.5)
    assert [str(w.message) for w in e_w] == [str(w.message) for w in t_w]
    assert [w.category for w in e_w] == [w.category for w in t_w]


# ---- structure: names, init, repr -----------------------------------------------------------------

STRUCTURES = [
    ("RNN", (10, 20), {}),
    ("RNN", (3, 4), {"nonlinearity": "relu", "num_layers": 2, "bias": False}),
    ("LSTM", (10, 20), {"num_layers": 2}),
    ("LSTM", (10, 20, 2), {"bias": False, "batch_first": True, "dropout": 0.5,
                          "bidirectional": True, "proj_size": 5}),
    ("GRU", (3, 7), {"bidirectional": True, "num_layers": 3, "dropout": 0.25}),
]


@pytest.mark.parametrize("name,args,kw", STRUCTURES)
def test_rnn_layers_structure_and_default_init(name, args, kw):
    t, e = module_pair(name, *args, init="seed", seed=5, **kw)  # same RNG draws, bit for bit
    assert repr(e) == repr(t)
    assert e._flat_weights_names == t._flat_weights_names
    assert e._all_weights == t._all_weights
    assert [[tuple(w.shape) for w in ws] for ws in e.all_weights] == \
        [[tuple(w.shape) for w in ws] for ws in t.all_weights]
    for attr in ["mode", "input_size", "hidden_size", "num_layers", "bias", "batch_first",
                 "dropout", "bidirectional", "proj_size"]:
        assert getattr(e, attr) == getattr(t, attr), attr


def test_rnn_layers_state_dict_crosses_back():
    t, e = module_pair("LSTM", 3, 4, num_layers=2, bidirectional=True, proj_size=2)
    t2 = torch.nn.LSTM(3, 4, num_layers=2, bidirectional=True, proj_size=2)
    t2.load_state_dict({k: torch.from_numpy(v.detach().numpy().copy())
                        for k, v in e.state_dict().items()})
    for k, v in t.state_dict().items():
        assert torch.equal(t2.state_dict()[k], v)


# ---- errors ---------------------------------------------------------------------------------------


def _same_error(t_fn, e_fn):
    """Both raise; the same exception class and message."""
    with pytest.raises(Exception) as t_info:
        t_fn(torch)
    with pytest.raises(Exception) as e_info:
        e_fn(ember)
    assert type(e_info.value) is type(t_info.value), (e_info.value, t_info.value)
    assert str(e_info.value) == str(t_info.value)


def _both(fn):
    _same_error(fn, fn)


@pytest.mark.parametrize("ctor", [
    lambda lib: lib.nn.LSTM(10, 20, proj_size=20),
    lambda lib: lib.nn.LSTM(10, 20, proj_size=-1),
    lambda lib: lib.nn.GRU(10, 20, proj_size=3),
    lambda lib: lib.nn.RNN(10, 20, proj_size=3),
    lambda lib: lib.nn.GRU(10, 20, dropout=1.5),
    lambda lib: lib.nn.GRU(10, 20, dropout=-0.1),
    lambda lib: lib.nn.LSTM(10, 20, dropout=True),
    lambda lib: lib.nn.GRU(10, 0),
    lambda lib: lib.nn.GRU(0, 3),
    lambda lib: lib.nn.GRU(10, 20, num_layers=0),
    lambda lib: lib.nn.RNN(10, 20, nonlinearity="foo"),
    lambda lib: lib.nn.LSTM(10, 2.5),
    lambda lib: lib.nn.LSTM(10, 20, bias=1),
    lambda lib: lib.nn.LSTM(10, 20, batch_first=None),
])
def test_rnn_layers_constructor_errors(ctor):
    _both(ctor)


def _lstm(lib):
    lib.manual_seed(0)
    return lib.nn.LSTM(10, 20, num_layers=2)


@pytest.mark.parametrize("call", [
    lambda lib: _lstm(lib)(lib.zeros(3, 2, 5)),
    lambda lib: _lstm(lib)(lib.zeros(3, 2, 10), (lib.zeros(2, 3, 20), lib.zeros(2, 2, 20))),
    lambda lib: _lstm(lib)(lib.zeros(3, 2, 10), (lib.zeros(2, 2, 20), lib.zeros(2, 3, 20))),
    lambda lib: _lstm(lib)(lib.zeros(3, 2, 10), (lib.zeros(2, 2, 20), lib.zeros(2, 20))),
    lambda lib: _lstm(lib)(lib.zeros(3, 10), (lib.zeros(2, 2, 20), lib.zeros(2, 2, 20))),
    lambda lib: _lstm(lib)(lib.zeros(3, 2, 2, 10)),
    lambda lib: _lstm(lib)(lib.zeros(3, 2, 10, dtype=lib.float64)),
    lambda lib: _lstm(lib)(lib.zeros(0, 2, 10)),
    lambda lib: lib.nn.RNN(10, 20)(lib.zeros(3, 2, 10), lib.zeros(1, 3, 20)),
    lambda lib: lib.nn.RNN(10, 20)(lib.zeros(3, 2, 10), lib.zeros(2, 20)),
    lambda lib: lib.nn.RNN(10, 20)(lib.zeros(3, 10), lib.zeros(1, 1, 20)),
    lambda lib: lib.nn.RNN(10, 20)(lib.zeros(2, 3, 2, 10)),
    lambda lib: lib.nn.GRU(10, 20)(lib.zeros(3, 2, 10), lib.zeros(1, 3, 20)),
    lambda lib: lib.nn.GRU(10, 20, bidirectional=True)(lib.zeros(3, 2, 10), lib.zeros(1, 2, 20)),
    lambda lib: lib.nn.GRU(10, 20)(lib.zeros(3, 2, 2, 10)),
    lambda lib: lib.nn.GRU(3, 4)(lib.zeros(5, 2, 3), lib.zeros(1, 2, 4, dtype=lib.float64)),
    lambda lib: lib.nn.GRUCell(3, 4)(lib.zeros(2, 3), lib.zeros(2, 4, dtype=lib.float64)),
    lambda lib: lib.nn.LSTM(10, 20, proj_size=4)(lib.zeros(3, 2, 10),
                                                 (lib.zeros(1, 2, 20), lib.zeros(1, 2, 20))),
])
def test_rnn_layers_forward_errors(call):
    _both(call)


def test_rnn_layers_hidden_dtype_mismatch_lstm():
    """PyTorch's LSTM refuses a hidden state of another dtype (its text is a oneDNN detail)."""
    for lib in (torch, ember):
        with pytest.raises(RuntimeError):
            lib.nn.LSTM(3, 4)(lib.zeros(5, 2, 3), (lib.zeros(1, 2, 4, dtype=lib.float64),
                                                   lib.zeros(1, 2, 4)))


def test_rnn_layers_second_backward_raises():
    for lib in (torch, ember):
        lib.manual_seed(0)
        x = lib.zeros(4, 2, 3, requires_grad=True)
        loss = lib.nn.LSTM(3, 4)(x)[0].sum()
        loss.backward()
        with pytest.raises(RuntimeError, match="backward through the graph a second time"):
            loss.backward()


def test_rnn_layers_reassigned_weight_is_used():
    """Replacing a parameter after construction (as functional_call does) takes effect."""
    t, e = module_pair("GRU", 3, 4)
    w = _arr((12, 4), seed=8)
    t.weight_hh_l0 = torch.nn.Parameter(torch.from_numpy(w))
    e.weight_hh_l0 = ember.nn.Parameter(ember.from_numpy(w.copy()))
    compare_module(t, e, [_arr((5, 2, 3))])
