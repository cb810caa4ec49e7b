"""nn.Conv1d/2d/3d and nn.ConvTranspose1d/2d/3d against torch: outputs, input and parameter grads
with torch's weights loaded, every padding_mode, output_size=, default init after manual_seed,
repr, state_dict keys, constructor errors and the spec's shape cell."""
from __future__ import annotations

import re

import numpy as np
import pytest
import torch

import ember
from tests.oracle import assert_same, check_module, module_pair

pytestmark = pytest.mark.filterwarnings("ignore:Using padding='same'")


def _x(shape, seed=0):
    return np.random.default_rng(seed).normal(size=shape).astype(np.float32)


MODULE_CASES = [
    ("Conv1d", (3, 4, 3), {}, (2, 3, 9)),
    ("Conv1d", (4, 6, 3), {"stride": 2, "padding": 2, "groups": 2, "padding_mode": "circular"},
     (2, 4, 9)),
    ("Conv1d", (3, 4, 4), {"padding": "same", "padding_mode": "reflect", "bias": False},
     (3, 8)),
    ("Conv2d", (3, 4, 3), {"padding": 1}, (2, 3, 6, 6)),
    ("Conv2d", (3, 4, (3, 2)), {"padding": (1, 2), "padding_mode": "reflect"}, (2, 3, 6, 5)),
    ("Conv2d", (3, 4, 3), {"padding": 1, "padding_mode": "replicate", "stride": 2}, (2, 3, 7, 6)),
    ("Conv2d", (4, 4, 3), {"padding": 2, "padding_mode": "circular", "dilation": 2, "groups": 4},
     (2, 4, 6, 6)),
    ("Conv2d", (3, 6, 2), {"padding": "same", "padding_mode": "replicate"}, (2, 3, 5, 6)),
    ("Conv2d", (3, 6, 2), {"padding": "same", "dilation": 2}, (3, 5, 6)),
    ("Conv2d", (3, 2, 1), {"padding": "valid", "bias": False}, (2, 3, 4, 4)),
    ("Conv3d", (2, 4, 3), {"padding": 1, "padding_mode": "circular"}, (1, 2, 4, 5, 4)),
    ("Conv3d", (2, 4, (2, 3, 1)), {"stride": (1, 2, 1), "padding": (1, 0, 0)}, (2, 2, 3, 5, 4)),
    ("ConvTranspose1d", (3, 4, 3), {"stride": 2, "output_padding": 1}, (2, 3, 5)),
    ("ConvTranspose2d", (3, 4, 3), {"stride": 2, "padding": 1}, (2, 3, 4, 4)),
    ("ConvTranspose2d", (4, 6, (3, 2)), {"stride": (2, 3), "groups": 2, "dilation": (2, 1),
                                         "output_padding": (1, 2), "bias": False}, (4, 3, 4)),
    ("ConvTranspose3d", (2, 3, 2), {"stride": 2}, (1, 2, 3, 2, 3)),
]


@pytest.mark.parametrize("name,args,kwargs,xshape", MODULE_CASES)
def test_conv_module(name, args, kwargs, xshape):
    t, e = check_module(name, args, inputs=[_x(xshape)], kwargs=kwargs)
    assert repr(e) == repr(t)
    assert list(e.state_dict()) == list(t.state_dict())


@pytest.mark.parametrize("name,output_size,xshape", [
    ("ConvTranspose2d", (8, 7), (2, 3, 4, 4)),
    ("ConvTranspose2d", [2, 4, 7, 8], (2, 3, 4, 4)),
    ("ConvTranspose2d", (7, 7), (3, 4, 4)),
    ("ConvTranspose1d", [10], (2, 3, 5)),
    ("ConvTranspose3d", (7, 8, 7), (1, 3, 4, 4, 4)),
])
def test_conv_transpose_output_size(name, output_size, xshape):
    check_module(name, (3, 4, 3), inputs=[_x(xshape)], kwargs={"stride": 2, "padding": 1},
                 output_size=output_size)


@pytest.mark.parametrize("output_size", [(9, 9), (6, 6, 6)])
def test_conv_transpose_output_size_errors(output_size):
    t, e = module_pair("ConvTranspose2d", 3, 4, 3)
    x = _x((1, 3, 4, 4))
    with pytest.raises(ValueError) as te:
        t(torch.from_numpy(x), output_size=output_size)
    with pytest.raises(ValueError) as ee:
        e(ember.from_numpy(x), output_size=output_size)
    assert str(ee.value) == str(te.value)


@pytest.mark.parametrize("name,args,kwargs", [
    ("Conv1d", (3, 4, 3), {}),
    ("Conv2d", (1, 1, 3), {"padding": 1}),
    ("Conv2d", (2, 4, (5, 3)), {"stride": 2, "padding": "valid", "dilation": 2, "groups": 2,
                                "bias": False, "padding_mode": "reflect"}),
    ("Conv2d", (16, 32, 3), {"padding": "same"}),
    ("Conv3d", (2, 4, 3), {"stride": (1, 2, 3)}),
    ("ConvTranspose1d", (2, 4, 3), {"output_padding": 0}),
    ("ConvTranspose2d", (2, 4, 3), {"stride": 2, "output_padding": 1, "dilation": 2,
                                    "groups": 2, "bias": False}),
    ("ConvTranspose3d", (3, 6, 2), {"groups": 3}),
])
def test_conv_default_init_and_repr(name, args, kwargs):
    t, e = module_pair(name, *args, init="seed", seed=7, **kwargs)
    assert repr(e) == repr(t)
    for attr in ["in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation",
                 "transposed", "output_padding", "groups", "padding_mode",
                 "_reversed_padding_repeated_twice"]:
        assert getattr(e, attr) == getattr(t, attr), attr


def test_conv_spec_cell():
    """The spec: Conv2d(1, 1, ...) on an (8, 8) image gives (8, 8), (8, 8) and (2, 2)."""
    def comp_conv2d(conv2d, x):
        y = conv2d(x.reshape((1, 1) + tuple(x.shape)))
        return y.reshape(y.shape[2:])

    x = _x((8, 8))
    for kw, shape in [({"kernel_size": 3, "padding": 1}, (8, 8)),
                      ({"kernel_size": (5, 3), "padding": (2, 1)}, (8, 8)),
                      ({"kernel_size": (3, 5), "padding": (0, 1), "stride": (3, 4)}, (2, 2))]:
        t, e = module_pair("Conv2d", 1, 1, **kw)
        ty = comp_conv2d(t, torch.from_numpy(x))
        ey = comp_conv2d(e, ember.from_numpy(x))
        assert tuple(ey.shape) == tuple(ty.shape) == shape
        assert_same(ey, ty)


@pytest.mark.parametrize("name,args,kwargs", [
    ("Conv2d", (2, 4, 3), {"groups": 3}),
    ("Conv2d", (3, 4, 3), {"groups": 3}),
    ("Conv2d", (3, 3, 3), {"groups": 0}),
    ("Conv2d", (3, 3, 3), {"padding": "same", "stride": 2}),
    ("Conv1d", (3, 3, 3), {"padding": "foo"}),
    ("Conv3d", (3, 3, 3), {"padding_mode": "foo"}),
    ("ConvTranspose2d", (3, 3, 3), {"padding_mode": "reflect"}),
])
def test_conv_module_constructor_errors(name, args, kwargs):
    with pytest.raises(ValueError) as te:
        getattr(torch.nn, name)(*args, **kwargs)
    with pytest.raises(ValueError) as ee:
        getattr(ember.nn, name)(*args, **kwargs)
    assert _sorted_sets(str(ee.value)) == _sorted_sets(str(te.value))


def _sorted_sets(msg: str) -> str:
    """A message with each printed set's items sorted: a set literal's iteration order depends on
    the hash seed of the process that compiled it, so torch's own order is not reproducible."""
    return re.sub(r"\{([^}]*)\}", lambda m: "{" + ", ".join(sorted(m.group(1).split(", "))) + "}",
                  msg)


def test_conv_module_input_rank_error():
    e = ember.nn.Conv2d(3, 4, 3)
    t = torch.nn.Conv2d(3, 4, 3)
    x = _x((2, 2, 3, 5, 5))
    with pytest.raises(RuntimeError) as te:
        t(torch.from_numpy(x))
    with pytest.raises(RuntimeError) as ee:
        e(ember.from_numpy(x))
    assert str(ee.value) == str(te.value)


def test_conv_module_training_step_matches():
    """Two SGD steps of a small conv net with torch's weights: identical parameters after."""
    def net(lib):
        nn = lib.nn
        return nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(),
                             nn.Conv2d(4, 2, 3, stride=2, padding_mode="reflect", padding=1),
                             nn.ConvTranspose2d(2, 1, 2, stride=2))
    t, e = module_pair(net)
    x = _x((3, 1, 8, 8))
    for _ in range(2):
        for lib, m in ((torch, t), (ember, e)):
            m.zero_grad()
            (m(lib.from_numpy(x.copy())) ** 2).mean().backward()
            with lib.no_grad():
                for p in m.parameters():
                    p -= 0.1 * p.grad
    for k, v in t.state_dict().items():
        assert_same(e.state_dict()[k], v, where=k, order=1)  # a step holds a gradient
