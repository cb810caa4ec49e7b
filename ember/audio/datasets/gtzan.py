"""GTZAN: 1,000 30-second music clips in 10 genres, genres/<genre>/<genre>.<5 digits>.wav; the
training/validation/testing subsets are the fault-filtered split of Kereliuk et al. (2015)."""
from __future__ import annotations

import os

from ember import audio
from ember.hub import download_url_to_file
from ember.utils.data import Dataset

from .utils import _extract_tar

gtzan_genres = ["blues", "classical", "country", "disco", "hiphop", "jazz", "metal", "pop",
                "reggae", "rock"]

_FILTERED_TRAIN = {  # genre -> clip numbers (ranges inclusive)
    "blues": "29-49 73-97",
    "classical": "30-33 43-48 50-67 80-99",
    "country": "19-26 28-29 65-99",
    "disco": "5 15-20 22-37 39-45 47 49 53-54 56-57 59 61 70 73-74 89",
    "hiphop": "2-25 28-29 31-38 41-42 55-61 77-80",
    "jazz": "0-1 11-24 41 47-72",
    "metal": "2-3 5 21 24 35 46-57 59-66 69 71-72 79-80 84 86 89-99",
    "pop": "2-9 11-12 16-20 23-29 31-36 38-42 44 46 49-50 80 97-99",
    "reggae": "0-2 4 6 9 11-12 14-32 42-45 49-51 54-60 63 69",
    "rock": "0-9 16-26 57-70 91-99",
}
_FILTERED_VALID = {  # genre -> clip numbers (ranges inclusive)
    "blues": "0-11 50-60",
    "classical": "0-10 68-76",
    "country": "0-7 9-18 27 41-42 45 49",
    "disco": "0 2-4 6-14 46 48 52 67-68 72 75 90 95",
    "hiphop": "81-98",
    "jazz": "2-10 25-32",
    "metal": "0-1 6-11 16-20 36-37 68 76-77 81-82",
    "pop": "10 53 55 58-62 81 83-86",
    "reggae": "61-62 70 72 74 76-78 85 92-99",
    "rock": "38 49-56 71-85",
}
_FILTERED_TEST = {  # genre -> clip numbers (ranges inclusive)
    "blues": "12-28 61-72 98-99",
    "classical": "11-29 34-41 49 77-79",
    "country": "30-40 43-44 46-48 50-51 53-64",
    "disco": "1 21 58 62-66 69 76-88 91-94 96-97 99",
    "hiphop": "0 26-27 30 40 43-45 51-54 62-75 99",
    "jazz": "73-99",
    "metal": "12-15 22-23 25-33 38-39 67 70 73-75 78 83 85 87-88",
    "pop": "0-1 13-14 43 63-66 69-79 82 88-96",
    "reggae": "34-40 46-48 52-53 64-68 71 79 82-84 87-90",
    "rock": "10-15 27-37 39-48 86-90",
}


def _expand(ranges: dict) -> list[str]:
    """File ids ("blues.00012") in genre order from the genre -> "a-b c ..." tables."""
    ids = []
    for genre in gtzan_genres:
        for part in ranges[genre].split():
            first, _, last = part.partition("-")
            ids += [f"{genre}.{n:05d}" for n in range(int(first), int(last or first) + 1)]
    return ids


filtered_train = _expand(_FILTERED_TRAIN)
filtered_valid = _expand(_FILTERED_VALID)
filtered_test = _expand(_FILTERED_TEST)
URL = "http://opihi.cs.uvic.ca/sound/genres.tar.gz"
FOLDER_IN_ARCHIVE = "genres"
_CHECKSUMS = {
    "http://opihi.cs.uvic.ca/sound/genres.tar.gz":
        "24347e0223d2ba798e0a558c4c172d9d4a19c00bb7963fe055d183dadb4ef2c6"
}


def load_gtzan_item(fileid: str, path: str, ext_audio: str) -> tuple:
    """(waveform, sample_rate, genre) of one clip."""
    label = fileid.split(".")[0]
    waveform, sample_rate = audio.load(os.path.join(path, label, fileid + ext_audio))
    return waveform, sample_rate, label


class GTZAN(Dataset):
    """*GTZAN* genre collection: items are (waveform, sample_rate, label)."""

    _ext_audio = ".wav"

    def __init__(self, root, url: str = URL, folder_in_archive: str = FOLDER_IN_ARCHIVE,
                 download: bool = False, subset: str | None = None) -> None:
        root = os.fspath(root)
        self.root, self.url, self.folder_in_archive = root, url, folder_in_archive
        self.download, self.subset = download, subset
        if subset is not None and subset not in ("training", "validation", "testing"):
            raise ValueError("When `subset` is not None, it must be one of ['training', "
                             "'validation', 'testing'].")
        archive = os.path.join(root, os.path.basename(url))
        self._path = os.path.join(root, folder_in_archive)
        if download and not os.path.isdir(self._path):
            if not os.path.isfile(archive):
                download_url_to_file(url, archive, hash_prefix=_CHECKSUMS.get(url))
            _extract_tar(archive)
        if not os.path.isdir(self._path):
            raise RuntimeError("Dataset not found. Please use `download=True` to download it.")
        if subset is None:
            self._walker = self._scan(os.path.expanduser(self._path))
        else:
            self._walker = {"training": filtered_train, "validation": filtered_valid,
                            "testing": filtered_test}[subset]

    @staticmethod
    def _scan(root: str) -> list[str]:
        """<genre>.<5 digits> ids of the .wav files found under root/<genre>/."""
        walker = []
        for genre in gtzan_genres:
            folder = os.path.join(root, genre)
            if not os.path.exists(folder):
                continue
            for fname in sorted(os.listdir(folder)):
                name, ext = os.path.splitext(fname)
                if ext.lower() == ".wav" and "." in name:
                    prefix, num = name.split(".")
                    if prefix in gtzan_genres and len(num) == 5 and num.isdigit():
                        walker.append(name)
        return walker

    def __getitem__(self, n: int) -> tuple:
        """(waveform, sample_rate, label) of the n-th clip."""
        return load_gtzan_item(self._walker[n], self._path, self._ext_audio)

    def __len__(self) -> int:
        return len(self._walker)
