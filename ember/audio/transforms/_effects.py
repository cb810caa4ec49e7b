"""torchaudio.transforms' waveform and augmentation modules: resampling, speed, fades, volume,
masking (SpecAugment), deltas, CMN, mu-law, emphasis, noise and convolution."""
from __future__ import annotations

import math
from collections.abc import Sequence

import ember
from ember import Tensor, nn

from .. import functional as F
from ..functional.functional import (
    _apply_sinc_resample_kernel,
    _check_convolve_args,
    _get_sinc_resample_kernel,
)


class Resample(nn.Module):
    """Band-limited resampling from orig_freq to new_freq with a precomputed `kernel` buffer."""

    def __init__(self, orig_freq: int = 16000, new_freq: int = 16000,
                 resampling_method: str = "sinc_interp_hann", lowpass_filter_width: int = 6,
                 rolloff: float = 0.99, beta: float | None = None, *, dtype=None) -> None:
        super().__init__()
        self.orig_freq = orig_freq
        self.new_freq = new_freq
        self.gcd = math.gcd(int(orig_freq), int(new_freq))
        self.resampling_method = resampling_method
        self.lowpass_filter_width = lowpass_filter_width
        self.rolloff = rolloff
        self.beta = beta
        if orig_freq != new_freq:
            kernel, self.width = _get_sinc_resample_kernel(
                orig_freq, new_freq, self.gcd, lowpass_filter_width, rolloff, resampling_method,
                beta, dtype=dtype)
            self.register_buffer("kernel", kernel)

    def forward(self, waveform: Tensor) -> Tensor:
        if self.orig_freq == self.new_freq:
            return waveform
        return _apply_sinc_resample_kernel(waveform, self.orig_freq, self.new_freq, self.gcd,
                                           self.kernel, self.width)


class Speed(nn.Module):
    """Change speed (and pitch) by `factor` by resampling; lengths scale with it."""

    def __init__(self, orig_freq, factor) -> None:
        super().__init__()
        self.orig_freq = orig_freq
        self.factor = factor
        source, target = int(factor * orig_freq), int(orig_freq)
        gcd = math.gcd(source, target)
        self.source_sample_rate, self.target_sample_rate = source // gcd, target // gcd
        self.resampler = Resample(orig_freq=self.source_sample_rate,
                                  new_freq=self.target_sample_rate)

    def forward(self, waveform: Tensor, lengths: Tensor | None = None):
        out_lengths = None
        if lengths is not None:
            out_lengths = ember.ceil(lengths * self.target_sample_rate
                                     / self.source_sample_rate).to(lengths.dtype)
        return self.resampler(waveform), out_lengths


class SpeedPerturbation(nn.Module):
    """Speed by one of `factors`, drawn uniformly per call."""

    def __init__(self, orig_freq: int, factors: Sequence[float]) -> None:
        super().__init__()
        self.speeders = nn.ModuleList([Speed(orig_freq=orig_freq, factor=f) for f in factors])

    def forward(self, waveform: Tensor, lengths: Tensor | None = None):
        return self.speeders[int(ember.randint(len(self.speeders), ()))](waveform, lengths)


class Fade(nn.Module):
    """Fade in and out over fade_in_len / fade_out_len samples with the given shape."""

    def __init__(self, fade_in_len: int = 0, fade_out_len: int = 0,
                 fade_shape: str = "linear") -> None:
        super().__init__()
        self.fade_in_len = fade_in_len
        self.fade_out_len = fade_out_len
        self.fade_shape = fade_shape

    def forward(self, waveform: Tensor) -> Tensor:
        length = waveform.size()[-1]
        return self._fade_in(length) * self._fade_out(length) * waveform

    def _fade_in(self, waveform_length: int) -> Tensor:
        fade = ember.linspace(0, 1, self.fade_in_len)
        shapes = {
            "linear": lambda f: f,
            "exponential": lambda f: ember.pow(2, f - 1) * f,
            "logarithmic": lambda f: ember.log10(0.1 + f) + 1,
            "quarter_sine": lambda f: ember.sin(f * math.pi / 2),
            "half_sine": lambda f: ember.sin(f * math.pi - math.pi / 2) / 2 + 0.5,
        }
        fade = shapes.get(self.fade_shape, lambda f: f)(fade)
        ones = ember.ones(waveform_length - self.fade_in_len)
        return ember.cat((fade, ones)).clamp(0, 1)

    def _fade_out(self, waveform_length: int) -> Tensor:
        fade = ember.linspace(0, 1, self.fade_out_len)
        shapes = {
            "linear": lambda f: -f + 1,
            "exponential": lambda f: ember.pow(2, -f) * (1 - f),
            "logarithmic": lambda f: ember.log10(1.1 - f) + 1,
            "quarter_sine": lambda f: ember.sin(f * math.pi / 2 + math.pi / 2),
            "half_sine": lambda f: ember.sin(f * math.pi + math.pi / 2) / 2 + 0.5,
        }
        fade = shapes.get(self.fade_shape, lambda f: f)(fade)
        ones = ember.ones(waveform_length - self.fade_out_len)
        return ember.cat((ones, fade)).clamp(0, 1)


class Vol(nn.Module):
    """Scale by `gain` (amplitude ratio, power ratio or dB), then clamp to [-1, 1]."""

    def __init__(self, gain: float, gain_type: str = "amplitude"):
        super().__init__()
        self.gain = gain
        self.gain_type = gain_type
        if gain_type in ("amplitude", "power") and gain < 0:
            raise ValueError("If gain_type = amplitude or power, gain must be positive.")

    def forward(self, waveform: Tensor) -> Tensor:
        if self.gain_type == "amplitude":
            waveform = waveform * self.gain
        if self.gain_type == "db":
            waveform = F.gain(waveform, self.gain)
        if self.gain_type == "power":
            waveform = F.gain(waveform, 10 * math.log10(self.gain))
        return ember.clamp(waveform, -1, 1)


class _AxisMasking(nn.Module):
    """Mask a random band along frequency (axis 1) or time (axis 2) of (..., freq, time)."""

    def __init__(self, mask_param: int, axis: int, iid_masks: bool, p: float = 1.0) -> None:
        super().__init__()
        self.mask_param = mask_param
        self.axis = axis
        self.iid_masks = iid_masks
        self.p = p

    def forward(self, specgram: Tensor, mask_value=0.0) -> Tensor:
        axis = self.axis + specgram.dim() - 3
        if self.iid_masks:
            return F.mask_along_axis_iid(specgram, self.mask_param, mask_value, axis, p=self.p)
        value = float(mask_value) if isinstance(mask_value, Tensor) else mask_value
        return F.mask_along_axis(specgram, self.mask_param, value, axis, p=self.p)


class FrequencyMasking(_AxisMasking):
    """SpecAugment's frequency masking: up to freq_mask_param consecutive bins."""

    def __init__(self, freq_mask_param: int, iid_masks: bool = False) -> None:
        super().__init__(freq_mask_param, 1, iid_masks)


class TimeMasking(_AxisMasking):
    """SpecAugment's time masking: up to time_mask_param consecutive frames (at most p of them)."""

    def __init__(self, time_mask_param: int, iid_masks: bool = False, p: float = 1.0) -> None:
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"The value of p must be between 0.0 and 1.0 ({p} given).")
        super().__init__(time_mask_param, 2, iid_masks, p=p)


class SpecAugment(nn.Module):
    """n_time_masks time masks then n_freq_masks frequency masks, with the mean (or 0) value."""

    def __init__(self, n_time_masks: int, time_mask_param: int, n_freq_masks: int,
                 freq_mask_param: int, iid_masks: bool = True, p: float = 1.0,
                 zero_masking: bool = False) -> None:
        super().__init__()
        self.n_time_masks = n_time_masks
        self.time_mask_param = time_mask_param
        self.n_freq_masks = n_freq_masks
        self.freq_mask_param = freq_mask_param
        self.iid_masks = iid_masks
        self.p = p
        self.zero_masking = zero_masking

    def forward(self, specgram: Tensor) -> Tensor:
        value = 0.0 if self.zero_masking else specgram.mean()
        time_dim = specgram.dim() - 1
        mask = F.mask_along_axis_iid if specgram.dim() > 2 and self.iid_masks is True \
            else F.mask_along_axis
        for _ in range(self.n_time_masks):
            specgram = mask(specgram, self.time_mask_param, value, time_dim, p=self.p)
        for _ in range(self.n_freq_masks):
            specgram = mask(specgram, self.freq_mask_param, value, time_dim - 1, p=self.p)
        return specgram


class ComputeDeltas(nn.Module):
    """Delta coefficients of a spectrogram along time."""

    def __init__(self, win_length: int = 5, mode: str = "replicate") -> None:
        super().__init__()
        self.win_length = win_length
        self.mode = mode

    def forward(self, specgram: Tensor) -> Tensor:
        return F.compute_deltas(specgram, win_length=self.win_length, mode=self.mode)


class SlidingWindowCmn(nn.Module):
    """Sliding-window cepstral mean (and variance) normalisation."""

    def __init__(self, cmn_window: int = 600, min_cmn_window: int = 100, center: bool = False,
                 norm_vars: bool = False) -> None:
        super().__init__()
        self.cmn_window = cmn_window
        self.min_cmn_window = min_cmn_window
        self.center = center
        self.norm_vars = norm_vars

    def forward(self, specgram: Tensor) -> Tensor:
        return F.sliding_window_cmn(specgram, self.cmn_window, self.min_cmn_window, self.center,
                                    self.norm_vars)


class MuLawEncoding(nn.Module):
    """Mu-law companding to integer codes."""

    def __init__(self, quantization_channels: int = 256) -> None:
        super().__init__()
        self.quantization_channels = quantization_channels

    def forward(self, x: Tensor) -> Tensor:
        return F.mu_law_encoding(x, self.quantization_channels)


class MuLawDecoding(nn.Module):
    """Mu-law codes back to a signal in [-1, 1]."""

    def __init__(self, quantization_channels: int = 256) -> None:
        super().__init__()
        self.quantization_channels = quantization_channels

    def forward(self, x_mu: Tensor) -> Tensor:
        return F.mu_law_decoding(x_mu, self.quantization_channels)


class AddNoise(nn.Module):
    """Add noise at a given signal-to-noise ratio (dB)."""

    def forward(self, waveform: Tensor, noise: Tensor, snr: Tensor,
                lengths: Tensor | None = None) -> Tensor:
        return F.add_noise(waveform, noise, snr, lengths)


class Preemphasis(nn.Module):
    """y[n] = x[n] - coeff * x[n - 1]."""

    def __init__(self, coeff: float = 0.97) -> None:
        super().__init__()
        self.coeff = coeff

    def forward(self, waveform: Tensor) -> Tensor:
        return F.preemphasis(waveform, coeff=self.coeff)


class Deemphasis(nn.Module):
    """y[n] = x[n] + coeff * y[n - 1]."""

    def __init__(self, coeff: float = 0.97) -> None:
        super().__init__()
        self.coeff = coeff

    def forward(self, waveform: Tensor) -> Tensor:
        return F.deemphasis(waveform, coeff=self.coeff)


class Convolve(nn.Module):
    """Direct 1-d convolution of the last dimensions ("full", "valid" or "same")."""

    def __init__(self, mode: str = "full") -> None:
        _check_convolve_args(ember.zeros(1), ember.zeros(1), mode)
        super().__init__()
        self.mode = mode

    def forward(self, x: Tensor, y: Tensor) -> Tensor:
        return F.convolve(x, y, mode=self.mode)


class FFTConvolve(nn.Module):
    """1-d convolution of the last dimensions through the FFT."""

    def __init__(self, mode: str = "full") -> None:
        _check_convolve_args(ember.zeros(1), ember.zeros(1), mode)
        super().__init__()
        self.mode = mode

    def forward(self, x: Tensor, y: Tensor) -> Tensor:
        return F.fftconvolve(x, y, mode=self.mode)


class Loudness(nn.Module):
    """Integrated loudness (LKFS) after ITU-R BS.1770-4."""

    def __init__(self, sample_rate: int):
        super().__init__()
        self.sample_rate = sample_rate

    def forward(self, wavefrom: Tensor) -> Tensor:
        return F.loudness(wavefrom, self.sample_rate)
