"""scaled_dot_product_attention, multi_head_attention_forward and nn.MultiheadAttention against
torch: values, attention weights, input and parameter gradients (second order on the functional
forms, through torch's math backend), masks of every kind, dropout after the same seed, default
init after manual_seed, repr, state_dict and errors."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from torch.nn.attention import SDPBackend, sdpa_kernel

import ember
from tests.oracle import assert_same, check, check_raises, to_ember

# ---- scaled_dot_product_attention -----------------------------------------------------------


def _sdpa(lib, *args, math_only=True, **kwargs):
    """SDPA under torch's math backend (the one with double backward), or ember's."""
    if lib is torch and math_only:
        with sdpa_kernel(SDPBackend.MATH):
            return torch.nn.functional.scaled_dot_product_attention(*args, **kwargs)
    return lib.nn.functional.scaled_dot_product_attention(*args, **kwargs)


def _mask(shape, seed=0, p=0.6, dead_row=None):
    m = np.random.default_rng(seed).random(shape) < p
    if dead_row is not None:
        m[..., dead_row, :] = False
    return m


QKV = [(2, 3, 4, 8), (2, 3, 5, 8), (2, 3, 5, 8)]


@pytest.mark.parametrize("shapes", [
    QKV,
    [(3, 4), (5, 4), (5, 4)],                       # 2-D
    [(2, 3, 4), (2, 5, 4), (2, 5, 6)],              # value dim differs
    [(2, 1, 3, 4), (1, 3, 5, 4), (1, 3, 5, 4)],     # broadcast batch dims
    [(2, 2, 2, 3, 4), (2, 2, 2, 5, 4), (2, 2, 2, 5, 4)],  # 5-D
    [(2, 0, 4), (2, 5, 4), (2, 5, 4)],              # empty query
    [(2, 3, 4), (2, 0, 4), (2, 0, 4)],              # empty keys
    [(1, 1, 1, 1), (1, 1, 1, 1), (1, 1, 1, 1)],
])
def test_sdpa_shapes(shapes):
    empty = any(0 in s for s in shapes)  # torch's empty-input grads carry no graph
    check(lambda lib, q, k, v: _sdpa(lib, q, k, v), shapes=shapes, dtype="float64",
          grad2=not empty)


@pytest.mark.parametrize("kwargs", [{"scale": 0.3}, {"scale": -0.7}, {"scale": 0.0},
                                    {"is_causal": True}, {"is_causal": True, "scale": 2.0}])
def test_sdpa_scale_and_causal(kwargs):
    check(lambda lib, q, k, v: _sdpa(lib, q, k, v, **kwargs), shapes=QKV, dtype="float64",
          grad2=True)


@pytest.mark.parametrize("L,S", [(5, 3), (3, 5), (4, 4)])
def test_sdpa_causal_rectangular(L, S):
    check(lambda lib, q, k, v: _sdpa(lib, q, k, v, is_causal=True),
          shapes=[(2, L, 4), (2, S, 4), (2, S, 4)], dtype="float64", grad2=True)


@pytest.mark.parametrize("mshape", [(4, 5), (3, 4, 5), (2, 1, 4, 5), (2, 3, 4, 5), (5,), (1, 5),
                                    (4, 1)])
def test_sdpa_bool_mask(mshape):
    m = _mask(mshape)
    check(lambda lib, q, k, v: _sdpa(lib, q, k, v, attn_mask=lib.from_numpy(m.copy())),
          shapes=QKV, dtype="float64", grad2=True)


def test_sdpa_bool_mask_fully_masked_rows_give_zeros():
    m = _mask((4, 5), dead_row=1)
    for dt in ["float64", "float32"]:
        check(lambda lib, q, k, v: _sdpa(lib, q, k, v, attn_mask=lib.from_numpy(m.copy())),
              shapes=QKV, dtype=dt, grad2=True)


@pytest.mark.parametrize("mdtype", ["float64", "float32"])
def test_sdpa_float_mask(mdtype):
    m = np.random.default_rng(1).normal(size=(2, 1, 4, 5)).astype(mdtype)
    m[0, 0, 2] = -np.inf
    check(lambda lib, q, k, v: _sdpa(lib, q, k, v, attn_mask=lib.from_numpy(m.copy())),
          shapes=QKV, dtype="float64", grad2=True)


def test_sdpa_float32_and_flash_path():
    m = _mask((4, 5), dead_row=2)
    for kw in [{}, {"is_causal": True}, {"attn_mask": m}]:
        def f(lib, q, k, v, kw=kw):
            kw = dict(kw)
            if "attn_mask" in kw:
                kw["attn_mask"] = lib.from_numpy(kw["attn_mask"].copy())
            return _sdpa(lib, q, k, v, math_only=False, **kw)
        check(f, shapes=QKV, dtype="float32")
        check(f, shapes=QKV, dtype="float64")


def test_sdpa_gqa():
    check(lambda lib, q, k, v: _sdpa(lib, q, k, v, enable_gqa=True),
          shapes=[(2, 4, 3, 8), (2, 2, 5, 8), (2, 1, 5, 8)], dtype="float64", grad2=True)
    check(lambda lib, q, k, v: _sdpa(lib, q, k, v, enable_gqa=True), shapes=QKV,
          dtype="float64")


def test_sdpa_noncontiguous():
    rng = np.random.default_rng(0)
    q = rng.normal(size=(2, 3, 8, 4)).transpose(0, 1, 3, 2)
    k = rng.normal(size=(5, 2, 3, 8)).transpose(1, 2, 0, 3)
    v = rng.normal(size=(2, 3, 5, 8))[..., ::1]
    check(lambda lib, q, k, v: _sdpa(lib, q, k, v), inputs=[q, k, v], grad2=True)


def test_sdpa_half_precision_dtype():
    check(lambda lib, q, k, v: _sdpa(lib, q, k, v), shapes=QKV, dtype="float16", grad=False,
          rtol=5e-3, atol=5e-3)


@pytest.mark.parametrize("p", [0.3, 1.0])
def test_sdpa_dropout_same_seed(p):
    def f(lib, q, k, v):
        lib.manual_seed(7)
        return _sdpa(lib, q, k, v, dropout_p=p)
    check(f, shapes=QKV, dtype="float64", grad2=True)


def _c(shapes, **kw):
    return {"shapes": shapes, **kw}


@pytest.mark.parametrize("case", [
    _c([(4,), (4,), (4,)]),
    _c([(2, 3, 4), (2, 5, 3), (2, 5, 4)]),
    _c([(2, 3, 4), (2, 5, 4), (2, 6, 4)]),
    _c([(2, 3, 4), (3, 5, 4), (3, 5, 4)]),
    _c([(2, 3, 4), (2, 5, 4), (2, 5, 4)], dtypes=["float32", "float64", "float32"]),
    _c([(2, 3, 4), (2, 5, 4), (2, 5, 4)], dtype="int64"),
    _c([(1, 4, 3, 4), (1, 3, 5, 4), (1, 3, 5, 4)], kw={"enable_gqa": True}),
    _c([(1, 4, 3, 4), (1, 2, 5, 4), (1, 2, 5, 4)]),
    _c([(2, 3, 4), (2, 5, 4), (2, 5, 4)], kw={"dropout_p": 1.5}),
    _c([(2, 3, 4), (2, 5, 4), (2, 5, 4)], mask=("bool", (3, 5)), kw={"is_causal": True}),
    _c([(2, 3, 4), (2, 5, 4), (2, 5, 4)], mask=("bool", (3, 4))),
    _c([(2, 3, 4), (2, 5, 4), (2, 5, 4)], mask=("float32", (4, 2, 3, 5))),
    _c([(2, 3, 4), (2, 5, 4), (2, 5, 4)], mask=("float32", (2, 6, 5))),
    _c([(2, 3, 4), (2, 5, 4), (2, 5, 4)], mask=("int64", (3, 5))),
    _c([(2, 3, 4), (2, 5, 4), (2, 5, 4)], mask=("float64", (3, 5))),
])
def test_sdpa_errors(case):
    kw = case.get("kw", {})
    mask = case.get("mask")

    def f(lib, q, k, v):
        extra = dict(kw)
        if mask is not None:
            extra["attn_mask"] = lib.zeros(mask[1], dtype=getattr(lib, mask[0]))
        return lib.nn.functional.scaled_dot_product_attention(q, k, v, **extra)
    check_raises(f, shapes=case["shapes"], dtype=case.get("dtype", "float32"),
                 dtypes=case.get("dtypes"))


# ---- multi_head_attention_forward ------------------------------------------------------------


def _mha_fn(E=8, H=2, **kw):
    def f(lib, q, k, v, w_in, b_in, w_out, b_out):
        if lib is torch and not kw.get("need_weights", True):
            with sdpa_kernel(SDPBackend.MATH):
                return lib.nn.functional.multi_head_attention_forward(
                    q, k, v, E, H, w_in, b_in, None, None, False, 0.0, w_out, b_out, **kw)
        return lib.nn.functional.multi_head_attention_forward(
            q, k, v, E, H, w_in, b_in, None, None, False, 0.0, w_out, b_out, **kw)
    return f


@pytest.mark.parametrize("kw", [{}, {"need_weights": False}, {"average_attn_weights": False}])
def test_mha_functional_grad2(kw):
    check(_mha_fn(**kw), shapes=[(4, 2, 8), (5, 2, 8), (5, 2, 8), (24, 8), (24,), (8, 8), (8,)],
          dtype="float64", grad2=True)


def test_mha_functional_unbatched_and_masks():
    m = _mask((4, 5), seed=3)
    kp = _mask((5,), seed=4, p=0.3)

    def f(lib, q, k, v, w_in, b_in, w_out, b_out):
        return lib.nn.functional.multi_head_attention_forward(
            q, k, v, 8, 2, w_in, b_in, None, None, False, 0.0, w_out, b_out,
            attn_mask=lib.from_numpy(m.copy()), key_padding_mask=lib.from_numpy(kp.copy()))
    check(f, shapes=[(4, 8), (5, 8), (5, 8), (24, 8), (24,), (8, 8), (8,)], dtype="float64",
          grad2=True)


# ---- nn.MultiheadAttention -------------------------------------------------------------------


def _pair(*args, seed=0, **kwargs):
    """The torch and ember modules built after the same seed (weights must already agree)."""
    dt = kwargs.pop("dtype", None)
    torch.manual_seed(seed)
    t = torch.nn.MultiheadAttention(*args, **kwargs, dtype=getattr(torch, dt) if dt else None)
    ember.manual_seed(seed)
    e = ember.nn.MultiheadAttention(*args, **kwargs, dtype=getattr(ember, dt) if dt else None)
    for (tn, tp), (en, ep) in zip(t.named_parameters(), e.named_parameters(), strict=True):
        assert tn == en
        assert_same(ep, tp, rtol=0, atol=0, where=f"init {tn}")
    return t, e


def _run(t, e, arrays, dtype, seed=None, **kw):
    """Call both modules on the same inputs (query is key is value when arrays has one entry);
    compare outputs, weights, input and parameter gradients."""
    tx = [torch.from_numpy(a.astype(dtype)).requires_grad_(True) for a in arrays]
    ex = [to_ember(x, requires_grad=True) for x in tx]
    targs = tx * 3 if len(tx) == 1 else tx[:1] + tx[1:2] * 2 if len(tx) == 2 else tx
    eargs = ex * 3 if len(ex) == 1 else ex[:1] + ex[1:2] * 2 if len(ex) == 2 else ex
    tkw = {k: (torch.from_numpy(v.copy()) if isinstance(v, np.ndarray) else v)
           for k, v in kw.items()}
    ekw = {k: (ember.from_numpy(v.copy()) if isinstance(v, np.ndarray) else v)
           for k, v in kw.items()}
    if seed is not None:
        torch.manual_seed(seed)
    to = t(*targs, **tkw)
    if seed is not None:
        ember.manual_seed(seed)
    eo = e(*eargs, **ekw)
    slack = 1.0 if dtype == np.float64 else 4.0
    assert_same(eo, to, slack=slack)
    outs = [o for o in to if o is not None]
    rng = np.random.default_rng(5)
    ups = [rng.uniform(-1, 1, tuple(o.shape)).astype(dtype) for o in outs]
    torch.autograd.backward(outs, [torch.from_numpy(u) for u in ups])
    ember.autograd.backward([o for o in eo if o is not None], [ember.from_numpy(u) for u in ups])
    for i, (a, b) in enumerate(zip(ex, tx)):
        assert_same(a.grad, b.grad, slack=4 * slack, where=f"input {i} grad")
    for (tn, tp), (_, ep) in zip(t.named_parameters(), e.named_parameters()):
        assert_same(ep.grad, tp.grad, slack=4 * slack, where=f"{tn}.grad")


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
    t, e = _pair(8, H, dtype=np.dtype(dtype).name, **kwargs)
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
    t, e = _pair(8, 2, dtype="float64", **kwargs)
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
    t, e = _pair(8, 2, dtype="float64", add_bias_kv=True)
    kw = {}
    for i, (name, (kind, shape)) in enumerate(masks.items()):
        if kind == "bool":
            kw[name] = _mask(shape, seed=10 + i, p=0.25 if name == "key_padding_mask" else 0.7)
        else:
            kw[name] = np.random.default_rng(i).normal(size=shape)
    _run(t, e, [_x(4, 3, 8), _x(5, 3, 8, seed=1), _x(5, 3, 8, seed=2)], np.float64,
         need_weights=need_weights, **kw)


def test_mha_module_is_causal():
    t, e = _pair(8, 2, dtype="float64", batch_first=True)
    causal = torch.nn.Transformer.generate_square_subsequent_mask(4, dtype=torch.float64).numpy()
    x = _x(3, 4, 8)
    _run(t, e, [x], np.float64, attn_mask=causal, is_causal=True, need_weights=False)
    _run(t, e, [x], np.float64, attn_mask=causal, is_causal=True)
    with pytest.warns(UserWarning, match="mismatched key_padding_mask and attn_mask") as rec:
        _run(t, e, [x], np.float64, attn_mask=causal, is_causal=True, need_weights=False,
             key_padding_mask=_mask((3, 4), seed=1, p=0.2))
    assert len(rec) == 2  # torch's warning and ember's


@pytest.mark.parametrize("need_weights", [True, False])
def test_mha_module_dropout_same_seed(need_weights):
    t, e = _pair(8, 2, dtype="float64", dropout=0.4)
    _run(t, e, [_x(4, 3, 8), _x(5, 3, 8, seed=1), _x(5, 3, 8, seed=2)], np.float64, seed=3,
         need_weights=need_weights)
    t.eval()
    e.eval()
    _run(t, e, [_x(4, 3, 8), _x(5, 3, 8, seed=1), _x(5, 3, 8, seed=2)], np.float64)


def test_mha_module_eval_fast_path_matches():
    """torch's fused inference kernel (eval, batch_first, self-attention, no grad) vs ember."""
    for dtype in (torch.float32, torch.float64):
        t, e = _pair(8, 2, dtype=str(dtype)[6:], batch_first=True)
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
        assert_same(eo, to, slack=4.0)


def test_mha_module_state_dict_repr_and_init():
    for args, kw in [((8, 2), {}), ((8, 4), {"bias": False}), ((8, 2), {"add_bias_kv": True}),
                     ((8, 2), {"kdim": 3, "vdim": 5}), ((6, 3), {"batch_first": True})]:
        t, e = _pair(*args, seed=11, **kw)
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


def test_mha_functional_bias_kv_zero_attn_grad2():
    def f(lib, q, k, v, w_in, b_in, bk, bv, w_out, b_out):
        return lib.nn.functional.multi_head_attention_forward(
            q, k, v, 8, 2, w_in, b_in, bk, bv, True, 0.0, w_out, b_out,
            key_padding_mask=lib.from_numpy(_pad_mask()))
    check(f, shapes=[(4, 3, 8), (5, 3, 8), (5, 3, 8), (24, 8), (24,), (1, 1, 8), (1, 1, 8),
                     (8, 8), (8,)], dtype="float64", grad2=True)


def _pad_mask():
    m = _mask((3, 5), seed=9, p=0.3)
    m[:, 0] = False
    return m


def test_mha_functional_static_kv():
    def f(lib, q, k, v, w_in, b_in, w_out, b_out, sk, sv):
        return lib.nn.functional.multi_head_attention_forward(
            q, k, v, 8, 2, w_in, b_in, None, None, False, 0.0, w_out, b_out,
            static_k=sk, static_v=sv)
    check(f, shapes=[(4, 3, 8), (5, 3, 8), (5, 3, 8), (24, 8), (24,), (8, 8), (8,), (6, 7, 4),
                     (6, 7, 4)], dtype="float64", grad2=True)


@pytest.mark.parametrize("which", ["bias_k_only", "static_k_shape", "static_with_bias"])
def test_mha_functional_errors(which):
    def f(lib, q, w_in, b_in, w_out, b_out, extra):
        kw = {}
        bk = bv = None
        if which == "bias_k_only":
            bk = extra
        elif which == "static_k_shape":
            kw["static_k"] = lib.zeros(5, 7, 4)
        else:
            bk = bv = extra
            kw["static_k"] = lib.zeros(6, 7, 4)
        return lib.nn.functional.multi_head_attention_forward(
            q, q, q, 8, 2, w_in, b_in, bk, bv, False, 0.0, w_out, b_out, **kw)
    check_raises(f, shapes=[(4, 3, 8), (24, 8), (24,), (8, 8), (8,), (1, 1, 8)])


@pytest.mark.parametrize("need_weights", [True, False])
def test_mha_module_fully_padded_sequence(need_weights):
    """A batch element whose keys are all padded: NaN with weights (plain softmax), zeros from
    scaled_dot_product_attention without them, as torch."""
    t, e = _pair(8, 2, dtype="float64")
    kp = np.zeros((3, 5), dtype=bool)
    kp[1] = True
    _run(t, e, [_x(4, 3, 8), _x(5, 3, 8, seed=1), _x(5, 3, 8, seed=2)], np.float64,
         need_weights=need_weights, key_padding_mask=kp)


def test_sdpa_float_mask_gradient():
    def f(lib, q, k, v, m):
        return _sdpa(lib, q, k, v, attn_mask=m)
    check(f, shapes=QKV + [(3, 4, 5)], dtype="float64", grad2=True)


def test_sdpa_causal_with_dropout_same_seed():
    def f(lib, q, k, v):
        lib.manual_seed(3)
        return _sdpa(lib, q, k, v, is_causal=True, dropout_p=0.5)
    check(f, shapes=QKV, dtype="float64", grad2=True)
