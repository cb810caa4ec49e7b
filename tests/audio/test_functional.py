"""ember.audio.functional against torchaudio.functional: filter banks, DCT, decibels, mu-law,
masking, deltas, CMN, resampling and convolution (values, dtypes, gradients)."""
import numpy as np
import pytest
import torch

import ember
from tests.audio._lib import audio
from tests.oracle import check, check_raises


def AF(lib):
    return audio(lib).functional


@pytest.mark.parametrize("norm,mel_scale", [(None, "htk"), ("slaney", "slaney"),
                                            (None, "slaney"), ("slaney", "htk")])
def test_melscale_fbanks(norm, mel_scale):
    check(lambda lib: AF(lib).melscale_fbanks(201, 0.0, 8000.0, 40, 16000, norm, mel_scale),
          inputs=[])
    check(lambda lib: AF(lib).melscale_fbanks(65, 50.0, 3000.0, 12, 8000, norm, mel_scale),
          inputs=[])


def test_melscale_fbanks_warns_on_empty_filters():
    with pytest.warns(UserWarning, match="all zero values"):
        ember.audio.functional.melscale_fbanks(10, 0.0, 8000.0, 40, 16000)


def test_linear_fbanks():
    check(lambda lib: AF(lib).linear_fbanks(129, 20.0, 4000.0, 16, 8000), inputs=[])


@pytest.mark.parametrize("norm", [None, "ortho"])
def test_create_dct(norm):
    check(lambda lib: AF(lib).create_dct(13, 40, norm), inputs=[])


def test_bad_norms_raise():
    check_raises(lambda lib: AF(lib).create_dct(13, 40, "x"), inputs=[])
    check_raises(lambda lib: AF(lib).melscale_fbanks(9, 0.0, 10.0, 2, 20, "x"), inputs=[])
    check_raises(lambda lib: AF(lib).melscale_fbanks(9, 0.0, 10.0, 2, 20, None, "x"), inputs=[])


@pytest.mark.parametrize("multiplier,amin,db_mult,top_db,shape", [
    (10.0, 1e-10, 0.0, None, (5, 7)), (20.0, 1e-5, 1.0, 40.0, (3, 5, 7)),
    (10.0, 1e-10, 0.0, 20.0, (2, 3, 5, 7)), (10.0, 1e-10, 0.0, 30.0, (5, 7))])
def test_amplitude_to_DB(multiplier, amin, db_mult, top_db, shape):
    check(lambda lib, x: AF(lib).amplitude_to_DB(x, multiplier, amin, db_mult, top_db),
          shapes=[shape], low=0.0, high=3.0)


def test_DB_to_amplitude():
    check(lambda lib, x: AF(lib).DB_to_amplitude(x, 2.0, 0.5), shapes=[(4, 6)], low=-20, high=5)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_mu_law(dtype):
    check(lambda lib, x: AF(lib).mu_law_encoding(x, 256), shapes=[(3, 50)], low=-1, high=1,
          dtype=dtype, grad=False)
    codes = np.random.default_rng(0).integers(0, 256, (3, 50))
    check(lambda lib, x: AF(lib).mu_law_decoding(x, 256), inputs=[codes])
    check(lambda lib, x: AF(lib).mu_law_decoding(x, 256), shapes=[(4,)], low=0, high=255,
          dtype=dtype)


@pytest.mark.parametrize("win_length,mode", [(5, "replicate"), (3, "constant"), (7, "reflect")])
def test_compute_deltas(win_length, mode):
    check(lambda lib, x: AF(lib).compute_deltas(x, win_length, mode), shapes=[(2, 4, 9)])


def test_compute_deltas_short_window_raises():
    check_raises(lambda lib, x: AF(lib).compute_deltas(x, 2), shapes=[(4, 9)])


@pytest.mark.parametrize("center,norm_vars,shape", [(False, False, (30, 3)),
                                                    (True, True, (2, 30, 3)),
                                                    (False, True, (2, 1, 12, 4))])
def test_sliding_window_cmn(center, norm_vars, shape):
    # torchaudio's variance normalisation writes in place into tensors autograd saved: its
    # gradient is compared by finite differences instead
    check(lambda lib, x: AF(lib).sliding_window_cmn(x, 10, 4, center, norm_vars), shapes=[shape],
          rtol=1e-4, atol=1e-5, grad=not norm_vars)
    if norm_vars:
        x = ember.tensor(np.random.default_rng(0).normal(size=(12, 2)), requires_grad=True)
        assert ember.autograd.gradcheck(
            lambda x: AF(ember).sliding_window_cmn(x, 5, 2, center, True), (x,))


@pytest.mark.parametrize("orig,new,method", [(16000, 8000, "sinc_interp_hann"),
                                             (8000, 11025, "sinc_interp_hann"),
                                             (44100, 16000, "sinc_interp_kaiser"),
                                             (3, 5, "sinc_interp_kaiser")])
def test_resample(orig, new, method):
    check(lambda lib, x: AF(lib).resample(x, orig, new, resampling_method=method),
          shapes=[(2, 1, 300)], rtol=1e-4, atol=1e-5)
    check(lambda lib, x: AF(lib).resample(x, orig, new, 4, 0.9, method, 8.0),
          shapes=[(200,)], dtype="float64")


def test_resample_rejects_bad_frequencies():
    check_raises(lambda lib, x: AF(lib).resample(x, 0, 5), shapes=[(20,)])
    check_raises(lambda lib, x: AF(lib).resample(x, 4, 5, resampling_method="x"), shapes=[(20,)])


@pytest.mark.parametrize("axis", [1, 2])
def test_mask_along_axis(axis):
    def fn(lib, x):
        lib.manual_seed(3)
        return AF(lib).mask_along_axis(x, 4, 0.5, axis)

    check(fn, shapes=[(2, 10, 12)])


@pytest.mark.parametrize("axis,p,tensor_value", [(2, 1.0, False), (3, 0.5, False),
                                                 (3, 1.0, True)])
def test_mask_along_axis_iid(axis, p, tensor_value):
    def fn(lib, x):
        lib.manual_seed(5)
        value = lib.tensor(-1.0) if tensor_value else -1.0
        return AF(lib).mask_along_axis_iid(x, 6, value, axis, p)

    check(fn, shapes=[(3, 2, 10, 12)])


def test_mask_errors():
    check_raises(lambda lib, x: AF(lib).mask_along_axis_iid(x, 3, 0.0, 1), shapes=[(4, 5)])
    check_raises(lambda lib, x: AF(lib).mask_along_axis(x, 3, 0.0, 0), shapes=[(2, 4, 5)])
    check_raises(lambda lib, x: AF(lib).mask_along_axis(x, 3, 0.0, 1, 2.0), shapes=[(4, 5)])


def test_preemphasis_and_gain():
    check(lambda lib, x: AF(lib).preemphasis(x, 0.9), shapes=[(2, 20)])
    check(lambda lib, x: AF(lib).gain(x, 3.5), shapes=[(2, 20)])


@pytest.mark.parametrize("mode", ["full", "valid", "same"])
def test_convolve(mode):
    check(lambda lib, x, y: AF(lib).convolve(x, y, mode), shapes=[(2, 1, 20), (1, 3, 7)])
    check(lambda lib, x, y: AF(lib).convolve(x, y, mode), shapes=[(5,), (9,)])


def test_add_noise():
    snr = np.array([[10.0, 3.0]])
    lengths = np.array([[30, 21]])
    check(lambda lib, x, n, s: AF(lib).add_noise(x, n, s), shapes=[(1, 2, 30), (1, 2, 30), (1, 2)])
    rng = np.random.default_rng(1)
    check(lambda lib, x, n, s, L: AF(lib).add_noise(x, n, s, L),
          inputs=[rng.normal(size=(1, 2, 30)).astype(np.float32),
                  rng.normal(size=(1, 2, 30)).astype(np.float32), snr.astype(np.float32), lengths])


@pytest.mark.parametrize("factor", [0.9, 1.25])
def test_speed(factor):
    lengths = np.array([200, 150])
    check(lambda lib, x, n: AF(lib).speed(x, 8000, factor, n),
          inputs=[np.random.default_rng(0).uniform(-1, 1, (2, 200)).astype(np.float32), lengths],
          rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("rate,n_steps", [(100, 3), (8000, -12)])
def test_pitch_shift(rate, n_steps):
    # the resampling ratio 2 ** (n_steps / 12) reduced to integers sets the kernel size: keep it
    # small (100 -> 118 Hz, 8000 -> 4000 Hz)
    check(lambda lib, x: AF(lib).pitch_shift(x, rate, n_steps, n_fft=128), shapes=[(2, 600)],
          low=-0.8, high=0.8, rtol=1e-4, atol=1e-4, grad_rtol=1e-3, grad_atol=3e-4)


def test_loudness():
    check(lambda lib, x: AF(lib).loudness(x, 8000), shapes=[(2, 2, 6400)], low=-0.5, high=0.5,
          dtype="float64", grad=False)


def test_edit_distance():
    for a, b in [("kitten", "sitting"), ([1, 2, 3], [1, 3]), ("", "abc"), ("same", "same")]:
        assert ember.audio.functional.edit_distance(a, b) == \
            audio(None).functional.edit_distance(a, b)


@pytest.mark.parametrize("density,shaping,shape", [("TPDF", False, (2, 50)),
                                                   ("RPDF", True, (3, 40)),
                                                   ("GPDF", False, (2, 2, 30)),
                                                   ("TPDF", True, (1, 60))])
def test_dither(density, shaping, shape):
    def fn(lib, x):
        lib.manual_seed(7)
        return AF(lib).dither(x.clone(), density, shaping)

    check(fn, shapes=[shape], low=-0.9, high=0.9, grad=False)


def test_detect_pitch_frequency():
    t = np.arange(2400) / 8000
    tones = np.stack([np.sin(2 * np.pi * 220 * t), np.sin(2 * np.pi * 330 * t + 1)])
    check(lambda lib, x: AF(lib).detect_pitch_frequency(x, 8000, win_length=5),
          inputs=[(tones + 0.05 * np.random.default_rng(0).normal(size=tones.shape))
                  .astype(np.float32)], grad=False)


def test_merge_tokens():
    tokens = np.array([0, 0, 3, 3, 0, 5, 5, 5, 3, 0, 0, 3])
    scores = np.random.default_rng(0).uniform(0, 1, 12).astype(np.float32)
    for blank in (0, 3):
        want = audio(None).functional.merge_tokens(torch.from_numpy(tokens),
                                                   torch.from_numpy(scores), blank)
        have = ember.audio.functional.merge_tokens(ember.from_numpy(tokens),
                                                   ember.from_numpy(scores), blank)
        assert [(s.token, s.start, s.end, len(s)) for s in have] == \
            [(s.token, s.start, s.end, len(s)) for s in want]
        assert np.allclose([s.score for s in have], [s.score for s in want], rtol=1e-6)
