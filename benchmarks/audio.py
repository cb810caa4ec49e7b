"""Audio workloads: MelSpectrogram of 32 one-second 16 kHz clips (torchaudio's under torch,
ember.audio's under ember), and fft/rfft of 2^20 points.

    python -m benchmarks.run benchmarks.audio --threads 1 --rounds 3
"""
from __future__ import annotations

import importlib


def _audio(torch):
    return importlib.import_module("ember.audio" if torch.__name__ == "ember" else "torchaudio")


def bench_melspectrogram_32x1s(torch):
    """MelSpectrogram (n_fft 400, hop 200, 128 mels) of 32 one-second 16 kHz clips."""
    torch.manual_seed(0)
    transform = _audio(torch).transforms.MelSpectrogram(sample_rate=16000, n_fft=400,
                                                        hop_length=200, n_mels=128)
    x = torch.randn(32, 16000)
    return lambda: transform(x)


def bench_rfft_1m(torch):
    """torch.fft.rfft of 2^20 float32 points."""
    torch.manual_seed(0)
    x = torch.randn(1 << 20)
    return lambda: torch.fft.rfft(x)


def bench_fft_1m(torch):
    """torch.fft.fft of 2^20 float32 points (a real input, complex output)."""
    torch.manual_seed(0)
    x = torch.randn(1 << 20)
    return lambda: torch.fft.fft(x)


def bench_fft_complex_1m(torch):
    """torch.fft.fft of 2^20 complex64 points (ember: the four-step path of _fft_fourstep)."""
    torch.manual_seed(0)
    x = torch.complex(torch.randn(1 << 20), torch.randn(1 << 20))
    return lambda: torch.fft.fft(x)
