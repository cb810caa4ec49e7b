"""torchvision.transforms: the v1 transform classes, `functional`, and the auto-augment policies."""
from . import functional as functional
from .autoaugment import *
from .transforms import *
