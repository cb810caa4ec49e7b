"""torchaudio.datasets.snips: Snips, not implemented in ember yet (the constructor
raises NotImplementedError naming the dataset)."""
from .utils import _not_implemented

Snips = _not_implemented("Snips", __name__)
