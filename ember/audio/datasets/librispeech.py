"""LIBRISPEECH: read English audiobooks, <subset>/<speaker>/<chapter>/<id>.flac + .trans.txt."""
from __future__ import annotations

import os
from pathlib import Path

from ember.hub import download_url_to_file
from ember.utils.data import Dataset

from .utils import _extract_tar, _load_waveform

URL = "train-clean-100"
FOLDER_IN_ARCHIVE = "LibriSpeech"
SAMPLE_RATE = 16000
_DATA_SUBSETS = ["dev-clean", "dev-other", "test-clean", "test-other", "train-clean-100",
                 "train-clean-360", "train-other-500"]
_BASE_URL = "http://www.openslr.org/resources/12/"
_CHECKSUMS = {_BASE_URL + name + ".tar.gz": digest for name, digest in zip(_DATA_SUBSETS, [
    "76f87d090650617fca0cac8f88b9416e0ebf80350acb97b343a85fa903728ab3",
    "12661c48e8c3fe1de2c1caa4c3e135193bfb1811584f11f569dd12645aa84365",
    "39fde525e59672dc6d1551919b1478f724438a95aa55f874b576be21967e6c23",
    "d09c181bba5cf717b3dee7d4d592af11a3ee3a09e08ae025c5506f6ebe961c29",
    "d4ddd1d5a6ab303066f14971d768ee43278a5f2a0aa43dc716b0e64ecbbbf6e2",
    "146a56496217e96c14334a160df97fffedd6e0a04e66b9c5af0d40be3c792ecf",
    "ddb22f27f96ec163645d53215559df6aa36515f26e01dd70798188350adcb6d2",
])}


def _download_librispeech(root: str, url: str) -> None:
    filename = url + ".tar.gz"
    archive = os.path.join(root, filename)
    download_url = os.path.join(_BASE_URL, filename)
    if not os.path.isfile(archive):
        download_url_to_file(download_url, archive, hash_prefix=_CHECKSUMS.get(download_url))
    _extract_tar(archive)


def _get_librispeech_metadata(fileid: str, root: str, folder: str, ext_audio: str,
                              ext_txt: str) -> tuple:
    """(relative path, sample rate, transcript, speaker, chapter, utterance) of an utterance."""
    speaker_id, chapter_id, utterance_id = fileid.split("-")
    fileid_audio = f"{speaker_id}-{chapter_id}-{utterance_id}"
    filepath = os.path.join(folder, speaker_id, chapter_id, f"{fileid_audio}{ext_audio}")
    file_text = os.path.join(root, folder, speaker_id, chapter_id,
                             f"{speaker_id}-{chapter_id}{ext_txt}")
    with open(file_text) as f:
        for line in f:
            fileid_text, transcript = line.strip().split(" ", 1)
            if fileid_audio == fileid_text:
                break
        else:
            raise FileNotFoundError(f"Translation not found for {fileid_audio}")
    return (filepath, SAMPLE_RATE, transcript, int(speaker_id), int(chapter_id),
            int(utterance_id))


class LIBRISPEECH(Dataset):
    """*LibriSpeech*: items are (waveform, sample_rate, transcript, speaker_id, chapter_id,
    utterance_id)."""

    _ext_txt = ".trans.txt"
    _ext_audio = ".flac"

    def __init__(self, root, url: str = URL, folder_in_archive: str = FOLDER_IN_ARCHIVE,
                 download: bool = False) -> None:
        self._url = url
        if url not in _DATA_SUBSETS:
            raise ValueError(f"Invalid url '{url}' given; please provide one of "
                             f"{_DATA_SUBSETS}.")
        root = os.fspath(root)
        self._archive = os.path.join(root, folder_in_archive)
        self._path = os.path.join(root, folder_in_archive, url)
        if not os.path.isdir(self._path):
            if not download:
                raise RuntimeError(f"Dataset not found at {self._path}. Please set "
                                   "`download=True` to download the dataset.")
            _download_librispeech(root, url)
        self._walker = sorted(str(p.stem) for p in Path(self._path).glob("*/*/*" + self._ext_audio))

    def get_metadata(self, n: int) -> tuple:
        """The n-th item without its waveform (its relative path first)."""
        return _get_librispeech_metadata(self._walker[n], self._archive, self._url,
                                         self._ext_audio, self._ext_txt)

    def __getitem__(self, n: int) -> tuple:
        """(waveform, sample_rate, transcript, speaker_id, chapter_id, utterance_id)."""
        metadata = self.get_metadata(n)
        return (_load_waveform(self._archive, metadata[0], metadata[1]),) + metadata[1:]

    def __len__(self) -> int:
        return len(self._walker)
