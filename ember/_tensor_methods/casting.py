"""Tensor's dtype casts (float(), long(), ...) and the legacy type names (type(), type_as)."""
from __future__ import annotations

from .. import _dtype as _dt


class CastingMethods:
    __slots__ = ()

    def type(self, dtype=None, non_blocking: bool = False, **kwargs):
        if dtype is None:
            return "torch." + _legacy_type_name(self.dtype)
        if isinstance(dtype, str):
            dtype = _dtype_from_type_name(dtype)
        return self.to(getattr(dtype, "dtype", dtype))  # a legacy type (FloatTensor) or a dtype

    def type_as(self, other):
        return self.to(other.dtype)

    def float(self):
        return self.to(_dt.float32)

    def double(self):
        return self.to(_dt.float64)

    def half(self):
        return self.to(_dt.float16)

    def bfloat16(self):
        return self.to(_dt.bfloat16)

    def long(self):
        return self.to(_dt.int64)

    def int(self):
        return self.to(_dt.int32)

    def short(self):
        return self.to(_dt.int16)

    def char(self):
        return self.to(_dt.int8)

    def byte(self):
        return self.to(_dt.uint8)

    def bool(self):
        return self.to(_dt.bool)


_LEGACY_NAMES = {"float32": "FloatTensor", "float64": "DoubleTensor", "float16": "HalfTensor",
                 "bfloat16": "BFloat16Tensor", "int64": "LongTensor", "int32": "IntTensor",
                 "int16": "ShortTensor", "int8": "CharTensor", "uint8": "ByteTensor",
                 "bool": "BoolTensor", "complex64": "ComplexFloatTensor",
                 "complex128": "ComplexDoubleTensor", "uint16": "UInt16Tensor",
                 "uint32": "UInt32Tensor", "uint64": "UInt64Tensor",
                 "float8_e4m3fn": "Float8_e4m3fnTensor", "float8_e5m2": "Float8_e5m2Tensor",
                 "float8_e4m3fnuz": "Float8_e4m3fnuzTensor",
                 "float8_e5m2fnuz": "Float8_e5m2fnuzTensor",
                 "float8_e8m0fnu": "Float8_e8m0fnuTensor"}


def _legacy_type_name(d: _dt.dtype) -> str:
    return _LEGACY_NAMES[d.name]


def _dtype_from_type_name(name: str) -> _dt.dtype:
    short = name.rsplit(".", 1)[-1]
    for dname, legacy in _LEGACY_NAMES.items():
        if legacy == short:
            return _dt._BY_NAME[dname]
    raise ValueError(f"invalid type: '{name}'")
