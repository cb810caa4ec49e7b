"""ember.utils: data loading (ember.utils.data) and checkpoint helpers."""
from __future__ import annotations

from . import data  # noqa: F401
