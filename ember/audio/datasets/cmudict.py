"""torchaudio.datasets.cmudict: CMUDict, not implemented in ember yet (the constructor
raises NotImplementedError naming the dataset)."""
from .utils import _not_implemented

CMUDict = _not_implemented("CMUDict", __name__)
