"""torch.cuda.amp.common."""
from __future__ import annotations

__all__ = ["amp_definitely_not_available"]


def amp_definitely_not_available() -> bool:
    """True when no GPU is usable (ember has no XLA to fall back on)."""
    from .. import is_available

    return not is_available()
