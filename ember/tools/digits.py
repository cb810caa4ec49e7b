"""The UCI optical handwritten digits (1,797 8x8 images, labels 0..9), shipped with ember.

Licence CC BY 4.0; citation in data/DIGITS_LICENSE.txt beside this file.
"""
from __future__ import annotations

import gzip
import pathlib

import numpy as np

DATA_FILE = pathlib.Path(__file__).resolve().parent / "data" / "digits.csv.gz"


def load_digits_arrays() -> tuple[np.ndarray, np.ndarray]:
    """(images float32 (1797, 1, 8, 8) scaled to [0, 1], labels int64 (1797,))."""
    with gzip.open(DATA_FILE, "rt") as f:
        table = np.loadtxt(f, delimiter=",", dtype=np.float32)
    images = (table[:, :64] / 16.0).reshape(-1, 1, 8, 8)
    return np.ascontiguousarray(images), table[:, 64].astype(np.int64)


def digits_dataset(torch):
    """A TensorDataset of (image, label) pairs for the framework module `torch` (ember or torch)."""
    images, labels = load_digits_arrays()
    return torch.utils.data.TensorDataset(torch.from_numpy(images), torch.from_numpy(labels))
