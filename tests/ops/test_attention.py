"""scaled_dot_product_attention and multi_head_attention_forward against torch: values,
attention weights, input gradients and second order (through torch's math backend), masks of every
kind, dropout after the same seed and errors."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from torch.nn.attention import SDPBackend, sdpa_kernel

from tests.oracle import check, check_raises

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
          op="scaled_dot_product_attention")


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


def test_sdpa_float_mask_gradient():
    def f(lib, q, k, v, m):
        return _sdpa(lib, q, k, v, attn_mask=m)
    check(f, shapes=QKV + [(3, 4, 5)], dtype="float64", grad2=True)


def test_sdpa_causal_with_dropout_same_seed():
    def f(lib, q, k, v):
        lib.manual_seed(3)
        return _sdpa(lib, q, k, v, is_causal=True, dropout_p=0.5)
    check(f, shapes=QKV, dtype="float64", grad2=True)


# ---- the fused path: 4-D q/k/v of equal batch, heads and head size (torch's CPU flash cases) ----


@pytest.mark.parametrize("L,S", [(5, 3), (3, 5), (6, 6)])
def test_sdpa_fused_causal_rectangular(L, S):
    check(lambda lib, q, k, v: _sdpa(lib, q, k, v, is_causal=True),
          shapes=[(2, 3, L, 4), (2, 3, S, 4), (2, 3, S, 4)], dtype="float64", grad2=True)


@pytest.mark.parametrize("which", [0, 1, 2])
def test_sdpa_fused_grad_of_one_input(which):
    """Only one of q, k, v requires grad: the fused backward computes just that one."""
    def f(lib, q, k, v):
        args = [t.detach().requires_grad_(i == which) for i, t in enumerate((q, k, v))]
        out = _sdpa(lib, *args, is_causal=True)
        out.backward(lib.ones_like(out) * 0.5)
        return args[which].grad
    check(f, shapes=QKV, dtype="float64", grad=False)


def test_sdpa_fused_float32_causal_and_masks():
    """float32 scores with torch's default backend; gqa, a float mask and a dead bool row."""
    shapes = [(2, 4, 16, 8), (2, 4, 16, 8), (2, 4, 16, 8)]
    m = _mask((16, 16), dead_row=3)
    bias = np.random.default_rng(2).normal(size=(4, 16, 16)).astype("float32")
    for kw in [{"is_causal": True}, {"attn_mask": m}, {"attn_mask": bias}]:
        def f(lib, q, k, v, kw=kw):
            kw = dict(kw)
            if "attn_mask" in kw:
                kw["attn_mask"] = lib.from_numpy(kw["attn_mask"].copy())
            return _sdpa(lib, q, k, v, math_only=False, **kw)
        check(f, shapes=shapes, dtype="float32")
    check(lambda lib, q, k, v: _sdpa(lib, q, k, v, is_causal=True, enable_gqa=True),
          shapes=[(2, 4, 6, 8), (2, 2, 6, 8), (2, 1, 6, 8)], dtype="float64", grad2=True)


def test_sdpa_fused_grad_fn_and_no_grad():
    import ember
    q, k, v = (ember.randn(2, 3, 4, 8, requires_grad=True) for _ in range(3))
    out = ember.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True)
    tq, tk, tv = (torch.tensor(t.detach().numpy(), requires_grad=True) for t in (q, k, v))
    ref = torch.nn.functional.scaled_dot_product_attention(tq, tk, tv, is_causal=True)
    assert type(out.grad_fn).__name__ == type(ref.grad_fn).__name__
    with ember.no_grad():
        plain = ember.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True)
    assert plain.grad_fn is None
    np.testing.assert_allclose(plain.numpy(), ref.detach().numpy(), rtol=1e-5, atol=1e-6)
