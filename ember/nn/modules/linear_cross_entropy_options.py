"""LinearCrossEntropyOptions: torch's switch into its chunked linear_cross_entropy kernel (ember
keeps the fields and computes the reference path, which gives the same numbers)."""
from __future__ import annotations

import dataclasses
from typing import Literal

__all__ = ["LinearCrossEntropyOptions"]


@dataclasses.dataclass
class LinearCrossEntropyOptions:
    """Configuration for the chunked implementation of linear_cross_entropy."""

    allow_retain_graph: bool = False
    batch_chunk_size: int | None = None
    chunking_method: str = "auto"
    acc_policy: Literal["auto", "compact", "full"] | str = "auto"
    acc_dtype: object = None
