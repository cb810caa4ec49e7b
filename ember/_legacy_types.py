"""torch.FloatTensor, torch.LongTensor, ...: the legacy tensor types. Each is a constructor for
its dtype (sizes or data, as `Tensor(...)`) and an isinstance check on dtype and device."""
from __future__ import annotations

from . import _dtype as _dt
from .ops import _op
from .ops.creation import _legacy_tensor

__all__ = ["BFloat16Tensor", "BoolTensor", "ByteTensor", "CharTensor", "DoubleTensor",
           "FloatTensor", "HalfTensor", "IntTensor", "LongTensor", "ShortTensor", "tensortype"]


class tensortype(type):
    """The metaclass of the legacy types (torch.tensortype): isinstance(x, FloatTensor) holds for
    a float32 tensor on the CPU, Parameters included."""

    def __instancecheck__(cls, obj) -> bool:
        return isinstance(obj, _op.Tensor) and obj.dtype is cls.dtype and obj.device.type == "cpu"

    def __call__(cls, *args, device=None):
        if len(args) == 1 and isinstance(args[0], _op.Tensor):
            t = args[0]
            if t.dtype is not cls.dtype:
                raise TypeError(f"expected {cls.__name__} (dtype {cls.dtype}), got a tensor of "
                                f"dtype {t.dtype}")
            return t
        return _op._new_tensor(_legacy_tensor(*args, device=device, dtype=cls.dtype))

    def __repr__(cls) -> str:
        return f"<class 'torch.{cls.__name__}'>"


def _type(name: str, dtype) -> tensortype:
    return tensortype(name, (), {"dtype": dtype, "is_cuda": False, "__module__": "ember"})


FloatTensor = _type("FloatTensor", _dt.float32)
DoubleTensor = _type("DoubleTensor", _dt.float64)
HalfTensor = _type("HalfTensor", _dt.float16)
BFloat16Tensor = _type("BFloat16Tensor", _dt.bfloat16)
ByteTensor = _type("ByteTensor", _dt.uint8)
CharTensor = _type("CharTensor", _dt.int8)
ShortTensor = _type("ShortTensor", _dt.int16)
IntTensor = _type("IntTensor", _dt.int32)
LongTensor = _type("LongTensor", _dt.int64)
BoolTensor = _type("BoolTensor", _dt.bool)
