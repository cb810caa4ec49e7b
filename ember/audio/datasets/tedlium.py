"""torchaudio.datasets.tedlium: TEDLIUM, not implemented in ember yet (the constructor
raises NotImplementedError naming the dataset)."""
from .utils import _not_implemented

TEDLIUM = _not_implemented("TEDLIUM", __name__)
