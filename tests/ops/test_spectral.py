"""Differential tests of ember/ops/spectral.py's stft/istft against torch (values and grads)."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

from tests.oracle import check, check_raises


def _win(lib, kind, n, dtype):
    if kind is None:
        return None
    return lib.hann_window(n, dtype=dtype) if kind == "hann" else lib.ones(n, dtype=dtype)


# (n_fft, hop_length, win_length, center, pad_mode, normalized, onesided)
STFT_CASES = [
    (16, None, None, True, "reflect", False, None),
    (16, 4, 10, True, "constant", True, None),
    (15, 5, None, False, "reflect", False, False),
    (16, 3, 12, True, "replicate", False, True),
    (8, 8, None, True, "circular", True, False),
]


@pytest.mark.parametrize("case", STFT_CASES)
@pytest.mark.parametrize("window", [None, "hann"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_stft(case, window, dtype):
    n_fft, hop, win, center, pad_mode, normalized, onesided = case

    def fn(lib, x):
        w = _win(lib, window, win or n_fft, getattr(lib, dtype))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return lib.stft(x, n_fft, hop, win, w, center, pad_mode, normalized, onesided,
                            return_complex=True)
    check(fn, shapes=[(2, 40)], dtype=dtype)
    check(fn, shapes=[(33,)], dtype=dtype)
    check(fn, shapes=[(2, 40)], dtype=dtype, grad=False)  # no graph: windowed block by block


@pytest.mark.parametrize("wdtype", ["float32", "float64"])
def test_stft_without_grad_many_frames(wdtype):
    """More frames than one block of _fft_pocket.windowed_r2c (128), and a window of another
    dtype (which promotes, as in torch, on the general path)."""
    def fn(lib, x):
        w = lib.hann_window(16, dtype=getattr(lib, wdtype))
        return lib.stft(x, 16, 2, window=w, normalized=True, return_complex=True)
    check(fn, shapes=[(2, 300)], grad=False)


def test_stft_spectrogram_power():
    """The audio front end: |stft|^2 with a hann window, backward included."""
    def fn(lib, x):
        return lib.stft(x, 32, 8, window=lib.hann_window(32), return_complex=True).abs().pow(2.0)
    check(fn, shapes=[(3, 100)])


def test_stft_method_and_return_real():
    def fn(lib, x):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return x.stft(8, window=lib.hann_window(8), return_complex=False)
    check(fn, shapes=[(20,)])


def test_stft_complex_input():
    check(lambda lib, x: lib.stft(x, 8, 2, window=lib.hann_window(8), return_complex=True),
          shapes=[(2, 24)], dtype="complex64")
    check(lambda lib, x: lib.stft(x, 8, 2, window=lib.hann_window(8, dtype=lib.float64),
                                  onesided=False), shapes=[(24,)], dtype="complex128")


def test_stft_warns_once():
    """torch warns once per process about a missing window and about return_complex=False."""
    import ember
    from ember.ops import spectral
    spectral._WARNED.clear()
    x = ember.zeros(32)
    for _ in range(2):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            ember.stft(x, 8, return_complex=False)
        assert len(w) == (2 if _ == 0 else 0), [str(m.message) for m in w]
    assert "A window was not provided" in str(w and w[0].message or spectral._STFT_NO_WINDOW)


@pytest.mark.parametrize("call", [
    lambda lib, x: lib.stft(x, 8),  # return_complex is required for real input
    lambda lib, x: lib.stft(x, 64, window=lib.hann_window(64), return_complex=True),
    lambda lib, x: lib.stft(x, 8, 0, window=lib.hann_window(8), return_complex=True),
    lambda lib, x: lib.stft(x, 8, window=lib.hann_window(7), return_complex=True),
    lambda lib, x: lib.stft(x.reshape(1, 2, 10), 4, window=lib.hann_window(4),
                            return_complex=True),
    lambda lib, x: lib.stft(x, 8, window=lib.hann_window(8), win_length=9, return_complex=True),
])
def test_stft_errors(call):
    check_raises(call, shapes=[(20,)])


# (n_fft, hop_length, win_length, center, normalized, onesided, length)
ISTFT_CASES = [
    (16, None, None, True, False, None, None),
    (16, 4, 12, True, True, None, 50),
    (16, 4, None, True, False, False, 60),
    (15, 5, None, False, False, None, None),
]


@pytest.mark.parametrize("case", ISTFT_CASES)
@pytest.mark.parametrize("window", [None, "hann"])
def test_istft_roundtrip(case, window):
    n_fft, hop, win, center, normalized, onesided, length = case
    window = window if center else "ones"  # a hann window's zero edge fails istft's check

    def fn(lib, x):
        w = _win(lib, window, win or n_fft, lib.float64)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            spec = lib.stft(x, n_fft, hop, win, w, center, "reflect", normalized, onesided,
                            return_complex=True)
            return lib.istft(spec, n_fft, hop, win, w, center, normalized, onesided, length)
    check(fn, shapes=[(2, 48)], dtype="float64")


def test_istft_complex_output():
    def fn(lib, z):
        w = lib.hann_window(8, dtype=lib.float64)
        return lib.istft(lib.stft(z, 8, 2, window=w, return_complex=True), 8, 2, window=w,
                         return_complex=True, length=24)
    check(fn, shapes=[(24,)], dtype="complex128")


def test_istft_from_spectrum():
    rng = np.random.default_rng(3)
    spec = rng.standard_normal((9, 7)) + 1j * rng.standard_normal((9, 7))
    check(lambda lib, s: s.istft(16, 4, window=lib.hann_window(16, dtype=lib.float64)),
          inputs=[spec.astype(np.complex128)])


@pytest.mark.parametrize("call", [
    lambda lib, s: lib.istft(s.real, 16),
    lambda lib, s: lib.istft(s, 12),
    lambda lib, s: lib.istft(s, 16, onesided=False),
    lambda lib, s: lib.istft(s, 16, window=lib.hann_window(15)),
    lambda lib, s: lib.istft(s, 16, 20),
    lambda lib, s: lib.istft(s, 16, center=False, window=lib.hann_window(16)),
])
def test_istft_errors(call):
    spec = np.ones((9, 7), np.complex64)
    check_raises(call, inputs=[spec])
