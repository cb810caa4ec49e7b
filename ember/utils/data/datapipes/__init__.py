"""ember.utils.data.datapipes: the DataPipe bases, decorators and built-in pipes torch ships."""
from __future__ import annotations

from . import iter, map
from ._decorator import (
    argument_validation,
    functional_datapipe,
    guaranteed_datapipes_determinism,
    non_deterministic,
    runtime_validation,
    runtime_validation_disabled,
)
from .datapipe import DataChunk, DFIterDataPipe, IterDataPipe, MapDataPipe

__all__ = ["DFIterDataPipe", "DataChunk", "IterDataPipe", "MapDataPipe", "argument_validation",
           "functional_datapipe", "guaranteed_datapipes_determinism", "iter", "map",
           "non_deterministic", "runtime_validation", "runtime_validation_disabled"]
