"""torchaudio.datasets.fluentcommands: FluentSpeechCommands, not implemented in ember yet (the constructor
raises NotImplementedError naming the dataset)."""
from .utils import _not_implemented

FluentSpeechCommands = _not_implemented("FluentSpeechCommands", __name__)
