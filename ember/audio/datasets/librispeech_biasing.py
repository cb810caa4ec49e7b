"""torchaudio.datasets.librispeech_biasing: LibriSpeechBiasing, not implemented in ember yet (the constructor
raises NotImplementedError naming the dataset)."""
from .utils import _not_implemented

LibriSpeechBiasing = _not_implemented("LibriSpeechBiasing", __name__)
