"""Indexing: __getitem__/__setitem__, gather, scatter, index_select, masked ops, nonzero, take."""
from __future__ import annotations

__all__: list = []
