"""torch.cuda.amp.GradScaler: torch.amp.GradScaler('cuda', ...) with torch's FutureWarning."""
from ...amp.grad_scaler import (
    OptState,  # noqa: F401 - torch re-exports it here
    _deprecated_alias,
)

__all__ = ["GradScaler"]

GradScaler = _deprecated_alias("cuda")
