"""ember.audio.load/save/info on both backends (soundfile and the standard-library WAV codec):
the same samples, dtypes and metadata, files byte-identical to libsndfile's, and soundfile only
imported when I/O is used. torchaudio 2.11's own load needs torchcodec (not installed), so
soundfile is the reference here."""
import io
import subprocess
import sys

import numpy as np
import pytest
import soundfile

import ember
import ember.audio as ea

BACKENDS = ["soundfile", "wave"]
CASES = [  # (dtype of the saved tensor, encoding, bits_per_sample, soundfile subtype)
    ("float32", None, None, "FLOAT"), ("float64", None, None, "DOUBLE"),
    ("int16", None, None, "PCM_16"), ("int32", None, None, "PCM_32"),
    ("uint8", None, None, "PCM_U8"), ("float32", "PCM_S", 16, "PCM_16"),
    ("float32", "PCM_S", 24, "PCM_24"), ("float32", "PCM_S", 32, "PCM_32"),
    ("float32", "PCM_U", 8, "PCM_U8"), ("int16", "PCM_S", 32, "PCM_32"),
]


def _signal(dtype: str) -> np.ndarray:
    x = np.random.default_rng(0).uniform(-1, 1, (2, 50))
    if dtype.startswith("float"):
        return x.astype(dtype)
    if dtype == "uint8":
        return (x * 120 + 128).astype(np.uint8)
    return (x * 30000).astype(dtype)


@pytest.mark.parametrize("dtype,encoding,bits,subtype", CASES)
def test_save_load_matches_soundfile(tmp_path, dtype, encoding, bits, subtype):
    src = _signal(dtype)
    written = {}
    for backend in BACKENDS:
        path = tmp_path / f"{backend}.wav"
        ea.save(path, ember.from_numpy(src), 8000, encoding=encoding, bits_per_sample=bits,
                backend=backend)
        written[backend] = path
        assert soundfile.info(str(path)).subtype == subtype
    # the same samples as libsndfile wrote (the header of the stdlib codec is shorter)
    ref = soundfile.read(str(written["soundfile"]), dtype="float64")[0]
    assert np.array_equal(soundfile.read(str(written["wave"]), dtype="float64")[0], ref)
    for backend in BACKENDS:
        for path in written.values():
            wav, rate = ea.load(path, backend=backend)
            assert rate == 8000 and wav.dtype == ember.float32 and wav.shape == (2, 50)
            np.testing.assert_array_equal(wav.numpy(), ref.T.astype(np.float32))
            raw, _ = ea.load(path, frame_offset=5, num_frames=7, normalize=False,
                             channels_first=False, backend=backend)
            want = soundfile.read(str(path), start=5, frames=7, always_2d=True,
                                  dtype="float64")[0]
            assert raw.shape == (7, 2)
            assert raw.dtype == {"FLOAT": ember.float32, "DOUBLE": ember.float64,
                                 "PCM_16": ember.int16, "PCM_U8": ember.uint8}.get(subtype,
                                                                                  ember.int32)
            scale = 1 if raw.dtype.is_floating_point else 2 ** (8 * raw.element_size() - 1)
            offset = 128 if raw.dtype == ember.uint8 else 0
            np.testing.assert_allclose((raw.numpy().astype(np.float64) - offset) / scale, want)


@pytest.mark.parametrize("backend", BACKENDS)
def test_info(tmp_path, backend):
    path = tmp_path / "a.wav"
    soundfile.write(str(path), np.zeros((123, 3)), 22050, subtype="PCM_24")
    meta = ea.info(path, backend=backend)
    assert (meta.sample_rate, meta.num_frames, meta.num_channels, meta.bits_per_sample,
            meta.encoding) == (22050, 123, 3, 24, "PCM_S")
    assert str(meta) == ("AudioMetaData(sample_rate=22050, num_frames=123, num_channels=3, "
                         "bits_per_sample=24, encoding=PCM_S)")


def test_offsets_past_the_end_and_backends(tmp_path):
    path = tmp_path / "a.wav"
    soundfile.write(str(path), np.zeros((10, 1)), 8000, subtype="PCM_16")
    for backend in BACKENDS:
        assert ea.load(path, frame_offset=8, num_frames=5, backend=backend)[0].shape == (1, 2)
    assert "wave" in ea.list_audio_backends() and "soundfile" in ea.list_audio_backends()
    with pytest.raises(ValueError):
        ea.load(path, backend="sox")
    with pytest.raises(ValueError):
        ea.save(tmp_path / "b.wav", ember.zeros(3), 8000)
    (tmp_path / "c.wav").write_bytes(b"not a wave file")
    with pytest.raises(RuntimeError):
        ea.load(tmp_path / "c.wav", backend="wave")


@pytest.mark.parametrize("backend", BACKENDS)
def test_file_like_objects(tmp_path, backend):
    src = ember.from_numpy(_signal("float32"))
    buffer = io.BytesIO()
    ea.save(buffer, src, 8000, backend=backend)
    (tmp_path / "a.wav").write_bytes(buffer.getvalue())
    for source in (io.BytesIO(buffer.getvalue()), _Stream(buffer.getvalue())):
        wav, rate = ea.load(source, frame_offset=2, backend=backend)
        assert rate == 8000 and np.array_equal(wav.numpy(), src.numpy()[:, 2:])
    assert ea.info(io.BytesIO(buffer.getvalue()), backend=backend).num_frames == 50
    assert np.array_equal(ea.load(tmp_path / "a.wav")[0].numpy(), src.numpy())


class _Stream:
    """A file-like object that can only be read forwards (like an HTTP response)."""

    def __init__(self, data: bytes):
        self._data = io.BytesIO(data)

    def read(self, n: int = -1) -> bytes:
        return self._data.read(n)


def test_importing_does_not_import_soundfile():
    code = ("import sys, ember, ember.audio, ember.audio.transforms, ember.audio.datasets; "
            "assert 'soundfile' not in sys.modules; ember.audio.list_audio_backends(); "
            "assert 'soundfile' not in sys.modules; print('ok')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ok"
