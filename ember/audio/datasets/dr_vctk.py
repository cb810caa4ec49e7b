"""torchaudio.datasets.dr_vctk: DR_VCTK, not implemented in ember yet (the constructor
raises NotImplementedError naming the dataset)."""
from .utils import _not_implemented

DR_VCTK = _not_implemented("DR_VCTK", __name__)
