"""ember.nn: modules, parameters, functional, init, utils."""
from __future__ import annotations

from . import functional, init, utils  # noqa: F401
from .modules import *  # noqa: F401,F403
from .parameter import *  # noqa: F401,F403
