"""nn.MultiheadAttention against torch: default init after manual_seed, values, attention weights,
input and parameter gradients, masks of every kind, dropout after the same seed, torch's eval fast
path, repr, state_dict and errors."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
from tests.oracle import assert_same, check_raises, compare_module, module_pair, to_ember


def _mask(shape, seed=0, p=0.6, dead_row=None):
    m = np.random.default_rng(seed).random(shape) < p
    if dead_row is not None:
        m[..., dead_row, :] = False
    return m


def _mha(*args, seed=0, dtype=None, **kwargs):
    """MultiheadAttention in both libraries after the same seed (the weights must agree)."""
    return module_pair("MultiheadAttention", *args, init="seed", seed=seed, dtype=dtype, **kwargs)


def _run(t, e, arrays, dtype, seed=None, **kw):
    """compare_module on (query, key, value); with two arrays key is value, with one all three
    are the same tensor."""
    calls = {1: lambda m, x, **k: m(x, x, x, **k), 2: lambda m, q, kv, **k: m(q, kv, kv, **k)}
    compare_module(t, e, [a.astype(dtype) for a in arrays], call=calls.get(len(arrays)),
                   seed=seed, **kw)


def _x(*shape, seed=0):
    return np.random.default_rng(seed).normal(size=shape)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("kwargs", [
    {}, {"bias": False}, {"add_bias_kv": True}, {"add_zero_attn": True},
    {"add_bias_kv": True, "add_zero_attn": True}, {"batch_first": True},
    {"kdim": 6, "vdim": 5}, {"kdim": 6, "vdim": 6, "bias": False}, {"num_heads": 1},
])
def test_mha_module_options(kwargs, dtype):
    kwargs = dict(kwargs)
    H = kwargs.pop("num_heads", 2)
    t, e = _mha(8, H, dtype=np.dtype(dtype).name, **kwargs)
    kd, vd = kwargs.get("kdim", 8), kwargs.get("vdim", 8)
    bf = kwargs.get("batch_first", False)
    q, k, v = ((_x(3, 4, 8), _x(3, 5, kd, seed=1), _x(3, 5, vd, seed=2)) if bf
               else (_x(4, 3, 8), _x(5, 3, kd, seed=1), _x(5, 3, vd, seed=2)))
    _run(t, e, [q, k, v], dtype)
    _run(t, e, [q, k, v], dtype, need_weights=False)
    if kd == 8 and vd == 8:
        _run(t, e, [q], dtype, average_attn_weights=False)   # self-attention: one fused projection
        _run(t, e, [q, k], dtype, need_weights=False)         # key is value


@pytest.mark.parametrize("kwargs", [{}, {"add_bias_kv": True, "add_zero_attn": True},
                                    {"kdim": 6, "vdim": 5}])
def test_mha_module_unbatched(kwargs):
    t, e = _mha(8, 2, dtype="float64", **kwargs)
    q, k, v = _x(4, 8), _x(5, kwargs.get("kdim", 8), seed=1), _x(5, kwargs.get("vdim", 8), seed=2)
    m = _mask((4, 5), seed=2, dead_row=None)
    _run(t, e, [q, k, v], np.float64, attn_mask=m, key_padding_mask=_mask((5,), seed=3, p=0.3))
    _run(t, e, [q, k, v], np.float64, need_weights=False)


@pytest.mark.parametrize("need_weights", [True, False])
@pytest.mark.parametrize("masks", [
    {"attn_mask": ("bool", (4, 5))}, {"attn_mask": ("float", (4, 5))},
    {"attn_mask": ("bool", (6, 4, 5))}, {"attn_mask": ("float", (6, 4, 5))},
    {"key_padding_mask": ("bool", (3, 5))}, {"key_padding_mask": ("float", (3, 5))},
    {"attn_mask": ("bool", (4, 5)), "key_padding_mask": ("bool", (3, 5))},
    {"attn_mask": ("float", (6, 4, 5)), "key_padding_mask": ("float", (3, 5))},
])
def test_mha_module_masks(masks, need_weights):
    t, e = _mha(8, 2, dtype="float64", add_bias_kv=True)
    kw = {}
    for i, (name, (kind, shape)) in enumerate(masks.items()):
        if kind == "bool":
            kw[name] = _mask(shape, seed=10 + i, p=0.25 if name == "key_padding_mask" else 0.7)
        else:
            kw[name] = np.random.default_rng(i).normal(size=shape)
    _run(t, e, [_x(4, 3, 8), _x(5, 3, 8, seed=1), _x(5, 3, 8, seed=2)], np.float64,
         need_weights=need_weights, **kw)


def test_mha_module_is_causal():
    t, e = _mha(8, 2, dtype="float64", batch_first=True)
    causal = torch.nn.Transformer.generate_square_subsequent_mask(4, dtype=torch.float64).numpy()
    x = _x(3, 4, 8)
    _run(t, e, [x], np.float64, attn_mask=causal, is_causal=True, need_weights=False)
    _run(t, e, [x], np.float64, attn_mask=causal, is_causal=True)
    with pytest.warns(UserWarning, match="mismatched key_padding_mask and attn_mask") as rec:
        _run(t, e, [x], np.float64, attn_mask=causal, is_causal=True, need_weights=False,
             key_padding_mask=_mask((3, 4), seed=1, p=0.2))
    assert len(rec) == 2  # torch's warning and ember's


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("kw", [{}, {"bias": False}, {"dropout": 0.5}])
def test_mha_module_batch_first_self_attention_no_weights(dtype, kw):
    """The batch-major self-attention path (no weights, no masks, no dropout draw)."""
    t, e = _mha(8, 2, dtype=np.dtype(dtype).name, batch_first=True, **kw)
    if kw.get("dropout"):
        t.eval()
        e.eval()
    _run(t, e, [_x(3, 5, 8)], dtype, need_weights=False)
    causal = torch.nn.Transformer.generate_square_subsequent_mask(5, dtype=torch.float64).numpy()
    _run(t, e, [_x(3, 5, 8, seed=1)], dtype, need_weights=False, is_causal=True,
         attn_mask=causal.astype(dtype))


@pytest.mark.parametrize("need_weights", [True, False])
def test_mha_module_dropout_same_seed(need_weights):
    t, e = _mha(8, 2, dtype="float64", dropout=0.4)
    _run(t, e, [_x(4, 3, 8), _x(5, 3, 8, seed=1), _x(5, 3, 8, seed=2)], np.float64, seed=3,
         need_weights=need_weights)
    t.eval()
    e.eval()
    _run(t, e, [_x(4, 3, 8), _x(5, 3, 8, seed=1), _x(5, 3, 8, seed=2)], np.float64)


def test_mha_module_eval_fast_path_matches():
    """torch's fused inference kernel (eval, batch_first, self-attention, no grad) vs ember."""
    for dtype in (torch.float32, torch.float64):
        t, e = _mha(8, 2, dtype=str(dtype)[6:], batch_first=True)
        t.eval()
        e.eval()
        x = torch.from_numpy(_x(3, 4, 8)).to(dtype)
        m = torch.from_numpy(_mask((3, 4), seed=1, p=0.3))
        m[:, 0] = False
        with torch.no_grad():
            to = t(x, x, x, key_padding_mask=m)
        ex = to_ember(x)
        with ember.no_grad():
            eo = e(ex, ex, ex, key_padding_mask=to_ember(m))
        assert_same(eo, to, op="MultiheadAttention fast path")


def test_mha_module_state_dict_repr_and_init():
    for args, kw in [((8, 2), {}), ((8, 4), {"bias": False}), ((8, 2), {"add_bias_kv": True}),
                     ((8, 2), {"kdim": 3, "vdim": 5}), ((6, 3), {"batch_first": True})]:
        t, e = _mha(*args, seed=11, **kw)
        assert repr(e) == repr(t)
        assert list(e.state_dict()) == list(t.state_dict())
        assert [n for n, _ in e.named_modules()] == [n for n, _ in t.named_modules()]
        assert type(e.out_proj).__name__ == "NonDynamicallyQuantizableLinear"
        assert (e.head_dim, e._qkv_same_embed_dim, e.kdim, e.vdim) == \
               (t.head_dim, t._qkv_same_embed_dim, t.kdim, t.vdim)
        e2 = ember.nn.MultiheadAttention(*args, **kw)
        e2.load_state_dict({k: to_ember(v) for k, v in t.state_dict().items()})
        t2 = torch.nn.MultiheadAttention(*args, **kw)
        t2.load_state_dict({k: torch.from_numpy(np.asarray(v.detach()._host()).copy())
                            for k, v in e.state_dict().items()})
        for (n, a), (_, b) in zip(t2.state_dict().items(), e2.state_dict().items()):
            assert_same(b, a, rtol=0, atol=0, where=n)


def _mha_call(lib, ctor, call):
    m = lib.nn.MultiheadAttention(*ctor[0], **ctor[1])
    args = [lib.zeros(*s) if isinstance(s, tuple) else s for s in call[0]]
    kw = {k: (lib.zeros(*v[1], dtype=getattr(lib, v[0])) if isinstance(v, tuple) else v)
          for k, v in call[1].items()}
    return m(*args, **kw)


Q3 = ((4, 3, 8), (5, 3, 8), (5, 3, 8))


@pytest.mark.parametrize("ctor,call", [
    (((8, 3), {}), (Q3, {})),                                     # not divisible
    (((0, 2), {}), (Q3, {})),
    (((8, -1), {}), (Q3, {})),
    (((8, 2), {}), (Q3, {"attn_mask": ("bool", (4, 4))})),
    (((8, 2), {}), (Q3, {"attn_mask": ("float32", (5, 4, 5))})),
    (((8, 2), {}), (Q3, {"attn_mask": ("bool", (1, 1, 4, 5))})),
    (((8, 2), {}), (Q3, {"key_padding_mask": ("bool", (3, 4))})),
    (((8, 2), {}), (Q3, {"key_padding_mask": ("bool", (2, 5))})),
    (((8, 2), {}), (Q3, {"key_padding_mask": ("bool", (5,))})),
    (((8, 2), {}), (Q3, {"attn_mask": ("int64", (4, 5))})),
    (((8, 2), {}), (Q3, {"is_causal": True})),
    (((8, 2), {}), (((1, 4, 3, 8), (1, 5, 3, 8), (1, 5, 3, 8)), {})),
    (((8, 2), {}), (((4, 3, 8), (5, 8), (5, 3, 8)), {})),
    (((8, 2), {}), (((4, 8), (5, 8), (5, 8)), {"attn_mask": ("bool", (3, 4, 5))})),
    (((8, 2), {}), (((4, 3, 6), (5, 3, 6), (5, 3, 6)), {})),
    (((8, 2), {}), (((4, 3, 8), (5, 3, 8), (6, 3, 8)), {})),
    (((8, 2), {"kdim": 4, "vdim": 4}), (((4, 3, 8), (5, 3, 4), (6, 3, 4)), {})),
    (((8, 2), {"kdim": 4, "vdim": 4}), (((4, 3, 8), (5, 3, 3), (5, 3, 4)), {})),
])
def test_mha_module_errors(ctor, call):
    check_raises(lambda lib: _mha_call(lib, ctor, call), inputs=[])


@pytest.mark.parametrize("need_weights", [True, False])
def test_mha_module_fully_padded_sequence(need_weights):
    """A batch element whose keys are all padded: NaN with weights (plain softmax), zeros from
    scaled_dot_product_attention without them, as torch."""
    t, e = _mha(8, 2, dtype="float64")
    kp = np.zeros((3, 5), dtype=bool)
    kp[1] = True
    _run(t, e, [_x(4, 3, 8), _x(5, 3, 8, seed=1), _x(5, 3, 8, seed=2)], np.float64,
         need_weights=need_weights, key_padding_mask=kp)
