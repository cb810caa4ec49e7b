"""torchaudio.compliance on ember: Kaldi-compatible features."""
from . import kaldi

__all__ = ["kaldi"]
