"""Every nn layer class, re-exported from the file of its family (each lists it in __all__)."""
from __future__ import annotations

from .activation import *
from .container import *
from .conv import *
from .distance import *
from .dropout import *
from .flatten import *
from .linear import *
from .loss import *
from .module import *
from .normalization import *
from .padding import *
from .pooling import *
from .rnn import *
from .sparse import *
from .transformer import *
from .upsampling import *
