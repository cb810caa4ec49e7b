"""Recording a forward pass for export: which layers and ops ran, on which tensors, in what order.

Two levels are recorded. Layers ONNX has an operator for (Linear, Conv, BatchNorm, LSTM, ...) are
recorded as one step each, with the module itself, so that lowering reads their public attributes
(stride, padding, weights); everything they do inside is not recorded. Any other computation
(residual adds, reshapes, F.relu in a forward) is recorded op by op from ember's internal Op
classes. Both hooks exist only while `record` runs: the instance's `forward` and the Op class's
`apply` are replaced, then restored.
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

from .._tensor import Tensor
from ..ops._op import Op


@dataclass
class Step:
    """One recorded call: a layer (`module` set) or an op (`op` set) with its tensors."""

    kind: str                       # the layer's class name, or the op class's name
    inputs: tuple                   # positional arguments as called (tensors and plain values)
    kwargs: dict
    output: object                  # a Tensor or a tuple of them
    module: object = None
    op: type | None = None


@dataclass
class Recording:
    steps: list[Step] = field(default_factory=list)
    keep: list = field(default_factory=list)  # every tensor seen, so that no id is reused
    depth: int = 0


def _all_op_classes():
    stack, seen = list(Op.__subclasses__()), []
    while stack:
        cls = stack.pop()
        seen.append(cls)
        stack.extend(cls.__subclasses__())
    return seen


@contextlib.contextmanager
def record(model, leaf_types: tuple):
    """Within the block, calls of `model`'s leaf layers and of ember ops are appended to the
    yielded Recording."""
    rec = Recording()
    # resolve every class's apply before patching any: a subclass must keep its own binding
    patched_ops = [(cls, cls.__dict__.get("apply"), cls.apply) for cls in _all_op_classes()]
    for cls, _, bound in patched_ops:
        def traced(*args, _cls=cls, _bound=bound, **kwargs):
            rec.depth += 1
            try:
                out = _bound(*args, **kwargs)
            finally:
                rec.depth -= 1
            if rec.depth == 0:
                rec.keep.extend((args, out))
                rec.steps.append(Step(_cls.__name__, args, kwargs, out, op=_cls))
            return out
        cls.apply = traced
    patched_modules = []
    for module in model.modules():
        if isinstance(module, leaf_types):
            patched_modules.append((module, module.__dict__.get("forward")))
            module.forward = _layer_hook(rec, module, module.forward)
    try:
        yield rec
    finally:
        for cls, original, _ in patched_ops:
            if original is None:
                del cls.apply
            else:
                cls.apply = original
        for module, original in patched_modules:
            if original is None:
                del module.forward
            else:
                module.forward = original


def _layer_hook(rec: Recording, module, forward):
    def hooked(*args, **kwargs):
        rec.depth += 1
        try:
            out = forward(*args, **kwargs)
        finally:
            rec.depth -= 1
        if rec.depth == 0:
            rec.keep.extend((args, out))
            rec.steps.append(Step(type(module).__name__, args, kwargs, out, module=module))
        return out
    return hooked


def flat_tensors(value) -> list[Tensor]:
    """The tensors of a (nested) tuple/list output, in order."""
    if isinstance(value, Tensor):
        return [value]
    if isinstance(value, (tuple, list)):
        return [t for v in value for t in flat_tensors(v)]
    return []
