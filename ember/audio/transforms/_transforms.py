"""torchaudio.transforms' spectral modules: Spectrogram and its inverse, Griffin-Lim, mel and
linear filter banks, MFCC/LFCC, decibels, time stretching and the spectral centroid. Each is
torchaudio's constructor, attributes and buffers (`window`, `fb`, `dct_mat` ...) with a forward
that is one call into ember.audio.functional."""
from __future__ import annotations

import math
import warnings
from collections.abc import Callable

import ember
from ember import Tensor, nn
from ember.nn.modules.lazy import LazyModuleMixin
from ember.nn.parameter import UninitializedParameter

from .. import functional as F
from ..functional.functional import (
    _apply_sinc_resample_kernel,
    _fix_waveform_shape,
    _get_sinc_resample_kernel,
    _stretch_waveform,
)


def _window(window_fn: Callable, win_length: int, wkwargs: dict | None) -> Tensor:
    return window_fn(win_length) if wkwargs is None else window_fn(win_length, **wkwargs)


def _set_framing(module: nn.Module, n_fft: int, win_length: int | None,
                 hop_length: int | None, window_fn: Callable, wkwargs: dict | None,
                 hop_divisor: int = 2) -> None:
    """torchaudio's STFT framing attributes: win_length defaults to n_fft, hop_length to
    win_length // hop_divisor, and the `window` buffer."""
    module.n_fft = n_fft
    module.win_length = win_length if win_length is not None else n_fft
    module.hop_length = hop_length if hop_length is not None else module.win_length // hop_divisor
    module.register_buffer("window", _window(window_fn, module.win_length, wkwargs))


class Spectrogram(nn.Module):
    """Spectrogram of (..., time) audio: (..., freq, frames), power or complex."""

    def __init__(self, n_fft: int = 400, win_length: int | None = None,
                 hop_length: int | None = None, pad: int = 0,
                 window_fn: Callable[..., Tensor] = ember.hann_window, power: float | None = 2.0,
                 normalized=False, wkwargs: dict | None = None, center: bool = True,
                 pad_mode: str = "reflect", onesided: bool = True,
                 return_complex: bool | None = None) -> None:
        super().__init__()
        _set_framing(self, n_fft, win_length, hop_length, window_fn, wkwargs)
        self.pad = pad
        self.power = power
        self.normalized = normalized
        self.center = center
        self.pad_mode = pad_mode
        self.onesided = onesided
        if return_complex is not None:
            warnings.warn("`return_complex` argument is now deprecated and is not effective."
                          "`torchaudio.transforms.Spectrogram(power=None)` always returns a "
                          "tensor with complex dtype. Please remove the argument in the function "
                          "call.")

    def forward(self, waveform: Tensor) -> Tensor:
        return F.spectrogram(waveform, self.pad, self.window, self.n_fft, self.hop_length,
                             self.win_length, self.power, self.normalized, self.center,
                             self.pad_mode, self.onesided)


class InverseSpectrogram(nn.Module):
    """Waveform from a complex spectrogram (..., freq, frames)."""

    def __init__(self, n_fft: int = 400, win_length: int | None = None,
                 hop_length: int | None = None, pad: int = 0,
                 window_fn: Callable[..., Tensor] = ember.hann_window, normalized=False,
                 wkwargs: dict | None = None, center: bool = True, pad_mode: str = "reflect",
                 onesided: bool = True) -> None:
        super().__init__()
        _set_framing(self, n_fft, win_length, hop_length, window_fn, wkwargs)
        self.pad = pad
        self.normalized = normalized
        self.center = center
        self.pad_mode = pad_mode
        self.onesided = onesided

    def forward(self, spectrogram: Tensor, length: int | None = None) -> Tensor:
        return F.inverse_spectrogram(spectrogram, length, self.pad, self.window, self.n_fft,
                                     self.hop_length, self.win_length, self.normalized,
                                     self.center, self.pad_mode, self.onesided)


class GriffinLim(nn.Module):
    """Waveform from a magnitude spectrogram by Griffin-Lim phase recovery."""

    def __init__(self, n_fft: int = 400, n_iter: int = 32, win_length: int | None = None,
                 hop_length: int | None = None,
                 window_fn: Callable[..., Tensor] = ember.hann_window, power: float = 2.0,
                 wkwargs: dict | None = None, momentum: float = 0.99, length: int | None = None,
                 rand_init: bool = True) -> None:
        super().__init__()
        if not 0 <= momentum < 1:
            raise ValueError(f"momentum must be in the range [0, 1). Found: {momentum}")
        self.n_iter = n_iter
        _set_framing(self, n_fft, win_length, hop_length, window_fn, wkwargs)
        self.length = length
        self.power = power
        self.momentum = momentum
        self.rand_init = rand_init

    def forward(self, specgram: Tensor) -> Tensor:
        return F.griffinlim(specgram, self.window, self.n_fft, self.hop_length, self.win_length,
                            self.power, self.n_iter, self.momentum, self.length, self.rand_init)


class AmplitudeToDB(nn.Module):
    """Power ("power") or amplitude ("magnitude") spectrogram to decibels, floored top_db below
    the maximum."""

    def __init__(self, stype: str = "power", top_db: float | None = None) -> None:
        super().__init__()
        self.stype = stype
        if top_db is not None and top_db < 0:
            raise ValueError("top_db must be positive value")
        self.top_db = top_db
        self.multiplier = 10.0 if stype == "power" else 20.0
        self.amin = 1e-10
        self.ref_value = 1.0
        self.db_multiplier = math.log10(max(self.amin, self.ref_value))

    def forward(self, x: Tensor) -> Tensor:
        return F.amplitude_to_DB(x, self.multiplier, self.amin, self.db_multiplier, self.top_db)


class MelScale(nn.Module):
    """Linear-frequency spectrogram (..., n_stft, time) to mel scale (..., n_mels, time)."""

    def __init__(self, n_mels: int = 128, sample_rate: int = 16000, f_min: float = 0.0,
                 f_max: float | None = None, n_stft: int = 201, norm: str | None = None,
                 mel_scale: str = "htk") -> None:
        super().__init__()
        self.n_mels = n_mels
        self.sample_rate = sample_rate
        self.f_max = f_max if f_max is not None else float(sample_rate // 2)
        self.f_min = f_min
        self.n_stft = n_stft
        self.norm = norm
        self.mel_scale = mel_scale
        if f_min > self.f_max:
            raise ValueError(f"Require f_min: {f_min} <= f_max: {self.f_max}")
        self.register_buffer("fb", F.melscale_fbanks(n_stft, f_min, self.f_max, n_mels,
                                                     sample_rate, norm, mel_scale))

    def forward(self, specgram: Tensor) -> Tensor:
        return ember.matmul(specgram.transpose(-1, -2), self.fb).transpose(-1, -2)


class InverseMelScale(nn.Module):
    """Mel spectrogram back to linear frequency: the non-negative least-squares solution."""

    def __init__(self, n_stft: int, n_mels: int = 128, sample_rate: int = 16000,
                 f_min: float = 0.0, f_max: float | None = None, norm: str | None = None,
                 mel_scale: str = "htk", driver: str = "gels") -> None:
        super().__init__()
        self.n_stft = n_stft
        self.n_mels = n_mels
        self.sample_rate = sample_rate
        self.f_max = f_max or float(sample_rate // 2)
        self.f_min = f_min
        self.norm = norm
        self.mel_scale = mel_scale
        self.driver = driver
        if f_min > self.f_max:
            raise ValueError(f"Require f_min: {f_min} <= f_max: {self.f_max}")
        if driver not in ("gels", "gelsy", "gelsd", "gelss"):
            raise ValueError('driver must be one of ["gels", "gelsy", "gelsd", "gelss"]. '
                             f"Found {driver}.")
        self.register_buffer("fb", F.melscale_fbanks(n_stft, f_min, self.f_max, n_mels,
                                                     sample_rate, norm, mel_scale))

    def forward(self, melspec: Tensor) -> Tensor:
        shape = melspec.size()
        melspec = melspec.view(-1, shape[-2], shape[-1])
        n_mels, time = shape[-2], shape[-1]
        freq = self.fb.size(0)
        if self.n_mels != n_mels:
            raise ValueError(f"Expected an input with {self.n_mels} mel bins. Found: {n_mels}")
        solution = ember.linalg.lstsq(self.fb.transpose(-1, -2)[None], melspec,
                                      driver=self.driver).solution
        return ember.relu(solution).view(shape[:-2] + (freq, time))


class MelSpectrogram(nn.Module):
    """Mel spectrogram of (..., time) audio: Spectrogram then MelScale."""

    def __init__(self, sample_rate: int = 16000, n_fft: int = 400, win_length: int | None = None,
                 hop_length: int | None = None, f_min: float = 0.0, f_max: float | None = None,
                 pad: int = 0, n_mels: int = 128,
                 window_fn: Callable[..., Tensor] = ember.hann_window, power: float = 2.0,
                 normalized: bool = False, wkwargs: dict | None = None, center: bool = True,
                 pad_mode: str = "reflect", onesided: bool | None = None,
                 norm: str | None = None, mel_scale: str = "htk") -> None:
        super().__init__()
        if onesided is not None:
            warnings.warn("Argument 'onesided' has been deprecated and has no influence on the "
                          "behavior of this module.")
        self.sample_rate = sample_rate
        self.n_fft = n_fft
        self.win_length = win_length if win_length is not None else n_fft
        self.hop_length = hop_length if hop_length is not None else self.win_length // 2
        self.pad = pad
        self.power = power
        self.normalized = normalized
        self.n_mels = n_mels
        self.f_max = f_max
        self.f_min = f_min
        self.spectrogram = Spectrogram(n_fft=n_fft, win_length=self.win_length,
                                       hop_length=self.hop_length, pad=pad, window_fn=window_fn,
                                       power=power, normalized=normalized, wkwargs=wkwargs,
                                       center=center, pad_mode=pad_mode, onesided=True)
        self.mel_scale = MelScale(n_mels, sample_rate, f_min, f_max, n_fft // 2 + 1, norm,
                                  mel_scale)

    def forward(self, waveform: Tensor) -> Tensor:
        return self.mel_scale(self.spectrogram(waveform))


def _cepstrum(specgram: Tensor, dct_mat: Tensor, to_db: nn.Module, log: bool) -> Tensor:
    """DCT of the log (log=True: log(x + 1e-6); else decibels) of a filter-bank spectrogram."""
    specgram = ember.log(specgram + 1e-6) if log else to_db(specgram)
    return ember.matmul(specgram.transpose(-1, -2), dct_mat).transpose(-1, -2)


class MFCC(nn.Module):
    """Mel-frequency cepstral coefficients: MelSpectrogram, decibels (or log), DCT-II."""

    def __init__(self, sample_rate: int = 16000, n_mfcc: int = 40, dct_type: int = 2,
                 norm: str = "ortho", log_mels: bool = False,
                 melkwargs: dict | None = None) -> None:
        super().__init__()
        if dct_type != 2:
            raise ValueError(f"DCT type not supported: {dct_type}")
        self.sample_rate = sample_rate
        self.n_mfcc = n_mfcc
        self.dct_type = dct_type
        self.norm = norm
        self.top_db = 80.0
        self.amplitude_to_DB = AmplitudeToDB("power", self.top_db)
        self.MelSpectrogram = MelSpectrogram(sample_rate=sample_rate, **(melkwargs or {}))
        if n_mfcc > self.MelSpectrogram.n_mels:
            raise ValueError("Cannot select more MFCC coefficients than # mel bins")
        self.register_buffer("dct_mat", F.create_dct(n_mfcc, self.MelSpectrogram.n_mels, norm))
        self.log_mels = log_mels

    def forward(self, waveform: Tensor) -> Tensor:
        return _cepstrum(self.MelSpectrogram(waveform), self.dct_mat, self.amplitude_to_DB,
                         self.log_mels)


class LFCC(nn.Module):
    """Linear-frequency cepstral coefficients: Spectrogram, linear filter bank, dB, DCT-II."""

    def __init__(self, sample_rate: int = 16000, n_filter: int = 128, f_min: float = 0.0,
                 f_max: float | None = None, n_lfcc: int = 40, dct_type: int = 2,
                 norm: str = "ortho", log_lf: bool = False,
                 speckwargs: dict | None = None) -> None:
        super().__init__()
        if dct_type != 2:
            raise ValueError(f"DCT type not supported: {dct_type}")
        self.sample_rate = sample_rate
        self.f_min = f_min
        self.f_max = f_max if f_max is not None else float(sample_rate // 2)
        self.n_filter = n_filter
        self.n_lfcc = n_lfcc
        self.dct_type = dct_type
        self.norm = norm
        self.top_db = 80.0
        self.amplitude_to_DB = AmplitudeToDB("power", self.top_db)
        self.Spectrogram = Spectrogram(**(speckwargs or {}))
        if n_lfcc > self.Spectrogram.n_fft:
            raise ValueError("Cannot select more LFCC coefficients than # fft bins")
        self.register_buffer("filter_mat", F.linear_fbanks(
            n_freqs=self.Spectrogram.n_fft // 2 + 1, f_min=f_min, f_max=self.f_max,
            n_filter=n_filter, sample_rate=sample_rate))
        self.register_buffer("dct_mat", F.create_dct(n_lfcc, n_filter, norm))
        self.log_lf = log_lf

    def forward(self, waveform: Tensor) -> Tensor:
        specgram = self.Spectrogram(waveform)
        specgram = ember.matmul(specgram.transpose(-1, -2), self.filter_mat).transpose(-1, -2)
        return _cepstrum(specgram, self.dct_mat, self.amplitude_to_DB, self.log_lf)


class TimeStretch(nn.Module):
    """Stretch a complex spectrogram in time by a rate, keeping pitch (phase vocoder)."""

    def __init__(self, hop_length: int | None = None, n_freq: int = 201,
                 fixed_rate: float | None = None) -> None:
        super().__init__()
        self.fixed_rate = fixed_rate
        n_fft = (n_freq - 1) * 2
        hop_length = hop_length if hop_length is not None else n_fft // 2
        self.register_buffer("phase_advance",
                             ember.linspace(0, math.pi * hop_length, n_freq)[..., None])

    def forward(self, complex_specgrams: Tensor, overriding_rate: float | None = None) -> Tensor:
        if not ember.is_complex(complex_specgrams):
            warnings.warn("The input to TimeStretch must be complex type. Providing non-complex "
                          "tensor produces invalid results.", stacklevel=4)
        rate = overriding_rate if overriding_rate is not None else self.fixed_rate
        if rate is None:
            raise ValueError("If no fixed_rate is specified, must pass a valid rate to the "
                             "forward method.")
        return F.phase_vocoder(complex_specgrams, rate, self.phase_advance)


class SpectralCentroid(nn.Module):
    """Magnitude-weighted mean frequency of each frame of (..., time) audio."""

    def __init__(self, sample_rate: int, n_fft: int = 400, win_length: int | None = None,
                 hop_length: int | None = None, pad: int = 0,
                 window_fn: Callable[..., Tensor] = ember.hann_window,
                 wkwargs: dict | None = None) -> None:
        super().__init__()
        self.sample_rate = sample_rate
        _set_framing(self, n_fft, win_length, hop_length, window_fn, wkwargs)
        self.pad = pad

    def forward(self, waveform: Tensor) -> Tensor:
        return F.spectral_centroid(waveform, self.sample_rate, self.pad, self.window, self.n_fft,
                                   self.hop_length, self.win_length)


class PitchShift(LazyModuleMixin, nn.Module):
    """Shift the pitch by n_steps / bins_per_octave octaves; the resampling `kernel` is a lazy
    parameter made on the first call (in the input's dtype), as torchaudio's."""

    def __init__(self, sample_rate: int, n_steps: int, bins_per_octave: int = 12,
                 n_fft: int = 512, win_length: int | None = None, hop_length: int | None = None,
                 window_fn: Callable[..., Tensor] = ember.hann_window,
                 wkwargs: dict | None = None) -> None:
        super().__init__()
        self.n_steps = n_steps
        self.bins_per_octave = bins_per_octave
        self.sample_rate = sample_rate
        _set_framing(self, n_fft, win_length, hop_length, window_fn, wkwargs, hop_divisor=4)
        rate = 2.0 ** (-float(n_steps) / bins_per_octave)
        self.orig_freq = int(sample_rate / rate)
        self.gcd = math.gcd(int(self.orig_freq), int(sample_rate))
        if self.orig_freq != sample_rate:
            self.width = -1
            self.kernel = UninitializedParameter(device=None, dtype=None)

    def initialize_parameters(self, input: Tensor) -> None:
        if self.has_uninitialized_params() and self.orig_freq != self.sample_rate:
            with ember.no_grad():
                kernel, self.width = _get_sinc_resample_kernel(
                    self.orig_freq, self.sample_rate, self.gcd, dtype=input.dtype)
                self.kernel.materialize(kernel.shape)
                self.kernel.copy_(kernel)

    def forward(self, waveform: Tensor) -> Tensor:
        shape = waveform.size()
        stretched = _stretch_waveform(waveform, self.n_steps, self.bins_per_octave, self.n_fft,
                                      self.win_length, self.hop_length, self.window)
        if self.orig_freq == self.sample_rate:
            return _fix_waveform_shape(stretched, shape)
        shifted = _apply_sinc_resample_kernel(stretched, self.orig_freq, self.sample_rate,
                                              self.gcd, self.kernel, self.width)
        return _fix_waveform_shape(shifted, shape)
