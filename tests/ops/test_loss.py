"""The losses of ember/ops/loss.py against torch (mse, l1, smooth_l1, huber, soft_margin, bce,
nll, cross_entropy): values, grads and second derivatives."""
import warnings

import numpy as np
import pytest

import ember
from tests.ops.loss_inputs import REDUCTIONS, F, class_index, rng, signs, uniform
from tests.oracle import check, check_raises

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


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
    a = uniform((5, 3))
    check(lambda lib, x, y: fn(F(lib), name)(x, y, **kw), inputs=[a.T, uniform((3, 5))], grad2=True)
    check(lambda lib, x, y: fn(F(lib), name)(x, y, reduction="none", **kw),
          shapes=[(3, 4), (4,)], grad2=True)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", ["mse_loss", "l1_loss", "huber_loss"])
def test_pointwise_weight(name, reduction):
    check(lambda lib, x, y, w: getattr(F(lib), name)(x, y, reduction=reduction, weight=w),
          inputs=[uniform((3, 4)), uniform((3, 4)), uniform((3, 4), 0.1, 1.0)], grad2=True)


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
          inputs=[uniform((3, 4)), signs((3, 4)).astype(np.float32)], grad2=True)


# ---- binary cross entropy --------------------------------------------------------------------


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_bce(reduction):
    check(lambda lib, x, y: F(lib).binary_cross_entropy(x, y, reduction=reduction),
          inputs=[uniform((3, 4), 0.05, 0.95), uniform((3, 4), 0, 1)], grad2=True)
    check(lambda lib, x, y, w: F(lib).binary_cross_entropy(x, y, w.detach(), reduction=reduction),
          inputs=[uniform((3, 4), 0.05, 0.95), uniform((3, 4), 0, 1), uniform((4,), 0.1, 2)], grad2=True)


def test_bce_edges():
    check(lambda lib, x, y: F(lib).binary_cross_entropy(x, y),
          inputs=[np.array([0.0, 1.0, 0.5], np.float32), np.array([1.0, 0.0, 0.5], np.float32)])
    check(lambda lib, x, y: F(lib).binary_cross_entropy(x, y),
          inputs=[uniform((2, 3), 0.05, 0.95, np.float64), uniform((2, 3), 0, 1, np.float64)], grad2=True)
    check(lambda lib, x, y: F(lib).binary_cross_entropy(x, y),
          inputs=[uniform((0, 3), 0.1, 0.9), uniform((0, 3), 0, 1)])
    check_raises(lambda lib, x, y: F(lib).binary_cross_entropy(x, y),
                 inputs=[uniform((3,), 0.5, 1.5), uniform((3,), 0, 1)], match="between 0 and 1")
    check_raises(lambda lib, x, y: F(lib).binary_cross_entropy(x, y),
                 inputs=[uniform((2, 3), 0.1, 0.9), uniform((3,), 0, 1)], match="target size")


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_bce_with_logits(reduction):
    f = lambda lib, x, y, **kw: F(lib).binary_cross_entropy_with_logits(
        x, y, reduction=reduction, **kw)
    x, y = uniform((3, 4), -4, 4), uniform((3, 4), 0, 1)
    check(lambda lib, x, y: f(lib, x, y), inputs=[x, y], grad2=True)
    check(lambda lib, x, y, w: f(lib, x, y, weight=w.detach()), inputs=[x, y, uniform((4,), 0, 2)],
          grad2=True)
    check(lambda lib, x, y, p: f(lib, x, y, pos_weight=p.detach()),
          inputs=[x, y, uniform((4,), 0.5, 3)], grad2=True)
    check(lambda lib, x, y, w, p: f(lib, x, y, weight=w.detach(), pos_weight=p.detach()),
          inputs=[x, y, uniform((3, 1), 0, 2), uniform((4,), 0.5, 3)], grad2=True)


def test_bce_with_logits_edges():
    big = np.array([-200.0, -50.0, 0.0, 50.0, 200.0], np.float32)
    check(lambda lib, x, y: F(lib).binary_cross_entropy_with_logits(x, y, reduction="none"),
          inputs=[big, uniform((5,), 0, 1)])
    check(lambda lib, x, y: F(lib).binary_cross_entropy_with_logits(x, y),
          inputs=[uniform((0, 2)), uniform((0, 2), 0, 1)])
    check(lambda lib, x, y: F(lib).binary_cross_entropy_with_logits(x, y),
          inputs=[uniform((), dtype=np.float64), uniform((), 0, 1, np.float64)], grad2=True)
    check_raises(lambda lib, x, y: F(lib).binary_cross_entropy_with_logits(x, y),
                 shapes=[(3, 2), (2,)], match="must be the same as input size")


# ---- cross entropy and nll ------------------------------------------------------------------


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", ["cross_entropy", "nll_loss"])
def test_class_index(name, reduction):
    f = lambda lib, x, t, **kw: getattr(F(lib), name)(x, t, reduction=reduction, **kw)
    x, t = uniform((6, 5)), class_index((6,), 5)
    check(lambda lib, x, t: f(lib, x, t), inputs=[x, t], grad2=True)
    check(lambda lib, x, t, w: f(lib, x, t, weight=w.detach()), inputs=[x, t, uniform((5,), 0.1, 2)],
          grad2=True)
    check(lambda lib, x, t: f(lib, x, t, ignore_index=2), inputs=[x, class_index((6,), 5, ignore=2)],
          grad2=True)
    check(lambda lib, x, t, w: f(lib, x, t, weight=w.detach()),
          inputs=[x, class_index((6,), 5, ignore=-100), uniform((5,), 0.1, 2)], grad2=True)
    # K-dimensional (N, C, d1[, d2, d3]) and unbatched (C,)
    check(lambda lib, x, t: f(lib, x, t), inputs=[uniform((2, 3, 4)), class_index((2, 4), 3)], grad2=True)
    check(lambda lib, x, t, w: f(lib, x, t, weight=w.detach(), ignore_index=0),
          inputs=[uniform((2, 3, 2, 3)), class_index((2, 2, 3), 3), uniform((3,), 0.1, 2)], grad2=True)
    check(lambda lib, x, t: f(lib, x, t), inputs=[uniform((2, 3, 2, 1, 2)), class_index((2, 2, 1, 2), 3)])
    check(lambda lib, x, t: f(lib, x, t), inputs=[uniform((5,)), np.array(3)], grad2=True)
    # torch's own backward fails for a (C,) input with a (1,) target, so values only
    check(lambda lib, x, t: f(lib, x, t), inputs=[uniform((5,)), np.array([3])], grad=False)
    # float64, non-contiguous, empty batch, all targets ignored (mean -> nan, zero grad)
    check(lambda lib, x, t: f(lib, x, t), inputs=[uniform((4, 3), dtype=np.float64), class_index((4,), 3)],
          grad2=True)
    check(lambda lib, x, t: f(lib, x, t), inputs=[uniform((5, 4)).T, class_index((4,), 5)], grad2=True)
    check(lambda lib, x, t: f(lib, x, t), inputs=[uniform((0, 5)), class_index((0,), 5)])
    check(lambda lib, x, t: f(lib, x, t), inputs=[x, np.full(6, -100, np.int64)], grad2=True)


def test_cross_entropy_uint8_target():
    check(lambda lib, x, t: F(lib).nll_loss(x, t), inputs=[uniform((3, 4)), np.array([1, 0, 3],
                                                                                np.uint8)])


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_label_smoothing(reduction):
    f = lambda lib, x, t, **kw: F(lib).cross_entropy(
        x, t, reduction=reduction, label_smoothing=0.2, **kw)
    x = uniform((6, 5))
    check(lambda lib, x, t: f(lib, x, t), inputs=[x, class_index((6,), 5)], grad2=True)
    check(lambda lib, x, t, w: f(lib, x, t, weight=w.detach()),
          inputs=[x, class_index((6,), 5, ignore=-100), uniform((5,), 0.1, 2)], grad2=True)
    check(lambda lib, x, t: f(lib, x, t, ignore_index=1),
          inputs=[uniform((2, 3, 4)), class_index((2, 4), 3, ignore=1)], grad2=True)
    check(lambda lib, x, t: f(lib, x, t), inputs=[uniform((5,)), np.array(1)], grad2=True)
    check(lambda lib, x, t: f(lib, x, t), inputs=[x, np.full(6, -100, np.int64)])


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("smoothing", [0.0, 0.3])
def test_cross_entropy_probabilities(reduction, smoothing):
    f = lambda lib, x, y, **kw: F(lib).cross_entropy(
        x, F(lib).softmax(y, -1 if x.ndim < 3 else 1), reduction=reduction, label_smoothing=smoothing,
        **kw)
    check(lambda lib, x, y: f(lib, x, y), shapes=[(4, 5), (4, 5)], grad2=True)
    check(lambda lib, x, y, w: f(lib, x, y, weight=w.detach()),
          inputs=[uniform((4, 5)), uniform((4, 5)), uniform((5,), 0.1, 2)], grad2=True)
    check(lambda lib, x, y: f(lib, x, y), shapes=[(2, 3, 4), (2, 3, 4)], grad2=True)
    check(lambda lib, x, y: f(lib, x, y), shapes=[(5,), (5,)], grad2=True)
    check(lambda lib, x, y: f(lib, x, y), shapes=[(0, 5), (0, 5)])


def test_class_index_errors():
    ce = lambda lib, *a, **k: F(lib).cross_entropy(*a, **k)
    x = uniform((3, 5))
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
    check_raises(lambda lib, x, t, w: ce(lib, x, t, w), inputs=[x, np.array([1, 0, 2]), uniform((4,))],
                 match="weight tensor should be defined")
    check_raises(lambda lib, x, t: ce(lib, x, t), inputs=[x, np.zeros((3, 5), np.int64)],
                 match="Expected floating point type")
    check_raises(lambda lib, x, t: ce(lib, x, t, ignore_index=1), inputs=[x, uniform((3, 5))],
                 match="ignore_index is not supported")
    check_raises(lambda lib, x, t: ce(lib, x, t), inputs=[uniform((2, 3, 4)), np.zeros((2, 5),
                                                                                  np.int64)])
    check_raises(lambda lib, x, t: ce(lib, x, t), inputs=[uniform((5,)), np.array([1, 2])])
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
    a32, a64 = uniform((3, 4), 0.1, 0.9), uniform((3, 4), 0.1, 0.9, np.float64)
    for ins in ([a32, a64], [a64, a32]):
        check(lambda lib, x, y: getattr(F(lib), name)(x, y), inputs=ins, grad=False)
    ints = rng.integers(0, 3, (3, 4))
    check_raises(lambda lib, x, y: getattr(F(lib), name)(x, y), inputs=[ints, ints])


@pytest.mark.parametrize("name", ["mse_loss", "smooth_l1_loss", "huber_loss", "soft_margin_loss"])
def test_int_target(name):
    check(lambda lib, x, y: getattr(F(lib), name)(x, y), grad=False,
          inputs=[uniform((3, 4), 0.1, 0.9), rng.integers(0, 2, (3, 4))])


@pytest.mark.parametrize("name", ["binary_cross_entropy_with_logits", "kl_div",
                                  "binary_cross_entropy"])
def test_int_target_raises(name):
    check_raises(lambda lib, x, y: getattr(F(lib), name)(x, y),
                 inputs=[uniform((3, 4), 0.1, 0.9), rng.integers(0, 2, (3, 4))])


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
    x, y = uniform((3, 4), -4, 4), uniform((3, 4), 0, 1)
    check(lambda lib, x, y: f(lib, x, y), inputs=[x, y])
    check(lambda lib, x, y: f(lib, x, y.detach()), inputs=[x, y])
    check(lambda lib, x, y, w, p: f(lib, x, y, weight=w.detach(), pos_weight=p.detach()),
          inputs=[x, y, uniform((3, 1), 0, 2), uniform((4,), 0.5, 3)])
    check(lambda lib, x, y: f(lib, x, y), inputs=[uniform(()), uniform((), 0, 1)])
    check(lambda lib, x, y: f(lib, x, y), inputs=[uniform((0, 3)), uniform((0, 3), 0, 1)])


@pytest.mark.parametrize("name", ["cross_entropy", "nll_loss"])
def test_class_index_bad_types(name):
    f = getattr
    for shape, tgt in [((3, 4), np.array([1, 0, 2])), ((3, 4, 2), np.zeros((3, 2), np.int64)),
                       ((2, 3, 2, 2), np.zeros((2, 2, 2), np.int64))]:
        check_raises(lambda lib, x, y: f(F(lib), name)(x, y),
                     inputs=[np.ones(shape, np.int64), tgt], match="not implemented for 'Long'")
    check_raises(lambda lib, x: f(F(lib), name)(x, [1, 0, 2]), inputs=[uniform((3, 4))],
                 match="must be Tensor")


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", ["cross_entropy", "nll_loss"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("ignore_index", [-100, -1, 2])
@pytest.mark.parametrize("shape", [(6, 5), (2, 5, 3), (1, 5)], ids=str)
def test_class_index_options_together_first_order(name, reduction, weighted, ignore_index, shape):
    """Every option combination with an ignored target in the batch, through the first-order
    backward (grad2 rows take the create_graph path, which once hid a broadcast error here)."""
    n, c, rest = shape[0], shape[1], shape[2:]
    t = class_index((n, *rest), c, ignore=ignore_index)
    inputs = [uniform(shape), t] + ([uniform((c,), 0.1, 2)] if weighted else [])

    def f(lib, x, t, *w):
        kw = {"weight": w[0].detach()} if w else {}
        return getattr(F(lib), name)(x, t, reduction=reduction, ignore_index=ignore_index, **kw)

    check(f, inputs=inputs)


@pytest.mark.parametrize("n", [2, 17, 512])
def test_cross_entropy_ignored_target_backward_any_batch(n):
    t = class_index((n,), 10, ignore=-100)
    check(lambda lib, x, t: F(lib).cross_entropy(x, t), inputs=[uniform((n, 10)), t])
