"""torch.cpu.amp.autocast: torch.amp.autocast('cpu', ...) with torch's FutureWarning."""
from ... import _dtype as _dt
from ...amp.autocast_mode import _deprecated_alias

__all__ = ["autocast"]

autocast = _deprecated_alias("cpu", _dt.bfloat16)
