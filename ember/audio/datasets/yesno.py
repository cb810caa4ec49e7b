"""YESNO: 60 recordings of eight Hebrew yes/no words; labels are the 0/1 digits of the name."""
from __future__ import annotations

import os
from pathlib import Path

from ember import audio
from ember.hub import download_url_to_file
from ember.utils.data import Dataset

from .utils import _extract_tar

_RELEASE_CONFIGS = {
    "release1": {
        "folder_in_archive": "waves_yesno",
        "url": "http://www.openslr.org/resources/1/waves_yesno.tar.gz",
        "checksum": "c3f49e0cca421f96b75b41640749167b52118f232498667ca7a5f9416aef8e73",
    }
}


class YESNO(Dataset):
    """*YesNo* dataset: items are (waveform, sample_rate, labels)."""

    def __init__(self, root, url: str = _RELEASE_CONFIGS["release1"]["url"],
                 folder_in_archive: str = _RELEASE_CONFIGS["release1"]["folder_in_archive"],
                 download: bool = False) -> None:
        self._parse_filesystem(root, url, folder_in_archive, download)

    def _parse_filesystem(self, root, url: str, folder_in_archive: str, download: bool) -> None:
        root = Path(root)
        archive = root / os.path.basename(url)
        self._path = root / folder_in_archive
        if download and not os.path.isdir(self._path):
            if not os.path.isfile(archive):
                checksum = _RELEASE_CONFIGS["release1"]["checksum"]
                download_url_to_file(url, archive, hash_prefix=checksum)
            _extract_tar(archive)
        if not os.path.isdir(self._path):
            raise RuntimeError("Dataset not found. Please use `download=True` to download it.")
        self._walker = sorted(str(p.stem) for p in Path(self._path).glob("*.wav"))

    def _load_item(self, fileid: str, path: str):
        labels = [int(c) for c in fileid.split("_")]
        waveform, sample_rate = audio.load(os.path.join(path, fileid + ".wav"))
        return waveform, sample_rate, labels

    def __getitem__(self, n: int):
        """(waveform, sample_rate, labels) of the n-th recording."""
        return self._load_item(self._walker[n], self._path)

    def __len__(self) -> int:
        return len(self._walker)
