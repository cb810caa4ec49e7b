"""LJSPEECH: 13,100 clips of one speaker, LJSpeech-1.1/wavs/<id>.wav and metadata.csv."""
from __future__ import annotations

import csv
import os
from pathlib import Path

from ember import audio
from ember.hub import download_url_to_file
from ember.utils.data import Dataset

from .utils import _extract_tar

_RELEASE_CONFIGS = {
    "release1": {
        "folder_in_archive": "wavs",
        "url": "https://data.keithito.com/data/speech/LJSpeech-1.1.tar.bz2",
        "checksum": "be1a30453f28eb8dd26af4101ae40cbf2c50413b1bb21936cbcdc6fae3de8aa5",
    }
}


class LJSPEECH(Dataset):
    """*LJSpeech-1.1*: items are (waveform, sample_rate, transcript, normalized_transcript)."""

    def __init__(self, root, url: str = _RELEASE_CONFIGS["release1"]["url"],
                 folder_in_archive: str = _RELEASE_CONFIGS["release1"]["folder_in_archive"],
                 download: bool = False) -> None:
        self._parse_filesystem(root, url, folder_in_archive, download)

    def _parse_filesystem(self, root, url: str, folder_in_archive: str, download: bool) -> None:
        root = Path(root)
        basename = os.path.basename(url)
        archive = root / basename
        basename = Path(basename.split(".tar.bz2")[0])
        self._path = root / basename / folder_in_archive
        self._metadata_path = root / basename / "metadata.csv"
        if download:
            if not os.path.isdir(self._path):
                if not os.path.isfile(archive):
                    checksum = _RELEASE_CONFIGS["release1"]["checksum"]
                    download_url_to_file(url, archive, hash_prefix=checksum)
                _extract_tar(archive)
        elif not os.path.exists(self._path):
            raise RuntimeError(f"The path {self._path} doesn't exist. Please check the ``root`` "
                               "path or set `download=True` to download it")
        with open(self._metadata_path, newline="") as metadata:
            self._flist = list(csv.reader(metadata, delimiter="|", quoting=csv.QUOTE_NONE))

    def __getitem__(self, n: int) -> tuple:
        """(waveform, sample_rate, transcript, normalized_transcript) of the n-th clip."""
        fileid, transcript, normalized_transcript = self._flist[n]
        waveform, sample_rate = audio.load(self._path / (fileid + ".wav"))
        return waveform, sample_rate, transcript, normalized_transcript

    def __len__(self) -> int:
        return len(self._flist)
