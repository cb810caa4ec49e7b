"""ember.utils.tensorboard: torch.utils.tensorboard's SummaryWriter (needs the tensorboard
package: `pip install tensorboard`; importing this module without it raises ImportError)."""
from __future__ import annotations

try:
    import tensorboard  # noqa: F401
except ImportError as e:  # torch's message, with the install line
    raise ImportError("TensorBoard logging requires TensorBoard version 1.15 or above "
                      "(pip install tensorboard)") from e

from .writer import FileWriter, SummaryWriter

__all__ = ["FileWriter", "SummaryWriter"]
