"""Shared helper: export an ember model, run the file with onnxruntime, compare with ember."""
from __future__ import annotations

import io

import numpy as np
import onnxruntime as ort

import ember
from ember.onnx._trace import flat_tensors


def export_and_compare(model, *args, atol=1e-5, **export_kwargs):
    """Export `model` on `args`, run the ONNX file, assert its outputs equal ember's eval forward.
    Returns the serialized model bytes."""
    buf = io.BytesIO()
    ember.onnx.export(model, args, buf, **export_kwargs)
    sess = ort.InferenceSession(buf.getvalue())
    feeds = {i.name: t.numpy() for i, t in zip(sess.get_inputs(), flat_tensors(list(args)))}
    got = sess.run(None, feeds)
    was = model.training
    model.eval()
    with ember.no_grad():
        want = flat_tensors(model(*args))
    model.train(was)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert g.shape == tuple(w.shape)
        assert g.dtype == w.numpy().dtype
        np.testing.assert_allclose(g, w.numpy(), rtol=1e-5, atol=atol)
    return buf.getvalue()
