"""torchaudio (the oracle) or ember.audio, picked by the `lib` that tests/oracle.py passes."""
from __future__ import annotations

import ember
import ember.audio
from tests.third_party import import_torchaudio


def audio(lib):
    """torchaudio for torch, ember.audio for ember."""
    return ember.audio if lib is ember else import_torchaudio()


def module(name: str):
    """A check_module constructor for transforms.<name> in either library."""
    return lambda lib, *args, **kwargs: getattr(audio(lib).transforms, name)(*args, **kwargs)
