"""class Tensor: the core only. Metadata, construction, Python operators, autograd entry points and
conversions; the method families (elementwise, reduction, shape, indexing, linalg) are mixins in
`_tensor_methods/`, each a thin delegation to the ops that hold the formulas.
"""
from __future__ import annotations

import weakref

import numpy as np

from . import _dtype as _dt
from . import _memory_format as _mf
from ._printing import tensor_repr
from ._tensor_methods.autograd import AutogradMethods
from ._tensor_methods.casting import CastingMethods
from ._tensor_methods.complex import ComplexMethods
from ._tensor_methods.creation import CreationMethods
from ._tensor_methods.decomposition import DecompositionMethods
from ._tensor_methods.elementwise import ElementwiseMethods
from ._tensor_methods.indexing import IndexingMethods
from ._tensor_methods.linalg import LinalgMethods
from ._tensor_methods.random import RandomMethods
from ._tensor_methods.reduction import ReductionMethods
from ._tensor_methods.shape import ShapeMethods
from ._tensor_methods.special import SpecialMethods
from ._tensor_methods.surface import SurfaceMethods
from ._tensor_methods.views import ViewMethods
from .autograd import backward as _autograd_backward
from .autograd.node import _RemovableHandle
from .device import CPU, as_device
from .device import device as _device_cls
from .ops import _op
from .ops import binary as _bin
from .ops import comparison as _cmp
from .ops import complex as _cx
from .ops import elementwise as _ew
from .ops import linalg as _la
from .ops import unary as _un
from .ops.conversion import clone as _clone
from .ops.conversion import contiguous as _contiguous
from .ops.conversion import to_copy as _to_copy
from .ops.creation import _legacy_tensor
from .ops.elementwise import Add as _Add
from .ops.elementwise import Mul as _Mul
from .ops.elementwise import binary as _binary
from .size import Size

_BY_NUMPY = _dt._BY_NUMPY


class layout(_mf.TorchConstant):
    """torch.layout: how elements are stored. ember tensors are all `strided`; the sparse
    layouts exist as names programs compare against."""

    __slots__ = ()


strided = layout("strided")
sparse_coo, sparse_csr, sparse_csc = (layout(n) for n in ("sparse_coo", "sparse_csr", "sparse_csc"))
sparse_bsr, sparse_bsc, jagged = (layout(n) for n in ("sparse_bsr", "sparse_bsc", "jagged"))
_ndarray = np.ndarray
_object_new = object.__new__
_tuple_new = tuple.__new__  # Size from a NumPy shape: already ints, skip Size's validation
_COMPARABLE = (int, float, complex, np.number, np.bool_, np.ndarray)  # and Tensor, added below
# what a Python operator accepts beside a Tensor; anything else gets NotImplemented, so Python tries
# the other operand's reflected method (as torch's operators do)
_OPERANDS = (int, float, complex, np.number, np.bool_)
_ORDERABLE = (int, float, complex, np.number, np.bool_)  # < > <= >=: and Tensor, below


def _arithmetic(op, general=None):
    """A Python operator (+, -, *, /) of a Tensor and `other`.

    Two tensors of one floating dtype, or a floating tensor and a Python float, need no type
    promotion: when neither requires grad and both live in host memory, the op's own forward
    runs on the arrays with nothing recorded (add_small in benchmarks/micro_ops.py); otherwise
    they go straight to `op.apply`. Anything else goes to `general(self, other)` (default:
    binary(op, ...)), which promotes and raises torch's error for shapes that do not broadcast.
    """
    def operator(self, other):
        d = self._data
        dt = d.dtype
        if dt.kind == "f":
            if other.__class__ is float:
                e, requires = other, self._requires_grad
            elif other.__class__ is Tensor and other._data.dtype is dt:
                e, requires = other._data, self._requires_grad or other._requires_grad
            else:
                e = None
            if e is not None:
                try:
                    if not requires and d.__class__ is _ndarray and (
                            e.__class__ is float or e.__class__ is _ndarray):
                        out = op.forward(_op.DISCARD, d, e)
                        if out.__class__ is _ndarray:  # (a 0-d result is a NumPy scalar)
                            return _new_tensor(out)
                    return op.apply(self, other)
                except ValueError:  # shapes that do not broadcast: `general` raises torch's error
                    pass
        if other.__class__ is not Tensor and not isinstance(other, _OPERANDS):
            return NotImplemented
        return general(self, other) if general is not None else _binary(op, self, other)

    return operator


class Tensor(ElementwiseMethods, ReductionMethods, ShapeMethods, IndexingMethods, LinalgMethods,
             CreationMethods, RandomMethods, ComplexMethods, DecompositionMethods, ViewMethods,
             AutogradMethods, SpecialMethods, SurfaceMethods, CastingMethods):
    """An n-dimensional array on a device, with an optional autograd history."""

    # The fields every op or view touches are slots; the rest default on the class and are set
    # in the instance dict only when they differ (leaves with grads, hooks, multi-output results),
    # which keeps making a tensor to six stores. Like torch tensors, they accept user attributes.
    __slots__ = ("__dict__", "__weakref__", "_base", "_data", "_grad_fn", "_requires_grad",
                 "_vbox", "_view_of")
    _grad = None
    _output_nr = 0
    _accum = None
    _hooks = None
    _retains_grad = False

    __hash__ = object.__hash__
    __array_priority__ = 1000  # NumPy scalars defer to our reflected operators

    def __new__(cls, *args, **kwargs):
        """`ember.Tensor(data)` / `ember.Tensor(2, 3)`: the legacy constructor (default dtype)."""
        data = _legacy_tensor(*args, **kwargs)
        t = _object_new(cls)
        _init_slots(t, data, False)
        return t

    def __init__(self, *args, **kwargs) -> None:
        pass

    # ---- metadata ---------------------------------------------------------------------------
    @property
    def shape(self) -> Size:
        return _tuple_new(Size, self._data.shape)

    def size(self, dim: int | None = None):
        if dim is None:
            return _tuple_new(Size, self._data.shape)
        return self._data.shape[_wrap_dim(dim, self._data.ndim)]

    @property
    def is_sparse(self) -> bool:
        return False

    @property
    def is_quantized(self) -> bool:
        return False

    @property
    def is_meta(self) -> bool:
        return False

    @property
    def real(self) -> Tensor:
        return _cx.real(self)

    @property
    def imag(self) -> Tensor:
        return _cx.imag(self)

    @property
    def dtype(self) -> _dt.dtype:
        return _BY_NUMPY[self._data.dtype]

    @property
    def device(self) -> _device_cls:
        if self._data.__class__ is _ndarray:
            return CPU
        return _device_cls("cuda", self._data.device.id)

    @property
    def is_cuda(self) -> bool:
        return self._data.__class__ is not _ndarray

    @property
    def is_cpu(self) -> bool:
        return self._data.__class__ is _ndarray

    @property
    def ndim(self) -> int:
        return self._data.ndim

    def dim(self) -> int:
        return self._data.ndim

    ndimension = dim

    def numel(self) -> int:
        return self._data.size

    nelement = numel

    def element_size(self) -> int:
        return self.dtype.itemsize

    @property
    def itemsize(self) -> int:
        return self.dtype.itemsize

    @property
    def nbytes(self) -> int:
        return self._data.size * self.dtype.itemsize

    def stride(self, dim: int | None = None):
        a = self._data
        if a.size == 0:  # NumPy reports 0-strides for empty arrays; PyTorch contiguous ones
            strides = _contiguous_strides(a.shape)
        else:
            item = a.itemsize
            strides = tuple(s // item for s in a.strides)
        if dim is None:
            return strides
        return strides[_wrap_dim(dim, self._data.ndim)]

    def storage_offset(self) -> int:
        base = self._base
        if base is None:
            return 0
        start = self._data.__array_interface__["data"][0]
        return (start - base._data.__array_interface__["data"][0]) // self._data.itemsize

    def data_ptr(self) -> int:
        return self._data.__array_interface__["data"][0] if self.is_cpu else self._data.data.ptr

    def is_contiguous(self, memory_format=None) -> bool:
        if memory_format is None:
            return self._data.flags.c_contiguous
        return _mf.is_contiguous_as(self._data, _mf.check(memory_format, "is_contiguous"))

    def is_floating_point(self) -> bool:
        kind = self._data.dtype.kind
        return kind == "f" or (kind == "V" and self.dtype._category == _dt._FLOAT)

    def is_complex(self) -> bool:
        return self._data.dtype.kind == "c"

    def is_signed(self) -> bool:
        return self.dtype.is_signed

    @property
    def layout(self):
        return strided

    # ---- autograd state ---------------------------------------------------------------------
    @property
    def requires_grad(self) -> bool:
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        self.requires_grad_(value)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Switch recording on or off for a leaf; only floating tensors can require grad."""
        if self._grad_fn is not None:
            if not requires_grad:
                raise RuntimeError(
                    "you can only change requires_grad flags of leaf variables. If you want to use "
                    "a computed variable in a subgraph that doesn't require differentiation use "
                    "var_no_grad = var.detach().")
            return self
        if requires_grad and not self.is_floating_point() and self._data.dtype.kind != "c":
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        self._requires_grad = bool(requires_grad)
        return self

    @property
    def grad(self):
        return self._grad

    @grad.setter
    def grad(self, value) -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of "
                                f"type {type(value).__name__}")
            if value._data.shape != self._data.shape:
                raise RuntimeError("assigned grad has data of a different size")
            if value.dtype is not self.dtype:
                raise RuntimeError("assigned grad has data of a different type")
        self._grad = value

    @grad.deleter
    def grad(self) -> None:
        self._grad = None

    @property
    def grad_fn(self):
        return self._grad_fn

    @property
    def is_leaf(self) -> bool:
        return self._grad_fn is None

    @property
    def output_nr(self) -> int:
        return self._output_nr

    @property
    def _version(self) -> int:
        return self._vbox[0]

    @property
    def retains_grad(self) -> bool:
        return self._retains_grad

    @property
    def data(self) -> Tensor:
        """The same memory without history, under a fresh version counter (changes go untracked)."""
        return _new_tensor(self._data)

    @data.setter
    def data(self, value: Tensor) -> None:
        if not isinstance(value, Tensor):
            raise TypeError(f"data must be a Tensor, got {type(value).__name__}")
        self._data = value._data

    @property
    def is_inference(self):
        return False

    def detach(self) -> Tensor:
        """A view of the same memory that shares the version counter but has no history."""
        t = _new_tensor(self._data)
        t._vbox = self._vbox
        return t

    def detach_(self) -> Tensor:
        self._grad_fn = None
        self._requires_grad = False
        return self

    def retain_grad(self) -> None:
        """Keep `.grad` on a non-leaf after backward (leaves keep theirs anyway)."""
        if self._grad_fn is None:
            if not self._requires_grad:
                raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
            return
        if self._retains_grad:
            return
        ref = weakref.ref(self)

        def _retain(grad):
            t = ref()
            if t is not None:
                g = grad.detach().clone() if not grad._requires_grad else grad
                t._grad = g if t._grad is None else t._grad + g

        self._grad_fn._add_tensor_hook(self._output_nr, _retain)
        self._retains_grad = True

    def register_hook(self, hook):
        """hook(grad) runs when this tensor's gradient is computed; may return a replacement."""
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self._grad_fn is not None:
            return self._grad_fn._add_tensor_hook(self._output_nr, hook)
        # a leaf keeps its own hooks (its AccumulateGrad is held weakly); the engine runs them
        if self._hooks is None:
            self._hooks = []
        self._hooks.append(hook)
        return _RemovableHandle(self._hooks, hook)

    def sum_to_size(self, *size) -> Tensor:
        """Sum the dims that were broadcast back down to `size` (the adjoint of expand)."""
        if len(size) == 1 and isinstance(size[0], (tuple, list)):
            size = size[0]
        size = tuple(size)
        shape = self._data.shape
        lead = len(shape) - len(size)
        if lead < 0 or any(n != 1 and n != m for n, m in zip(size, shape[lead:])):
            raise RuntimeError(f"size {{{list(size)}}} is not expandable to size "
                               f"{{{list(shape)}}}.")
        return self if size == shape else _op.sum_to_size(self, size)

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None) -> None:
        """Accumulate d(self)/d(leaf) into every leaf's `.grad` (or only into `inputs`)."""
        _autograd_backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    # ---- conversion -------------------------------------------------------------------------
    def numpy(self, *, force: bool = False) -> np.ndarray:
        if self._requires_grad and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use "
                               "tensor.detach().numpy() instead.")
        if not self.is_cpu:
            if force:
                return self._data.get()
            raise TypeError("can't convert cuda:0 device type tensor to numpy. Use Tensor.cpu() "
                            "to copy the tensor to host memory first.")
        return self._data

    def __array__(self, dtype=None, copy=None):
        a = self.detach().numpy() if self.is_cpu else self._data.get()
        return a if dtype is None else a.astype(dtype)

    def __array_wrap__(self, array, context=None, return_scalar=False):
        """A NumPy function's result on tensors comes back as a Tensor (bool as uint8), as torch's
        does: `np.sin(t)`, and `t + ndarray` once Tensor.__add__ gave NumPy the operation."""
        if array.dtype == np.bool_:
            array = array.astype(np.uint8)
        return _new_tensor(np.asarray(array), False)

    def item(self):
        if self._data.size != 1:
            raise RuntimeError(f"a Tensor with {self._data.size} elements cannot be converted to "
                               "Scalar")
        return _to_python(self._data.reshape(()))

    def tolist(self):
        if self._data.ndim == 0:
            return _to_python(self._data)
        if self.dtype is _dt.bfloat16:
            return self._data.astype(np.float32).tolist()
        return self._host().tolist()

    def _host(self) -> np.ndarray:
        return self._data if self._data.__class__ is _ndarray else self._data.get()

    def __bool__(self) -> bool:
        if self._data.size != 1:
            what = "no values" if self._data.size == 0 else "more than one value"
            raise RuntimeError(f"Boolean value of Tensor with {what} is ambiguous")
        return bool(self._host().reshape(()))

    def __float__(self) -> float:
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return float(_real_scalar(self._host().reshape(()), "double"))

    def __int__(self) -> int:
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return int(_real_scalar(self._host().reshape(()), "int64_t"))

    def __index__(self) -> int:
        if self._data.size != 1 or self._data.dtype.kind not in "iub":
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self._host().reshape(()))

    def __complex__(self) -> complex:
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return complex(self._host().reshape(()))

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    def __contains__(self, element) -> bool:
        if isinstance(element, (Tensor, int, float, bool)):
            return bool((self == element).any())
        raise RuntimeError(f"Tensor.__contains__ only supports Tensor or scalar, but you passed in "
                           f"a {type(element)}.")

    def __repr__(self, *, tensor_contents=None) -> str:
        return tensor_repr(self)

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        if self._data.ndim == 0:
            return self.item().__format__(spec)
        if spec:
            raise TypeError("unsupported format string passed to Tensor.__format__")
        return repr(self)

    def __reduce_ex__(self, protocol):
        return (_rebuild, (self._host().copy(), self._requires_grad))

    def __deepcopy__(self, memo):
        if self._grad_fn is not None:
            raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) support "
                               "the deepcopy protocol at the moment.")
        t = _object_new(type(self))
        _init_slots(t, self._data.copy(), self._requires_grad)
        if self._grad is not None:
            t._grad = self._grad.__deepcopy__(memo)
        memo[id(self)] = t
        return t

    def to(self, *args, **kwargs) -> Tensor:
        """Cast and/or move: to(dtype), to(device[, dtype]), to(other), with copy=/non_blocking=."""
        fmt = kwargs.pop("memory_format", None)
        dtype, device, copy = _parse_to(self, args, kwargs)
        if (dtype is None or dtype is self.dtype) and (device is None or device == self.device):
            if fmt is not None and fmt is not _mf.preserve_format:
                return _clone(self, memory_format=fmt) if copy else _contiguous(self, fmt)
            return self.clone() if copy else self
        out = _to_copy(self, dtype, device)
        if fmt is not None and fmt is not _mf.preserve_format:
            out = _contiguous(out, fmt)
        return out

    def cpu(self, memory_format=None) -> Tensor:
        return self.to(CPU)

    def cuda(self, device=None, non_blocking: bool = False, memory_format=None) -> Tensor:
        d = _device_cls("cuda", 0 if device is None else as_device(device).index or 0) \
            if not isinstance(device, str) else as_device(device)
        return self.to(d)

    def clone(self, *, memory_format=None) -> Tensor:
        return _clone(self, memory_format=memory_format)

    def contiguous(self, memory_format=None) -> Tensor:
        if memory_format is None and self._data.flags.c_contiguous:
            return self
        return _contiguous(self, memory_format)

    # ---- Python operators -------------------------------------------------------------------
    # the tensor first, as PyTorch: (2 + x) and (2 * x) list x's edge first
    __add__ = __radd__ = _arithmetic(_Add)

    def __iadd__(self, other):
        return self.add_(other)

    __sub__ = _arithmetic(_ew.Sub, _ew.sub)

    def __rsub__(self, other):
        if other.__class__ is not Tensor and not isinstance(other, _OPERANDS):
            return NotImplemented
        return _ew.rsub(self, other)

    def __isub__(self, other):
        return self.sub_(other)

    __mul__ = __rmul__ = _arithmetic(_Mul)

    def __imul__(self, other):
        return self.mul_(other)

    __truediv__ = _arithmetic(_ew.Div, _ew.div)

    def __rtruediv__(self, other):  # as PyTorch: reciprocal() * other (MulBackward0), through
        try:  # the operator (other's __rmul__ may answer); a TypeError means NotImplemented
            return _un.reciprocal(self) * other
        except TypeError:
            return NotImplemented

    def __itruediv__(self, other):
        return self.div_(other)

    def __floordiv__(self, other):
        if other.__class__ is not Tensor and not isinstance(other, _OPERANDS):
            return NotImplemented
        return _bin.floor_divide(self, other)

    def __rfloordiv__(self, other):
        if other.__class__ is not Tensor and not isinstance(other, _OPERANDS):
            return NotImplemented
        return _bin.floor_divide(other, self)

    def __ifloordiv__(self, other):
        return self.floor_divide_(other)

    def __mod__(self, other):
        if other.__class__ is not Tensor and not isinstance(other, _OPERANDS):
            return NotImplemented
        return _bin.remainder(self, other)

    def __rmod__(self, other):
        if other.__class__ is not Tensor and not isinstance(other, _OPERANDS):
            return NotImplemented
        return _bin.remainder(other, self)

    def __imod__(self, other):
        return self.remainder_(other)

    def __pow__(self, other):
        if other.__class__ is not Tensor and not isinstance(other, _OPERANDS):
            return NotImplemented
        return _ew.pow(self, other)

    def __rpow__(self, other):
        if other.__class__ is not Tensor and not isinstance(other, _OPERANDS):
            return NotImplemented
        return _ew.pow(other, self)

    def __ipow__(self, other):
        return self.pow_(other)

    def __matmul__(self, other):
        if not isinstance(other, Tensor):
            return NotImplemented
        return _la.matmul(self, other)

    def __rmatmul__(self, other):
        if not isinstance(other, Tensor):
            return NotImplemented
        return _la.matmul(other, self)

    def __neg__(self):
        return _ew.neg(self)

    def __pos__(self):
        return _un.positive(self)

    def __abs__(self):
        return _un.abs(self)

    def __invert__(self):
        if self._data.dtype.kind not in "biu":
            raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type "
                            "tensors")
        return _cmp.bitwise_not(self)

    def __and__(self, other):
        if other.__class__ is not Tensor and not isinstance(other, _OPERANDS):
            return NotImplemented
        return _cmp.bitwise_and(self, other)

    __rand__ = __and__

    def __iand__(self, other):
        return self.bitwise_and_(other)

    def __or__(self, other):
        if other.__class__ is not Tensor and not isinstance(other, _OPERANDS):
            return NotImplemented
        return _cmp.bitwise_or(self, other)

    __ror__ = __or__

    def __ior__(self, other):
        return self.bitwise_or_(other)

    def __xor__(self, other):
        if other.__class__ is not Tensor and not isinstance(other, _OPERANDS):
            return NotImplemented
        return _cmp.bitwise_xor(self, other)

    __rxor__ = __xor__

    def __ixor__(self, other):
        return self.bitwise_xor_(other)

    def __lshift__(self, other):
        if other.__class__ is not Tensor and not isinstance(other, _OPERANDS):
            return NotImplemented
        return _cmp.bitwise_left_shift(self, other)

    def __rshift__(self, other):
        if other.__class__ is not Tensor and not isinstance(other, _OPERANDS):
            return NotImplemented
        return _cmp.bitwise_right_shift(self, other)

    def __rlshift__(self, other):
        if other.__class__ is not Tensor and not isinstance(other, _OPERANDS):
            return NotImplemented
        return _cmp.bitwise_left_shift(other, self)

    def __rrshift__(self, other):
        if other.__class__ is not Tensor and not isinstance(other, _OPERANDS):
            return NotImplemented
        return _cmp.bitwise_right_shift(other, self)

    def __eq__(self, other):
        if not isinstance(other, _COMPARABLE):  # Python falls back: == None is False, < raises
            return NotImplemented
        if other.__class__ is np.ndarray:  # torch compares with an ndarray as with a tensor
            other = _new_tensor(other, False)
        return _cmp.eq(self, other)

    def __ne__(self, other):
        if not isinstance(other, _ORDERABLE):  # torch gives != an ndarray back to NumPy too
            return NotImplemented
        if other.__class__ is np.ndarray:  # torch compares with an ndarray as with a tensor
            other = _new_tensor(other, False)
        return _cmp.ne(self, other)

    def __lt__(self, other):
        if not isinstance(other, _ORDERABLE):  # Python falls back: < None raises TypeError
            return NotImplemented
        return _cmp.lt(self, other)

    def __le__(self, other):
        if not isinstance(other, _ORDERABLE):  # Python falls back: < None raises TypeError
            return NotImplemented
        return _cmp.le(self, other)

    def __gt__(self, other):
        if not isinstance(other, _ORDERABLE):  # Python falls back: < None raises TypeError
            return NotImplemented
        return _cmp.gt(self, other)

    def __ge__(self, other):
        if not isinstance(other, _ORDERABLE):  # Python falls back: < None raises TypeError
            return NotImplemented
        return _cmp.ge(self, other)


# ---- construction helpers -------------------------------------------------------------------


def _init_slots(t, data, requires_grad: bool) -> None:
    t._data = data
    t._requires_grad = requires_grad
    t._grad_fn = None
    t._vbox = [0]
    t._base = None
    t._view_of = None


def _new_tensor(data, requires_grad: bool = False) -> Tensor:
    """Wrap a backend array as a Tensor without copying (the internal fast constructor)."""
    t = _object_new(Tensor)
    t._data = data
    t._requires_grad = requires_grad
    t._grad_fn = None
    t._vbox = [0]
    t._base = None
    t._view_of = None
    return t


def _rebuild(data: np.ndarray, requires_grad: bool) -> Tensor:
    return _new_tensor(data, requires_grad)


def _to_python(a):
    if a.dtype.kind == "V":  # ml_dtypes' bfloat16, the one non-numeric kind
        return float(a.astype(np.float32))
    return a.item() if a.__class__ is _ndarray else a.get().item()


def _real_scalar(a, ctype: str):
    """A 0-d array as a real number: complex only with a zero imaginary part (torch's check)."""
    if a.dtype.kind != "c":
        return a
    if a.imag:
        raise RuntimeError(f"value cannot be converted to type {ctype} without overflow")
    return a.real


def _contiguous_strides(shape) -> tuple:
    strides = []
    step = 1
    for n in reversed(shape):
        strides.append(step)
        step *= max(n, 1)
    return tuple(reversed(strides))


def _wrap_dim(dim: int, ndim: int) -> int:
    if ndim == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    n = ndim
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], "
                         f"but got {dim})")
    return dim % n


def _parse_to(t: Tensor, args, kwargs):
    """Sort Tensor.to's overloads into (dtype, device, copy)."""
    dtype = kwargs.pop("dtype", None)
    device = kwargs.pop("device", None)
    copy = kwargs.pop("copy", False)
    kwargs.pop("non_blocking", None)
    kwargs.pop("memory_format", None)
    if kwargs:
        got = ", ".join(f"{k}={type(v).__name__}" for k, v in kwargs.items())
        raise TypeError(f"to() received an invalid combination of arguments - got ({got}, )")
    for a in args:
        if isinstance(a, _dt.dtype):
            dtype = a
        elif isinstance(a, Tensor):
            dtype, device = a.dtype, a.device
        elif isinstance(a, (str, _device_cls, int)) and not isinstance(a, bool):
            device = as_device(a)
        elif isinstance(a, bool):
            continue  # non_blocking / copy given positionally
        else:
            raise TypeError(f"to() received an invalid combination of arguments - got "
                            f"({type(a).__name__})")
    if device is not None:
        device = as_device(device)
    return dtype, device, copy


_COMPARABLE = (Tensor, *_COMPARABLE)
_ORDERABLE = (Tensor, *_ORDERABLE)
_OPERANDS = (Tensor, *_OPERANDS)  # subclasses (Parameter) are operands too
_op.bind_tensor(Tensor, _new_tensor)
