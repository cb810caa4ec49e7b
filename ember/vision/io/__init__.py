"""torchvision.io's image reading and writing (Pillow underneath, imported on first use)."""
from .image import *
from .image import __all__ as __all__
