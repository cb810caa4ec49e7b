"""torch.func: composable function transforms (grad, vjp, jvp, jacrev, jacfwd, hessian, vmap,
linearize) and the module helpers (functional_call, stack_module_state).

Reverse mode runs ember's autograd (jacrev pushes all Jacobian rows through one batched backward
where every op on the path has a batched rule, see _batched_backward); forward mode uses the
double-backward trick; vmap maps the function over the samples of the batch (see _vmap for what
that implies). Transforms nest and
compose with ordinary autograd.
"""
from __future__ import annotations

from ._module import (
    debug_unwrap,
    functional_call,
    functionalize,
    replace_all_batch_norm_modules_,
    stack_module_state,
)
from ._rearrange import rearrange
from ._transforms import grad, grad_and_value, hessian, jacfwd, jacrev, jvp, linearize, vjp
from ._vmap import vmap

__all__ = [
    "debug_unwrap",
    "functional_call",
    "functionalize",
    "grad",
    "grad_and_value",
    "hessian",
    "jacfwd",
    "jacrev",
    "jvp",
    "linearize",
    "rearrange",
    "replace_all_batch_norm_modules_",
    "stack_module_state",
    "vjp",
    "vmap",
]
