"""gradcheck / gradgradcheck: analytical gradients against central finite differences.

For every differentiable input element, the function is evaluated at x +- eps (float64 advised,
as PyTorch warns); every row of the analytical Jacobian comes from autograd.grad with a one-hot
upstream gradient. A mismatch raises GradcheckError (a RuntimeError) with PyTorch's message, or
returns False with raise_exception=False.
"""
from __future__ import annotations

import warnings

import numpy as np

from ..backend import array_module
from . import grad_mode
from . import node as _node

__all__ = ["GradcheckError", "gradcheck", "gradgradcheck"]


class GradcheckError(RuntimeError):
    """Raised by gradcheck and gradgradcheck when a check fails."""


def _as_tuple(x) -> tuple:
    if isinstance(x, tuple):
        return x
    if isinstance(x, list):
        return tuple(x)
    return (x,)


def _differentiable_outputs(out) -> tuple:
    return tuple(o for o in _as_tuple(out) if isinstance(o, _node.Tensor) and o.requires_grad)


def _host(a) -> np.ndarray:
    return a if isinstance(a, np.ndarray) else a.get()


def _check_inputs(inputs: tuple) -> list:
    """Indices of inputs that require grad (warning on non-float64), as PyTorch checks them."""
    diff = []
    for idx, inp in enumerate(inputs):
        if isinstance(inp, _node.Tensor) and inp.requires_grad:
            if inp.dtype.name != "float64":
                warnings.warn(f"Input #{idx} requires gradient and is not a double precision "
                              "floating point or complex. This check will likely fail if all the "
                              "inputs are not of double precision floating point or complex. ",
                              stacklevel=3)
            if any(st == 0 and sz > 1 for st, sz in zip(inp.stride(), inp.shape)):
                raise RuntimeError(
                    f"The {idx}th input has a dimension with stride 0. gradcheck only supports "
                    "inputs that are non-overlapping to be able to compute the numerical "
                    "gradients correctly. You should call .contiguous on the input before "
                    "passing it to gradcheck.")
            diff.append(idx)
    if not diff:
        raise ValueError("gradcheck expects at least one input tensor to require gradient, but "
                         "none of them have requires_grad=True.")
    return diff


def _output_arrays(func, inputs: tuple) -> list:
    """Host float64 arrays of every tensor output (the numerical side perturbs inputs)."""
    out = func(*inputs)
    return [_host(o.detach()._data).astype(np.float64) for o in _as_tuple(out)
            if isinstance(o, _node.Tensor)]


def _numerical_jacobian(func, inputs: tuple, diff: list, outputs: tuple, eps: float) -> list:
    """jac[i][j]: array (numel of input j, numel of output i) by central differences."""
    tensor_out = [o for o in _as_tuple(outputs) if isinstance(o, _node.Tensor)]
    keep = [i for i, o in enumerate(tensor_out) if o.requires_grad]
    jac = [[np.zeros((inputs[j].numel(), tensor_out[i].numel())) for j in diff] for i in keep]
    # grad stays on: func may itself call autograd (gradgradcheck's does)
    for jj, j in enumerate(diff):
        data = inputs[j]._data
        for k, idx in enumerate(np.ndindex(*data.shape)):
            orig = data[idx].copy()
            data[idx] = orig - eps
            lo = _output_arrays(func, inputs)
            data[idx] = orig + eps
            hi = _output_arrays(func, inputs)
            data[idx] = orig
            for ii, i in enumerate(keep):
                jac[ii][jj][k] = ((hi[i] - lo[i]) / (2 * eps)).reshape(-1)
    return jac


def _analytical_jacobian(inputs: tuple, diff: list, outputs: tuple) -> list:
    """jac[i][j]: array (numel of input j, numel of output i), one backward per output element."""
    from . import grad as _grad

    diff_inputs = [inputs[j] for j in diff]
    outs = _differentiable_outputs(outputs)
    jac = []
    for o in outs:
        blocks = [np.zeros((inputs[j].numel(), o.numel())) for j in diff]
        xp = array_module(o._data)
        for k in range(o.numel()):
            onehot = xp.zeros(o._data.size, o._data.dtype)
            onehot[k] = 1
            grads = _grad(o, diff_inputs, _node.new_tensor(onehot.reshape(o._data.shape)),
                          retain_graph=True, allow_unused=True)
            for jj, g in enumerate(grads):
                if g is not None:
                    blocks[jj][:, k] = _host(g._data).astype(np.float64).reshape(-1)
        jac.append(blocks)
    return jac


def _fmt(a: np.ndarray) -> str:

    return repr(_node.new_tensor(a))


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True,
              nondet_tol=0.0, check_undefined_grad=True, check_grad_dtypes=False,
              check_batched_grad=False, check_batched_forward_grad=False, check_forward_ad=False,
              check_backward_ad=True, fast_mode=False, masked=None) -> bool:
    """True if func's analytical gradients match finite differences at `inputs`.

    Slow mode only (fast_mode is accepted and checks the full Jacobian); forward-AD and batched
    checks do not apply to ember.
    """
    inputs = _as_tuple(inputs)
    diff = _check_inputs(inputs)
    try:
        if not check_backward_ad:
            return True
        with grad_mode.enable_grad():
            outputs = func(*inputs)
        numerical = _numerical_jacobian(func, inputs, diff, outputs, eps)
        analytical = _analytical_jacobian(inputs, diff, outputs)
        for i, (n_row, a_row) in enumerate(zip(numerical, analytical)):
            for jj, (n, a) in enumerate(zip(n_row, a_row)):
                if not np.allclose(a, n, rtol=rtol, atol=atol):
                    raise GradcheckError(
                        f"Jacobian mismatch for output {i:d} with respect to input {diff[jj]:d},\n"
                        f"numerical:{_fmt(n)}\nanalytical:{_fmt(a)}\n")
        if check_grad_dtypes:
            _check_grad_dtypes(inputs, diff, outputs)
    except GradcheckError:
        if raise_exception:
            raise
        return False
    return True


def _check_grad_dtypes(inputs, diff, outputs) -> None:
    from . import grad as _grad

    outs = _differentiable_outputs(outputs)
    if not outs:
        return
    grads = _grad(outs, [inputs[j] for j in diff],
                  [o.detach() * 0 + 1 for o in outs], retain_graph=True, allow_unused=True)
    for j, g in zip(diff, grads):
        if g is not None and (g.dtype is not inputs[j].dtype or g.shape != inputs[j].shape):
            raise GradcheckError("Gradient has dtype mismatch" if g.dtype is not inputs[j].dtype
                                 else "Gradient has wrong shape")


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3,
                  gen_non_contig_grad_outputs=False, raise_exception=True, nondet_tol=0.0,
                  check_undefined_grad=True, check_grad_dtypes=False, check_batched_grad=False,
                  check_fwd_over_rev=False, check_rev_over_rev=True, fast_mode=False,
                  masked=False) -> bool:
    """gradcheck of the gradient: second derivatives, including those through grad_outputs."""
    from . import grad as _grad

    tupled_inputs = _as_tuple(inputs)
    if grad_outputs is None:
        with grad_mode.enable_grad():
            outs = _differentiable_outputs(func(*tupled_inputs))
        rng = np.random.default_rng(0)
        tupled_grad_outputs = tuple(
            _node.new_tensor(array_module(o._data).asarray(
                rng.uniform(-1, 1, o._data.shape).astype(
                    o._data.dtype if o.is_floating_point() else np.float64)), True)
            for o in outs)
    else:
        tupled_grad_outputs = _as_tuple(grad_outputs)
    num_outputs = len(tupled_grad_outputs)
    diff_in = {i for i, x in enumerate(tupled_inputs)
               if isinstance(x, _node.Tensor) and x.requires_grad}
    diff_go = {i for i, x in enumerate(tupled_grad_outputs) if x.requires_grad}

    def new_func(*args):
        input_args = tuple(x.requires_grad_() if i in diff_in else x
                           for i, x in enumerate(args[:-num_outputs]))
        outputs = _differentiable_outputs(func(*input_args))
        grad_outs = tuple(x.requires_grad_() if i in diff_go else x
                          for i, x in enumerate(args[-num_outputs:]))
        diff_input_args = tuple(x for i, x in enumerate(input_args) if i in diff_in)
        grad_inputs = _grad(outputs, diff_input_args, grad_outs, create_graph=True,
                            allow_unused=True)
        return tuple(g for g in grad_inputs if g is not None)

    return gradcheck(new_func, tupled_inputs + tupled_grad_outputs, eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception, nondet_tol=nondet_tol,
                     check_undefined_grad=check_undefined_grad,
                     check_grad_dtypes=check_grad_dtypes, fast_mode=fast_mode)
