"""nn loss modules against torch's: forward and grads, repr, state_dict (weight buffers), ctor args."""
import warnings

import numpy as np
import pytest
import torch

import ember
from tests.oracle import assert_same, check, check_raises, to_ember

pytestmark = [pytest.mark.filterwarnings("ignore::UserWarning"),
              pytest.mark.filterwarnings("ignore::FutureWarning")]

rng = np.random.default_rng(1)
W5 = rng.uniform(0.1, 2, 5).astype(np.float32)
X = rng.uniform(-2, 2, (4, 5)).astype(np.float32)
Y = rng.uniform(-2, 2, (4, 5)).astype(np.float32)
P = rng.uniform(0.05, 0.95, (4, 5)).astype(np.float32)
T = rng.integers(0, 5, 4).astype(np.int64)
PM1 = np.where(rng.random(4) < 0.5, -1, 1).astype(np.int64)


def _w(lib):
    return lib.tensor(W5)


# (name, ctor(lib) -> kwargs, inputs, grad2)
CASES = [
    ("L1Loss", lambda lib: {}, [X, Y], True),
    ("L1Loss", lambda lib: {"reduction": "sum"}, [X, Y], True),
    ("MSELoss", lambda lib: {}, [X, Y], True),
    ("MSELoss", lambda lib: {"size_average": False}, [X, Y], True),
    ("MSELoss", lambda lib: {"reduce": False}, [X, Y], True),
    ("SmoothL1Loss", lambda lib: {"beta": 0.5}, [X, Y], True),
    ("HuberLoss", lambda lib: {"delta": 0.5, "reduction": "none"}, [X, Y], True),
    ("SoftMarginLoss", lambda lib: {}, [X, np.sign(Y)], False),
    ("CrossEntropyLoss", lambda lib: {}, [X, T], True),
    ("CrossEntropyLoss", lambda lib: {"weight": _w(lib), "ignore_index": 2,
                                      "label_smoothing": 0.1}, [X, T], True),
    ("CrossEntropyLoss", lambda lib: {"reduction": "sum"}, [X, P], True),
    ("NLLLoss", lambda lib: {"weight": _w(lib), "reduction": "none"}, [X, T], True),
    ("NLLLoss2d", lambda lib: {}, [X.reshape(1, 5, 2, 2), T.reshape(1, 2, 2) % 5], True),
    ("BCELoss", lambda lib: {"weight": _w(lib)}, [P, P[::-1].copy()], True),
    ("BCEWithLogitsLoss", lambda lib: {"weight": _w(lib), "pos_weight": _w(lib) * 2},
     [X, P], True),
    ("BCEWithLogitsLoss", lambda lib: {}, [X, P], True),
    ("KLDivLoss", lambda lib: {"reduction": "batchmean", "log_target": True}, [X, Y], True),
    ("PoissonNLLLoss", lambda lib: {"full": True}, [X, P * 3], True),
    ("GaussianNLLLoss", lambda lib: {"full": True}, [X, Y, P], True),
    ("MarginRankingLoss", lambda lib: {"margin": 0.2}, [X[:, 0].copy(), Y[:, 0].copy(), PM1],
     True),
    ("HingeEmbeddingLoss", lambda lib: {"margin": 0.5}, [X[:, 0].copy(), PM1], True),
    ("CosineEmbeddingLoss", lambda lib: {"margin": 0.1}, [X, Y, PM1], True),
    ("TripletMarginLoss", lambda lib: {"p": 1.0, "swap": True}, [X, Y, P], True),
    ("TripletMarginWithDistanceLoss", lambda lib: {"margin": 0.5}, [X, Y, P], True),
    ("MultiLabelSoftMarginLoss", lambda lib: {"weight": _w(lib)}, [X, (P > 0.5) * 1.0], True),
    ("MultiLabelMarginLoss", lambda lib: {}, [X, np.array([[1, 4, -1, 0, 0]] * 4)], False),
    ("MultiMarginLoss", lambda lib: {"p": 2, "margin": 0.5, "weight": _w(lib)}, [X, T], False),
]


def _detached_targets(inputs):
    """Only the first input carries a gradient (torch lacks some target derivatives)."""
    return [a.astype(np.float32) if a.dtype == np.float64 else a for a in inputs]


@pytest.mark.parametrize("name,ctor,inputs,grad2", CASES, ids=[c[0] for c in CASES])
def test_forward_matches_torch(name, ctor, inputs, grad2):
    def fn(lib, x, *rest):
        mod = getattr(lib.nn, name)(**ctor(lib))
        return mod(x, *[r.detach() if r.is_floating_point() else r for r in rest])

    check(fn, inputs=_detached_targets(inputs), grad2=grad2)


@pytest.mark.parametrize("name,ctor", [(c[0], c[1]) for c in CASES], ids=[c[0] for c in CASES])
def test_repr_and_state_dict(name, ctor):
    t_mod = getattr(torch.nn, name)(**ctor(torch))
    e_mod = getattr(ember.nn, name)(**ctor(ember))
    assert repr(e_mod) == repr(t_mod)
    t_sd, e_sd = t_mod.state_dict(), e_mod.state_dict()
    assert list(e_sd) == list(t_sd)
    for k in t_sd:
        assert_same(e_sd[k], t_sd[k], where=k)
    assert e_mod.reduction == t_mod.reduction
    assert [n for n, _ in e_mod.named_buffers()] == [n for n, _ in t_mod.named_buffers()]


def test_weight_buffer_load_and_cast():
    t_mod = torch.nn.CrossEntropyLoss(weight=torch.tensor(W5))
    e_mod = ember.nn.CrossEntropyLoss(weight=ember.ones(5))
    e_mod.load_state_dict({k: to_ember(v) for k, v in t_mod.state_dict().items()})
    assert_same(e_mod.weight, t_mod.weight)
    e_mod = e_mod.double()
    assert e_mod.weight.dtype == ember.float64
    x = ember.tensor(X.astype(np.float64))
    out = e_mod(x, ember.tensor(T))
    ref = t_mod.double()(torch.tensor(X.astype(np.float64)), torch.tensor(T))
    assert_same(out, ref)


def test_legacy_args_warn():
    with pytest.warns(UserWarning, match="reduction='sum'"):
        m = ember.nn.L1Loss(size_average=False)
    assert m.reduction == "sum"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for sa, red in [(None, None), (True, False), (False, True)]:
            kw = {"size_average": sa, "reduce": red}
            assert ember.nn.NLLLoss(**kw).reduction == torch.nn.NLLLoss(**kw).reduction


def test_nll_loss_2d_deprecated():
    with pytest.warns(FutureWarning, match="NLLLoss2d"):
        ember.nn.NLLLoss2d()


def test_ctor_errors():
    check_raises(lambda lib: lib.nn.TripletMarginLoss(margin=0), inputs=[],
                 match="expected margin to be greater than 0")
    check_raises(lambda lib: lib.nn.TripletMarginWithDistanceLoss(margin=-1.0), inputs=[])
    check_raises(lambda lib: lib.nn.MultiMarginLoss(p=3), inputs=[], match="only p == 1")
    check_raises(lambda lib: lib.nn.MultiMarginLoss(weight=lib.ones(2, 2)), inputs=[],
                 match="1D tensor")
    check_raises(lambda lib, x, t: lib.nn.CrossEntropyLoss(reduction="avg")(x, t),
                 inputs=[X, T], match="avg is not a valid value for reduction")


def test_training_step_matches_torch():
    """A linear classifier step: CE loss, backward, weight grads equal torch's."""
    rs = np.random.default_rng(3)
    w = rs.standard_normal((5, 8)).astype(np.float32)
    x = rs.standard_normal((16, 8)).astype(np.float32)
    t = rs.integers(0, 5, 16)
    grads = []
    for lib in (torch, ember):
        wt = lib.tensor(w, requires_grad=True)
        logits = lib.tensor(x) @ wt.t()
        loss = lib.nn.CrossEntropyLoss(label_smoothing=0.05)(logits, lib.tensor(t))
        loss.backward()
        grads.append((loss, wt.grad))
    assert_same(grads[1][0], grads[0][0])
    assert_same(grads[1][1], grads[0][1], order=1)


@pytest.mark.parametrize("make", [
    lambda lib, F, x, t, w: (lib.nn.CrossEntropyLoss(weight=w, label_smoothing=0.1)(x, t),
                             F.cross_entropy(x, t, weight=w, label_smoothing=0.1)),
    lambda lib, F, x, t, w: (lib.nn.NLLLoss(ignore_index=1, reduction="sum")(x, t),
                             F.nll_loss(x, t, ignore_index=1, reduction="sum")),
    lambda lib, F, x, t, w: (lib.nn.MSELoss(reduction="none")(x, lib.tensor(Y)),
                             F.mse_loss(x, lib.tensor(Y), reduction="none")),
])
def test_module_equals_functional(make):
    """Module and functional forms agree with torch's, and with each other bit for bit."""
    def both(lib, x):
        return make(lib, lib.nn.functional, x, lib.tensor(T), lib.tensor(W5))
    e_out, _ = check(both, inputs=[X])
    assert np.array_equal(e_out[0].detach().numpy(), e_out[1].detach().numpy())
