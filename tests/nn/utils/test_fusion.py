"""nn.utils.fusion: conv/linear + eval-mode batch norm folded into one layer, against torch."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
from tests.oracle import assert_same, compare_module, module_pair

RNG = np.random.default_rng(0)


def _trained_bn(lib, bn):
    """A batch norm with non-trivial running statistics and affine parameters."""
    with lib.no_grad():
        n = bn.num_features
        bn.running_mean.copy_(lib.linspace(-1, 1, n))
        bn.running_var.copy_(lib.linspace(0.5, 2, n))
        if bn.weight is not None:
            bn.weight.copy_(lib.linspace(0.5, 1.5, n))
            bn.bias.copy_(lib.linspace(-0.2, 0.2, n))
    return bn.eval()


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("affine", [True, False])
@pytest.mark.parametrize("transpose", [False, True])
def test_fuse_conv_bn_eval(bias, affine, transpose):
    def ctor(lib):
        conv_cls = lib.nn.ConvTranspose2d if transpose else lib.nn.Conv2d
        conv = conv_cls(3, 4, 3, bias=bias).eval()
        bn = _trained_bn(lib, lib.nn.BatchNorm2d(4, affine=affine))
        return lib.nn.utils.fuse_conv_bn_eval(conv, bn, transpose=transpose)
    t, e = module_pair(ctor, init="seed")
    assert repr(e) == repr(t)
    compare_module(t, e, [RNG.normal(size=(2, 3, 5, 5)).astype("float32")])


def test_fuse_linear_bn_eval_and_weights():
    def ctor(lib):
        linear = lib.nn.Linear(3, 4).eval()
        return lib.nn.utils.fuse_linear_bn_eval(linear, _trained_bn(lib, lib.nn.BatchNorm1d(4)))
    t, e = module_pair(ctor, init="seed")
    compare_module(t, e, [RNG.normal(size=(2, 3)).astype("float32")])
    outs = []
    for lib in (torch, ember):
        lib.manual_seed(0)
        w, b = lib.randn(4, 3), None
        rm, rv = lib.randn(4), lib.rand(4) + 0.5
        outs.append(lib.nn.utils.fuse_linear_bn_weights(w, b, rm, rv, 1e-5, lib.ones(4),
                                                        lib.zeros(4)))
    assert_same(list(outs[1]), list(outs[0]))
    assert type(outs[1][0]) is ember.nn.Parameter


def test_fusion_refuses_training_mode():
    for lib in (torch, ember):
        with pytest.raises(AssertionError, match="Fusion only for eval!"):
            lib.nn.utils.fuse_conv_bn_eval(lib.nn.Conv2d(1, 2, 1), lib.nn.BatchNorm2d(2))
