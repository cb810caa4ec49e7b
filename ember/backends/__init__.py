"""ember.backends: PyTorch's settable backend flags (cudnn, cuda.matmul)."""
from __future__ import annotations
