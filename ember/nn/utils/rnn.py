"""nn.utils.rnn: PackedSequence, pad_sequence, pack_padded_sequence, pad_packed_sequence, pack_sequence."""
from __future__ import annotations

__all__: list = []
