"""torchaudio.datasets.iemocap: IEMOCAP, not implemented in ember yet (the constructor
raises NotImplementedError naming the dataset)."""
from .utils import _not_implemented

IEMOCAP = _not_implemented("IEMOCAP", __name__)
