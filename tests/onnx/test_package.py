"""torch.onnx's public face: export to a path or file object, names, dynamic axes, verbose,
is_in_onnx_export, training mode, errors."""
from __future__ import annotations

import io

import numpy as np
import onnx
import onnxruntime as ort
import pytest

import ember
from ember import nn


def _model():
    ember.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Flatten())


def test_export_to_path_with_names_and_dynamic_batch(tmp_path):
    path = tmp_path / "m.onnx"
    model = _model()
    ember.onnx.export(model, (ember.randn(2, 4),), str(path), input_names=["x"],
                      output_names=["y"], dynamic_axes={"x": {0: "batch"}, "y": [0]})
    proto = onnx.load(str(path))
    assert [i.name for i in proto.graph.input] == ["x"]
    assert [o.name for o in proto.graph.output] == ["y"]
    assert proto.graph.input[0].type.tensor_type.shape.dim[0].dim_param == "batch"
    assert {i.name for i in proto.graph.initializer} >= {"0.weight", "0.bias"}
    sess = ort.InferenceSession(str(path))
    x = ember.randn(7, 4)  # another batch size than the example's
    (got,) = sess.run(None, {"x": x.numpy()})
    with ember.no_grad():
        np.testing.assert_allclose(got, model(x).numpy(), rtol=1e-6)


def test_verbose_prints_the_graph(capsys):
    ember.onnx.export(_model(), ember.randn(2, 4), io.BytesIO(), verbose=True)
    assert "Gemm" in capsys.readouterr().out


def test_is_in_onnx_export_and_training_mode_restored():
    seen = []

    class Probe(nn.Module):
        def forward(self, x):
            seen.append((ember.onnx.is_in_onnx_export(), self.training))
            return x + 1
    m = Probe()
    ember.onnx.export(m, (ember.ones(1),), io.BytesIO())
    assert seen == [(True, False)] and m.training and not ember.onnx.is_in_onnx_export()


def test_errors():
    with pytest.raises(ember.onnx.OnnxExporterError, match="needs `f`"):
        ember.onnx.export(_model(), (ember.randn(1, 4),))
    assert issubclass(ember.onnx.errors.UnsupportedOperatorError, RuntimeError)
    assert ember.onnx.TrainingMode.EVAL == 0
