"""Audio file I/O: soundfile when it is installed (the `audio` extra), else a standard-library WAV
codec ("wave": PCM 8/16/24/32-bit and IEEE float, which the stdlib `wave` module refuses).

soundfile is imported on first use, never when ember or ember.audio is imported.
"""
from __future__ import annotations

import contextlib
import importlib.util
import os
import struct

import numpy as np

_PCM_DTYPES = {1: np.uint8, 2: np.int16, 4: np.int32}
_SF_SUBTYPES = {  # soundfile subtype -> (encoding, bits_per_sample, dtype read when not normalized)
    "PCM_U8": ("PCM_U", 8, np.uint8), "PCM_S8": ("PCM_S", 8, np.int8),
    "PCM_16": ("PCM_S", 16, np.int16), "PCM_24": ("PCM_S", 24, np.int32),
    "PCM_32": ("PCM_S", 32, np.int32), "FLOAT": ("PCM_F", 32, np.float32),
    "DOUBLE": ("PCM_F", 64, np.float64), "ULAW": ("ULAW", 8, np.float32),
    "ALAW": ("ALAW", 8, np.float32),
}


def has_soundfile() -> bool:
    """Whether soundfile can be imported (checked without importing it)."""
    return importlib.util.find_spec("soundfile") is not None


def _soundfile():
    import soundfile

    return soundfile


def _opened(src, mode: str = "rb"):
    """A file object for a path (closed on exit) or a file-like object (rewound, left open)."""
    if isinstance(src, (str, os.PathLike)):
        return open(src, mode)
    if mode == "rb":
        src.seek(0)
    return contextlib.nullcontext(src)


def _rewound(src):
    if not isinstance(src, (str, os.PathLike)):
        src.seek(0)
    return src


# ---- reading ----------------------------------------------------------------------------------

def info(path, backend: str | None = None) -> tuple:
    """(sample_rate, num_frames, num_channels, bits_per_sample, encoding) of an audio file."""
    if _use_soundfile(backend):
        sf_info = _soundfile().info(_rewound(path))
        encoding, bits, _ = _SF_SUBTYPES.get(sf_info.subtype, ("UNKNOWN", 0, None))
        return sf_info.samplerate, sf_info.frames, sf_info.channels, bits, encoding
    rate, channels, width, fmt, _, frames = _wav_header(path)
    encoding = "PCM_F" if fmt == 3 else ("PCM_U" if width == 1 else "PCM_S")
    return rate, frames, channels, 8 * width, encoding


def read(path, frame_offset: int, num_frames: int, normalize: bool,
         backend: str | None = None) -> tuple[np.ndarray, int]:
    """Samples as a (time, channel) array and the sample rate; float32 in [-1, 1] if normalize."""
    if _use_soundfile(backend):
        sf = _soundfile()
        subtype = sf.info(_rewound(path)).subtype
        native = _SF_SUBTYPES.get(subtype, (None, None, np.float32))[2]
        if normalize or native not in (np.uint8, np.int8, np.int16, np.int32, np.float64):
            native = np.float32
        dtype = "int16" if native in (np.uint8, np.int8) else np.dtype(native).name
        data, rate = sf.read(_rewound(path), frames=num_frames, start=frame_offset, dtype=dtype,
                             always_2d=True)
        if native in (np.uint8, np.int8):  # soundfile reads 8-bit PCM as the top byte of int16
            data = (data >> 8) + (128 if native is np.uint8 else 0)
        return data.astype(native), rate
    rate, channels, width, fmt, offset, frames = _wav_header(path)
    start = min(frame_offset, frames)
    count = frames - start if num_frames < 0 else min(num_frames, frames - start)
    with _opened(path) as f:
        f.seek(offset + start * channels * width)
        raw = f.read(count * channels * width)
    if fmt == 3:
        data = np.frombuffer(raw, dtype="<f4" if width == 4 else "<f8").reshape(-1, channels)
        return (data.astype(np.float32) if normalize else data.copy()), rate
    if width == 3:  # 24-bit PCM: widen to int32 with the sample in the top three bytes
        b = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 3)
        data = np.zeros((len(b), 4), dtype=np.uint8)
        data[:, 1:] = b
        data = data.view("<i4").reshape(-1, channels)
        width = 4
    else:
        data = np.frombuffer(raw, dtype=np.dtype(_PCM_DTYPES[width]).newbyteorder("<"))
        data = data.reshape(-1, channels)
    if not normalize:
        return data.astype(_PCM_DTYPES[width]), rate
    if width == 1:
        return ((data.astype(np.float32) - 128.0) / 128.0), rate
    return (data / np.float32(2.0 ** (8 * width - 1))).astype(np.float32), rate


def _wav_header(path) -> tuple:
    """(rate, channels, sample width, format tag, data offset, frames) of a WAV file."""
    with _opened(path) as f:
        file_size = f.seek(0, 2)
        f.seek(0)
        head = f.read(12)
        if head[:4] != b"RIFF" or head[8:12] != b"WAVE":
            raise RuntimeError(f"Failed to open the input \"{path}\" (not a WAV file; install "
                               "soundfile for other formats)")
        while True:
            chunk = f.read(8)
            if len(chunk) < 8:
                raise RuntimeError(f"Failed to open the input \"{path}\" (no data chunk)")
            name, size = chunk[:4], struct.unpack("<I", chunk[4:])[0]
            if name == b"fmt ":
                body = f.read(size + (size & 1))
                tag, ch, sr, _, _, bits = struct.unpack("<HHIIHH", body[:16])
                if tag == 0xFFFE and len(body) >= 26:  # WAVE_FORMAT_EXTENSIBLE: the real tag
                    tag = struct.unpack("<H", body[24:26])[0]
                fmt_fields = (tag, ch, sr, bits // 8)
            elif name == b"data":
                offset = f.tell()
                break
            else:
                f.seek(size + (size & 1), 1)
    fmt, channels, rate, width = fmt_fields
    if fmt not in (1, 3):
        raise RuntimeError(f"Failed to open the input \"{path}\" (WAV format {fmt}; install "
                           "soundfile for it)")
    frames = min(size, file_size - offset) // (channels * width)
    return rate, channels, width, fmt, offset, frames


# ---- writing ----------------------------------------------------------------------------------

def _subtype(dtype: np.dtype, encoding: str | None, bits: int | None) -> tuple[str, int]:
    """WAV subtype for a dtype and the optional encoding/bits_per_sample, as torchaudio picks."""
    if encoding is None and bits is None:
        defaults = {"float32": ("PCM_F", 32), "float64": ("PCM_F", 64), "int32": ("PCM_S", 32),
                    "int16": ("PCM_S", 16), "uint8": ("PCM_U", 8)}
        if dtype.name not in defaults:
            raise ValueError(f"Unsupported dtype for wav: {dtype}")
        return defaults[dtype.name]
    if encoding is None:
        encoding = "PCM_U" if bits == 8 else ("PCM_F" if dtype.kind == "f" and bits != 16
                                             else "PCM_S")
    if bits is None:
        bits = {"PCM_U": 8, "PCM_F": 32}.get(encoding, 16 if dtype.kind == "f" else
                                            8 * dtype.itemsize)
    if (encoding, bits) not in {("PCM_U", 8), ("PCM_S", 16), ("PCM_S", 24), ("PCM_S", 32),
                                ("PCM_F", 32), ("PCM_F", 64)}:
        raise ValueError(f"wav does not support {encoding} with {bits} bits per sample")
    return encoding, bits


def write(path, data: np.ndarray, rate: int, encoding: str | None, bits: int | None,
          backend: str | None = None) -> None:
    """Write (time, channel) samples as WAV."""
    encoding, bits = _subtype(data.dtype, encoding, bits)
    data = np.ascontiguousarray(data)
    if _use_soundfile(backend):
        subtype = {("PCM_U", 8): "PCM_U8", ("PCM_F", 32): "FLOAT", ("PCM_F", 64): "DOUBLE"}.get(
            (encoding, bits), f"PCM_{bits}")
        if data.dtype in (np.uint8, np.int8):  # soundfile writes from int16 at the least
            data = (data.astype(np.int16) - (128 if data.dtype == np.uint8 else 0)) << 8
        _soundfile().write(path, data, rate, subtype=subtype, format="WAV")
        return
    width = bits // 8
    if encoding == "PCM_F":
        samples = data.astype("<f4" if bits == 32 else "<f8")
    else:
        samples = _to_pcm(data, bits)
    raw = samples.tobytes()
    tag = 3 if encoding == "PCM_F" else 1
    channels = data.shape[1]
    fmt = struct.pack("<HHIIHH", tag, channels, rate, rate * channels * width, channels * width,
                      bits)
    with _opened(path, "wb") as f:
        f.write(b"RIFF" + struct.pack("<I", 4 + 8 + len(fmt) + 8 + len(raw)) + b"WAVE")
        f.write(b"fmt " + struct.pack("<I", len(fmt)) + fmt)
        f.write(b"data" + struct.pack("<I", len(raw)) + raw)


def _to_pcm(data: np.ndarray, bits: int) -> np.ndarray:
    """Integer PCM samples (little-endian bytes) from float in [-1, 1] or integer samples."""
    if data.dtype.kind == "f":  # as libsndfile: round to 32 bits, then drop the low bits
        ints = np.clip(np.round(data.astype(np.float64) * 2.0**31), -2.0**31, 2.0**31 - 1)
        ints, src_bits = ints.astype(np.int64), 32
    else:  # integers keep their value, shifted to the target width
        src_bits = 8 * data.dtype.itemsize
        ints = data.astype(np.int64) - (128 if data.dtype == np.uint8 else 0)
    ints = ints << (bits - src_bits) if bits >= src_bits else ints >> (src_bits - bits)
    if bits == 8:
        return (ints + 128).astype(np.uint8)
    if bits == 24:
        b = ints.astype("<i4").view(np.uint8).reshape(*ints.shape, 4)
        return np.ascontiguousarray(b[..., :3])
    return ints.astype("<i2" if bits == 16 else "<i4")


def _use_soundfile(backend: str | None) -> bool:
    if backend not in (None, "soundfile", "wave"):
        raise ValueError(f"Backend \"{backend}\" is not one of available backends: "
                         f"{available()}.")
    if backend == "wave":
        return False
    if backend == "soundfile" and not has_soundfile():
        raise RuntimeError("Backend \"soundfile\" is not available: pip install soundfile")
    return has_soundfile()


def available() -> list[str]:
    """The backends this installation can use."""
    return (["soundfile"] if has_soundfile() else []) + ["wave"]
