"""torchaudio.functional's feature functions: spectrograms (over ember.stft), filter banks, DCT,
decibels, mu-law, masking, deltas, CMN and band-limited resampling. Written in ember ops, so
gradients flow wherever torchaudio's do."""
from __future__ import annotations

import math
import warnings

import numpy as np

import ember
import ember.nn.functional as F
from ember import Tensor

from .filtering import highpass_biquad, treble_biquad

# ---- spectrograms -----------------------------------------------------------------------------


def _get_spec_norms(normalized) -> tuple[bool, bool]:
    """(frame_length_norm, window_norm) from `normalized`: a bool or "frame_length"/"window"."""
    if isinstance(normalized, str):
        if normalized not in ("frame_length", "window"):
            raise ValueError(f"Invalid normalized parameter: {normalized}")
        return normalized == "frame_length", normalized == "window"
    if isinstance(normalized, bool):
        return False, normalized
    raise TypeError("Input type not supported")


def spectrogram(waveform: Tensor, pad: int, window: Tensor, n_fft: int, hop_length: int,
                win_length: int, power: float | None, normalized, center: bool = True,
                pad_mode: str = "reflect", onesided: bool = True,
                return_complex: bool | None = None) -> Tensor:
    """|STFT|**power of (..., time) -> (..., freq, frames); complex STFT when power is None."""
    if return_complex is not None:
        warnings.warn("`return_complex` argument is now deprecated and is not effective."
                      "`torchaudio.functional.spectrogram(power=None)` always returns a tensor "
                      "with complex dtype. Please remove the argument in the function call.")
    if pad > 0:
        waveform = F.pad(waveform, (pad, pad), "constant")
    frame_length_norm, window_norm = _get_spec_norms(normalized)
    shape = waveform.size()
    spec = ember.stft(waveform.reshape(-1, shape[-1]), n_fft=n_fft, hop_length=hop_length,
                      win_length=win_length, window=window, center=center, pad_mode=pad_mode,
                      normalized=frame_length_norm, onesided=onesided, return_complex=True)
    spec = spec.reshape(shape[:-1] + spec.shape[-2:])
    if window_norm:
        spec = spec * window.pow(2.0).sum().rsqrt()
    if power is None:
        return spec
    return spec.abs() if power == 1.0 else spec.abs().pow(power)


def inverse_spectrogram(spectrogram: Tensor, length: int | None, pad: int, window: Tensor,
                        n_fft: int, hop_length: int, win_length: int, normalized,
                        center: bool = True, pad_mode: str = "reflect",
                        onesided: bool = True) -> Tensor:
    """Waveform (..., time) from a complex spectrogram (..., freq, frames) via ember.istft."""
    frame_length_norm, window_norm = _get_spec_norms(normalized)
    if not spectrogram.is_complex():
        raise ValueError("Expected `spectrogram` to be complex dtype.")
    if window_norm:
        spectrogram = spectrogram * window.pow(2.0).sum().sqrt()
    shape = spectrogram.size()
    waveform = ember.istft(spectrogram.reshape(-1, shape[-2], shape[-1]), n_fft=n_fft,
                           hop_length=hop_length, win_length=win_length, window=window,
                           center=center, normalized=frame_length_norm, onesided=onesided,
                           length=length + 2 * pad if length is not None else None,
                           return_complex=False)
    if length is not None and pad > 0:
        waveform = waveform[:, pad:-pad]
    return waveform.reshape(shape[:-2] + waveform.shape[-1:])


def _get_complex_dtype(real_dtype):
    if real_dtype == ember.float64:
        return ember.complex128
    if real_dtype == ember.float32:
        return ember.complex64
    raise ValueError(f"Unexpected dtype {real_dtype}")


def griffinlim(specgram: Tensor, window: Tensor, n_fft: int, hop_length: int, win_length: int,
               power: float, n_iter: int, momentum: float, length: int | None,
               rand_init: bool) -> Tensor:
    """Waveform from a magnitude spectrogram by Griffin-Lim phase recovery (with momentum)."""
    if not 0 <= momentum < 1:
        raise ValueError(f"momentum must be in range [0, 1). Found: {momentum}")
    momentum = momentum / (1 + momentum)
    shape = specgram.size()
    specgram = specgram.reshape([-1] + list(shape[-2:])).pow(1 / power)
    cdtype = _get_complex_dtype(specgram.dtype)
    if rand_init:  # torch.rand of a complex dtype fills real and imaginary parts in turn
        angles = ember.view_as_complex(ember.rand(list(specgram.size()) + [2],
                                                  dtype=specgram.dtype))
    else:
        angles = ember.full(specgram.size(), 1, dtype=cdtype)
    previous = ember.tensor(0.0, dtype=specgram.dtype)
    stft_args = {"n_fft": n_fft, "hop_length": hop_length, "win_length": win_length,
                 "window": window}
    for _ in range(n_iter):
        inverse = ember.istft(specgram * angles, length=length, **stft_args)
        rebuilt = ember.stft(inverse, center=True, pad_mode="reflect", normalized=False,
                             onesided=True, return_complex=True, **stft_args)
        angles = rebuilt
        if momentum:
            angles = angles - previous.mul_(momentum)
        angles = angles * angles.abs().add(1e-16).reciprocal()
        previous = rebuilt
    waveform = ember.istft(specgram * angles, length=length, **stft_args)
    return waveform.reshape(shape[:-2] + waveform.shape[-1:])


def phase_vocoder(complex_specgrams: Tensor, rate: float, phase_advance: Tensor) -> Tensor:
    """Speed a complex spectrogram (..., freq, frames) up by `rate` without changing pitch."""
    if rate == 1.0:
        return complex_specgrams
    shape = complex_specgrams.size()
    spec = complex_specgrams.reshape([-1] + list(shape[-2:]))
    steps = ember.arange(0, spec.size(-1), rate, dtype=ember.real(spec).dtype)
    alphas = steps % 1.0
    phase_0 = spec[..., :1].angle()
    spec = F.pad(spec, [0, 2])
    spec_0 = spec.index_select(-1, steps.long())
    spec_1 = spec.index_select(-1, (steps + 1).long())
    phase = spec_1.angle() - spec_0.angle() - phase_advance
    phase = phase - 2 * math.pi * ember.round(phase / (2 * math.pi)) + phase_advance
    phase = ember.cat([phase_0, phase[..., :-1]], dim=-1)
    magnitude = alphas * spec_1.abs() + (1 - alphas) * spec_0.abs()
    stretched = ember.polar(magnitude, ember.cumsum(phase, -1))
    return stretched.reshape(shape[:-2] + stretched.shape[1:])


def spectral_centroid(waveform: Tensor, sample_rate: int, pad: int, window: Tensor, n_fft: int,
                      hop_length: int, win_length: int) -> Tensor:
    """Magnitude-weighted mean frequency of each frame: (..., time) -> (..., frames)."""
    specgram = spectrogram(waveform, pad=pad, window=window, n_fft=n_fft, hop_length=hop_length,
                           win_length=win_length, power=1.0, normalized=False)
    freqs = ember.linspace(0, sample_rate // 2, steps=1 + n_fft // 2).reshape((-1, 1))
    return (freqs * specgram).sum(dim=-2) / specgram.sum(dim=-2)


# ---- decibels and mu-law ----------------------------------------------------------------------


def amplitude_to_DB(x: Tensor, multiplier: float, amin: float, db_multiplier: float,
                    top_db: float | None = None) -> Tensor:
    """multiplier * log10(max(x, amin)) - multiplier * db_multiplier, floored top_db below max."""
    x_db = multiplier * ember.log10(ember.clamp(x, min=amin))
    x_db = x_db - multiplier * db_multiplier
    if top_db is None:
        return x_db
    shape = x_db.size()  # the floor is per clip: per (..., freq, time) of a 4-d+ batch
    channels = shape[-3] if x_db.dim() > 2 else 1
    x_db = x_db.reshape(-1, channels, shape[-2], shape[-1])
    floor = (x_db.amax(dim=(-3, -2, -1)) - top_db).view(-1, 1, 1, 1)
    return ember.max(x_db, floor).reshape(shape)


def DB_to_amplitude(x: Tensor, ref: float, power: float) -> Tensor:
    """ref * (10 ** (x / 10)) ** power: the inverse of amplitude_to_DB."""
    return ref * ember.pow(ember.pow(10.0, 0.1 * x), power)


def mu_law_encoding(x: Tensor, quantization_channels: int) -> Tensor:
    """Mu-law companding of a signal in [-1, 1] to int64 codes in [0, quantization_channels)."""
    mu = quantization_channels - 1.0
    if not x.is_floating_point():
        warnings.warn("The input Tensor must be of floating type.             This will be an "
                      "error in the v0.12 release.")
        x = x.to(ember.float)
    mu = ember.tensor(mu, dtype=x.dtype)
    x_mu = ember.sign(x) * ember.log1p(mu * ember.abs(x)) / ember.log1p(mu)
    return ((x_mu + 1) / 2 * mu + 0.5).to(ember.int64)


def mu_law_decoding(x_mu: Tensor, quantization_channels: int) -> Tensor:
    """Signal in [-1, 1] from mu-law codes."""
    mu = quantization_channels - 1.0
    if not x_mu.is_floating_point():
        x_mu = x_mu.to(ember.float)
    mu = ember.tensor(mu, dtype=x_mu.dtype)
    x = (x_mu / mu) * 2 - 1.0
    return ember.sign(x) * (ember.exp(ember.abs(x) * ember.log1p(mu)) - 1.0) / mu


# ---- filter banks and DCT ---------------------------------------------------------------------


def _hz_to_mel(freq: float, mel_scale: str = "htk") -> float:
    if mel_scale not in ("slaney", "htk"):
        raise ValueError('mel_scale should be one of "htk" or "slaney".')
    if mel_scale == "htk":
        return 2595.0 * math.log10(1.0 + freq / 700.0)
    f_sp = 200.0 / 3  # Slaney: linear below 1 kHz, logarithmic above
    if freq < 1000.0:
        return freq / f_sp
    return 1000.0 / f_sp + math.log(freq / 1000.0) / (math.log(6.4) / 27.0)


def _mel_to_hz(mels: Tensor, mel_scale: str = "htk") -> Tensor:
    if mel_scale not in ("slaney", "htk"):
        raise ValueError('mel_scale should be one of "htk" or "slaney".')
    if mel_scale == "htk":
        return 700.0 * (10.0 ** (mels / 2595.0) - 1.0)
    f_sp = 200.0 / 3
    min_log_mel = 1000.0 / f_sp
    log_part = 1000.0 * ember.exp(math.log(6.4) / 27.0 * (mels - min_log_mel))
    return ember.where(mels >= min_log_mel, log_part, f_sp * mels)


def _create_triangular_filterbank(all_freqs: Tensor, f_pts: Tensor) -> Tensor:
    """(n_freqs, n_filter) triangles rising from f_pts[i] to f_pts[i+1], falling to f_pts[i+2]."""
    f_diff = f_pts[1:] - f_pts[:-1]
    slopes = f_pts.unsqueeze(0) - all_freqs.unsqueeze(1)
    down = (-1.0 * slopes[:, :-2]) / f_diff[:-1]
    up = slopes[:, 2:] / f_diff[1:]
    return ember.max(ember.zeros(1), ember.min(down, up))


def melscale_fbanks(n_freqs: int, f_min: float, f_max: float, n_mels: int, sample_rate: int,
                    norm: str | None = None, mel_scale: str = "htk") -> Tensor:
    """Triangular mel filter bank (n_freqs, n_mels); spec (..., time, freq) @ fb -> mels."""
    if norm is not None and norm != "slaney":
        raise ValueError('norm must be one of None or "slaney"')
    all_freqs = ember.linspace(0, sample_rate // 2, n_freqs)
    m_min = _hz_to_mel(f_min, mel_scale=mel_scale)
    m_max = _hz_to_mel(f_max, mel_scale=mel_scale)
    f_pts = _mel_to_hz(ember.linspace(m_min, m_max, n_mels + 2), mel_scale=mel_scale)
    fb = _create_triangular_filterbank(all_freqs, f_pts)
    if norm == "slaney":  # area normalisation: constant energy per channel
        fb = fb * (2.0 / (f_pts[2:n_mels + 2] - f_pts[:n_mels])).unsqueeze(0)
    if bool((fb.max(dim=0).values == 0.0).any()):
        warnings.warn("At least one mel filterbank has all zero values. "
                      f"The value for `n_mels` ({n_mels}) may be set too high. "
                      f"Or, the value for `n_freqs` ({n_freqs}) may be set too low.")
    return fb


def linear_fbanks(n_freqs: int, f_min: float, f_max: float, n_filter: int,
                  sample_rate: int) -> Tensor:
    """Triangular filter bank (n_freqs, n_filter) with linearly spaced centres."""
    all_freqs = ember.linspace(0, sample_rate // 2, n_freqs)
    return _create_triangular_filterbank(all_freqs, ember.linspace(f_min, f_max, n_filter + 2))


def create_dct(n_mfcc: int, n_mels: int, norm: str | None) -> Tensor:
    """DCT-II matrix (n_mels, n_mfcc), "ortho"-normalised or scaled by 2 (norm=None)."""
    if norm is not None and norm != "ortho":
        raise ValueError('norm must be either "ortho" or None')
    n = ember.arange(float(n_mels))
    k = ember.arange(float(n_mfcc)).unsqueeze(1)
    dct = ember.cos(math.pi / float(n_mels) * (n + 0.5) * k)
    if norm is None:
        return (dct * 2.0).t()
    first_row = ember.tensor([1.0 / math.sqrt(2.0)] + [1.0] * (n_mfcc - 1)).unsqueeze(1)
    return (dct * first_row * math.sqrt(2.0 / float(n_mels))).t()


# ---- masking (SpecAugment) --------------------------------------------------------------------


def _check_mask_args(dim: int, axis: int, p: float) -> None:
    if axis not in (dim - 2, dim - 1):
        raise ValueError("Only Frequency and Time masking are supported"
                         f" (axis {dim - 2} and axis {dim - 1} supported; {axis} given).")
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"The value of p must be between 0.0 and 1.0 ({p} given).")


def _get_mask_param(mask_param: int, p: float, axis_length: int) -> int:
    return mask_param if p == 1.0 else min(mask_param, int(axis_length * p))


def mask_along_axis_iid(specgrams: Tensor, mask_param: int, mask_value, axis: int,
                        p: float = 1.0) -> Tensor:
    """Mask [v0, v0 + v) along `axis`, v ~ U(0, mask_param), drawn per example (dims 0..-3)."""
    dim = specgrams.dim()
    if dim < 3:
        raise ValueError(f"Spectrogram must have at least three dimensions ({dim} given).")
    _check_mask_args(dim, axis, p)
    mask_param = _get_mask_param(mask_param, p, specgrams.shape[axis])
    if mask_param < 1:
        return specgrams
    dtype = specgrams.dtype
    value = ember.rand(specgrams.shape[:dim - 2], dtype=dtype) * mask_param
    min_value = ember.rand(specgrams.shape[:dim - 2], dtype=dtype) * (specgrams.size(axis) - value)
    start = min_value.long()[..., None, None]
    end = (min_value.long() + value.long())[..., None, None]
    index = ember.arange(0, specgrams.size(axis), dtype=dtype)
    mask = (index >= start) & (index < end)
    specgrams = specgrams.transpose(axis, -1)
    if isinstance(mask_value, Tensor):
        specgrams = ember.where(mask, mask_value.repeat(specgrams.shape), specgrams)
    else:
        specgrams = specgrams.masked_fill(mask, mask_value)
    return specgrams.transpose(axis, -1)


def mask_along_axis(specgram: Tensor, mask_param: int, mask_value: float, axis: int,
                    p: float = 1.0) -> Tensor:
    """Mask [v0, v0 + v) along `axis`, one interval shared by the whole batch."""
    dim = specgram.dim()
    if dim < 2:
        raise ValueError("Spectrogram must have at least two dimensions (time and frequency) "
                         f"({dim} given).")
    _check_mask_args(dim, axis, p)
    mask_param = _get_mask_param(mask_param, p, specgram.shape[axis])
    if mask_param < 1:
        return specgram
    shape = specgram.size()
    specgram = specgram.reshape([-1] + list(shape[-2:]))
    packed_axis = axis - dim + 3
    value = ember.rand(1) * mask_param
    min_value = ember.rand(1) * (specgram.size(packed_axis) - value)
    start = min_value.long().squeeze()
    end = (min_value.long() + value.long()).squeeze()
    index = ember.arange(0, specgram.shape[packed_axis], dtype=specgram.dtype)
    mask = (index >= start) & (index < end)
    if axis == dim - 2:
        mask = mask.unsqueeze(-1)
    if end - start >= mask_param:
        raise ValueError("Number of columns to be masked should be less than mask_param")
    specgram = specgram.masked_fill(mask, mask_value)
    return specgram.reshape(shape[:-2] + specgram.shape[-2:])


# ---- deltas and normalisation -----------------------------------------------------------------


def compute_deltas(specgram: Tensor, win_length: int = 5, mode: str = "replicate") -> Tensor:
    """d_t = sum_n n (c_{t+n} - c_{t-n}) / (2 sum_n n^2), n = 1..(win_length-1)//2, along time."""
    shape = specgram.size()
    specgram = specgram.reshape(1, -1, shape[-1])
    if win_length < 3:
        raise ValueError("Window length should be greater than or equal to 3. "
                         f"Found win_length {win_length}")
    n = (win_length - 1) // 2
    denom = n * (n + 1) * (2 * n + 1) / 3
    specgram = F.pad(specgram, (n, n), mode=mode)
    kernel = ember.arange(-n, n + 1, 1, dtype=specgram.dtype).repeat(specgram.shape[1], 1, 1)
    return (F.conv1d(specgram, kernel, groups=specgram.shape[1]) / denom).reshape(shape)


def sliding_window_cmn(specgram: Tensor, cmn_window: int = 600, min_cmn_window: int = 100,
                       center: bool = False, norm_vars: bool = False) -> Tensor:
    """Kaldi's sliding-window cepstral mean (and variance) normalisation of (..., time, feat):
    window sums are differences of running sums."""
    input_shape = specgram.shape
    num_frames, num_feats = input_shape[-2:]
    x = specgram.reshape(-1, num_frames, num_feats)
    bounds = [_cmn_window(t, num_frames, cmn_window, min_cmn_window, center)
              for t in range(num_frames)]
    starts = ember.tensor([b[0] for b in bounds])
    ends = ember.tensor([b[1] for b in bounds])
    counts = (ends - starts).to(x.dtype)[:, None]

    def window_sums(values: Tensor) -> Tensor:
        running = F.pad(ember.cumsum(values, dim=1), (0, 0, 1, 0))
        return running.index_select(1, ends) - running.index_select(1, starts)

    mean = window_sums(x) / counts
    out = x - mean
    if norm_vars:
        variance = window_sums(x * x) / counts - mean * mean
        out = ember.where(counts == 1, ember.zeros(()), out * variance.pow(-0.5))
    out = out.reshape(input_shape[:-2] + (num_frames, num_feats))
    return out.squeeze(0) if len(input_shape) == 2 else out


def _cmn_window(t: int, num_frames: int, cmn_window: int, min_cmn_window: int,
                center: bool) -> tuple[int, int]:
    """Kaldi's [start, end) frames averaged for frame t."""
    if center:
        start = t - cmn_window // 2
        end = start + cmn_window
    else:
        start, end = t - cmn_window, t + 1
    if start < 0:
        end -= start
        start = 0
    if not center and end > t:
        end = max(t + 1, min_cmn_window)
    if end > num_frames:
        start = max(start - (end - num_frames), 0)
        end = num_frames
    return start, end


# ---- resampling -------------------------------------------------------------------------------


def _get_sinc_resample_kernel(orig_freq: int, new_freq: int, gcd: int,
                              lowpass_filter_width: int = 6, rolloff: float = 0.99,
                              resampling_method: str = "sinc_interp_hann",
                              beta: float | None = None, device=None, dtype=None):
    """Windowed-sinc polyphase kernels (new_freq, 1, 2 * width + orig_freq) and width."""
    if not (int(orig_freq) == orig_freq and int(new_freq) == new_freq):
        raise Exception(  # noqa: TRY002 - torchaudio raises a bare Exception here
            "Frequencies must be of integer type to ensure quality resampling computation. To "
            "work around this, manually convert both frequencies to integer values that "
            "maintain their resampling rate ratio before passing them into the function.")
    aliases = {"sinc_interpolation": "sinc_interp_hann", "kaiser_window": "sinc_interp_kaiser"}
    if resampling_method in aliases:
        warnings.warn(f'"{resampling_method}" resampling method name is being deprecated and '
                      f'replaced by "{aliases[resampling_method]}" in the next release. The '
                      "default behavior remains unchanged.", stacklevel=3)
    elif resampling_method not in ("sinc_interp_hann", "sinc_interp_kaiser"):
        raise ValueError(f"Invalid resampling method: {resampling_method}")
    orig_freq, new_freq = int(orig_freq) // gcd, int(new_freq) // gcd
    if lowpass_filter_width <= 0:
        raise ValueError("Low pass filter width should be positive.")
    base_freq = min(orig_freq, new_freq) * rolloff  # low-pass below both Nyquist rates
    width = math.ceil(lowpass_filter_width * orig_freq / base_freq)
    idx = ember.arange(-width, width + orig_freq, dtype=dtype or ember.float64)[None, None]
    idx = idx / orig_freq
    t = ember.arange(0, -new_freq, -1, dtype=dtype)[:, None, None] / new_freq + idx
    t = (t * base_freq).clamp(-lowpass_filter_width, lowpass_filter_width)
    if resampling_method in ("sinc_interp_hann", "sinc_interpolation"):
        window = ember.cos(t * math.pi / lowpass_filter_width / 2) ** 2
    else:
        beta = 14.769656459379492 if beta is None else float(beta)
        arg = beta * np.sqrt(1 - (t.numpy() / lowpass_filter_width) ** 2)
        window = ember.from_numpy(np.asarray(np.i0(arg) / np.i0(np.float32(beta)),
                                             dtype=t.numpy().dtype))
    t = t * math.pi
    kernels = ember.where(t == 0, ember.tensor(1.0).to(t), t.sin() / t)
    kernels = kernels * (window * (base_freq / orig_freq))
    return (kernels.to(ember.float32) if dtype is None else kernels), width


def _apply_sinc_resample_kernel(waveform: Tensor, orig_freq: int, new_freq: int, gcd: int,
                                kernel: Tensor, width: int) -> Tensor:
    if not waveform.is_floating_point():
        raise TypeError(f"Expected floating point type for waveform tensor, but received "
                        f"{waveform.dtype}.")
    orig_freq, new_freq = int(orig_freq) // gcd, int(new_freq) // gcd
    shape = waveform.size()
    waveform = waveform.reshape(-1, shape[-1])
    num_wavs, length = waveform.shape
    waveform = F.pad(waveform, (width, width + orig_freq))
    resampled = F.conv1d(waveform[:, None], kernel, stride=orig_freq)
    resampled = resampled.transpose(1, 2).reshape(num_wavs, -1)
    resampled = resampled[..., :math.ceil(new_freq * length / orig_freq)]
    return resampled.reshape(shape[:-1] + resampled.shape[-1:])


def resample(waveform: Tensor, orig_freq: int, new_freq: int, lowpass_filter_width: int = 6,
             rolloff: float = 0.99, resampling_method: str = "sinc_interp_hann",
             beta: float | None = None) -> Tensor:
    """Band-limited (windowed-sinc) resampling of (..., time) from orig_freq to new_freq."""
    if orig_freq <= 0.0 or new_freq <= 0.0:
        raise ValueError("Original frequency and desired frequecy should be positive")
    if orig_freq == new_freq:
        return waveform
    gcd = math.gcd(int(orig_freq), int(new_freq))
    kernel, width = _get_sinc_resample_kernel(orig_freq, new_freq, gcd, lowpass_filter_width,
                                              rolloff, resampling_method, beta, None,
                                              waveform.dtype)
    return _apply_sinc_resample_kernel(waveform, orig_freq, new_freq, gcd, kernel, width)


# ---- small waveform effects -------------------------------------------------------------------


def preemphasis(waveform: Tensor, coeff: float = 0.97) -> Tensor:
    """y[n] = x[n] - coeff * x[n - 1]."""
    return ember.cat([waveform[..., :1], waveform[..., 1:] - coeff * waveform[..., :-1]], dim=-1)


def add_noise(waveform: Tensor, noise: Tensor, snr: Tensor, lengths: Tensor | None = None):
    """waveform + noise scaled to the signal-to-noise ratio `snr` (dB), over the first lengths."""
    if not (waveform.ndim - 1 == noise.ndim - 1 == snr.ndim
            and (lengths is None or lengths.ndim == snr.ndim)):
        raise ValueError("Input leading dimensions don't match.")
    size = waveform.size(-1)
    if size != noise.size(-1):
        raise ValueError(f"Length dimensions of waveform and noise don't match (got {size} and "
                         f"{noise.size(-1)}).")
    masked_waveform, masked_noise = waveform, noise
    if lengths is not None:
        mask = ember.arange(0, size).expand(waveform.shape) < lengths.unsqueeze(-1)
        masked_waveform, masked_noise = waveform * mask, noise * mask
    energy_signal = (masked_waveform * masked_waveform).sum(-1)
    energy_noise = (masked_noise * masked_noise).sum(-1)
    original_snr_db = 10 * (ember.log10(energy_signal) - ember.log10(energy_noise))
    scale = 10 ** ((original_snr_db - snr) / 20.0)
    return waveform + scale.unsqueeze(-1) * noise


def _check_convolve_args(x: Tensor, y: Tensor, mode: str) -> None:
    if x.ndim != y.ndim:
        raise ValueError(f"The operands must be the same dimension (got {x.ndim} and {y.ndim}).")
    for i in range(x.ndim - 1):
        xi, yi = x.size(i), y.size(i)
        if xi == yi or xi == 1 or yi == 1:
            continue
        raise ValueError(f"Leading dimensions of x and y are not broadcastable (got {x.shape} "
                         f"and {y.shape}).")
    if mode not in ("full", "valid", "same"):
        raise ValueError(f"Unrecognized mode value '{mode}'. Please specify one of "
                         "['full', 'valid', 'same'].")


def _apply_convolve_mode(result: Tensor, x_length: int, y_length: int, mode: str) -> Tensor:
    if mode == "full":
        return result
    target = max(x_length, y_length) - min(x_length, y_length) + 1 if mode == "valid" else x_length
    start = (result.size(-1) - target) // 2
    return result[..., start:start + target]


def convolve(x: Tensor, y: Tensor, mode: str = "full") -> Tensor:
    """1-d convolution of the last dimensions (leading dimensions broadcast), direct method."""
    _check_convolve_args(x, y, mode)
    x_size, y_size = x.size(-1), y.size(-1)
    if x_size < y_size:
        x, y = y, x
    lead = [max(i, j) for i, j in zip(x.shape[:-1], y.shape[:-1])]
    x = x.broadcast_to(lead + [x.shape[-1]])
    y = y.broadcast_to(lead + [y.shape[-1]])
    count = int(np.prod(lead))
    flat_x, flat_y = x.reshape(count, x.size(-1)), y.reshape(count, y.size(-1))
    out = F.conv1d(flat_x, flat_y.flip(-1).unsqueeze(1), stride=1, groups=flat_x.size(0),
                   padding=flat_y.size(-1) - 1)
    return _apply_convolve_mode(out.reshape(tuple(lead) + (-1,)), x_size, y_size, mode)


def fftconvolve(x: Tensor, y: Tensor, mode: str = "full") -> Tensor:
    """1-d convolution of the last dimensions through ember.fft.rfft/irfft."""
    _check_convolve_args(x, y, mode)
    n = x.size(-1) + y.size(-1) - 1
    result = ember.fft.irfft(ember.fft.rfft(x, n=n) * ember.fft.rfft(y, n=n), n=n)
    return _apply_convolve_mode(result, x.size(-1), y.size(-1), mode)


def speed(waveform: Tensor, orig_freq: int, factor: float, lengths: Tensor | None = None):
    """Speed up by `factor` (pitch follows) by resampling; (waveform, scaled lengths)."""
    source, target = int(factor * orig_freq), int(orig_freq)
    gcd = math.gcd(source, target)
    source, target = source // gcd, target // gcd
    out_lengths = None
    if lengths is not None:
        out_lengths = ember.ceil(lengths * target / source).to(lengths.dtype)
    return resample(waveform, source, target), out_lengths


def _stretch_waveform(waveform: Tensor, n_steps: int, bins_per_octave: int = 12,
                      n_fft: int = 512, win_length: int | None = None,
                      hop_length: int | None = None, window: Tensor | None = None) -> Tensor:
    """Time-stretch by 2 ** (n_steps / bins_per_octave) with the phase vocoder."""
    hop_length = n_fft // 4 if hop_length is None else hop_length
    win_length = n_fft if win_length is None else win_length
    window = ember.hann_window(window_length=win_length) if window is None else window
    shape = waveform.size()
    waveform = waveform.reshape(-1, shape[-1])
    rate = 2.0 ** (-float(n_steps) / bins_per_octave)
    spec = ember.stft(waveform, n_fft=n_fft, hop_length=hop_length, win_length=win_length,
                      window=window, center=True, pad_mode="reflect", normalized=False,
                      onesided=True, return_complex=True)
    phase_advance = ember.linspace(0, math.pi * hop_length, spec.shape[-2])[..., None]
    stretched = phase_vocoder(spec, rate, phase_advance)
    return ember.istft(stretched, n_fft=n_fft, hop_length=hop_length, win_length=win_length,
                       window=window, length=round(shape[-1] / rate))


def _fix_waveform_shape(waveform_shift: Tensor, shape) -> Tensor:
    """Cut or zero-pad the last dimension to shape[-1] and restore the leading dimensions."""
    length, shift_length = shape[-1], waveform_shift.size()[-1]
    if shift_length > length:
        waveform_shift = waveform_shift[..., :length]
    else:
        waveform_shift = F.pad(waveform_shift, [0, length - shift_length])
    return waveform_shift.view(shape[:-1] + waveform_shift.shape[-1:])


def pitch_shift(waveform: Tensor, sample_rate: int, n_steps: int, bins_per_octave: int = 12,
                n_fft: int = 512, win_length: int | None = None, hop_length: int | None = None,
                window: Tensor | None = None) -> Tensor:
    """Shift the pitch by n_steps / bins_per_octave octaves: stretch in time, then resample."""
    stretched = _stretch_waveform(waveform, n_steps, bins_per_octave, n_fft, win_length,
                                  hop_length, window)
    rate = 2.0 ** (-float(n_steps) / bins_per_octave)
    shifted = resample(stretched, int(sample_rate / rate), sample_rate)
    return _fix_waveform_shape(shifted, waveform.size())


def loudness(waveform: Tensor, sample_rate: int) -> Tensor:
    """Integrated loudness (LKFS) of (..., channel, time) audio after ITU-R BS.1770-4."""
    if waveform.size(-2) > 5:
        raise ValueError("Only up to 5 channels are supported.")
    gate_samples = round(0.4 * sample_rate)  # 400 ms blocks overlapping by 75 %
    step = round(gate_samples * (1 - 0.75))
    kweight_bias = -0.691
    waveform = treble_biquad(waveform, sample_rate, 4.0, 1500.0, 1 / math.sqrt(2))
    waveform = highpass_biquad(waveform, sample_rate, 38.0, 0.5)
    energy = ember.mean(ember.square(waveform).unfold(-1, gate_samples, step), dim=-1)
    g = ember.tensor([1.0, 1.0, 1.0, 1.41, 1.41], dtype=waveform.dtype)[:energy.size(-2)]
    block_loudness = kweight_bias + 10 * ember.log10(ember.sum(g.unsqueeze(-1) * energy, dim=-2))

    def gated_energy(gate: Tensor) -> Tensor:
        gate = gate.unsqueeze(-2)
        mean = ember.sum(gate * energy, dim=-1) / ember.count_nonzero(gate, dim=-1)
        return ember.sum(g * mean, dim=-1)

    absolute_gate = block_loudness > -70.0
    gamma_rel = kweight_bias + 10 * ember.log10(gated_energy(absolute_gate)) - 10
    relative_gate = ember.logical_and(absolute_gate, block_loudness > gamma_rel.unsqueeze(-1))
    return kweight_bias + 10 * ember.log10(gated_energy(relative_gate))


def edit_distance(seq1, seq2) -> int:
    """Levenshtein distance between two sequences (substitution, insertion, deletion cost 1)."""
    previous = list(range(len(seq2) + 1))
    for i in range(1, len(seq1) + 1):
        current = [i] + [0] * len(seq2)
        for j in range(1, len(seq2) + 1):
            if seq1[i - 1] == seq2[j - 1]:
                current[j] = previous[j - 1]
            else:
                current[j] = 1 + min(previous[j - 1], current[j - 1], previous[j])
        previous = current
    return int(previous[-1])


# ---- pitch ------------------------------------------------------------------------------------


def _compute_nccf(waveform: Tensor, sample_rate: int, frame_time: float, freq_low: int) -> Tensor:
    """Normalised cross-correlation of each frame with itself shifted by 1..lags samples:
    (..., frames, lags)."""
    eps = 10 ** (-9)
    lags = math.ceil(sample_rate / freq_low)
    frame_size = math.ceil(sample_rate * frame_time)
    length = waveform.size()[-1]
    frames = math.ceil(length / frame_size)
    waveform = F.pad(waveform, (0, lags + frames * frame_size - length))
    out = []
    for lag in range(1, lags + 1):
        s1 = waveform[..., :-lag].unfold(-1, frame_size, frame_size)[..., :frames, :]
        s2 = waveform[..., lag:].unfold(-1, frame_size, frame_size)[..., :frames, :]
        energy1 = (eps + ember.linalg.vector_norm(s1, ord=2, dim=-1)).pow(2)
        energy2 = (eps + ember.linalg.vector_norm(s2, ord=2, dim=-1)).pow(2)
        out.append(((s1 * s2).sum(-1) / energy1 / energy2).unsqueeze(-1))
    return ember.cat(out, -1)


def _find_max_per_frame(nccf: Tensor, sample_rate: int, freq_high: int) -> Tensor:
    """Lag of the NCCF peak per frame, preferring a peak in the first half (an octave up) that
    is within 1 % of the overall one."""
    lag_min = math.ceil(sample_rate / freq_high)
    best_value, best_index = ember.max(nccf[..., lag_min:], -1)
    half_value, half_index = ember.max(nccf[..., lag_min:nccf.shape[-1] // 2], -1)
    prefer_half = half_value > 0.99 * best_value
    indices = prefer_half * half_index + ~prefer_half * best_index
    return indices + lag_min + 1


def _median_smoothing(indices: Tensor, win_length: int) -> Tensor:
    """Running median over win_length frames, the first frame repeated in front."""
    pad_length = (win_length - 1) // 2
    first = indices[..., :1].expand(*indices.shape[:-1], pad_length)
    padded = ember.cat([first, indices], dim=-1)
    return ember.median(padded.unfold(-1, win_length, 1), -1).values


def detect_pitch_frequency(waveform: Tensor, sample_rate: int, frame_time: float = 10 ** (-2),
                           win_length: int = 30, freq_low: int = 85,
                           freq_high: int = 3400) -> Tensor:
    """Pitch (Hz) per frame from the normalised cross-correlation peak, median-smoothed."""
    shape = list(waveform.size())
    waveform = waveform.reshape([-1] + shape[-1:])
    nccf = _compute_nccf(waveform, sample_rate, frame_time, freq_low)
    indices = _median_smoothing(_find_max_per_frame(nccf, sample_rate, freq_high), win_length)
    freq = sample_rate / (10 ** (-9) + indices.to(ember.float))
    return freq.reshape(shape[:-1] + list(freq.shape[-1:]))
