"""The losses of ember/nn/_functional_loss_extra.py against torch: kl_div, poisson/gaussian nll, margin,
embedding, triplet and multi-label losses; values, grads and second derivatives."""
import numpy as np
import pytest

import ember
from tests.ops.loss_inputs import REDUCTIONS, F, class_index, rng, signs, uniform
from tests.oracle import check, check_raises

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


# ---- kl, poisson, gaussian ------------------------------------------------------------------


@pytest.mark.parametrize("reduction", REDUCTIONS + ["batchmean"])
@pytest.mark.parametrize("log_target", [False, True])
def test_kl_div(reduction, log_target):
    tgt = uniform((3, 4), -3, 0) if log_target else uniform((3, 4), 0.01, 1)
    check(lambda lib, x, y: F(lib).kl_div(x, y, reduction=reduction, log_target=log_target),
          inputs=[uniform((3, 4), -3, 0), tgt], grad2=True)


def test_kl_div_edges():
    check(lambda lib, x, y: F(lib).kl_div(x, y.detach(), reduction="sum"),
          inputs=[uniform((4,)), np.array([0.0, 0.5, 0.0, 0.5], np.float32)], grad2=True)
    check(lambda lib, x, y: F(lib).kl_div(x, y, reduction="batchmean"),
          inputs=[uniform(()), uniform((), 0.1, 1)])
    with pytest.warns(UserWarning, match="batchmean"):
        ember.nn.functional.kl_div(ember.randn(2), ember.rand(2))
    check_raises(lambda lib, x, y: F(lib).kl_div(x, y, reduction="avg"), shapes=[(2,), (2,)])


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("log_input,full", [(True, False), (False, False), (True, True),
                                            (False, True)])
def test_poisson_nll(reduction, log_input, full):
    x = uniform((3, 4), -1, 1) if log_input else uniform((3, 4), 0.1, 3)
    check(lambda lib, x, y: F(lib).poisson_nll_loss(x, y, log_input=log_input, full=full,
                                                     reduction=reduction),
          inputs=[x, uniform((3, 4), 0.1, 4)], grad2=True)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("full", [False, True])
def test_gaussian_nll(reduction, full):
    f = lambda lib, x, y, v: F(lib).gaussian_nll_loss(x, y, v, full=full,
                                                       reduction=reduction)
    check(f, inputs=[uniform((3, 4)), uniform((3, 4)), uniform((3, 4), 0.1, 2)], grad2=True)
    check(f, inputs=[uniform((3, 4)), uniform((3, 4)), uniform((3,), 0.1, 2)], grad2=True)
    check(f, inputs=[uniform((3, 4)), uniform((3, 4)), uniform((3, 1), 0.1, 2)], grad2=True)
    check(f, inputs=[uniform((3, 4)), uniform((3, 4)), np.array([[1e-9, 0.5, 1, 2]], np.float32)])


def test_gaussian_nll_errors():
    f = lambda lib, x, y, v: F(lib).gaussian_nll_loss(x, y, v)
    check(lambda lib, x, y: F(lib).gaussian_nll_loss(x, y, 0.5), shapes=[(3,), (3,)])
    check_raises(f, inputs=[uniform((3, 4)), uniform((3, 4)), uniform((3, 4), -1, -0.1)], match="negative")
    check_raises(f, inputs=[uniform((3, 4)), uniform((3, 4)), uniform((2, 4), 0.1, 1)], match="incorrect size")
    check_raises(lambda lib, x, y: F(lib).gaussian_nll_loss(x, y, -1.0), shapes=[(3,), (3,)])
    check_raises(lambda lib, x, y, v: F(lib).gaussian_nll_loss(x, y, v, reduction="x"),
                 inputs=[uniform((3,)), uniform((3,)), uniform((3,), 0.1, 1)])


# ---- margin and embedding losses ------------------------------------------------------------


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_margin_ranking(reduction):
    check(lambda lib, a, b, y: F(lib).margin_ranking_loss(a, b, y, margin=0.3,
                                                          reduction=reduction),
          inputs=[uniform((6,)), uniform((6,)), signs((6,))], grad2=True)
    check(lambda lib, a, b, y: F(lib).margin_ranking_loss(a, b, y, reduction=reduction),
          inputs=[uniform((6,)), uniform((6,)), signs((6,)).astype(np.float32)], grad2=True)
    check_raises(lambda lib, a, b, y: F(lib).margin_ranking_loss(a, b, y),
                 inputs=[uniform((6,)), uniform((6, 1)), signs((6,))], match="same dimension")


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_hinge_embedding(reduction):
    check(lambda lib, x, y: F(lib).hinge_embedding_loss(x, y, margin=0.5, reduction=reduction),
          inputs=[uniform((3, 4)), signs((3, 4))], grad2=True)
    check(lambda lib, x, y: F(lib).hinge_embedding_loss(x, y, reduction=reduction),
          inputs=[uniform((5,)), signs((5,)).astype(np.float32)], grad2=True)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cosine_embedding(reduction):
    f = lambda lib, a, b, y: F(lib).cosine_embedding_loss(a, b, y, margin=0.2,
                                                          reduction=reduction)
    check(f, inputs=[uniform((4, 3)), uniform((4, 3)), signs((4,))], grad2=True)
    check(f, inputs=[uniform((3,)), uniform((3,)), np.array(-1)], grad2=True)
    check_raises(f, inputs=[uniform((4, 3)), uniform((4, 3)), signs((4, 1))], match="target tensor")
    check_raises(f, inputs=[uniform((3,)), uniform((3,)), signs((4,))], match="expects 2D input")


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("p,swap", [(2, False), (1, True), (3, False)])
def test_triplet_margin(reduction, p, swap):
    check(lambda lib, a, b, c: F(lib).triplet_margin_loss(a, b, c, margin=0.7, p=p, swap=swap,
                                                          reduction=reduction),
          shapes=[(4, 3), (4, 3), (4, 3)], grad2=True)


def test_triplet_margin_edges():
    check(lambda lib, a, b, c: F(lib).triplet_margin_loss(a, b, c), shapes=[(3,), (3,), (3,)],
          grad2=True)
    check(lambda lib, a, b, c: F(lib).triplet_margin_with_distance_loss(
        a, b, c, distance_function=lambda u, v: (u - v).abs().sum(-1), swap=True),
        shapes=[(4, 3), (4, 3), (4, 3)], grad2=True)
    check(lambda lib, a, b, c: F(lib).triplet_margin_with_distance_loss(a, b, c,
                                                                        reduction="none"),
          shapes=[(4, 3), (4, 3), (4, 3)], grad2=True)
    check_raises(lambda lib, a, b, c: F(lib).triplet_margin_loss(a, b, c),
                 shapes=[(4, 3), (3,), (4, 3)], match="same number of dimensions")
    check_raises(lambda lib, a, b, c: F(lib).triplet_margin_loss(a, b, c, margin=0.0),
                 shapes=[(4, 3), (4, 3), (4, 3)], match="margin must be greater than 0")


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_multilabel_soft_margin(reduction):
    y = (rng.random((3, 4)) < 0.5).astype(np.float32)
    check(lambda lib, x, y: F(lib).multilabel_soft_margin_loss(x, y, reduction=reduction),
          inputs=[uniform((3, 4)), y], grad2=True)
    check(lambda lib, x, y, w: F(lib).multilabel_soft_margin_loss(x, y, w, reduction=reduction),
          inputs=[uniform((3, 4)), y, uniform((4,), 0.1, 2)], grad2=True)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("p,margin", [(1, 1.0), (2, 0.5)])
def test_multi_margin(reduction, p, margin):
    f = lambda lib, x, t, **kw: F(lib).multi_margin_loss(x, t, p=p, margin=margin,
                                                         reduction=reduction, **kw)
    check(lambda lib, x, t: f(lib, x, t), inputs=[uniform((5, 4)), class_index((5,), 4)])
    check(lambda lib, x, t, w: f(lib, x, t, weight=w.detach()),
          inputs=[uniform((5, 4)), class_index((5,), 4), uniform((4,), 0.1, 2)])
    check(lambda lib, x, t: f(lib, x, t), inputs=[uniform((4,)), np.array(2)])
    check(lambda lib, x, t: f(lib, x, t), inputs=[uniform((4,)), np.array([2])])
    check(lambda lib, x, t: f(lib, x, t), inputs=[uniform((4, 5)).T, class_index((5,), 4)])


def test_multi_margin_errors():
    check_raises(lambda lib, x, t: F(lib).multi_margin_loss(x, t, p=3),
                 inputs=[uniform((5, 4)), class_index((5,), 4)])
    check_raises(lambda lib, x, t: F(lib).multi_margin_loss(x, t),
                 inputs=[uniform((5, 4)), class_index((4,), 4)])
    check_raises(lambda lib, x, t: F(lib).multi_margin_loss(x, t),
                 inputs=[uniform((2, 3, 4)), class_index((2,), 4)])


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_multilabel_margin(reduction):
    t = np.array([[3, 0, -1, 1], [0, 1, 2, 3], [-1, 2, 0, 0], [1, -1, 3, 0]], np.int64)
    check(lambda lib, x, t: F(lib).multilabel_margin_loss(x, t, reduction=reduction),
          inputs=[uniform((4, 4)), t])
    check(lambda lib, x, t: F(lib).multilabel_margin_loss(x, t, reduction=reduction),
          inputs=[uniform((4,)), np.array([2, 1, -1, 0])])
    check_raises(lambda lib, x, t: F(lib).multilabel_margin_loss(x, t),
                 inputs=[uniform((4, 4)), t[:, :3]])


# ---- cross_entropy's fused (N, C) path: narrow and wide classes, large logits -----------------


@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize("n,c", [(7, 3), (16, 63), (9, 64), (5, 1000)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_cross_entropy_fused_widths(n, c, reduction, dtype):
    """Both sides of the narrow-row switch (c < 64) and a wide head, logits spread over +-40."""
    x = uniform((n, c), -40.0, 40.0, dtype=dtype)
    check(lambda lib, x, t: F(lib).cross_entropy(x, t, reduction=reduction),
          inputs=[x, class_index((n,), c)], grad2=dtype == np.float64)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_bce_with_logits_in_place_passes(reduction):
    """The buffer-reusing forward and backward: wide logits, float32 and a 0-d float32 pair."""
    f = lambda lib, x, y: F(lib).binary_cross_entropy_with_logits(x, y, reduction=reduction)
    check(f, inputs=[uniform((16, 9), -30, 30), uniform((16, 9), 0, 1)])
    check(f, inputs=[uniform(()), uniform((), 0, 1)])
