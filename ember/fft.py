"""torch.fft: discrete Fourier transforms and their helpers, over ops/spectral.py's primitives.

Every transform resizes its input to `n` / `s` (zero-pad or trim), then runs one of the three
primitives (C2C, R2C, C2R) with the normalization `norm` asks for in its direction: "backward"
(the default) leaves forward transforms unscaled and divides inverse ones by n, "forward" does
the opposite, "ortho" divides both by sqrt(n).
"""
from __future__ import annotations

import builtins

from . import _dtype as _dt
from .ops import _op
from .ops._output import _out
from .ops._util import wrap_dim
from .ops.complex import conj
from .ops.complex import scalar_type_name as _cap
from .ops.creation import _finish
from .ops.rearrange import roll
from .ops.spectral import c2c, c2r, complex_dtype_for, r2c, resize
from .ops.windows import window_module

__all__ = ["fft", "fft2", "fftfreq", "fftn", "fftshift", "hfft", "hfft2", "hfftn", "ifft",
           "ifft2", "ifftn", "ifftshift", "ihfft", "ihfft2", "ihfftn", "irfft", "irfft2",
           "irfftn", "rfft", "rfft2", "rfftfreq", "rfftn"]


def _mode(norm, forward: bool) -> int:
    """0: no scaling, 1: 1/sqrt(n), 2: 1/n, for a transform in direction `forward`."""
    if norm is None or norm == "backward":
        return 0 if forward else 2
    if norm == "forward":
        return 2 if forward else 0
    if norm == "ortho":
        return 1
    raise RuntimeError(f'Invalid normalization mode: "{norm}"')


def _check_n(n: int) -> None:
    if n < 1:
        raise RuntimeError(f"Invalid number of data points ({n}) specified")


def _as_float(x, name: str, real_only: bool = False):
    """The input in the dtype a transform computes in: integers in the default float."""
    if not isinstance(x, _op.Tensor):
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(x).__name__}")
    kind = x._data.dtype.kind
    if real_only and kind == "c":
        raise RuntimeError(f"{name} expects a real input tensor, but got {_cap(x.dtype)}")
    if kind in "biu":
        return x.to(_dt.get_default_dtype())
    if x.dtype in (_dt.float16, _dt.bfloat16):
        raise RuntimeError(f"Unsupported dtype {_cap(x.dtype)}")
    return x


def _dims(x, s, dim, default_last: int | None = None):
    """(dims, sizes) of an n-d transform: torch's rules for s and dim (both may be None)."""
    ndim = x._data.ndim
    if dim is not None:
        dims = [wrap_dim(d, ndim) for d in ((dim,) if isinstance(dim, builtins.int) else dim)]
        if len(set(dims)) != len(dims):
            raise RuntimeError("FFT dims must be unique")
        if s is not None and len(s) != len(dims):
            raise RuntimeError("When given, dim and shape arguments must have the same length")
    elif s is not None:
        if len(s) > ndim:
            raise RuntimeError(f"Got shape with {len(s)} values but input tensor only has "
                               f"{ndim} dimensions.")
        dims = list(range(ndim - len(s), ndim))
    else:
        dims = list(range(ndim)) if default_last is None else \
            [wrap_dim(d, ndim) for d in range(-default_last, 0)]
    if s is None:
        sizes = [x._data.shape[d] for d in dims]
    else:
        sizes = [x._data.shape[d] if n == -1 else n for d, n in zip(dims, s)]
    for n in sizes:
        _check_n(n)
    return dims, sizes


def _one(dim):
    return None if dim is None else (dim,)


# ---- complex-to-complex (real inputs take the two-sided real transform) ----------------------


def _fftn(name, input, s, dim, norm, forward, out, default_last=None):
    x = _as_float(input, name)
    dims, sizes = _dims(x, s, dim, default_last)
    x = resize(x, dims, sizes)
    mode = _mode(norm, forward)
    if x._data.dtype.kind == "c":
        return _out(c2c(x, dims, mode, forward), out)
    y = r2c(x, dims, mode, False)
    return _out(y if forward else conj(y), out)


def fft(input, n=None, dim: int = -1, norm=None, *, out=None):
    """The 1-d discrete Fourier transform along `dim`."""
    return _fftn("fft", input, None if n is None else (n,), (dim,), norm, True, out)


def ifft(input, n=None, dim: int = -1, norm=None, *, out=None):
    """The 1-d inverse discrete Fourier transform along `dim`."""
    return _fftn("ifft", input, None if n is None else (n,), (dim,), norm, False, out)


def fft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    return _fftn("fft2", input, s, dim, norm, True, out)


def ifft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    return _fftn("ifft2", input, s, dim, norm, False, out)


def fftn(input, s=None, dim=None, norm=None, *, out=None):
    """The n-d transform over `dim` (all dims, or the last len(s) when only `s` is given)."""
    return _fftn("fftn", input, s, dim, norm, True, out)


def ifftn(input, s=None, dim=None, norm=None, *, out=None):
    return _fftn("ifftn", input, s, dim, norm, False, out)


# ---- real-to-complex: rfft (one-sided) and ihfft (its conjugate, inverse-scaled) ------------


def _rfftn(name, input, s, dim, norm, forward, out):
    x = _as_float(input, name, real_only=True)
    dims, sizes = _dims(x, s, dim)
    x = resize(x, dims, sizes)
    y = r2c(x, dims, _mode(norm, forward), True)
    return _out(y if forward else conj(y), out)


def rfft(input, n=None, dim: int = -1, norm=None, *, out=None):
    """The one-sided transform of a real signal: n // 2 + 1 bins along `dim`."""
    return _rfftn("rfft", input, None if n is None else (n,), (dim,), norm, True, out)


def rfft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    return _rfftn("rfft2", input, s, dim, norm, True, out)


def rfftn(input, s=None, dim=None, norm=None, *, out=None):
    return _rfftn("rfftn", input, s, dim, norm, True, out)


def ihfft(input, n=None, dim: int = -1, norm=None, *, out=None):
    """The inverse of hfft: a real signal to its one-sided (Hermitian) inverse spectrum."""
    return _rfftn("ihfft", input, None if n is None else (n,), (dim,), norm, False, out)


def ihfft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    return _rfftn("ihfft2", input, s, dim, norm, False, out)


def ihfftn(input, s=None, dim=None, norm=None, *, out=None):
    return _rfftn("ihfftn", input, s, dim, norm, False, out)


# ---- complex-to-real: irfft (inverse) and hfft (forward, of the conjugate) -------------------


def _irfftn(name, input, s, dim, norm, forward, out):
    x = _as_float(input, name)
    dims, sizes = _dims(x, s, dim)
    last = sizes[-1] if s is not None and s[-1] != -1 else 2 * (x._data.shape[dims[-1]] - 1)
    _check_n(last)
    sizes[-1] = last // 2 + 1
    if x._data.dtype.kind != "c":
        x = x.to(complex_dtype_for(x))
    x = resize(x, dims, sizes)
    if forward:
        x = conj(x)
    return _out(c2r(x, dims, _mode(norm, forward), last), out)


def irfft(input, n=None, dim: int = -1, norm=None, *, out=None):
    """The inverse of rfft: n real samples (default 2 * (bins - 1)) from one-sided bins."""
    return _irfftn("irfft", input, None if n is None else (n,), (dim,), norm, False, out)


def irfft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    return _irfftn("irfft2", input, s, dim, norm, False, out)


def irfftn(input, s=None, dim=None, norm=None, *, out=None):
    return _irfftn("irfftn", input, s, dim, norm, False, out)


def hfft(input, n=None, dim: int = -1, norm=None, *, out=None):
    """The transform of a Hermitian-symmetric signal given by its one-sided half: real output."""
    return _irfftn("hfft", input, None if n is None else (n,), (dim,), norm, True, out)


def hfft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    return _irfftn("hfft2", input, s, dim, norm, True, out)


def hfftn(input, s=None, dim=None, norm=None, *, out=None):
    return _irfftn("hfftn", input, s, dim, norm, True, out)


# ---- helpers: sample frequencies and shifts --------------------------------------------------


def fftfreq(n: int, d: float = 1.0, *, out=None, dtype=None, layout=None, device=None,
            requires_grad: bool = False):
    """Sample frequencies [0, 1, ..., -(n // 2), ..., -1] / (d * n)."""
    dt = dtype or _dt.get_default_dtype()
    xp = window_module(device)
    k = xp.arange(n, dtype=dt.np_dtype)
    k[(n + 1) // 2:] = xp.arange(-(n // 2), 0)
    return _out(_finish(k * (1.0 / (n * d)), dt, device, requires_grad), out)


def rfftfreq(n: int, d: float = 1.0, *, out=None, dtype=None, layout=None, device=None,
             requires_grad: bool = False):
    """Sample frequencies of rfft's bins: [0, 1, ..., n // 2] / (d * n)."""
    dt = dtype or _dt.get_default_dtype()
    k = window_module(device).arange(n // 2 + 1, dtype=dt.np_dtype)
    return _out(_finish(k * (1.0 / (n * d)), dt, device, requires_grad), out)


def _shift(input, dim, sign: int):
    ndim = input.ndim
    dims = list(range(ndim)) if dim is None else \
        [wrap_dim(d, ndim) for d in ((dim,) if isinstance(dim, builtins.int) else dim)]
    shifts = [(input.shape[d] // 2) if sign > 0 else (input.shape[d] + 1) // 2 for d in dims]
    return roll(input, shifts, dims)


def fftshift(input, dim=None):
    """Roll the zero-frequency bin to the centre of each of `dim` (all by default)."""
    return _shift(input, dim, 1)


def ifftshift(input, dim=None):
    """The inverse of fftshift."""
    return _shift(input, dim, -1)
