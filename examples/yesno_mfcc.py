"""Train a small yes/no word classifier on MFCC features of a YESNO-layout folder.

    python examples/yesno_mfcc.py [ROOT] [--epochs N] [--torch]

ROOT holds `waves_yesno/<l1>_..._<l8>.wav` (openslr.org/1: eight Hebrew words per file, 8 kHz,
labels 0 = no, 1 = yes in the name). Without ROOT the program synthesises such a folder: each word
a short tone, higher for 'yes', in noise. Each file is cut into eight equal segments, one per
word (exact for the synthetic folder, approximate for the real recordings); a word's feature is
the mean MFCC over its frames. The same lines print under ember (default, `ember.audio` as
torchaudio) and under PyTorch + torchaudio (`--torch`).
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import wave

import numpy as np

USE_TORCH = "--torch" in sys.argv
if USE_TORCH:
    import torch
    import torchaudio
    from torch import nn

    try:
        import torchcodec  # noqa: F401
    except ImportError:  # torchaudio >= 2.9 decodes through torchcodec: read WAVs with soundfile
        import soundfile

        def _load(path, *args, **kwargs):
            data, rate = soundfile.read(os.fspath(path), dtype="float32", always_2d=True)
            return torch.from_numpy(data.T.copy()), rate

        torchaudio.load = _load
else:
    import ember as torch
    import ember.audio as torchaudio
    from ember import nn

WORDS = 8


def synthesise(root: str, files: int = 24, rate: int = 8000, seconds: float = 0.125) -> None:
    """A YESNO-layout folder: `files` recordings of eight tone 'words' (yes 520 Hz, no 440 Hz) in noise."""
    rng = np.random.default_rng(0)
    folder = os.path.join(root, "waves_yesno")
    os.makedirs(folder, exist_ok=True)
    t = np.arange(int(seconds * rate)) / rate
    for _ in range(files):
        labels = rng.integers(0, 2, WORDS)
        words = [0.4 * np.sin(2 * np.pi * (520.0 if y else 440.0) * t + rng.uniform(0, 6.3))
                 for y in labels]
        signal = np.concatenate(words) + 0.6 * rng.standard_normal(len(t) * WORDS)
        name = "_".join(str(y) for y in labels) + ".wav"
        with wave.open(os.path.join(folder, name), "wb") as f:
            f.setnchannels(1)
            f.setsampwidth(2)
            f.setframerate(rate)
            f.writeframes((np.clip(signal, -1, 1) * 32767).astype("<i2").tobytes())


def word_features(dataset, mfcc) -> tuple:
    """(features (N, n_mfcc), labels (N,)): the mean MFCC of each of the eight word segments."""
    features, labels = [], []
    for waveform, _, words in dataset:
        coefficients = mfcc(waveform)[0]  # (n_mfcc, frames)
        for segment, label in zip(coefficients.chunk(WORDS, dim=-1), words):
            features.append(segment.mean(dim=-1))
            labels.append(label)
    return torch.stack(features), torch.tensor(labels)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", nargs="?", help="folder holding waves_yesno/ (default: synthesise)")
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--torch", action="store_true", help="run on PyTorch + torchaudio")
    args = parser.parse_args()
    tmp = None
    if args.root is None:
        tmp = tempfile.TemporaryDirectory()
        synthesise(tmp.name)
    torch.manual_seed(0)
    dataset = torchaudio.datasets.YESNO(args.root or tmp.name)
    sample_rate = dataset[0][1]
    mfcc = torchaudio.transforms.MFCC(sample_rate=sample_rate, n_mfcc=13,
                                      melkwargs={"n_fft": 256, "hop_length": 64, "n_mels": 32})
    features, labels = word_features(dataset, mfcc)
    features = (features - features.mean(dim=0)) / features.std(dim=0)
    split = len(labels) * 3 // 4
    train = torch.utils.data.TensorDataset(features[:split], labels[:split])
    loader = torch.utils.data.DataLoader(train, batch_size=16, shuffle=True)
    model = nn.Sequential(nn.Linear(13, 16), nn.ReLU(), nn.Linear(16, 2))
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    loss_fn = nn.CrossEntropyLoss()
    print(f"{len(dataset)} files at {sample_rate} Hz, {len(labels)} words, "
          f"features {tuple(features.shape)}")
    for epoch in range(args.epochs):
        total = 0.0
        for x, y in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(y)
        if epoch % 5 == 4 or epoch == args.epochs - 1:
            print(f"epoch {epoch + 1}: train loss {total / split:.4f}")
    with torch.no_grad():
        predicted = model(features).argmax(dim=1)
    for name, part in (("train", slice(None, split)), ("test", slice(split, None))):
        accuracy = (predicted[part] == labels[part]).float().mean().item()
        print(f"{name} accuracy: {100 * accuracy:.1f}%")
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    main()
