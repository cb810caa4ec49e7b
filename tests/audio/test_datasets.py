"""ember.audio.datasets against torchaudio.datasets on small archives this test writes and serves
from 127.0.0.1: the same download-and-extract paths (URLs and checksums redirected the way a user
could), folder layouts, lengths and __getitem__ tuples. torchaudio 2.11 decodes through
torchcodec, which is not installed here, so its `load` is replaced by a soundfile reader."""
import functools
import hashlib
import http.server
import os
import tarfile
import threading

import numpy as np
import pytest
import soundfile

import ember
import ember.audio
import ember.audio.datasets as edatasets
from tests.audio._lib import audio
from tests.oracle import assert_same
from tests.third_party import import_torchaudio


def _soundfile_load(path, *args, **kwargs):
    import torch

    data, rate = soundfile.read(os.fspath(path), dtype="float32", always_2d=True)
    return torch.from_numpy(data.T.copy()), rate


@pytest.fixture(scope="module")
def torchaudio():
    ta = import_torchaudio()
    original = ta.load
    ta.load = _soundfile_load
    yield ta
    ta.load = original


@pytest.fixture()
def server(tmp_path):
    """(folder served, base URL) of a local HTTP server."""
    folder = tmp_path / "served"
    folder.mkdir()
    handler = functools.partial(_QuietHandler, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield folder, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def _tone(path, seconds=0.1, rate=16000, freq=440.0, subtype="PCM_16"):
    t = np.arange(int(seconds * rate)) / rate
    os.makedirs(os.path.dirname(path), exist_ok=True)
    soundfile.write(path, 0.3 * np.sin(2 * np.pi * freq * t), rate, subtype=subtype)


def _archive(src_dir, archive, mode="w:gz") -> str:
    """Tar every file under src_dir (paths relative to it); returns the archive's SHA-256."""
    with tarfile.open(archive, mode) as tar:
        for name in sorted(os.listdir(src_dir)):
            tar.add(os.path.join(src_dir, name), arcname=name)
    return hashlib.sha256(open(archive, "rb").read()).hexdigest()


def _compare(torch_ds, ember_ds):
    assert len(ember_ds) == len(torch_ds) > 0
    for i in range(len(torch_ds)):
        assert_same(ember_ds[i], torch_ds[i], where=f"item {i}")


def _both(torchaudio, tmp_path, make):
    """make(lib_datasets, root) under torchaudio and ember, each in its own root folder."""
    out = []
    for name, lib in (("torch", torchaudio.datasets), ("ember", edatasets)):
        root = tmp_path / name
        root.mkdir()
        out.append(make(lib, root))
    return out


def test_dir_matches_torchaudio(torchaudio):
    assert dir(edatasets) == dir(torchaudio.datasets)
    assert edatasets.__all__ == torchaudio.datasets.__all__


@pytest.mark.parametrize("name", ["CMUARCTIC", "LIBRITTS", "VoxCeleb1Verification", "Snips"])
def test_unimplemented_datasets_name_themselves(name):
    with pytest.raises(NotImplementedError, match=name):
        getattr(edatasets, name)("root")


def test_yesno(torchaudio, server, tmp_path, monkeypatch):
    folder, base = server
    src = tmp_path / "src"
    for labels in ["0_0_1_1_0_1_0_1", "1_1_1_0_0_0_1_0", "0_1_0_0_1_1_1_1"]:
        _tone(str(src / "waves_yesno" / f"{labels}.wav"), rate=8000, freq=200 + 50 * len(labels))
    (src / "waves_yesno" / "README").write_text("yes/no\n")
    digest = _archive(src, folder / "waves_yesno.tar.gz")
    url = f"{base}/waves_yesno.tar.gz"
    for lib in (torchaudio.datasets, edatasets):
        monkeypatch.setitem(lib.yesno._RELEASE_CONFIGS["release1"], "checksum", digest)
    t, e = _both(torchaudio, tmp_path, lambda lib, root: lib.YESNO(root, url=url, download=True))
    _compare(t, e)
    assert e[0][2] == [0, 0, 1, 1, 0, 1, 0, 1]
    # a second construction finds the extracted folder; no download
    assert len(edatasets.YESNO(tmp_path / "ember")) == 3
    # the standard-library WAV reader gives the same items as soundfile
    monkeypatch.setattr(ember.audio._backend, "has_soundfile", lambda: False)
    _compare(t, edatasets.YESNO(tmp_path / "ember"))


def test_yesno_bad_checksum_and_missing(torchaudio, server, tmp_path):
    folder, base = server
    src = tmp_path / "src"
    _tone(str(src / "waves_yesno" / "0_1.wav"), rate=8000)
    _archive(src, folder / "waves_yesno.tar.gz")
    with pytest.raises(RuntimeError, match="invalid hash value"):
        edatasets.YESNO(tmp_path, url=f"{base}/waves_yesno.tar.gz", download=True)
    with pytest.raises(RuntimeError, match="Dataset not found"):
        edatasets.YESNO(tmp_path / "nowhere")


def _speech_commands_archive(src, folder):
    for label, speaker, n in [("yes", "0a7c2a8d", 0), ("yes", "0a7c2a8d", 1), ("no", "1b2c3d4e", 0),
                              ("no", "0a7c2a8d", 2), ("up", "ffd2ba2f", 3)]:
        _tone(str(src / label / f"{speaker}_nohash_{n}.wav"), freq=300 + 40 * n)
    _tone(str(src / "_background_noise_" / "white_noise.wav"))
    (src / "validation_list.txt").write_text("no/1b2c3d4e_nohash_0.wav\n")
    (src / "testing_list.txt").write_text("yes/0a7c2a8d_nohash_1.wav\nup/ffd2ba2f_nohash_3.wav\n")
    return _archive(src, folder / "speech_commands_v0.02.tar.gz")


@pytest.mark.parametrize("subset", [None, "training", "validation", "testing"])
def test_speechcommands(torchaudio, server, tmp_path, subset):
    folder, base = server
    _speech_commands_archive(tmp_path / "src", folder)
    url = f"{base}/speech_commands_v0.02.tar.gz"
    t, e = _both(torchaudio, tmp_path,
                 lambda lib, root: lib.SPEECHCOMMANDS(root, url=url, download=True, subset=subset))
    _compare(t, e)
    for i in range(len(t)):
        assert e.get_metadata(i) == t.get_metadata(i)
    with pytest.raises(ValueError):
        edatasets.SPEECHCOMMANDS(tmp_path / "ember", url=url, subset="train")


def test_librispeech(torchaudio, server, tmp_path, monkeypatch):
    folder, base = server
    src = tmp_path / "src"
    chapter = src / "LibriSpeech" / "dev-clean" / "84" / "121123"
    for i in range(3):
        _tone(str(chapter / f"84-121123-000{i}.flac"), freq=250 + 60 * i)
    (chapter / "84-121123.trans.txt").write_text(
        "84-121123-0000 GO DO YOU HEAR\n84-121123-0001 BUT IN LESS THAN FIVE MINUTES\n"
        "84-121123-0002 AT THIS MOMENT THE WHOLE SOUL OF THE OLD MAN\n")
    _tone(str(src / "LibriSpeech" / "dev-clean" / "1272" / "128104" / "1272-128104-0000.flac"))
    (src / "LibriSpeech" / "dev-clean" / "1272" / "128104" / "1272-128104.trans.txt").write_text(
        "1272-128104-0000 MISTER QUILTER IS THE APOSTLE\n")
    (folder / "resources" / "12").mkdir(parents=True)
    digest = _archive(src, folder / "resources" / "12" / "dev-clean.tar.gz")
    real_url = "http://www.openslr.org/resources/12/dev-clean.tar.gz"
    for lib in (torchaudio.datasets, edatasets):
        module = lib.librispeech
        real = module.download_url_to_file
        monkeypatch.setitem(module._CHECKSUMS, real_url, digest)
        monkeypatch.setattr(module, "download_url_to_file",
                            functools.partial(_redirect, real, "http://www.openslr.org", base))
    t, e = _both(torchaudio, tmp_path,
                 lambda lib, root: lib.LIBRISPEECH(root, url="dev-clean", download=True))
    _compare(t, e)
    assert e.get_metadata(1) == t.get_metadata(1)
    with pytest.raises(ValueError, match="Invalid url"):
        edatasets.LIBRISPEECH(tmp_path, url="dev-cleaner")
    with pytest.raises(RuntimeError, match="Dataset not found"):
        edatasets.LIBRISPEECH(tmp_path / "nowhere", url="dev-clean")


def _redirect(real, old, new, url, dst, hash_prefix=None, progress=True):
    real(url.replace(old, new), dst, hash_prefix=hash_prefix, progress=False)


def test_ljspeech(torchaudio, server, tmp_path, monkeypatch):
    folder, base = server
    src = tmp_path / "src"
    rows = ["LJ001-0001|Printing, in 1 sense.|Printing, in one sense.",
            'LJ001-0002|in being "comparatively" modern.|in being "comparatively" modern.']
    for i, row in enumerate(rows):
        _tone(str(src / "LJSpeech-1.1" / "wavs" / f"{row.split('|')[0]}.wav"), rate=22050,
              freq=200 + 100 * i)
    (src / "LJSpeech-1.1" / "metadata.csv").write_text("\n".join(rows) + "\n")
    digest = _archive(src, folder / "LJSpeech-1.1.tar.bz2", mode="w:bz2")
    for lib in (torchaudio.datasets, edatasets):
        monkeypatch.setitem(lib.ljspeech._RELEASE_CONFIGS["release1"], "checksum", digest)
    url = f"{base}/LJSpeech-1.1.tar.bz2"
    t, e = _both(torchaudio, tmp_path, lambda lib, root: lib.LJSPEECH(root, url=url, download=True))
    _compare(t, e)
    with pytest.raises(RuntimeError, match="doesn't exist"):
        edatasets.LJSPEECH(tmp_path / "nowhere")


def test_gtzan(torchaudio, server, tmp_path):
    folder, base = server
    src = tmp_path / "src"
    for name in ["blues.00000", "blues.00003", "rock.00010", "jazz.00001"]:
        _tone(str(src / "genres" / name.split(".")[0] / f"{name}.wav"), rate=22050)
    _tone(str(src / "genres" / "rock" / "rock.1.wav"), rate=22050)  # not <genre>.<5 digits>
    _archive(src, folder / "genres.tar.gz")
    url = f"{base}/genres.tar.gz"
    t, e = _both(torchaudio, tmp_path, lambda lib, root: lib.GTZAN(root, url=url, download=True))
    _compare(t, e)
    for subset in ("training", "validation", "testing"):
        ts = torchaudio.datasets.GTZAN(tmp_path / "torch", subset=subset)
        es = edatasets.GTZAN(tmp_path / "ember", subset=subset)
        assert es._walker == ts._walker and len(es) == len(ts)
    with pytest.raises(ValueError):
        edatasets.GTZAN(tmp_path / "ember", subset="train")


def test_dataloader_over_yesno(tmp_path):
    """The notebook's DataLoader(YESNO, batch_size=1, shuffle=True) yields (waveform, rate,
    labels) batches as torch's default collate makes them."""
    for labels in ["0_1_1", "1_0_0"]:
        _tone(str(tmp_path / "waves_yesno" / f"{labels}.wav"), rate=8000)
    loader = ember.utils.data.DataLoader(audio(ember).datasets.YESNO(tmp_path), batch_size=1,
                                         shuffle=False)
    waveform, rate, labels = next(iter(loader))
    assert waveform.shape == (1, 1, 800) and rate.tolist() == [8000]
    assert [x.tolist() for x in labels] == [[0], [1], [1]]
