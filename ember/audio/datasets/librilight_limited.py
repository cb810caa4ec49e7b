"""torchaudio.datasets.librilight_limited: LibriLightLimited, not implemented in ember yet (the constructor
raises NotImplementedError naming the dataset)."""
from .utils import _not_implemented

LibriLightLimited = _not_implemented("LibriLightLimited", __name__)
