"""Tensor methods of the indexing family (__getitem__, __setitem__, gather, scatter, masked_*...)."""
from __future__ import annotations


class IndexingMethods:
    __slots__ = ()
