"""torch.cpu.amp.GradScaler: torch.amp.GradScaler('cpu', ...) with torch's FutureWarning."""
from ...amp.grad_scaler import _deprecated_alias

__all__ = ["GradScaler"]

GradScaler = _deprecated_alias("cpu")
