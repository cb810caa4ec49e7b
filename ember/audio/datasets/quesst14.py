"""torchaudio.datasets.quesst14: QUESST14, not implemented in ember yet (the constructor
raises NotImplementedError naming the dataset)."""
from .utils import _not_implemented

QUESST14 = _not_implemented("QUESST14", __name__)
