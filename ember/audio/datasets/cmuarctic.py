"""torchaudio.datasets.cmuarctic: CMUARCTIC, not implemented in ember yet (the constructor
raises NotImplementedError naming the dataset)."""
from .utils import _not_implemented

CMUARCTIC = _not_implemented("CMUARCTIC", __name__)
