"""torch.autograd's legacy names (Variable, variable, NestedIOFunction) and engine-policy switches
(set_multithreading_enabled, enforce_grad_layout_policy), which ember accepts without effect."""
from __future__ import annotations

import functools
import threading
import warnings

from . import node as _node
from .function import Function


class VariableMeta(type):
    """isinstance(t, Variable) is True for every Tensor, as in torch."""

    def __instancecheck__(cls, other) -> bool:
        return isinstance(other, _node.Tensor)


class Variable(metaclass=VariableMeta):
    """torch's pre-0.4 wrapper: Variable(t, requires_grad) returns a Tensor sharing t's data."""

    def __new__(cls, data=None, requires_grad: bool = False, volatile: bool = False):
        from ..ops.creation import empty

        if volatile and requires_grad:
            raise ValueError("Variable can't be volatile and require_grad at the same time!")
        if volatile:
            warnings.warn("volatile was removed and now has no effect. Use `with torch.no_grad():` "
                          "instead.", UserWarning, stacklevel=2)
        if data is None:
            data = empty(0)
        if not isinstance(data, _node.Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
        if requires_grad and not (data.dtype.is_floating_point or data.dtype.is_complex):
            raise RuntimeError("Only Tensors of floating point and complex dtype can require "
                               "gradients")
        return data.detach().requires_grad_(bool(requires_grad))


def variable(*args, **kwargs):
    """Removed in torch: raises, pointing to torch.tensor."""
    raise RuntimeError("torch.autograd.variable(...) is deprecated, use torch.tensor(...) instead")


def _nested_tensors(obj):
    if isinstance(obj, _node.Tensor):
        yield obj
    elif isinstance(obj, (list, tuple)):
        for o in obj:
            yield from _nested_tensors(o)
    elif isinstance(obj, dict):
        for o in obj.values():
            yield from _nested_tensors(o)


def _nested_fill(flat, proto):
    """`proto`'s nesting filled with the values of `flat` in order (tensors replaced)."""
    it = iter(flat)

    def fill(p):
        if isinstance(p, _node.Tensor) or p is None:
            return next(it)
        if isinstance(p, (list, tuple)):
            return type(p)(fill(o) for o in p)
        return p

    return fill(proto)


class NestedIOFunction(Function):
    """torch's legacy Function taking nested inputs (kept only for backward compatibility)."""

    def _do_forward(self, *input):
        self._nested_input = input
        flat_output = super()._do_forward(*_nested_tensors(input))  # absent, as in torch
        return _nested_fill(flat_output, self._nested_output)

    __call__ = _do_forward

    def backward(self, *gradients):
        result = self.backward_extended(*_nested_fill(gradients, self._nested_output))
        return tuple(_nested_tensors(result))

    def forward(self, *args):
        result = self.forward_extended(*self._nested_input)
        del self._nested_input
        self._nested_output = result
        return tuple(_nested_tensors(result))

    def save_for_backward(self, *args) -> None:
        self.to_save = tuple(_nested_tensors(args))
        self._to_save_nested = args

    @property
    def saved_tensors(self):
        return _nested_fill(self.to_save, self._to_save_nested)

    def mark_dirty(self, *args, **kwargs) -> None:
        self.dirty_tensors = tuple(_nested_tensors((args, kwargs)))

    def mark_non_differentiable(self, *args, **kwargs) -> None:
        self.non_differentiable = tuple(_nested_tensors((args, kwargs)))

    def forward_extended(self, *input):
        """User defined forward."""
        raise NotImplementedError

    def backward_extended(self, *grad_output):
        """User defined backward."""
        raise NotImplementedError


class _EngineFlags(threading.local):
    multithreading = True
    grad_layout = True


_engine_flags = _EngineFlags()


class _FlagContext:
    """Set a thread-local engine flag now; restore it on exit (context manager or decorator)."""

    _flag = ""

    def __init__(self, mode: bool = True) -> None:
        self.prev = getattr(_engine_flags, self._flag)
        setattr(_engine_flags, self._flag, bool(mode))
        self.mode = mode

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc) -> None:
        setattr(_engine_flags, self._flag, self.prev)

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.clone():
                return fn(*args, **kwargs)

        return wrapper

    def clone(self):
        return self.__class__(self.mode)


class set_multithreading_enabled(_FlagContext):
    """Multithreaded backward on or off (ember's backward always runs on the calling thread)."""

    _flag = "multithreading"

    def __init__(self, mode: bool) -> None:
        super().__init__(mode)


class enforce_grad_layout_policy(_FlagContext):
    """Whether accumulated grads must match their parameter's strides (ember's always do)."""

    _flag = "grad_layout"

    def __call__(self, fn):
        _engine_flags.grad_layout = self.prev  # as a decorator it does not switch right away
        return super().__call__(fn)
