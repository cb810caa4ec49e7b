"""autocast('cpu') op by op against torch: the result dtype of every listed op (lower precision,
float32, promote) and of a sample of unlisted ones, values within the low-precision tolerance, and
gradients (float32 leaves get float32 gradients through the casts), for bfloat16 and float16."""
import numpy as np
import pytest
import torch

import ember
from tests.oracle import check, check_raises, module_pair

pytestmark = pytest.mark.filterwarnings("ignore:torch.chain_matmul is deprecated")

LOW = {"bfloat16": (3e-2, 3e-2), "float16": (4e-3, 4e-3)}  # (rtol, atol) of gradients


def _under_autocast(fn, dtype):
    def run(lib, *args):
        with lib.autocast("cpu", dtype=getattr(lib, dtype)):
            return fn(lib, *args)
    return run


def check_autocast(fn, shapes=None, *, dtype="bfloat16", inputs=None, dtypes=None, grad=True,
                   rtol=None, atol=None, low=-2.0, high=2.0):
    """check() with both calls inside autocast('cpu', dtype); gradients at low precision."""
    g_rtol, g_atol = LOW[dtype]
    return check(_under_autocast(fn, dtype), shapes, inputs=inputs, dtypes=dtypes, grad=grad,
                 rtol=rtol, atol=atol, grad_rtol=g_rtol, grad_atol=g_atol, low=low, high=high)


def F(lib):
    return lib.nn.functional


_IDX = np.array([0, 2, 1])

# (name, fn(lib, *tensors), shapes[, dtypes of the inputs])
LOWER = [
    ("matmul", lambda lib, x, y: x @ y, [(3, 4), (4, 5)]),
    ("matmul_batched", lambda lib, x, y: lib.matmul(x, y), [(2, 3, 4), (4, 5)]),
    ("matmul_vec", lambda lib, x, y: lib.matmul(x, y), [(4,), (4,)]),
    ("mm", lambda lib, x, y: lib.mm(x, y), [(3, 4), (4, 2)]),
    ("bmm", lambda lib, x, y: x.bmm(y), [(2, 3, 4), (2, 4, 2)]),
    ("addmm", lambda lib, b, x, y: lib.addmm(b, x, y), [(2,), (3, 4), (4, 2)]),
    ("baddbmm", lambda lib, b, x, y: lib.baddbmm(b, x, y), [(2, 3, 2), (2, 3, 4), (2, 4, 2)]),
    ("addbmm", lambda lib, b, x, y: lib.addbmm(b, x, y), [(3, 2), (2, 3, 4), (2, 4, 2)]),
    ("linear", lambda lib, x, w, b: F(lib).linear(x, w, b), [(2, 3, 4), (5, 4), (5,)]),
    ("linear_vec_weight", lambda lib, x, w: F(lib).linear(x, w), [(3, 4), (4,)]),
    ("conv1d", lambda lib, x, w, b: F(lib).conv1d(x, w, b, padding=1), [(2, 3, 6), (4, 3, 3), (4,)]),
    ("conv2d", lambda lib, x, w: F(lib).conv2d(x, w, stride=2), [(1, 2, 5, 5), (3, 2, 3, 3)]),
    ("conv2d_pointwise", lambda lib, x, w, b: F(lib).conv2d(x, w, b), [(1, 4, 3, 3), (2, 4, 1, 1),
                                                                      (2,)]),
    ("conv3d", lambda lib, x, w: F(lib).conv3d(x, w), [(1, 2, 3, 3, 3), (2, 2, 2, 2, 2)]),
    ("conv_transpose1d", lambda lib, x, w: F(lib).conv_transpose1d(x, w), [(1, 2, 5), (2, 3, 2)]),
    ("conv_transpose2d", lambda lib, x, w, b: F(lib).conv_transpose2d(x, w, b, stride=2),
     [(1, 2, 3, 3), (2, 3, 2, 2), (3,)]),
    ("prelu", lambda lib, x, w: F(lib).prelu(x, w), [(2, 3, 4), (3,)]),
    ("sdpa", lambda lib, q, k, v: F(lib).scaled_dot_product_attention(q, k, v),
     [(1, 2, 3, 4), (1, 2, 5, 4), (1, 2, 5, 4)]),
    ("einsum_bmm", lambda lib, x, y: lib.einsum("bij,bjk->bik", x, y), [(2, 3, 4), (2, 4, 2)]),
    ("einsum_dot", lambda lib, x, y: lib.einsum("i,i->", x, y), [(4,), (4,)]),
    ("einsum_ellipsis", lambda lib, x, y: lib.einsum("b...,b...->b", x, y), [(2, 3), (2, 3)]),
    ("tensordot", lambda lib, x, y: lib.tensordot(x, y, 1), [(3, 4), (4, 2)]),
    ("inner", lambda lib, x, y: lib.inner(x, y), [(3, 4), (2, 4)]),
    ("chain_matmul", lambda lib, x, y, z: lib.chain_matmul(x, y, z), [(2, 3), (3, 4), (4, 2)]),
    # a bfloat16/float16 activation meets a float32 weight: both run in lower precision
    ("linear_mixed", lambda lib, x, w, b: F(lib).linear(x.to(lib.bfloat16), w, b),
     [(3, 4), (2, 4), (2,)]),
]

FP32 = [
    ("mse_loss", lambda lib, x, y: F(lib).mse_loss(x @ y, (x @ y).detach() * 0.5),
     [(3, 4), (4, 2)]),
    ("l1_loss", lambda lib, x, y: F(lib).l1_loss(x @ y, (x @ y).detach() * 0.5), [(3, 4), (4, 2)]),
    ("smooth_l1_loss", lambda lib, x, y: F(lib).smooth_l1_loss(x @ y, (x @ y).detach() * 0.5),
     [(3, 4), (4, 2)]),
    ("huber_loss", lambda lib, x, y: F(lib).huber_loss(x @ y, (x @ y).detach() * 0.5),
     [(3, 4), (4, 2)]),
    ("cross_entropy", lambda lib, x, y: F(lib).cross_entropy(x @ y, lib.tensor(_IDX)),
     [(3, 4), (4, 5)]),
    ("nll_loss", lambda lib, x, y: F(lib).nll_loss((x @ y).log_softmax(1), lib.tensor(_IDX)),
     [(3, 4), (4, 5)]),
    ("bce_with_logits", lambda lib, x, y: F(lib).binary_cross_entropy_with_logits(
        x @ y, ((x @ y) > 0).float()), [(3, 4), (4, 2)]),
    ("binary_cross_entropy", lambda lib, x, y: F(lib).binary_cross_entropy(
        (x @ y).sigmoid(), ((x @ y) > 0).float()), [(3, 4), (4, 2)]),
    ("kl_div", lambda lib, x, y: F(lib).kl_div((x @ y).log_softmax(1), (x @ y).softmax(1).detach(),
                                               reduction="batchmean"), [(3, 4), (4, 2)]),
    ("soft_margin_loss", lambda lib, x, y: F(lib).soft_margin_loss(x @ y, (x @ y).sign().detach()),
     [(3, 4), (4, 2)]),
    ("margin_ranking_loss", lambda lib, x, y: F(lib).margin_ranking_loss(
        (x @ y)[:, 0], (x @ y)[:, 1], lib.ones(3)), [(3, 4), (4, 2)]),
    ("hinge_embedding_loss", lambda lib, x, y: F(lib).hinge_embedding_loss(x @ y, lib.ones(3, 2)),
     [(3, 4), (4, 2)]),
    ("triplet_margin_loss", lambda lib, x, y, z: F(lib).triplet_margin_loss(x @ z, y @ z, y @ z * 2),
     [(3, 4), (3, 4), (4, 2)]),
    ("prod", lambda lib, x, y: (x @ y).prod(1), [(3, 4), (4, 2)]),
    ("cdist", lambda lib, x, y: lib.cdist(x @ y, x @ y + 1), [(3, 4), (4, 2)]),
    ("avg_pool3d", lambda lib, x: F(lib).avg_pool3d(x.to(lib.bfloat16), 2), [(1, 1, 2, 4, 4)]),
    ("max_pool3d", lambda lib, x: F(lib).max_pool3d(x.half(), 2), [(1, 1, 2, 4, 4)]),
    ("adaptive_avg_pool3d", lambda lib, x: F(lib).adaptive_avg_pool3d(x.half(), 1),
     [(1, 2, 2, 2, 2)]),
    ("pad_reflect", lambda lib, x: F(lib).pad(x.half(), (1, 2), mode="reflect"), [(1, 2, 5)]),
    ("pad_replicate", lambda lib, x: F(lib).pad(x.half(), (1, 1, 2, 0), mode="replicate"),
     [(1, 1, 3, 3)]),
    ("grid_sample", lambda lib, x, g: F(lib).grid_sample(x.half(), g.half(), align_corners=False),
     [(1, 1, 3, 3), (1, 2, 2, 2)]),
]

PROMOTE = [
    ("cat", lambda lib, x, y, z: lib.cat([x @ y, z]), [(3, 4), (4, 2), (1, 2)]),
    ("stack", lambda lib, x, y, z: lib.stack([x @ y, z]), [(3, 4), (4, 2), (3, 2)]),
    ("hstack", lambda lib, x, y, z: lib.hstack([x @ y, z]), [(3, 4), (4, 2), (3, 2)]),
    ("cat_same", lambda lib, x, y: lib.cat([x @ y, x @ y]), [(3, 4), (4, 2)]),
    ("index_copy", lambda lib, x, y, z: z.index_copy(0, lib.tensor([1, 0]), x @ y),
     [(2, 4), (4, 2), (3, 2)]),
]

UNLISTED = [  # these run as their inputs are: no cast in either direction
    ("add_mixed", lambda lib, x, y, z: x @ y + z, [(3, 4), (4, 2), (2,)]),
    ("relu", lambda lib, x, y: (x @ y).relu(), [(3, 4), (4, 2)]),
    ("softmax", lambda lib, x, y: (x @ y).softmax(-1), [(3, 4), (4, 2)]),
    ("layer_norm", lambda lib, x, y: F(lib).layer_norm(x @ y, (2,)), [(3, 4), (4, 2)]),
    ("sum", lambda lib, x, y: (x @ y).sum(0), [(3, 4), (4, 2)]),
    # norms take a lower-precision input with float32 parameters (torch's CPU mixed type)
    ("batch_norm_mixed", lambda lib, x, y, g, b: F(lib).batch_norm(
        x @ y, None, None, g, b, training=True), [(4, 3), (3, 2), (2,), (2,)]),
    ("layer_norm_mixed", lambda lib, x, y, g, b: F(lib).layer_norm(x @ y, (2,), g, b),
     [(4, 3), (3, 2), (2,), (2,)]),
    ("group_norm_mixed", lambda lib, x, y, g, b: F(lib).group_norm(
        (x @ y).reshape(2, 4, 1), 2, g, b), [(4, 3), (3, 2), (4,), (4,)]),
    ("exp", lambda lib, x: x.exp(), [(3,)]),
    ("dot", lambda lib, x, y: lib.dot(x, y), [(4,), (4,)]),
    ("mv", lambda lib, x, y: lib.mv(x, y), [(3, 4), (4,)]),
    ("outer", lambda lib, x, y: lib.outer(x, y), [(3,), (2,)]),
    ("kron", lambda lib, x, y: lib.kron(x, y), [(2, 2), (2, 2)]),
    ("bilinear", lambda lib, x, y, w: F(lib).bilinear(x, y, w), [(3, 2), (3, 4), (2, 2, 4)]),
    ("einsum_elementwise", lambda lib, x, y: lib.einsum("i,i->i", x, y), [(3,), (3,)]),
    ("tensordot_full", lambda lib, x, y: lib.tensordot(x, y, 2), [(3, 4), (3, 4)]),
    ("inner_vectors", lambda lib, x, y: lib.inner(x, y), [(4,), (4,)]),
    ("embedding", lambda lib, w: F(lib).embedding(lib.tensor(_IDX), w), [(4, 3)]),
    ("avg_pool2d", lambda lib, x: F(lib).avg_pool2d(x.half(), 2), [(1, 1, 4, 4)]),
    # pools after a lower-precision conv (the CNN pattern)
    ("conv_max_pool2d", lambda lib, x, w: F(lib).max_pool2d(F(lib).conv2d(x, w), 2),
     [(1, 2, 5, 5), (2, 2, 2, 2)]),
    ("conv_avg_pool2d", lambda lib, x, w: F(lib).avg_pool2d(F(lib).conv2d(x, w), 3, padding=1,
                                                            count_include_pad=False),
     [(1, 2, 5, 5), (2, 2, 2, 2)]),
    ("conv_adaptive_avg_pool2d", lambda lib, x, w: F(lib).adaptive_avg_pool2d(
        F(lib).conv2d(x, w), 3), [(1, 2, 6, 6), (2, 2, 2, 2)]),
    ("conv_avg_pool1d", lambda lib, x, w: F(lib).avg_pool1d(F(lib).conv1d(x, w), 2),
     [(1, 2, 6), (2, 2, 2)]),
    ("conv_interpolate_bilinear", lambda lib, x, w: F(lib).interpolate(
        F(lib).conv2d(x, w), scale_factor=2, mode="bilinear"), [(1, 2, 4, 4), (2, 2, 2, 2)]),
    ("conv_adaptive_max_pool2d", lambda lib, x, w: F(lib).adaptive_max_pool2d(
        F(lib).conv2d(x, w), 2), [(1, 2, 5, 5), (2, 2, 2, 2)]),
    ("pad_constant", lambda lib, x: F(lib).pad(x.half(), (1, 2)), [(1, 2, 5)]),
    ("cosine_similarity", lambda lib, x, y: F(lib).cosine_similarity(x, y), [(3, 4), (3, 4)]),
]


@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
@pytest.mark.parametrize("name,fn,shapes", LOWER + FP32 + PROMOTE + UNLISTED,
                         ids=[r[0] for r in LOWER + FP32 + PROMOTE + UNLISTED])
def test_op_under_autocast(name, fn, shapes, dtype):
    tol = 2e-2 if name in _CHAINED else None  # a float32 op fed a lower-precision product
    check_autocast(fn, shapes, dtype=dtype, rtol=tol, atol=tol)


_CHAINED = {r[0] for r in FP32 + PROMOTE + UNLISTED}


@pytest.mark.parametrize("name,fn,shapes", [r for r in LOWER if r[0] in (
    "matmul", "linear", "conv2d", "einsum_bmm")], ids=["matmul", "linear", "conv2d", "einsum"])
def test_float64_is_never_cast(name, fn, shapes):
    check_autocast(fn, shapes, dtypes=["float64"] * len(shapes))


def test_integer_and_bool_arguments_pass_through():
    check_autocast(lambda lib, x: lib.cat([x @ x.T, lib.ones(3, 3, dtype=lib.int64)]), [(3, 4)])
    check_autocast(lambda lib, w: F(lib).embedding(lib.tensor(_IDX), w) @ w.T, [(4, 3)])


def test_mixed_double_and_float_raise_like_torch():
    # mm casts the float32 argument to bfloat16 but never the float64 one
    check_raises(_under_autocast(lambda lib, x, y: lib.mm(x, y), "bfloat16"), [(3, 4), (4, 2)],
                 dtypes=["float64", "float32"])


def test_promote_of_bfloat16_with_float16_raises_like_torch():
    def fn(lib, x):
        return lib.cat([x.to(lib.bfloat16), x.half()])
    check_raises(_under_autocast(fn, "float16"), [(3,)])


def test_mlp_forward_backward_matches_torch():
    """Linear -> ReLU -> Linear -> cross_entropy in bfloat16 autocast: every dtype and gradient."""
    def fn(lib, x, w1, b1, w2, b2):
        h = F(lib).relu(F(lib).linear(x, w1, b1))
        out = F(lib).linear(h, w2, b2)
        loss = F(lib).cross_entropy(out, lib.tensor(_IDX))
        return out, loss
    _, t = check_autocast(fn, [(3, 6), (5, 6), (5,), (4, 5), (4,)], rtol=2e-2, atol=2e-2)
    assert [str(x.dtype) for x in t] == ["torch.bfloat16", "torch.float32"]


def test_modules_under_autocast():
    """nn modules reach the wrappers too (Conv2d keeps F.conv2d as a staticmethod)."""
    mods = [module_pair("Conv2d", 2, 3, 3, padding=1), module_pair("LSTM", 3, 2),
            module_pair("GRU", 3, 2), module_pair("BatchNorm2d", 3)]

    def fn(lib, x):
        conv, lstm, gru, bn = (m[0] if lib is torch else m[1] for m in mods)
        y = lib.nn.functional.max_pool2d(bn(conv(x)), 2, stride=1, padding=1)
        seq = y.flatten(2).permute(2, 0, 1)
        return y, lstm(seq)[0], gru(seq)[0], gru(seq.float())[0]
    _, t = check_autocast(fn, [(1, 2, 3, 3)], grad=False, rtol=3e-2, atol=3e-2)
    assert [str(x.dtype) for x in t] == ["torch.bfloat16"] * 3 + ["torch.float32"]


def test_weight_cast_is_cached_within_a_region():
    for lib in (torch, ember):
        w = lib.randn(3, 3, requires_grad=True)
        x = lib.randn(2, 3)
        with lib.autocast("cpu"):
            a, b = x @ w, x @ w
            na = a.grad_fn.next_functions[1][0]
            assert na is b.grad_fn.next_functions[1][0]  # one cast node, shared
        with lib.autocast("cpu", cache_enabled=False):
            c, d = x @ w, x @ w
            assert c.grad_fn.next_functions[1][0] is not d.grad_fn.next_functions[1][0]
        with lib.autocast("cpu"):
            assert (x @ w).grad_fn.next_functions[1][0] is not na  # a new region recasts
