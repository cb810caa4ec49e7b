"""torchaudio.datasets.libritts: LIBRITTS, not implemented in ember yet (the constructor
raises NotImplementedError naming the dataset)."""
from .utils import _not_implemented

LIBRITTS = _not_implemented("LIBRITTS", __name__)
