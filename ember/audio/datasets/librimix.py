"""torchaudio.datasets.librimix: LibriMix, not implemented in ember yet (the constructor
raises NotImplementedError naming the dataset)."""
from .utils import _not_implemented

LibriMix = _not_implemented("LibriMix", __name__)
