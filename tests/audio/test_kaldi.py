"""ember.audio.compliance.kaldi against torchaudio.compliance.kaldi: spectrogram, fbank and mfcc
over the option combinations Kaldi recipes use (values, dtypes, gradients)."""
import pytest

from tests.audio._lib import audio
from tests.oracle import check

TOL = {"rtol": 1e-4, "atol": 1e-4}


def K(lib):
    return audio(lib).compliance.kaldi


FBANK_OPTIONS = [
    {},
    {"num_mel_bins": 40, "use_energy": True, "window_type": "hamming", "snip_edges": False},
    {"use_energy": True, "htk_compat": True, "raw_energy": False, "subtract_mean": True,
     "low_freq": 40.0, "high_freq": -200.0, "window_type": "hanning"},
    {"vtln_warp": 0.9, "use_power": False, "use_log_fbank": False, "window_type": "blackman",
     "round_to_power_of_two": False, "frame_length": 20.0, "preemphasis_coefficient": 0.0},
    {"window_type": "rectangular", "remove_dc_offset": False, "energy_floor": 0.0,
     "sample_frequency": 8000.0, "num_mel_bins": 15},
]


@pytest.mark.parametrize("options", FBANK_OPTIONS)
def test_fbank(options):
    check(lambda lib, x: K(lib).fbank(x, **options), shapes=[(1, 2400)], low=-0.5, high=0.5,
          **TOL)


MFCC_OPTIONS = [
    {},
    {"use_energy": True, "num_ceps": 20, "num_mel_bins": 30, "snip_edges": False},
    {"htk_compat": True, "cepstral_lifter": 0.0, "channel": 1},
    {"htk_compat": True, "use_energy": True, "subtract_mean": True},
]


@pytest.mark.parametrize("options", MFCC_OPTIONS)
def test_mfcc(options):
    # the log of small mel bins amplifies float32 FFT rounding in the gradient: torch's own is up
    # to 2e-4 off its float64 gradient, so float32 gets 3e-4 there and float64 pins the formulas
    check(lambda lib, x: K(lib).mfcc(x, **options), shapes=[(2, 2000)], low=-0.5, high=0.5,
          **TOL, grad_atol=3e-4)
    check(lambda lib, x: K(lib).mfcc(x, **options), shapes=[(2, 2000)], low=-0.5, high=0.5,
          dtype="float64", rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("options", [{}, {"subtract_mean": True, "snip_edges": False,
                                          "window_type": "hamming", "raw_energy": False}])
def test_spectrogram(options):
    # the log of tiny bins amplifies FFT rounding in the gradient
    check(lambda lib, x: K(lib).spectrogram(x, **options), shapes=[(1, 1600)], low=-0.5,
          high=0.5, rtol=1e-4, atol=3e-4)


def test_fbank_float64_and_min_duration():
    # the mel banks are built in float32 (as torchaudio builds them) before the cast to float64
    check(lambda lib, x: K(lib).fbank(x, num_mel_bins=10), shapes=[(1, 800)], dtype="float64",
          low=-0.5, high=0.5, rtol=1e-4, atol=2e-8)
    check(lambda lib, x: K(lib).fbank(x, min_duration=1.0), shapes=[(1, 800)], low=-0.5,
          high=0.5, grad=False)


def test_mel_banks_with_vtln():
    check(lambda lib: K(lib).get_mel_banks(23, 512, 16000.0, 20.0, 0.0, 100.0, -500.0, 1.1),
          inputs=[], **TOL)
