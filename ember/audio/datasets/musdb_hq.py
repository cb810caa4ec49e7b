"""torchaudio.datasets.musdb_hq: MUSDB_HQ, not implemented in ember yet (the constructor
raises NotImplementedError naming the dataset)."""
from .utils import _not_implemented

MUSDB_HQ = _not_implemented("MUSDB_HQ", __name__)
