"""Shared pieces of the datasets: the download (ember.hub's, as torchaudio uses torch.hub's),
archive extraction that skips files already there, and waveform loading with a sample-rate
check."""
from __future__ import annotations

import logging
import os
import tarfile
import zipfile

from ember import audio
from ember.utils.data import Dataset

_LG = logging.getLogger(__name__)


def _extract_tar(from_path: str, to_path: str | None = None, overwrite: bool = False) -> list:
    """Extract a tar archive beside itself (or into to_path); returns the files it holds."""
    to_path = os.path.dirname(from_path) if to_path is None else to_path
    files = []
    with tarfile.open(from_path, "r") as tar:
        for member in tar:
            path = os.path.join(to_path, member.name)
            if member.isfile():
                files.append(path)
                if os.path.exists(path):
                    _LG.info("%s already extracted.", path)
                    if not overwrite:
                        continue
            tar.extract(member, to_path, filter="data")
    return files


def _extract_zip(from_path: str, to_path: str | None = None, overwrite: bool = False) -> list:
    """Extract a zip archive beside itself (or into to_path); returns the names it holds."""
    to_path = os.path.dirname(from_path) if to_path is None else to_path
    with zipfile.ZipFile(from_path, "r") as archive:
        files = archive.namelist()
        for name in files:
            path = os.path.join(to_path, name)
            if os.path.exists(path):
                _LG.info("%s already extracted.", path)
                if not overwrite:
                    continue
            archive.extract(name, to_path)
    return files


def _load_waveform(root: str, filename: str, exp_sample_rate: int):
    """The waveform of root/filename, which must be sampled at exp_sample_rate."""
    waveform, sample_rate = audio.load(os.path.join(root, filename))
    if exp_sample_rate != sample_rate:
        raise ValueError(f"sample rate should be {exp_sample_rate}, but got {sample_rate}")
    return waveform


def _not_implemented(name: str, module: str) -> type:
    """A Dataset class named `name` whose constructor says that ember does not provide it yet."""
    def __init__(self, *args, **kwargs):
        raise NotImplementedError(f"ember.audio.datasets.{name} is not implemented yet (ember "
                                  "implements YESNO, SPEECHCOMMANDS, LIBRISPEECH, LJSPEECH and "
                                  "GTZAN)")

    return type(name, (Dataset,), {"__init__": __init__, "__module__": module,
                                   "__doc__": f"torchaudio's {name} (not implemented in ember)."})
