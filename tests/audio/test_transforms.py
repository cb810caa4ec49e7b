"""ember.audio.transforms against torchaudio.transforms, module by module on the same random input:
outputs, input gradients, state_dict keys and buffers, reprs; seeded random transforms draw in
torchaudio's order. (The STFT-based modules are in test_spectral.py.)"""
import contextlib

import numpy as np
import pytest
import torch

import ember
from tests.audio._lib import audio, module
from tests.oracle import assert_same, check_module, compare_module, module_pair, to_ember


def _wave(shape, seed=0, low=-0.8, high=0.8):
    return np.random.default_rng(seed).uniform(low, high, shape).astype(np.float32)


@pytest.mark.parametrize("args,kwargs", [
    ((16000, 8000), {}), ((8000, 11025), {"resampling_method": "sinc_interp_kaiser"}),
    ((441, 160), {"lowpass_filter_width": 4, "rolloff": 0.9}), ((8000, 8000), {}),
    ((16000, 12000), {"dtype": "float64"}),
])
def test_resample(args, kwargs):
    if kwargs.get("dtype"):
        t, e = module_pair(module("Resample"), *args, dtype="float64")
        assert_same(e.kernel, t.kernel)
        return
    check_module(module("Resample"), args, inputs=[_wave((2, 300))], kwargs=kwargs,
                 op="Resample")


@pytest.mark.parametrize("shape", ["linear", "exponential", "logarithmic", "quarter_sine",
                                   "half_sine"])
def test_fade(shape):
    check_module(module("Fade"), (20, 30, shape), inputs=[_wave((2, 100))])


@pytest.mark.parametrize("gain,gain_type", [(2.0, "amplitude"), (4.0, "db"), (0.3, "power")])
def test_vol(gain, gain_type):
    check_module(module("Vol"), (gain, gain_type), inputs=[_wave((2, 50))])


def test_vol_negative_gain_raises():
    with pytest.raises(ValueError):
        ember.audio.transforms.Vol(-1.0)


@pytest.mark.parametrize("name,args,iid,shape", [
    ("FrequencyMasking", (5,), False, (2, 12, 20)), ("FrequencyMasking", (5,), True, (3, 2, 12, 20)),
    ("TimeMasking", (6,), False, (12, 20)), ("TimeMasking", (6,), True, (2, 2, 12, 20)),
])
def test_masking(name, args, iid, shape):
    check_module(module(name), args + (iid,), inputs=[_wave(shape)], seed=11)


def test_time_masking_p_and_tensor_value():
    t, e = module_pair(module("TimeMasking"), 8, True, 0.5)
    compare_module(t, e, [_wave((2, 1, 6, 20))], seed=4, mask_value=np.float32(-2.0))


@pytest.mark.parametrize("iid,zero", [(True, False), (False, True)])
def test_spec_augment(iid, zero):
    check_module(module("SpecAugment"), (2, 5, 2, 3, iid, 1.0, zero), inputs=[_wave((2, 3, 10, 16))],
                 seed=7)


@pytest.mark.parametrize("win_length,mode", [(5, "replicate"), (9, "constant")])
def test_compute_deltas(win_length, mode):
    check_module(module("ComputeDeltas"), (win_length, mode), inputs=[_wave((2, 5, 30))])


def test_sliding_window_cmn():
    t, e = module_pair(module("SlidingWindowCmn"), 20, 5, True, True)
    x = _wave((2, 40, 4))
    assert_same(e(to_ember(torch.from_numpy(x))), t(torch.from_numpy(x)), rtol=1e-4, atol=1e-5)


def test_mu_law_modules():
    check_module(module("MuLawEncoding"), (128,), inputs=[_wave((2, 40), low=-1, high=1)])
    codes = np.random.default_rng(0).integers(0, 128, (2, 40))
    check_module(module("MuLawDecoding"), (128,), inputs=[codes])


@pytest.mark.parametrize("stype,top_db", [("power", None), ("magnitude", 40.0)])
def test_amplitude_to_db(stype, top_db):
    check_module(module("AmplitudeToDB"), (stype, top_db), inputs=[_wave((2, 8, 10), low=0,
                                                                        high=2)])


@pytest.mark.parametrize("kwargs", [{}, {"n_mels": 20, "sample_rate": 8000, "n_stft": 65,
                                         "f_min": 40.0, "norm": "slaney",
                                         "mel_scale": "slaney"}])
def test_mel_scale(kwargs):
    n_stft = kwargs.get("n_stft", 201)
    with pytest.warns(UserWarning) if not kwargs else contextlib.nullcontext():
        check_module(module("MelScale"), kwargs=kwargs, inputs=[_wave((2, n_stft, 5), low=0,
                                                                      high=1)])


def test_inverse_mel_scale():
    rng = np.random.default_rng(0)
    t, e = module_pair(module("InverseMelScale"), 33, 12, 8000)
    spec = rng.uniform(0, 1, (2, 33, 4)).astype(np.float32)
    mel = np.einsum("fm,bft->bmt", t.fb.numpy(), spec).astype(np.float32)
    compare_module(t, e, [mel], op="InverseMelScale")


@pytest.mark.parametrize("factor", [0.9, 1.1, 1.0])
def test_speed(factor):
    lengths = np.array([300, 250])
    check_module(module("Speed"), (8000, factor), inputs=[_wave((2, 300)), lengths])


def test_speed_perturbation_draws_like_torchaudio():
    t, e = module_pair(module("SpeedPerturbation"), 8000, [0.9, 1.0, 1.1])
    for seed in range(4):
        compare_module(t, e, [_wave((1, 200), seed)], seed=seed)


def test_emphasis_noise_convolve():
    check_module(module("Preemphasis"), (0.9,), inputs=[_wave((2, 30))])
    t, e = module_pair(module("Deemphasis"), 0.9)
    x = _wave((2, 30), low=-0.1, high=0.1)
    assert_same(e(to_ember(torch.from_numpy(x))), t(torch.from_numpy(x)))
    check_module(module("AddNoise"), inputs=[_wave((2, 30)), _wave((2, 30), 1),
                                             np.array([5.0, 10.0], np.float32)])
    check_module(module("Convolve"), ("same",), inputs=[_wave((2, 30)), _wave((2, 7), 2)])
    with pytest.raises(ValueError):
        audio(ember).transforms.Convolve("middle")


def test_loudness():
    t, e = module_pair(module("Loudness"), 8000)
    x = np.random.default_rng(0).uniform(-0.5, 0.5, (2, 6400))
    assert_same(e(to_ember(torch.from_numpy(x))), t(torch.from_numpy(x)))


def test_reprs_and_keys_of_every_module():
    cases = [("Resample", (16000, 8000)), ("Fade", ()), ("Vol", (0.5,)),
             ("FrequencyMasking", (3,)), ("TimeMasking", (3,)), ("SpecAugment", (1, 2, 1, 2)),
             ("ComputeDeltas", ()), ("SlidingWindowCmn", ()), ("MuLawEncoding", ()),
             ("MuLawDecoding", ()), ("AmplitudeToDB", ()), ("MelScale", (20, 8000, 0.0, None, 65)),
             ("Speed", (8000, 1.1)), ("SpeedPerturbation", (8000, [0.9, 1.1])),
             ("Preemphasis", ()), ("Deemphasis", ()), ("Convolve", ()), ("AddNoise", ()),
             ("Loudness", (8000,))]
    for name, args in cases:
        t, e = module_pair(module(name), *args)
        assert repr(e) == repr(t), name
