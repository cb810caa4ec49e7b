"""ONNX lowering of whole layers: each exported model runs under onnxruntime and gives ember's
eval-mode outputs."""
from __future__ import annotations

import pytest

import ember
from ember import nn
from ember.nn import functional as F
from ember.onnx import UnsupportedOperatorError
from tests.onnx.onnx_check import export_and_compare


class _Residual(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(3, 8, 3, padding=1)
        self.bn = nn.BatchNorm2d(8)
        self.c2 = nn.Conv2d(8, 8, 3, padding="same", bias=False)
        self.pool = nn.MaxPool2d(2)
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(8, 5)

    def forward(self, x):
        y = F.relu(self.bn(self.c1(x)))
        y = y + self.c2(y)
        y = self.gap(self.pool(y)).flatten(1)
        return F.log_softmax(self.fc(y), dim=1)


def _trained_bn(model):
    """Non-trivial running statistics, so that eval-mode normalisation is really exercised."""
    model.train()
    with ember.no_grad():
        for _ in range(2):
            model(ember.randn(4, *model.example_shape))
    return model


LAYERS = {
    "residual_cnn": (_Residual, (2, 3, 8, 8)),
    "mlp": (lambda: nn.Sequential(nn.Linear(4, 6), nn.GELU(), nn.LayerNorm(6), nn.Dropout(),
                                  nn.Linear(6, 3), nn.Softmax(dim=-1)), (3, 4)),
    "activations": (lambda: nn.Sequential(nn.ReLU6(), nn.LeakyReLU(0.2), nn.ELU(), nn.SiLU(),
                                          nn.Hardtanh(-0.5, 0.5), nn.Tanh(), nn.Sigmoid(),
                                          nn.Softplus(), nn.GELU("tanh"), nn.Identity()),
                    (2, 5)),
    "conv1d_pools": (lambda: nn.Sequential(nn.Conv1d(2, 4, 3, stride=2, dilation=2, padding=2),
                                           nn.AvgPool1d(2, count_include_pad=False),
                                           nn.MaxPool1d(2, ceil_mode=True), nn.Flatten()),
                     (3, 2, 20)),
    "conv_transpose_3d_bn": (lambda: nn.Sequential(
        nn.ConvTranspose2d(3, 4, 3, stride=2, padding=1, output_padding=1, groups=1),
        nn.BatchNorm2d(4, affine=False), nn.AvgPool2d(2), nn.AdaptiveMaxPool2d(1)),
        (2, 3, 5, 5)),
    "adaptive_divisor": (lambda: nn.Sequential(nn.AdaptiveAvgPool2d((2, 3)), nn.Flatten(),
                                               nn.Unflatten(1, (2, 3, 3))), (2, 3, 4, 6)),
    "conv3d_batchnorm3d": (lambda: nn.Sequential(nn.Conv3d(2, 3, 2), nn.BatchNorm3d(3)),
                           (1, 2, 4, 4, 4)),
}


@pytest.mark.parametrize("name", list(LAYERS))
def test_layers_run_under_onnxruntime(name):
    ctor, shape = LAYERS[name]
    ember.manual_seed(0)
    model = ctor()
    model.example_shape = shape[1:]
    _trained_bn(model)
    export_and_compare(model, ember.randn(*shape))
    assert model.training  # the caller's mode comes back after export


def test_embedding_and_layers_without_a_lowering():
    ember.manual_seed(0)
    export_and_compare(nn.Embedding(10, 4), ember.randint(0, 10, (3, 5)))
    for model, x in ((nn.GroupNorm(2, 4), ember.randn(2, 4, 3)),
                     (nn.Conv2d(1, 1, 3, padding=1, padding_mode="reflect"),
                      ember.randn(1, 1, 4, 4)),
                     (nn.MaxPool2d(2, return_indices=True), ember.randn(1, 1, 4, 4))):
        with pytest.raises(UnsupportedOperatorError, match="ONNX"):
            ember.onnx.export(model, (x,), __import__("io").BytesIO())
