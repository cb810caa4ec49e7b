"""torchaudio.datasets.vctk: VCTK_092, not implemented in ember yet (the constructor
raises NotImplementedError naming the dataset)."""
from .utils import _not_implemented

VCTK_092 = _not_implemented("VCTK_092", __name__)
