"""torchaudio.functional's filters: lfilter (an FIR convolution then an IIR recurrence, both
differentiable), the biquad family (coefficients as in the Audio EQ Cookbook / SoX), filtfilt,
gain, dither and a few SoX effects."""
from __future__ import annotations

import math

import ember
import ember.nn.functional as F
from ember import Tensor
from ember.backend import array_module
from ember.ops._op import Op

# ---- lfilter ----------------------------------------------------------------------------------


_BLOCK = 64  # samples per block of the IIR recurrence


def _block_responses(a_flipped, block: int, xp):
    """Per channel, the responses over one block to unit inputs (channel, block_in, block_out)
    and to unit initial states (channel, order - 1, block_out), by running the recurrence once
    on those basis vectors."""
    channels, p = a_flipped.shape
    basis = p + block
    y = xp.zeros((channels, basis, p + block), dtype=a_flipped.dtype)
    y[:, :p, :p] = xp.eye(p, dtype=a_flipped.dtype)
    unit = xp.zeros((basis, block), dtype=a_flipped.dtype)
    unit[p:] = xp.eye(block, dtype=a_flipped.dtype)
    for t in range(block):
        past = xp.einsum("cnk,ck->cn", y[:, :, t:t + p], a_flipped)
        y[:, :, p + t] = unit[:, t] - past
    return y[:, p:, p:], y[:, :p, p:]


class _IIR(Op):
    """y[t] = x[t] - sum_{k>=1} a[k] y[t-k] for (batch, channel, time) x and (channel, order) a
    with a[:, 0] == 1. The recurrence is linear, so it runs a block at a time: a block's output
    is a matrix times its input plus a matrix times the last outputs of the block before."""

    save_inputs = (1,)
    node_name = "DifferentiableIIRBackward"

    @staticmethod
    def forward(ctx, x, a):
        xp = array_module(x)
        batch, channels, length = x.shape
        p = a.shape[1] - 1
        ctx.save_output()
        if p == 0:
            return x.copy()
        block = max(min(_BLOCK, length), p, 1)
        a_flipped = xp.ascontiguousarray(a[:, :0:-1]).astype(x.dtype)  # a[p] ... a[1]
        from_input, from_state = _block_responses(a_flipped, block, xp)
        blocks = -(-length // block)
        padded = xp.zeros((batch, channels, blocks * block), dtype=x.dtype)
        padded[:, :, :length] = x
        forced = xp.einsum("bcnl,clm->bcnm", padded.reshape(batch, channels, blocks, block),
                           from_input)
        state = xp.zeros((batch, channels, p), dtype=x.dtype)
        for i in range(blocks):
            forced[:, :, i] += xp.einsum("bck,ckm->bcm", state, from_state)
            state = forced[:, :, i, block - p:]
        return forced.reshape(batch, channels, -1)[:, :, :length]

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.inputs
        y = ctx.output
        channels, order = a.shape
        # the adjoint of the recurrence is the same recurrence run backwards in time
        tmp = _IIR.apply(grad.flip(2).contiguous(), a).flip(2)
        grad_x = tmp if ctx.needs_input_grad[0] else None
        grad_a = None
        if ctx.needs_input_grad[1]:
            past = F.pad(y, (order - 1, 0)).unfold(2, order, 1)  # (batch, channel, time, order)
            lhs = tmp.transpose(0, 1).reshape(channels, 1, -1)
            rhs = past.transpose(0, 1).reshape(channels, -1, order)
            grad_a = -(lhs @ rhs).squeeze(1).flip(1)
        return grad_x, grad_a


def _fir(x: Tensor, b: Tensor) -> Tensor:
    """sum_k b[k] x[t-k] per channel, as a grouped causal convolution."""
    order, channels = b.size(1), b.size(0)
    return F.conv1d(F.pad(x, (order - 1, 0)), b.flip(1).unsqueeze(1), groups=channels)


def lfilter(waveform: Tensor, a_coeffs: Tensor, b_coeffs: Tensor, clamp: bool = True,
            batching: bool = True) -> Tensor:
    """IIR filter a0 y[n] = sum_k b[k] x[n-k] - sum_{k>=1} a[k] y[n-k] along the last dim."""
    if a_coeffs.size() != b_coeffs.size():
        raise ValueError("Expected coeffs to be the same size."
                         f"Found: a_coeffs size: {a_coeffs.size()}, b_coeffs size: "
                         f"{b_coeffs.size()}")
    if a_coeffs.ndim > 2:
        raise ValueError(f"Expected coeffs to have greater than 1 dimension. Found: "
                         f"{a_coeffs.ndim}")
    if a_coeffs.ndim > 1:
        if batching:
            if waveform.ndim <= 0:
                raise ValueError("Expected waveform to have a positive number of dimensions."
                                 f"Found: {waveform.ndim}")
            if waveform.shape[-2] != a_coeffs.shape[0]:
                raise ValueError("Expected number of batches in waveform and coeffs to be the "
                                 f"same.Found: coeffs batches: {a_coeffs.shape[0]}, waveform "
                                 f"batches: {waveform.shape[-2]}")
        else:
            waveform = ember.stack([waveform] * a_coeffs.shape[0], -2)
    else:
        a_coeffs, b_coeffs = a_coeffs.unsqueeze(0), b_coeffs.unsqueeze(0)
    shape = waveform.size()
    x = waveform.reshape(-1, a_coeffs.shape[0], shape[-1])
    a0 = a_coeffs[:, 0:1]
    output = _IIR.apply(_fir(x, b_coeffs / a0), a_coeffs / a0)
    if clamp:
        output = ember.clamp(output, min=-1.0, max=1.0)
    return output.reshape(shape[:-1] + output.shape[-1:])


def filtfilt(waveform: Tensor, a_coeffs: Tensor, b_coeffs: Tensor, clamp: bool = True) -> Tensor:
    """Zero-phase filtering: lfilter forwards, then backwards in time."""
    forward = lfilter(waveform, a_coeffs, b_coeffs, clamp=False, batching=True)
    backward = lfilter(forward.flip(-1), a_coeffs, b_coeffs, clamp=clamp, batching=True)
    return backward.flip(-1)


# ---- biquads ----------------------------------------------------------------------------------


def biquad(waveform: Tensor, b0, b1, b2, a0, a1, a2) -> Tensor:
    """Second-order IIR filter with coefficients b0..b2, a0..a2 (floats or 0-d tensors)."""
    def coeffs(*values):
        return ember.cat([ember.as_tensor(v, dtype=waveform.dtype).view(1) for v in values])

    return lfilter(waveform, coeffs(a0, a1, a2), coeffs(b0, b1, b2))


def _as(value, waveform: Tensor) -> Tensor:
    return ember.as_tensor(value, dtype=waveform.dtype)


def _w0_alpha(waveform: Tensor, sample_rate: int, freq, Q):
    """Cookbook's w0 = 2 pi f / fs and alpha = sin(w0) / 2Q, as tensors of the waveform dtype."""
    w0 = 2 * math.pi * _as(freq, waveform) / sample_rate
    return w0, ember.sin(w0) / 2 / _as(Q, waveform)


def allpass_biquad(waveform: Tensor, sample_rate: int, central_freq: float,
                   Q: float = 0.707) -> Tensor:
    """Two-pole all-pass filter (phase shift only)."""
    w0, alpha = _w0_alpha(waveform, sample_rate, central_freq, Q)
    cos = -2 * ember.cos(w0)
    return biquad(waveform, 1 - alpha, cos, 1 + alpha, 1 + alpha, cos, 1 - alpha)


def band_biquad(waveform: Tensor, sample_rate: int, central_freq: float, Q: float = 0.707,
                noise: bool = False) -> Tensor:
    """SoX's two-pole band-pass filter (noise=True: tuned for unpitched audio)."""
    central_freq = _as(central_freq, waveform)
    w0 = 2 * math.pi * central_freq / sample_rate
    bandwidth = central_freq / _as(Q, waveform)
    a2 = ember.exp(-2 * math.pi * bandwidth / sample_rate)
    a1 = -4 * a2 / (1 + a2) * ember.cos(w0)
    b0 = ember.sqrt(1 - a1 * a1 / (4 * a2)) * (1 - a2)
    if noise:
        b0 = ember.sqrt(((1 + a2) * (1 + a2) - a1 * a1) * (1 - a2) / (1 + a2)) / b0 * b0
    return biquad(waveform, b0, 0.0, 0.0, 1.0, a1, a2)


def bandpass_biquad(waveform: Tensor, sample_rate: int, central_freq: float, Q: float = 0.707,
                    const_skirt_gain: bool = False) -> Tensor:
    """Two-pole band-pass filter (constant 0 dB peak gain, or constant skirt gain)."""
    w0, alpha = _w0_alpha(waveform, sample_rate, central_freq, Q)
    gain = ember.sin(w0) / 2 if const_skirt_gain else alpha
    return biquad(waveform, gain, 0.0, -gain, 1 + alpha, -2 * ember.cos(w0), 1 - alpha)


def bandreject_biquad(waveform: Tensor, sample_rate: int, central_freq: float,
                      Q: float = 0.707) -> Tensor:
    """Two-pole band-reject (notch) filter."""
    w0, alpha = _w0_alpha(waveform, sample_rate, central_freq, Q)
    cos = -2 * ember.cos(w0)
    return biquad(waveform, 1.0, cos, 1.0, 1 + alpha, cos, 1 - alpha)


def _shelf(waveform: Tensor, sample_rate: int, gain, central_freq, Q, sign: int):
    """Cookbook shelving filter coefficients: sign -1 low shelf (bass), +1 high shelf (treble)."""
    w0, alpha = _w0_alpha(waveform, sample_rate, central_freq, Q)
    A = ember.exp(_as(gain, waveform) / 40 * math.log(10))
    temp1 = 2 * ember.sqrt(A) * alpha
    temp2 = (A - 1) * ember.cos(w0)
    temp3 = (A + 1) * ember.cos(w0)
    b0 = A * ((A + 1) + sign * temp2 + temp1)
    b1 = -sign * 2 * A * ((A - 1) + sign * temp3)
    b2 = A * ((A + 1) + sign * temp2 - temp1)
    a0 = (A + 1) - sign * temp2 + temp1
    a1 = sign * 2 * ((A - 1) - sign * temp3)
    a2 = (A + 1) - sign * temp2 - temp1
    return b0, b1, b2, a0, a1, a2


def bass_biquad(waveform: Tensor, sample_rate: int, gain: float, central_freq: float = 100,
                Q: float = 0.707) -> Tensor:
    """Low-shelf filter: boost or cut the bass by `gain` dB."""
    b0, b1, b2, a0, a1, a2 = _shelf(waveform, sample_rate, gain, central_freq, Q, -1)
    return biquad(waveform, b0 / a0, b1 / a0, b2 / a0, a0 / a0, a1 / a0, a2 / a0)


def treble_biquad(waveform: Tensor, sample_rate: int, gain: float, central_freq: float = 3000,
                  Q: float = 0.707) -> Tensor:
    """High-shelf filter: boost or cut the treble by `gain` dB."""
    return biquad(waveform, *_shelf(waveform, sample_rate, gain, central_freq, Q, 1))


def equalizer_biquad(waveform: Tensor, sample_rate: int, center_freq: float, gain: float,
                     Q: float = 0.707) -> Tensor:
    """Peaking equaliser: `gain` dB around center_freq."""
    w0, alpha = _w0_alpha(waveform, sample_rate, center_freq, Q)
    A = ember.exp(_as(gain, waveform) / 40.0 * math.log(10))
    cos = -2 * ember.cos(w0)
    return biquad(waveform, 1 + alpha * A, cos, 1 - alpha * A, 1 + alpha / A, cos, 1 - alpha / A)


def highpass_biquad(waveform: Tensor, sample_rate: int, cutoff_freq: float,
                    Q: float = 0.707) -> Tensor:
    """Two-pole high-pass filter."""
    w0, alpha = _w0_alpha(waveform, sample_rate, cutoff_freq, Q)
    b0 = (1 + ember.cos(w0)) / 2
    return biquad(waveform, b0, -1 - ember.cos(w0), b0, 1 + alpha, -2 * ember.cos(w0), 1 - alpha)


def lowpass_biquad(waveform: Tensor, sample_rate: int, cutoff_freq: float,
                   Q: float = 0.707) -> Tensor:
    """Two-pole low-pass filter."""
    w0, alpha = _w0_alpha(waveform, sample_rate, cutoff_freq, Q)
    b0 = (1 - ember.cos(w0)) / 2
    return biquad(waveform, b0, 1 - ember.cos(w0), b0, 1 + alpha, -2 * ember.cos(w0), 1 - alpha)


def deemph_biquad(waveform: Tensor, sample_rate: int) -> Tensor:
    """CD de-emphasis (ISO 908) shelving filter, for 44.1 kHz or 48 kHz audio."""
    params = {44100: (5283, 0.4845, -9.477), 48000: (5356, 0.479, -9.62)}
    if sample_rate not in params:
        raise ValueError("Sample rate must be 44100 (audio-CD) or 48000 (DAT)")
    central_freq, width_slope, gain = params[sample_rate]
    w0 = 2 * math.pi * central_freq / sample_rate
    A = math.exp(gain / 40.0 * math.log(10))
    alpha = math.sin(w0) / 2 * math.sqrt((A + 1 / A) * (1 / width_slope - 1) + 2)
    temp1, temp2, temp3 = 2 * math.sqrt(A) * alpha, (A - 1) * math.cos(w0), (A + 1) * math.cos(w0)
    return biquad(waveform, A * ((A + 1) + temp2 + temp1), -2 * A * ((A - 1) + temp3),
                  A * ((A + 1) + temp2 - temp1), (A + 1) - temp2 + temp1,
                  2 * ((A - 1) - temp3), (A + 1) - temp2 - temp1)


_RIAA = {  # sample rate -> (zeros, poles) of SoX's RIAA vinyl playback equalisation
    44100: ((-0.2014898, 0.9233820), (0.7083149, 0.9924091)),
    48000: ((-0.1766069, 0.9321590), (0.7396325, 0.9931330)),
    88200: ((-0.1168735, 0.9648312), (0.8590646, 0.9964002)),
    96000: ((-0.1141486, 0.9676817), (0.8699137, 0.9966946)),
}


def riaa_biquad(waveform: Tensor, sample_rate: int) -> Tensor:
    """RIAA vinyl playback equalisation, normalised to 0 dB at 1 kHz."""
    if sample_rate not in _RIAA:
        raise ValueError("Sample rate must be 44.1k, 48k, 88.2k, or 96k")
    zeros, poles = _RIAA[sample_rate]
    b0, b1, b2 = 1.0, -(zeros[0] + zeros[1]), zeros[0] * zeros[1]
    a0, a1, a2 = 1.0, -(poles[0] + poles[1]), poles[0] * poles[1]
    y = 2 * math.pi * 1000 / sample_rate
    b_re = b0 + b1 * math.cos(-y) + b2 * math.cos(-2 * y)
    a_re = a0 + a1 * math.cos(-y) + a2 * math.cos(-2 * y)
    b_im = b1 * math.sin(-y) + b2 * math.sin(-2 * y)
    a_im = a1 * math.sin(-y) + a2 * math.sin(-2 * y)
    g = 1 / math.sqrt((b_re**2 + b_im**2) / (a_re**2 + a_im**2))
    return biquad(waveform, b0 * g, b1 * g, b2 * g, a0, a1, a2)


# ---- gain, shifts, emphasis -------------------------------------------------------------------


def gain(waveform: Tensor, gain_db: float = 1.0) -> Tensor:
    """Amplify by gain_db decibels."""
    if gain_db == 0:
        return waveform
    return waveform * 10 ** (gain_db / 20)


def dcshift(waveform: Tensor, shift: float, limiter_gain: float | None = None) -> Tensor:
    """Add `shift` to the signal, with SoX's optional limiter against clipping."""
    limiter_threshold = 0.0
    if limiter_gain is not None:
        limiter_threshold = 1.0 - (abs(shift) - limiter_gain)
    if limiter_gain is not None and shift > 0:
        mask = waveform > limiter_threshold
        limited = (waveform - limiter_threshold) * limiter_gain / (1 - limiter_threshold)
        output = ember.where(mask, (limited + limiter_threshold + shift).clamp(
            max=limiter_threshold), ember.clamp(waveform + shift, -1, 1))
    elif limiter_gain is not None and shift < 0:
        mask = waveform < -limiter_threshold
        limited = (waveform + limiter_threshold) * limiter_gain / (1 - limiter_threshold)
        output = ember.where(mask, (limited - limiter_threshold + shift).clamp(
            min=-limiter_threshold), ember.clamp(waveform + shift, -1, 1))
    else:
        output = ember.clamp(waveform + shift, -1, 1)
    return output


def contrast(waveform: Tensor, enhancement_amount: float = 75.0) -> Tensor:
    """SoX's contrast: sin(x pi/2 + e sin(2 pi x)) with e = enhancement_amount / 750."""
    if not 0 <= enhancement_amount <= 100:
        raise ValueError("Allowed range of values for enhancement_amount : 0-100")
    contrast_amount = enhancement_amount / 750.0
    temp1 = waveform * (math.pi / 2)
    temp2 = contrast_amount * ember.sin(temp1 * 4)
    return ember.sin(temp1 + temp2)


def deemphasis(waveform: Tensor, coeff: float = 0.97) -> Tensor:
    """y[n] = x[n] + coeff * y[n - 1]: the inverse of preemphasis."""
    a_coeffs = ember.tensor([1.0, -coeff], dtype=waveform.dtype)
    b_coeffs = ember.tensor([1.0, 0.0], dtype=waveform.dtype)
    return lfilter(waveform, a_coeffs=a_coeffs, b_coeffs=b_coeffs)


# ---- dither -----------------------------------------------------------------------------------


def _random_index(high: int) -> int:
    return int(ember.randint(high, [1]).item()) if high > 0 else 0


def dither(waveform: Tensor, density_function: str = "TPDF",
           noise_shaping: bool = False) -> Tensor:
    """Quantise to 16 bits after adding dither (TPDF, RPDF or GPDF), optionally noise-shaped;
    random draws in torchaudio's order."""
    shape = waveform.size()
    x = waveform.reshape(-1, shape[-1])
    channels, time = x.size(0) - 1, x.size(-1) - 1
    channel, sample = _random_index(channels), _random_index(time)
    scaled = x * (2 ** 15 - 2)
    if density_function == "RPDF":
        noisy = scaled + (x[channel][sample] - 0.5)
    elif density_function == "GPDF":  # a sum of seven signal samples (torchaudio's recipe)
        gaussian = x[channel][sample].clone()
        for _ in range(6):
            c = int(ember.randint(channels, [1]).item())
            t = int(ember.randint(time, [1]).item())
            gaussian = gaussian + (gaussian if (c, t) == (channel, sample) else x[c][t])
        noisy = scaled + gaussian
    else:
        noisy = scaled + ember.bartlett_window(time + 1, dtype=scaled.dtype).repeat(channels + 1, 1)
    dithered = (ember.round(noisy) / 2 ** 15).reshape(shape[:-1] + noisy.shape[-1:])
    if not noise_shaping:
        return dithered
    error = (dithered.reshape(-1, shape[-1]) - x)[:, :-1]  # error[n - 1] added to sample n
    shaped = dithered.reshape(-1, shape[-1]) + F.pad(error, (1, 0))
    return shaped.reshape(shape[:-1] + shaped.shape[-1:])


def overdrive(waveform: Tensor, gain: float = 20, colour: float = 20) -> Tensor:
    """SoX's overdrive: a cubic soft clipper (gain in dB, colour adds even harmonics) followed by
    a DC-blocking filter, mixed with the dry signal."""
    shape = waveform.shape
    x = waveform.reshape(-1, shape[-1])
    temp = x * math.exp(gain * math.log(10) / 20.0) + colour / 200
    temp = ember.where(temp < -1, -2.0 / 3.0,
                       ember.where(temp > 1, 2.0 / 3.0, temp - temp ** 3 * (1.0 / 3)))
    # last_out[i] = temp[i] - temp[i - 1] + 0.995 last_out[i - 1]
    dc_blocked = lfilter(temp, ember.tensor([1.0, -0.995], dtype=x.dtype),
                         ember.tensor([1.0, -1.0], dtype=x.dtype), clamp=False)
    return (x * 0.5 + dc_blocked * 0.75).clamp(min=-1, max=1).reshape(shape)
