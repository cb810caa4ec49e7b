"""ember.nn.functional: torch.nn.functional's surface, thin over the ops that hold the formulas."""
from __future__ import annotations

from ..ops.activation import *
from ..ops.attention import *
from ..ops.conv import *
from ..ops.dropout import *
from ..ops.embedding import *
from ..ops.loss import *
from ..ops.nn_linear import *
from ..ops.nn_misc import *
from ..ops.normalization import *
from ..ops.pooling import *
from ..ops.recurrent import *
from ..ops.resample import *
