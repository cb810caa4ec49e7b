"""assert_close: compare tensors, numbers, sequences and mappings with dtype-aware tolerances,
failing with torch.testing's messages (mismatch count, greatest differences and where)."""
from __future__ import annotations

import builtins
import collections.abc as cabc
import math

import numpy as np

from .. import _dtype as _dt
from .._tensor import Tensor
from ..size import Size

__all__ = ["assert_close"]

# default (rtol, atol) per dtype name; exact comparison for every other dtype
_TOLERANCES = {
    "float16": (1e-3, 1e-5),
    "bfloat16": (1.6e-2, 1e-5),
    "float32": (1.3e-6, 1e-5),
    "float64": (1e-7, 1e-7),
}


class _Mismatch(AssertionError):
    """A failed comparison; `path` is where in nested containers it happened."""

    def __init__(self, message: str, path: tuple = ()) -> None:
        super().__init__(message)
        self.message = message
        self.path = path


def assert_close(actual, expected, *, allow_subclasses: bool = True, rtol=None, atol=None,
                 equal_nan: bool = False, check_device: bool = True, check_dtype: bool = True,
                 check_layout: bool = True, check_stride: bool = False, msg=None) -> None:
    """Raise AssertionError unless `actual` and `expected` are close (torch.testing.assert_close)."""
    if (rtol is None) != (atol is None):
        raise ValueError(f"Both 'rtol' and 'atol' must be either specified or omitted, but got no "
                         f"{'rtol' if rtol is None else 'atol'}.")
    opts = {"rtol": rtol, "atol": atol, "equal_nan": equal_nan, "check_device": check_device,
            "check_dtype": check_dtype, "check_stride": check_stride}
    try:
        _compare(actual, expected, (), opts)
    except _Mismatch as e:
        message = e.message
        if e.path:
            where = "".join(f"[{k!r}]" for k in e.path)
            message += f"\n\nThe failure occurred for item {where}"
        if callable(msg):
            message = msg(message)
        elif msg is not None:
            message = msg
        raise AssertionError(message) from None


def _compare(actual, expected, path: tuple, opts: dict) -> None:
    """Dispatch on the pair's kind: containers recurse, leaves compare."""
    if _is_tensor_like(actual) and _is_tensor_like(expected):
        return _compare_tensors(actual, expected, path, opts)
    if _is_number(actual) and _is_number(expected):
        return _compare_numbers(actual, expected, path, opts)
    if _is_sequence(actual) and _is_sequence(expected):
        if len(actual) != len(expected):
            raise _Mismatch(f"The length of the sequences mismatch: {len(actual)} != "
                            f"{len(expected)}", path)
        for i, (a, b) in enumerate(zip(actual, expected)):
            _compare(a, b, path + (i,), opts)
        return None
    if isinstance(actual, cabc.Mapping) and isinstance(expected, cabc.Mapping):
        ka, kb = set(actual), set(expected)
        if ka != kb:
            raise _Mismatch("The keys of the mappings do not match:\n"
                            f"Missing keys in the actual mapping: {sorted(kb - ka)}\n"
                            f"Additional keys in the actual mapping: {sorted(ka - kb)}", path)
        for k in expected:
            _compare(actual[k], expected[k], path + (k,), opts)
        return None
    raise TypeError(f"No comparison pair was able to handle inputs of type {type(actual)} and "
                    f"{type(expected)}.")


def _is_tensor_like(x) -> bool:
    return isinstance(x, (Tensor, np.ndarray))


def _is_number(x) -> bool:
    return isinstance(x, (builtins.bool, builtins.int, builtins.float, builtins.complex))


def _is_sequence(x) -> bool:
    return isinstance(x, cabc.Sequence) and not isinstance(x, str)


def _compare_numbers(a, b, path: tuple, opts: dict) -> None:
    if type(a) is not type(b) and opts["check_dtype"]:
        raise _Mismatch(f"The (d)types do not match: {type(a)} != {type(b)}.", path)
    rtol, atol = _tolerances(opts, "float64" if isinstance(a, builtins.float) else "int64")
    if _close_scalar(a, b, rtol, atol, opts["equal_nan"]):
        return
    _raise_scalar(a, b, rtol, atol, path)


def _close_scalar(a, b, rtol, atol, equal_nan) -> bool:
    if a == b:
        return True
    if equal_nan and math.isnan(a) and math.isnan(b):
        return True
    diff = abs(a - b)
    return math.isfinite(diff) and diff <= atol + rtol * abs(b)


def _raise_scalar(a, b, rtol, atol, path) -> None:
    exact = rtol == 0 and atol == 0
    diff = abs(a - b)
    rel = diff / abs(b) if b != 0 else math.inf if diff else math.nan
    lines = [f"Scalars are not {'equal' if exact else 'close'}!", "",
             f"Expected {b} but got {a}.",
             f"Absolute difference: {diff}" + ("" if exact else f" (up to {atol} allowed)"),
             f"Relative difference: {rel}" + ("" if exact else f" (up to {rtol} allowed)")]
    raise _Mismatch("\n".join(lines), path)


def _meta(x):
    """(array, dtype name, device string, strides in elements) of a tensor or a NumPy array."""
    if isinstance(x, Tensor):
        return x.detach().cpu().numpy(), x.dtype, str(x.device), x.stride()
    d = _dt.from_numpy_dtype(x.dtype)
    return x, d, "cpu", tuple(s // x.itemsize for s in x.strides)


def _compare_tensors(actual, expected, path: tuple, opts: dict) -> None:
    a, da, deva, sa = _meta(actual)
    b, db, devb, sb = _meta(expected)
    if a.shape != b.shape:
        raise _Mismatch(f"The values for attribute 'shape' do not match: "
                        f"{_fmt_size(a.shape)} != {_fmt_size(b.shape)}.", path)
    if opts["check_device"] and deva != devb:
        raise _Mismatch(f"The values for attribute 'device' do not match: {deva} != {devb}.",
                        path)
    if opts["check_dtype"] and da is not db:
        raise _Mismatch(f"The values for attribute 'dtype' do not match: {da} != {db}.", path)
    if opts["check_stride"] and sa != sb:
        raise _Mismatch(f"The values for attribute 'stride()' do not match: {sa} != {sb}.", path)
    if da is not db:  # compare in the promoted dtype, as torch does without check_dtype
        common = _dt.promote_types(da, db)
        a, b, da = a.astype(common.np_dtype), b.astype(common.np_dtype), common
    rtol, atol = _tolerances(opts, da.name)
    with np.errstate(all="ignore"):
        matches = _isclose(a, b, rtol, atol, opts["equal_nan"])
    if matches.all():
        return
    if a.ndim == 0:
        _raise_scalar(a.item(), b.item(), rtol, atol, path)
    raise _Mismatch(_tensor_message(a, b, matches, rtol, atol), path)


def _isclose(a, b, rtol, atol, equal_nan) -> np.ndarray:
    if a.dtype.kind in "biu":
        return a == b
    diff = np.abs(a - b)  # an infinite difference is never close (inf vs -inf, inf vs 1)
    close = (a == b) | (np.isfinite(diff) & (diff <= atol + rtol * np.abs(b)))
    if equal_nan:
        close |= np.isnan(a) & np.isnan(b)
    return close


def _tensor_message(a, b, matches, rtol, atol) -> str:
    exact = rtol == 0 and atol == 0
    n = matches.size
    bad = n - int(matches.sum())
    af, bf, ok = a.reshape(-1), b.reshape(-1), matches.reshape(-1)
    if af.dtype.kind in "biu":  # integers compare in int64 so differences cannot overflow
        af, bf = af.astype(np.int64), bf.astype(np.int64)
    with np.errstate(all="ignore"):
        diff = np.abs(af - bf)
        diff[ok] = 0
        if diff.dtype.kind == "f":
            rel = diff / np.abs(bf)
        else:  # integer true division is float32 in torch
            rel = diff.astype(np.float32) / np.abs(bf).astype(np.float32)
        rel[ok] = 0
    i, j = int(np.argmax(diff)), int(np.argmax(rel))
    lines = [f"Tensor-likes are not {'equal' if exact else 'close'}!", "",
             f"Mismatched elements: {bad} / {n} ({bad / n:.1%})",
             f"Greatest absolute difference: {diff[i].item()} at index "
             f"{_index(i, a.shape)}" + ("" if exact else f" (up to {atol} allowed)"),
             f"Greatest relative difference: {rel[j].item()} at index "
             f"{_index(j, a.shape)}" + ("" if exact else f" (up to {rtol} allowed)")]
    return "\n".join(lines)


def _index(flat: int, shape) -> tuple:
    return tuple(int(k) for k in np.unravel_index(flat, shape))


def _tolerances(opts: dict, dtype_name: str) -> tuple:
    if opts["rtol"] is not None:
        return opts["rtol"], opts["atol"]
    return _TOLERANCES.get(dtype_name, (0.0, 0.0))


def _fmt_size(shape) -> str:
    return repr(Size(shape))
