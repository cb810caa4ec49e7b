"""What every torch.func transform shares: argnums handling, the wrapping of differentiable inputs
and the unwrapping of results, and one reverse pass (autograd's engine, grads as a list).

A transform level runs the user function under enable_grad on fresh leaves (or, where an outer
level or ordinary autograd already tracks an input, on a view of it), differentiates with
create_graph when grad mode was on at the call, and hands back results that keep a graph only
where they depend on something outside the level: so grad(grad(f)), vmap(jacrev(f)) and
torch.func under ordinary autograd compose as in PyTorch.
"""
from __future__ import annotations

from ..autograd import grad_mode
from ..autograd import node as _node
from ..autograd.engine import run_backward
from ..autograd.node import AccumulateGrad, grad_accumulator
from ..ops.creation import zeros_like


def _tensor_type():
    return _node.Tensor


def check_argnums(argnums, num_args: int):
    """argnums normalised to non-negative ints, with torch's errors."""
    if isinstance(argnums, bool) or not isinstance(argnums, (int, tuple)):
        raise RuntimeError(  # noqa: TRY004 - torch raises RuntimeError
            f"argnums must be int or Tuple[int, ...], got: {type(argnums)}")
    if isinstance(argnums, tuple):
        if len(argnums) == 0:
            raise RuntimeError("argnums must be non-empty")
        if len(set(argnums)) != len(argnums):
            raise RuntimeError(f"argnums elements must be unique, got {argnums}")
        return tuple(check_argnums(a, num_args) for a in argnums)
    if not -num_args <= argnums < num_args:
        raise RuntimeError(f"Got argnum={argnums}, but only {num_args} positional inputs")
    return argnums % num_args


class Level:
    """One application of a transform: the leaves it made and whether to record for outer levels."""

    __slots__ = ("create_graph", "own")

    def __init__(self, create_graph: bool | None = None) -> None:
        self.create_graph = grad_mode.is_grad_enabled() if create_graph is None else create_graph
        self.own: set = set()

    def sharing(self, create_graph: bool) -> Level:
        """A level over the same leaves, recording or not for a later call (vjp_fn, jvp_fn)."""
        other = Level(create_graph)
        other.own = self.own
        return other

    def wrap(self, x):
        """The tensor the user function sees in place of `x`, differentiable at this level."""
        if not isinstance(x, _tensor_type()):
            raise ValueError(  # noqa: TRY004 - torch raises ValueError
                f"Thing passed to transform API must be Tensor, got {type(x)}")
        if self.create_graph and x.requires_grad:
            return x.view_as(x)
        w = x.detach().requires_grad_(True)
        self.own.add(grad_accumulator(w))
        return w

    def unwrap(self, t):
        """`t` for the caller: detached unless it depends on something outside this level."""
        if not isinstance(t, _tensor_type()) or not t.requires_grad:
            return t
        if not self.create_graph or not self._reaches_outside(t):
            return t.detach()
        return t

    def needs_graph(self, tensors) -> bool:
        """Record the backward only if some result could depend on a tensor outside the level:
        when nothing in `tensors`' graph does, every derivative is a constant to the caller."""
        return self.create_graph and any(
            isinstance(t, _tensor_type()) and t.requires_grad and self._reaches_outside(t)
            for t in tensors)

    def _reaches_outside(self, t) -> bool:
        own = self.own
        fn = t.grad_fn
        if fn is None:  # a leaf: one of ours, or an outer tensor returned as is
            return grad_accumulator(t) not in own
        stack, seen = [fn], {fn}
        while stack:
            for nxt, _ in stack.pop().next_functions:
                if nxt is None or nxt in seen:
                    continue
                if nxt.__class__ is AccumulateGrad:
                    if nxt not in own:
                        return True
                    continue
                seen.add(nxt)
                stack.append(nxt)
        return False


def reverse(outputs, inputs, grad_outputs, create_graph: bool, retain_graph: bool = True) -> list:
    """d(outputs)/d(inputs) contracted with grad_outputs; None where an input is unused."""
    pairs = [(o, g) for o, g in zip(outputs, grad_outputs) if o.requires_grad]
    if not pairs or not inputs:
        return [None] * len(inputs)
    outs, grads = zip(*pairs)
    return list(run_backward(outs, grads, retain_graph, create_graph, inputs=inputs,
                             accumulate=False, allow_unused=True))


def materialize(grads, refs) -> list:
    """Zeros in place of the None gradients of unused inputs."""
    return [zeros_like(r) if g is None else g for g, r in zip(grads, refs)]


def check_tensors(leaves, where: str) -> None:
    Tensor = _tensor_type()
    for x in leaves:
        if not isinstance(x, Tensor):
            raise RuntimeError(  # noqa: TRY004 - torch raises RuntimeError
                f"{where}: expected f(*primals) to return only tensors, got "
                f"unsupported type {type(x)}")


def check_aux(leaves) -> None:
    Tensor = _tensor_type()
    for x in leaves:
        if not isinstance(x, Tensor):
            raise RuntimeError(  # noqa: TRY004 - torch raises RuntimeError
                f"Expected tensors, got unsupported type {type(x)}")


def split_aux(output, has_aux: bool, where: str):
    """(output, aux) of a has_aux function, with torch's error for anything but a pair."""
    if not has_aux:
        return output, None
    if not (isinstance(output, tuple) and len(output) == 2):
        raise RuntimeError(f"{where}: output of function f should be a tuple: (output, aux) if "
                           "has_aux is True")
    return output
