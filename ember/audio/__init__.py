"""torchaudio's surface on ember: load/save/info, and the transforms, functional, datasets and
compliance.kaldi subpackages (imported on first attribute access, as `import ember` stays fast)."""
from __future__ import annotations

import importlib
import io
import os

from .. import from_numpy as _from_numpy
from . import _backend

__version__ = "2.11.0"
_SUBMODULES = ("compliance", "datasets", "functional", "transforms")
__all__ = ["AudioMetaData", "info", "list_audio_backends", "load", "save"]


class AudioMetaData:
    """What `info` reports about an audio file (torchaudio's AudioMetaData)."""

    def __init__(self, sample_rate: int, num_frames: int, num_channels: int,
                 bits_per_sample: int, encoding: str) -> None:
        self.sample_rate = sample_rate
        self.num_frames = num_frames
        self.num_channels = num_channels
        self.bits_per_sample = bits_per_sample
        self.encoding = encoding

    def __str__(self) -> str:
        return (f"AudioMetaData(sample_rate={self.sample_rate}, num_frames={self.num_frames}, "
                f"num_channels={self.num_channels}, bits_per_sample={self.bits_per_sample}, "
                f"encoding={self.encoding})")

    __repr__ = __str__


def list_audio_backends() -> list[str]:
    """The I/O backends available: "soundfile" when installed, and the stdlib WAV codec "wave"."""
    return _backend.available()


def info(uri, format: str | None = None, buffer_size: int = 4096,
         backend: str | None = None) -> AudioMetaData:
    """Sample rate, frame and channel counts, bits per sample and encoding of an audio file."""
    return AudioMetaData(*_backend.info(_path(uri), backend))


def load(uri, frame_offset: int = 0, num_frames: int = -1, normalize: bool = True,
         channels_first: bool = True, format: str | None = None, buffer_size: int = 4096,
         backend: str | None = None):
    """(waveform, sample_rate): float32 in [-1, 1] when `normalize`, else the file's integer type."""
    data, rate = _backend.read(_path(uri), frame_offset, num_frames, normalize, backend)
    if channels_first:
        data = data.T
    return _from_numpy(data.copy()), rate


def save(uri, src, sample_rate: int, channels_first: bool = True, format: str | None = None,
         encoding: str | None = None, bits_per_sample: int | None = None,
         buffer_size: int = 4096, backend: str | None = None, compression=None) -> None:
    """Write a (channel, time) tensor (or (time, channel) if not channels_first) as a WAV file."""
    if src.dim() != 2:
        raise ValueError(f"Expected 2D Tensor, got {src.dim()}D.")
    path = _path(uri)
    suffix = os.path.splitext(path)[1][1:] if isinstance(path, str) else ""
    fmt = (format or suffix or "wav").lower()
    if fmt != "wav":
        raise ValueError(f"ember.audio.save writes WAV only, not {fmt!r}")
    data = src.detach().numpy()
    _backend.write(path, data.T if channels_first else data, int(sample_rate), encoding,
                   bits_per_sample, backend)


def _path(uri):
    """A path as str; a file-like object as itself (its bytes are read from the start)."""
    if hasattr(uri, "read") and not (hasattr(uri, "seekable") and uri.seekable()):
        return io.BytesIO(uri.read())
    if hasattr(uri, "read") or hasattr(uri, "write"):
        return uri
    return os.fspath(uri)


def __getattr__(name: str):
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
