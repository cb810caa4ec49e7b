"""ember.autograd: backward(), grad(), custom Functions, grad-mode switches, anomaly detection,
the functional API (jacobian, hessian, vjp, jvp, hvp, vhp), gradcheck / gradgradcheck,
autograd.graph (saved-tensor hooks, gradient edges, multi-tensor gradient hooks), forward_ad
(loaded on first use) and torch's legacy names (Variable, NestedIOFunction).
"""
from __future__ import annotations

from . import anomaly, function, grad_mode, graph  # noqa: F401 - torch.autograd.graph
from .anomaly import detect_anomaly, set_detect_anomaly
from .engine import run_backward
from .function import Function, FunctionCtx, once_differentiable
from .grad_mode import enable_grad, inference_mode, no_grad, set_grad_enabled


def _as_tuple(x):
    if x is None:
        return None
    if isinstance(x, (list, tuple)):
        return tuple(x)
    return (x,)


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, grad_variables=None,
             inputs=None) -> None:
    """Accumulate gradients of `tensors` into the `.grad` of leaves (or only of `inputs`)."""
    tensors = _as_tuple(tensors)
    grads = _as_tuple(grad_tensors) or (None,) * len(tensors)
    if len(grads) != len(tensors):
        raise RuntimeError(f"got {len(tensors)} tensors and {len(grads)} gradients")
    if retain_graph is None:
        retain_graph = create_graph
    inputs = _as_tuple(inputs)
    if inputs is not None and len(inputs) == 0:
        raise RuntimeError("'inputs' argument to backward() cannot be empty.")
    run_backward(tensors, grads, retain_graph, create_graph, inputs=inputs, accumulate=True)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         only_inputs=True, allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """d(outputs)/d(inputs) returned as a tuple, without touching any `.grad`."""
    outputs = _as_tuple(outputs)
    inputs = _as_tuple(inputs)
    grads = _as_tuple(grad_outputs) or (None,) * len(outputs)
    if len(grads) != len(outputs):
        raise RuntimeError(f"got {len(outputs)} tensors and {len(grads)} gradients")
    if retain_graph is None:
        retain_graph = create_graph
    if materialize_grads and allow_unused is False:
        raise ValueError("Expected allow_unused to be True or not passed when materialize_grads=True, "
                         "but got: allow_unused=False.")
    if allow_unused is None:
        allow_unused = materialize_grads
    if is_grads_batched:
        return _grad_batched(outputs, inputs, grads, retain_graph, create_graph, allow_unused,
                             materialize_grads)
    result = run_backward(outputs, grads, retain_graph, create_graph, inputs=inputs,
                          accumulate=False, allow_unused=allow_unused)
    if materialize_grads:
        from ..ops.creation import zeros_like

        result = [zeros_like(x) if g is None else g for g, x in zip(result, inputs)]
    return tuple(result)


def _grad_batched(outputs, inputs, grads, retain_graph, create_graph, allow_unused, materialize):
    """is_grads_batched: the first dim of every grad_output indexes independent backward passes."""
    from ..ops.shape import stack

    n = grads[0].shape[0]
    rows = [grad(outputs, inputs, tuple(g[i] for g in grads), retain_graph=True if i < n - 1
                 else retain_graph, create_graph=create_graph, allow_unused=allow_unused,
                 materialize_grads=materialize) for i in range(n)]
    return tuple(None if col[0] is None else stack(col) for col in zip(*rows))


from ._legacy import (
    NestedIOFunction,
    Variable,
    enforce_grad_layout_policy,
    set_multithreading_enabled,
    variable,
)
from .gradcheck import gradcheck, gradgradcheck  # eager: binds the function over the submodule

# Submodules loaded on first touch, so that `import ember` stays light.
_LAZY = ("functional", "forward_ad")


def __getattr__(name: str):
    """Import the functional API and forward_ad on first touch."""
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return importlib.import_module(f"{__name__}.{name}")


def __dir__() -> list:
    return sorted({*globals(), *_LAZY})


__all__ = [
    "Function",
    "FunctionCtx",
    "NestedIOFunction",
    "Variable",
    "anomaly",
    "backward",
    "detect_anomaly",
    "enable_grad",
    "enforce_grad_layout_policy",
    "function",
    "functional",
    "grad",
    "grad_mode",
    "gradcheck",
    "gradgradcheck",
    "inference_mode",
    "no_grad",
    "once_differentiable",
    "set_detect_anomaly",
    "set_grad_enabled",
    "set_multithreading_enabled",
    "variable",
]
