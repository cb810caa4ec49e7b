"""ember's dtype objects, their NumPy mapping, and PyTorch's type-promotion rules.

NumPy's promotion differs from PyTorch's (int64 * 2.5 is float64 in NumPy, float32 in PyTorch);
every result dtype in ember is decided here, never by NumPy by accident.
"""
from __future__ import annotations

import builtins
import importlib
import math

import numpy as np

_BF16_MISSING = ("bfloat16 needs the ml_dtypes package, which is not installed: "
                 "pip install 'ember[bf16]' (or pip install ml_dtypes)")

# Categories, ordered as PyTorch orders them for scalar/0-d promotion.
_BOOL, _INT, _FLOAT, _COMPLEX = 0, 1, 2, 3


class dtype:
    """A tensor element type: `ember.float32`, `ember.int64`, ... (prints as `torch.float32`)."""

    __slots__ = ("_category", "is_signed", "itemsize", "name", "np_dtype")

    def __init__(self, name: str, np_dtype, category: int, is_signed: bool) -> None:
        self.name = name
        self.np_dtype = np.dtype(np_dtype) if np_dtype is not None else None
        self.itemsize = self.np_dtype.itemsize if np_dtype is not None else 2
        self._category = category
        self.is_signed = is_signed

    @property
    def is_floating_point(self) -> bool:
        return self._category == _FLOAT

    @property
    def is_complex(self) -> bool:
        return self._category == _COMPLEX

    def to_real(self) -> dtype:
        """The real dtype of a complex one (complex64 -> float32); others map to themselves."""
        return _REAL_OF.get(self, self)

    def to_complex(self) -> dtype:
        """The complex dtype of a floating one (float32 -> complex64); complex maps to itself."""
        if self._category == _COMPLEX:
            return self
        if self not in _COMPLEX_OF:
            raise RuntimeError(f"Unsupported dtype {self.name} for to_complex (ember has no "
                               "complex32)")
        return _COMPLEX_OF[self]

    def __repr__(self) -> str:
        return "torch." + self.name

    def __reduce__(self):
        return (_dtype_by_name, (self.name,))

    def __getattr__(self, name: str):
        # Only the ml_dtypes-backed dtypes (bfloat16, float8_*) get here, and only while their
        # `np_dtype` slot is unset: ml_dtypes (~1 s to import) is loaded on the first use, and
        # later reads are plain slot reads. Dtypes NumPy cannot hold (int4, bits8, complex32)
        # refuse, as torch's CPU kernels mostly do.
        if name != "np_dtype":
            raise AttributeError(f"'torch.dtype' object has no attribute '{name}'")
        if self.name not in _ML_DTYPES:
            raise NotImplementedError(f"ember cannot hold tensors of dtype torch.{self.name} (no "
                                      "NumPy type for it)")
        ml_dtypes = _ml_dtypes()
        np_dtype = getattr(ml_dtypes, _ML_DTYPES[self.name], None) if ml_dtypes else None
        self.np_dtype = np.dtype(np_dtype) if np_dtype is not None else None
        if self.np_dtype is not None:
            _BY_NUMPY[self.np_dtype] = self
        return self.np_dtype


def _ml_dtypes():
    """The ml_dtypes module, imported on the first bfloat16 use; None when it is not installed."""
    try:
        return importlib.import_module("ml_dtypes")
    except ImportError:
        return None


def _lazy(name: str, itemsize: int, category: int, is_signed: bool) -> dtype:
    """A dtype whose np_dtype stays unset until first used (ml_dtypes' types), or for good."""
    d = dtype.__new__(dtype)
    d.name, d.itemsize, d._category, d.is_signed = name, itemsize, category, is_signed
    return d


# torch dtype name -> ml_dtypes attribute
_ML_DTYPES = {"bfloat16": "bfloat16", "float8_e4m3fn": "float8_e4m3fn",
              "float8_e5m2": "float8_e5m2", "float8_e4m3fnuz": "float8_e4m3fnuz",
              "float8_e5m2fnuz": "float8_e5m2fnuz", "float8_e8m0fnu": "float8_e8m0fnu"}

float16 = dtype("float16", np.float16, _FLOAT, True)
bfloat16 = _lazy("bfloat16", 2, _FLOAT, True)
float8_e4m3fn = _lazy("float8_e4m3fn", 1, _FLOAT, True)
float8_e5m2 = _lazy("float8_e5m2", 1, _FLOAT, True)
float8_e4m3fnuz = _lazy("float8_e4m3fnuz", 1, _FLOAT, True)
float8_e5m2fnuz = _lazy("float8_e5m2fnuz", 1, _FLOAT, True)
float8_e8m0fnu = _lazy("float8_e8m0fnu", 1, _FLOAT, False)
_FLOAT8 = (float8_e4m3fn, float8_e5m2, float8_e4m3fnuz, float8_e5m2fnuz, float8_e8m0fnu)
float32 = dtype("float32", np.float32, _FLOAT, True)
float64 = dtype("float64", np.float64, _FLOAT, True)
uint8 = dtype("uint8", np.uint8, _INT, False)
int8 = dtype("int8", np.int8, _INT, True)
int16 = dtype("int16", np.int16, _INT, True)
int32 = dtype("int32", np.int32, _INT, True)
int64 = dtype("int64", np.int64, _INT, True)
uint16 = dtype("uint16", np.uint16, _INT, False)
uint32 = dtype("uint32", np.uint32, _INT, False)
uint64 = dtype("uint64", np.uint64, _INT, False)
_WIDE_UNSIGNED = (uint16, uint32, uint64)  # torch 2.13 refuses to promote them with other ints
bool = dtype("bool", np.bool_, _BOOL, False)
complex64 = dtype("complex64", np.complex64, _COMPLEX, True)
complex128 = dtype("complex128", np.complex128, _COMPLEX, True)

# dtypes torch names but NumPy cannot hold: sub-byte ints, packed bits and floats, complex32
complex32 = _lazy("complex32", 4, _COMPLEX, True)
float4_e2m1fn_x2 = _lazy("float4_e2m1fn_x2", 1, _FLOAT, True)
int1, int2, int3, int4, int5, int6, int7 = (_lazy(f"int{k}", 1, _INT, True) for k in range(1, 8))
uint1, uint2, uint3, uint4, uint5, uint6, uint7 = (_lazy(f"uint{k}", 1, _INT, False)
                                                   for k in range(1, 8))
bits1x8, bits2x4, bits4x2, bits8 = (_lazy(n, 1, _INT, False)
                                    for n in ("bits1x8", "bits2x4", "bits4x2", "bits8"))
bits16 = _lazy("bits16", 2, _INT, False)
_SHELLS = (complex32, float4_e2m1fn_x2, int1, int2, int3, int4, int5, int6, int7, uint1, uint2,
           uint3, uint4, uint5, uint6, uint7, bits1x8, bits2x4, bits4x2, bits8, bits16)

half, float, double = float16, float32, float64
short, int, long = int16, int32, int64
cfloat, cdouble = complex64, complex128
chalf, bit = complex32, uint1

ALL_DTYPES = (float16, bfloat16, float32, float64, uint8, int8, int16, int32, int64, bool,
              complex64, complex128, uint16, uint32, uint64, *_FLOAT8, *_SHELLS)
def _is_set(d: dtype, slot: str) -> builtins.bool:
    """Whether a slot holds a value (a lazy dtype has no np_dtype until first used)."""
    try:
        object.__getattribute__(d, slot)
    except AttributeError:
        return False
    return True


_REAL_OF = {complex64: float32, complex128: float64}
_COMPLEX_OF = {float32: complex64, float64: complex128}
_BY_NAME = {d.name: d for d in ALL_DTYPES}
# the lazy ones (bfloat16, float8_*) join on first use
_BY_NUMPY = {d.np_dtype: d for d in ALL_DTYPES if _is_set(d, "np_dtype")}
_FLOAT_RANK = {float16: 0, bfloat16: 0, float32: 1, float64: 2}

_default_float = float32


def _dtype_by_name(name: str) -> dtype:
    return _BY_NAME[name]


def from_numpy_dtype(np_dtype) -> dtype:
    """The ember dtype for a NumPy dtype; TypeError for the ones PyTorch cannot hold."""
    try:
        return _BY_NUMPY[np_dtype]
    except KeyError:
        pass
    np_dtype = np.dtype(np_dtype)
    if np_dtype.kind == "V" and np_dtype.name in _ML_DTYPES:  # an ml_dtypes array: load its type
        _BY_NAME[np_dtype.name].np_dtype  # noqa: B018 - the first read registers it in _BY_NUMPY
    if np_dtype in _BY_NUMPY:
        return _BY_NUMPY[np_dtype]
    raise TypeError(
        f"can't convert np.ndarray of type numpy.{np_dtype}. The only supported types are: "
        "float64, float32, float16, complex64, complex128, int64, int32, int16, int8, uint8, and bool."
    )


def to_numpy_dtype(d: dtype):
    np_dtype = d.np_dtype
    if np_dtype is None:
        raise RuntimeError(_BF16_MISSING)
    return np_dtype


def get_default_dtype() -> dtype:
    """The floating dtype that Python floats and `ember.tensor([1.5])` become (float32 at start)."""
    return _default_float


def set_default_dtype(d: dtype) -> None:
    """Set the default floating dtype; like PyTorch only float32, float64 (and half types) allowed."""
    global _default_float
    if not isinstance(d, dtype) or not d.is_floating_point:
        raise TypeError("only floating-point types are supported as the default type")
    _default_float = d


def promote_types(a: dtype, b: dtype) -> dtype:
    """PyTorch's promotion lattice for two dtypes (both tensors of equal standing)."""
    if a is b:
        return a
    _check_promotable(a, b)
    ca, cb = a._category, b._category
    if ca == _COMPLEX or cb == _COMPLEX:  # complex of the wider real part (float64 -> complex128)
        if _FLOAT <= ca and _FLOAT <= cb:
            return promote_types(a.to_real(), b.to_real()).to_complex()
        return a if ca > cb else b
    if ca != cb:
        return a if ca > cb else b
    if ca == _FLOAT:
        ra, rb = _FLOAT_RANK[a], _FLOAT_RANK[b]
        if ra == rb:  # float16 with bfloat16
            return float32
        return a if ra > rb else b
    return _BY_NUMPY[np.promote_types(a.np_dtype, b.np_dtype)]


# torch's ScalarType names, which its promotion errors print
_SCALAR_NAMES = {"uint8": "Byte", "int8": "Char", "int16": "Short", "int32": "Int",
                 "int64": "Long", "bool": "Bool", "float16": "Half", "float32": "Float",
                 "float64": "Double", "complex64": "ComplexFloat", "complex128": "ComplexDouble",
                 "complex32": "ComplexHalf"}


def _scalar_name(d: dtype) -> str:
    name = _SCALAR_NAMES.get(d.name) or d.name[0].upper() + d.name[1:]
    return "UInt" + name[4:] if name.startswith("Uint") else name


def _check_promotable(a: dtype, b: dtype) -> None:
    """torch 2.13 promotes uint16/32/64 only with floating dtypes, and neither float8 nor the
    sub-byte and bits dtypes with anything else."""
    pair = f"{_scalar_name(a)} and {_scalar_name(b)}"
    if (a in _WIDE_UNSIGNED or b in _WIDE_UNSIGNED) and _FLOAT not in (a._category, b._category):
        raise RuntimeError("Promotion for uint16, uint32, uint64 types is not supported, "
                           f"attempted to promote {pair}")
    if a in _FLOAT8 or b in _FLOAT8:
        raise RuntimeError(f"Promotion for Float8 Types is not supported, attempted to promote "
                           f"{pair}")
    if a in _SHELLS or b in _SHELLS:
        raise RuntimeError(f"Promotion from {pair} is unsupported.")


def scalar_dtype(value) -> dtype:
    """The dtype a Python scalar takes when it stands alone: bool, int64 or the default float."""
    t = type(value)
    if t is builtins.bool or t is np.bool_:
        return bool
    if t is builtins.int or isinstance(value, np.integer):
        return int64
    if t is builtins.complex or isinstance(value, np.complexfloating):
        return _default_float.to_complex()
    return _default_float


def _combine(higher: dtype | None, lower: dtype | None) -> dtype | None:
    """Merge a higher-priority result with a lower one: the lower wins only by category."""
    if higher is None:
        return lower
    if lower is None:
        return higher
    if higher._category == _COMPLEX:
        return higher
    if lower._category == _COMPLEX:  # a float keeps its precision: float64 + 1j is complex128
        return higher.to_complex() if higher._category == _FLOAT else lower
    if higher._category == _FLOAT:
        return higher
    if higher is bool or lower._category == _FLOAT:
        return promote_types(higher, lower)
    return higher


def result_type(*operands) -> dtype:
    """PyTorch's result type: dimensioned tensors > 0-d tensors > Python scalars, by category."""
    dim = zero = wrapped = None
    for x in operands:
        d = getattr(x, "dtype", None)
        if isinstance(d, dtype):
            if x.ndim:
                dim = d if dim is None else promote_types(dim, d)
            else:
                zero = d if zero is None else promote_types(zero, d)
        elif x is not None:
            s = scalar_dtype(x)
            wrapped = s if wrapped is None else promote_types(wrapped, s)
    return _combine(dim, _combine(zero, wrapped))


def is_floating_point(d: dtype) -> builtins.bool:
    return d._category == _FLOAT


def is_integral(d: dtype, include_bool: builtins.bool = False) -> builtins.bool:
    return d._category == _INT or (include_bool and d is bool)


class finfo:
    """Machine limits of a floating dtype, with PyTorch's attribute names."""

    def __init__(self, type: dtype | None = None) -> None:
        type = (type or _default_float).to_real()  # complex: its real part's limits, as torch
        if not type.is_floating_point:
            raise TypeError("torch.finfo() requires a floating point input type. Use torch.iinfo "
                            "to handle 'torch.finfo'")
        np_dtype = to_numpy_dtype(type)  # bfloat16 without ml_dtypes: a clear RuntimeError
        info = (_ml_dtypes().finfo if type.name in _ML_DTYPES else np.finfo)(np_dtype)
        self.bits = info.bits
        self.eps = builtins.float(info.eps)
        if type is float8_e5m2fnuz:  # torch reports 2**-3 (ml_dtypes: 2**-2, the true spacing)
            self.eps = 0.125
        self.max = builtins.float(info.max)
        self.min = builtins.float(info.min)
        self.tiny = self.smallest_normal = builtins.float(info.tiny)
        self.resolution = 10.0 ** -math.floor(info.nmant * math.log10(2))  # torch's digits10
        self.dtype = type.name

    def __repr__(self) -> str:
        return (f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, "
                f"eps={self.eps:g}, smallest_normal={self.smallest_normal:g}, "
                f"tiny={self.tiny:g}, dtype={self.dtype})")


class iinfo:
    """Limits of an integer dtype, with PyTorch's attribute names."""

    def __init__(self, type: dtype) -> None:
        if type is bool:
            raise TypeError("torch.bool is not supported by torch.iinfo")
        if type._category >= _FLOAT:
            raise TypeError("torch.iinfo() requires an integer input type. Use torch.finfo to "
                            "handle 'torch.iinfo'")
        info = np.iinfo(type.np_dtype)
        self.bits = type.itemsize * 8
        self.max = builtins.int(info.max)
        self.min = builtins.int(info.min)
        self.dtype = type.name

    def __repr__(self) -> str:
        return f"iinfo(min={self.min:g}, max={self.max:g}, dtype={self.dtype})"
