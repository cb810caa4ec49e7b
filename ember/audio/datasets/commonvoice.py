"""torchaudio.datasets.commonvoice: COMMONVOICE, not implemented in ember yet (the constructor
raises NotImplementedError naming the dataset)."""
from .utils import _not_implemented

COMMONVOICE = _not_implemented("COMMONVOICE", __name__)
