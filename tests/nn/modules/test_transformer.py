"""TransformerEncoderLayer, TransformerDecoderLayer, TransformerEncoder, TransformerDecoder and
nn.Transformer against torch: default init after manual_seed, outputs and every gradient (train
mode with dropout after the same seed, eval mode), masks of every kind, norm_first, activations,
batch_first, bias=False, repr, state_dict keys, deep-copied layers and errors."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
from tests.oracle import assert_same, check_raises, compare_module, module_pair, to_ember


def _act(lib, act):
    """The activation argument for each library: a name, F's function, a module or a lambda."""
    if act in ("relu", "gelu"):
        return act
    if act == "F.gelu":
        return lib.nn.functional.gelu
    if act == "GELU()":
        return lib.nn.GELU()
    if act == "tanh":
        return lambda x: lib.tanh(x)
    return lib.nn.functional.relu


def _build(lib, kind, args, kw, seed):
    """Module `kind` from lib after manual_seed(seed); Encoder/Decoder stacks wrap a layer."""
    kw = dict(kw)
    if "activation" in kw:
        kw["activation"] = _act(lib, kw["activation"])
    if "dtype" in kw:
        kw["dtype"] = getattr(lib, kw["dtype"])
    lib.manual_seed(seed)
    nn = lib.nn
    if kind == "Encoder":
        layer = nn.TransformerEncoderLayer(*args, **kw)
        norm = nn.LayerNorm(args[0], dtype=kw.get("dtype"))
        return nn.TransformerEncoder(layer, 2, norm, enable_nested_tensor=False)
    if kind == "Decoder":
        layer = nn.TransformerDecoderLayer(*args, **kw)
        return nn.TransformerDecoder(layer, 2, nn.LayerNorm(args[0], dtype=kw.get("dtype")))
    return getattr(nn, kind)(*args, **kw)


def _seeded(kind, *args, seed=0, **kw):
    """`kind` in both libraries after the same seed: the weights must agree, so must the repr."""
    t, e = module_pair(lambda lib: _build(lib, kind, args, kw, seed), init="seed", seed=seed)
    assert repr(e) == repr(t)
    return t, e


def _run(t, e, arrays, dtype=np.float64, seed=None, **kw):
    """compare_module on `arrays` (same seed first when given)."""
    compare_module(t, e, [a.astype(dtype) for a in arrays], seed=seed, **kw)


def _x(*shape, seed=0):
    return np.random.default_rng(seed).normal(size=shape)


def _causal(n, dtype=np.float64):
    return torch.nn.Transformer.generate_square_subsequent_mask(n).numpy().astype(dtype)


def _pad(shape, seed=1):
    m = np.random.default_rng(seed).random(shape) < 0.3
    m[..., 0] = False  # every query keeps at least one key
    return m


LAYER_OPTS = [
    {}, {"norm_first": True}, {"activation": "gelu"}, {"activation": "F.gelu"},
    {"activation": "GELU()"}, {"activation": "tanh"}, {"batch_first": True}, {"bias": False},
    {"layer_norm_eps": 1e-3, "norm_first": True, "batch_first": True},
]


# ---- encoder layer -------------------------------------------------------------------------


@pytest.mark.parametrize("opts", LAYER_OPTS)
def test_encoder_layer_train_dropout_and_eval(opts):
    t, e = _seeded("TransformerEncoderLayer", 8, 2, 16, dtype="float64", **opts)
    src = _x(3, 4, 8) if opts.get("batch_first") else _x(4, 3, 8)
    _run(t, e, [src], seed=1)
    _run(t, e, [src], seed=2, src_mask=_causal(4), is_causal=True)
    t.eval()
    e.eval()
    _run(t, e, [src], src_key_padding_mask=_pad((3, 4)))


@pytest.mark.parametrize("masks", [
    {"src_mask": ("bool", (4, 4))}, {"src_mask": ("float", (4, 4))},
    {"src_mask": ("float", (6, 4, 4))}, {"src_key_padding_mask": ("bool", (3, 4))},
    {"src_key_padding_mask": ("float", (3, 4))},
    {"src_mask": ("float", (4, 4)), "src_key_padding_mask": ("float", (3, 4))},
])
def test_encoder_layer_masks(masks):
    t, e = _seeded("TransformerEncoderLayer", 8, 2, 16, dropout=0.0, dtype="float64")
    kw = {}
    for name, (kind, shape) in masks.items():
        if kind == "bool":
            kw[name] = _pad(shape, seed=len(kw)) if "padding" in name else \
                np.triu(np.ones(shape, dtype=bool), 1)
        elif "padding" in name:
            kw[name] = np.where(_pad(shape, seed=3), -np.inf, 0.0)
        else:
            kw[name] = np.random.default_rng(4).normal(size=shape)
    _run(t, e, [_x(4, 3, 8)], **kw)


def test_encoder_layer_unbatched_and_float32():
    t, e = _seeded("TransformerEncoderLayer", 8, 2, 16, dtype="float64")
    _run(t, e, [_x(4, 8)], seed=0, src_mask=_causal(4))
    t, e = _seeded("TransformerEncoderLayer", 8, 4, 16, dropout=0.0, norm_first=True)
    _run(t, e, [_x(5, 2, 8)], dtype=np.float32, src_key_padding_mask=_pad((2, 5)))


def test_encoder_layer_eval_fast_path_matches():
    """torch's fused inference kernel (eval, batch_first, no grad) agrees up to rounding."""
    for dt, nf in [("float32", False), ("float64", True)]:
        t, e = _seeded("TransformerEncoderLayer", 8, 2, 16, batch_first=True, norm_first=nf,
                     dtype=dt)
        t.eval()
        e.eval()
        x = torch.from_numpy(_x(3, 4, 8)).to(getattr(torch, dt))
        m = torch.from_numpy(_pad((3, 4)))
        with torch.no_grad():
            to = t(x, src_key_padding_mask=m)
        with ember.no_grad():
            eo = e(to_ember(x), src_key_padding_mask=to_ember(m))
        assert_same(eo, to, op="TransformerEncoderLayer fast path")


# ---- decoder layer -------------------------------------------------------------------------


@pytest.mark.parametrize("opts", LAYER_OPTS)
def test_decoder_layer_train_dropout_and_eval(opts):
    t, e = _seeded("TransformerDecoderLayer", 8, 2, 16, dtype="float64", **opts)
    bf = opts.get("batch_first")
    tgt, mem = (_x(3, 4, 8), _x(3, 5, 8, seed=1)) if bf else (_x(4, 3, 8), _x(5, 3, 8, seed=1))
    _run(t, e, [tgt, mem], seed=1)
    _run(t, e, [tgt, mem], seed=2, tgt_mask=_causal(4), tgt_is_causal=True,
         memory_key_padding_mask=_pad((3, 5)))
    t.eval()
    e.eval()
    _run(t, e, [tgt, mem], tgt_key_padding_mask=_pad((3, 4)),
         memory_mask=np.random.default_rng(2).normal(size=(4, 5)))


def test_decoder_layer_unbatched():
    t, e = _seeded("TransformerDecoderLayer", 8, 2, 16, dtype="float64")
    _run(t, e, [_x(4, 8), _x(5, 8, seed=1)], seed=3, tgt_mask=_causal(4),
         memory_key_padding_mask=_pad((5,)))


# ---- stacks ----------------------------------------------------------------------------------


@pytest.mark.parametrize("opts", [{}, {"norm_first": True, "batch_first": True}])
def test_encoder_stack(opts):
    t, e = _seeded("Encoder", 8, 2, 16, dtype="float64", **opts)
    assert e.layers[0] is not e.layers[1]
    assert e.layers[0].linear1.weight is not e.layers[1].linear1.weight
    src = _x(3, 4, 8) if opts else _x(4, 3, 8)
    _run(t, e, [src], seed=4, mask=_causal(4))                 # causal detected from the mask
    _run(t, e, [src], seed=5, src_key_padding_mask=_pad((3, 4)))
    t.eval()
    e.eval()
    _run(t, e, [src], mask=np.triu(np.ones((4, 4), dtype=bool), 1))


@pytest.mark.parametrize("opts", [{}, {"norm_first": True, "batch_first": True}])
def test_decoder_stack(opts):
    t, e = _seeded("Decoder", 8, 2, 16, dtype="float64", **opts)
    bf = bool(opts)
    tgt, mem = (_x(3, 4, 8), _x(3, 5, 8, seed=1)) if bf else (_x(4, 3, 8), _x(5, 3, 8, seed=1))
    _run(t, e, [tgt, mem], seed=6, tgt_mask=_causal(4), tgt_key_padding_mask=_pad((3, 4)))
    _run(t, e, [tgt, mem], seed=7, memory_mask=np.zeros((4, 5)), memory_is_causal=False)


def test_encoder_nested_tensor_warning_and_attributes():
    for lib in (torch, ember):
        layer = lib.nn.TransformerEncoderLayer(8, 2, 16, norm_first=True)
        with pytest.warns(UserWarning, match="enable_nested_tensor is True, but "
                                             "self.use_nested_tensor is False because "
                                             "encoder_layer.norm_first was True"):
            enc = lib.nn.TransformerEncoder(layer, 2)
        assert enc.use_nested_tensor is False and enc.enable_nested_tensor is True
        layer = lib.nn.TransformerEncoderLayer(8, 2, 16, batch_first=True)
        enc = lib.nn.TransformerEncoder(layer, 2)
        assert enc.use_nested_tensor is True and enc.num_layers == 2 and enc.norm is None


# ---- nn.Transformer --------------------------------------------------------------------------


@pytest.mark.parametrize("opts", [{}, {"batch_first": True, "norm_first": True,
                                       "activation": "gelu"}, {"bias": False}])
def test_transformer_full(opts):
    t, e = _seeded("Transformer", 8, 2, 2, 1, 16, dtype="float64", **opts)
    bf = opts.get("batch_first")
    src, tgt = (_x(3, 5, 8), _x(3, 4, 8, seed=1)) if bf else (_x(5, 3, 8), _x(4, 3, 8, seed=1))
    _run(t, e, [src, tgt], seed=8, tgt_mask=_causal(4), src_key_padding_mask=_pad((3, 5)),
         memory_key_padding_mask=_pad((3, 5)))
    t.eval()
    e.eval()
    _run(t, e, [src, tgt], tgt_mask=_causal(4), tgt_is_causal=True)


def test_transformer_default_init_and_repr():
    t, e = _seeded("Transformer", 16, 4, 1, 1, 32, seed=3)
    assert (e.d_model, e.nhead, e.batch_first) == (t.d_model, t.nhead, t.batch_first)
    t, e = _seeded("Transformer", seed=0, num_encoder_layers=1, num_decoder_layers=1,
                 dim_feedforward=64)


def test_generate_square_subsequent_mask():
    for n in (0, 1, 4):
        assert_same(ember.nn.Transformer.generate_square_subsequent_mask(n),
                    torch.nn.Transformer.generate_square_subsequent_mask(n))
    assert_same(ember.nn.Transformer.generate_square_subsequent_mask(3, dtype=ember.float64),
                torch.nn.Transformer.generate_square_subsequent_mask(3, dtype=torch.float64))


def test_custom_encoder_decoder():
    def build(lib):
        lib.manual_seed(0)
        enc = lib.nn.TransformerEncoder(lib.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0),
                                        1, enable_nested_tensor=False)
        dec = lib.nn.TransformerDecoder(lib.nn.TransformerDecoderLayer(8, 2, 16, dropout=0.0), 1)
        return lib.nn.Transformer(8, 2, custom_encoder=enc, custom_decoder=dec, dropout=0.0)
    t, e = build(torch), build(ember)
    assert repr(e) == repr(t)
    for (n, a), (_, b) in zip(t.named_parameters(), e.named_parameters(), strict=True):
        assert_same(b, a, rtol=0, atol=0, where=n)
    _run(t, e, [_x(5, 2, 8), _x(4, 2, 8, seed=1)], dtype=np.float32)


@pytest.mark.parametrize("fn", [
    lambda lib: lib.nn.TransformerEncoderLayer(8, 2, activation="tanh"),
    lambda lib: lib.nn.TransformerDecoderLayer(8, 2, activation="swish"),
    lambda lib: lib.nn.TransformerEncoderLayer(8, 3),
    lambda lib: lib.nn.Transformer(8, 2, 1, 1, 16)(lib.zeros(5, 3, 8), lib.zeros(4, 2, 8)),
    lambda lib: lib.nn.Transformer(8, 2, 1, 1, 16, batch_first=True)(lib.zeros(3, 5, 8),
                                                                     lib.zeros(2, 4, 8)),
    lambda lib: lib.nn.Transformer(8, 2, 1, 1, 16)(lib.zeros(5, 3, 6), lib.zeros(4, 3, 6)),
    lambda lib: lib.nn.TransformerEncoderLayer(8, 2, 16)(lib.zeros(4, 3, 8),
                                                         src_mask=lib.zeros(3, 3)),
    lambda lib: lib.nn.TransformerEncoderLayer(8, 2, 16)(lib.zeros(4, 3, 8),
                                                         src_key_padding_mask=lib.zeros(
                                                             3, 5, dtype=lib.bool)),
    lambda lib: lib.nn.TransformerEncoderLayer(8, 2, 16)(
        lib.zeros(4, 3, 8), src_mask=lib.zeros(4, 4, dtype=lib.int64)),
    lambda lib: lib.nn.TransformerDecoderLayer(8, 2, 16)(lib.zeros(4, 3, 8), lib.zeros(5, 3, 8),
                                                         memory_mask=lib.zeros(4, 4)),
    lambda lib: lib.nn.TransformerEncoderLayer(8, 2, 16)(lib.zeros(4, 3, 8), is_causal=True),
])
def test_transformer_errors(fn):
    check_raises(fn, inputs=[])


def test_transformer_unbatched():
    t, e = _seeded("Transformer", 8, 2, 1, 1, 16, dtype="float64")
    _run(t, e, [_x(5, 8), _x(4, 8, seed=1)], seed=9, tgt_mask=_causal(4),
         src_key_padding_mask=_pad((5,)))
