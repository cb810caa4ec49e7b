"""SPEECHCOMMANDS: one-second 16 kHz clips of 35 keywords in <label>/<speaker>_nohash_<n>.wav."""
from __future__ import annotations

import os
from pathlib import Path

from ember.hub import download_url_to_file
from ember.utils.data import Dataset

from .utils import _extract_tar, _load_waveform

FOLDER_IN_ARCHIVE = "SpeechCommands"
URL = "speech_commands_v0.02"
HASH_DIVIDER = "_nohash_"
EXCEPT_FOLDER = "_background_noise_"
SAMPLE_RATE = 16000
_CHECKSUMS = {
    "http://download.tensorflow.org/data/speech_commands_v0.01.tar.gz":
        "743935421bb51cccdb6bdd152e04c5c70274e935c82119ad7faeec31780d811d",
    "http://download.tensorflow.org/data/speech_commands_v0.02.tar.gz":
        "af14739ee7dc311471de98f5f9d2c9191b18aedfe957f4a6ff791c709868ff58",
}


def _load_list(root, *filenames) -> list:
    """Normalised paths listed (relative to root) in the given list files."""
    output = []
    for filename in filenames:
        with open(os.path.join(root, filename)) as f:
            output += [os.path.normpath(os.path.join(root, line.strip())) for line in f]
    return output


def _get_speechcommands_metadata(filepath: str, path: str) -> tuple:
    """(relative path, sample rate, label, speaker id, utterance number) of a clip."""
    relpath = os.path.relpath(filepath, path)
    reldir, filename = os.path.split(relpath)
    label = os.path.split(reldir)[1]
    speaker = os.path.splitext(os.path.splitext(filename)[0])[0]
    speaker_id, utterance_number = speaker.split(HASH_DIVIDER)
    return relpath, SAMPLE_RATE, label, speaker_id, int(utterance_number)


class SPEECHCOMMANDS(Dataset):
    """*Speech Commands*: items are (waveform, sample_rate, label, speaker_id, utterance_number)."""

    def __init__(self, root, url: str = URL, folder_in_archive: str = FOLDER_IN_ARCHIVE,
                 download: bool = False, subset: str | None = None) -> None:
        if subset is not None and subset not in ("training", "validation", "testing"):
            raise ValueError("When `subset` is not None, it must be one of ['training', "
                             "'validation', 'testing'].")
        if url in ("speech_commands_v0.01", "speech_commands_v0.02"):
            url = os.path.join("http://download.tensorflow.org/data/", url + ".tar.gz")
        root = os.fspath(root)
        self._archive = os.path.join(root, folder_in_archive)
        basename = os.path.basename(url)
        archive = os.path.join(root, basename)
        self._path = os.path.join(root, folder_in_archive, basename.rsplit(".", 2)[0])
        if download:
            if not os.path.isdir(self._path):
                if not os.path.isfile(archive):
                    download_url_to_file(url, archive, hash_prefix=_CHECKSUMS.get(url))
                _extract_tar(archive, self._path)
        elif not os.path.exists(self._path):
            raise RuntimeError(f"The path {self._path} doesn't exist. Please check the ``root`` "
                               "path or set `download=True` to download it")
        if subset == "validation":
            self._walker = _load_list(self._path, "validation_list.txt")
        elif subset == "testing":
            self._walker = _load_list(self._path, "testing_list.txt")
        else:
            excludes = set()
            if subset == "training":
                excludes = set(_load_list(self._path, "validation_list.txt", "testing_list.txt"))
            walker = sorted(str(p) for p in Path(self._path).glob("*/*.wav"))
            self._walker = [w for w in walker if HASH_DIVIDER in w and EXCEPT_FOLDER not in w
                            and os.path.normpath(w) not in excludes]

    def get_metadata(self, n: int) -> tuple:
        """The n-th item without its waveform: (relative path, sample_rate, label, speaker_id,
        utterance_number)."""
        return _get_speechcommands_metadata(self._walker[n], self._archive)

    def __getitem__(self, n: int) -> tuple:
        """(waveform, sample_rate, label, speaker_id, utterance_number) of the n-th clip."""
        metadata = self.get_metadata(n)
        return (_load_waveform(self._archive, metadata[0], metadata[1]),) + metadata[1:]

    def __len__(self) -> int:
        return len(self._walker)
