"""The STFT-based parts of ember.audio against torchaudio: spectrogram and its inverse, Griffin-Lim,
phase vocoder, spectral centroid, FFT convolution, and the Spectrogram / MelSpectrogram / MFCC /
LFCC / InverseSpectrogram / GriffinLim / TimeStretch / SpectralCentroid modules (values, input
gradients, buffers)."""
import numpy as np
import pytest
import torch

import ember
from tests.audio._lib import audio, module
from tests.oracle import (
    OP_TOLERANCES,
    assert_same,
    check,
    check_module,
    compare_module,
    module_pair,
)

SPEC_TOL = {"rtol": 1e-4, "atol": 1e-4}
# pocketfft (NumPy) and torch's FFT round differently; a spectrum's small bins and what is
# computed from them (phases, logs of mel energies) carry that difference
for _name in ("Spectrogram", "MelSpectrogram", "MFCC", "LFCC", "InverseSpectrogram",
              "GriffinLim", "TimeStretch", "SpectralCentroid", "FFTConvolve", "PitchShift"):
    OP_TOLERANCES.setdefault(_name, {"float32": ((1e-4, 1e-4),)})


# gradients through complex products (fftconvolve, griffinlim) are compared with torch's; the
# iterative Griffin-Lim amplifies rounding, so its gradient gets a looser relative tolerance
GRAD_THROUGH_CMUL = True


def _lib_of(x):
    return ember if isinstance(x, ember.Tensor) else torch


def AF(lib):
    return audio(lib).functional


def _wave(shape, seed=0):
    return np.random.default_rng(seed).uniform(-0.8, 0.8, shape).astype(np.float32)


@pytest.mark.parametrize("power,normalized,center,pad", [
    (2.0, False, True, 0), (1.0, True, True, 3), (None, "frame_length", False, 0),
    (None, "window", True, 0), (0.5, False, False, 2)])
def test_spectrogram(power, normalized, center, pad):
    def fn(lib, x):
        window = lib.hann_window(48)
        out = AF(lib).spectrogram(x, pad, window, 64, 16, 48, power, normalized, center)
        return lib.view_as_real(out) if power is None else out

    check(fn, shapes=[(2, 400)], low=-0.8, high=0.8, **SPEC_TOL)


def test_spectrogram_bad_normalized():
    with pytest.raises(ValueError):
        AF(ember).spectrogram(ember.zeros(64), 0, ember.hann_window(16), 16, 4, 16, 2.0, "x")


@pytest.mark.parametrize("normalized,length,pad", [(False, None, 0), ("window", 300, 2),
                                                   (True, 290, 0)])
def test_inverse_spectrogram(normalized, length, pad):
    def fn(lib, x):
        window = lib.hann_window(64)
        spec = AF(lib).spectrogram(x, pad, window, 64, 16, 64, None, normalized)
        return AF(lib).inverse_spectrogram(spec, length, pad, window, 64, 16, 64, normalized)

    check(fn, shapes=[(2, 300)], low=-0.8, high=0.8, **SPEC_TOL)


def test_griffinlim():
    def fn(lib, x):
        window = lib.hann_window(64)
        spec = AF(lib).spectrogram(x, 0, window, 64, 16, 64, 2.0, False)
        return AF(lib).griffinlim(spec, window, 64, 16, 64, 2.0, 4, 0.9, 300, False)

    check(fn, shapes=[(1, 300)], low=-0.8, high=0.8, rtol=1e-3, atol=1e-4, grad=GRAD_THROUGH_CMUL,
          grad_rtol=5e-3)


def test_phase_vocoder():
    def fn(lib, x):
        spec = lib.view_as_complex(x)
        advance = lib.linspace(0, np.pi * 8, 9)[..., None]
        return lib.view_as_real(AF(lib).phase_vocoder(spec, 1.3, advance))

    check(fn, shapes=[(2, 9, 12, 2)], **SPEC_TOL)


def test_spectral_centroid_and_fftconvolve():
    check(lambda lib, x: AF(lib).spectral_centroid(x, 8000, 0, lib.hann_window(64), 64, 32, 64),
          shapes=[(2, 256)], low=-0.8, high=0.8, **SPEC_TOL)
    for mode in ("full", "valid", "same"):
        check(lambda lib, x, y, mode=mode: AF(lib).fftconvolve(x, y, mode),
              shapes=[(2, 40), (1, 9)], grad=GRAD_THROUGH_CMUL, **SPEC_TOL)


@pytest.mark.parametrize("kwargs", [{}, {"n_fft": 128, "hop_length": 40, "power": None},
                                    {"n_fft": 100, "win_length": 80, "normalized": True,
                                     "window_fn": "hamming_window", "pad_mode": "constant"}])
def test_spectrogram_module(kwargs):
    kwargs = dict(kwargs)
    name = kwargs.pop("window_fn", None)
    ctor = module("Spectrogram")
    if name:
        def ctor(lib, **kw):
            return audio(lib).transforms.Spectrogram(window_fn=getattr(lib, name), **kw)
    t, e = module_pair(ctor, **kwargs)
    x = _wave((2, 800))
    if kwargs.get("power", 2.0) is None:
        compare_module(t, e, [x], call=lambda m, x: m(x).abs(), op="Spectrogram")
    else:
        compare_module(t, e, [x], op="Spectrogram")


@pytest.mark.parametrize("kwargs", [
    {"sample_rate": 8000, "n_fft": 256, "n_mels": 40},
    {"sample_rate": 16000, "n_fft": 400, "hop_length": 160, "n_mels": 64, "f_min": 20.0,
     "f_max": 7600.0, "norm": "slaney", "mel_scale": "slaney", "power": 1.0, "center": False},
])
def test_mel_spectrogram(kwargs):
    check_module(module("MelSpectrogram"), kwargs=kwargs, inputs=[_wave((2, 1600))],
                 op="MelSpectrogram")


@pytest.mark.parametrize("kwargs", [
    {"sample_rate": 8000, "n_mfcc": 13, "melkwargs": {"n_fft": 256, "n_mels": 40}},
    {"sample_rate": 16000, "n_mfcc": 20, "log_mels": True, "norm": None,
     "melkwargs": {"n_fft": 320, "hop_length": 80, "n_mels": 30}},
])
def test_mfcc(kwargs):
    check_module(module("MFCC"), kwargs=kwargs, inputs=[_wave((2, 1600))], op="MFCC")


@pytest.mark.parametrize("kwargs", [
    {"sample_rate": 8000, "n_filter": 40, "n_lfcc": 13, "speckwargs": {"n_fft": 256}},
    {"sample_rate": 16000, "n_filter": 30, "n_lfcc": 20, "log_lf": True, "f_min": 50.0,
     "speckwargs": {"n_fft": 200, "hop_length": 50}},
])
def test_lfcc(kwargs):
    check_module(module("LFCC"), kwargs=kwargs, inputs=[_wave((2, 1600))], op="LFCC")


def test_inverse_spectrogram_and_griffinlim_modules():
    t, e = module_pair(module("InverseSpectrogram"), 64, hop_length=16)
    spec = np.random.default_rng(0).normal(size=(2, 33, 20, 2)).astype(np.float32)
    compare_module(t, e, [spec], call=lambda m, s: m(_lib_of(s).view_as_complex(s), 300),
                   op="InverseSpectrogram")
    t, e = module_pair(module("GriffinLim"), 64, 3, hop_length=16, rand_init=False, length=208)
    magnitude = np.random.default_rng(1).uniform(0, 1, (1, 33, 14)).astype(np.float32)
    compare_module(t, e, [magnitude], op="GriffinLim",
                   call=lambda m, s: m(s if GRAD_THROUGH_CMUL else s.detach()))


def test_griffinlim_random_initial_phases_follow_torch_stream():
    t, e = module_pair(module("GriffinLim"), 32, 2, hop_length=8, momentum=0.5)
    magnitude = np.random.default_rng(4).uniform(0, 1, (2, 17, 9)).astype(np.float32)
    compare_module(t, e, [magnitude], op="GriffinLim", seed=5,
                   call=lambda m, s: m(s if GRAD_THROUGH_CMUL else s.detach()))


def test_time_stretch_and_spectral_centroid_modules():
    t, e = module_pair(module("TimeStretch"), 16, 33, 1.25)
    spec = np.random.default_rng(2).normal(size=(2, 33, 10, 2)).astype(np.float32)

    compare_module(t, e, [spec], call=lambda m, s: _lib_of(s).view_as_real(
        m(_lib_of(s).view_as_complex(s))), op="TimeStretch")
    check_module(module("SpectralCentroid"), (8000,), kwargs={"n_fft": 128},
                 inputs=[_wave((2, 512))], op="SpectralCentroid")
    t, e = module_pair(module("FFTConvolve"), "valid")
    x, y = _wave((2, 60)), _wave((2, 9), 3)
    assert_same(e(ember.from_numpy(x), ember.from_numpy(y)),
                t(torch.from_numpy(x), torch.from_numpy(y)), **SPEC_TOL)


def test_pitch_shift_module():
    """A lazy module: its `kernel` parameter is made by the first call (no state to copy)."""
    t, e = module("PitchShift")(torch, 100, 3, n_fft=64), module("PitchShift")(ember, 100, 3,
                                                                              n_fft=64)
    assert repr(e.kernel) == repr(t.kernel) == "<UninitializedParameter>"
    compare_module(t, e, [_wave((2, 300))], op="PitchShift")
    assert type(e.kernel).__name__ == type(t.kernel).__name__ == "Parameter"
