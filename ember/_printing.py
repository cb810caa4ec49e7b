"""PyTorch's tensor repr: precision, sci-mode, summarisation, suffixes; set_printoptions.

The text matches `repr(torch_tensor)` byte for byte. Everything works on the host NumPy array, and
a tensor with more than `threshold` elements is cut down to its edge items *before* any value is
formatted, so printing a (1000, 1000) tensor formats 36 numbers, not a million.
"""
from __future__ import annotations

import contextlib
import math

import numpy as np

from . import _dtype as _dt
from .backend import array_module

__all__ = ["set_printoptions"]


class _PrintOptions:
    """The live print options (torch._tensor_str.PRINT_OPTS)."""

    __slots__ = ("edgeitems", "linewidth", "precision", "sci_mode", "threshold")

    def __init__(self) -> None:
        self.precision = 4
        self.threshold = 1000
        self.edgeitems = 3
        self.linewidth = 80
        self.sci_mode = None


PRINT_OPTS = _PrintOptions()
_OPTION_NAMES = ("precision", "threshold", "edgeitems", "linewidth", "sci_mode")  # PyTorch's order

_PROFILES = {
    "default": (4, 1000, 3, 80),
    "short": (2, 1000, 2, 80),
    "full": (4, math.inf, 3, 80),
}


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None, profile=None,
                     sci_mode=None) -> None:
    """Set how tensors print; `profile` ('default', 'short', 'full') first, then the overrides.

    As in PyTorch, `sci_mode` is always assigned: leaving it out resets it to automatic.
    """
    if profile in _PROFILES:  # PyTorch ignores an unknown profile name
        (PRINT_OPTS.precision, PRINT_OPTS.threshold, PRINT_OPTS.edgeitems,
         PRINT_OPTS.linewidth) = _PROFILES[profile]
    if precision is not None:
        PRINT_OPTS.precision = precision
    if threshold is not None:
        PRINT_OPTS.threshold = threshold
    if edgeitems is not None:
        PRINT_OPTS.edgeitems = edgeitems
    if linewidth is not None:
        PRINT_OPTS.linewidth = linewidth
    PRINT_OPTS.sci_mode = sci_mode


def get_printoptions() -> dict:
    """The current print options as a dict (torch._tensor_str.get_printoptions)."""
    return {name: getattr(PRINT_OPTS, name) for name in _OPTION_NAMES}


@contextlib.contextmanager
def printoptions(**kwargs):
    """Temporarily change the print options (torch._tensor_str.printoptions)."""
    old = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**old)


# ---- number formatting ------------------------------------------------------------------------


class _Formatter:
    """One shared width and style for every element of a tensor.

    Floats: integer-valued -> `1.`; otherwise `precision` decimals; scientific when the nonzero
    finite magnitudes span more than 1e3, exceed 1e8, or (non-integers) fall below 1e-4.
    """

    __slots__ = ("floating", "int_mode", "precision", "sci_mode", "width")

    def __init__(self, values: np.ndarray, floating: bool) -> None:
        self.floating = floating
        self.int_mode = True
        self.sci_mode = False
        self.precision = p = PRINT_OPTS.precision
        self.width = 1
        flat = values.reshape(-1)
        if not floating:
            if flat.size:
                if flat.dtype == np.bool_:
                    self.width = 5 if not flat.all() else 4
                else:
                    self.width = max(1, len(str(flat.min())), len(str(flat.max())))
        else:
            nz = flat[np.isfinite(flat) & (flat != 0)]
            if nz.size:
                mags = np.abs(nz)
                lo, hi = float(mags.min()), float(mags.max())
                self.int_mode = bool((nz == np.ceil(nz)).all())
                auto_sci = hi / lo > 1000.0 or hi > 1.0e8 or (not self.int_mode and lo < 1.0e-4)
                forced = PRINT_OPTS.sci_mode
                self.sci_mode = auto_sci if forced is None else bool(forced)
                pad = 0
                if self.sci_mode:
                    spec = f".{p}e"
                elif self.int_mode:
                    spec, pad = ".0f", 1  # room for the trailing '.'
                else:
                    spec = f".{p}f"
                # Formatted width grows with |v| per sign, and the exponent's digits peak at either
                # end of the range, so the extremes of each sign bound every element's width.
                widths = [len(format(float(v), spec)) + pad for v in _extremes(nz)]
                self.width = max(1, *widths)

    def format(self, value) -> str:
        if self.floating:
            if self.sci_mode:
                s = format(value, f"{self.width}.{self.precision}e")
            elif self.int_mode:
                s = format(value, ".0f")
                if not (math.isinf(value) or math.isnan(value)):
                    s += "."
            else:
                s = format(value, f".{self.precision}f")
        else:
            s = str(value)
        return s.rjust(self.width)


def _extremes(nz: np.ndarray) -> list:
    """The smallest and largest magnitude among the positives and among the negatives."""
    out = []
    for part in (nz[nz > 0], nz[nz < 0]):
        if part.size:
            out += [part.min(), part.max()]
    return out


# ---- layout -----------------------------------------------------------------------------------


def _summarize(a, edge: int):
    """Keep the first and last `edge` entries of every dim longer than 2*edge (on a's device).

    Returns the reduced array and, per dim, whether it was cut (and so prints a '...').
    """
    xp = array_module(a)
    cut = []
    for axis, n in enumerate(a.shape):
        cut.append(n > 2 * edge)
        if cut[-1]:
            lead = (slice(None),) * axis
            a = xp.concatenate((a[lead + (slice(0, edge),)], a[lead + (slice(n - edge, n),)]),
                               axis=axis)
    return a, cut


class _ComplexFormatter:
    """torch's complex layout: real parts and imaginary parts each get their own _Formatter."""

    __slots__ = ("imag", "real", "width")

    def __init__(self, values: np.ndarray) -> None:
        self.real = _Formatter(values.real.astype(np.float64), True)
        self.imag = _Formatter(values.imag.astype(np.float64), True)
        self.width = self.real.width + self.imag.width + 1  # and the 'j'

    def format(self, value) -> str:
        re = self.real.format(value.real)
        im = (self.imag.format(value.imag) + "j").lstrip()
        return re + im if im[0] in "+-" else re + "+" + im


def _vector_str(a: np.ndarray, indent: int, cut: bool, fmt: _Formatter) -> str:
    edge = PRINT_OPTS.edgeitems
    f = fmt.format
    if cut:
        data = [f(v) for v in a[:edge].tolist()] + [" ..."] + [f(v) for v in a[edge:].tolist()]
    else:
        data = [f(v) for v in a.tolist()]
    per_line = max(1, math.floor((PRINT_OPTS.linewidth - indent) / (fmt.width + 2)))
    lines = [", ".join(data[i:i + per_line]) for i in range(0, len(data), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _nested_str(a: np.ndarray, indent: int, cuts: list, fmt: _Formatter) -> str:
    if a.ndim == 1:
        return _vector_str(a, indent, cuts[0], fmt)
    inner = cuts[1:]
    rows = [_nested_str(row, indent + 1, inner, fmt) for row in a]
    if cuts[0]:
        edge = PRINT_OPTS.edgeitems
        rows = rows[:edge] + ["..."] + rows[edge:]
    sep = "," + "\n" * (a.ndim - 1) + " " * (indent + 1)
    return "[" + sep.join(rows) + "]"


def _tensor_str(t, indent: int) -> str:
    a = t._data
    summarize = a.size > PRINT_OPTS.threshold
    edge = PRINT_OPTS.edgeitems
    if summarize and not edge:
        return "[...]"
    if summarize:
        a, cuts = _summarize(a, edge)  # before the host copy: a device tensor moves 36 numbers
    else:
        cuts = [False] * a.ndim
    if a.__class__ is not np.ndarray:
        a = a.get()
    if a.dtype.kind == "c":
        fmt = _ComplexFormatter(a)
        return fmt.format(a.item()) if a.ndim == 0 else _nested_str(a, indent, cuts, fmt)
    floating = a.dtype.kind in "fV"  # V: ml_dtypes' bfloat16
    if floating:
        # half precision prints its float32 value; Python formats doubles
        a = a.astype(np.float64)
    fmt = _Formatter(a, floating)
    if a.ndim == 0:
        return fmt.format(a.item())
    return _nested_str(a, indent, cuts, fmt)


def _add_suffixes(text: str, suffixes: list, indent: int) -> str:
    """Append ', suffix' parts, wrapping onto a new line when one would pass the linewidth."""
    parts = [text]
    last_len = len(text) - text.rfind("\n") + 1
    width = PRINT_OPTS.linewidth
    for suffix in suffixes:
        if last_len + len(suffix) + 2 > width:
            parts.append(",\n" + " " * indent + suffix)
            last_len = indent + len(suffix)
        else:
            parts.append(", " + suffix)
            last_len += len(suffix) + 2
    parts.append(")")
    return "".join(parts)


def tensor_repr(t) -> str:
    """`repr(tensor)` exactly as PyTorch 2.13 writes it."""
    name = type(t).__name__
    prefix = "tensor(" if name in ("Tensor", "Parameter") else name + "("
    indent = len(prefix)
    suffixes = []
    device = t.device
    if device.type != "cpu":
        suffixes.append(f"device='{device}'")
    dtype = t.dtype
    default = _dt.get_default_dtype()
    if t.numel() == 0:
        if t.ndim != 1:
            suffixes.append("size=" + str(tuple(t.shape)))
        if dtype != default:
            suffixes.append(f"dtype={dtype}")
        body = "[]"
    else:
        if not PRINT_OPTS.edgeitems:
            suffixes.append("size=" + str(tuple(t.shape)))
        if dtype not in (default, _dt._COMPLEX_OF.get(default), _dt.int64, _dt.bool):
            suffixes.append(f"dtype={dtype}")
        body = _tensor_str(t, indent)
    grad_fn = t.grad_fn
    if grad_fn is not None:
        suffixes.append(f"grad_fn=<{type(grad_fn).__name__}>")
    elif t.requires_grad:
        suffixes.append("requires_grad=True")
    return _add_suffixes(prefix + body, suffixes, indent)
