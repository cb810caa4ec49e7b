"""Fourier transforms (the kernels behind torch.fft) and stft/istft.

Three primitives carry every transform, as in PyTorch: C2C (complex to complex), R2C (real to
complex, optionally one-sided) and C2R (one-sided complex to real). Each takes the axes and a
normalization mode (0: none, 1: 1/sqrt(n), 2: 1/n) and runs on NumPy's pocketfft in the input's
own precision (_fft_pocket; long 1-d complex ones in four steps, _fft_fourstep); their
backwards are each other (PyTorch's fft_*_backward formulas), so gradients are exact.
"""
from __future__ import annotations

import warnings

import numpy as np

from .. import _dtype as _dt
from ..autograd.grad_mode import is_grad_enabled
from ..backend import array_module
from . import _fft_fourstep as _fourstep
from . import _fft_pocket as _pocket
from . import _op
from ._op import Op
from .complex import view_as_real
from .nn_misc import constant_pad, index_pad
from .shape import cat

__all__ = ["istft", "stft"]

_REAL_OF = {np.dtype(np.complex64): np.float32, np.dtype(np.complex128): np.float64}


class C2C(Op):
    """Complex FFT over `axes`; forward=False is the inverse transform (no 1/n unless asked)."""

    node_name = "FftC2CBackward0"

    @staticmethod
    def forward(ctx, x, axes, mode, forward):
        ctx.meta = (axes, mode, forward)
        if len(axes) == 1 and axes[0] == x.ndim - 1 and x.__class__ is np.ndarray:
            parts = _fourstep.split(x.shape[-1], x.size // max(x.shape[-1], 1), x.itemsize)
            if parts is not None:  # a long transform: in cache-sized pieces (_fft_fourstep)
                return _fourstep.c2c_last(x, *parts, forward, mode)
        return _pocket.c2c(x, axes, forward, mode)

    @staticmethod
    def backward(ctx, grad):
        axes, mode, forward = ctx.meta
        return C2C.apply(grad, axes, mode, not forward), None, None, None


class R2C(Op):
    """Real-input FFT over `axes`; `onesided` keeps the last axis' first n // 2 + 1 bins."""

    node_name = "FftR2CBackward0"

    @staticmethod
    def forward(ctx, x, axes, mode, onesided):
        ctx.meta = (axes, mode, onesided, x.shape[axes[-1]])
        if onesided:
            return _pocket.r2c(x, axes, mode)
        return _full_from_half(x, axes, mode)

    @staticmethod
    def backward(ctx, grad):
        axes, mode, onesided, n = ctx.meta
        if onesided and grad.shape[axes[-1]] < n:
            grad = _Resize.apply(grad, (axes[-1],), (n,))
        return C2C.apply(grad, axes, mode, False).real, None, None, None


def _full_from_half(x, axes, mode):
    """The two-sided transform of real x: the one-sided one written into the output's first
    half, then the rest by Hermitian symmetry, X[k] = conj(X[-k]) over every transformed axis."""
    xp = array_module(x)
    last = axes[-1]
    n = x.shape[last]
    m = n // 2 + 1
    out = xp.empty(x.shape[:last] + (n,) + x.shape[last + 1:], np.result_type(x.dtype, 1j))
    sl = [slice(None)] * x.ndim
    sl[last] = slice(0, m)
    half = _pocket.r2c(x, axes, mode, out=out[tuple(sl)])
    if n == m:
        return out
    sl_src = [slice(None)] * x.ndim
    sl_src[last] = slice(n - m, 0, -1)  # X[k] for k >= m is conj(X[n - k])
    sl[last] = slice(m, n)
    if len(axes) == 1:  # straight into the output: no temporary half-size array
        xp.conjugate(half[tuple(sl_src)], out=out[tuple(sl)])
        return out
    mirror = xp.conj(half[tuple(sl_src)])
    for ax in axes[:-1]:  # flip the other axes too (index 0 stays put)
        mirror = xp.roll(xp.flip(mirror, ax), 1, ax)
    out[tuple(sl)] = mirror
    return out


class C2R(Op):
    """Inverse of a one-sided transform: complex (last axis n // 2 + 1 long) to real of length n."""

    node_name = "FftC2RBackward0"

    @staticmethod
    def forward(ctx, x, axes, mode, last_size):
        ctx.meta = (axes, mode)
        return _pocket.c2r(x, axes, mode, last_size)

    @staticmethod
    def backward(ctx, grad):
        axes, mode = ctx.meta
        g = R2C.apply(grad, axes, mode, True)
        extra = grad.shape[axes[-1]] - g.shape[axes[-1]]
        if extra > 0:  # the bins whose mirror image lies outside the one-sided half count twice
            w = array_module(g._data).ones(g.shape[axes[-1]], _REAL_OF[g._data.dtype])
            w[1:1 + extra] = 2
            shape = [1] * g.ndim
            shape[axes[-1]] = w.size
            g = g * _op._new_tensor(w.reshape(shape))
        return g, None, None, None


class _Resize(Op):
    """Zero-pad or trim each of `axes` to `sizes` (the `n` / `s` arguments of torch.fft)."""

    node_name = "ConstantPadNdBackward0"

    @staticmethod
    def forward(ctx, x, axes, sizes):
        ctx.meta = (axes, tuple(x.shape[a] for a in axes))
        return _resize_array(x, axes, sizes)

    @staticmethod
    def backward(ctx, grad):
        axes, sizes = ctx.meta
        return _Resize.apply(grad, axes, sizes), None, None


def _resize_array(x, axes, sizes):
    xp = array_module(x)
    shape = list(x.shape)
    for a, n in zip(axes, sizes):
        shape[a] = n
    out = xp.zeros(shape, x.dtype)
    src = tuple(slice(0, min(x.shape[i], shape[i])) for i in range(x.ndim))
    out[src] = x[src]
    return out


def resize(x, axes, sizes):
    """x with each of `axes` cut or zero-padded to `sizes` (x itself when nothing changes)."""
    keep = [(a, n) for a, n in zip(axes, sizes) if x._data.shape[a] != n]
    if not keep:
        return x
    return _Resize.apply(x, tuple(a for a, _ in keep), tuple(n for _, n in keep))


def c2c(x, axes, mode, forward):
    return C2C.apply(x, tuple(axes), mode, forward)


def r2c(x, axes, mode, onesided):
    return R2C.apply(x, tuple(axes), mode, onesided)


def c2r(x, axes, mode, last_size):
    return C2R.apply(x, tuple(axes), mode, last_size)


def complex_dtype_for(t) -> _dt.dtype:
    """The complex dtype a transform of `t` computes in (integers in the default float's)."""
    d = t.dtype
    if d.is_complex:
        return d
    if not d.is_floating_point:
        d = _dt.get_default_dtype()
    return d.to_complex()


# ---- stft / istft -------------------------------------------------------------------------


_STFT_RETURN_COMPLEX = (
    "stft requires the return_complex parameter be given for real inputs, and will further "
    "require that return_complex=True in a future PyTorch release.")
_STFT_NO_WINDOW = (
    "A window was not provided. A rectangular window will be applied,which is known to cause "
    "spectral leakage. Other windows such as torch.hann_window or torch.hamming_window are "
    "recommended to reduce spectral leakage.To suppress this warning and use a rectangular "
    "window, explicitly set `window=torch.ones(n_fft, device=<device>)`.")

_STFT_REAL_OUTPUT = (
    "stft with return_complex=False is deprecated. In a future pytorch release, stft will return "
    "complex tensors for all inputs, and return_complex=False will raise an error.\nNote: you can "
    "still call torch.view_as_real on the complex output to recover the old return format.")
_WARNED: set = set()


def _warn_once(message: str) -> None:
    """torch's TORCH_WARN_ONCE: each of stft's warnings is shown once per process."""
    if message not in _WARNED:
        _WARNED.add(message)
        warnings.warn(message, UserWarning, stacklevel=3)


def _window_for(window, n_fft, win_length, ref):
    """The window padded to n_fft (centred); None stands for ones(win_length), as in torch."""
    if window is None:
        if win_length == n_fft:
            return None
        window = _op._new_tensor(array_module(ref._data).ones(win_length, _real_np(ref)))
    if window.ndim != 1 or window.shape[0] != win_length:
        raise RuntimeError(f"stft: expected a 1D window tensor of size equal to win_length="
                           f"{win_length}, but got window with size {list(window.shape)}")
    if win_length < n_fft:
        left = (n_fft - win_length) // 2
        return resize_left(window, left, n_fft)
    return window


def _real_np(t):
    d = t._data.dtype
    return _REAL_OF.get(d, d)


def resize_left(w, left: int, n: int):
    """Place 1-d `w` at offset `left` inside zeros of length n (differentiable)."""
    z1 = _op._new_tensor(array_module(w._data).zeros(left, w._data.dtype))
    z2 = _op._new_tensor(array_module(w._data).zeros(n - left - w.shape[0], w._data.dtype))
    return cat([z1, w, z2])


def stft(input, n_fft: int, hop_length=None, win_length=None, window=None, center: bool = True,
         pad_mode: str = "reflect", normalized: bool = False, onesided=None, return_complex=None,
         align_to_window=None):
    """Short-time Fourier transform: frames of n_fft every hop_length samples, windowed, FFT'd.

    Returns (*, n_fft // 2 + 1 or n_fft, n_frames) complex (or its view_as_real when
    return_complex=False)."""
    complex_in = input.is_complex() or (window is not None and window.is_complex())
    if return_complex is None:
        if not complex_in:
            raise RuntimeError(_STFT_RETURN_COMPLEX)
        return_complex = True
    if not return_complex:
        _warn_once(_STFT_REAL_OUTPUT)
    if window is None:
        _warn_once(_STFT_NO_WINDOW)
    if center and align_to_window is not None:
        raise RuntimeError("stft align_to_window should only be set when center = false")
    hop_length = n_fft // 4 if hop_length is None else hop_length
    win_length = n_fft if win_length is None else win_length
    dim = input.ndim
    if dim not in (1, 2):
        raise RuntimeError(f"stft: expected a 1D or 2D tensor, but got {dim}D tensor")
    x = input.unsqueeze(0) if dim == 1 else input
    if center:
        x = _center_pad(x, n_fft // 2, pad_mode)
    length = x.shape[-1]
    if n_fft <= 0 or n_fft > length:
        raise RuntimeError(f"stft: expected 0 < n_fft <= {length}, but got n_fft={n_fft}")
    if hop_length <= 0:
        raise RuntimeError(f"stft: expected hop_length > 0, but got hop_length={hop_length}")
    if win_length <= 0 or win_length > n_fft:
        raise RuntimeError(f"stft: expected 0 < win_length <= n_fft, but got "
                           f"win_length={win_length}")
    w = _window_for(window, n_fft, win_length, x)
    if align_to_window and win_length < n_fft:
        x = x[..., (n_fft - win_length) // 2:]
        length = x.shape[-1]
    frames = x.unfold(-1, n_fft, hop_length)  # (B, n_frames, n_fft)
    if onesided is None:
        onesided = not complex_in
    if onesided and complex_in:
        raise RuntimeError("Cannot have onesided output if window or input is complex")
    mode = 1 if normalized else 0
    if _windowed_fast(frames, w, onesided):
        out = _op._new_tensor(_pocket.windowed_r2c(frames._data, w._data, mode))
    else:
        if w is not None:
            frames = frames * w
        if complex_in:
            out = c2c(frames, (-1 % frames.ndim,), mode, True)
        else:
            out = r2c(frames, (frames.ndim - 1,), mode, onesided)
    out = out.transpose(1, 2)
    if dim == 1:
        out = out.squeeze(0)
    if not return_complex:
        return view_as_real(out.resolve_conj())
    return out


def _windowed_fast(frames, w, onesided: bool) -> bool:
    """Whether stft may window and transform block by block (_fft_pocket.windowed_r2c): real
    host frames and window of one dtype, one-sided, and no gradient to record."""
    if w is None or not onesided or (frames.requires_grad or w.requires_grad) and \
            is_grad_enabled():
        return False
    f, v = frames._data, w._data
    return f.__class__ is np.ndarray and v.__class__ is np.ndarray and f.dtype == v.dtype \
        and f.dtype.kind == "f"


def _center_pad(x, pad: int, mode: str):
    """Pad both ends of the last dim of (B, L) by `pad` (nn.functional.pad's modes and checks)."""
    if mode == "constant":
        return constant_pad(x, (pad, pad), 0)
    if mode not in ("reflect", "replicate", "circular"):
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    n = x.shape[-1]
    if mode == "reflect" and pad >= n:
        raise RuntimeError(f"Argument #4: Padding size should be less than the corresponding "
                           f"input dimension, but got: padding ({pad}, {pad}) at dimension 2 of "
                           f"input {[x.shape[0], 1, n]}")
    if mode == "circular" and pad > n:
        raise RuntimeError("Padding value causes wrapping around more than once.")
    return index_pad(x.unsqueeze(1), (pad, pad), mode).squeeze(1)


def istft(input, n_fft: int, hop_length=None, win_length=None, window=None, center: bool = True,
          normalized: bool = False, onesided=None, length=None, return_complex: bool = False):
    """Inverse STFT by overlap-add with window-square normalisation (torch.istft)."""
    if not input.is_complex():
        raise RuntimeError("istft requires a complex-valued input tensor matching the output "
                           "from stft with return_complex=True.")
    hop_length = n_fft // 4 if hop_length is None else hop_length
    win_length = n_fft if win_length is None else win_length
    dim = input.ndim
    if dim not in (2, 3):
        raise RuntimeError(f"istft: expected a tensor with 2 or 3 dimensions of complex, got "
                           f"{dim}")
    x = input.unsqueeze(0) if dim == 2 else input
    fft_size = x.shape[1]
    n_frames = x.shape[2]
    if onesided is None:
        onesided = fft_size != n_fft
    if onesided:
        if n_fft // 2 + 1 != fft_size:
            raise RuntimeError(f"istft: expected the frequency dimension (3rd to the last) of the "
                               f"input tensor to match n_fft / 2 + 1 when onesided=True, but got "
                               f"{fft_size}")
    elif n_fft != fft_size:
        raise RuntimeError(f"istft: expected the frequency dimension (3rd to the last) of the "
                           f"input tensor to match n_fft when onesided=False, but got {fft_size}")
    if not 0 < hop_length <= win_length:
        raise RuntimeError("istft: expected 0 < hop_length <= win_length")
    if not 0 < win_length <= n_fft:
        raise RuntimeError("istft: expected 0 < win_length <= n_fft")
    if window is not None and (window.ndim != 1 or window.shape[0] != win_length):
        raise RuntimeError("Invalid window shape. window has to be 1D and length of "
                           "`win_length`")
    w = _window_for(window, n_fft, win_length, x)
    mode = 1 if normalized else 2  # the inverse transform divides by n unless normalized
    spec = x.transpose(1, 2)  # (B, n_frames, fft_size)
    if return_complex:
        if onesided:
            raise RuntimeError("cannot have onesided output if window or input is complex")
        frames = c2c(spec, (2,), mode, False)
    else:
        if w is not None and w.is_complex():
            raise RuntimeError("Complex windows are incompatible with return_complex=False")
        if not onesided:
            spec = spec[..., :n_fft // 2 + 1]
        frames = c2r(spec, (2,), mode, n_fft)
    if w is None:
        w = _op._new_tensor(array_module(x._data).ones(n_fft, _real_np(x)))
    frames = frames * w
    expected = n_fft + hop_length * (n_frames - 1)
    y = _overlap_add(frames, hop_length, expected)
    wsq = _overlap_add((w * w).expand(1, n_frames, n_fft), hop_length, expected)[0]
    start = n_fft // 2 if center else 0
    if length is not None:
        end = start + length
    elif center:
        end = expected - n_fft // 2
    else:
        end = expected
    end = min(end, expected)
    y = y[:, start:end]
    wsq = wsq[start:end]
    if (wsq.abs() < 1e-11).any():
        raise RuntimeError("istft: window overlap add min: 1e-11 not satisfied; the window "
                           "envelope is too small for an inverse")
    y = y * wsq.reciprocal()  # (not y / wsq: complex / real must stay complex)
    if length is not None and y.shape[-1] < length:
        warnings.warn("The length of signal is shorter than the length parameter. Result is "
                      "being padded with zeros in the tail. Please check your center and "
                      "hop_length settings.", UserWarning, stacklevel=2)
        y = resize(y, (1,), (length,))
    if dim == 2:
        y = y.squeeze(0)
    return y


class _OverlapAdd(Op):
    """Sum frames (B, n_frames, n) placed every `hop` samples into (B, total) (col2im in 1-d)."""

    node_name = "Col2ImBackward0"

    @staticmethod
    def forward(ctx, frames, hop, total):
        b, m, n = frames.shape
        ctx.meta = (hop, n, m)
        out = array_module(frames).zeros((b, total), frames.dtype)
        for k in range(m):
            out[:, k * hop:k * hop + n] += frames[:, k]
        return out

    @staticmethod
    def backward(ctx, grad):
        hop, n, m = ctx.meta
        return grad.unfold(-1, n, hop)[:, :m], None, None


def _overlap_add(frames, hop: int, total: int):
    return _OverlapAdd.apply(frames, hop, total)

