"""torch.nn.functional losses, differential against torch: values, grads and second derivatives."""
import warnings

import numpy as np
import pytest

import ember
from tests.oracle import check, check_raises

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

REDUCTIONS = ["mean", "sum", "none"]
rng = np.random.default_rng(0)


def F(lib):
    return lib.nn.functional


def _u(shape, lo=-2.0, hi=2.0, dtype=np.float32):
    return rng.uniform(lo, hi, shape).astype(dtype)


def _idx(shape, C, ignore=None):
    t = rng.integers(0, C, shape).astype(np.int64)
    if ignore is not None:
        t.ravel()[::2] = ignore
    return t


def _pm1(shape):
    return np.where(rng.random(shape) < 0.5, -1, 1).astype(np.int64)


# ---- elementwise regression losses ---------------------------------------------------------


POINTWISE = [
    ("mse_loss", {}),
    ("l1_loss", {}),
    ("smooth_l1_loss", {}),
    ("smooth_l1_loss", {"beta": 0.5}),
    ("smooth_l1_loss", {"beta": 0.0}),
    ("huber_loss", {}),
    ("huber_loss", {"delta": 0.4}),
]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name,kw", POINTWISE)
def test_pointwise(name, kw, reduction):
    check(lambda lib, x, y: getattr(F(lib), name)(x, y, reduction=reduction, **kw),
          shapes=[(3, 4), (3, 4)], grad2=True)


@pytest.mark.parametrize("name,kw", POINTWISE)
def test_pointwise_edges(name, kw):
    fn = getattr
    check(lambda lib, x, y: fn(F(lib), name)(x, y, **kw), shapes=[(), ()], grad2=True)
    check(lambda lib, x, y: fn(F(lib), name)(x, y, **kw), shapes=[(0, 3), (0, 3)])
    check(lambda lib, x, y: fn(F(lib), name)(x, y, reduction="sum", **kw), shapes=[(0, 3), (0, 3)])
    check(lambda lib, x, y: fn(F(lib), name)(x, y, **kw), shapes=[(2, 5), (2, 5)],
          dtype="float64", grad2=True)
    a = _u((5, 3))
    check(lambda lib, x, y: fn(F(lib), name)(x, y, **kw), inputs=[a.T, _u((3, 5))], grad2=True)
    check(lambda lib, x, y: fn(F(lib), name)(x, y, reduction="none", **kw),
          shapes=[(3, 4), (4,)], grad2=True)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", ["mse_loss", "l1_loss", "huber_loss"])
def test_pointwise_weight(name, reduction):
    check(lambda lib, x, y, w: getattr(F(lib), name)(x, y, reduction=reduction, weight=w),
          inputs=[_u((3, 4)), _u((3, 4)), _u((3, 4), 0.1, 1.0)], grad2=True)


def test_mse_broadcast_warns():
    with pytest.warns(UserWarning, match="different to the input size"):
        ember.nn.functional.mse_loss(ember.randn(3, 5), ember.randn(5))


def test_pointwise_errors():
    check_raises(lambda lib, x, y: F(lib).mse_loss(x, y), shapes=[(3, 5), (4,)])
    check_raises(lambda lib, x, y: F(lib).l1_loss(x, y), shapes=[(3, 5), (4,)])
    check_raises(lambda lib, x, y: F(lib).mse_loss(x, y, reduction="foo"), shapes=[(3,), (3,)],
                 match="foo is not a valid value for reduction")
    check_raises(lambda lib, x, y: F(lib).mse_loss(x, y, weight=y[:2]), shapes=[(3,), (3,)])
    check_raises(lambda lib, x, y: F(lib).huber_loss(x, y, delta=0.0), shapes=[(3,), (3,)])
    check_raises(lambda lib, x, y: F(lib).smooth_l1_loss(x, y, beta=-1.0), shapes=[(3,), (3,)])


def test_legacy_reduction_args():
    check(lambda lib, x, y: F(lib).mse_loss(x, y, size_average=False), shapes=[(3, 4), (3, 4)])
    check(lambda lib, x, y: F(lib).l1_loss(x, y, reduce=False), shapes=[(3, 4), (3, 4)])
    check(lambda lib, x, y: F(lib).smooth_l1_loss(x, y, size_average=True, reduce=True),
          shapes=[(3, 4), (3, 4)])


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_soft_margin(reduction):
    check(lambda lib, x, y: F(lib).soft_margin_loss(x, y.detach(), reduction=reduction),
          inputs=[_u((3, 4)), _pm1((3, 4)).astype(np.float32)], grad2=True)


# ---- binary cross entropy --------------------------------------------------------------------


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_bce(reduction):
    check(lambda lib, x, y: F(lib).binary_cross_entropy(x, y, reduction=reduction),
          inputs=[_u((3, 4), 0.05, 0.95), _u((3, 4), 0, 1)], grad2=True)
    check(lambda lib, x, y, w: F(lib).binary_cross_entropy(x, y, w.detach(), reduction=reduction),
          inputs=[_u((3, 4), 0.05, 0.95), _u((3, 4), 0, 1), _u((4,), 0.1, 2)], grad2=True)


def test_bce_edges():
    check(lambda lib, x, y: F(lib).binary_cross_entropy(x, y),
          inputs=[np.array([0.0, 1.0, 0.5], np.float32), np.array([1.0, 0.0, 0.5], np.float32)])
    check(lambda lib, x, y: F(lib).binary_cross_entropy(x, y),
          inputs=[_u((2, 3), 0.05, 0.95, np.float64), _u((2, 3), 0, 1, np.float64)], grad2=True)
    check(lambda lib, x, y: F(lib).binary_cross_entropy(x, y),
          inputs=[_u((0, 3), 0.1, 0.9), _u((0, 3), 0, 1)])
    check_raises(lambda lib, x, y: F(lib).binary_cross_entropy(x, y),
                 inputs=[_u((3,), 0.5, 1.5), _u((3,), 0, 1)], match="between 0 and 1")
    check_raises(lambda lib, x, y: F(lib).binary_cross_entropy(x, y),
                 inputs=[_u((2, 3), 0.1, 0.9), _u((3,), 0, 1)], match="target size")


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_bce_with_logits(reduction):
    f = lambda lib, x, y, **kw: F(lib).binary_cross_entropy_with_logits(
        x, y, reduction=reduction, **kw)
    x, y = _u((3, 4), -4, 4), _u((3, 4), 0, 1)
    check(lambda lib, x, y: f(lib, x, y), inputs=[x, y], grad2=True)
    check(lambda lib, x, y, w: f(lib, x, y, weight=w.detach()), inputs=[x, y, _u((4,), 0, 2)],
          grad2=True)
    check(lambda lib, x, y, p: f(lib, x, y, pos_weight=p.detach()),
          inputs=[x, y, _u((4,), 0.5, 3)], grad2=True)
    check(lambda lib, x, y, w, p: f(lib, x, y, weight=w.detach(), pos_weight=p.detach()),
          inputs=[x, y, _u((3, 1), 0, 2), _u((4,), 0.5, 3)], grad2=True)


def test_bce_with_logits_edges():
    big = np.array([-200.0, -50.0, 0.0, 50.0, 200.0], np.float32)
    check(lambda lib, x, y: F(lib).binary_cross_entropy_with_logits(x, y, reduction="none"),
          inputs=[big, _u((5,), 0, 1)])
    check(lambda lib, x, y: F(lib).binary_cross_entropy_with_logits(x, y),
          inputs=[_u((0, 2)), _u((0, 2), 0, 1)])
    check(lambda lib, x, y: F(lib).binary_cross_entropy_with_logits(x, y),
          inputs=[_u((), dtype=np.float64), _u((), 0, 1, np.float64)], grad2=True)
    check_raises(lambda lib, x, y: F(lib).binary_cross_entropy_with_logits(x, y),
                 shapes=[(3, 2), (2,)], match="must be the same as input size")


# ---- cross entropy and nll ------------------------------------------------------------------


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", ["cross_entropy", "nll_loss"])
def test_class_index(name, reduction):
    f = lambda lib, x, t, **kw: getattr(F(lib), name)(x, t, reduction=reduction, **kw)
    x, t = _u((6, 5)), _idx((6,), 5)
    check(lambda lib, x, t: f(lib, x, t), inputs=[x, t], grad2=True)
    check(lambda lib, x, t, w: f(lib, x, t, weight=w.detach()), inputs=[x, t, _u((5,), 0.1, 2)],
          grad2=True)
    check(lambda lib, x, t: f(lib, x, t, ignore_index=2), inputs=[x, _idx((6,), 5, ignore=2)],
          grad2=True)
    check(lambda lib, x, t, w: f(lib, x, t, weight=w.detach()),
          inputs=[x, _idx((6,), 5, ignore=-100), _u((5,), 0.1, 2)], grad2=True)
    # K-dimensional (N, C, d1[, d2, d3]) and unbatched (C,)
    check(lambda lib, x, t: f(lib, x, t), inputs=[_u((2, 3, 4)), _idx((2, 4), 3)], grad2=True)
    check(lambda lib, x, t, w: f(lib, x, t, weight=w.detach(), ignore_index=0),
          inputs=[_u((2, 3, 2, 3)), _idx((2, 2, 3), 3), _u((3,), 0.1, 2)], grad2=True)
    check(lambda lib, x, t: f(lib, x, t), inputs=[_u((2, 3, 2, 1, 2)), _idx((2, 2, 1, 2), 3)])
    check(lambda lib, x, t: f(lib, x, t), inputs=[_u((5,)), np.array(3)], grad2=True)
    # torch's own backward fails for a (C,) input with a (1,) target, so values only
    check(lambda lib, x, t: f(lib, x, t), inputs=[_u((5,)), np.array([3])], grad=False)
    # float64, non-contiguous, empty batch, all targets ignored (mean -> nan, zero grad)
    check(lambda lib, x, t: f(lib, x, t), inputs=[_u((4, 3), dtype=np.float64), _idx((4,), 3)],
          grad2=True)
    check(lambda lib, x, t: f(lib, x, t), inputs=[_u((5, 4)).T, _idx((4,), 5)], grad2=True)
    check(lambda lib, x, t: f(lib, x, t), inputs=[_u((0, 5)), _idx((0,), 5)])
    check(lambda lib, x, t: f(lib, x, t), inputs=[x, np.full(6, -100, np.int64)], grad2=True)


def test_cross_entropy_uint8_target():
    check(lambda lib, x, t: F(lib).nll_loss(x, t), inputs=[_u((3, 4)), np.array([1, 0, 3],
                                                                                np.uint8)])


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_label_smoothing(reduction):
    f = lambda lib, x, t, **kw: F(lib).cross_entropy(
        x, t, reduction=reduction, label_smoothing=0.2, **kw)
    x = _u((6, 5))
    check(lambda lib, x, t: f(lib, x, t), inputs=[x, _idx((6,), 5)], grad2=True)
    check(lambda lib, x, t, w: f(lib, x, t, weight=w.detach()),
          inputs=[x, _idx((6,), 5, ignore=-100), _u((5,), 0.1, 2)], grad2=True)
    check(lambda lib, x, t: f(lib, x, t, ignore_index=1),
          inputs=[_u((2, 3, 4)), _idx((2, 4), 3, ignore=1)], grad2=True)
    check(lambda lib, x, t: f(lib, x, t), inputs=[_u((5,)), np.array(1)], grad2=True)
    check(lambda lib, x, t: f(lib, x, t), inputs=[x, np.full(6, -100, np.int64)])


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("smoothing", [0.0, 0.3])
def test_cross_entropy_probabilities(reduction, smoothing):
    f = lambda lib, x, y, **kw: F(lib).cross_entropy(
        x, F(lib).softmax(y, -1 if x.ndim < 3 else 1), reduction=reduction, label_smoothing=smoothing,
        **kw)
    check(lambda lib, x, y: f(lib, x, y), shapes=[(4, 5), (4, 5)], grad2=True)
    check(lambda lib, x, y, w: f(lib, x, y, weight=w.detach()),
          inputs=[_u((4, 5)), _u((4, 5)), _u((5,), 0.1, 2)], grad2=True)
    check(lambda lib, x, y: f(lib, x, y), shapes=[(2, 3, 4), (2, 3, 4)], grad2=True)
    check(lambda lib, x, y: f(lib, x, y), shapes=[(5,), (5,)], grad2=True)
    check(lambda lib, x, y: f(lib, x, y), shapes=[(0, 5), (0, 5)])


def test_class_index_errors():
    ce = lambda lib, *a, **k: F(lib).cross_entropy(*a, **k)
    x = _u((3, 5))
    check_raises(lambda lib, x, t: ce(lib, x, t), inputs=[x, np.array([1, 0, 5])],
                 match=r"^Target 5 is out of bounds\.$")
    check_raises(lambda lib, x, t: ce(lib, x, t), inputs=[x, np.array([1, 0, -3])],
                 match="Target -3 is out of bounds")
    check_raises(lambda lib, x, t: ce(lib, x, t), inputs=[x, np.array([1.0, 0.0, 3.0], np.float32)],
                 match="expected target dtype to be Long or Byte, but got Float")
    check_raises(lambda lib, x, t: ce(lib, x, t), inputs=[x, np.array([1, 0], np.int32)])
    check_raises(lambda lib, x, t: ce(lib, x, t), inputs=[x, np.array([1, 0])],
                 match=r"Expected input batch_size \(3\) to match target batch_size \(2\)\.")
    check_raises(lambda lib, x, t: ce(lib, x, t, reduction="foo"), inputs=[x, np.array([1, 0, 2])],
                 match="foo is not a valid value for reduction")
    check_raises(lambda lib, x, t: ce(lib, x, t, label_smoothing=1.5),
                 inputs=[x, np.array([1, 0, 2])], match="label_smoothing must be between")
    check_raises(lambda lib, x, t, w: ce(lib, x, t, w), inputs=[x, np.array([1, 0, 2]), _u((4,))],
                 match="weight tensor should be defined")
    check_raises(lambda lib, x, t: ce(lib, x, t), inputs=[x, np.zeros((3, 5), np.int64)],
                 match="Expected floating point type")
    check_raises(lambda lib, x, t: ce(lib, x, t, ignore_index=1), inputs=[x, _u((3, 5))],
                 match="ignore_index is not supported")
    check_raises(lambda lib, x, t: ce(lib, x, t), inputs=[_u((2, 3, 4)), np.zeros((2, 5),
                                                                                  np.int64)])
    check_raises(lambda lib, x, t: ce(lib, x, t), inputs=[_u((5,)), np.array([1, 2])])
    check_raises(lambda lib, x, t: F(lib).nll_loss(x, t), inputs=[np.array(1.0), np.array(1)])
    check_raises(lambda lib, x, t: F(lib).nll_loss(x, t), inputs=[x, np.zeros((3, 2), np.int64)])


def test_cross_entropy_grad_fn_name():
    x = ember.randn(3, 5, requires_grad=True)
    t = ember.tensor([1, 0, 4])
    assert type(ember.nn.functional.cross_entropy(x, t).grad_fn).__name__ == "NllLossBackward0"
    x4 = ember.randn(2, 3, 2, 2, requires_grad=True)
    t4 = ember.zeros(2, 2, 2, dtype=ember.long)
    assert type(ember.nn.functional.nll_loss(x4, t4).grad_fn).__name__ == "NllLoss2DBackward0"
    y = ember.rand(3, 5)
    F = ember.nn.functional
    for f, name in [(F.mse_loss, "MseLoss"), (F.smooth_l1_loss, "SmoothL1Loss"),
                    (F.huber_loss, "HuberLoss"), (F.soft_margin_loss, "SoftMarginLoss"),
                    (F.binary_cross_entropy_with_logits, "BinaryCrossEntropyWithLogits")]:
        assert type(f(x, y).grad_fn).__name__ == name + "Backward0"
    bce = F.binary_cross_entropy(x.sigmoid(), y)
    assert type(bce.grad_fn).__name__ == "BinaryCrossEntropyBackward0"


# ---- kl, poisson, gaussian ------------------------------------------------------------------


@pytest.mark.parametrize("reduction", REDUCTIONS + ["batchmean"])
@pytest.mark.parametrize("log_target", [False, True])
def test_kl_div(reduction, log_target):
    tgt = _u((3, 4), -3, 0) if log_target else _u((3, 4), 0.01, 1)
    check(lambda lib, x, y: F(lib).kl_div(x, y, reduction=reduction, log_target=log_target),
          inputs=[_u((3, 4), -3, 0), tgt], grad2=True)


def test_kl_div_edges():
    check(lambda lib, x, y: F(lib).kl_div(x, y.detach(), reduction="sum"),
          inputs=[_u((4,)), np.array([0.0, 0.5, 0.0, 0.5], np.float32)], grad2=True)
    check(lambda lib, x, y: F(lib).kl_div(x, y, reduction="batchmean"),
          inputs=[_u(()), _u((), 0.1, 1)])
    with pytest.warns(UserWarning, match="batchmean"):
        ember.nn.functional.kl_div(ember.randn(2), ember.rand(2))
    check_raises(lambda lib, x, y: F(lib).kl_div(x, y, reduction="avg"), shapes=[(2,), (2,)])


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("log_input,full", [(True, False), (False, False), (True, True),
                                            (False, True)])
def test_poisson_nll(reduction, log_input, full):
    x = _u((3, 4), -1, 1) if log_input else _u((3, 4), 0.1, 3)
    check(lambda lib, x, y: F(lib).poisson_nll_loss(x, y, log_input=log_input, full=full,
                                                     reduction=reduction),
          inputs=[x, _u((3, 4), 0.1, 4)], grad2=True)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("full", [False, True])
def test_gaussian_nll(reduction, full):
    f = lambda lib, x, y, v: F(lib).gaussian_nll_loss(x, y, v, full=full,
                                                       reduction=reduction)
    check(f, inputs=[_u((3, 4)), _u((3, 4)), _u((3, 4), 0.1, 2)], grad2=True)
    check(f, inputs=[_u((3, 4)), _u((3, 4)), _u((3,), 0.1, 2)], grad2=True)
    check(f, inputs=[_u((3, 4)), _u((3, 4)), _u((3, 1), 0.1, 2)], grad2=True)
    check(f, inputs=[_u((3, 4)), _u((3, 4)), np.array([[1e-9, 0.5, 1, 2]], np.float32)])


def test_gaussian_nll_errors():
    f = lambda lib, x, y, v: F(lib).gaussian_nll_loss(x, y, v)
    check(lambda lib, x, y: F(lib).gaussian_nll_loss(x, y, 0.5), shapes=[(3,), (3,)])
    check_raises(f, inputs=[_u((3, 4)), _u((3, 4)), _u((3, 4), -1, -0.1)], match="negative")
    check_raises(f, inputs=[_u((3, 4)), _u((3, 4)), _u((2, 4), 0.1, 1)], match="incorrect size")
    check_raises(lambda lib, x, y: F(lib).gaussian_nll_loss(x, y, -1.0), shapes=[(3,), (3,)])
    check_raises(lambda lib, x, y, v: F(lib).gaussian_nll_loss(x, y, v, reduction="x"),
                 inputs=[_u((3,)), _u((3,)), _u((3,), 0.1, 1)])


# ---- margin and embedding losses ------------------------------------------------------------


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_margin_ranking(reduction):
    check(lambda lib, a, b, y: F(lib).margin_ranking_loss(a, b, y, margin=0.3,
                                                          reduction=reduction),
          inputs=[_u((6,)), _u((6,)), _pm1((6,))], grad2=True)
    check(lambda lib, a, b, y: F(lib).margin_ranking_loss(a, b, y, reduction=reduction),
          inputs=[_u((6,)), _u((6,)), _pm1((6,)).astype(np.float32)], grad2=True)
    check_raises(lambda lib, a, b, y: F(lib).margin_ranking_loss(a, b, y),
                 inputs=[_u((6,)), _u((6, 1)), _pm1((6,))], match="same dimension")


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_hinge_embedding(reduction):
    check(lambda lib, x, y: F(lib).hinge_embedding_loss(x, y, margin=0.5, reduction=reduction),
          inputs=[_u((3, 4)), _pm1((3, 4))], grad2=True)
    check(lambda lib, x, y: F(lib).hinge_embedding_loss(x, y, reduction=reduction),
          inputs=[_u((5,)), _pm1((5,)).astype(np.float32)], grad2=True)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cosine_embedding(reduction):
    f = lambda lib, a, b, y: F(lib).cosine_embedding_loss(a, b, y, margin=0.2,
                                                          reduction=reduction)
    check(f, inputs=[_u((4, 3)), _u((4, 3)), _pm1((4,))], grad2=True)
    check(f, inputs=[_u((3,)), _u((3,)), np.array(-1)], grad2=True)
    check_raises(f, inputs=[_u((4, 3)), _u((4, 3)), _pm1((4, 1))], match="target tensor")
    check_raises(f, inputs=[_u((3,)), _u((3,)), _pm1((4,))], match="expects 2D input")


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
          inputs=[_u((3, 4)), y], grad2=True)
    check(lambda lib, x, y, w: F(lib).multilabel_soft_margin_loss(x, y, w, reduction=reduction),
          inputs=[_u((3, 4)), y, _u((4,), 0.1, 2)], grad2=True)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("p,margin", [(1, 1.0), (2, 0.5)])
def test_multi_margin(reduction, p, margin):
    f = lambda lib, x, t, **kw: F(lib).multi_margin_loss(x, t, p=p, margin=margin,
                                                         reduction=reduction, **kw)
    check(lambda lib, x, t: f(lib, x, t), inputs=[_u((5, 4)), _idx((5,), 4)])
    check(lambda lib, x, t, w: f(lib, x, t, weight=w.detach()),
          inputs=[_u((5, 4)), _idx((5,), 4), _u((4,), 0.1, 2)])
    check(lambda lib, x, t: f(lib, x, t), inputs=[_u((4,)), np.array(2)])
    check(lambda lib, x, t: f(lib, x, t), inputs=[_u((4,)), np.array([2])])
    check(lambda lib, x, t: f(lib, x, t), inputs=[_u((4, 5)).T, _idx((5,), 4)])


def test_multi_margin_errors():
    check_raises(lambda lib, x, t: F(lib).multi_margin_loss(x, t, p=3),
                 inputs=[_u((5, 4)), _idx((5,), 4)])
    check_raises(lambda lib, x, t: F(lib).multi_margin_loss(x, t),
                 inputs=[_u((5, 4)), _idx((4,), 4)])
    check_raises(lambda lib, x, t: F(lib).multi_margin_loss(x, t),
                 inputs=[_u((2, 3, 4)), _idx((2,), 4)])


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_multilabel_margin(reduction):
    t = np.array([[3, 0, -1, 1], [0, 1, 2, 3], [-1, 2, 0, 0], [1, -1, 3, 0]], np.int64)
    check(lambda lib, x, t: F(lib).multilabel_margin_loss(x, t, reduction=reduction),
          inputs=[_u((4, 4)), t])
    check(lambda lib, x, t: F(lib).multilabel_margin_loss(x, t, reduction=reduction),
          inputs=[_u((4,)), np.array([2, 1, -1, 0])])
    check_raises(lambda lib, x, t: F(lib).multilabel_margin_loss(x, t),
                 inputs=[_u((4, 4)), t[:, :3]])


def test_no_numpy_warnings_leak():
    with warnings.catch_warnings(record=True) as seen:
        x = ember.tensor([0.0, 1.0])
        ember.nn.functional.binary_cross_entropy(x, ember.tensor([1.0, 0.0]))
    assert not [w for w in seen if issubclass(w.category, RuntimeWarning)]


ELEMENTWISE = ["mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "soft_margin_loss",
               "binary_cross_entropy_with_logits", "kl_div"]


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_mixed_dtypes(name):
    # torch's own backward fails on some mixed pairs, so values and dtypes only
    a32, a64 = _u((3, 4), 0.1, 0.9), _u((3, 4), 0.1, 0.9, np.float64)
    for ins in ([a32, a64], [a64, a32]):
        check(lambda lib, x, y: getattr(F(lib), name)(x, y), inputs=ins, grad=False)
    ints = rng.integers(0, 3, (3, 4))
    check_raises(lambda lib, x, y: getattr(F(lib), name)(x, y), inputs=[ints, ints])


@pytest.mark.parametrize("name", ["mse_loss", "smooth_l1_loss", "huber_loss", "soft_margin_loss"])
def test_int_target(name):
    check(lambda lib, x, y: getattr(F(lib), name)(x, y), grad=False,
          inputs=[_u((3, 4), 0.1, 0.9), rng.integers(0, 2, (3, 4))])


@pytest.mark.parametrize("name", ["binary_cross_entropy_with_logits", "kl_div",
                                  "binary_cross_entropy"])
def test_int_target_raises(name):
    check_raises(lambda lib, x, y: getattr(F(lib), name)(x, y),
                 inputs=[_u((3, 4), 0.1, 0.9), rng.integers(0, 2, (3, 4))])


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_half_precision(dtype):
    t = np.array([1, 0, 3, 2])
    check(lambda lib, x: F(lib).cross_entropy(x, lib.tensor(t)), shapes=[(4, 5)], dtype=dtype)
    check(lambda lib, x, y: F(lib).mse_loss(x, y), shapes=[(4, 5), (4, 5)], dtype=dtype)
    check(lambda lib, x, y: F(lib).binary_cross_entropy_with_logits(x, y), shapes=[(4, 5), (4, 5)],
          dtype=dtype)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_first_order_fast_path(reduction):
    # grad2=False takes the array backward (no create_graph) of the fused elementwise losses
    check(lambda lib, x, y: F(lib).mse_loss(x, y, reduction=reduction), shapes=[(3, 4), (3, 4)])
    check(lambda lib, x, y: F(lib).mse_loss(x, y, reduction=reduction), shapes=[(3, 4), (4,)])
    check(lambda lib, x, y: F(lib).mse_loss(x, y, reduction=reduction), shapes=[(), ()])
    check(lambda lib, x, y: F(lib).mse_loss(x, y.detach(), reduction=reduction),
          shapes=[(2, 3), (2, 3)], dtype="float64")
    f = lambda lib, x, y, **kw: F(lib).binary_cross_entropy_with_logits(
        x, y, reduction=reduction, **kw)
    x, y = _u((3, 4), -4, 4), _u((3, 4), 0, 1)
    check(lambda lib, x, y: f(lib, x, y), inputs=[x, y])
    check(lambda lib, x, y: f(lib, x, y.detach()), inputs=[x, y])
    check(lambda lib, x, y, w, p: f(lib, x, y, weight=w.detach(), pos_weight=p.detach()),
          inputs=[x, y, _u((3, 1), 0, 2), _u((4,), 0.5, 3)])
    check(lambda lib, x, y: f(lib, x, y), inputs=[_u(()), _u((), 0, 1)])
    check(lambda lib, x, y: f(lib, x, y), inputs=[_u((0, 3)), _u((0, 3), 0, 1)])


@pytest.mark.parametrize("name", ["cross_entropy", "nll_loss"])
def test_class_index_bad_types(name):
    f = getattr
    for shape, tgt in [((3, 4), np.array([1, 0, 2])), ((3, 4, 2), np.zeros((3, 2), np.int64)),
                       ((2, 3, 2, 2), np.zeros((2, 2, 2), np.int64))]:
        check_raises(lambda lib, x, y: f(F(lib), name)(x, y),
                     inputs=[np.ones(shape, np.int64), tgt], match="not implemented for 'Long'")
    check_raises(lambda lib, x: f(F(lib), name)(x, [1, 0, 2]), inputs=[_u((3, 4))],
                 match="must be Tensor")
