"""torch.backends.cuda: cuBLAS matmul flags (`matmul.allow_tf32` …) and the float32 matmul
precision that torch.get/set_float32_matmul_precision read and write. ember stores the flags;
GPU matmuls run at CuPy's default (full float32) precision, which is torch's default too."""
from __future__ import annotations

import warnings
from typing import ClassVar

from .. import backend as _backend

_PRECISIONS = ("highest", "high", "medium")
_state = {"precision": "highest", "fp32": "none"}


def is_built() -> bool:
    """True when ember can run on CUDA (CuPy with a usable GPU)."""
    return _backend.cuda_available()


def get_float32_matmul_precision() -> str:
    return _state["precision"]


def set_float32_matmul_precision(precision: str) -> None:
    """'highest' (full float32), 'high' or 'medium' (TF32 allowed); anything else is ignored
    with a warning, as torch does."""
    if not isinstance(precision, str):
        raise TypeError(f"set_float32_matmul_precision(): argument 'precision' (position 1) "
                        f"must be str, not {type(precision).__name__}")
    if precision not in _PRECISIONS:
        warnings.warn(f"{precision} is not one of 'highest', 'high', or 'medium'; the current"
                      "setFloat32MatmulPrecision call has no effect.", UserWarning, stacklevel=2)
        return
    _state["precision"] = precision
    _state["fp32"] = "ieee" if precision == "highest" else "tf32"


def _reduction_setting(value, attr_name: str) -> tuple[bool, bool]:
    """torch's parsing of allow_{fp16,bf16}_reduced_precision_reduction: bool or (bool, bool)."""
    def ensure_bool(obj, which):
        if isinstance(obj, bool):
            return obj
        raise TypeError(f"{attr_name} expects a bool for {which}, but got {type(obj)!r}")

    if isinstance(value, bool):
        return value, True
    if isinstance(value, (list, tuple)):
        if not value:
            raise TypeError(f"{attr_name} expects at least one boolean argument")
        if len(value) > 2:
            raise TypeError(f"{attr_name} expects at most two boolean arguments")
        allow = ensure_bool(value[0], "allow_reduced_precision")
        return allow, (ensure_bool(value[1], "allow_splitk") if len(value) == 2 else True)
    raise TypeError(f"{attr_name} expects a bool or a tuple/list of bools, but got {type(value)!r}")


class cuBLASModule:
    """`ember.backends.cuda.matmul`: only the known attributes may be read or set."""

    _reduced: ClassVar[dict] = {"fp16": (True, True), "bf16": (True, True)}
    _fp16_accumulation: ClassVar[bool] = False

    def __getattr__(self, name):
        if name == "allow_tf32":
            return _state["precision"] != "highest"
        if name == "fp32_precision":
            return _state["fp32"]
        if name == "allow_fp16_accumulation":
            return cuBLASModule._fp16_accumulation
        for kind in ("fp16", "bf16"):
            if name == f"allow_{kind}_reduced_precision_reduction":
                return cuBLASModule._reduced[kind][0]
            if name == f"allow_{kind}_reduced_precision_reduction_split_k":
                return cuBLASModule._reduced[kind][1]
        raise AttributeError("Unknown attribute " + name)

    def __setattr__(self, name, value):
        if name == "allow_tf32":
            if not isinstance(value, bool):
                raise RuntimeError(
                    f"set_allow_tf32_cublas expects a bool, but got {type(value).__name__}")
            _state["precision"] = "high" if value else "highest"
            _state["fp32"] = "tf32" if value else "ieee"
        elif name == "fp32_precision":
            if value not in ("none", "ieee", "tf32"):
                raise RuntimeError(f"Unknown precision: {value}")
            _state["fp32"] = value
            _state["precision"] = "high" if value == "tf32" else "highest"
        elif name == "allow_fp16_accumulation":
            if not isinstance(value, bool):
                raise RuntimeError(f"set_allow_fp16_accumulation_cublas expects a bool, but got "
                                   f"{type(value).__name__}")
            cuBLASModule._fp16_accumulation = value
        elif name in ("allow_fp16_reduced_precision_reduction",
                      "allow_bf16_reduced_precision_reduction"):
            cuBLASModule._reduced[name[6:10]] = _reduction_setting(value, name)
        else:
            raise AttributeError("Unknown attribute " + name)


matmul = cuBLASModule()
