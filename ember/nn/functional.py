"""ember.nn.functional: torch.nn.functional's surface, thin over the ops that hold the formulas."""
from __future__ import annotations

from ..ops.activation import *  # noqa: F401,F403
from ..ops.dropout import *  # noqa: F401,F403
from ..ops.embedding import *  # noqa: F401,F403
from ..ops.loss import *  # noqa: F401,F403
from ..ops.nn_linear import *  # noqa: F401,F403
from ..ops.nn_misc import *  # noqa: F401,F403
from ..ops.normalization import *  # noqa: F401,F403
