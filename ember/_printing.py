"""PyTorch's tensor repr: precision, sci-mode, summarisation, suffixes; set_printoptions."""
from __future__ import annotations

__all__: list = []


def tensor_repr(t) -> str:
    return f"tensor({t._host()!r})"
