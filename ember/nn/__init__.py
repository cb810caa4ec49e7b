"""ember.nn: modules, parameters, functional, init, utils."""
from __future__ import annotations

from . import functional, init, utils  # noqa: F401
from .modules import *
from .parameter import *
