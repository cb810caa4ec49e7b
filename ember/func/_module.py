"""torch.func's module helpers (functional_call, stack_module_state,
replace_all_batch_norm_modules_) and the identity-like functionalize / debug_unwrap.
"""
from __future__ import annotations

import functools

from ..nn.utils.stateless import _functional_call
from ..ops.shape import stack

__all__ = ["debug_unwrap", "functional_call", "functionalize", "replace_all_batch_norm_modules_",
           "stack_module_state"]


def functional_call(module, parameter_and_buffer_dicts, args=None, kwargs=None, *,
                    tie_weights: bool = True, strict: bool = False):
    """module(*args, **kwargs) with the given parameters and buffers in place of its own."""
    return _functional_call(module, parameter_and_buffer_dicts, args, kwargs,
                            tie_weights=tie_weights, strict=strict)


def _stacked_leaf(tensors, name: str):
    requires = [t.requires_grad for t in tensors]
    if any(requires) and not all(requires):
        raise RuntimeError(f"Expected {name} from each model to have the same .requires_grad")
    return stack([t.detach() for t in tensors]).requires_grad_(all(requires))


def stack_module_state(models) -> tuple[dict, dict]:
    """(params, buffers): each named tensor of the models stacked along a new leading dim."""
    models = list(models)
    if len(models) == 0:
        raise RuntimeError("stack_module_state: Expected at least one model, got 0.")
    if not (all(m.training for m in models) or not any(m.training for m in models)):
        raise RuntimeError("stack_module_state: Expected all models to have the same "
                           "training/eval mode.")
    first = type(models[0])
    if not all(type(m) is first for m in models):
        raise RuntimeError("stack_module_state: Expected all models to be of the same class.")
    params = {name: _stacked_leaf([dict(m.named_parameters())[name] for m in models], name)
              for name, _ in models[0].named_parameters()}
    buffers = {name: _stacked_leaf([dict(m.named_buffers())[name] for m in models], name)
               for name, _ in models[0].named_buffers()}
    return params, buffers


def replace_all_batch_norm_modules_(root):
    """Make every BatchNorm under root (root included) stop tracking running statistics."""
    from ..nn.modules.normalization import _BatchNorm

    for m in root.modules():
        if isinstance(m, _BatchNorm) and m.track_running_stats:
            m.running_mean = None
            m.running_var = None
            m.num_batches_tracked = None
            m.track_running_stats = False
    return root


_REMOVE_MSG = (
    "functionalize(f, remove='mutations'): received invalid argument for remove={}. Valid options "
    "are:\n     remove='mutations': all inplace and out= operators will be removed from the "
    "program, and replaced with their out-of-place equivalents.\n     "
    "remove='mutations_and_views': In addition to the above, all aliasing operators {{view}} will "
    "be replaced with their non-aliasing counterparts, {{view}}_copy.\n")


def functionalize(func, *, remove: str = "mutations"):
    """func itself, observably: ember runs eagerly, so mutations of inputs still reach them."""
    if remove not in ("mutations", "mutations_and_views"):
        raise RuntimeError(_REMOVE_MSG.format(remove))

    @functools.wraps(func)
    def wrapped(*args, **kwargs):
        return func(*args, **kwargs)

    return wrapped


def debug_unwrap(tensor, *, recurse: bool = True):
    """The tensor under a transform's wrapper; ember's transforms pass plain tensors, so itself."""
    return tensor
