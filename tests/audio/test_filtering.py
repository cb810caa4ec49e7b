"""ember.audio.functional's filters against torchaudio's: lfilter, the biquads, filtfilt and the
SoX effects. torchaudio's pure-Python lfilter cannot backpropagate (its IIR loop writes in place
into a tensor its FIR backward saved), so values are compared with torchaudio and gradients are
checked by finite differences (gradcheck) instead."""
import numpy as np
import pytest

import ember
from tests.audio._lib import audio
from tests.oracle import check, check_raises


def AF(lib):
    return audio(lib).functional


def _coeffs(lib, a, b):
    return lib.tensor(a, dtype=lib.float64), lib.tensor(b, dtype=lib.float64)


A2, B2 = [1.0, -1.2, 0.5], [0.3, 0.1, -0.05]


@pytest.mark.parametrize("clamp", [True, False])
def test_lfilter_1d_coefficients(clamp):
    check(lambda lib, x, a, b: AF(lib).lfilter(x, a, b, clamp=clamp),
          inputs=[np.random.default_rng(0).uniform(-1, 1, (2, 3, 40)), np.array(A2), np.array(B2)],
          grad=False)


def test_lfilter_gradients_match_finite_differences():
    rng = np.random.default_rng(3)
    x = ember.tensor(rng.uniform(-1, 1, (2, 2, 12)), requires_grad=True)
    a = ember.tensor([[1.0, -0.5, 0.1], [2.0, 0.3, -0.2]], dtype=ember.float64,
                     requires_grad=True)
    b = ember.tensor([[0.5, 0.2, 0.1], [1.0, -0.4, 0.3]], dtype=ember.float64,
                     requires_grad=True)
    lfilter = ember.audio.functional.lfilter
    assert ember.autograd.gradcheck(lambda x, a, b: lfilter(x, a, b, clamp=False), (x, a, b))
    assert ember.autograd.gradgradcheck(lambda x, a, b: lfilter(x, a, b, clamp=False),
                                        (x, a, b))


def test_lfilter_per_channel_coefficients():
    a = np.array([[1.0, -0.5, 0.1], [2.0, 0.3, -0.2]])
    b = np.array([[0.5, 0.2, 0.1], [1.0, -0.4, 0.3]])
    x = np.random.default_rng(1).uniform(-1, 1, (4, 2, 25))
    check(lambda lib, x, a, b: AF(lib).lfilter(x, a, b, clamp=False), inputs=[x, a, b],
          grad=False)
    check(lambda lib, x, a, b: AF(lib).lfilter(x, a, b, False, False),
          inputs=[x[:, 0], a, b], grad=False)


def test_lfilter_float32():
    check(lambda lib, x: AF(lib).lfilter(x, lib.tensor(A2), lib.tensor(B2)), shapes=[(3, 50)],
          low=-1, high=1, grad=False)


def test_lfilter_errors():
    check_raises(lambda lib, x: AF(lib).lfilter(x, lib.ones(3), lib.ones(2)), shapes=[(5,)])
    check_raises(lambda lib, x: AF(lib).lfilter(x, lib.ones(2, 3), lib.ones(2, 3)),
                 shapes=[(3, 5)])


def test_filtfilt():
    check(lambda lib, x, a, b: AF(lib).filtfilt(x, a, b),
          inputs=[np.random.default_rng(2).uniform(-1, 1, (2, 30)), np.array(A2), np.array(B2)],
          grad=False)


BIQUADS = [
    ("allpass_biquad", (8000, 1000.0)), ("band_biquad", (8000, 900.0, 0.9)),
    ("band_biquad", (8000, 900.0, 0.9, True)), ("bandpass_biquad", (8000, 700.0)),
    ("bandpass_biquad", (8000, 700.0, 0.5, True)), ("bandreject_biquad", (8000, 1200.0)),
    ("bass_biquad", (8000, 6.0)), ("bass_biquad", (8000, -4.0, 200.0, 0.5)),
    ("treble_biquad", (8000, 5.0)), ("equalizer_biquad", (8000, 1500.0, -3.0)),
    ("highpass_biquad", (8000, 300.0)), ("lowpass_biquad", (8000, 2000.0, 0.9)),
    ("deemph_biquad", (44100,)), ("riaa_biquad", (48000,)),
]


@pytest.mark.parametrize("name,args", BIQUADS, ids=[f"{n}{len(a)}" for n, a in BIQUADS])
def test_biquads(name, args):
    check(lambda lib, x: getattr(AF(lib), name)(x, *args), shapes=[(2, 60)], low=-0.5, high=0.5,
          dtype="float64", grad=False)


def test_biquad_float32():
    check(lambda lib, x: AF(lib).lowpass_biquad(x, 16000, 3000.0), shapes=[(1, 2, 80)],
          low=-0.5, high=0.5, rtol=1e-4, atol=1e-5, grad=False)


def test_biquad_bad_rates():
    check_raises(lambda lib, x: AF(lib).riaa_biquad(x, 8000), shapes=[(10,)])
    check_raises(lambda lib, x: AF(lib).deemph_biquad(x, 8000), shapes=[(10,)])


@pytest.mark.parametrize("shift,limiter", [(0.3, None), (0.4, 0.05), (-0.4, 0.05)])
def test_dcshift(shift, limiter):
    check(lambda lib, x: AF(lib).dcshift(x.clone(), shift, limiter), shapes=[(2, 40)], low=-1,
          high=1, grad=False)


def test_contrast_and_deemphasis():
    check(lambda lib, x: AF(lib).contrast(x, 60.0), shapes=[(2, 30)], low=-1, high=1)
    check(lambda lib, x: AF(lib).deemphasis(x, 0.9), shapes=[(2, 30)], low=-0.1, high=0.1, grad=False)


@pytest.mark.parametrize("gain,colour", [(20, 20), (5, 60)])
def test_overdrive(gain, colour):
    check(lambda lib, x: AF(lib).overdrive(x, gain, colour), shapes=[(2, 80)], low=-0.2,
          high=0.2, grad=False, rtol=1e-4, atol=1e-5)
