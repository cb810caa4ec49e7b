"""The spec notebook's "特别学习：torchaudio" section: a Dataset and DataLoader over
torchaudio.datasets.YESNO, and `dir(torchaudio.datasets)`. The YESNO archive is written locally
(eight 0.05 s tones per file, high for 'yes' and low for 'no') into a temporary folder, so
`download=True` extracts it instead of fetching it from openslr.org.
`python examples/spec_notebook/21_torchaudio.py` runs it on ember (`ember.audio` standing for
torchaudio), `... --torch` on PyTorch + torchaudio."""
import os
import sys
import tarfile
import tempfile
import wave

import numpy as np

if "--torch" in sys.argv:
    import torch
    import torch.utils.data
    import torchaudio

    try:
        import torchcodec  # noqa: F401
    except ImportError:
        # Deliberate addition: torchaudio >= 2.9 decodes through torchcodec; without it, read
        # the WAV files with soundfile as torchaudio's soundfile backend did.
        import soundfile

        def _load(path, *args, **kwargs):
            data, rate = soundfile.read(os.fspath(path), dtype="float32", always_2d=True)
            return torch.from_numpy(data.T.copy()), rate

        torchaudio.load = _load
else:
    import ember as torch
    import ember.audio as torchaudio
    import ember.utils.data

# Deliberate addition to the notebook: a fixed seed, so that the shuffled order is the same on
# both frameworks.
torch.manual_seed(0)

# ---- 写一个本地的 waves_yesno.tar.gz (代替 openslr.org 的下载) -------------------------------------
tmp = tempfile.TemporaryDirectory()
root = tmp.name
rng = np.random.default_rng(0)
rate = 8000
t = np.arange(int(0.05 * rate)) / rate
os.makedirs(os.path.join(root, "waves_yesno"))
for _ in range(6):
    labels = rng.integers(0, 2, 8)
    words = [np.sin(2 * np.pi * (700 if y else 300) * t) * 0.5 for y in labels]
    samples = (np.concatenate(words) * 32767).astype("<i2")
    name = "_".join(str(y) for y in labels) + ".wav"
    with wave.open(os.path.join(root, "waves_yesno", name), "wb") as f:
        f.setnchannels(1)
        f.setsampwidth(2)
        f.setframerate(rate)
        f.writeframes(samples.tobytes())
with tarfile.open(os.path.join(root, "waves_yesno.tar.gz"), "w:gz") as tar:
    tar.add(os.path.join(root, "waves_yesno"), arcname="waves_yesno")
for name in os.listdir(os.path.join(root, "waves_yesno")):
    os.remove(os.path.join(root, "waves_yesno", name))
os.rmdir(os.path.join(root, "waves_yesno"))

# 直接使用torchaudio自带的YESNO数据集构建dataset
# (root is the temporary folder instead of '.'; the archive is there, so nothing is downloaded)
yesno_data = torchaudio.datasets.YESNO(root, download=True)
data_loader = torch.utils.data.DataLoader(
    yesno_data,
    batch_size=1,
    shuffle=True,
    num_workers=4)

# Deliberate addition: look at what the dataset and the loader give
print(len(yesno_data), len(data_loader))
waveform, sample_rate, labels = yesno_data[0]
print(waveform.shape, waveform.dtype, sample_rate, labels)
print(waveform[0, :5])
for i, (waveform, sample_rate, labels) in enumerate(data_loader):
    print(i, waveform.shape, sample_rate, [int(y) for y in labels])

# torchaudio自带了许多数据集
print(dir(torchaudio.datasets))

tmp.cleanup()
