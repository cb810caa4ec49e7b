"""ember.vision.ops layers against torchvision.ops: repr, seeded init, outputs and gradients."""
import numpy as np
import pytest
import torch

import ember
from ember.vision import ops
from tests.oracle import assert_same, to_ember
from tests.third_party import import_torchvision
from tests.vision.models.zoo_check import check_numerics, check_structure


def _pair(name: str, *args, **kwargs):
    torch.manual_seed(0)
    t = getattr(import_torchvision().ops, name)(*args, **kwargs)
    ember.manual_seed(0)
    e = getattr(ops, name)(*args, **kwargs)
    return t, e


@pytest.mark.parametrize("name,args,kwargs,shape", [
    ("Conv2dNormActivation", (3, 8), {}, (2, 3, 6, 6)),
    ("Conv2dNormActivation", (4, 8, (3, 5)), {"stride": 2, "groups": 2, "dilation": (1, 2),
                                              "activation_layer": "SiLU"}, (2, 4, 9, 9)),
    ("Conv2dNormActivation", (3, 4, 1), {"norm_layer": None, "activation_layer": None},
     (2, 3, 5, 5)),
    ("Conv3dNormActivation", (2, 4), {"inplace": None}, (2, 2, 4, 4, 4)),
    ("SqueezeExcitation", (8, 2), {}, (2, 8, 5, 5)),
    ("MLP", (6, [10, 4]), {"norm_layer": "LayerNorm", "dropout": 0.3}, (3, 6)),
    ("Permute", ([0, 2, 3, 1],), {}, (2, 3, 4, 5)),
])
def test_layers_match_torchvision(name, args, kwargs, shape):
    kw = {k: v for k, v in kwargs.items() if not isinstance(v, str)}
    t_kw = {**kw, **{k: getattr(torch.nn, v) for k, v in kwargs.items() if isinstance(v, str)}}
    e_kw = {**kw, **{k: getattr(ember.nn, v) for k, v in kwargs.items() if isinstance(v, str)}}
    torch.manual_seed(0)
    t = getattr(import_torchvision().ops, name)(*args, **t_kw)
    ember.manual_seed(0)
    e = getattr(ops, name)(*args, **e_kw)
    check_structure(t, e)
    check_numerics(t, e, shape)


def test_frozen_batch_norm_loads_a_batch_norm_checkpoint():
    t, e = _pair("FrozenBatchNorm2d", 4, eps=1e-3)
    assert repr(e) == repr(t) == "FrozenBatchNorm2d(4, eps=0.001)"
    bn = torch.nn.BatchNorm2d(4)
    bn.train()(torch.randn(8, 4, 3, 3))
    with torch.no_grad():
        bn.weight.uniform_(0.5, 1.5)
        bn.bias.uniform_(-1, 1)
    state = bn.state_dict()  # has num_batches_tracked, which the frozen layer drops
    t.load_state_dict(state)
    e.load_state_dict({k: to_ember(v) for k, v in state.items()})
    assert list(e.state_dict()) == list(t.state_dict())
    check_numerics(t, e, (2, 4, 3, 3), modes=("train",))


@pytest.mark.parametrize("mode", ["row", "batch"])
@pytest.mark.parametrize("p", [0.0, 0.4, 1.0])
def test_stochastic_depth_draws_as_torchvision(mode, p):
    tv_ops = import_torchvision().ops
    x = np.random.default_rng(0).uniform(-1, 1, (6, 3, 2)).astype(np.float32)
    xt = torch.from_numpy(x).requires_grad_(True)
    xe = to_ember(xt, requires_grad=True)
    torch.manual_seed(3)
    yt = tv_ops.stochastic_depth(xt, p, mode, training=True)
    ember.manual_seed(3)
    ye = ops.stochastic_depth(xe, p, mode, training=True)
    assert_same(ye, yt)
    up = torch.from_numpy(np.random.default_rng(1).uniform(-1, 1, x.shape).astype(np.float32))
    yt.backward(up)
    ye.backward(to_ember(up))
    assert_same(xe.grad, xt.grad)
    assert ops.stochastic_depth(xe, p, mode, training=False) is xe
    assert repr(ops.StochasticDepth(p, mode)) == repr(tv_ops.StochasticDepth(p, mode))


def test_stochastic_depth_errors():
    x = ember.ones(2, 3)
    with pytest.raises(ValueError, match="drop probability has to be between 0 and 1, but got 2"):
        ops.stochastic_depth(x, 2, "row")
    with pytest.raises(ValueError, match="mode has to be either 'batch' or 'row', but got col"):
        ops.stochastic_depth(x, 0.5, "col")
