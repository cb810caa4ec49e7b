"""torch.onnx.errors: the exceptions export raises."""
from __future__ import annotations

__all__ = ["OnnxExporterError", "UnsupportedOperatorError"]


class OnnxExporterError(RuntimeError):
    """Errors raised by the ONNX exporter."""


class UnsupportedOperatorError(OnnxExporterError):
    """A layer or op in the recorded forward has no ONNX lowering in ember yet."""
