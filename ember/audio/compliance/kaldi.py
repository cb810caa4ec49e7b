"""Kaldi-compatible features (torchaudio.compliance.kaldi): spectrogram, fbank and mfcc of one
channel of a (channel, time) waveform, framed and windowed as Kaldi's compute-*-feats do."""
from __future__ import annotations

import math

import ember
import ember.nn.functional as F
from ember import Tensor

from ..functional import create_dct

MILLISECONDS_TO_SECONDS = 0.001
HAMMING = "hamming"
HANNING = "hanning"
POVEY = "povey"
RECTANGULAR = "rectangular"
BLACKMAN = "blackman"
WINDOWS = [HAMMING, HANNING, POVEY, RECTANGULAR, BLACKMAN]
_FLOAT_EPS = 1.1920928955078125e-07  # torch.finfo(torch.float).eps: Kaldi's log floor


def _get_epsilon(dtype) -> Tensor:
    return ember.tensor(_FLOAT_EPS, dtype=dtype)


def _next_power_of_2(x: int) -> int:
    return 1 if x == 0 else 2 ** (x - 1).bit_length()


# ---- framing ----------------------------------------------------------------------------------


def _get_strided(waveform: Tensor, window_size: int, window_shift: int,
                 snip_edges: bool) -> Tensor:
    """(frames, window_size) frames of a 1-d waveform; without snip_edges the signal is
    reflected at both ends so that frames are centred on multiples of window_shift."""
    num_samples = waveform.size(0)
    if snip_edges:
        if num_samples < window_size:
            return ember.empty((0, 0), dtype=waveform.dtype)
        frames = 1 + (num_samples - window_size) // window_shift
    else:
        reversed_waveform = ember.flip(waveform, [0])
        frames = (num_samples + window_shift // 2) // window_shift
        pad = window_size // 2 - window_shift // 2
        if pad > 0:
            waveform = ember.cat((reversed_waveform[-pad:], waveform, reversed_waveform), dim=0)
        else:
            waveform = ember.cat((waveform[-pad:], reversed_waveform), dim=0)
    return waveform.unfold(0, window_size, window_shift)[:frames]


def _feature_window_function(window_type: str, window_size: int, blackman_coeff: float,
                             dtype) -> Tensor:
    if window_type == HANNING:
        return ember.hann_window(window_size, periodic=False, dtype=dtype)
    if window_type == HAMMING:
        return ember.hamming_window(window_size, periodic=False, alpha=0.54, beta=0.46,
                                    dtype=dtype)
    if window_type == POVEY:  # Kaldi's default: a Hann window to the power 0.85
        return ember.hann_window(window_size, periodic=False, dtype=dtype).pow(0.85)
    if window_type == RECTANGULAR:
        return ember.ones(window_size, dtype=dtype)
    if window_type == BLACKMAN:
        a = 2 * math.pi / (window_size - 1)
        n = ember.arange(window_size, dtype=dtype)
        return (blackman_coeff - 0.5 * ember.cos(a * n)
                + (0.5 - blackman_coeff) * ember.cos(2 * a * n)).to(dtype)
    raise Exception("Invalid window type " + window_type)  # noqa: TRY002 - torchaudio's type


def _get_log_energy(frames: Tensor, epsilon: Tensor, energy_floor: float) -> Tensor:
    log_energy = ember.max(frames.pow(2).sum(1), epsilon).log()
    if energy_floor == 0.0:
        return log_energy
    return ember.max(log_energy, ember.tensor(math.log(energy_floor), dtype=frames.dtype))


def _get_waveform_and_window_properties(waveform: Tensor, channel: int, sample_frequency: float,
                                        frame_shift: float, frame_length: float,
                                        round_to_power_of_two: bool,
                                        preemphasis_coefficient: float) -> tuple:
    channel = max(channel, 0)
    assert channel < waveform.size(0), f"Invalid channel {channel} for size {waveform.size(0)}"
    waveform = waveform[channel, :]
    window_shift = int(sample_frequency * frame_shift * MILLISECONDS_TO_SECONDS)
    window_size = int(sample_frequency * frame_length * MILLISECONDS_TO_SECONDS)
    padded_window_size = _next_power_of_2(window_size) if round_to_power_of_two else window_size
    assert 2 <= window_size <= len(waveform), \
        f"choose a window size {window_size} that is [2, {len(waveform)}]"
    assert 0 < window_shift, "`window_shift` must be greater than 0"
    assert padded_window_size % 2 == 0, ("the padded `window_size` must be divisible by two. use "
                                         "`round_to_power_of_two` or change `frame_length`")
    assert 0.0 <= preemphasis_coefficient <= 1.0, "`preemphasis_coefficient` must be between [0,1]"
    assert sample_frequency > 0, "`sample_frequency` must be greater than zero"
    return waveform, window_shift, window_size, padded_window_size


def _get_window(waveform: Tensor, padded_window_size: int, window_size: int, window_shift: int,
                window_type: str, blackman_coeff: float, snip_edges: bool, raw_energy: bool,
                energy_floor: float, dither: float, remove_dc_offset: bool,
                preemphasis_coefficient: float) -> tuple[Tensor, Tensor]:
    """Frames after dither, DC removal, pre-emphasis, windowing and zero-padding, and their log
    energy (before the window when raw_energy)."""
    dtype = waveform.dtype
    epsilon = _get_epsilon(dtype)
    frames = _get_strided(waveform, window_size, window_shift, snip_edges)
    if dither != 0.0:
        frames = frames + ember.randn(frames.shape, dtype=dtype) * dither
    if remove_dc_offset:
        frames = frames - ember.mean(frames, dim=1).unsqueeze(1)
    if raw_energy:
        log_energy = _get_log_energy(frames, epsilon, energy_floor)
    if preemphasis_coefficient != 0.0:  # x[n] - c x[n-1], with x[-1] = x[0] within each frame
        previous = F.pad(frames.unsqueeze(0), (1, 0), mode="replicate").squeeze(0)[:, :-1]
        frames = frames - preemphasis_coefficient * previous
    frames = frames * _feature_window_function(window_type, window_size, blackman_coeff,
                                               dtype).unsqueeze(0)
    if padded_window_size != window_size:
        frames = F.pad(frames.unsqueeze(0), (0, padded_window_size - window_size),
                       mode="constant", value=0).squeeze(0)
    if not raw_energy:
        log_energy = _get_log_energy(frames, epsilon, energy_floor)
    return frames, log_energy


def _subtract_column_mean(tensor: Tensor, subtract_mean: bool) -> Tensor:
    return tensor - ember.mean(tensor, dim=0).unsqueeze(0) if subtract_mean else tensor


# ---- spectrogram ------------------------------------------------------------------------------


def spectrogram(waveform: Tensor, blackman_coeff: float = 0.42, channel: int = -1,
                dither: float = 0.0, energy_floor: float = 1.0, frame_length: float = 25.0,
                frame_shift: float = 10.0, min_duration: float = 0.0,
                preemphasis_coefficient: float = 0.97, raw_energy: bool = True,
                remove_dc_offset: bool = True, round_to_power_of_two: bool = True,
                sample_frequency: float = 16000.0, snip_edges: bool = True,
                subtract_mean: bool = False, window_type: str = POVEY) -> Tensor:
    """Kaldi's compute-spectrogram-feats: log power spectrum (frames, padded_window // 2 + 1)
    with the log energy in column 0."""
    epsilon = _get_epsilon(waveform.dtype)
    waveform, window_shift, window_size, padded_window_size = _get_waveform_and_window_properties(
        waveform, channel, sample_frequency, frame_shift, frame_length, round_to_power_of_two,
        preemphasis_coefficient)
    if len(waveform) < min_duration * sample_frequency:
        return ember.empty(0)
    frames, log_energy = _get_window(waveform, padded_window_size, window_size, window_shift,
                                     window_type, blackman_coeff, snip_edges, raw_energy,
                                     energy_floor, dither, remove_dc_offset,
                                     preemphasis_coefficient)
    power = ember.max(ember.fft.rfft(frames).abs().pow(2.0), epsilon).log()
    power = ember.cat([log_energy.unsqueeze(1), power[:, 1:]], dim=1)
    return _subtract_column_mean(power, subtract_mean)


# ---- mel banks --------------------------------------------------------------------------------


def inverse_mel_scale_scalar(mel_freq: float) -> float:
    return 700.0 * (math.exp(mel_freq / 1127.0) - 1.0)


def inverse_mel_scale(mel_freq: Tensor) -> Tensor:
    return 700.0 * ((mel_freq / 1127.0).exp() - 1.0)


def mel_scale_scalar(freq: float) -> float:
    return 1127.0 * math.log(1.0 + freq / 700.0)


def mel_scale(freq: Tensor) -> Tensor:
    return 1127.0 * (1.0 + freq / 700.0).log()


def vtln_warp_freq(vtln_low_cutoff: float, vtln_high_cutoff: float, low_freq: float,
                   high_freq: float, vtln_warp_factor: float, freq: Tensor) -> Tensor:
    """Kaldi's piecewise-linear vocal tract length warping of frequencies."""
    assert vtln_low_cutoff > low_freq, "be sure to set the vtln_low option higher than low_freq"
    assert vtln_high_cutoff < high_freq, \
        "be sure to set the vtln_high option lower than high_freq [or negative]"
    low = vtln_low_cutoff * max(1.0, vtln_warp_factor)
    high = vtln_high_cutoff * min(1.0, vtln_warp_factor)
    scale = 1.0 / vtln_warp_factor
    f_low, f_high = scale * low, scale * high
    assert low > low_freq and high < high_freq
    scale_left = (f_low - low_freq) / (low - low_freq)
    scale_right = (high_freq - f_high) / (high_freq - high)
    res = high_freq + scale_right * (freq - high_freq)
    res = ember.where(freq < high, scale * freq, res)
    res = ember.where(freq < low, low_freq + scale_left * (freq - low_freq), res)
    return ember.where((freq < low_freq) | (freq > high_freq), freq, res)


def vtln_warp_mel_freq(vtln_low_cutoff: float, vtln_high_cutoff: float, low_freq,
                       high_freq: float, vtln_warp_factor: float, mel_freq: Tensor) -> Tensor:
    return mel_scale(vtln_warp_freq(vtln_low_cutoff, vtln_high_cutoff, low_freq, high_freq,
                                    vtln_warp_factor, inverse_mel_scale(mel_freq)))


def get_mel_banks(num_bins: int, window_length_padded: int, sample_freq: float,
                  low_freq: float, high_freq: float, vtln_low: float, vtln_high: float,
                  vtln_warp_factor: float) -> tuple[Tensor, Tensor]:
    """Kaldi's triangular mel filters (num_bins, padded_window // 2) and their centre
    frequencies."""
    assert num_bins > 3, "Must have at least 3 mel bins"
    assert window_length_padded % 2 == 0
    num_fft_bins = window_length_padded / 2
    nyquist = 0.5 * sample_freq
    if high_freq <= 0.0:
        high_freq += nyquist
    assert (0.0 <= low_freq < nyquist) and (0.0 < high_freq <= nyquist) and \
        (low_freq < high_freq), (f"Bad values in options: low-freq {low_freq} and high-freq "
                                 f"{high_freq} vs. nyquist {nyquist}")
    fft_bin_width = sample_freq / window_length_padded
    mel_low_freq = mel_scale_scalar(low_freq)
    mel_freq_delta = (mel_scale_scalar(high_freq) - mel_low_freq) / (num_bins + 1)
    if vtln_high < 0.0:
        vtln_high += nyquist
    assert vtln_warp_factor == 1.0 or (
        (low_freq < vtln_low < high_freq) and (0.0 < vtln_high < high_freq)
        and (vtln_low < vtln_high)), (f"Bad values in options: vtln-low {vtln_low} and vtln-high "
                                      f"{vtln_high}, versus low-freq {low_freq} and high-freq "
                                      f"{high_freq}")
    bin_index = ember.arange(num_bins).unsqueeze(1)
    left_mel = mel_low_freq + bin_index * mel_freq_delta
    center_mel = mel_low_freq + (bin_index + 1.0) * mel_freq_delta
    right_mel = mel_low_freq + (bin_index + 2.0) * mel_freq_delta
    if vtln_warp_factor != 1.0:
        warp = (vtln_low, vtln_high, low_freq, high_freq, vtln_warp_factor)
        left_mel = vtln_warp_mel_freq(*warp, left_mel)
        center_mel = vtln_warp_mel_freq(*warp, center_mel)
        right_mel = vtln_warp_mel_freq(*warp, right_mel)
    center_freqs = inverse_mel_scale(center_mel)
    mel = mel_scale(fft_bin_width * ember.arange(num_fft_bins)).unsqueeze(0)
    up_slope = (mel - left_mel) / (center_mel - left_mel)
    down_slope = (right_mel - mel) / (right_mel - center_mel)
    if vtln_warp_factor == 1.0:
        bins = ember.max(ember.zeros(1), ember.min(up_slope, down_slope))
    else:
        rising = (mel > left_mel) & (mel <= center_mel)
        falling = (mel > center_mel) & (mel < right_mel)
        bins = ember.where(rising, up_slope, ember.where(falling, down_slope, 0.0))
    return bins, center_freqs


# ---- fbank and mfcc ---------------------------------------------------------------------------


def fbank(waveform: Tensor, blackman_coeff: float = 0.42, channel: int = -1, dither: float = 0.0,
          energy_floor: float = 1.0, frame_length: float = 25.0, frame_shift: float = 10.0,
          high_freq: float = 0.0, htk_compat: bool = False, low_freq: float = 20.0,
          min_duration: float = 0.0, num_mel_bins: int = 23,
          preemphasis_coefficient: float = 0.97, raw_energy: bool = True,
          remove_dc_offset: bool = True, round_to_power_of_two: bool = True,
          sample_frequency: float = 16000.0, snip_edges: bool = True,
          subtract_mean: bool = False, use_energy: bool = False, use_log_fbank: bool = True,
          use_power: bool = True, vtln_high: float = -500.0, vtln_low: float = 100.0,
          vtln_warp: float = 1.0, window_type: str = POVEY) -> Tensor:
    """Kaldi's compute-fbank-feats: (frames, num_mel_bins [+ 1 energy column])."""
    dtype = waveform.dtype
    waveform, window_shift, window_size, padded_window_size = _get_waveform_and_window_properties(
        waveform, channel, sample_frequency, frame_shift, frame_length, round_to_power_of_two,
        preemphasis_coefficient)
    if len(waveform) < min_duration * sample_frequency:
        return ember.empty(0, dtype=dtype)
    frames, log_energy = _get_window(waveform, padded_window_size, window_size, window_shift,
                                     window_type, blackman_coeff, snip_edges, raw_energy,
                                     energy_floor, dither, remove_dc_offset,
                                     preemphasis_coefficient)
    spectrum = ember.fft.rfft(frames).abs()
    if use_power:
        spectrum = spectrum.pow(2.0)
    banks, _ = get_mel_banks(num_mel_bins, padded_window_size, sample_frequency, low_freq,
                             high_freq, vtln_low, vtln_high, vtln_warp)
    banks = F.pad(banks.to(dtype=dtype), (0, 1), mode="constant", value=0)  # the Nyquist bin
    energies = ember.mm(spectrum, banks.T)
    if use_log_fbank:
        energies = ember.max(energies, _get_epsilon(dtype)).log()
    if use_energy:
        parts = (energies, log_energy.unsqueeze(1))
        energies = ember.cat(parts if htk_compat else parts[::-1], dim=1)
    return _subtract_column_mean(energies, subtract_mean)


def _get_dct_matrix(num_ceps: int, num_mel_bins: int) -> Tensor:
    """Kaldi's DCT: the orthonormal DCT-II with its first column sqrt(1 / num_mel_bins)."""
    dct = create_dct(num_mel_bins, num_mel_bins, "ortho")
    first = ember.full((num_mel_bins, 1), math.sqrt(1 / float(num_mel_bins)))
    return ember.cat([first, dct[:, 1:]], dim=1)[:, :num_ceps]


def _get_lifter_coeffs(num_ceps: int, cepstral_lifter: float) -> Tensor:
    i = ember.arange(num_ceps)
    return 1.0 + 0.5 * cepstral_lifter * ember.sin(math.pi * i / cepstral_lifter)


def mfcc(waveform: Tensor, blackman_coeff: float = 0.42, cepstral_lifter: float = 22.0,
         channel: int = -1, dither: float = 0.0, energy_floor: float = 1.0,
         frame_length: float = 25.0, frame_shift: float = 10.0, high_freq: float = 0.0,
         htk_compat: bool = False, low_freq: float = 20.0, num_ceps: int = 13,
         min_duration: float = 0.0, num_mel_bins: int = 23,
         preemphasis_coefficient: float = 0.97, raw_energy: bool = True,
         remove_dc_offset: bool = True, round_to_power_of_two: bool = True,
         sample_frequency: float = 16000.0, snip_edges: bool = True,
         subtract_mean: bool = False, use_energy: bool = False, vtln_high: float = -500.0,
         vtln_low: float = 100.0, vtln_warp: float = 1.0, window_type: str = POVEY) -> Tensor:
    """Kaldi's compute-mfcc-feats: (frames, num_ceps) liftered cepstra of the log fbank."""
    assert num_ceps <= num_mel_bins, \
        f"num_ceps cannot be larger than num_mel_bins: {num_ceps} vs {num_mel_bins}"
    dtype = waveform.dtype
    feature = fbank(waveform=waveform, blackman_coeff=blackman_coeff, channel=channel,
                    dither=dither, energy_floor=energy_floor, frame_length=frame_length,
                    frame_shift=frame_shift, high_freq=high_freq, htk_compat=htk_compat,
                    low_freq=low_freq, min_duration=min_duration, num_mel_bins=num_mel_bins,
                    preemphasis_coefficient=preemphasis_coefficient, raw_energy=raw_energy,
                    remove_dc_offset=remove_dc_offset,
                    round_to_power_of_two=round_to_power_of_two,
                    sample_frequency=sample_frequency, snip_edges=snip_edges,
                    subtract_mean=False, use_energy=use_energy, use_log_fbank=True,
                    use_power=True, vtln_high=vtln_high, vtln_low=vtln_low, vtln_warp=vtln_warp,
                    window_type=window_type)
    if use_energy:
        log_energy = feature[:, num_mel_bins if htk_compat else 0]
        offset = int(not htk_compat)
        feature = feature[:, offset:num_mel_bins + offset]
    feature = feature.matmul(_get_dct_matrix(num_ceps, num_mel_bins).to(dtype=dtype))
    if cepstral_lifter != 0.0:
        feature = feature * _get_lifter_coeffs(num_ceps, cepstral_lifter).unsqueeze(0).to(dtype)
    if use_energy:  # the energy replaces C0
        feature = ember.cat([log_energy.unsqueeze(1), feature[:, 1:]], dim=1)
    if htk_compat:  # C0 (or energy) goes last, scaled by sqrt(2) when it is C0
        energy = feature[:, 0].unsqueeze(1)
        if not use_energy:
            energy = energy * math.sqrt(2)
        feature = ember.cat((feature[:, 1:], energy), dim=1)
    return _subtract_column_mean(feature, subtract_mean)
