"""torchaudio.functional's alignment helpers: TokenSpan and merge_tokens (CTC frame labels to
token spans)."""
from __future__ import annotations

import itertools
from dataclasses import dataclass

from ember import Tensor


@dataclass
class TokenSpan:
    """A token and the frames [start, end) it spans, with its mean frame score."""

    token: int
    start: int
    end: int
    score: float

    def __len__(self) -> int:
        return self.end - self.start


def merge_tokens(tokens: Tensor, scores: Tensor, blank: int = 0) -> list[TokenSpan]:
    """Runs of equal frame labels as TokenSpans, blanks left out."""
    if tokens.ndim != 1 or scores.ndim != 1:
        raise ValueError("`tokens` and `scores` must be 1D Tensor.")
    if len(tokens) != len(scores):
        raise ValueError("`tokens` and `scores` must be the same length.")
    labels = tokens.tolist()
    bounds = [i for i in range(len(labels) + 1)
              if i == 0 or i == len(labels) or labels[i] != labels[i - 1]]
    return [TokenSpan(token=labels[start], start=start, end=end,
                      score=scores[start:end].mean().item())
            for start, end in itertools.pairwise(bounds) if labels[start] != blank]
