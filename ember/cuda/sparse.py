"""torch.cuda.sparse: the legacy sparse CUDA tensor type names (never constructible here)."""
from __future__ import annotations

from ._legacy import SPARSE

BFloat16Tensor = SPARSE["BFloat16Tensor"]
ByteTensor = SPARSE["ByteTensor"]
CharTensor = SPARSE["CharTensor"]
DoubleTensor = SPARSE["DoubleTensor"]
FloatTensor = SPARSE["FloatTensor"]
HalfTensor = SPARSE["HalfTensor"]
IntTensor = SPARSE["IntTensor"]
LongTensor = SPARSE["LongTensor"]
ShortTensor = SPARSE["ShortTensor"]
