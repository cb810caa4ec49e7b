"""ONNX lowering of single ember ops used outside layers (functional calls in a forward)."""
from __future__ import annotations

import io

import pytest

import ember
from ember import nn
from ember.nn import functional as F
from ember.onnx import UnsupportedOperatorError
from tests.onnx.onnx_check import export_and_compare


class Fn(nn.Module):
    def __init__(self, fn, *params):
        super().__init__()
        self.fn = fn
        self.params = nn.ParameterList(params)

    def forward(self, *xs):
        return self.fn(*xs, *self.params)


CASES = {
    "arith_scalars": (lambda x: (x * 2 - 1) / 3 + x ** 2 - x.neg(), [(2, 3)]),
    "add_alpha": (lambda x, y: ember.add(x, y, alpha=2) - ember.sub(y, x, alpha=0.5),
                  [(2, 3), (3,)]),
    "unary": (lambda x: ember.cat([x.relu(), x.sigmoid(), x.tanh(), x.exp(), x.abs().sqrt(),
                                   x.abs().add(1).log(),
                                   x.floor(), x.ceil(), x.clone()], 1), [(2, 3)]),
    "shapes": (lambda x: x.view(2, -1).unsqueeze(0).transpose(1, 2).permute(2, 0, 1)
               .squeeze(1).t().reshape(-1), [(2, 3, 4)]),
    "index": (lambda x: ember.cat([x[:, -1], x[..., 1:3].sum(-1), x.permute(1, 0, 2)[0],
                                   x[1, ::2].reshape(1, -1).expand(2, -1)], 1),
              [(2, 4, 3)]),
    "reductions": (lambda x: ember.stack([x.mean(1), x.sum(1), x.amax(1), x.amin(1)], 0)
                   + x.mean(), [(3, 4)]),
    "matmul_linear": (lambda x, w, b: F.gelu(F.linear(x, w, b)) @ w + (x @ w.t()).mm(w),
                      [(3, 4)], [(4, 4), (4,)]),
    "softmaxes": (lambda x: F.softmax(x, -1) + F.log_softmax(x, 0) + F.silu(x)
                  + F.leaky_relu(x, 0.3) + F.gelu(x, approximate="tanh"), [(2, 5)]),
    "to_dtype": (lambda x: x.double() * 2, [(2, 2)]),
}


@pytest.mark.parametrize("name", list(CASES))
def test_ops(name):
    case = CASES[name]
    fn, shapes = case[0], case[1]
    ember.manual_seed(0)
    params = [nn.Parameter(ember.randn(*s)) for s in (case[2] if len(case) > 2 else [])]
    export_and_compare(Fn(fn, *params), *[ember.randn(*s) for s in shapes])


def test_an_op_without_lowering_names_itself():
    with pytest.raises(UnsupportedOperatorError, match="Cumsum"):
        ember.onnx.export(Fn(lambda x: x.cumsum(0)), (ember.randn(3),), io.BytesIO())
