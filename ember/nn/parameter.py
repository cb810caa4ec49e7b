"""Parameter and Buffer: tensors that modules register (torch.nn.parameter)."""
from __future__ import annotations

from .._tensor import Tensor, _init_slots, _object_new
from ..ops.creation import empty

__all__ = ["Buffer", "Parameter", "UninitializedBuffer", "UninitializedParameter"]


class _ParameterMeta(type(Tensor)):
    """isinstance(t, Parameter) is also true for tensors flagged `_is_param` (torch's rule)."""

    def __instancecheck__(cls, instance) -> bool:
        if cls is Parameter:
            return super().__instancecheck__(instance) or (
                isinstance(instance, Tensor) and getattr(instance, "_is_param", False))
        return super().__instancecheck__(instance)


class Parameter(Tensor, metaclass=_ParameterMeta):
    """A tensor that a Module registers as a parameter on attribute assignment."""

    def __new__(cls, data=None, requires_grad: bool = True):
        if data is None:
            data = empty(0)
        elif not isinstance(data, Tensor):
            raise TypeError(f"Parameter(): argument 'data' must be Tensor, not "
                            f"{type(data).__name__}")
        t = _object_new(cls)
        _init_slots(t, data._data, False)
        t._vbox = data._vbox  # shares memory and version counter, like torch's _make_subclass
        if requires_grad:
            if not (data.is_floating_point() or data.is_complex()):
                raise RuntimeError("Only Tensors of floating point and complex dtype can require "
                                   "gradients")
            t._requires_grad = True
        return t

    def __init__(self, data=None, requires_grad: bool = True) -> None:
        pass

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        result = type(self)(self.data.clone(), self.requires_grad)
        if self._grad is not None:
            result._grad = self._grad.__deepcopy__(memo)
        memo[id(self)] = result
        return result

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()

    __str__ = __repr__

    def __reduce_ex__(self, protocol):
        return (_rebuild_parameter, (self._host().copy(), self._requires_grad, type(self)))


def _rebuild_parameter(data, requires_grad: bool, cls=Parameter):
    t = _object_new(cls)
    _init_slots(t, data, requires_grad)
    return t


class _BufferMeta(type(Tensor)):
    """isinstance(t, Buffer) is true for tensors made by Buffer(...) (flagged `_is_buffer`)."""

    def __instancecheck__(cls, instance) -> bool:
        if cls is Buffer:
            return super().__instancecheck__(instance) or (
                isinstance(instance, Tensor) and getattr(instance, "_is_buffer", False))
        return super().__instancecheck__(instance)


class Buffer(Tensor, metaclass=_BufferMeta):
    """Marks a tensor as module state: `Buffer(data, persistent=True)` returns a plain Tensor."""

    def __new__(cls, data=None, *, persistent: bool = True):
        if data is None:
            data = empty(0)
        t = data.detach().requires_grad_(data.requires_grad)
        t.persistent = persistent
        t._is_buffer = True
        return t


class UninitializedParameter(Parameter):
    """Placeholder for lazy modules (shape unknown until the first forward)."""

    cls_to_become = Parameter

    def materialize(self, shape, device=None, dtype=None) -> None:
        """Become a Parameter of `shape` (uninitialised values) in place."""
        self.data = empty(shape, dtype=dtype or self.dtype)
        self.__class__ = self.cls_to_become

    def __new__(cls, requires_grad: bool = True, device=None, dtype=None):
        return super().__new__(cls, empty(0, dtype=dtype), requires_grad)

    def __init__(self, requires_grad: bool = True, device=None, dtype=None) -> None:
        pass

    def __repr__(self) -> str:
        return "<UninitializedParameter>"


class UninitializedBuffer(Tensor):
    """Placeholder buffer for lazy modules."""

    def __new__(cls, requires_grad: bool = False, device=None, dtype=None, persistent=True):
        t = _object_new(cls)
        _init_slots(t, empty(0, dtype=dtype)._data, requires_grad)
        t.persistent = persistent
        return t

    def __init__(self, *args, **kwargs) -> None:
        pass

    def __repr__(self) -> str:
        return "<UninitializedBuffer>"

    def materialize(self, shape, device=None, dtype=None) -> None:
        """Become a plain Tensor of `shape` (uninitialised values) in place."""
        self._data = empty(shape, dtype=dtype or self.dtype)._data
        self.__class__ = Tensor
